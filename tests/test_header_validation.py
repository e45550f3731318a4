"""Responses whose headers or status line cannot be sent safely.

Names must be RFC 7230 tokens; values and the status line latin-1 text
without control characters (tab allowed).  Such a response is never handed to
the server: the app logs the error naming the header and answers werkzeug's
plain 500 page, or raises the error when it propagates exceptions (testing).
Each case runs through the fused request cycle and the generic ``wsgi_app``.
"""

from __future__ import annotations

import logging
import typing as t

import pytest
from werkzeug.datastructures import Headers
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Response as WerkzeugResponse

import flaskfast
from flaskfast._speedups import headers as kernel

InvalidHeaderError = kernel.InvalidHeaderError


class GenericFlask(flaskfast.Flask):
    """Overrides a pipeline step, so requests take the generic ``wsgi_app``."""

    def dispatch_request(self) -> t.Any:
        return super().dispatch_request()


@pytest.fixture(params=[flaskfast.Flask, GenericFlask], ids=["fused", "generic"])
def app(request: pytest.FixtureRequest) -> flaskfast.Flask:
    app = request.param("header_validation")
    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


def _with_header(name: t.Any, value: t.Any) -> t.Callable[[], flaskfast.Response]:
    def view() -> flaskfast.Response:
        rv = flaskfast.make_response("body")
        # Past werkzeug's own checks, as a buggy extension might do.
        rv.headers._list.append((name, value))
        return rv

    return view


BAD_HEADERS = [
    pytest.param("X-Nul", "a\x00b", "U+0000", id="nul"),
    pytest.param("X-Esc", "\x1b[31m", "U+001B", id="escape"),
    pytest.param("X-Del", "a\x7f", "U+007F", id="delete"),
    pytest.param("X-Split", "a\r\nSet-Cookie: x=1", "U+000D", id="crlf"),
    pytest.param("X-Lf", "a\nb", "U+000A", id="lf"),
    pytest.param("X-Snow", "\u2603", "not latin-1", id="non-latin-1"),
    pytest.param("Bad Name", "v", "RFC 7230 token", id="space-in-name"),
    pytest.param("X:Y", "v", "RFC 7230 token", id="colon-in-name"),
    pytest.param("", "v", "empty", id="empty-name"),
    pytest.param("X-\u00e9", "v", "RFC 7230 token", id="non-ascii-name"),
]


@pytest.mark.parametrize(("name", "value", "why"), BAD_HEADERS)
def test_bad_header_answers_500_and_logs_it(
    app: flaskfast.Flask,
    caplog: pytest.LogCaptureFixture,
    name: str,
    value: str,
    why: str,
) -> None:
    app.add_url_rule("/", "bad", _with_header(name, value))
    with caplog.at_level(logging.ERROR, logger=app.logger.name):
        rv = app.test_client().get("/")
    assert rv.status_code == 500
    assert b"Internal Server Error" in rv.data
    assert name not in rv.headers
    assert "\r" not in "".join(f"{k}{v}" for k, v in rv.headers.items())
    [record] = [r for r in caplog.records if r.name == app.logger.name]
    message = record.getMessage()
    assert message.startswith("Exception on / [GET]")
    assert repr(name) in message
    assert why in message
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], InvalidHeaderError)


@pytest.mark.parametrize(("name", "value", "why"), BAD_HEADERS)
def test_bad_header_propagates_in_testing(
    app: flaskfast.Flask, name: str, value: str, why: str
) -> None:
    app.testing = True
    app.config["PROPAGATE_EXCEPTIONS"] = None
    app.add_url_rule("/", "bad", _with_header(name, value))
    with pytest.raises(InvalidHeaderError) as info:
        app.test_client().get("/")
    assert isinstance(info.value, ValueError)
    assert info.value.name == name
    assert repr(name) in str(info.value)
    assert why in str(info.value)


def test_propagate_exceptions_setting_wins(app: flaskfast.Flask) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = True
    app.add_url_rule("/", "bad", _with_header("X-A", "\x00"))
    with pytest.raises(InvalidHeaderError, match="'X-A'"):
        app.test_client().get("/")


@pytest.mark.parametrize(
    "status", ["200 OK\r\nSet-Cookie: x=1", "200 \u2603", "599 A\x00B"]
)
def test_bad_status_line_answers_500(
    app: flaskfast.Flask, caplog: pytest.LogCaptureFixture, status: str
) -> None:
    @app.route("/")
    def view() -> t.Any:
        return "body", status

    with caplog.at_level(logging.ERROR, logger=app.logger.name):
        rv = app.test_client().get("/")
    assert rv.status_code == 500
    [record] = [r for r in caplog.records if r.name == app.logger.name]
    assert "status line" in record.getMessage()


def test_bad_status_line_set_after_make_response(app: flaskfast.Flask) -> None:
    app.testing = True
    app.config["PROPAGATE_EXCEPTIONS"] = None

    @app.after_request
    def spoil(response: flaskfast.Response) -> flaskfast.Response:
        response.status = "200 OK\nX: y"
        return response

    app.add_url_rule("/", "plain", lambda: "hi")
    with pytest.raises(InvalidHeaderError, match="status line"):
        app.test_client().get("/")


def test_error_signal_is_sent(app: flaskfast.Flask) -> None:
    seen: list[BaseException] = []

    def record(sender: t.Any, exception: BaseException, **extra: t.Any) -> None:
        seen.append(exception)

    app.add_url_rule("/", "bad", _with_header("X-A", "\x00"))
    with flaskfast.got_request_exception.connected_to(record, app):
        assert app.test_client().get("/").status_code == 500
    assert len(seen) == 1
    assert isinstance(seen[0], InvalidHeaderError)


def test_refused_response_is_closed(app: flaskfast.Flask) -> None:
    closed: list[bool] = []

    @app.route("/")
    def view() -> flaskfast.Response:
        rv = flaskfast.make_response("body")
        rv.headers._list.append(("X-A", "\x00"))
        rv.call_on_close(lambda: closed.append(True))
        return rv

    assert app.test_client().get("/").status_code == 500
    assert closed == [True]


def test_streamed_response_with_bad_header(app: flaskfast.Flask) -> None:
    @app.route("/")
    def view() -> flaskfast.Response:
        rv = flaskfast.Response(iter([b"a", b"b"]))
        rv.headers._list.append(("X-A", "x\x01"))
        return rv

    assert app.test_client().get("/").status_code == 500


def test_werkzeug_still_refuses_newlines_when_setting(app: flaskfast.Flask) -> None:
    rv = flaskfast.Response("x")
    with pytest.raises(ValueError, match="newline"):
        rv.headers["X-A"] = "a\r\nb"
    with pytest.raises(ValueError, match="newline"):
        rv.headers.add("X-A", "a\nb")


def test_newline_slipped_into_the_list_names_the_header() -> None:
    rv = flaskfast.Response("x")
    rv.headers._list.append(("X-Sneaky", "a\r\nb"))
    rv.direct_passthrough = True  # force werkzeug's general path
    environ = EnvironBuilder().get_environ()
    with pytest.raises(InvalidHeaderError, match="'X-Sneaky'") as info:
        rv(environ, lambda status, headers: None)
    assert isinstance(info.value.__cause__, ValueError)


def test_without_an_app_the_error_is_raised() -> None:
    rv = flaskfast.Response("x")
    rv.headers._list.append(("X-A", "\x00"))
    with pytest.raises(InvalidHeaderError, match="'X-A'"):
        rv(EnvironBuilder().get_environ(), lambda status, headers: None)


@pytest.mark.parametrize(
    "value",
    ["tab\there", "caf\u00e9", "\u00ff\u0080", "", "a; b=\"c\"", "~!@#$%^&*()"],
)
def test_allowed_values_are_sent_as_is(app: flaskfast.Flask, value: str) -> None:
    app.add_url_rule("/", "ok", _with_header("X-Ok", value))
    rv = app.test_client().get("/")
    assert rv.status_code == 200
    assert rv.headers["X-Ok"] == value


def test_allowed_names(app: flaskfast.Flask) -> None:
    name = "!#$%&'*+-.^_`|~09AZaz"
    app.add_url_rule("/", "ok", _with_header(name, "v"))
    rv = app.test_client().get("/")
    assert rv.status_code == 200
    assert rv.headers[name] == "v"


def _sent(response: WerkzeugResponse, method: str = "GET") -> tuple[str, list[t.Any]]:
    got: list[t.Any] = []
    environ = EnvironBuilder(method=method).get_environ()
    response(environ, lambda status, headers: got.append((status, headers)))
    [(status, headers)] = got
    return status, headers


@pytest.mark.parametrize(
    "location", ["/", "/caf\u00e9/\u2603?q=\u00fc#f", "http://h\u00fc.test/a b", "//x"]
)
@pytest.mark.parametrize("code", [301, 302, 303, 307])
def test_redirects_match_werkzeug(location: str, code: int) -> None:
    ours = flaskfast.redirect(location, code)
    expected = WerkzeugResponse(ours.get_data(), code, headers=Headers(ours.headers))
    expected.autocorrect_location_header = False
    assert _sent(ours) == _sent(expected)


def test_location_headers_are_rewritten_like_werkzeug() -> None:
    headers = [
        ("location", "/first"),
        ("X-A", "1"),
        ("Content-Location", "/\u00e9"),
        ("LOCATION", "/\u2603"),
    ]
    ours = flaskfast.Response("x", headers=headers)
    theirs = WerkzeugResponse("x", headers=headers, mimetype="text/html")
    assert _sent(ours) == _sent(theirs)


def test_autocorrecting_subclass_keeps_werkzeug_behaviour() -> None:
    class Absolute(flaskfast.Response):
        autocorrect_location_header = True

    ours = Absolute("x", 302, headers={"Location": "/next"})
    status, headers = _sent(ours)
    assert ("Location", "http://localhost/next") in headers
    instance = flaskfast.Response("x", 302, headers={"Location": "/next"})
    instance.autocorrect_location_header = True
    assert ("Location", "http://localhost/next") in _sent(instance)[1]
