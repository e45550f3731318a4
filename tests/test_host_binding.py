"""Hosts and schemes that werkzeug will not bind an HTTP URL adapter to.

Flask binds each request's adapter with ``Map.bind_to_environ``: a host name
that the ``idna`` codec refuses (an empty label, a label over 63 characters)
becomes a 400 ``BadHost``, and a ``ws``/``wss`` URL scheme makes a WebSocket
adapter that refuses plain HTTP rules with a 400. flaskfast routes most
requests without binding an adapter, so these cases are checked here against
Flask itself, through every way a request reaches the router: the WSGI call,
``wsgi_app`` wrapped by middleware (the pipeline's steps called through the
instance attribute) and a request context pushed by hand.
"""

from __future__ import annotations

import typing as t

import flask
import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from werkzeug.exceptions import BadHost
from werkzeug.exceptions import BadRequest
from werkzeug.test import EnvironBuilder
from werkzeug.test import run_wsgi_app

import flaskfast

BAD_HOSTS = ["a" * 64, "a" * 64 + ":5000", "a..b", ".example.com", "..", "x" * 254]
GOOD_HOSTS = ["a" * 63, "example.com.", "xn--zz", "caf\u00e9.com", "[::1]:8080", "a b", ""]


def build(fw: t.Any, middleware: bool = False) -> t.Any:
    app = fw.Flask("binding")
    seen = []

    @app.before_request
    def before() -> None:
        seen.append(fw.request.path)

    @app.route("/users/<int:user_id>")
    def user(user_id: int) -> str:
        return f"user {user_id} at {fw.request.host!r}"

    if middleware:
        # Middleware on wsgi_app: Flask.__call__ goes through the attribute.
        inner = app.wsgi_app
        app.wsgi_app = lambda environ, start_response: inner(environ, start_response)
    app.seen = seen
    return app


def serve(app: t.Any, environ: dict[str, t.Any]) -> tuple[str, bytes, list[str]]:
    app.seen.clear()
    app_iter, status, _headers = run_wsgi_app(app, environ)
    return status, b"".join(app_iter), list(app.seen)


def environ_for(host: str | None = None, scheme: str = "http") -> dict[str, t.Any]:
    environ = EnvironBuilder(path="/users/42").get_environ()
    if host is not None:
        environ["HTTP_HOST"] = host
    environ["wsgi.url_scheme"] = scheme
    return environ


@pytest.mark.parametrize("middleware", [False, True], ids=["direct", "middleware"])
@pytest.mark.parametrize("host", BAD_HOSTS + GOOD_HOSTS)
def test_hosts_are_answered_as_flask_answers(host: str, middleware: bool) -> None:
    ours = serve(build(flaskfast, middleware), environ_for(host))
    theirs = serve(build(flask, middleware), environ_for(host))
    assert ours == theirs
    assert ours[0] == ("400 BAD REQUEST" if host in BAD_HOSTS else "200 OK")


@pytest.mark.parametrize("middleware", [False, True], ids=["direct", "middleware"])
def test_an_unbindable_host_is_400_after_before_request_hooks(middleware: bool) -> None:
    status, body, seen = serve(build(flaskfast, middleware), environ_for("a..b"))
    assert status == "400 BAD REQUEST"
    assert b"Bad Request" in body
    assert seen == ["/users/42"]  # as in Flask, the hooks run before the routing error


def test_an_unbindable_server_name_without_host_header_is_400() -> None:
    environ = environ_for()
    del environ["HTTP_HOST"]
    environ["SERVER_NAME"] = "a..b"
    assert serve(build(flaskfast), dict(environ))[0] == "400 BAD REQUEST"
    assert serve(build(flask), dict(environ))[0] == "400 BAD REQUEST"


@pytest.mark.parametrize("middleware", [False, True], ids=["direct", "middleware"])
@pytest.mark.parametrize("scheme", ["ws", "wss", "https", "HTTP", "ftp"])
def test_url_schemes_are_answered_as_flask_answers(scheme: str, middleware: bool) -> None:
    ours = serve(build(flaskfast, middleware), environ_for(scheme=scheme))
    theirs = serve(build(flask, middleware), environ_for(scheme=scheme))
    assert ours == theirs
    assert ours[0] == ("400 BAD REQUEST" if scheme in ("ws", "wss") else "200 OK")


def test_pushed_request_context_records_bad_host() -> None:
    app = build(flaskfast)
    with app.test_request_context("/users/42", headers={"Host": "a" * 64}):
        assert isinstance(flaskfast.request.routing_exception, BadHost)
        assert flaskfast.request.url_rule is None
    with app.test_request_context("/users/42", headers={"Host": "example.com"}):
        assert flaskfast.request.routing_exception is None
        assert flaskfast.request.view_args == {"user_id": 42}


def test_pushed_request_context_with_websocket_scheme_records_mismatch() -> None:
    app = build(flaskfast)
    with app.test_request_context("/users/42", environ_overrides={"wsgi.url_scheme": "ws"}):
        error = flaskfast.request.routing_exception
        assert isinstance(error, BadRequest)
        assert flaskfast.request.url_rule is None
    flask_app = build(flask)
    with flask_app.test_request_context(
        "/users/42", environ_overrides={"wsgi.url_scheme": "ws"}
    ):
        assert type(flask.request.routing_exception) is type(error)


FLASK_APP = build(flask)
OUR_APPS = {"direct": build(flaskfast), "middleware": build(flaskfast, middleware=True)}


@settings(max_examples=300, deadline=None)
@given(
    host=st.text(alphabet="ab.:-[]1\u00e9", max_size=140)
    | st.lists(st.text(alphabet="xy", max_size=70), max_size=5).map(".".join),
    middleware=st.booleans(),
)
def test_generated_hosts_match_flask(host: str, middleware: bool) -> None:
    ours = serve(OUR_APPS["middleware" if middleware else "direct"], environ_for(host))
    assert ours == serve(FLASK_APP, environ_for(host))
