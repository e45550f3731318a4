"""Application and request contexts: push/pop, teardown, signals, isolation
across threads and asyncio tasks, the lazy URL adapter and the lazily opened
session (checked against Flask 3.1.3 where it is observable)."""

from __future__ import annotations

import asyncio
import re
import threading
import types
import typing as t
from datetime import timedelta

import flask
import flask.globals
import pytest
from werkzeug.exceptions import NotFound
from werkzeug.routing import MapAdapter
from werkzeug.test import EnvironBuilder

import flaskfast
import flaskfast.globals
from flaskfast.ctx import _AppCtxGlobals
from flaskfast.ctx import AppContext
from flaskfast.ctx import RequestContext
from flaskfast.globals import _cv_app
from flaskfast.globals import _cv_request
from flaskfast.sessions import SecureCookieSession
from flaskfast.sessions import SecureCookieSessionInterface
from flaskfast.sessions import SessionInterface

if t.TYPE_CHECKING:  # pragma: no cover
    from flaskfast import Flask
    from flaskfast.testing import FlaskClient

FRAMEWORKS = (flask, flaskfast)


# -- app context ---------------------------------------------------------------


def test_app_context_binds_current_app_and_g(app: Flask) -> None:
    assert not flaskfast.has_app_context()
    with app.app_context() as ctx:
        assert isinstance(ctx, AppContext)
        assert flaskfast.current_app._get_current_object() is app  # type: ignore[attr-defined]
        assert flaskfast.has_app_context()
        assert not flaskfast.has_request_context()
        flaskfast.g.value = 1
        assert ctx.g.value == 1
    assert not flaskfast.has_app_context()
    with pytest.raises(RuntimeError, match="application context"):
        flaskfast.current_app.name


def test_each_app_context_has_its_own_g(app: Flask) -> None:
    with app.app_context():
        flaskfast.g.x = "outer"
        with app.app_context():
            assert "x" not in flaskfast.g
            flaskfast.g.x = "inner"
        assert flaskfast.g.x == "outer"


def test_g_namespace_helpers(app: Flask) -> None:
    g = _AppCtxGlobals()
    g.a = 1
    assert g.get("a") == 1
    assert g.get("missing", "dflt") == "dflt"
    assert g.setdefault("b", 2) == 2
    assert g.setdefault("b", 3) == 2
    assert "a" in g and "zzz" not in g
    assert sorted(g) == ["a", "b"]
    assert g.pop("a") == 1
    assert g.pop("a", None) is None
    with pytest.raises(KeyError):
        g.pop("a")
    with pytest.raises(AttributeError):
        g.nothing  # noqa: B018
    with pytest.raises(AttributeError):
        del g.nothing
    with app.app_context():
        assert repr(flaskfast.g) == "<flask.g of 'flaskfast_test'>"


def test_custom_app_ctx_globals_class(app: Flask) -> None:
    class MyGlobals(_AppCtxGlobals):
        preset = "yes"

    app.app_ctx_globals_class = MyGlobals
    with app.app_context():
        assert flaskfast.g.preset == "yes"


def test_nested_push_of_same_context_tears_down_once(app: Flask) -> None:
    torn: list[t.Any] = []
    app.teardown_appcontext(torn.append)
    ctx = app.app_context()
    ctx.push()
    ctx.push()
    ctx.pop()
    assert torn == []
    assert flaskfast.current_app
    ctx.pop()
    assert torn == [None]
    assert not flaskfast.has_app_context()


def test_context_can_be_pushed_again_after_pop(app: Flask) -> None:
    torn: list[t.Any] = []
    app.teardown_appcontext(torn.append)
    ctx = app.app_context()
    for _ in range(3):
        with ctx:
            flaskfast.g.n = flaskfast.g.get("n", 0) + 1
    assert torn == [None, None, None]
    assert ctx.g.n == 3


def test_popping_the_wrong_context_is_an_error(app: Flask) -> None:
    first = app.app_context()
    second = app.app_context()
    first.push()
    second.push()
    with pytest.raises(AssertionError, match="Popped wrong app context|wrong app context"):
        first.pop()
    # Flask unbinds anyway; leave a clean state.
    while _cv_app.get(None) is not None:
        _cv_app.get().pop()


def test_popping_wrong_context_raises_like_flask() -> None:
    kinds = []
    for mod in FRAMEWORKS:
        app = mod.Flask("wrong")
        first = app.test_request_context("/a")
        second = app.test_request_context("/b")
        first.push()
        second.push()
        with pytest.raises(AssertionError) as info:
            first.pop()
        kinds.append(type(info.value))
        while mod.has_request_context():
            (flask.globals._cv_request if mod is flask else _cv_request).get().pop()
        while mod.has_app_context():
            (flask.globals._cv_app if mod is flask else _cv_app).get().pop()
    assert kinds[0] is kinds[1]


def test_teardown_gets_the_exception_from_with_block(app: Flask) -> None:
    seen: list[t.Any] = []
    app.teardown_appcontext(seen.append)
    app.teardown_request(lambda exc: seen.append(("request", exc)))
    error = ValueError("inside")
    with pytest.raises(ValueError):
        with app.test_request_context():
            raise error
    assert seen == [("request", error), error]


def test_pop_without_argument_uses_the_exception_being_handled(app: Flask) -> None:
    seen: list[t.Any] = []
    app.teardown_appcontext(seen.append)
    ctx = app.app_context()
    ctx.push()
    try:
        raise KeyError("handled")
    except KeyError:
        ctx.pop()
    assert isinstance(seen[0], KeyError)


def test_teardown_functions_run_in_reverse_order(app: Flask) -> None:
    order: list[str] = []
    app.teardown_request(lambda exc: order.append("request1"))
    app.teardown_request(lambda exc: order.append("request2"))
    app.teardown_appcontext(lambda exc: order.append("app1"))
    app.teardown_appcontext(lambda exc: order.append("app2"))
    with app.test_request_context():
        pass
    assert order == ["request2", "request1", "app2", "app1"]


def test_teardown_error_still_unbinds_context(app: Flask) -> None:
    @app.teardown_appcontext
    def broken(exc: t.Any) -> None:
        raise RuntimeError("teardown failed")

    ctx = app.app_context()
    ctx.push()
    with pytest.raises(RuntimeError, match="teardown failed"):
        ctx.pop()
    assert not flaskfast.has_app_context()


# -- signals ---------------------------------------------------------------------


CONTEXT_SIGNALS = (
    "appcontext_pushed",
    "appcontext_popped",
    "appcontext_tearing_down",
    "request_tearing_down",
)


def _context_sequence(mod: types.ModuleType) -> list[str]:
    events: list[str] = []
    app = mod.Flask("sig")
    receivers = []
    for name in CONTEXT_SIGNALS:
        def receiver(sender: t.Any, _name: str = name, **kw: t.Any) -> None:
            assert sender is app
            events.append(f"{_name}{sorted(kw)}")

        receivers.append((name, receiver))
        getattr(mod, name).connect(receiver, app)
    app.teardown_appcontext(lambda exc: events.append("teardown_appcontext"))
    app.teardown_request(lambda exc: events.append("teardown_request"))
    try:
        with app.app_context():
            events.append("in app ctx")
            with app.test_request_context():
                events.append("in request ctx (reuses app ctx)")
        with app.test_request_context():
            events.append("in request ctx (own app ctx)")
        ctx = app.test_request_context()
        ctx.push()
        ctx.push()
        ctx.pop()
        events.append("inner pop done")
        ctx.pop()
    finally:
        for name, receiver in receivers:
            getattr(mod, name).disconnect(receiver, app)
    return events


def test_context_signal_sequence_matches_flask() -> None:
    assert _context_sequence(flaskfast) == _context_sequence(flask)


def test_signal_receivers_get_app_as_sender(app: Flask) -> None:
    got: list[t.Any] = []

    def pushed(sender: t.Any, **kw: t.Any) -> None:
        got.append(("pushed", sender, flaskfast.current_app._get_current_object()))  # type: ignore[attr-defined]

    def popped(sender: t.Any, **kw: t.Any) -> None:
        got.append(("popped", sender, flaskfast.has_app_context()))

    def tearing(sender: t.Any, exc: t.Any = None, **kw: t.Any) -> None:
        got.append(("tearing", sender, exc))

    with flaskfast.appcontext_pushed.connected_to(pushed, app), \
            flaskfast.appcontext_popped.connected_to(popped, app), \
            flaskfast.appcontext_tearing_down.connected_to(tearing, app):
        with app.app_context():
            pass
    assert got == [("pushed", app, app), ("tearing", app, None), ("popped", app, False)]


def test_request_signals_with_receivers(app: Flask, client: FlaskClient) -> None:
    got: list[t.Any] = []
    app.add_url_rule("/", "index", lambda: "ok")

    def started(sender: t.Any, **kw: t.Any) -> None:
        got.append(("started", flaskfast.request.path))

    def finished(sender: t.Any, response: t.Any, **kw: t.Any) -> None:
        got.append(("finished", response.status_code))

    def tearing(sender: t.Any, exc: t.Any = None, **kw: t.Any) -> None:
        got.append(("tearing", exc))

    with flaskfast.request_started.connected_to(started, app), \
            flaskfast.request_finished.connected_to(finished, app), \
            flaskfast.request_tearing_down.connected_to(tearing, app):
        client.get("/")
    assert got == [("started", "/"), ("finished", 200), ("tearing", None)]


def test_signals_for_another_app_are_not_received(app: Flask) -> None:
    other = flaskfast.Flask("other")
    got: list[t.Any] = []
    with flaskfast.appcontext_pushed.connected_to(lambda s, **kw: got.append(s), other):
        with app.app_context():
            pass
        with other.app_context():
            pass
    assert got == [other]


# -- request context ---------------------------------------------------------------


def test_request_context_pushes_app_context(app: Flask) -> None:
    ctx = app.test_request_context("/path?x=1")
    assert isinstance(ctx, RequestContext)
    with ctx:
        assert flaskfast.request.path == "/path"
        assert flaskfast.request.args["x"] == "1"
        assert flaskfast.has_app_context() and flaskfast.has_request_context()
        assert flaskfast.globals.request_ctx._get_current_object() is ctx  # type: ignore[attr-defined]
        assert flaskfast.current_app._get_current_object() is app  # type: ignore[attr-defined]
    assert not flaskfast.has_app_context()


def test_request_context_reuses_active_app_context_of_same_app(app: Flask) -> None:
    with app.app_context():
        flaskfast.g.marker = "shared"
        with app.test_request_context():
            assert flaskfast.g.marker == "shared"
        assert flaskfast.has_app_context()


def test_request_context_for_other_app_pushes_its_own_app_context(app: Flask) -> None:
    other = flaskfast.Flask("other")
    with app.app_context():
        flaskfast.g.marker = "first app"
        with other.test_request_context():
            assert flaskfast.current_app.name == "other"
            assert "marker" not in flaskfast.g
        assert flaskfast.current_app.name == "flaskfast_test"


def test_request_context_repush_and_nested(app: Flask) -> None:
    torn: list[t.Any] = []
    app.teardown_request(torn.append)
    ctx = app.test_request_context("/a")
    with ctx:
        with ctx:
            assert flaskfast.request.path == "/a"
        assert torn == []
        assert flaskfast.request.path == "/a"
    assert torn == [None]
    with ctx:
        assert flaskfast.request.path == "/a"
    assert torn == [None, None]


def test_request_is_closed_at_outermost_pop(app: Flask) -> None:
    ctx = app.test_request_context("/", method="POST", data={"f": (__import__("io").BytesIO(b"x"), "f.txt")})
    with ctx:
        stream = flaskfast.request.files["f"].stream
        assert not stream.closed
    assert stream.closed


def test_copy_shares_request_and_session(app: Flask) -> None:
    with app.test_request_context("/copy") as ctx:
        flaskfast.session["k"] = "v"
        copied = ctx.copy()
    assert copied is not ctx
    assert copied.request is ctx.request
    with copied:
        assert flaskfast.request.path == "/copy"
        assert flaskfast.session["k"] == "v"


def test_copy_current_request_context_in_thread(app: Flask, client: FlaskClient) -> None:
    results: list[t.Any] = []

    @app.route("/spawn")
    def spawn() -> str:
        flaskfast.session["who"] = "thread"

        @flaskfast.copy_current_request_context
        def work(suffix: str) -> None:
            results.append((flaskfast.request.path + suffix, flaskfast.session["who"]))

        thread = threading.Thread(target=work, args=("!",))
        thread.start()
        thread.join()
        return "spawned"

    assert client.get("/spawn").data == b"spawned"
    assert results == [("/spawn!", "thread")]


def test_copy_current_request_context_needs_a_request() -> None:
    with pytest.raises(RuntimeError, match="request context"):
        flaskfast.copy_current_request_context(lambda: None)


def test_after_this_request_needs_a_request() -> None:
    with pytest.raises(RuntimeError, match="request context"):
        flaskfast.after_this_request(lambda r: r)


def test_after_this_request_runs_before_after_request(app: Flask, client: FlaskClient) -> None:
    order: list[str] = []

    @app.after_request
    def after(response: t.Any) -> t.Any:
        order.append("after_request")
        return response

    @app.route("/")
    def index() -> str:
        @flaskfast.after_this_request
        def first(response: t.Any) -> t.Any:
            order.append("this1")
            response.headers["X-One"] = "1"
            return response

        @flaskfast.after_this_request
        def second(response: t.Any) -> t.Any:
            order.append("this2")
            return response

        return "x"

    response = client.get("/")
    assert order == ["this1", "this2", "after_request"]
    assert response.headers["X-One"] == "1"


def test_contexts_are_isolated_between_threads(app: Flask) -> None:
    barrier = threading.Barrier(4)
    seen: dict[int, tuple[str, bool]] = {}

    def worker(n: int) -> None:
        with app.test_request_context(f"/t{n}"):
            barrier.wait(timeout=5)
            seen[n] = (flaskfast.request.path, flaskfast.has_request_context())
            barrier.wait(timeout=5)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == {n: (f"/t{n}", True) for n in range(4)}
    assert not flaskfast.has_request_context()


def test_contexts_are_isolated_between_asyncio_tasks(app: Flask) -> None:
    async def handle(n: int, gate: asyncio.Event) -> tuple[str, t.Any]:
        with app.test_request_context(f"/task{n}"):
            flaskfast.g.n = n
            await gate.wait()
            return flaskfast.request.path, flaskfast.g.n

    async def main() -> list[tuple[str, t.Any]]:
        gate = asyncio.Event()
        tasks = [asyncio.create_task(handle(n, gate)) for n in range(3)]
        await asyncio.sleep(0)
        assert not flaskfast.has_request_context()
        gate.set()
        return list(await asyncio.gather(*tasks))

    assert asyncio.run(main()) == [("/task0", 0), ("/task1", 1), ("/task2", 2)]


def test_task_started_inside_context_inherits_it(app: Flask) -> None:
    async def child() -> str:
        return flaskfast.request.path

    async def main() -> str:
        with app.test_request_context("/parent"):
            return await asyncio.create_task(child())

    assert asyncio.run(main()) == "/parent"


def test_repr_of_request_context(app: Flask) -> None:
    ctx = app.test_request_context("/r?q=1", method="POST")
    assert repr(ctx) == "<RequestContext 'http://localhost/r?q=1' [POST] of flaskfast_test>"


# -- URL adapter and matching --------------------------------------------------------


def test_url_adapter_is_bound_to_the_request(app: Flask) -> None:
    app.add_url_rule("/item/<int:n>", "item", lambda n: str(n))
    with app.test_request_context("/item/3", base_url="https://example.test/root") as ctx:
        adapter = ctx.url_adapter
        assert isinstance(adapter, MapAdapter)
        assert adapter.server_name == "example.test"
        assert adapter.script_name == "/root/"
        assert adapter.url_scheme == "https"
        assert adapter.match() == ("item", {"n": 3})
        assert flaskfast.request.view_args == {"n": 3}
        assert flaskfast.request.url_rule.rule == "/item/<int:n>"  # type: ignore[union-attr]


def test_url_adapter_can_be_replaced(app: Flask) -> None:
    with app.test_request_context() as ctx:
        ctx.url_adapter = None
        assert ctx.url_adapter is None
    with app.app_context() as actx:
        actx.url_adapter = "sentinel"  # type: ignore[assignment]
        assert actx.url_adapter == "sentinel"


def test_app_context_url_adapter_uses_server_name(app: Flask) -> None:
    with app.app_context() as ctx:
        assert ctx.url_adapter is None
    app.config["SERVER_NAME"] = "srv.test"
    with app.app_context() as ctx:
        assert ctx.url_adapter is not None
        assert ctx.url_adapter.server_name == "srv.test"


@pytest.mark.parametrize(
    "path",
    ["/", "/item/3", "/item/x", "/dir", "/dir/", "/post", "/nowhere", "//item/4", "/%E2%82%AC"],
)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_matching_state_in_test_request_context_matches_flask(path: str, method: str) -> None:
    states = []
    for mod in FRAMEWORKS:
        app = mod.Flask("match")
        app.add_url_rule("/", "index", lambda: "i")
        app.add_url_rule("/item/<int:n>", "item", lambda n: "n")
        app.add_url_rule("/dir/", "dir", lambda: "d")
        app.add_url_rule("/post", "post", lambda: "p", methods=["POST"])
        with app.test_request_context(path, method=method):
            req = mod.request
            exc = req.routing_exception
            states.append(
                (
                    req.url_rule.rule if req.url_rule else None,
                    req.view_args,
                    req.endpoint,
                    type(exc).__name__ if exc else None,
                    getattr(exc, "new_url", None),
                    sorted(getattr(exc, "valid_methods", None) or ()),
                )
            )
    assert states[1] == states[0]


def test_routing_exception_on_request(app: Flask) -> None:
    with app.test_request_context("/missing"):
        assert isinstance(flaskfast.request.routing_exception, NotFound)
        assert flaskfast.request.url_rule is None


# -- sessions ----------------------------------------------------------------------------

COOKIE_RE = re.compile(r"^session=([^;]*)")


def _normalise(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Hide the time-dependent parts of Set-Cookie (signature timestamp and
    Expires), keeping everything else for comparison."""
    out = []
    for name, value in headers:
        if name == "Set-Cookie":
            value = COOKIE_RE.sub(lambda m: "session=<signed>" if m.group(1) else "session=", value)
            value = re.sub(r"Expires=[^;]*", "Expires=<date>", value)
        out.append((name, value))
    return out


def _session_app(mod: types.ModuleType, config: dict[str, t.Any] | None = None) -> t.Any:
    app = mod.Flask("sess")
    app.config.update(SECRET_KEY="shared secret", **(config or {}))
    s = mod.session

    @app.route("/untouched")
    def untouched() -> str:
        return "untouched"

    @app.route("/read")
    def read() -> str:
        return repr(s.get("n"))

    @app.route("/contains")
    def contains() -> str:
        return str("n" in s)

    @app.route("/write")
    def write() -> str:
        s["n"] = s.get("n", 0) + 1
        return "written"

    @app.route("/permanent")
    def permanent() -> str:
        s.permanent = True
        s["p"] = 1
        return "permanent"

    @app.route("/clear")
    def clear() -> str:
        s.clear()
        return "cleared"

    @app.route("/mutate-nested")
    def mutate_nested() -> str:
        s.setdefault("items", []).append(1)
        return "nested"

    return app


def _serve(app: t.Any, path: str, cookie: str | None) -> tuple[str, list[tuple[str, str]], bytes, str | None]:
    builder = EnvironBuilder(path=path, headers={"Cookie": f"session={cookie}"} if cookie else None)
    environ = builder.get_environ()
    builder.close()
    captured: dict[str, t.Any] = {}

    def start_response(status: str, headers: t.Any, exc_info: t.Any = None) -> None:
        captured["status"], captured["headers"] = status, list(headers)

    body = b"".join(app(environ, start_response))
    new_cookie = None
    for name, value in captured["headers"]:
        if name == "Set-Cookie":
            match = COOKIE_RE.match(value)
            new_cookie = match.group(1) if match else None
    return captured["status"], captured["headers"], body, new_cookie


def _cookie_for(mod: types.ModuleType, path: str, config: dict[str, t.Any] | None = None) -> str:
    cookie = _serve(_session_app(mod, config), path, None)[3]
    assert cookie
    return cookie


@pytest.mark.parametrize(
    "path", ["/untouched", "/read", "/contains", "/write", "/permanent", "/clear", "/mutate-nested"]
)
@pytest.mark.parametrize("incoming", [None, "/write", "/permanent", "garbage"])
@pytest.mark.parametrize("refresh", [True, False])
def test_session_headers_match_flask(path: str, incoming: str | None, refresh: bool) -> None:
    config = {"SESSION_REFRESH_EACH_REQUEST": refresh}
    results = []
    for mod in FRAMEWORKS:
        cookie = None
        if incoming == "garbage":
            cookie = "not.a.valid.cookie"
        elif incoming is not None:
            # Each framework reads a cookie written by the *other* one.
            other = flaskfast if mod is flask else flask
            cookie = _cookie_for(other, incoming, config)
        status, headers, body, _ = _serve(_session_app(mod, config), path, cookie)
        results.append((status, _normalise(headers), body))
    assert results[1] == results[0]


def test_untouched_session_sends_no_cookie_and_no_vary(app: Flask, client: FlaskClient) -> None:
    app.add_url_rule("/", "index", lambda: "plain")
    response = client.get("/")
    assert "Set-Cookie" not in response.headers
    assert "Vary" not in response.headers


def test_accessed_session_varies_on_cookie(app: Flask, client: FlaskClient) -> None:
    app.add_url_rule("/", "index", lambda: str(flaskfast.session.get("x")))
    response = client.get("/")
    assert response.headers["Vary"] == "Cookie"
    assert "Set-Cookie" not in response.headers


def test_session_round_trip_between_flask_and_flaskfast() -> None:
    flask_app = _session_app(flask)
    fast_app = _session_app(flaskfast)
    _, _, _, cookie = _serve(flask_app, "/write", None)
    _, _, _, cookie = _serve(fast_app, "/write", cookie)
    _, _, _, cookie = _serve(flask_app, "/write", cookie)
    assert _serve(fast_app, "/read", cookie)[2] == b"3"
    assert _serve(flask_app, "/read", cookie)[2] == b"3"


def test_permanent_session_is_refreshed_when_a_cookie_came_in(app: Flask) -> None:
    fast_app = _session_app(flaskfast)
    cookie = _serve(fast_app, "/permanent", None)[3]
    status, headers, body, refreshed = _serve(fast_app, "/untouched", cookie)
    assert refreshed is not None
    assert any(name == "Set-Cookie" and "Expires=" in value for name, value in headers)

    no_refresh = _session_app(flaskfast, {"SESSION_REFRESH_EACH_REQUEST": False})
    assert _serve(no_refresh, "/untouched", cookie)[3] is None


def test_permanent_session_lifetime_sets_expiry(app: Flask) -> None:
    fast_app = _session_app(flaskfast, {"PERMANENT_SESSION_LIFETIME": timedelta(hours=1)})
    _, headers, _, _ = _serve(fast_app, "/permanent", None)
    set_cookie = dict(headers)["Set-Cookie"]
    assert "Expires=" in set_cookie and "HttpOnly" in set_cookie


def test_session_not_opened_before_push_but_available_after(app: Flask) -> None:
    ctx = app.test_request_context()
    assert ctx._session is None
    with pytest.raises(AssertionError, match="not yet been opened"):
        ctx.session  # noqa: B018
    with ctx:
        assert isinstance(ctx._session, SecureCookieSession)
        assert not ctx._session.accessed
        assert ctx.session is ctx._session
        assert ctx._session.accessed
        assert flaskfast.session._get_current_object() is ctx._session  # type: ignore[attr-defined]


def test_session_given_to_the_context_is_used(app: Flask) -> None:
    given = SecureCookieSession({"preset": 1})
    ctx = RequestContext(app, EnvironBuilder().get_environ(), session=given)
    with ctx:
        assert flaskfast.session["preset"] == 1
        assert flaskfast.session._get_current_object() is given  # type: ignore[attr-defined]


def test_without_secret_key_session_is_null(app: Flask, client: FlaskClient) -> None:
    app.config["SECRET_KEY"] = None
    app.add_url_rule("/read", "read", lambda: repr(flaskfast.session.get("x")))

    @app.route("/write")
    def write() -> str:
        flaskfast.session["x"] = 1
        return "never"

    assert client.get("/read").data == b"None"
    with pytest.raises(RuntimeError, match="secret key"):
        client.get("/write")


class _RecordingInterface(SessionInterface):
    def __init__(self, events: list[str]) -> None:
        self.events = events

    def open_session(self, app: t.Any, request: t.Any) -> SecureCookieSession:
        self.events.append(f"open {request.path}")
        return SecureCookieSession({"from": "custom"})

    def save_session(self, app: t.Any, session: t.Any, response: t.Any) -> None:
        self.events.append(f"save {dict(session)}")


def test_custom_session_interface_is_opened_eagerly_at_push(app: Flask, client: FlaskClient) -> None:
    events: list[str] = []
    app.session_interface = _RecordingInterface(events)

    @app.before_request
    def before() -> None:
        events.append("before_request")

    app.add_url_rule("/x", "x", lambda: "no session use")
    client.get("/x")
    assert events == ["open /x", "before_request", "save {'from': 'custom'}"]

    events.clear()
    with app.test_request_context("/y"):
        assert events == ["open /y"]


def test_custom_session_interface_order_matches_flask() -> None:
    orders = []
    for mod in FRAMEWORKS:
        events: list[str] = []

        class Recording(mod.sessions.SessionInterface):  # type: ignore[name-defined, misc]
            def open_session(self, app: t.Any, request: t.Any) -> t.Any:
                events.append("open")
                return mod.sessions.SecureCookieSession()

            def save_session(self, app: t.Any, session: t.Any, response: t.Any) -> None:
                events.append("save")

        app = mod.Flask("order")
        app.session_interface = Recording()
        app.before_request(lambda: events.append("before") and None)
        app.teardown_request(lambda exc: events.append("teardown"))
        app.after_request(lambda r: events.append("after") and r or r)
        app.add_url_rule("/", "index", lambda: "x")
        app.test_client().get("/")
        app.test_client().get("/missing")
        orders.append(events)
    assert orders[1] == orders[0]


def test_subclass_of_cookie_interface_is_opened_eagerly(app: Flask, client: FlaskClient) -> None:
    opened: list[str] = []

    class Sub(SecureCookieSessionInterface):
        def open_session(self, app: t.Any, request: t.Any) -> t.Any:
            opened.append(request.path)
            return super().open_session(app, request)

    app.session_interface = Sub()
    app.add_url_rule("/", "index", lambda: "ignore session")
    client.get("/")
    assert opened == ["/"]


def test_open_session_returning_none_gives_null_session(app: Flask, client: FlaskClient) -> None:
    class Refusing(SecureCookieSessionInterface):
        def open_session(self, app: t.Any, request: t.Any) -> None:
            return None

    app.session_interface = Refusing()
    app.add_url_rule("/", "index", lambda: type(flaskfast.session._get_current_object()).__name__)  # type: ignore[attr-defined]
    assert client.get("/").data == b"NullSession"


def test_session_modified_in_after_request_is_saved(app: Flask, client: FlaskClient) -> None:
    app.add_url_rule("/", "index", lambda: "x")

    @app.after_request
    def touch(response: t.Any) -> t.Any:
        flaskfast.session["late"] = True
        return response

    response = client.get("/")
    assert "session=" in response.headers["Set-Cookie"]
    with client.session_transaction() as sess:
        assert sess["late"] is True


def test_session_cookie_sent_back_by_test_client(app: Flask, client: FlaskClient) -> None:
    @app.route("/inc")
    def inc() -> str:
        flaskfast.session["n"] = flaskfast.session.get("n", 0) + 1
        return str(flaskfast.session["n"])

    assert [client.get("/inc").data for _ in range(3)] == [b"1", b"2", b"3"]


def _thread_session_app(mod: types.ModuleType) -> t.Any:
    app = mod.Flask("threaded")
    app.secret_key = "k"

    @app.route("/set-in-thread")
    def set_in_thread() -> str:
        @mod.copy_current_request_context
        def work() -> None:
            mod.session["from_thread"] = True

        thread = threading.Thread(target=work)
        thread.start()
        thread.join()
        return "done"

    @app.route("/read")
    def read() -> str:
        return repr(mod.session.get("from_thread"))

    return app


def test_session_written_by_copied_context_is_saved_like_flask() -> None:
    outcomes = []
    for mod in FRAMEWORKS:
        client = _thread_session_app(mod).test_client()
        first = client.get("/set-in-thread")
        outcomes.append(("Set-Cookie" in first.headers, client.get("/read").data))
    assert outcomes[1] == outcomes[0]
    assert outcomes[0] == (True, b"True")


def test_session_read_after_before_request_changed_cookie_header_like_flask() -> None:
    outcomes = []
    for mod in FRAMEWORKS:
        cookie = _cookie_for(mod, "/write")
        app = _session_app(mod)

        @app.before_request
        def strip_cookies() -> None:
            mod.request.environ["HTTP_COOKIE"] = ""

        outcomes.append(_serve(app, "/read", cookie)[2])
    assert outcomes[1] == outcomes[0]


def test_session_and_request_in_stream_with_context_like_flask() -> None:
    outcomes = []
    for mod in FRAMEWORKS:
        cookie = _cookie_for(mod, "/write")
        app = _session_app(mod)

        @app.route("/stream")
        def stream() -> t.Any:
            def generate() -> t.Iterator[str]:
                yield mod.request.path
                yield f" n={mod.session.get('n')}"

            return mod.stream_with_context(generate())

        status, headers, body, _ = _serve(app, "/stream", cookie)
        outcomes.append((status, _normalise(headers), body))
    assert outcomes[1] == outcomes[0]
    assert outcomes[0][2] == b"/stream n=1"


def test_g_is_made_on_first_use_and_kept(app: Flask) -> None:
    made: list[object] = []

    class Counting(_AppCtxGlobals):
        def __init__(self) -> None:
            made.append(self)

    app.app_ctx_globals_class = Counting
    with app.app_context() as ctx:
        assert made == []
        first = ctx.g
        assert ctx.g is first and flaskfast.g._get_current_object() is first
        assert made == [first]
    with app.app_context() as ctx:
        replacement = Counting()
        ctx.g = replacement
        assert flaskfast.g._get_current_object() is replacement
    assert len(made) == 2


def test_g_set_in_a_view_is_seen_by_teardown(app: Flask) -> None:
    seen: list[object] = []

    @app.route("/")
    def index() -> str:
        flaskfast.g.user = "ann"
        return "ok"

    @app.teardown_appcontext
    def teardown(exc: BaseException | None) -> None:
        seen.append(flaskfast.g.get("user"))

    assert app.test_client().get("/").data == b"ok"
    assert seen == ["ann"]
