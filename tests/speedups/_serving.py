"""Helpers for the tests of the fused request cycle (``serve``): a counter of
fused cycles installed on one context-kernel twin, and a WSGI caller."""

from __future__ import annotations

import datetime
import types
import typing as t

import pytest
from werkzeug.test import EnvironBuilder

import flaskfast
import flaskfast.app as app_module
from flaskfast.globals import _cv_app
from flaskfast.globals import _cv_request


class Spy:
    """Stands in for the selected context kernel and counts the fused cycles
    of one twin, however they are reached."""

    def __init__(self, kernel: types.ModuleType) -> None:
        self.kernel = kernel
        self.calls = 0
        self.original = kernel.serve

    def serve(self, app: t.Any, environ: t.Any, start_response: t.Any) -> t.Any:
        self.calls += 1
        return self.original(app, environ, start_response)


def install_spy(kernel: types.ModuleType, monkeypatch: pytest.MonkeyPatch) -> Spy:
    """Route every request through ``kernel`` and count its fused cycles:
    ``wsgi_app`` reaches ``serve`` through flaskfast.app, and
    ``Flask.__call__`` (the kernel's ``app_call``) may go to its own
    module's ``serve`` directly."""
    found = Spy(kernel)
    monkeypatch.setattr(app_module, "_context_kernel", found)
    monkeypatch.setattr(kernel, "serve", found.serve)
    monkeypatch.setattr(flaskfast.Flask, "__call__", kernel.app_call)
    return found


class _FrozenDatetime(datetime.datetime):
    @classmethod
    def now(cls, tz: datetime.tzinfo | None = None) -> _FrozenDatetime:
        return cls(2023, 11, 14, 22, 13, 20, tzinfo=tz)


def freeze_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fix the clock that signed session cookies and their expiry read, so
    that two runs of the same requests set identical cookies even across a
    second boundary."""
    import itsdangerous.timed

    import flaskfast.sessions

    monkeypatch.setattr(itsdangerous.timed, "time", types.SimpleNamespace(time=lambda: 1.7e9))
    monkeypatch.setattr(flaskfast.sessions, "datetime", _FrozenDatetime)


def environ_for(method: str, path: str, **kwargs: t.Any) -> dict[str, t.Any]:
    builder = EnvironBuilder(path=path, method=method, **kwargs)
    try:
        return builder.get_environ()
    finally:
        builder.close()


def call_wsgi(target: t.Any, environ: dict[str, t.Any]) -> tuple[t.Any, ...]:
    """Serve ``environ`` through the WSGI callable ``target``: the exact
    arguments of ``start_response`` and the body, or the exception raised."""
    captured: list[t.Any] = []

    def start_response(status: str, headers: list[t.Any], exc_info: t.Any = None) -> t.Any:
        captured.append((status, list(headers)))
        return lambda data: None

    try:
        iterable = target(environ, start_response)
        try:
            body = b"".join(iterable)
        finally:
            close = getattr(iterable, "close", None)
            if close is not None:
                close()
    except Exception as e:
        return ("raised", type(e), str(e), captured)
    # Nothing may stay bound after the request.
    assert _cv_request.get(None) is None
    assert _cv_app.get(None) is None
    return ("ok", captured, body)
