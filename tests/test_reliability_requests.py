"""Hostile requests get an answer, never an exception out of the WSGI call:
PEP 3333-violating environs, bad percent-encoding and non-UTF-8 paths, huge
paths, query strings and headers, odd header values, broken session
cookies.  Served outside testing mode (an unexpected exception would be a
500, so the status shows whether the input was recognised), compared with
Flask 3.1.3 wherever Flask answers at all."""

from __future__ import annotations

import io
import typing as t

import flask
import pytest

import flaskfast


def _make_app(fw: t.Any) -> t.Any:
    app = fw.Flask("hostile_requests")
    app.config["SECRET_KEY"] = "hostile key"
    request, session = fw.request, fw.session

    @app.route("/", methods=["GET", "POST"])
    def index() -> t.Any:
        return {
            "args": sorted(request.args.items(multi=True))[:3],
            "session": dict(session),
            "header": request.headers.get("X-A", "")[:20],
            "url": request.url[:40],
            "cookies": len(request.cookies),
            "accept": str(request.accept_mimetypes)[:20],
            "remote": request.remote_addr,
        }

    @app.route("/u/<path:name>")
    def user(name: str) -> str:
        return name[:40]

    return app


APPS = {fw: _make_app(fw) for fw in (flask, flaskfast)}
for _app in APPS.values():
    _app.logger.disabled = True


def _environ(**extra: t.Any) -> dict[str, t.Any]:
    environ: dict[str, t.Any] = {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": "/",
        "QUERY_STRING": "",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "localhost",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": io.StringIO(),
    }
    for key, value in extra.items():
        if value is _DROP:
            environ.pop(key, None)
        else:
            environ[key] = value
    return environ


_DROP: t.Any = object()


def _serve(fw: t.Any, environ: dict[str, t.Any]) -> tuple[str, tuple[str, ...], bytes] | tuple[str, str]:
    status: list[tuple[str, list[t.Any]]] = []

    def start_response(line: str, headers: list[t.Any], exc_info: t.Any = None) -> None:
        status.append((line, headers))

    try:
        iterable = APPS[fw](environ, start_response)
        try:
            body = b"".join(iterable)
        finally:
            getattr(iterable, "close", lambda: None)()
    except Exception as e:  # noqa: BLE001 - what escaped is the result
        return ("raised", type(e).__name__)
    line, headers = status[-1]
    return line, tuple(sorted(name for name, _ in headers)), body


# (case name, environ changes); Flask answers each the same way.
SAME_AS_FLASK = {
    "percent sign alone": {"PATH_INFO": "/u/%"},
    "invalid escape": {"PATH_INFO": "/u/%zz"},
    "escape of non-UTF-8": {"PATH_INFO": "/u/%ff%fe"},
    "raw non-UTF-8 path": {"PATH_INFO": "/u/\xff\xfe"},
    "NUL in path": {"PATH_INFO": "/u/a\x00b"},
    "dot segments": {"PATH_INFO": "/u/../../etc/passwd"},
    "path without slash": {"PATH_INFO": "u/x"},
    "empty path": {"PATH_INFO": ""},
    "missing path": {"PATH_INFO": _DROP},
    "1 MB path": {"PATH_INFO": "/u/" + "a" * 1_000_000},
    "1 MB unmatched path": {"PATH_INFO": "/" + "b/" * 500_000},
    "1 MB query": {"QUERY_STRING": "a=1&" * 250_000},
    "bad query escapes": {"QUERY_STRING": "a=%zz&b=%&c=%ff&%=%%"},
    "query of separators": {"QUERY_STRING": "&&&===&;;;"},
    "20000 headers": {f"HTTP_X_{i}": "v" for i in range(20_000)},
    "1 MB header": {"HTTP_X_A": "v" * 1_000_000},
    "header beyond latin-1": {"HTTP_X_A": "\u2603"},
    "host beyond latin-1": {"HTTP_HOST": "\u2603"},
    "no input stream": {"wsgi.input": _DROP, "REQUEST_METHOD": "POST", "CONTENT_LENGTH": "3"},
    "header of control characters": {"HTTP_X_A": "\x00\x01\x7f"},
    "port not a number": {"SERVER_PORT": "abc"},
    "port as int": {"SERVER_PORT": 80},
    "bad scheme": {"wsgi.url_scheme": "ht\ntp"},
    "lower-case method": {"REQUEST_METHOD": "get"},
    "unknown method": {"REQUEST_METHOD": "BREW"},
    "host with bad port": {"HTTP_HOST": "localhost:abc"},
    "host with spaces": {"HTTP_HOST": "a b"},
    "empty host": {"HTTP_HOST": ""},
    "100 kB host": {"HTTP_HOST": "a" * 100_000},
    "weird accept": {"HTTP_ACCEPT": "\x00;q=abc,,,;;*/*;q=2"},
    "weird if-modified-since": {"HTTP_IF_MODIFIED_SINCE": "\x00garbage"},
    "weird range": {"HTTP_RANGE": "bytes=99999999999999999999999-"},
    "weird forwarded-for": {"HTTP_X_FORWARDED_FOR": "\x00, , ,"},
    "missing remote address": {"REMOTE_ADDR": _DROP},
    "negative content length": {"REQUEST_METHOD": "POST", "CONTENT_LENGTH": "-5"},
    "absurd content length": {"REQUEST_METHOD": "POST", "CONTENT_LENGTH": "9" * 30},
    "chunked, not terminated": {"REQUEST_METHOD": "POST", "HTTP_TRANSFER_ENCODING": "chunked",
                                "wsgi.input": io.BytesIO(b"a=1")},  # fmt: skip
    "multipart without boundary": {"REQUEST_METHOD": "POST", "CONTENT_TYPE": "multipart/form-data",
                                   "CONTENT_LENGTH": "3", "wsgi.input": io.BytesIO(b"a=1")},  # fmt: skip
    "cookie beyond latin-1": {"HTTP_COOKIE": "session=\u2603"},
    "100 kB cookie": {"HTTP_COOKIE": "session=" + "a" * 100_000},
    "20000 cookies": {"HTTP_COOKIE": "; ".join(f"c{i}=v" for i in range(20_000))},
    "garbage session cookie": {"HTTP_COOKIE": "session=..."},
    "quoted session cookie": {"HTTP_COOKIE": 'session="\\"'},
    "NUL in session cookie": {"HTTP_COOKIE": "session=\x00\xff"},
}


@pytest.mark.parametrize("name", sorted(SAME_AS_FLASK))
def test_hostile_request_answered_like_flask(name: str) -> None:
    changes = SAME_AS_FLASK[name]
    answers = {}
    for fw in (flask, flaskfast):
        environ = _environ(**changes)
        if isinstance(environ.get("wsgi.input"), io.BytesIO):
            environ["wsgi.input"] = io.BytesIO(environ["wsgi.input"].getvalue())
        answers[fw] = _serve(fw, environ)
    assert answers[flaskfast] == answers[flask]
    assert answers[flaskfast][0][:1] in "234", answers[flaskfast]


# (case name, environ changes, flaskfast's status); Flask raises on each.
FLASK_RAISES = {
    "no request method": ({"REQUEST_METHOD": _DROP}, "200 OK"),
    "no url scheme": ({"wsgi.url_scheme": _DROP}, "200 OK"),
    "path beyond latin-1": ({"PATH_INFO": "/u/\u2603"}, "400 BAD REQUEST"),
    "path not a string": ({"PATH_INFO": 5}, "400 BAD REQUEST"),
    "method not a string": ({"REQUEST_METHOD": 5}, "400 BAD REQUEST"),
    "query beyond latin-1": ({"QUERY_STRING": "a=\u2603"}, "200 OK"),
    "script name beyond latin-1": ({"SCRIPT_NAME": "/\u2603"}, "200 OK"),
}


@pytest.mark.parametrize("name", sorted(FLASK_RAISES))
def test_environ_flask_cannot_serve_gets_an_answer(name: str) -> None:
    """Where Flask lets an exception out of the WSGI call, flaskfast answers:
    400 when the request cannot be routed, otherwise served with PEP 3333
    defaults for missing keys and ``?`` for characters that cannot be."""
    changes, status = FLASK_RAISES[name]
    assert _serve(flask, _environ(**changes))[0] == "raised"
    assert _serve(flaskfast, _environ(**changes))[0] == status


def test_raw_non_utf8_query_is_decoded_with_replacement() -> None:
    """Raw bytes that are not UTF-8 in the query string (a client can send
    them; servers pass them on as latin-1) make ``request.args`` raise in
    Flask, a 500 for a client's mistake.  flaskfast replaces them with
    U+FFFD, as werkzeug does for the same bytes in the path."""
    environ = {"QUERY_STRING": "a=\xff\xfe&b=caf\xc3\xa9"}
    assert _serve(flask, _environ(**environ))[0] == "500 INTERNAL SERVER ERROR"
    line, _, body = _serve(flaskfast, _environ(**environ))  # type: ignore[misc]
    assert line == "200 OK"
    assert '"args":[["a","\\ufffd\\ufffd"],["b","caf\\u00e9"]]'.encode() in body


def test_request_without_a_usable_host_is_bad_request() -> None:
    """Deliberately unlike Flask, which serves these with an empty host
    (``http:///``) in every URL it builds: a request with no Host header
    and no ``SERVER_NAME``, or a Host of control characters, is a 400."""
    for changes in ({"HTTP_HOST": _DROP, "SERVER_NAME": _DROP}, {"HTTP_HOST": "a\x85b"}):
        assert _serve(flask, _environ(**changes))[0] == "200 OK"
        line, _, body = _serve(flaskfast, _environ(**changes))  # type: ignore[misc]
        assert line == "400 BAD REQUEST"
        assert b"Host" in body


def test_query_string_not_a_string_is_bad_request() -> None:
    assert _serve(flaskfast, _environ(QUERY_STRING=b"a=1"))[0] == "400 BAD REQUEST"


@pytest.mark.parametrize("query", ["a=1\r\nX-Injected: 1", "a=\x00", "a=\tb", "a=\x7f"])
def test_query_string_with_control_characters_is_bad_request(query: str) -> None:
    """Deliberately unlike Flask (which serves them, and answers 500 for a
    routing redirect that would copy them into ``Location``): no HTTP request
    line carries raw control characters."""
    line, _, body = _serve(flaskfast, _environ(QUERY_STRING=query))  # type: ignore[misc]
    assert line == "400 BAD REQUEST"
    assert b"query string" in body


@pytest.mark.parametrize("query", ["a=\x85&b=\xe9", "q=%0D%0A", "a=b c"])
def test_query_string_printable_or_latin1_is_served(query: str) -> None:
    """Raw bytes 0x80-0xFF (latin-1 in the environ) and percent-encoded
    control characters are not refused."""
    assert _serve(flaskfast, _environ(QUERY_STRING=query))[0] == "200 OK"


def test_server_is_usable_after_every_hostile_request() -> None:
    for changes in SAME_AS_FLASK.values():
        _serve(flaskfast, _environ(**changes))
    for changes, _ in FLASK_RAISES.values():
        _serve(flaskfast, _environ(**changes))
    line, _, body = _serve(flaskfast, _environ(QUERY_STRING="a=1"))  # type: ignore[misc]
    assert line == "200 OK"
    assert b'"args":[["a","1"]]' in body
    assert flaskfast.globals._cv_request.get(None) is None
    assert flaskfast.globals._cv_app.get(None) is None
