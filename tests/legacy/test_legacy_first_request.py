"""Section 3 (``before_first_request``, ``before_first_request_funcs``,
``try_trigger_before_first_request_functions``, ``got_first_request``) and
section 4 (``Blueprint.before_app_first_request``)."""

from __future__ import annotations

import threading
import warnings

import pytest

import flaskfast
from flaskfast import signals


def test_before_first_request_runs_once_before_request_started(app, warns_once) -> None:
    log = []
    with warns_once("app.before_first_request", "app factory"):

        @app.before_first_request
        def setup():
            log.append("first")

    def started(sender, **extra):
        log.append("started")

    @app.route("/")
    def index():
        log.append("view")
        return "ok"

    with signals.request_started.connected_to(started, app):
        client = app.test_client()
        assert client.get("/").data == b"ok"
        assert client.get("/").data == b"ok"
    assert log == ["first", "started", "view", "started", "view"]
    # The one-shot dispatcher removed itself: stock dispatch from now on.
    assert "full_dispatch_request" not in vars(app)


def test_async_function_and_threads(app) -> None:
    pytest.importorskip("asgiref", reason="async functions need the async extra")
    log = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)

        @app.before_first_request
        async def setup():
            log.append("first")

    app.add_url_rule("/", "index", lambda: "ok")
    client = app.test_client()
    threads = [threading.Thread(target=lambda: client.get("/")) for _ in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert log == ["first"]


def test_failure_retries_on_next_request(app) -> None:
    calls = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)

        @app.before_first_request
        def setup():
            calls.append(1)
            if len(calls) == 1:
                raise RuntimeError("boom")

    app.testing = False
    app.add_url_rule("/", "index", lambda: "ok")
    client = app.test_client()
    assert client.get("/").status_code == 500
    assert client.get("/").data == b"ok"
    assert client.get("/").data == b"ok"
    assert calls == [1, 1]


def test_late_registration_is_refused(app) -> None:
    app.add_url_rule("/", "index", lambda: "ok")
    app.test_client().get("/")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with pytest.raises(AssertionError, match="before_first_request"):
            app.before_first_request(lambda: None)


def test_funcs_list_and_try_trigger(app, warns_once) -> None:
    log = []
    with warns_once("app.before_first_request_funcs"):
        app.before_first_request_funcs.append(lambda: log.append(1))
    with warns_once("try_trigger_before_first_request_functions"):
        app.try_trigger_before_first_request_functions()
    assert log == [1]
    app.add_url_rule("/", "index", lambda: "ok")
    app.test_client().get("/")
    assert log == [1]  # already triggered


def test_got_first_request(app, warns_once) -> None:
    app.add_url_rule("/", "index", lambda: "ok")
    with warns_once("app.got_first_request"):
        assert app.got_first_request is False
    app.test_client().get("/")
    with warns_once("app.got_first_request"):
        assert app.got_first_request is True
    with pytest.raises(RuntimeError, match="managed by request handling"):
        app.got_first_request = False


def test_blueprint_before_app_first_request(app, warns_once) -> None:
    log = []
    bp = flaskfast.Blueprint("bp", __name__)
    with warns_once("blueprint.before_app_first_request"):

        @bp.before_app_first_request
        def setup():
            log.append("bp")

    app.register_blueprint(bp)
    app.register_blueprint(bp, name="again")  # record_once: registered once
    app.add_url_rule("/", "index", lambda: "ok")
    app.test_client().get("/")
    app.test_client().get("/")
    assert log == ["bp"]


def test_apps_without_it_keep_stock_dispatch(app) -> None:
    app.add_url_rule("/", "index", lambda: "ok")
    assert "full_dispatch_request" not in vars(app)
    app.test_client().get("/")
    assert "full_dispatch_request" not in vars(app)
