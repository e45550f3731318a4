"""Errors in the app's own code, outside testing and propagation mode: the
client gets a plain 500 (never a traceback, config value or secret), the
error is logged once on ``app.logger``, nothing escapes the WSGI call and
the next request is served normally.  Also what a response can never
carry: injected headers (CR, LF, NUL, control characters, non-latin-1),
header injection through redirect targets, files outside the directory of
``send_from_directory``."""

from __future__ import annotations

import logging
import typing as t
from pathlib import Path

import flask
import pytest
from werkzeug.exceptions import NotFound
from werkzeug.test import EnvironBuilder

from _wsgi import Records
from _wsgi import serve

import flaskfast

SECRET = "s3cr3t-key-never-shown"
CONFIG_VALUE = "db-password-never-shown"


def _make_app(fw: t.Any = flaskfast) -> tuple[t.Any, Records]:
    app = fw.Flask("app_errors")
    app.config.update(SECRET_KEY=SECRET, DATABASE_PASSWORD=CONFIG_VALUE)
    records = Records()
    app.logger.handlers.clear()
    app.logger.propagate = False
    app.logger.addHandler(records)
    request = fw.request

    def fail(where: str) -> None:
        raise RuntimeError(f"{where} failed with {SECRET} and {CONFIG_VALUE}")

    @app.before_request
    def before() -> None:
        if request.args.get("fail") == "before":
            fail("before_request")

    @app.after_request
    def after(response: t.Any) -> t.Any:
        if request.args.get("fail") == "after":
            fail("after_request")
        return response

    @app.errorhandler(LookupError)
    def on_lookup(e: LookupError) -> t.Any:
        if request.args.get("fail") == "handler":
            fail("error handler")
        return "lookup handled", 409

    @app.route("/")
    def index() -> t.Any:
        if request.args.get("fail") == "view":
            fail("view")
        if request.args.get("fail") in ("lookup", "handler"):
            raise KeyError("missing")
        return "fine"

    return app, records


def _call(app: t.Any, query: str = "", path: str = "/") -> tuple[str, list[tuple[str, str]], bytes]:
    return serve(app, EnvironBuilder(path=path, query_string=query).get_environ())


@pytest.mark.parametrize("where", ["before", "view", "after", "handler"])
def test_error_in_app_code_is_a_plain_500_logged_once(where: str) -> None:
    app, records = _make_app()
    status, headers, body = _call(app, f"fail={where}")
    assert status == "500 INTERNAL SERVER ERROR"
    for leak in (SECRET, CONFIG_VALUE, "Traceback", "RuntimeError", "failed with"):
        assert leak.encode() not in body
        assert all(leak not in value for _, value in headers)
    messages = ["Exception on / [GET]"]
    if where == "after":
        # As in Flask: the after_request functions run again on the 500
        # response, fail again, and that second failure is logged too.
        messages.append("Request finalizing failed with an error while handling an error")
    assert [r.getMessage() for r in records.records] == messages
    assert all(r.levelno == logging.ERROR and r.exc_info for r in records.records)
    # Served normally afterwards, with nothing left bound.
    assert _call(app)[::2] == ("200 OK", b"fine")
    assert _call(app, "fail=lookup")[::2] == ("409 CONFLICT", b"lookup handled")
    assert flaskfast.globals._cv_request.get(None) is None
    assert flaskfast.globals._cv_app.get(None) is None


@pytest.mark.parametrize("where", ["before", "view", "after", "handler"])
def test_app_errors_answer_like_flask(where: str) -> None:
    answers = []
    for fw in (flask, flaskfast):
        app, records = _make_app(fw)
        status, headers, body = _call(app, f"fail={where}")
        answers.append((status, sorted(headers), body, len(records.records)))
    assert answers[0] == answers[1]


def test_debug_mode_is_where_details_show() -> None:
    """The traceback is for debug mode only (there, the exception propagates
    to the debugger, as in Flask)."""
    app, _ = _make_app()
    app.debug = True
    with pytest.raises(RuntimeError, match="view failed"):
        _call(app, "fail=view")


def test_failing_500_handler_is_a_plain_500() -> None:
    app, records = _make_app()

    @app.errorhandler(500)
    def on_500(e: Exception) -> t.Any:
        raise ValueError("the 500 handler failed")

    assert _call(app, "fail=view")[0] == "500 INTERNAL SERVER ERROR"
    # The view's error and the handler's, each logged once.
    errors = [r.exc_info[1] for r in records.records if r.exc_info]
    assert [type(e) for e in errors] == [RuntimeError, ValueError]
    assert str(errors[1]) == "the 500 handler failed"


def test_failing_stream_generator_does_not_escape() -> None:
    app, records = _make_app()

    @app.route("/stream")
    def stream() -> t.Any:
        def generate() -> t.Iterator[str]:
            yield "first"
            raise RuntimeError("generator failed")

        return generate()

    status, _, body = _call(app, path="/stream")
    assert (status, body) == ("200 OK", b"first")
    # The body ends where the generator failed; the error is logged once.
    errors = [r for r in records.records if r.exc_info]
    assert len(errors) == 1
    assert str(errors[0].exc_info[1]) == "generator failed"
    assert "/stream" in errors[0].getMessage()
    # The next request is served normally.
    assert _call(app, "")[0] == "200 OK"


# -- what responses never carry ------------------------------------------------------


def _header_app(fw: t.Any) -> t.Any:
    app = fw.Flask("header_safety")
    app.logger.disabled = True
    request = fw.request

    @app.route("/header")
    def header() -> t.Any:
        return "body", {request.args.get("name", "X-A"): request.args.get("value", "v")}

    @app.route("/redirect")
    def redirect() -> t.Any:
        return fw.redirect(request.args["to"])

    return app


HEADER_APPS = {fw: _header_app(fw) for fw in (flask, flaskfast)}

BAD_HEADERS = [
    ("X-A", "a\r\nSet-Cookie: stolen=1"),
    ("X-A", "a\nX-B: 1"),
    ("X-A", "a\rb"),
    ("X-A", "a\x00b"),
    ("X-A", "a\x07b"),
    ("X-A", "a\x7fb"),
    ("X-A", "caf\u00e9 \u2603"),
    ("X-A\r\nX-B", "v"),
    ("X A", "v"),
    ("X:A", "v"),
    ("", "v"),
    ("X-\u00e9", "v"),
]


@pytest.mark.parametrize(("name", "value"), BAD_HEADERS)
def test_unsendable_header_is_never_sent(name: str, value: str) -> None:
    """A header that cannot be sent safely never reaches ``start_response``:
    the app answers a plain 500 instead (Flask passes some of these to the
    server as they are: NUL, control characters, non-latin-1)."""
    environ = EnvironBuilder(path="/header", query_string={"name": name, "value": value}).get_environ()
    status, headers, body = serve(HEADER_APPS[flaskfast], environ)
    assert status == "500 INTERNAL SERVER ERROR"
    assert all(value not in v and name not in k for k, v in headers if name)
    assert b"stolen" not in body


@pytest.mark.parametrize("target", ["/a\r\nSet-Cookie: stolen=1", "/a\nX-B: 1", "/a\rb", "/a\x00b"])
def test_redirect_target_cannot_inject_headers(target: str) -> None:
    for fw in (flask, flaskfast):
        environ = EnvironBuilder(path="/redirect", query_string={"to": target}).get_environ()
        status, headers, _ = serve(HEADER_APPS[fw], environ)
        assert status[:1] in "35"
        assert not any(k.lower() in ("set-cookie", "x-b") for k, _ in headers)
        assert all(c not in v for _, v in headers for c in "\r\n\x00")


def test_redirect_to_encoded_newline_is_safe() -> None:
    environ = EnvironBuilder(path="/redirect", query_string={"to": "/a%0d%0aX-B:%201"}).get_environ()
    status, headers, _ = serve(HEADER_APPS[flaskfast], environ)
    assert status.startswith("302")
    assert dict(headers)["Location"] == "/a%0d%0aX-B:%201"


TRAVERSALS = [
    "../secret.txt",
    "..",
    "./../secret.txt",
    "sub/../../secret.txt",
    "%2e%2e/secret.txt",
    "..%2fsecret.txt",
    "..%5csecret.txt",
    "..\\secret.txt",
    "sub\\..\\..\\secret.txt",
    "C:/Windows/win.ini",
    "C:secret.txt",
    "\\\\server\\share\\secret.txt",
    "//server/share/secret.txt",
    "public.txt%00.png",
    "CON",
    "nul.txt",
    "AUX",
    "com1",
    "LPT1.txt",
]


@pytest.fixture
def files_app(tmp_path: Path) -> flaskfast.Flask:
    (tmp_path / "secret.txt").write_text("secret")
    public = tmp_path / "public"
    public.mkdir()
    (public / "public.txt").write_text("public")
    (public / "sub").mkdir()
    app = flaskfast.Flask("files")

    @app.route("/files/<path:name>")
    def files(name: str) -> t.Any:
        return flaskfast.send_from_directory(public, name)

    return app


@pytest.mark.parametrize("name", TRAVERSALS)
def test_send_from_directory_refuses_traversal(files_app: flaskfast.Flask, name: str) -> None:
    client = files_app.test_client()
    with client.get("/files/public.txt") as response:
        assert response.data == b"public"
    with client.get("/files/" + name, follow_redirects=True) as response:
        assert response.status_code == 404
        assert b"secret" not in response.data


@pytest.mark.parametrize("name", ["../secret.txt", "/etc/passwd", "a\x00b", "CON", "C:x", "\\\\srv\\x"])
def test_send_from_directory_called_directly_refuses(files_app: flaskfast.Flask, tmp_path: Path, name: str) -> None:
    with files_app.test_request_context():
        with pytest.raises(NotFound):
            flaskfast.send_from_directory(tmp_path / "public", name)


@pytest.mark.parametrize("mode", ["TESTING", "PROPAGATE_EXCEPTIONS"])
def test_failing_stream_generator_propagates_when_asked(mode: str) -> None:
    """In testing or propagation mode the generator's error reaches the
    caller, as in Flask (so a test client sees it)."""
    app, records = _make_app()
    app.config[mode] = True

    @app.route("/stream")
    def stream() -> t.Any:
        def generate() -> t.Iterator[str]:
            yield "first"
            raise RuntimeError("generator failed")

        return generate()

    with pytest.raises(RuntimeError, match="generator failed"):
        _call(app, path="/stream")
    assert not [r for r in records.records if r.exc_info]
