"""The fused request cycle (``serve`` in the context kernel) is
indistinguishable from the generic ``Flask.wsgi_app`` pipeline.

Each test builds the same application twice, serves the same requests to
one copy through the fused path and to the other through the generic path
(``app._ff_fuse = False``), and compares everything a client or the app can
observe: status line, the header list given to ``start_response``, body,
raised exceptions, and the order of hooks, signals and teardown calls.
Both twins of the kernel are checked (the compiled one when built).
"""

from __future__ import annotations

import io
import typing as t

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from werkzeug.exceptions import NotFound

import _serving
import flaskfast
from _serving import Spy
from _serving import environ_for
from _serving import freeze_time
from _serving import install_spy
from _twins import implementations
from flaskfast import Blueprint
from flaskfast import abort
from flaskfast import after_this_request
from flaskfast import g
from flaskfast import jsonify
from flaskfast import redirect
from flaskfast import request
from flaskfast import session
from flaskfast import signals
from flaskfast.globals import _cv_app
from flaskfast.globals import _cv_request


@pytest.fixture(params=implementations("context"), ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def spy(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Spy:
    freeze_time(monkeypatch)
    return install_spy(request.param, monkeypatch)


# -- the application under test ------------------------------------------------


class Boom(Exception):
    pass


class Handled(Exception):
    pass


def make_app(log: list[t.Any], *, testing: bool = False, fused: bool = True) -> flaskfast.Flask:
    """An app exercising every step of the pipeline; events go to ``log``."""
    app = flaskfast.Flask("serve_test")
    app.config.update(TESTING=testing, SECRET_KEY="serve secret")
    if not fused:
        app._ff_fuse = False  # type: ignore[attr-defined]
    bp = Blueprint("bp", __name__, url_prefix="/bp")
    inner = Blueprint("inner", __name__, url_prefix="/inner")

    @app.url_value_preprocessor
    def pre(endpoint: str | None, values: dict[str, t.Any] | None) -> None:
        log.append(("url_value_preprocessor", endpoint, dict(values or {})))

    @app.before_request
    def before() -> t.Any:
        g.seen = "before"
        log.append(("before_request", request.path, request.method))
        mode = request.args.get("before")
        if mode == "answer":
            return "answered by before_request", 202
        if mode == "raise":
            raise Boom("before")
        return None

    @app.after_request
    def after(response: flaskfast.Response) -> flaskfast.Response:
        log.append(("after_request", response.status))
        if request.args.get("after") == "raise":
            raise Boom("after")
        response.headers["X-After"] = "app"
        return response

    @app.after_request
    def after_second(response: flaskfast.Response) -> flaskfast.Response:
        # Registered second, so it runs first.
        log.append(("after_request_second", response.headers.get("X-After")))
        return response

    @app.teardown_request
    def teardown(exc: BaseException | None) -> None:
        log.append(("teardown_request", repr(exc)))
        if request.args.get("teardown") == "raise":
            raise Boom("teardown")

    @app.teardown_request
    def teardown_second(exc: BaseException | None) -> None:
        log.append(("teardown_request_second",))

    @app.teardown_appcontext
    def teardown_app_second(exc: BaseException | None) -> None:
        log.append(("teardown_appcontext_second",))

    @app.teardown_appcontext
    def teardown_app(exc: BaseException | None) -> None:
        log.append(("teardown_appcontext", repr(exc), g.get("seen")))

    @app.errorhandler(Handled)
    def on_handled(e: Handled) -> t.Any:
        log.append(("errorhandler", str(e)))
        return f"handled {e}", 418

    @app.errorhandler(410)
    def on_gone(e: Exception) -> t.Any:
        return "gone away", 410, {"X-Gone": "1"}

    @app.route("/")
    def index() -> str:
        return "Hello"

    @app.route("/user/<int:uid>", methods=["GET", "POST"])
    def user(uid: int) -> str:
        return f"user {uid} {request.method}"

    @app.route("/json")
    def as_json() -> t.Any:
        return {"a": 1, "b": [1, 2]}

    @app.route("/list")
    def as_list() -> t.Any:
        return [1, "two"]

    @app.route("/tuple")
    def as_tuple() -> t.Any:
        return "created", 201, {"X-Id": "7"}

    @app.route("/headers")
    def with_headers() -> t.Any:
        return "h", [("X-A", "1"), ("X-B", "2")]

    @app.route("/status-text")
    def status_text() -> t.Any:
        return "teapot", "418 I AM A TEAPOT"

    @app.route("/empty", methods=["GET", "POST"])
    def empty() -> t.Any:
        return "", 204

    @app.route("/bytes")
    def as_bytes() -> t.Any:
        return b"\x00\xffraw"

    @app.route("/stream")
    def stream() -> t.Any:
        def gen() -> t.Iterator[str]:
            yield "a"
            yield "b"

        return gen()

    @app.route("/response")
    def response_obj() -> t.Any:
        rv = flaskfast.Response("made", status=203, mimetype="text/plain")
        rv.set_cookie("made", "yes")
        return rv

    @app.route("/jsonify")
    def json_helper() -> t.Any:
        return jsonify(ok=True)

    @app.route("/redirect")
    def go() -> t.Any:
        return redirect("/target")

    @app.route("/dir/")
    def directory() -> str:
        return "directory"

    @app.route("/abort/<int:code>")
    def do_abort(code: int) -> t.Any:
        abort(code)

    @app.route("/boom")
    def boom() -> t.Any:
        raise Boom("view")

    @app.route("/handled")
    def handled() -> t.Any:
        raise Handled("nicely")

    @app.route("/none")
    def none() -> t.Any:
        return None

    @app.route("/this")
    def this() -> str:
        @after_this_request
        def add(response: flaskfast.Response) -> flaskfast.Response:
            log.append(("after_this_request", response.status))
            response.headers["X-This"] = "yes"
            return response

        return "this"

    @app.route("/session/set/<value>")
    def session_set(value: str) -> str:
        session["value"] = value
        return "set"

    @app.route("/session/get")
    def session_get() -> str:
        return f"value={session.get('value')}"

    @app.route("/session/clear")
    def session_clear() -> str:
        session.clear()
        return "cleared"

    @app.route("/async")
    async def in_async() -> str:
        return "async view"

    @bp.before_request
    def bp_before() -> None:
        log.append(("bp_before_request", request.blueprint))

    @bp.after_request
    def bp_after(response: flaskfast.Response) -> flaskfast.Response:
        log.append(("bp_after_request", request.blueprints))
        return response

    @bp.teardown_request
    def bp_teardown(exc: BaseException | None) -> None:
        log.append(("bp_teardown_request", repr(exc)))

    @bp.route("/ping")
    def ping() -> str:
        return "pong"

    @inner.route("/deep")
    def deep() -> str:
        return f"deep {request.blueprints}"

    @inner.before_request
    def inner_before() -> None:
        log.append(("inner_before_request",))

    bp.register_blueprint(inner)
    app.register_blueprint(bp)
    return app


SIGNALS = [
    "request_started",
    "request_finished",
    "got_request_exception",
    "request_tearing_down",
    "appcontext_tearing_down",
    "appcontext_pushed",
    "appcontext_popped",
]


def connect_signals(app: flaskfast.Flask, log: list[t.Any]) -> list[t.Any]:
    """Connect a recorder to every request signal; return the receivers
    (keep them alive: blinker holds weak references)."""
    receivers = []
    for name in SIGNALS:

        def receiver(sender: t.Any, _name: str = name, **kwargs: t.Any) -> None:
            detail = {k: repr(v) if k == "exc" else type(v).__name__ for k, v in kwargs.items()}
            log.append(("signal", _name, sorted(detail.items())))

        getattr(signals, name).connect(receiver, app)
        receivers.append(receiver)
    return receivers


# -- running requests ----------------------------------------------------------


def call_wsgi(app: flaskfast.Flask, environ: dict[str, t.Any]) -> tuple[t.Any, ...]:
    """Serve ``environ`` through ``app.wsgi_app``."""
    return _serving.call_wsgi(app.wsgi_app, environ)


def both(
    requests: list[tuple[str, str, t.Any]],
    spy: Spy,
    *,
    testing: bool = False,
    with_signals: bool = True,
) -> tuple[list[t.Any], list[t.Any]]:
    """Serve ``requests`` to a generic and a fused copy of the app; return
    ``(results, log)`` of each after checking which path each copy took."""
    outcomes = []
    for fused in (False, True):
        log: list[t.Any] = []
        app = make_app(log, testing=testing, fused=fused)
        keep = connect_signals(app, log) if with_signals else []
        before = spy.calls
        results = []
        for method, path, kwargs in requests:
            log.append(("request", method, path))
            if callable(kwargs):  # a fresh upload body for each run
                kwargs = kwargs()
            results.append(call_wsgi(app, environ_for(method, path, **kwargs)))
        assert (spy.calls - before) == (len(requests) if fused else 0)
        outcomes.append((results, log))
        del keep
    generic, fused_outcome = outcomes
    assert fused_outcome[0] == generic[0]
    assert fused_outcome[1] == generic[1]
    return generic


PATHS = [
    "/",
    "/user/42",
    "/user/x",
    "/json",
    "/list",
    "/tuple",
    "/headers",
    "/status-text",
    "/empty",
    "/bytes",
    "/stream",
    "/response",
    "/jsonify",
    "/redirect",
    "/dir",
    "/dir/",
    "/abort/404",
    "/abort/410",
    "/abort/500",
    "/boom",
    "/handled",
    "/none",
    "/this",
    "/async",
    "/bp/ping",
    "/bp/inner/deep",
    "/nowhere",
    "/bp/nowhere",
    "/static/missing.txt",
    "//double",
    "/caf%C3%A9",
]
METHODS = ["GET", "POST", "HEAD", "OPTIONS", "DELETE", "PUT"]


@pytest.mark.parametrize("testing", [False, True], ids=["production", "testing"])
@pytest.mark.parametrize("path", PATHS)
def test_every_route_and_method(spy: Spy, path: str, testing: bool) -> None:
    both([(method, path, {}) for method in METHODS], spy, testing=testing)


@pytest.mark.parametrize(
    "query",
    [
        "before=answer",
        "before=raise",
        "after=raise",
        "teardown=raise",
        "before=answer&after=raise",
        "before=raise&teardown=raise",
    ],
)
@pytest.mark.parametrize("testing", [False, True], ids=["production", "testing"])
def test_hooks_that_answer_or_fail(spy: Spy, query: str, testing: bool) -> None:
    both(
        [(m, p, {"query_string": query}) for m in ("GET", "POST") for p in ("/", "/bp/ping", "/boom")],
        spy,
        testing=testing,
    )


def test_unusual_environ_values(spy: Spy) -> None:
    both(
        [
            ("GET", "/", {"headers": {"Upgrade": "websocket", "Connection": "Upgrade"}}),
            ("GET", "/", {"environ_overrides": {"PATH_INFO": ""}}),
            ("GET", "/", {"environ_overrides": {"PATH_INFO": "/caf\xc3\xa9"}}),
            ("GET", "/", {"environ_overrides": {"PATH_INFO": "/\xff"}}),
            ("get", "/", {}),
            ("GET", "/", {"base_url": "http://localhost/app"}),
            ("POST", "/user/1", {"data": {"a": "b"}}),
            ("POST", "/user/1", lambda: {"data": {"f": (io.BytesIO(b"file"), "f.txt")}}),
        ],
        spy,
    )


def test_sessions_match(spy: Spy) -> None:
    # Signed cookies carry a timestamp: the spy fixture froze the clock.
    steps = [
        ("get", "/"),
        ("get", "/session/get"),
        ("get", "/session/set/one"),
        ("get", "/session/get"),
        ("get", "/"),
        ("get", "/session/set/two"),
        ("get", "/session/clear"),
        ("get", "/session/get"),
        ("get", "/"),
    ]
    outcomes = []
    for fused in (False, True):
        log: list[t.Any] = []
        app = make_app(log, fused=fused)
        client = app.test_client()
        before = spy.calls
        seen = []
        for _, path in steps:
            rv = client.get(path)
            seen.append((rv.status, rv.headers.to_wsgi_list(), rv.get_data()))
        final = client.get_cookie("session")
        seen.append(("cookie", None if final is None else final.value))
        assert (spy.calls - before) == (len(steps) if fused else 0)
        outcomes.append((seen, log))
    assert outcomes[1] == outcomes[0]
    assert (200, b"value=one") in [(int(r[0][:3]), r[2]) for r in outcomes[1][0][:-1]]


def test_session_cookie_sent_but_untouched(spy: Spy) -> None:
    # A request carrying a session cookie refreshes it even when the view
    # never reads the session (SESSION_REFRESH_EACH_REQUEST with permanent
    # sessions), and a foreign cookie does not open the session.
    app = make_app([])
    cookie = app.test_client()
    with cookie.session_transaction() as sess:
        sess.permanent = True
        sess["value"] = "kept"
    value = cookie.get_cookie("session").value  # type: ignore[union-attr]
    both(
        [
            ("GET", "/", {"headers": {"Cookie": f"session={value}"}}),
            ("GET", "/", {"headers": {"Cookie": "other=1"}}),
            ("GET", "/session/get", {"headers": {"Cookie": f"session={value}"}}),
            ("GET", "/session/get", {"headers": {"Cookie": "session=garbage"}}),
        ],
        spy,
        with_signals=False,
    )


def test_preserved_context_with_test_client(spy: Spy) -> None:
    for fused in (False, True):
        app = make_app([], fused=fused)
        client = app.test_client()
        before = spy.calls
        with client:
            rv = client.get("/user/5?x=1")
            assert rv.data == b"user 5 GET"
            # The client kept the contexts: the request is still readable.
            assert request.args["x"] == "1"
            assert request.view_args == {"uid": 5}
            assert g.seen == "before"
        assert _cv_request.get(None) is None
        assert spy.calls - before == (1 if fused else 0)


def test_errors_propagate_in_testing_mode(spy: Spy) -> None:
    generic = both([("GET", "/boom", {}), ("GET", "/none", {})], spy, testing=True)
    results, log = generic
    assert results[0][:3] == ("raised", Boom, "view")
    assert results[1][1] is TypeError
    assert ("teardown_request", "Boom('view')") in log


def test_production_errors_answer_500(spy: Spy) -> None:
    results, log = both([("GET", "/boom", {})], spy)
    assert results[0][0] == "ok"
    assert results[0][1][0][0] == "500 INTERNAL SERVER ERROR"
    assert ("signal", "got_request_exception", [("exception", "Boom")]) in log


def test_routing_outcomes(spy: Spy) -> None:
    results, _ = both(
        [("GET", "/nowhere", {}), ("DELETE", "/", {}), ("GET", "/dir", {}), ("OPTIONS", "/", {})],
        spy,
    )
    statuses = [r[1][0][0] for r in results]
    assert statuses == [
        "404 NOT FOUND",
        "405 METHOD NOT ALLOWED",
        "308 PERMANENT REDIRECT",
        "200 OK",
    ]


def test_teardown_sees_ignored_errors_as_none(spy: Spy) -> None:
    class Quiet(flaskfast.Flask):
        def should_ignore_error(self, error: BaseException | None) -> bool:
            return isinstance(error, Boom)

    for fused in (False, True):
        app = Quiet("quiet")
        app.config["TESTING"] = True
        if not fused:
            app._ff_fuse = False  # type: ignore[attr-defined]
        seen: list[t.Any] = []
        app.teardown_request(lambda exc: seen.append(exc))

        @app.route("/")
        def index() -> t.Any:
            raise Boom("x")

        before = spy.calls
        with pytest.raises(Boom):
            call_wsgi_raising(app)
        assert seen == [None]
        assert spy.calls - before == (1 if fused else 0)


def call_wsgi_raising(app: flaskfast.Flask) -> None:
    app.wsgi_app(environ_for("GET", "/"), lambda status, headers, exc_info=None: None)


# -- the gate --------------------------------------------------------------------


STEPS = [
    "request_context",
    "app_context",
    "full_dispatch_request",
    "preprocess_request",
    "dispatch_request",
    "finalize_request",
    "make_response",
    "process_response",
    "do_teardown_request",
    "do_teardown_appcontext",
    "ensure_sync",
    "create_url_adapter",
]


@pytest.mark.parametrize("name", STEPS)
def test_a_subclass_override_takes_the_generic_path(spy: Spy, name: str) -> None:
    calls: list[str] = []
    base = getattr(flaskfast.Flask, name)

    def override(self: t.Any, *args: t.Any, **kwargs: t.Any) -> t.Any:
        calls.append(name)
        return base(self, *args, **kwargs)

    cls = type("Custom", (flaskfast.Flask,), {name: override})
    app = cls("custom")
    app.route("/")(lambda: "hi")
    assert call_wsgi(app, environ_for("GET", "/"))[2] == b"hi"
    assert spy.calls == 0
    assert name in calls


@pytest.mark.parametrize("name", STEPS)
def test_an_instance_override_after_serving_takes_the_generic_path(
    spy: Spy, name: str
) -> None:
    app = flaskfast.Flask("instance")
    app.route("/")(lambda: "hi")
    assert call_wsgi(app, environ_for("GET", "/"))[2] == b"hi"
    assert spy.calls == 1
    calls: list[str] = []
    bound = getattr(app, name)

    def override(*args: t.Any, **kwargs: t.Any) -> t.Any:
        calls.append(name)
        return bound(*args, **kwargs)

    setattr(app, name, override)
    assert call_wsgi(app, environ_for("GET", "/"))[2] == b"hi"
    assert spy.calls == 1
    assert name in calls
    delattr(app, name)
    assert call_wsgi(app, environ_for("GET", "/"))[2] == b"hi"
    assert spy.calls == 2


def test_overridden_handlers_are_still_called_on_the_fused_path(spy: Spy) -> None:
    class Handling(flaskfast.Flask):
        def handle_user_exception(self, e: Exception) -> t.Any:
            return f"custom {type(e).__name__}", 299

        def raise_routing_exception(self, request: t.Any) -> t.NoReturn:
            raise NotFound("routing said no")

    app = Handling("handling")
    app.route("/")(lambda: 1 / 0)
    result = call_wsgi(app, environ_for("GET", "/"))
    assert result[1][0][0] == "299 UNKNOWN"
    assert result[2] == b"custom ZeroDivisionError"
    result = call_wsgi(app, environ_for("GET", "/missing"))
    assert result[2] == b"custom NotFound"
    assert spy.calls == 2


def test_custom_request_and_response_classes(spy: Spy) -> None:
    class MyRequest(flaskfast.Request):
        def __init__(self, environ: t.Any, *args: t.Any, **kwargs: t.Any) -> None:
            super().__init__(environ, *args, **kwargs)
            self.tagged = True

    class MyResponse(flaskfast.Response):
        default_mimetype = "text/plain"

        def __call__(self, environ: t.Any, start_response: t.Any) -> t.Any:
            start_response("299 CUSTOM", [("X-Mine", "1")])
            return [b"mine"]

    outcomes = []
    for fused in (False, True):
        app = flaskfast.Flask("classes")
        if not fused:
            app._ff_fuse = False  # type: ignore[attr-defined]
        app.request_class = MyRequest
        app.response_class = MyResponse
        app.route("/")(lambda: f"tagged={request.tagged}")
        outcomes.append(call_wsgi(app, environ_for("GET", "/")))
    assert outcomes[0] == outcomes[1] == ("ok", [("299 CUSTOM", [("X-Mine", "1")])], b"mine")
    assert spy.calls == 1


def test_inside_another_apps_context(spy: Spy) -> None:
    # A request served while another app's context is active pushes its own
    # app context and restores the outer one afterwards.
    outer = flaskfast.Flask("outer")
    for fused in (False, True):
        app = make_app([], fused=fused)
        with outer.app_context() as outer_ctx:
            result = call_wsgi_nested(app)
            assert _cv_app.get() is outer_ctx
        assert result[2] == b"Hello"


def call_wsgi_nested(app: flaskfast.Flask) -> tuple[t.Any, ...]:
    captured: list[t.Any] = []
    body = b"".join(app.wsgi_app(environ_for("GET", "/"), lambda s, h, e=None: captured.append(s)))
    return ("ok", captured, body)


# -- generated requests ----------------------------------------------------------

SETTINGS = settings(
    deadline=None,
    max_examples=60,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

queries = st.sampled_from(
    ["", "before=answer", "before=raise", "after=raise", "teardown=raise", "x=1&x=2"]
)
requests = st.tuples(
    st.sampled_from(METHODS),
    st.one_of(
        st.sampled_from(PATHS),
        st.text(st.characters(min_codepoint=33, max_codepoint=0x2FF, exclude_characters="?#"), max_size=12).map(
            lambda s: "/" + s
        ),
    ),
    queries.map(lambda q: {"query_string": q}),
)


@SETTINGS
@given(batch=st.lists(requests, min_size=1, max_size=4), testing=st.booleans())
def test_generated_requests_match(spy: Spy, batch: list[t.Any], testing: bool) -> None:
    both(batch, spy, testing=testing)
