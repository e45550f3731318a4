"""Helpers for differential tests that serve the same requests to an app
built with Flask 3.1.3 and to the same app built with flaskfast.

``FRAMEWORKS`` is ``(flask, flaskfast)``: a test builds its app once per
module, serves identical WSGI environs to both and compares what a server
(status line, header list, body, exceptions) and the app (hook, signal and
teardown logs) observe.
"""

from __future__ import annotations

import datetime
import types
import typing as t

import flask
import pytest
from werkzeug.test import EnvironBuilder

import flaskfast

FRAMEWORKS: tuple[types.ModuleType, ...] = (flask, flaskfast)


def fw_id(fw: types.ModuleType) -> str:
    return fw.__name__


class _FrozenDatetime(datetime.datetime):
    @classmethod
    def now(cls, tz: datetime.tzinfo | None = None) -> _FrozenDatetime:
        return cls(2023, 11, 14, 22, 13, 20, tzinfo=tz)


def freeze_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fix the clocks that signed session cookies and their expiry read
    (itsdangerous' timestamps, ``flask.sessions`` and ``flaskfast.sessions``),
    so both frameworks set identical cookies even across a second boundary."""
    import flask.sessions
    import itsdangerous.timed

    import flaskfast.sessions

    monkeypatch.setattr(itsdangerous.timed, "time", types.SimpleNamespace(time=lambda: 1.7e9))
    monkeypatch.setattr(flask.sessions, "datetime", _FrozenDatetime)
    monkeypatch.setattr(flaskfast.sessions, "datetime", _FrozenDatetime)


def environ_for(method: str, path: str, **kwargs: t.Any) -> dict[str, t.Any]:
    builder = EnvironBuilder(path=path, method=method, **kwargs)
    try:
        return builder.get_environ()
    finally:
        builder.close()


def call_wsgi(fw: types.ModuleType, target: t.Any, environ: dict[str, t.Any]) -> tuple[t.Any, ...]:
    """Serve ``environ`` through the WSGI callable ``target`` of an app built
    with ``fw``: ``("ok", start_response calls, body)`` or ``("raised",
    type, message, start_response calls)``.

    flaskfast's iterable must always have ``close()`` (PEP 3333 lets a
    server rely on it; Flask's lacks it when a response's own ``__call__``
    returns a list).  It is called, as a server would, after the body is
    read; afterwards nothing of ``fw`` may stay bound."""
    captured: list[t.Any] = []

    def start_response(status: str, headers: list[t.Any], exc_info: t.Any = None) -> t.Any:
        captured.append((status, list(headers)))
        return lambda data: None

    try:
        iterable = target(environ, start_response)
        if fw is flaskfast:
            assert callable(getattr(iterable, "close", None)), iterable
        try:
            body = b"".join(iterable)
        finally:
            close = getattr(iterable, "close", None)
            if close is not None:
                close()
    except Exception as e:
        return ("raised", type(e), str(e), captured)
    assert fw.globals._cv_request.get(None) is None
    assert fw.globals._cv_app.get(None) is None
    return ("ok", captured, body)


def same_as_flask(outcomes: dict[types.ModuleType, t.Any]) -> t.Any:
    """Assert flaskfast's outcome equals Flask's; return Flask's."""
    assert outcomes[flaskfast] == outcomes[flask]
    return outcomes[flask]


SIGNALS = [
    "request_started",
    "request_finished",
    "got_request_exception",
    "request_tearing_down",
    "appcontext_tearing_down",
    "appcontext_pushed",
    "appcontext_popped",
]


def connect_signals(fw: types.ModuleType, app: t.Any, log: list[t.Any]) -> list[t.Any]:
    """Connect a recorder of every request signal of ``fw`` sent by ``app``
    to ``log``; return the receivers (keep them alive: blinker holds weak
    references)."""
    receivers = []
    for name in SIGNALS:

        def receiver(sender: t.Any, _name: str = name, **kwargs: t.Any) -> None:
            detail = {k: repr(v) if k == "exc" else type(v).__name__ for k, v in kwargs.items()}
            log.append(("signal", _name, sorted(detail.items())))

        getattr(fw.signals, name).connect(receiver, app)
        receivers.append(receiver)
    return receivers
