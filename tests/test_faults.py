"""An exception from a teardown function (``flaskfast._faults``).

What a Flask user expects, and why flaskfast answers with the response the
app made: by the time ``teardown_request`` / ``teardown_appcontext``
functions run, the view, the ``after_request`` functions and the session
save have all finished and the response is complete; Flask documents
teardown functions as clean-up whose return value is ignored and which
"must avoid raising".  In Flask 3.1.3 an exception from one escapes the WSGI
call, so the *server* picks the answer (gunicorn and the werkzeug server
send their own 500 page and log on their own logger; others drop the
connection), and the same teardown error after a ``stream_with_context``
body reaches the client not at all.  flaskfast makes that one answer:
the app's response, always, with the error logged once, with its
traceback, on ``app.logger`` (where ``handle_exception`` logs) — outside
testing and propagation mode.  In testing, debug or with
``PROPAGATE_EXCEPTIONS`` the exception propagates, as in Flask, so tests and
the debugger see it.  Work whose failure must change the answer (a commit)
belongs in the view or an ``after_request`` function, not in a teardown.
"""

from __future__ import annotations

import logging
import typing as t

import flask
import pytest
from werkzeug.test import EnvironBuilder

from _wsgi import Records
from _wsgi import serve

import flaskfast


def _make_app(fw: t.Any = flaskfast, **config: t.Any) -> tuple[t.Any, list[str], Records]:
    app = fw.Flask("teardown_faults")
    app.config.update(SECRET_KEY="k", **config)
    log: list[str] = []
    records = Records()
    app.logger.handlers.clear()
    app.logger.propagate = False
    app.logger.addHandler(records)

    @app.before_request
    def remember() -> None:
        fw.g.boom = fw.request.args.get("boom")

    @app.route("/")
    def index() -> str:
        fw.session["seen"] = True
        return "made by the view"

    @app.route("/fail")
    def fail() -> str:
        raise ZeroDivisionError("view failed")

    @app.after_request
    def after(response: t.Any) -> t.Any:
        response.headers["X-After"] = "1"
        return response

    @app.teardown_request
    def second(exc: BaseException | None) -> None:
        log.append(f"request teardown 2 ran ({type(exc).__name__})")

    @app.teardown_request
    def failing(exc: BaseException | None) -> None:
        if fw.g.boom == "request":
            raise RuntimeError("teardown failed")

    @app.teardown_appcontext
    def app_teardown(exc: BaseException | None) -> None:
        log.append("app teardown ran")
        if fw.g.boom == "app":
            raise KeyError("app teardown failed")

    return app, log, records


def _call(app: t.Any, query: str, path: str = "/") -> tuple[str, dict[str, str], bytes]:
    status, headers, body = serve(app, EnvironBuilder(path=path, query_string=query).get_environ())
    return status, dict(headers), body


@pytest.mark.parametrize("boom", ["request", "app"])
def test_failing_teardown_keeps_the_response_and_logs_once(boom: str) -> None:
    app, log, records = _make_app()
    status, headers, body = _call(app, f"boom={boom}")
    assert (status, body) == ("200 OK", b"made by the view")
    assert headers["X-After"] == "1"
    assert "session=" in headers["Set-Cookie"]
    assert len(records.records) == 1
    record = records.records[0]
    assert record.levelno == logging.ERROR
    assert record.getMessage() == "Exception in a teardown function on / [GET]"
    assert record.exc_info is not None
    assert str(record.exc_info[1]) in ("teardown failed", "'app teardown failed'")
    # Flask's order: a failing request teardown skips those registered
    # before it, and the app context is still torn down.
    if boom == "request":
        assert log == ["app teardown ran"]
    else:
        assert log == ["request teardown 2 ran (NoneType)", "app teardown ran"]
    assert flaskfast.globals._cv_request.get(None) is None
    assert flaskfast.globals._cv_app.get(None) is None


def test_next_request_is_served_normally() -> None:
    app, log, records = _make_app()
    _call(app, "boom=request")
    log.clear()
    assert _call(app, "")[::2] == ("200 OK", b"made by the view")
    assert log == ["request teardown 2 ran (NoneType)", "app teardown ran"]
    assert len(records.records) == 1


def test_failing_teardown_after_a_failing_view_keeps_the_500() -> None:
    app, _, records = _make_app()
    status, _, body = _call(app, "boom=request", "/fail")
    assert status == "500 INTERNAL SERVER ERROR"
    assert b"view failed" not in body and b"Traceback" not in body
    messages = [r.getMessage() for r in records.records]
    assert messages == [
        "Exception on /fail [GET]",
        "Exception in a teardown function on /fail [GET]",
    ]


def test_flask_lets_the_teardown_error_out() -> None:
    """Pins the Flask 3.1.3 behaviour listed as a deliberate difference."""
    app, _, _ = _make_app(flask)
    with pytest.raises(RuntimeError, match="teardown failed"):
        _call(app, "boom=request")
    assert _call(_make_app()[0], "boom=request")[0] == "200 OK"


@pytest.mark.parametrize(
    "config",
    [{"TESTING": True}, {"DEBUG": True}, {"PROPAGATE_EXCEPTIONS": True}],
)
def test_propagating_apps_let_it_out_like_flask(config: dict[str, t.Any]) -> None:
    for fw in (flask, flaskfast):
        app, log, records = _make_app(fw, **config)
        with pytest.raises(RuntimeError, match="teardown failed"):
            _call(app, "boom=request")
        assert log == ["app teardown ran"]
        assert records.records == []
        assert fw.globals._cv_request.get(None) is None


def test_propagate_false_wins_over_testing() -> None:
    app, _, records = _make_app(TESTING=True, PROPAGATE_EXCEPTIONS=False)
    assert _call(app, "boom=request")[0] == "200 OK"
    assert len(records.records) == 1


def test_test_client_in_testing_mode_sees_it(app: flaskfast.Flask) -> None:
    @app.route("/")
    def index() -> str:
        return "ok"

    @app.teardown_request
    def fail(exc: BaseException | None) -> None:
        raise RuntimeError("seen by the test")

    with pytest.raises(RuntimeError, match="seen by the test"):
        app.test_client().get("/")


def test_overridden_pop_failing_is_handled_too() -> None:
    """The request context's ``pop`` may be overridden; an error from it is
    a teardown error like any other."""
    app, _, records = _make_app()

    class Context(flaskfast.ctx.RequestContext):
        def pop(self, exc: t.Any = None) -> None:  # type: ignore[override]
            super().pop(exc)
            raise OSError("pop failed")

    app.request_context = lambda environ: Context(app, environ)  # type: ignore[method-assign]
    assert _call(app, "")[::2] == ("200 OK", b"made by the view")
    assert [r.getMessage() for r in records.records] == ["Exception in a teardown function on / [GET]"]


def test_base_exceptions_are_not_swallowed() -> None:
    app, _, records = _make_app()

    @app.teardown_request
    def interrupt(exc: BaseException | None) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _call(app, "")
    assert records.records == []
