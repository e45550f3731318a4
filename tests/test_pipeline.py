"""flaskfast's request pipeline answers every request as Flask 3.1.3 does.

Each test builds the same application with ``flask`` and with ``flaskfast``
(``make_app(fw, ...)``), serves the same WSGI environs to both and compares
everything a server or the app can observe: the status line and header list
given to ``start_response``, the body, the exceptions raised in testing mode,
and the order of URL value preprocessors, before/after-request functions,
error handlers, teardown functions and signals.  Requests go through
``app.wsgi_app`` here and through ``app(environ, start_response)`` in
``test_pipeline_direct.py``.  Session cookies carry a timestamp: the clocks
are frozen (``freeze_time``) so that both frameworks sign the same cookie.
"""

from __future__ import annotations

import io
import types
import typing as t

import flask
import pytest
from hypothesis import HealthCheck
from hypothesis import example
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from werkzeug.exceptions import NotFound

import flaskfast
from _flask_pair import FRAMEWORKS
from _flask_pair import call_wsgi
from _flask_pair import connect_signals
from _flask_pair import environ_for
from _flask_pair import freeze_time
from _flask_pair import fw_id
from _flask_pair import same_as_flask


@pytest.fixture(autouse=True)
def _frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    freeze_time(monkeypatch)


# -- the application under test ------------------------------------------------


class Boom(Exception):
    pass


class Handled(Exception):
    pass


def make_app(fw: types.ModuleType, log: list[t.Any], *, testing: bool = False) -> t.Any:
    """An app exercising every step of the pipeline; events go to ``log``."""
    app = fw.Flask("serve_test")
    app.config.update(TESTING=testing, SECRET_KEY="serve secret")
    request, g, session = fw.request, fw.g, fw.session
    bp = fw.Blueprint("bp", __name__, url_prefix="/bp")
    inner = fw.Blueprint("inner", __name__, url_prefix="/inner")

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
    def after(response: t.Any) -> t.Any:
        log.append(("after_request", response.status))
        if request.args.get("after") == "raise":
            raise Boom("after")
        response.headers["X-After"] = "app"
        return response

    @app.after_request
    def after_second(response: t.Any) -> t.Any:
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
        rv = fw.Response("made", status=203, mimetype="text/plain")
        rv.set_cookie("made", "yes")
        return rv

    @app.route("/jsonify")
    def json_helper() -> t.Any:
        return fw.jsonify(ok=True)

    @app.route("/redirect")
    def go() -> t.Any:
        return fw.redirect("/target")

    @app.route("/dir/")
    def directory() -> str:
        return "directory"

    @app.route("/abort/<int:code>")
    def do_abort(code: int) -> t.Any:
        fw.abort(code)

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
        @fw.after_this_request
        def add(response: t.Any) -> t.Any:
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
    def bp_after(response: t.Any) -> t.Any:
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


# -- running requests ----------------------------------------------------------


def both(
    requests: list[tuple[str, str, t.Any]],
    *,
    testing: bool = False,
    with_signals: bool = True,
) -> tuple[list[t.Any], list[t.Any]]:
    """Serve ``requests`` through ``wsgi_app`` of the app built with each
    framework; return Flask's ``(results, log)`` after checking flaskfast's
    are the same."""
    return same_as_flask(serve_both(requests, testing=testing, with_signals=with_signals))  # type: ignore[no-any-return]


def serve_both(
    requests: list[tuple[str, str, t.Any]],
    *,
    testing: bool = False,
    with_signals: bool = True,
) -> dict[types.ModuleType, tuple[list[t.Any], list[t.Any]]]:
    """Each framework's ``(results, log)`` for ``requests`` (see :func:`both`)."""
    outcomes = {}
    for fw in FRAMEWORKS:
        log: list[t.Any] = []
        app = make_app(fw, log, testing=testing)
        keep = connect_signals(fw, app, log) if with_signals else []
        results = []
        for method, path, kwargs in requests:
            log.append(("request", method, path))
            if callable(kwargs):  # a fresh upload body for each run
                kwargs = kwargs()
            results.append(call_wsgi(fw, app.wsgi_app, environ_for(method, path, **kwargs)))
        outcomes[fw] = (results, log)
        del keep
    return outcomes


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
def test_every_route_and_method(path: str, testing: bool) -> None:
    both([(method, path, {}) for method in METHODS], testing=testing)


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
def test_hooks_that_answer_or_fail(query: str, testing: bool) -> None:
    requests = [(m, p, {"query_string": query}) for m in ("GET", "POST") for p in ("/", "/bp/ping", "/boom")]
    same_but_teardown_errors_kept(serve_both(requests, testing=testing))


def same_but_teardown_errors_kept(outcomes: dict[types.ModuleType, t.Any]) -> None:
    """Assert flaskfast's outcome equals Flask's, but for one deliberate
    difference (see tests/test_faults.py): outside testing, Flask lets a
    teardown error out of the WSGI call after ``start_response``; flaskfast
    logs it and sends the response it made.  The logs are the same."""
    (flask_results, flask_log), (ours, our_log) = outcomes[flask], outcomes[flaskfast]
    assert our_log == flask_log
    assert len(ours) == len(flask_results)
    for theirs, mine in zip(flask_results, ours):
        if theirs[:3] == ("raised", Boom, "teardown") and mine[0] == "ok":
            assert mine[1] == theirs[3]
        else:
            assert mine == theirs


def test_unusual_environ_values() -> None:
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
    )


def test_sessions_match() -> None:
    steps = [
        "/",
        "/session/get",
        "/session/set/one",
        "/session/get",
        "/",
        "/session/set/two",
        "/session/clear",
        "/session/get",
        "/",
    ]
    outcomes = {}
    for fw in FRAMEWORKS:
        log: list[t.Any] = []
        client = make_app(fw, log).test_client()
        seen: list[t.Any] = []
        for path in steps:
            rv = client.get(path)
            seen.append((rv.status, rv.headers.to_wsgi_list(), rv.get_data()))
        final = client.get_cookie("session")
        seen.append(("cookie", None if final is None else final.value))
        outcomes[fw] = (seen, log)
    seen = same_as_flask(outcomes)[0]
    assert (200, b"value=one") in [(int(r[0][:3]), r[2]) for r in seen[:-1]]


def test_session_cookie_sent_but_untouched() -> None:
    # A request carrying a session cookie refreshes it even when the view
    # never reads the session (SESSION_REFRESH_EACH_REQUEST with permanent
    # sessions), and a foreign cookie does not open the session.
    client = make_app(flask, []).test_client()
    with client.session_transaction() as sess:
        sess.permanent = True
        sess["value"] = "kept"
    value = client.get_cookie("session").value  # type: ignore[union-attr]
    results, _ = both(
        [
            ("GET", "/", {"headers": {"Cookie": f"session={value}"}}),
            ("GET", "/", {"headers": {"Cookie": "other=1"}}),
            ("GET", "/session/get", {"headers": {"Cookie": f"session={value}"}}),
            ("GET", "/session/get", {"headers": {"Cookie": "session=garbage"}}),
        ],
        with_signals=False,
    )
    assert "Set-Cookie" in [name for name, _ in results[0][1][0][1]]
    assert results[2][2] == b"value=kept"


@pytest.mark.parametrize("fw", FRAMEWORKS, ids=fw_id)
def test_preserved_context_with_test_client(fw: types.ModuleType) -> None:
    app = make_app(fw, [])
    client = app.test_client()
    with client:
        rv = client.get("/user/5?x=1")
        assert rv.data == b"user 5 GET"
        # The client kept the contexts: the request is still readable.
        assert fw.request.args["x"] == "1"
        assert fw.request.view_args == {"uid": 5}
        assert fw.g.seen == "before"
    assert fw.globals._cv_request.get(None) is None


def test_errors_propagate_in_testing_mode() -> None:
    results, log = both([("GET", "/boom", {}), ("GET", "/none", {})], testing=True)
    assert results[0][:3] == ("raised", Boom, "view")
    assert results[1][1] is TypeError
    assert ("teardown_request", "Boom('view')") in log


def test_production_errors_answer_500() -> None:
    results, log = both([("GET", "/boom", {})])
    assert results[0][0] == "ok"
    assert results[0][1][0][0] == "500 INTERNAL SERVER ERROR"
    assert ("signal", "got_request_exception", [("exception", "Boom")]) in log


def test_routing_outcomes() -> None:
    results, _ = both(
        [("GET", "/nowhere", {}), ("DELETE", "/", {}), ("GET", "/dir", {}), ("OPTIONS", "/", {})],
    )
    statuses = [r[1][0][0] for r in results]
    assert statuses == [
        "404 NOT FOUND",
        "405 METHOD NOT ALLOWED",
        "308 PERMANENT REDIRECT",
        "200 OK",
    ]


def test_teardown_sees_ignored_errors_as_none() -> None:
    outcomes = {}
    for fw in FRAMEWORKS:

        class Quiet(fw.Flask):  # type: ignore[name-defined,misc]
            def should_ignore_error(self, error: BaseException | None) -> bool:
                return isinstance(error, Boom)

        app = Quiet("quiet")
        app.config["TESTING"] = True
        seen: list[t.Any] = []
        app.teardown_request(lambda exc: seen.append(exc))

        @app.route("/")
        def index() -> t.Any:
            raise Boom("x")

        outcomes[fw] = (call_wsgi(fw, app.wsgi_app, environ_for("GET", "/"))[:3], seen)
    assert same_as_flask(outcomes) == (("raised", Boom, "x"), [None])


# -- overridden steps ------------------------------------------------------------


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
def test_a_subclass_override_is_called(name: str) -> None:
    outcomes = {}
    for fw in FRAMEWORKS:
        calls: list[str] = []
        base = getattr(fw.Flask, name)

        def override(self: t.Any, *args: t.Any, _base: t.Any = base, **kwargs: t.Any) -> t.Any:
            calls.append(name)
            return _base(self, *args, **kwargs)

        app = type("Custom", (fw.Flask,), {name: override})("custom")
        app.route("/")(lambda: "hi")
        outcomes[fw] = (call_wsgi(fw, app.wsgi_app, environ_for("GET", "/")), calls)
    result, calls = same_as_flask(outcomes)
    assert result[2] == b"hi"
    assert name in calls


@pytest.mark.parametrize("name", STEPS)
def test_an_instance_override_after_serving_is_called_until_removed(name: str) -> None:
    outcomes = {}
    for fw in FRAMEWORKS:
        app = fw.Flask("instance")
        app.route("/")(lambda: "hi")
        seen = [call_wsgi(fw, app.wsgi_app, environ_for("GET", "/"))]
        calls: list[str] = []
        bound = getattr(app, name)

        def override(*args: t.Any, _bound: t.Any = bound, **kwargs: t.Any) -> t.Any:
            calls.append(name)
            return _bound(*args, **kwargs)

        setattr(app, name, override)
        seen.append(call_wsgi(fw, app.wsgi_app, environ_for("GET", "/")))
        seen.append(list(calls))
        delattr(app, name)
        seen.append(call_wsgi(fw, app.wsgi_app, environ_for("GET", "/")))
        seen.append(list(calls))
        outcomes[fw] = seen
    seen = same_as_flask(outcomes)
    assert [s[2] for s in (seen[0], seen[1], seen[3])] == [b"hi"] * 3
    assert name in seen[2]
    assert seen[4] == seen[2]  # removed: not called any more


def test_overridden_handlers_are_called() -> None:
    outcomes = {}
    for fw in FRAMEWORKS:

        class Handling(fw.Flask):  # type: ignore[name-defined,misc]
            def handle_user_exception(self, e: Exception) -> t.Any:
                return f"custom {type(e).__name__}", 299

            def raise_routing_exception(self, request: t.Any) -> t.NoReturn:
                raise NotFound("routing said no")

        app = Handling("handling")
        app.route("/")(lambda: 1 / 0)
        outcomes[fw] = [
            call_wsgi(fw, app.wsgi_app, environ_for("GET", path)) for path in ("/", "/missing")
        ]
    results = same_as_flask(outcomes)
    assert results[0][1][0][0] == "299 UNKNOWN"
    assert results[0][2] == b"custom ZeroDivisionError"
    assert results[1][2] == b"custom NotFound"


def test_custom_request_and_response_classes() -> None:
    outcomes = {}
    for fw in FRAMEWORKS:

        class MyRequest(fw.Request):  # type: ignore[name-defined,misc]
            def __init__(self, environ: t.Any, *args: t.Any, **kwargs: t.Any) -> None:
                super().__init__(environ, *args, **kwargs)
                self.tagged = True

        class MyResponse(fw.Response):  # type: ignore[name-defined,misc]
            default_mimetype = "text/plain"

            def __call__(self, environ: t.Any, start_response: t.Any) -> t.Any:
                start_response("299 CUSTOM", [("X-Mine", "1")])
                return [b"mine"]

        app = fw.Flask("classes")
        app.request_class = MyRequest
        app.response_class = MyResponse
        app.route("/")(lambda: f"tagged={fw.request.tagged}")
        outcomes[fw] = call_wsgi(fw, app.wsgi_app, environ_for("GET", "/"))
    assert same_as_flask(outcomes) == ("ok", [("299 CUSTOM", [("X-Mine", "1")])], b"mine")


@pytest.mark.parametrize("fw", FRAMEWORKS, ids=fw_id)
def test_inside_another_apps_context(fw: types.ModuleType) -> None:
    # A request served while another app's context is active pushes its own
    # app context and restores the outer one afterwards.
    outer = fw.Flask("outer")
    app = make_app(fw, [])
    captured: list[str] = []
    with outer.app_context() as outer_ctx:
        iterable = app.wsgi_app(environ_for("GET", "/"), lambda s, h, e=None: captured.append(s))
        body = b"".join(iterable)
        iterable.close()
        assert fw.globals._cv_app.get() is outer_ctx
    assert (captured, body) == (["200 OK"], b"Hello")


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
        st.text(
            st.characters(min_codepoint=33, max_codepoint=0x2FF, exclude_characters="?#"),
            max_size=12,
        ).map(lambda s: "/" + s),
    ),
    queries.map(lambda q: {"query_string": q}),
)


@SETTINGS
@given(batch=st.lists(requests, min_size=1, max_size=4), testing=st.booleans())
@example(batch=[("GET", "/", {"query_string": "teardown=raise"})], testing=False)
def test_generated_requests_match(batch: list[t.Any], testing: bool) -> None:
    same_but_teardown_errors_kept(serve_both(batch, testing=testing))
