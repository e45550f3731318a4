"""``app(environ, start_response)`` as a WSGI server calls it answers as
Flask 3.1.3 does, on the shortest path too: a text view whose response
object nothing would see is sent without building it.

Each test builds the same app with ``flask`` and with ``flaskfast``, serves
the same environs through ``Flask.__call__`` and compares the status line,
the header list, the body and anything the app recorded.  Which internal
path flaskfast takes is not observed: only what a server and the app see.
"""

from __future__ import annotations

import inspect
import types
import typing as t

import flask
import pytest

import flaskfast
from _flask_pair import FRAMEWORKS
from _flask_pair import call_wsgi
from _flask_pair import environ_for
from _flask_pair import freeze_time
from _flask_pair import fw_id
from _flask_pair import same_as_flask


@pytest.fixture(autouse=True)
def _frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    freeze_time(monkeypatch)


def response_classes(fw: types.ModuleType) -> dict[str, type]:
    """Response subclasses of ``fw.Response`` that change what is sent."""

    class Text(fw.Response):  # type: ignore[name-defined,misc]
        default_mimetype = "text/plain"

    class Created(fw.Response):  # type: ignore[name-defined,misc]
        default_status = 201

    class NoContent(fw.Response):  # type: ignore[name-defined,misc]
        default_status = 204

    class NotModified(fw.Response):  # type: ignore[name-defined,misc]
        default_status = 304

    class Own(fw.Response):  # type: ignore[name-defined,misc]
        def __call__(self, environ: t.Any, start_response: t.Any) -> t.Any:
            start_response("299 OWN", [("X-Own", "1")])
            return [b"own"]

    return {c.__name__: c for c in (Text, Created, NoContent, NotModified, Own)}


def make_app(fw: types.ModuleType, log: list[t.Any], *, response_class: str | None = None) -> t.Any:
    """An app with no hooks, whose text views may take the shortest path."""
    app = fw.Flask("direct_test")
    app.config["SECRET_KEY"] = "direct secret"
    if response_class is not None:
        app.response_class = response_classes(fw)[response_class]
    request, session = fw.request, fw.session

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
        @fw.after_this_request
        def tag(response: t.Any) -> t.Any:
            log.append(("after_this_request", response.status))
            response.headers["X-After-This"] = "1"
            return response

        return "tagged"

    return app


def both(
    requests: list[tuple[str, str, dict[str, t.Any]]],
    *,
    response_class: str | None = None,
    setup: t.Callable[[types.ModuleType, t.Any, list[t.Any]], t.Any] | None = None,
) -> list[t.Any]:
    """Serve ``requests`` through ``app(environ, start_response)`` of the app
    built with each framework; return Flask's results after checking
    flaskfast's (and the apps' logs) are the same."""
    outcomes = {}
    for fw in FRAMEWORKS:
        log: list[t.Any] = []
        app = make_app(fw, log, response_class=response_class)
        keep = setup(fw, app, log) if setup is not None else None
        results = [call_wsgi(fw, app, environ_for(m, p, **kw)) for m, p, kw in requests]
        outcomes[fw] = (results, log)
        del keep
    return same_as_flask(outcomes)[0]  # type: ignore[no-any-return]


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
def test_text_views_send_the_same(method: str) -> None:
    results = both([(method, path, {}) for path in PATHS])
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


@pytest.mark.parametrize("response_class", ["Text", "Created", "NoContent", "NotModified", "Own"])
def test_response_classes(response_class: str) -> None:
    results = both(
        [(m, p, {}) for m in ("GET", "HEAD") for p in ("/", "/bytes", "/empty")],
        response_class=response_class,
    )
    first = results[0]
    if response_class == "NoContent":
        # werkzeug sends neither a body nor a Content-Length with a 204.
        assert first == (
            "ok",
            [("204 NO CONTENT", [("Content-Type", "text/html; charset=utf-8")])],
            b"",
        )
    elif response_class == "Text":
        assert first[1][0][1][0] == ("Content-Type", "text/plain; charset=utf-8")
    elif response_class == "Created":
        assert first[1][0][0] == "201 CREATED"
    elif response_class == "Own":
        assert first == ("ok", [("299 OWN", [("X-Own", "1")])], b"own")


def test_a_cookie_or_a_session_goes_the_full_way() -> None:
    client = make_app(flask, []).test_client()
    client.get("/touch-session")
    cookie = client.get_cookie("session")
    assert cookie is not None
    results = both(
        [
            ("GET", "/read-session", {"headers": {"Cookie": f"session={cookie.value}"}}),
            ("GET", "/", {"headers": {"Cookie": f"session={cookie.value}"}}),
            ("GET", "/", {"headers": {"Cookie": "other=1"}}),
        ],
    )
    assert results[0][2] == b"seen=True"


def test_hooks_and_signals_see_the_response() -> None:
    def setup(fw: types.ModuleType, app: t.Any, log: list[t.Any]) -> t.Any:
        @app.after_request
        def after(response: t.Any) -> t.Any:
            log.append(("after_request", response.status, response.get_data()))
            return response

        def finished(sender: t.Any, response: t.Any, **kwargs: t.Any) -> None:
            log.append(("request_finished", response.status))

        fw.signals.request_finished.connect(finished, app)
        return finished

    results = both([("GET", "/", {}), ("GET", "/user/3", {})], setup=setup)
    assert results[1][2] == b"user 3 GET"


def test_blueprint_hooks_apply_to_their_own_routes_only() -> None:
    """A text view outside a blueprint whose after-request functions exist
    (or are registered empty) answers as Flask; the blueprint's routes get
    their hooks, as do routes of an app-wide hook added later."""

    def setup(fw: types.ModuleType, app: t.Any, log: list[t.Any]) -> None:
        bp = fw.Blueprint("bp", __name__, url_prefix="/bp")

        @bp.after_request
        def after(response: t.Any) -> t.Any:
            log.append(("bp after", response.status))
            response.headers["X-Bp"] = "1"
            return response

        bp.add_url_rule("/text", "text", lambda: "bp text")
        app.register_blueprint(bp)
        app.after_request_funcs.setdefault("unused", [])

    results = both([("GET", "/", {}), ("GET", "/bp/text", {})], setup=setup)
    (_, bp_headers), = results[1][1]
    (_, app_headers), = results[0][1]
    assert ("X-Bp", "1") in bp_headers
    assert all(name != "X-Bp" for name, _ in app_headers)


def test_finished_signal_alone() -> None:
    def setup(fw: types.ModuleType, app: t.Any, log: list[t.Any]) -> t.Any:
        def finished(sender: t.Any, response: t.Any, **kwargs: t.Any) -> None:
            log.append(("request_finished", response.status, response.get_data()))

        fw.signals.request_finished.connect(finished, app)
        return finished

    both([("GET", "/", {})], setup=setup)


@pytest.mark.parametrize("size", [0, 1, 2047, 2048, 70000])
def test_content_length_of_any_size(size: int) -> None:
    def setup(fw: types.ModuleType, app: t.Any, log: list[t.Any]) -> None:
        app.add_url_rule("/sized", "sized", lambda: "x" * size)

    results = both([("GET", "/sized", {}), ("HEAD", "/sized", {})], setup=setup)
    assert results[0][1][0][1] == [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Length", str(size)),
    ]
    assert results[0][2] == b"x" * size
    assert results[1][2] == b""


# -- Flask.__call__ ----------------------------------------------------------


def test_call_answers_as_flask() -> None:
    # What used to be "__call__ goes straight to the fused cycle": whichever
    # path flaskfast takes, the answer is Flask's.
    results = both([("GET", "/", {}), ("GET", "/user/2", {}), ("HEAD", "/bytes", {})])
    assert [r[2] for r in results] == [b"Hello", b"user 2 GET", b""]


def test_call_honours_wsgi_middleware() -> None:
    outcomes = {}
    for fw in FRAMEWORKS:
        app = make_app(fw, [])
        seen: list[str] = []
        inner = app.wsgi_app

        def middleware(environ: t.Any, start_response: t.Any, _inner: t.Any = inner) -> t.Any:
            seen.append(environ["PATH_INFO"])
            return _inner(environ, start_response)

        results = [call_wsgi(fw, app, environ_for("GET", "/"))]
        app.wsgi_app = middleware
        results.append(call_wsgi(fw, app, environ_for("GET", "/user/2")))
        results.append(list(seen))
        del app.wsgi_app
        results.append(call_wsgi(fw, app, environ_for("GET", "/")))
        results.append(list(seen))
        outcomes[fw] = results
    results = same_as_flask(outcomes)
    assert results[1][2] == b"user 2 GET"
    assert results[2] == results[4] == ["/user/2"]


def test_call_honours_a_subclass_wsgi_app() -> None:
    outcomes = {}
    for fw in FRAMEWORKS:
        seen: list[str] = []

        class Wrapped(fw.Flask):  # type: ignore[name-defined,misc]
            def wsgi_app(self, environ: t.Any, start_response: t.Any) -> t.Any:
                seen.append(environ["PATH_INFO"])
                return super().wsgi_app(environ, start_response)

        app = Wrapped("wrapped")
        app.route("/")(lambda: "wrapped")
        outcomes[fw] = (call_wsgi(fw, app, environ_for("GET", "/")), seen)
    result, seen = same_as_flask(outcomes)
    assert result[2] == b"wrapped"
    assert seen == ["/"]


# Environ edits that flaskfast answers as Flask does, and those it answers
# on purpose with a 400 (or serves with PEP 3333 defaults) where Flask
# answers 200 or raises (tests/test_bad_input.py): for those, ``__call__``
# and ``wsgi_app`` must still agree.
AS_FLASK = {
    "latin1-host": {"HTTP_HOST": "h\xe9te"},
    "latin1-path": {"PATH_INFO": "/caf\xc3\xa9"},
    "no-path": {"PATH_INFO": None},
    "no-host": {"HTTP_HOST": None},
    "no-input": {"wsgi.input": None, "wsgi.errors": None},
}
HARDENED = {
    "control-host": {"HTTP_HOST": "bad\x01host"},
    "no-method": {"REQUEST_METHOD": None},
    "no-scheme": {"wsgi.url_scheme": None},
    "no-host-no-server-name": {"HTTP_HOST": None, "SERVER_NAME": None},
}


def edited_environ(overrides: dict[str, t.Any]) -> dict[str, t.Any]:
    environ = environ_for("GET", "/")
    for key, value in overrides.items():
        if value is None:
            environ.pop(key, None)
        else:
            environ[key] = value
    return environ


@pytest.mark.parametrize("case", sorted(AS_FLASK))
def test_edited_environs_are_answered_as_flask_answers(case: str) -> None:
    outcomes = {}
    for fw in FRAMEWORKS:
        app = make_app(fw, [])
        outcomes[fw] = [
            call_wsgi(fw, target, edited_environ(AS_FLASK[case])) for target in (app, app.wsgi_app)
        ]
    results = same_as_flask(outcomes)
    assert results[0] == results[1]
    expected = "404 NOT FOUND" if case == "latin1-path" else "200 OK"
    assert results[0][1][0][0] == expected


@pytest.mark.parametrize("case", sorted(HARDENED))
def test_call_checks_the_environ_like_wsgi_app(case: str) -> None:
    app = make_app(flaskfast, [])
    results = [
        call_wsgi(flaskfast, target, edited_environ(HARDENED[case]))
        for target in (app, app.wsgi_app)
    ]
    assert results[0] == results[1]
    expected = "200 OK" if case in ("no-method", "no-scheme") else "400 BAD REQUEST"
    assert results[0][1][0][0] == expected


def test_call_signature_matches_flask() -> None:
    def names(func: t.Any) -> list[str]:
        return list(inspect.signature(func).parameters)

    assert names(flaskfast.Flask.__call__) == names(flask.Flask.__call__)
    assert names(flaskfast.Flask.wsgi_app) == names(flask.Flask.wsgi_app)


def test_non_dict_environ() -> None:
    class Environ(dict):  # type: ignore[type-arg]
        pass

    outcomes = {
        fw: call_wsgi(fw, make_app(fw, []), Environ(environ_for("GET", "/user/9")))
        for fw in FRAMEWORKS
    }
    assert same_as_flask(outcomes)[2] == b"user 9 GET"


@pytest.mark.parametrize("fw", FRAMEWORKS, ids=fw_id)
def test_changes_to_the_response_class_count_at_once(fw: types.ModuleType) -> None:
    class Changing(fw.Response):  # type: ignore[name-defined,misc]
        pass

    app = make_app(fw, [])
    app.response_class = Changing
    first = call_wsgi(fw, app, environ_for("GET", "/"))
    assert first[1][0][1][0] == ("Content-Type", "text/html; charset=utf-8")
    assert call_wsgi(fw, app, environ_for("GET", "/")) == first
    Changing.default_mimetype = "text/csv"
    assert call_wsgi(fw, app, environ_for("GET", "/"))[1][0][1][0] == (
        "Content-Type",
        "text/csv; charset=utf-8",
    )
    # A change to a base class counts too.
    try:
        fw.Response.default_status = 201
        assert call_wsgi(fw, app, environ_for("GET", "/"))[1][0][0] == "201 CREATED"
    finally:
        del fw.Response.default_status
    assert call_wsgi(fw, app, environ_for("GET", "/"))[1][0][0] == "200 OK"

    def own_call(self: t.Any, environ: t.Any, start_response: t.Any) -> t.Any:
        start_response("299 PATCHED", [])
        return [b"patched"]

    Changing.__call__ = own_call
    assert call_wsgi(fw, app, environ_for("GET", "/")) == ("ok", [("299 PATCHED", [])], b"patched")


def test_a_request_class_that_edits_the_environ() -> None:
    outcomes = {}
    for fw in FRAMEWORKS:

        class Rewriting(fw.Request):  # type: ignore[name-defined,misc]
            def __init__(self, environ: t.Any, *args: t.Any, **kwargs: t.Any) -> None:
                environ["SCRIPT_NAME"] = "/mounted"
                super().__init__(environ, *args, **kwargs)

        app = make_app(fw, [])
        app.request_class = Rewriting
        app.add_url_rule("/where", "where", lambda: fw.url_for("index", _external=True))
        outcomes[fw] = call_wsgi(fw, app, environ_for("GET", "/where"))
    assert same_as_flask(outcomes)[2] == b"http://localhost/mounted/"


def test_routing_sees_the_environ_as_it_was_when_the_context_was_made() -> None:
    # Flask binds the URL adapter in RequestContext.__init__; a receiver of
    # appcontext_pushed that rewrites the path afterwards does not reroute.
    outcomes = {}
    for fw in FRAMEWORKS:
        app = make_app(fw, [])
        environ = environ_for("GET", "/")

        def rewrite(sender: t.Any, _environ: t.Any = environ, **kwargs: t.Any) -> None:
            _environ["PATH_INFO"] = "/user/5"

        with fw.signals.appcontext_pushed.connected_to(rewrite, app):
            outcomes[fw] = call_wsgi(fw, app, environ)
    assert same_as_flask(outcomes)[2] == b"Hello"


# -- the WSGI iterable and close() ---------------------------------------------


def closing_app(fw: types.ModuleType, log: list[t.Any]) -> t.Any:
    """Views of every kind of return value; an after_request function (on
    ``?hook=1``) registers a ``call_on_close`` callback."""
    app = fw.Flask("closing")
    request = fw.request

    def on_close(what: str) -> t.Callable[[], None]:
        return lambda: log.append(("closed", what))

    @app.after_request
    def hook(response: t.Any) -> t.Any:
        if request.args.get("hook"):
            response.call_on_close(on_close("after_request"))
        return response

    @app.teardown_request
    def teardown(exc: BaseException | None) -> None:
        log.append(("teardown", repr(exc)))

    app.add_url_rule("/text", "text", lambda: "Hello")
    app.add_url_rule("/json", "json", lambda: {"a": 1})
    app.add_url_rule("/tuple", "tuple", lambda: ("made", 201, {"X-T": "1"}))
    app.add_url_rule("/redirect", "redirect", lambda: fw.redirect("/text"))

    @app.route("/stream")
    def stream() -> t.Any:
        def gen() -> t.Iterator[str]:
            log.append(("streaming", request.path))
            yield "a"
            yield "b"

        return fw.stream_with_context(gen())

    @app.route("/wsgi")
    def wsgi() -> t.Any:
        def inner(environ: t.Any, start_response: t.Any) -> list[bytes]:
            start_response("202 ACCEPTED", [("X-Inner", "1")])
            return [b"inner ", b"list"]

        return inner

    @app.route("/response")
    def response() -> t.Any:
        rv = fw.Response("own")
        rv.call_on_close(on_close("view"))
        return rv

    return app


CLOSE_PATHS = [
    "/text",
    "/json",
    "/tuple",
    "/redirect",
    "/missing",
    "/stream",
    "/wsgi",
    "/response",
]


@pytest.mark.parametrize("hook", ["", "hook=1"], ids=["no-callback", "call_on_close"])
@pytest.mark.parametrize("method", ["GET", "HEAD"])
@pytest.mark.parametrize("path", CLOSE_PATHS)
def test_iterable_has_close_that_runs_call_on_close(path: str, method: str, hook: str) -> None:
    outcomes = {}
    for fw in FRAMEWORKS:
        log: list[t.Any] = []
        app = closing_app(fw, log)
        sent: list[t.Any] = []
        iterable = app(
            environ_for(method, path, query_string=hook),
            lambda status, headers, exc_info=None: sent.append((status, headers)),
        )
        if fw is flaskfast:
            assert callable(getattr(iterable, "close", None)), iterable
        log.append("returned")
        body = b"".join(iterable)
        log.append(("read", body))
        iterable.close()
        log.append("after close")
        outcomes[fw] = (sent, log)
    sent, log = same_as_flask(outcomes)
    closed = [entry for entry in log if entry[0] == "closed"]
    expected = [("closed", "view")] if path == "/response" else []
    if hook:
        expected.insert(0, ("closed", "after_request"))
    # Their order is Flask's: the whole logs were compared.
    assert sorted(closed) == sorted(expected)
    read = next(i for i, entry in enumerate(log) if entry[0] == "read")
    assert all(read < log.index(entry) < log.index("after close") for entry in closed)


@pytest.mark.parametrize("path", ["/text", "/response", "/stream", "/wsgi"])
def test_close_without_reading_runs_the_callbacks(path: str) -> None:
    # A server whose client went away closes the iterable unread.
    outcomes = {}
    for fw in FRAMEWORKS:
        log: list[t.Any] = []
        iterable = closing_app(fw, log)(
            environ_for("GET", path, query_string="hook=1"), lambda *args: None
        )
        log.append("returned")
        iterable.close()
        outcomes[fw] = log
    log = same_as_flask(outcomes)
    assert log[-1] == ("closed", "after_request")


def test_a_bad_environ_gets_a_closable_400() -> None:
    log: list[t.Any] = []
    app = closing_app(flaskfast, log)
    environ = environ_for("GET", "/text")
    environ["HTTP_HOST"] = "bad\x01host"
    result = call_wsgi(flaskfast, app, environ)  # asserts close() exists
    assert result[1][0][0] == "400 BAD REQUEST"
    assert log == []  # no app code ran
