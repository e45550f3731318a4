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
from unittest import mock

import flask
import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from werkzeug.exceptions import BadHost
from werkzeug.exceptions import BadRequest
from werkzeug.routing import Map
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


# -- adapters made from remembered host parts ------------------------------------
# The second and later requests from one host, scheme and script name get an
# adapter made from the host parts werkzeug bound for the first: it must be the
# adapter (and request.host) werkzeug would bind, request after request.


def build_adapter_probe(fw: t.Any, server_name: str | None) -> t.Any:
    app = fw.Flask("adapter_probe")
    app.config["SERVER_NAME"] = server_name

    @app.route("/users/<int:user_id>", methods=["GET", "POST", "PUT"])
    def user(user_id: int) -> str:
        adapter = fw.globals.request_ctx.url_adapter
        fields = {k: v for k, v in vars(adapter).items() if k != "map"}
        return repr(
            (
                sorted(fields.items()),
                fw.request.host,
                fw.url_for("user", user_id=user_id + 1, _external=True, q="x y"),
                fw.url_for("user", user_id=1),
            )
        )

    return app


PROBE_HOSTS = ["localhost", "Example.COM:8080", "example.com:443", "sub.example.com", "[::1]:5000"]


@settings(max_examples=200, deadline=None)
@given(
    host=st.sampled_from(PROBE_HOSTS) | st.none(),
    server_name=st.sampled_from([None, "example.com", "example.com:8080", "localhost"]),
    scheme=st.sampled_from(["http", "https"]),
    script_name=st.sampled_from(["", "/app", "/app/", "/a b"]),
    requests=st.lists(
        st.tuples(
            st.sampled_from(["/users/1", "/users/22", "/users/x", "/other", ""]),
            st.sampled_from([None, "", "a=1", "a=%20&b"]),
            st.sampled_from(["GET", "POST", "PUT", "DELETE"]),
        ),
        min_size=2,
        max_size=4,
    ),
    upgrade=st.booleans(),
)
def test_remembered_adapters_are_werkzeugs(
    host: str | None,
    server_name: str | None,
    scheme: str,
    script_name: str,
    requests: list[tuple[str, str | None, str]],
    upgrade: bool,
) -> None:
    ours = build_adapter_probe(flaskfast, server_name)
    theirs = build_adapter_probe(flask, server_name)
    for path, query, method in requests:
        environ = EnvironBuilder(path="/", method=method).get_environ()
        environ.update(
            {"PATH_INFO": path, "SCRIPT_NAME": script_name, "wsgi.url_scheme": scheme}
        )
        if query is None:
            environ.pop("QUERY_STRING", None)
        else:
            environ["QUERY_STRING"] = query
        if host is None:
            environ.pop("HTTP_HOST", None)
        else:
            environ["HTTP_HOST"] = host
        if upgrade:
            environ.update(HTTP_CONNECTION="keep-alive, Upgrade", HTTP_UPGRADE="websocket")
        got = run_wsgi_app(ours, dict(environ))
        expected = run_wsgi_app(theirs, dict(environ))
        assert (got[1], b"".join(got[0])) == (expected[1], b"".join(expected[0]))
        if got[1].startswith("200"):
            # The next request from this host is served from the memo.
            assert ours.url_map._ff_adapters


@pytest.mark.parametrize("target", ["get_host", "bind_to_environ", "create_url_adapter"])
def test_binding_patched_after_the_first_request_is_honoured(target: str) -> None:
    results = {}
    for fw in (flaskfast, flask):
        app = build_adapter_probe(fw, None)
        client = app.test_client()
        first = client.get("/users/1").data
        if target == "get_host":
            patch = mock.patch.object(fw.app, "get_host", lambda environ, trusted=None: "h.test")
        elif target == "bind_to_environ":
            original = Map.bind_to_environ

            def bind_to_environ(self: t.Any, *args: t.Any, **kwargs: t.Any) -> t.Any:
                adapter = original(self, *args, **kwargs)
                adapter.script_name = "/patched/"
                return adapter

            patch = mock.patch.object(Map, "bind_to_environ", bind_to_environ)
        else:
            original_create = fw.Flask.create_url_adapter

            def create_url_adapter(self: t.Any, request: t.Any) -> t.Any:
                adapter = original_create(self, request)
                if adapter is not None:
                    adapter.url_scheme = "https"
                return adapter

            patch = mock.patch.object(fw.Flask, "create_url_adapter", create_url_adapter)
        with patch:
            second = client.get("/users/1").data
        results[fw.__name__] = (first, second, client.get("/users/1").data)
    assert results["flaskfast"] == results["flask"]
    first, second, third = results["flask"]
    assert second != first and third == first
