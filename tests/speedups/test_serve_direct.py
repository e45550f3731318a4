"""The shortest request path: ``Flask.__call__`` going straight to the fused
cycle, and a text view's answer sent without building a response object
when nothing would see that object.

Each test serves the same requests to a copy of the app on the generic
pipeline (``app._ff_fuse = False``) and to a copy on the fused one, through
``app(environ, start_response)`` as a WSGI server calls it, and compares the
status line, the header list, the body and anything the app recorded.
Both twins of the context kernel are checked (the compiled one when built).
"""

from __future__ import annotations

import typing as t

import pytest

import flaskfast
from _serving import Spy
from _serving import call_wsgi
from _serving import environ_for
from _serving import freeze_time
from _serving import install_spy
from _twins import implementations
from flaskfast import after_this_request
from flaskfast import request
from flaskfast import session
from flaskfast import signals


@pytest.fixture(params=implementations("context"), ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def counter(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Spy:
    freeze_time(monkeypatch)
    return install_spy(request.param, monkeypatch)


# ``target(environ, start_response)`` as a server calls it.
call = call_wsgi


class Text(flaskfast.Response):
    default_mimetype = "text/plain"


class Created(flaskfast.Response):
    default_status = 201


class NoContent(flaskfast.Response):
    default_status = 204


class NotModified(flaskfast.Response):
    default_status = 304


class Own(flaskfast.Response):
    def __call__(self, environ: t.Any, start_response: t.Any) -> t.Any:
        start_response("299 OWN", [("X-Own", "1")])
        return [b"own"]


def make_app(
    log: list[t.Any], *, fused: bool, response_class: type | None = None
) -> flaskfast.Flask:
    """An app with no hooks, whose text views can take the direct path."""
    app = flaskfast.Flask("direct_test")
    app.config["SECRET_KEY"] = "direct secret"
    if not fused:
        app._ff_fuse = False  # type: ignore[attr-defined]
    if response_class is not None:
        app.response_class = response_class

    @app.route("/")
    def index() -> str:
        return "Hello"

    @app.route("/user/<int:uid>", methods=["GET", "POST"])
    def user(uid: int) -> str:
        return f"user {uid} {request.method}"

    @app.route("/bytes")
    def as_bytes() -> bytes:
        return b"\x00\xffraw"

    @app.route("/unicode")
    def as_unicode() -> str:
        return "caf\xe9 \u2603"

    @app.route("/empty")
    def empty() -> str:
        return ""

    @app.route("/surrogate")
    def surrogate() -> str:
        return "bad \ud800"

    @app.route("/str-subclass")
    def str_subclass() -> str:
        class Loud(str):
            pass

        return Loud("loud")

    @app.route("/bytearray")
    def as_bytearray() -> t.Any:
        return bytearray(b"array")

    @app.route("/touch-session")
    def touch_session() -> str:
        session["seen"] = True
        return "touched"

    @app.route("/read-session")
    def read_session() -> str:
        return f"seen={session.get('seen')}"

    @app.route("/after-this")
    def after_this() -> str:
        @after_this_request
        def tag(response: flaskfast.Response) -> flaskfast.Response:
            log.append(("after_this_request", response.status))
            response.headers["X-After-This"] = "1"
            return response

        return "tagged"

    return app


def both(
    requests: list[tuple[str, str, dict[str, t.Any]]],
    counter: Spy,
    *,
    response_class: type | None = None,
    setup: t.Callable[[flaskfast.Flask, list[t.Any]], t.Any] | None = None,
) -> list[t.Any]:
    """Serve ``requests`` to a generic and a fused copy; return the generic
    results after checking the fused copy gave the same."""
    outcomes = []
    for fused in (False, True):
        log: list[t.Any] = []
        app = make_app(log, fused=fused, response_class=response_class)
        keep = setup(app, log) if setup is not None else None
        before = counter.calls
        results = [call(app, environ_for(m, p, **kw)) for m, p, kw in requests]
        assert counter.calls - before == (len(requests) if fused else 0)
        outcomes.append((results, log))
        del keep
    assert outcomes[1] == outcomes[0]
    return outcomes[0][0]


PATHS = [
    "/",
    "/user/7",
    "/bytes",
    "/unicode",
    "/empty",
    "/surrogate",
    "/str-subclass",
    "/bytearray",
    "/touch-session",
    "/read-session",
    "/after-this",
    "/nowhere",
]


@pytest.mark.parametrize("method", ["GET", "HEAD", "POST", "OPTIONS"])
def test_text_views_send_the_same(counter: Spy, method: str) -> None:
    results = both([(method, path, {}) for path in PATHS], counter)
    if method == "GET":
        by_path = dict(zip(PATHS, results))
        assert by_path["/"] == (
            "ok",
            [("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", "5")])],
            b"Hello",
        )
        assert by_path["/unicode"][2] == "caf\xe9 \u2603".encode()
        assert by_path["/surrogate"][1][0][0] == "500 INTERNAL SERVER ERROR"
        assert by_path["/touch-session"][1][0][1][-1][0] == "Set-Cookie"
        assert ("X-After-This", "1") in by_path["/after-this"][1][0][1]
    if method == "HEAD":
        assert results[0] == (
            "ok",
            [("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", "5")])],
            b"",
        )


@pytest.mark.parametrize(
    "response_class", [Text, Created, NoContent, NotModified, Own], ids=lambda c: c.__name__
)
def test_response_classes(counter: Spy, response_class: type) -> None:
    results = both(
        [(m, p, {}) for m in ("GET", "HEAD") for p in ("/", "/bytes", "/empty")],
        counter,
        response_class=response_class,
    )
    first = results[0]
    if response_class is NoContent:
        # werkzeug sends neither a body nor a Content-Length with a 204.
        assert first == (
            "ok",
            [("204 NO CONTENT", [("Content-Type", "text/html; charset=utf-8")])],
            b"",
        )
    elif response_class is Text:
        assert first[1][0][1][0] == ("Content-Type", "text/plain; charset=utf-8")
    elif response_class is Created:
        assert first[1][0][0] == "201 CREATED"
    elif response_class is Own:
        assert first == ("ok", [("299 OWN", [("X-Own", "1")])], b"own")


def test_a_cookie_or_a_session_goes_the_full_way(counter: Spy) -> None:
    app = make_app([], fused=True)
    client = app.test_client()
    client.get("/touch-session")
    cookie = client.get_cookie("session")
    assert cookie is not None
    results = both(
        [
            ("GET", "/read-session", {"headers": {"Cookie": f"session={cookie.value}"}}),
            ("GET", "/", {"headers": {"Cookie": f"session={cookie.value}"}}),
            ("GET", "/", {"headers": {"Cookie": "other=1"}}),
        ],
        counter,
    )
    assert results[0][2] == b"seen=True"


def test_hooks_and_signals_see_the_response(counter: Spy) -> None:
    def setup(app: flaskfast.Flask, log: list[t.Any]) -> t.Any:
        @app.after_request
        def after(response: flaskfast.Response) -> flaskfast.Response:
            log.append(("after_request", response.status, response.get_data()))
            return response

        def finished(sender: t.Any, response: t.Any, **kwargs: t.Any) -> None:
            log.append(("request_finished", response.status))

        signals.request_finished.connect(finished, app)
        return finished

    results = both([("GET", "/", {}), ("GET", "/user/3", {})], counter, setup=setup)
    assert results[1][2] == b"user 3 GET"


def test_finished_signal_alone(counter: Spy) -> None:
    def setup(app: flaskfast.Flask, log: list[t.Any]) -> t.Any:
        def finished(sender: t.Any, response: t.Any, **kwargs: t.Any) -> None:
            log.append(("request_finished", response.status, response.get_data()))

        signals.request_finished.connect(finished, app)
        return finished

    both([("GET", "/", {})], counter, setup=setup)


# -- Flask.__call__ ----------------------------------------------------------


def test_call_goes_straight_to_the_fused_cycle(counter: Spy) -> None:
    app = make_app([], fused=True)
    assert call(app, environ_for("GET", "/"))[2] == b"Hello"
    assert counter.calls == 1


def test_call_honours_wsgi_middleware(counter: Spy) -> None:
    app = make_app([], fused=True)
    seen: list[str] = []
    inner = app.wsgi_app

    def middleware(environ: t.Any, start_response: t.Any) -> t.Any:
        seen.append(environ["PATH_INFO"])
        return inner(environ, start_response)

    assert call(app, environ_for("GET", "/"))[2] == b"Hello"
    app.wsgi_app = middleware  # type: ignore[method-assign]
    assert call(app, environ_for("GET", "/user/2"))[2] == b"user 2 GET"
    assert seen == ["/user/2"]
    # The stock wsgi_app under the middleware still takes the fused cycle.
    assert counter.calls == 2
    del app.wsgi_app
    assert call(app, environ_for("GET", "/"))[2] == b"Hello"
    assert seen == ["/user/2"]


def test_call_honours_a_subclass_wsgi_app(counter: Spy) -> None:
    seen: list[str] = []

    class Wrapped(flaskfast.Flask):
        def wsgi_app(self, environ: t.Any, start_response: t.Any) -> t.Any:
            seen.append(environ["PATH_INFO"])
            return super().wsgi_app(environ, start_response)

    app = Wrapped("wrapped")
    app.route("/")(lambda: "wrapped")
    assert call(app, environ_for("GET", "/"))[2] == b"wrapped"
    assert seen == ["/"]


@pytest.mark.parametrize(
    "overrides",
    [
        {"HTTP_HOST": "bad\x01host"},
        {"HTTP_HOST": "h\xe9te"},
        {"PATH_INFO": "/caf\xc3\xa9"},
        {"REQUEST_METHOD": None},
    ],
    ids=["control-host", "latin1-host", "latin1-path", "no-method"],
)
def test_call_checks_the_environ_like_wsgi_app(
    counter: Spy, overrides: dict[str, t.Any]
) -> None:
    results = []
    for entry in ("__call__", "wsgi_app"):
        app = make_app([], fused=True)
        environ = environ_for("GET", "/")
        for key, value in overrides.items():
            if value is None:
                environ.pop(key, None)
            else:
                environ[key] = value
        target = app if entry == "__call__" else app.wsgi_app
        results.append(call(target, environ))
    assert results[0] == results[1]
    expected = {"bad\x01host": "400 BAD REQUEST", "/caf\xc3\xa9": "404 NOT FOUND"}
    for value in overrides.values():
        if value in expected:
            assert results[0][1][0][0] == expected[value]


def test_call_without_wsgi_input_reads_an_empty_body(counter: Spy) -> None:
    app = make_app([], fused=True)
    environ = environ_for("GET", "/")
    del environ["wsgi.input"]
    del environ["wsgi.errors"]
    result = call(app, environ)
    assert result[1][0][0] == "200 OK"
    assert result[2] == b"Hello"
    # Same answer as the generic path.
    generic = make_app([], fused=False)
    environ = environ_for("GET", "/")
    del environ["wsgi.input"]
    del environ["wsgi.errors"]
    assert call(generic, environ) == result


def test_call_signature_matches_flask() -> None:
    import inspect

    assert list(inspect.signature(flaskfast.Flask.__call__).parameters)[1:] == [
        "environ",
        "start_response",
    ]


def test_non_dict_environ(counter: Spy) -> None:
    class Environ(dict):  # type: ignore[type-arg]
        pass

    results = []
    for fused in (False, True):
        app = make_app([], fused=fused)
        results.append(call(app, Environ(environ_for("GET", "/user/9"))))
    assert results[0] == results[1]
    assert results[0][2] == b"user 9 GET"




def test_changes_to_the_response_class_count_at_once(counter: Spy) -> None:
    class Changing(flaskfast.Response):
        pass

    app = make_app([], fused=True, response_class=Changing)
    first = call(app, environ_for("GET", "/"))
    assert first[1][0][1][0] == ("Content-Type", "text/html; charset=utf-8")
    assert call(app, environ_for("GET", "/")) == first
    Changing.default_mimetype = "text/csv"
    assert call(app, environ_for("GET", "/"))[1][0][1][0] == (
        "Content-Type",
        "text/csv; charset=utf-8",
    )
    # A change to a base class counts too.
    try:
        flaskfast.Response.default_status = 201
        assert call(app, environ_for("GET", "/"))[1][0][0] == "201 CREATED"
    finally:
        del flaskfast.Response.default_status
    assert call(app, environ_for("GET", "/"))[1][0][0] == "200 OK"

    def own_call(self: t.Any, environ: t.Any, start_response: t.Any) -> t.Any:
        start_response("299 PATCHED", [])
        return [b"patched"]

    Changing.__call__ = own_call  # type: ignore[method-assign]
    assert call(app, environ_for("GET", "/")) == ("ok", [("299 PATCHED", [])], b"patched")


@pytest.mark.parametrize("size", [0, 1, 2047, 2048, 70000])
def test_content_length_of_any_size(counter: Spy, size: int) -> None:
    def setup(app: flaskfast.Flask, log: list[t.Any]) -> None:
        app.add_url_rule("/sized", "sized", lambda: "x" * size)

    results = both([("GET", "/sized", {}), ("HEAD", "/sized", {})], counter, setup=setup)
    assert results[0][1][0][1] == [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Length", str(size)),
    ]
    assert results[0][2] == b"x" * size
    assert results[1][2] == b""


def test_a_request_class_that_edits_the_environ(counter: Spy) -> None:
    class Rewriting(flaskfast.Request):
        def __init__(self, environ: t.Any, *args: t.Any, **kwargs: t.Any) -> None:
            environ["SCRIPT_NAME"] = "/mounted"
            super().__init__(environ, *args, **kwargs)

    results = []
    for fused in (False, True):
        app = make_app([], fused=fused)
        app.request_class = Rewriting
        app.add_url_rule("/where", "where", lambda: flaskfast.url_for("index", _external=True))
        results.append(call(app, environ_for("GET", "/where")))
    assert results[0] == results[1]
    assert results[0][2] == b"http://localhost/mounted/"


@pytest.mark.parametrize("missing", ["wsgi.url_scheme", "PATH_INFO", "HTTP_HOST", "REQUEST_METHOD"])
def test_call_without_an_environ_key_answers_as_wsgi_app(counter: Spy, missing: str) -> None:
    results = []
    for entry in ("__call__", "wsgi_app"):
        app = make_app([], fused=True)
        environ = environ_for("GET", "/")
        del environ[missing]
        target = app if entry == "__call__" else app.wsgi_app
        results.append(call(target, environ))
    assert results[0] == results[1]


def test_routing_sees_the_environ_as_it_was_when_the_context_was_made(counter: Spy) -> None:
    # Flask binds the URL adapter in RequestContext.__init__; a receiver of
    # appcontext_pushed that rewrites the path afterwards does not reroute.
    results = []
    for fused in (False, True):
        app = make_app([], fused=fused)
        environ = environ_for("GET", "/")

        def rewrite(sender: t.Any, **kwargs: t.Any) -> None:
            environ["PATH_INFO"] = "/user/5"

        signals.appcontext_pushed.connect(rewrite, app)
        try:
            results.append(call(app, environ))
        finally:
            signals.appcontext_pushed.disconnect(rewrite, app)
    assert results[0] == results[1]
    assert results[0][2] == b"Hello"
