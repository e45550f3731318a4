"""Tests for flaskfast.logging."""

from __future__ import annotations

import io
import logging
import sys
import typing as t
import uuid

import pytest

from flaskfast.logging import create_logger
from flaskfast.logging import default_handler
from flaskfast.logging import has_level_handler
from flaskfast.logging import wsgi_errors_stream


class FakeApp:
    def __init__(self, debug: bool = False) -> None:
        self.name = f"ff_log_{uuid.uuid4().hex}"
        self.debug = debug


@pytest.fixture(autouse=True)
def isolated_root(request: pytest.FixtureRequest) -> t.Iterator[None]:
    """Run without root handlers (pytest's capture handler included)."""
    saved = logging.root.handlers[:]
    level = logging.root.level
    plugin = request.config.pluginmanager.unregister(name="logging-plugin")
    logging.root.handlers = []
    yield
    logging.root.handlers[:] = saved
    logging.root.setLevel(level)
    if plugin is not None:
        request.config.pluginmanager.register(plugin, "logging-plugin")


def test_wsgi_errors_stream_is_stderr_outside_request() -> None:
    assert wsgi_errors_stream._get_current_object() is sys.stderr  # type: ignore[attr-defined]


def test_default_handler_format() -> None:
    assert default_handler.stream is wsgi_errors_stream  # type: ignore[comparison-overlap]
    record = logging.LogRecord("x", logging.WARNING, "/a/b/mymod.py", 1, "msg %s", ("!",), None)
    text = default_handler.format(record)
    assert text.startswith("[")
    assert text.endswith("] WARNING in mymod: msg !")


def test_has_level_handler_walks_ancestors() -> None:
    logger = logging.getLogger(f"ff_hlh_{uuid.uuid4().hex}.child")
    assert not has_level_handler(logger)

    handler = logging.StreamHandler(io.StringIO())
    logging.root.addHandler(handler)
    assert has_level_handler(logger)

    logger.propagate = False
    assert not has_level_handler(logger)
    logger.propagate = True

    handler.setLevel(logging.ERROR)  # root level WARNING < ERROR
    assert not has_level_handler(logger)
    logger.setLevel(logging.ERROR)
    assert has_level_handler(logger)


def test_create_logger_adds_default_handler() -> None:
    app = FakeApp()
    logger = create_logger(app)  # type: ignore[arg-type]
    try:
        assert logger is logging.getLogger(app.name)
        assert logger.level == logging.NOTSET
        assert logger.handlers == [default_handler]
    finally:
        logger.handlers.clear()


def test_create_logger_debug_sets_level_unless_set() -> None:
    app = FakeApp(debug=True)
    logger = create_logger(app)  # type: ignore[arg-type]
    assert logger.level == logging.DEBUG
    logger.handlers.clear()

    other = FakeApp(debug=True)
    preset = logging.getLogger(other.name)
    preset.setLevel(logging.ERROR)
    assert create_logger(other).level == logging.ERROR  # type: ignore[arg-type]
    preset.handlers.clear()


def test_create_logger_respects_existing_handler() -> None:
    logging.root.addHandler(logging.StreamHandler(io.StringIO()))
    app = FakeApp()
    logger = create_logger(app)  # type: ignore[arg-type]
    assert logger.handlers == []


def test_create_logger_does_not_add_handler_twice() -> None:
    app = FakeApp()
    logger = create_logger(app)  # type: ignore[arg-type]
    create_logger(app)  # type: ignore[arg-type]
    assert logger.handlers == [default_handler]
    logger.handlers.clear()


def _app_or_skip(name: str) -> t.Any:
    import flaskfast

    flask_cls = getattr(flaskfast, "Flask", None)
    if flask_cls is None:
        pytest.skip("flaskfast.Flask is not available yet")
    app = flask_cls(name)
    return app


def test_app_logger_writes_to_wsgi_errors() -> None:
    name = f"ff_app_{uuid.uuid4().hex}"
    app = _app_or_skip(name)

    @app.route("/")
    def index() -> str:
        app.logger.error("boom %d", 7)
        return ""

    stream = io.StringIO()
    try:
        app.test_client().get("/", errors_stream=stream)
        assert "ERROR in test_logging: boom 7" in stream.getvalue()
        with app.test_request_context(errors_stream=stream):
            assert wsgi_errors_stream._get_current_object() is stream  # type: ignore[attr-defined]
    finally:
        logging.getLogger(name).handlers.clear()


def test_unhandled_exception_is_logged() -> None:
    name = f"ff_app_{uuid.uuid4().hex}"
    app = _app_or_skip(name)
    app.testing = False

    @app.route("/fail")
    def fail() -> str:
        raise ValueError("bad thing")

    stream = io.StringIO()
    try:
        rv = app.test_client().get("/fail", errors_stream=stream)
        assert rv.status_code == 500
        err = stream.getvalue()
        assert "Exception on /fail [GET]" in err
        assert "ValueError: bad thing" in err
    finally:
        logging.getLogger(name).handlers.clear()
