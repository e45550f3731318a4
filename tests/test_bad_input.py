"""Malformed WSGI environs get a 4xx response, never an exception out of the
WSGI call."""

from __future__ import annotations

import io
import typing as t

import pytest

from flaskfast import Flask
from flaskfast import request


@pytest.fixture
def hostile_app() -> Flask:
    # Not in testing mode: exceptions would be turned into 500 responses,
    # so a 4xx here means the input was recognised as bad.
    app = Flask("hostile")
    app.config["SECRET_KEY"] = "k"

    @app.route("/")
    def index() -> str:
        return "ok"

    @app.route("/u/<name>")
    def user(name: str) -> str:
        return name

    @app.route("/form", methods=["POST"])
    def form() -> str:
        return request.form.get("a", "none")

    return app


def call(app: Flask, environ: dict[str, t.Any]) -> tuple[str, bytes]:
    seen: dict[str, str] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: t.Any = None) -> None:
        seen["status"] = status

    body = b"".join(app(environ, start_response))
    return seen["status"], body


BASE = {"REQUEST_METHOD": "GET", "SERVER_NAME": "localhost", "SERVER_PORT": "80"}


def test_empty_environ_is_bad_request(hostile_app: Flask) -> None:
    status, body = call(hostile_app, {})
    assert status == "400 BAD REQUEST"
    assert b"no Host header" in body


def test_minimal_environ_is_served(hostile_app: Flask) -> None:
    status, body = call(hostile_app, {"PATH_INFO": "/", "HTTP_HOST": "example.com"})
    assert (status, body) == ("200 OK", b"ok")


def test_path_outside_latin1_is_bad_request(hostile_app: Flask) -> None:
    status, body = call(hostile_app, {**BASE, "PATH_INFO": "/u/\u2603"})
    assert status == "400 BAD REQUEST"
    assert b"latin-1" in body


def test_path_bytes_not_utf8_are_replaced(hostile_app: Flask) -> None:
    status, body = call(hostile_app, {**BASE, "PATH_INFO": "/u/\xff\xfe"})
    assert status == "200 OK"
    assert body == "\ufffd\ufffd".encode()


def test_literal_bad_percent_escape_is_kept(hostile_app: Flask) -> None:
    assert call(hostile_app, {**BASE, "PATH_INFO": "/u/%zz"}) == ("200 OK", b"%zz")


def test_64k_path_is_not_found(hostile_app: Flask) -> None:
    status, _ = call(hostile_app, {**BASE, "PATH_INFO": "/" + "a" * 65536})
    assert status == "404 NOT FOUND"


def test_non_string_path_is_bad_request(hostile_app: Flask) -> None:
    status, body = call(hostile_app, {**BASE, "PATH_INFO": 5})
    assert status == "400 BAD REQUEST"
    assert b"PATH_INFO" in body


def test_control_characters_in_host_are_bad_request(hostile_app: Flask) -> None:
    status, body = call(hostile_app, {**BASE, "PATH_INFO": "/", "HTTP_HOST": "\x8a"})
    assert status == "400 BAD REQUEST"
    assert b"Host" in body


def test_form_post_without_input_stream_reads_empty(hostile_app: Flask) -> None:
    environ = {
        **BASE,
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/form",
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": "3",
    }
    status, _ = call(hostile_app, environ)
    assert status == "400 BAD REQUEST"


def test_form_post_with_bad_content_length(hostile_app: Flask) -> None:
    environ = {
        **BASE,
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/form",
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": "abc",
        "wsgi.input": io.BytesIO(b"a=1"),
    }
    assert call(hostile_app, environ) == ("200 OK", b"none")


def test_garbage_session_cookie_is_ignored(hostile_app: Flask) -> None:
    environ = {**BASE, "PATH_INFO": "/", "HTTP_COOKIE": "session=\xff\x00garbage"}
    assert call(hostile_app, environ) == ("200 OK", b"ok")


def test_control_character_in_method_is_method_not_allowed(hostile_app: Flask) -> None:
    status, _ = call(hostile_app, {**BASE, "REQUEST_METHOD": "G\x00T", "PATH_INFO": "/"})
    assert status == "405 METHOD NOT ALLOWED"
