"""The WSGI application: request pipeline, fast paths, error handling,
``make_response``, ``url_for`` and the overridable steps.

Many tests build the same application on the real Flask 3.1.3 and on
flaskfast and compare what a WSGI server would see: the status line, the
header list (order included) and the body.
"""

from __future__ import annotations

import types
import warnings
import typing as t
from http import HTTPStatus

import flask
import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from markupsafe import Markup
from werkzeug.datastructures import Headers
from werkzeug.exceptions import Forbidden
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import NotFound
from werkzeug.routing import BuildError
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Response as WerkzeugResponse

import flaskfast

if t.TYPE_CHECKING:  # pragma: no cover
    from flaskfast import Flask
    from flaskfast.testing import FlaskClient

FRAMEWORKS = (flask, flaskfast)

Outcome = t.Tuple[t.Any, ...]


def wsgi_call(
    app: t.Any,
    path: str = "/",
    method: str = "GET",
    **builder_args: t.Any,
) -> Outcome:
    """Serve one request like a WSGI server: (status, header list, body),
    plus the warnings emitted if any, or ("raised", exception type name)
    when the app raised."""
    builder = EnvironBuilder(path=path, method=method, **builder_args)
    try:
        environ = builder.get_environ()
    finally:
        builder.close()
    captured: dict[str, t.Any] = {}

    def start_response(
        status: str, headers: list[tuple[str, str]], exc_info: t.Any = None
    ) -> t.Callable[[bytes], None]:
        captured["status"] = status
        captured["headers"] = list(headers)
        return lambda data: None

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            app_iter = app(environ, start_response)
            try:
                body = b"".join(bytes(chunk) for chunk in app_iter)
            finally:
                close = getattr(app_iter, "close", None)
                if close is not None:
                    close()
        except Exception as e:
            return ("raised", type(e).__name__)
    if caught:
        # Warnings are part of the observable behaviour: compare them too.
        return (
            captured["status"],
            captured["headers"],
            body,
            [(w.category.__name__, str(w.message)) for w in caught],
        )
    return (captured["status"], captured["headers"], body)


def both(
    setup: t.Callable[[types.ModuleType, t.Any], None],
    path: str = "/",
    method: str = "GET",
    config: dict[str, t.Any] | None = None,
    app_args: dict[str, t.Any] | None = None,
    **builder_args: t.Any,
) -> tuple[Outcome, Outcome]:
    """Build the app with ``setup(module, app)`` on Flask and on flaskfast
    and serve the same request to each."""
    results = []
    for mod in FRAMEWORKS:
        app = mod.Flask("cmp_app", **(app_args or {}))
        app.config.update(SECRET_KEY="k", **(config or {}))
        setup(mod, app)
        results.append(wsgi_call(app, path, method, **builder_args))
    return results[0], results[1]


def assert_same(
    setup: t.Callable[[types.ModuleType, t.Any], None], *args: t.Any, **kwargs: t.Any
) -> Outcome:
    expected, actual = both(setup, *args, **kwargs)
    assert actual == expected
    return actual


# -- view return values: the same response as Flask ---------------------------


def _wsgi_app(environ: t.Any, start_response: t.Any) -> list[bytes]:
    start_response(
        "203 NON-AUTHORITATIVE INFORMATION",
        [("Content-Type", "text/plain"), ("X-Wsgi", "yes")],
    )
    return [b"from ", b"wsgi"]


def _stream() -> t.Iterator[str]:
    yield "chunk1 "
    yield "chunk2"


BODIES: dict[str, t.Callable[[types.ModuleType], t.Any]] = {
    "str": lambda m: "héllo wörld",
    "empty_str": lambda m: "",
    "bytes": lambda m: b"raw bytes",
    "bytearray": lambda m: bytearray(b"mutable"),
    "markup": lambda m: Markup("<em>hi</em>"),
    "dict": lambda m: {"b": 1, "a": [1, 2]},
    "list": lambda m: [3, "x", None],
    "generator": lambda m: _stream(),
    "iterator": lambda m: iter([b"x", b"y"]),
    "response": lambda m: m.Response("resp", mimetype="text/plain", headers={"X-R": "1"}),
    "response_created": lambda m: m.Response("made", status=201),
    "werkzeug_response": lambda m: WerkzeugResponse("wz", content_type="text/csv"),
    "wsgi_callable": lambda m: _wsgi_app,
    "http_exception": lambda m: NotFound(),
    "redirect": lambda m: m.redirect("/elsewhere?x=1"),
    "abs_redirect": lambda m: m.redirect("http://other.test/a b", 307),
    "jsonify": lambda m: m.jsonify(a=1, b=[2]),
    "make_response": lambda m: m.make_response("via helper", 202),
}

STATUSES: list[t.Any] = [
    200,
    201,
    "202 ACCEPTED",
    "299 SOMETHING ELSE",
    "418",
    HTTPStatus.CREATED,
    204,
    304,
    100,
    404,
    500,
]

HEADERS: dict[str, t.Callable[[], t.Any]] = {
    "dict": lambda: {"X-A": "1", "X-B": "two"},
    "list": lambda: [("X-L", "1"), ("X-L", "2")],
    "headers": lambda: Headers([("X-H", "h")]),
    "content_type": lambda: {"Content-Type": "application/x-thing"},
    "location": lambda: {"Location": "/moved"},
    "content_location": lambda: [("Content-Location", "/other")],
    "content_length": lambda: {"Content-Length": "3"},
    "tuple_items": lambda: (("X-T", "t"),),
    "empty": lambda: {},
}


def _response_classes(mod: types.ModuleType) -> dict[str, t.Any]:
    base = mod.Response

    class PlainText(base):  # type: ignore[misc, valid-type]
        default_mimetype = "text/plain"

    class NoMimetype(base):  # type: ignore[misc, valid-type]
        default_mimetype = None

    class ExtraWsgiHeaders(base):  # type: ignore[misc, valid-type]
        def get_wsgi_headers(self, environ: t.Any) -> Headers:
            headers = super().get_wsgi_headers(environ)
            headers.add("X-From-Wsgi-Headers", str(self.status_code))
            return headers

    class CustomInit(base):  # type: ignore[misc, valid-type]
        def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
            super().__init__(*args, **kwargs)
            self.headers["X-Init"] = "yes"

    class CreatedByDefault(base):  # type: ignore[misc, valid-type]
        default_status = 201

    class NoAutoLength(base):  # type: ignore[misc, valid-type]
        automatically_set_content_length = False

    class AutocorrectLocation(base):  # type: ignore[misc, valid-type]
        autocorrect_location_header = True

    return {
        "default": base,
        "plain_text": PlainText,
        "no_mimetype": NoMimetype,
        "extra_wsgi_headers": ExtraWsgiHeaders,
        "custom_init": CustomInit,
        "created_by_default": CreatedByDefault,
        "no_auto_length": NoAutoLength,
        "autocorrect_location": AutocorrectLocation,
    }


def _shape_setup(
    body: str, status: t.Any, headers: str | None, response_class: str
) -> t.Callable[[types.ModuleType, t.Any], None]:
    def setup(mod: types.ModuleType, app: t.Any) -> None:
        app.response_class = _response_classes(mod)[response_class]

        @app.route("/", methods=["GET", "POST"])
        def view() -> t.Any:
            rv = BODIES[body](mod)
            if status is None and headers is None:
                return rv
            if headers is None:
                return rv, status
            if status is None:
                return rv, HEADERS[headers]()
            return rv, status, HEADERS[headers]()

    return setup


@pytest.mark.parametrize("body", sorted(BODIES))
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_plain_return_values_match_flask(body: str, method: str) -> None:
    assert_same(_shape_setup(body, None, None, "default"), method=method)


@pytest.mark.parametrize("response_class", sorted(_response_classes(flaskfast)))
@pytest.mark.parametrize("body", ["str", "bytes", "markup", "generator", "dict"])
def test_response_class_variants_match_flask(body: str, response_class: str) -> None:
    assert_same(_shape_setup(body, None, None, response_class))


@settings(max_examples=150, deadline=None)
@given(
    body=st.sampled_from(sorted(BODIES)),
    status=st.sampled_from([None, *STATUSES]),
    headers=st.sampled_from([None, *sorted(HEADERS)]),
    response_class=st.sampled_from(sorted(_response_classes(flaskfast))),
    method=st.sampled_from(["GET", "HEAD", "POST"]),
)
def test_return_value_combinations_match_flask(
    body: str, status: t.Any, headers: str | None, response_class: str, method: str
) -> None:
    assert_same(_shape_setup(body, status, headers, response_class), method=method)


def test_make_response_outside_dispatch_matches_flask() -> None:
    results = []
    for mod in FRAMEWORKS:
        app = mod.Flask("mr")
        with app.test_request_context():
            first = app.make_response(("text", 201, {"X": "1"}))
            second = app.make_response(Markup("<b>"))
        results.append(
            [
                (type(rv).__name__, rv.status, rv.headers.to_wsgi_list(), rv.get_data())
                for rv in (first, second)
            ]
        )
    assert results[1] == results[0]


def test_make_response_returns_response_class_instance(app: Flask) -> None:
    class Custom(flaskfast.Response):
        pass

    app.response_class = Custom
    with app.test_request_context():
        for value in ("x", b"x", {"a": 1}, [1], Custom("y"), WerkzeugResponse("w")):
            assert isinstance(app.make_response(value), Custom)
        response = Custom("same")
        assert app.make_response(response) is response


@pytest.mark.parametrize(
    "value",
    [None, 1, 1.5, object(), (), ("a",), ("a", 200, {}, "extra"), {1, 2}],
    ids=["none", "int", "float", "object", "empty_tuple", "one_tuple", "four_tuple", "set"],
)
def test_invalid_return_values_raise_type_error_like_flask(value: t.Any) -> None:
    messages = []
    for mod in FRAMEWORKS:
        app = mod.Flask("bad")
        app.config["TESTING"] = True
        app.add_url_rule("/", "index", lambda: value)
        with pytest.raises(TypeError) as info:
            app.test_client().get("/")
        messages.append(str(info.value))
    assert messages[1] == messages[0]


def test_none_from_view_names_the_endpoint(app: Flask, client: FlaskClient) -> None:
    @app.route("/nothing")
    def nothing() -> None:
        return None

    with pytest.raises(TypeError, match="'nothing'"):
        client.get("/nothing")


def test_namedtuple_return_is_unpacked_like_a_tuple(app: Flask, client: FlaskClient) -> None:
    class Result(t.NamedTuple):
        body: str
        status: int

    app.add_url_rule("/", "index", lambda: Result("named", 203))
    response = client.get("/")
    assert response.status_code == 203
    assert response.data == b"named"


def test_text_fast_path_response_is_a_normal_response(app: Flask) -> None:
    with app.test_request_context():
        rv = app.make_response("hé")
        assert rv.status == "200 OK"
        assert rv.mimetype == "text/html"
        assert rv.content_length == 3
        assert rv.get_data(as_text=True) == "hé"
        rv.set_data(b"longer body")
        assert rv.content_length == 11
        rv.headers["X-Later"] = "1"
        rv.status_code = 201
        assert rv.status == "201 CREATED"
        rv.set_cookie("c", "v")
        assert "c=v" in rv.headers["Set-Cookie"]


def test_response_can_be_served_twice(app: Flask) -> None:
    with app.test_request_context():
        rv = app.make_response("again")
    first = wsgi_call(rv)
    second = wsgi_call(rv)
    assert first == second
    assert first[2] == b"again"


def test_response_call_on_close_and_passthrough_use_general_path(app: Flask) -> None:
    closed: list[bool] = []
    with app.test_request_context():
        rv = app.make_response("body")
    rv.call_on_close(lambda: closed.append(True))
    status, headers, body = wsgi_call(rv)
    assert body == b"body"
    assert closed == [True]

    passthrough = flaskfast.Response([b"a", b"b"], direct_passthrough=True)
    assert wsgi_call(passthrough)[2] == b"ab"


# -- errors and routing: the same response as Flask ----------------------------


def _abort_setup(code: int, handled: bool) -> t.Callable[[types.ModuleType, t.Any], None]:
    def setup(mod: types.ModuleType, app: t.Any) -> None:
        @app.route("/")
        def index() -> str:
            mod.abort(code)
            return "unreachable"

        if handled:

            @app.errorhandler(code)
            def handler(e: HTTPException) -> t.Any:
                return f"handled {e.code}", e.code, {"X-Handled": "1"}

    return setup


@pytest.mark.parametrize("code", [400, 401, 403, 404, 405, 409, 418, 500])
@pytest.mark.parametrize("handled", [False, True])
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_abort_matches_flask(code: int, handled: bool, method: str) -> None:
    outcome = assert_same(_abort_setup(code, handled), method=method)
    assert outcome[0].startswith(str(code))


def _routes(mod: types.ModuleType, app: t.Any) -> None:
    app.add_url_rule("/only-get", "only_get", lambda: "g")
    app.add_url_rule("/post", "post", lambda: "p", methods=["POST", "PUT"])
    app.add_url_rule("/dir/", "dir", lambda: "d")
    app.add_url_rule("/loose/", "loose", lambda: "l", strict_slashes=False)
    app.add_url_rule("/item/<int:n>", "item", lambda n: f"item {n}")
    app.add_url_rule("/files/<path:p>", "files", lambda p: p)
    app.add_url_rule("/old", "old", redirect_to="/only-get")
    def paged(page: int) -> str:
        return f"page {page}"

    app.add_url_rule("/defaults/", "defaults", paged, defaults={"page": 1})
    app.add_url_rule("/defaults/<int:page>", "defaults", paged)
    app.add_url_rule(
        "/no-options", "no_options", lambda: "n", provide_automatic_options=False
    )

    @app.route("/both", methods=["GET", "POST"])
    def both_view() -> str:
        return mod.request.method


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("/only-get", "GET"),
        ("/only-get", "HEAD"),
        ("/only-get", "POST"),
        ("/only-get", "OPTIONS"),
        ("/post", "GET"),
        ("/post", "OPTIONS"),
        ("/post", "DELETE"),
        ("/missing", "GET"),
        ("/missing", "POST"),
        ("/dir", "GET"),
        ("/dir?a=1&b=%20", "GET"),
        ("/dir", "POST"),
        ("/dir/", "GET"),
        ("/loose", "GET"),
        ("/loose/", "GET"),
        ("/item/12", "GET"),
        ("/item/x", "GET"),
        ("/item/12/", "GET"),
        ("/files/a/b/c.txt", "GET"),
        ("/files/", "GET"),
        ("/old", "GET"),
        ("/defaults/", "GET"),
        ("/defaults/1", "GET"),
        ("/defaults/7", "GET"),
        ("//only-get", "GET"),
        ("/only-get//", "GET"),
        ("/no-options", "OPTIONS"),
        ("/both", "POST"),
        ("/both", "OPTIONS"),
        ("/%C3%A9t%C3%A9", "GET"),
        ("/files/%C3%A9", "GET"),
    ],
)
def test_routing_outcomes_match_flask(path: str, method: str) -> None:
    assert_same(_routes, path, method)


@settings(max_examples=120, deadline=None)
@given(
    path=st.lists(
        st.sampled_from(["only-get", "post", "dir", "loose", "item", "12", "x", "files", "", "both"]),
        min_size=0,
        max_size=4,
    ).map(lambda parts: "/" + "/".join(parts)),
    method=st.sampled_from(["GET", "HEAD", "POST", "PUT", "OPTIONS", "DELETE"]),
)
def test_routing_fuzz_matches_flask(path: str, method: str) -> None:
    assert_same(_routes, path, method)


def test_strict_slash_redirect_is_308_with_full_location(client: FlaskClient, app: Flask) -> None:
    app.add_url_rule("/folder/", "folder", lambda: "in folder")
    response = client.get("/folder?q=1")
    assert response.status_code == 308
    assert response.headers["Location"] == "http://localhost/folder/?q=1"


def _error_handlers(mod: types.ModuleType, app: t.Any) -> None:
    class Custom(Exception):
        pass

    class Sub(Custom):
        pass

    class Teapot(HTTPException):
        code = 418
        description = "short and stout"

    @app.route("/custom")
    def custom() -> str:
        raise Custom("c")

    @app.route("/sub")
    def sub() -> str:
        raise Sub("s")

    @app.route("/plain")
    def plain() -> str:
        raise ValueError("boom")

    @app.route("/teapot")
    def teapot() -> str:
        raise Teapot()

    @app.route("/forbidden")
    def forbidden() -> str:
        raise Forbidden("nope")

    @app.route("/keyerror")
    def keyerror() -> str:
        return mod.request.args["missing"]

    @app.errorhandler(Custom)
    def on_custom(e: Exception) -> t.Any:
        return f"custom handler {type(e).__name__}", 409

    @app.errorhandler(HTTPException)
    def on_http(e: HTTPException) -> t.Any:
        return mod.jsonify(code=e.code, name=e.name), e.code

    @app.errorhandler(500)
    def on_500(e: Exception) -> t.Any:
        return f"500 handler original={type(getattr(e, 'original_exception', None)).__name__}", 500


@pytest.mark.parametrize(
    "path", ["/custom", "/sub", "/plain", "/teapot", "/forbidden", "/keyerror", "/nowhere"]
)
def test_error_handlers_match_flask(path: str) -> None:
    assert_same(_error_handlers, path)


@pytest.mark.parametrize("path", ["/custom", "/plain", "/forbidden"])
def test_error_handlers_with_propagation_match_flask(path: str) -> None:
    assert_same(_error_handlers, path, config={"PROPAGATE_EXCEPTIONS": True})


def test_unhandled_exception_is_500_and_logged(app: Flask) -> None:
    app.config["TESTING"] = False
    logged: list[str] = []
    app.logger.handlers.clear()
    app.logger.propagate = False

    class Capture:
        level = 0

        def handle(self, record: t.Any) -> None:
            logged.append(record.getMessage())

    app.logger.addHandler(Capture())  # type: ignore[arg-type]

    @app.route("/boom")
    def boom() -> str:
        raise RuntimeError("kaput")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert logged == ["Exception on /boom [GET]"]


def test_exceptions_propagate_in_testing_mode(app: Flask, client: FlaskClient) -> None:
    @app.route("/boom")
    def boom() -> str:
        raise RuntimeError("kaput")

    with pytest.raises(RuntimeError, match="kaput"):
        client.get("/boom")


@pytest.mark.parametrize(
    "config",
    [
        {"TRAP_HTTP_EXCEPTIONS": True},
        {"TRAP_BAD_REQUEST_ERRORS": True},
        {"DEBUG": True},
        {"PROPAGATE_EXCEPTIONS": False},
    ],
)
@pytest.mark.parametrize("path", ["/keyerror", "/forbidden", "/nowhere"])
def test_trap_config_matches_flask(config: dict[str, t.Any], path: str) -> None:
    def setup(mod: types.ModuleType, app: t.Any) -> None:
        @app.route("/keyerror")
        def keyerror() -> str:
            return mod.request.args["missing"]

        @app.route("/forbidden")
        def forbidden() -> str:
            mod.abort(403)

    assert_same(setup, path, config=config)


def test_error_in_error_handler_of_500_is_logged_not_raised(app: Flask) -> None:
    app.config["TESTING"] = False
    app.logger.disabled = True

    @app.route("/")
    def index() -> str:
        raise RuntimeError("first")

    @app.after_request
    def broken_after(response: t.Any) -> t.Any:
        if response.status_code == 500:
            raise RuntimeError("while finalizing the error")
        return response

    response = app.test_client().get("/")
    assert response.status_code == 500


def _hooks(mod: types.ModuleType, app: t.Any) -> None:
    events: list[str] = []
    app.config["EVENTS"] = events

    @app.before_request
    def before() -> t.Any:
        events.append("before")
        if mod.request.args.get("stop"):
            return "stopped by before_request", 299
        return None

    @app.after_request
    def after(response: t.Any) -> t.Any:
        response.headers["X-After"] = "1"
        return response

    @app.route("/")
    def index() -> str:
        @mod.after_this_request
        def later(response: t.Any) -> t.Any:
            response.headers["X-This"] = "1"
            return response

        return "index"


@pytest.mark.parametrize("path", ["/", "/?stop=1"])
def test_before_and_after_request_results_match_flask(path: str) -> None:
    assert_same(_hooks, path)


# -- call order of hooks and signals -------------------------------------------


def _record_everything(mod: types.ModuleType, app: t.Any, events: list[str]) -> None:
    outer = mod.Blueprint("outer", __name__, url_prefix="/outer")
    inner = mod.Blueprint("inner", __name__, url_prefix="/inner")

    def hook(name: str, returns: t.Any = None) -> t.Callable[..., t.Any]:
        def f(*args: t.Any) -> t.Any:
            events.append(name)
            if args and isinstance(args[0], mod.Response):
                return args[0]
            return returns

        return f

    for scope, owner in (("app", app), ("outer", outer), ("inner", inner)):
        for n in (1, 2):
            owner.before_request(hook(f"{scope}.before{n}"))
            owner.after_request(hook(f"{scope}.after{n}"))
            owner.teardown_request(hook(f"{scope}.teardown{n}"))
        owner.url_value_preprocessor(hook(f"{scope}.url_value_preprocessor"))
    app.teardown_appcontext(hook("app.teardown_appcontext1"))
    app.teardown_appcontext(hook("app.teardown_appcontext2"))

    @inner.route("/view")
    def view() -> str:
        events.append("view")
        mod.after_this_request(hook("after_this_request1"))
        mod.after_this_request(hook("after_this_request2"))
        return "ok"

    @inner.route("/fail")
    def fail() -> str:
        events.append("view")
        raise LookupError("x")

    @inner.errorhandler(LookupError)
    def on_lookup(e: Exception) -> t.Any:
        events.append("inner.errorhandler")
        return "handled", 400

    outer.register_blueprint(inner)
    app.register_blueprint(outer)

    signals = (
        "appcontext_pushed",
        "appcontext_popped",
        "appcontext_tearing_down",
        "request_started",
        "request_finished",
        "request_tearing_down",
        "got_request_exception",
    )
    receivers = []
    for name in signals:
        def receiver(sender: t.Any, _name: str = name, **kw: t.Any) -> None:
            events.append(f"signal.{_name}")

        receivers.append(receiver)
        getattr(mod, name).connect(receiver, app)
    app.config["RECEIVERS"] = receivers


@pytest.mark.parametrize("path", ["/outer/inner/view", "/outer/inner/fail", "/nowhere"])
def test_hook_and_signal_order_matches_flask(path: str) -> None:
    orders = []
    outcomes = []
    for mod in FRAMEWORKS:
        events: list[str] = []
        app = mod.Flask("order")
        _record_everything(mod, app, events)
        outcomes.append(wsgi_call(app, path))
        orders.append(events)
        for name in ("appcontext_pushed", "appcontext_popped", "appcontext_tearing_down",
                     "request_started", "request_finished", "request_tearing_down",
                     "got_request_exception"):
            for receiver in app.config["RECEIVERS"]:
                getattr(mod, name).disconnect(receiver, app)
    assert orders[1] == orders[0]
    assert outcomes[1] == outcomes[0]


def test_got_request_exception_and_teardown_see_the_error(app: Flask) -> None:
    app.config["TESTING"] = False
    app.logger.disabled = True
    seen: list[t.Any] = []

    def on_exception(sender: t.Any, exception: BaseException, **kw: t.Any) -> None:
        seen.append(("signal", sender, type(exception)))

    @app.teardown_request
    def teardown(exc: BaseException | None) -> None:
        seen.append(("teardown_request", type(exc)))

    @app.teardown_appcontext
    def teardown_app(exc: BaseException | None) -> None:
        seen.append(("teardown_appcontext", type(exc)))

    @app.route("/")
    def index() -> str:
        raise ZeroDivisionError()

    with flaskfast.got_request_exception.connected_to(on_exception, app):
        assert app.test_client().get("/").status_code == 500
    assert seen == [
        ("signal", app, ZeroDivisionError),
        ("teardown_request", ZeroDivisionError),
        ("teardown_appcontext", ZeroDivisionError),
    ]


def test_handled_error_does_not_reach_teardown(app: Flask, client: FlaskClient) -> None:
    seen: list[t.Any] = []

    @app.teardown_request
    def teardown(exc: BaseException | None) -> None:
        seen.append(exc)

    @app.route("/")
    def index() -> str:
        mod_abort = flaskfast.abort
        mod_abort(404)

    assert client.get("/").status_code == 404
    assert seen == [None]


def test_should_ignore_error_hides_the_error_from_teardown(app: Flask) -> None:
    seen: list[t.Any] = []

    class Quiet(flaskfast.Flask):
        def should_ignore_error(self, error: BaseException | None) -> bool:
            return True

    quiet = Quiet("quiet")
    quiet.config["PROPAGATE_EXCEPTIONS"] = False
    quiet.logger.disabled = True
    quiet.teardown_request(lambda exc: seen.append(exc))

    @quiet.route("/")
    def index() -> str:
        raise ValueError()

    assert quiet.test_client().get("/").status_code == 500
    assert seen == [None]


# -- overridable steps: each override is called --------------------------------


def test_every_overridden_step_is_called() -> None:
    calls: list[str] = []

    class Traced(flaskfast.Flask):
        def create_url_adapter(self, request: t.Any) -> t.Any:
            calls.append(f"create_url_adapter({'request' if request is not None else None})")
            return super().create_url_adapter(request)

        def ensure_sync(self, func: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
            calls.append(f"ensure_sync({getattr(func, '__name__', '?')})")
            return super().ensure_sync(func)

        def preprocess_request(self) -> t.Any:
            calls.append("preprocess_request")
            return super().preprocess_request()

        def dispatch_request(self) -> t.Any:
            calls.append("dispatch_request")
            return super().dispatch_request()

        def full_dispatch_request(self) -> t.Any:
            calls.append("full_dispatch_request")
            return super().full_dispatch_request()

        def finalize_request(self, rv: t.Any, from_error_handler: bool = False) -> t.Any:
            calls.append("finalize_request")
            return super().finalize_request(rv, from_error_handler)

        def make_response(self, rv: t.Any) -> t.Any:
            calls.append("make_response")
            return super().make_response(rv)

        def process_response(self, response: t.Any) -> t.Any:
            calls.append("process_response")
            response.headers["X-Processed"] = "yes"
            return super().process_response(response)

        def do_teardown_request(self, exc: t.Any = None) -> None:
            calls.append("do_teardown_request")
            super().do_teardown_request(exc)

        def do_teardown_appcontext(self, exc: t.Any = None) -> None:
            calls.append("do_teardown_appcontext")
            super().do_teardown_appcontext(exc)

    app = Traced("traced")

    @app.before_request
    def before() -> None:
        return None

    @app.route("/")
    def index() -> str:
        return "hi"

    calls.clear()
    response = app.test_client().get("/")
    assert response.data == b"hi"
    assert response.headers["X-Processed"] == "yes"
    for step in (
        "create_url_adapter(request)",
        "full_dispatch_request",
        "preprocess_request",
        "ensure_sync(before)",
        "dispatch_request",
        "ensure_sync(index)",
        "finalize_request",
        "make_response",
        "process_response",
        "do_teardown_request",
        "do_teardown_appcontext",
    ):
        assert step in calls, step
    assert calls.index("preprocess_request") < calls.index("dispatch_request")
    assert calls.index("make_response") < calls.index("process_response")
    assert calls.index("do_teardown_request") < calls.index("do_teardown_appcontext")


def test_overridden_create_url_adapter_is_used_for_matching() -> None:
    class Mapped(flaskfast.Flask):
        def create_url_adapter(self, request: t.Any) -> t.Any:
            adapter = super().create_url_adapter(request)
            if request is not None and adapter is not None:
                adapter.path_info = "/rewritten"
            return adapter

    app = Mapped("mapped")
    app.add_url_rule("/rewritten", "rewritten", lambda: "rewritten view")
    response = app.test_client().get("/anything")
    assert response.data == b"rewritten view"


def test_create_url_adapter_returning_none_gives_404_like_flask() -> None:
    outcomes = []
    for mod in FRAMEWORKS:
        class NoAdapter(mod.Flask):  # type: ignore[name-defined, misc]
            def create_url_adapter(self, request: t.Any) -> t.Any:
                return None

        app = NoAdapter("none")
        app.add_url_rule("/", "index", lambda: "x")
        outcomes.append(wsgi_call(app, "/"))
    assert outcomes[1] == outcomes[0]


def test_overridden_ensure_sync_wraps_views_and_hooks() -> None:
    wrapped: list[str] = []

    class Wrapping(flaskfast.Flask):
        def ensure_sync(self, func: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
            def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
                wrapped.append(func.__name__)
                return func(*args, **kwargs)

            return wrapper

    app = Wrapping("wrapping")

    @app.before_request
    def before() -> None:
        return None

    @app.after_request
    def after(response: t.Any) -> t.Any:
        return response

    @app.teardown_request
    def teardown(exc: t.Any) -> None:
        return None

    @app.errorhandler(404)
    def not_found(e: t.Any) -> t.Any:
        return "nf", 404

    @app.route("/")
    def index() -> str:
        return "ok"

    client = app.test_client()
    client.get("/")
    assert wrapped == ["before", "index", "after", "teardown"]
    wrapped.clear()
    client.get("/missing")
    assert wrapped == ["before", "not_found", "after", "teardown"]


def test_overridden_make_response_sees_raw_view_value() -> None:
    class Upper(flaskfast.Flask):
        def make_response(self, rv: t.Any) -> t.Any:
            if isinstance(rv, str):
                rv = rv.upper()
            return super().make_response(rv)

    app = Upper("upper")
    app.add_url_rule("/", "index", lambda: "shout")
    assert app.test_client().get("/").data == b"SHOUT"


def test_overridden_dispatch_request_replaces_view_call() -> None:
    class Fixed(flaskfast.Flask):
        def dispatch_request(self) -> t.Any:
            return f"dispatched {flaskfast.request.endpoint}"

    app = Fixed("fixed")
    app.add_url_rule("/", "index", lambda: "view")
    assert app.test_client().get("/").data == b"dispatched index"


def test_overridden_handle_user_exception_and_http_exception() -> None:
    seen: list[str] = []

    class Handling(flaskfast.Flask):
        def handle_http_exception(self, e: HTTPException) -> t.Any:
            seen.append(f"http {e.code}")
            return super().handle_http_exception(e)

        def handle_user_exception(self, e: Exception) -> t.Any:
            seen.append(f"user {type(e).__name__}")
            if isinstance(e, KeyError):
                return "recovered", 200
            return super().handle_user_exception(e)

    app = Handling("handling")

    @app.route("/key")
    def key() -> str:
        raise KeyError("k")

    client = app.test_client()
    assert client.get("/key").data == b"recovered"
    assert client.get("/missing").status_code == 404
    assert seen == ["user KeyError", "user NotFound", "http 404"]


def test_custom_request_context_match_request_is_used() -> None:
    class Ctx(flaskfast.ctx.RequestContext):
        def match_request(self) -> None:
            super().match_request()
            self.request.view_args = {"name": "forced"}

    class App(flaskfast.Flask):
        def request_context(self, environ: t.Any) -> t.Any:
            return Ctx(self, environ)

    app = App("ctxapp")
    app.add_url_rule("/<name>", "hello", lambda name: f"hello {name}")
    assert app.test_client().get("/world").data == b"hello forced"


def test_custom_request_class_is_used(app: Flask, client: FlaskClient) -> None:
    class MyRequest(flaskfast.Request):
        @property
        def shout(self) -> str:
            return self.path.upper()

    app.request_class = MyRequest
    app.add_url_rule("/x", "x", lambda: flaskfast.request.shout)
    assert client.get("/x").data == b"/X"


def test_async_view_and_hooks(app: Flask, client: FlaskClient) -> None:
    events: list[str] = []

    @app.before_request
    async def before() -> None:
        events.append("before")

    @app.route("/")
    async def index() -> str:
        events.append("view")
        return "async"

    @app.after_request
    async def after(response: t.Any) -> t.Any:
        events.append("after")
        return response

    assert client.get("/").data == b"async"
    assert events == ["before", "view", "after"]


# -- routing: hosts, subdomains, TRUSTED_HOSTS ---------------------------------


def _host_routes(mod: types.ModuleType, app: t.Any) -> None:
    app.add_url_rule("/", "root", lambda: f"root {mod.request.host}")
    app.add_url_rule(
        "/", "sub", lambda user: f"user {user}", subdomain="<user>"
    )


@pytest.mark.parametrize(
    "base_url",
    [
        "http://example.test/",
        "http://alice.example.test/",
        "http://example.test:8080/",
        "http://other.test/",
        "https://EXAMPLE.test/",
    ],
)
def test_subdomain_matching_matches_flask(base_url: str) -> None:
    assert_same(
        _host_routes,
        "/",
        config={"SERVER_NAME": "example.test"},
        app_args={"subdomain_matching": True},
        base_url=base_url,
    )


@pytest.mark.parametrize("server_name", [None, "example.test"])
@pytest.mark.parametrize(
    "base_url", ["http://example.test/", "http://other.test/", "http://www.example.test/"]
)
def test_without_subdomain_matching_matches_flask(server_name: str | None, base_url: str) -> None:
    def setup(mod: types.ModuleType, app: t.Any) -> None:
        app.add_url_rule("/", "root", lambda: f"root {mod.request.host}")

    assert_same(setup, "/", config={"SERVER_NAME": server_name}, base_url=base_url)


def _host_matched(mod: types.ModuleType, app: t.Any) -> None:
    app.add_url_rule("/", "a", lambda: "host a", host="a.test")
    app.add_url_rule("/", "b", lambda: "host b", host="b.test")
    app.add_url_rule("/<x>", "c", lambda x, tenant: f"{tenant} {x}", host="<tenant>.c.test")


@pytest.mark.parametrize(
    "base_url", ["http://a.test/", "http://b.test/", "http://q.c.test/", "http://z.test/"]
)
@pytest.mark.parametrize("path", ["/", "/thing"])
def test_host_matching_matches_flask(base_url: str, path: str) -> None:
    assert_same(
        _host_matched,
        path,
        app_args={"host_matching": True, "static_host": "a.test"},
        base_url=base_url,
    )


@pytest.mark.parametrize(
    "host", ["good.test", "sub.good.test", "evil.test", "good.test:5000", "bad host"]
)
def test_trusted_hosts_match_flask(host: str) -> None:
    def setup(mod: types.ModuleType, app: t.Any) -> None:
        app.add_url_rule("/", "index", lambda: f"host={mod.request.host}")

    outcome = assert_same(
        setup,
        "/",
        config={"TRUSTED_HOSTS": ["good.test", ".good.test"]},
        headers={"Host": host},
    )
    if host == "evil.test":
        assert outcome[0].startswith("400")


def test_trusted_hosts_error_reaches_400_handler(app: Flask, client: FlaskClient) -> None:
    app.config["TRUSTED_HOSTS"] = ["good.test"]
    app.add_url_rule("/", "index", lambda: "ok")

    @app.errorhandler(400)
    def bad(e: Exception) -> t.Any:
        return "untrusted", 400

    response = client.get("/", headers={"Host": "evil.test"})
    assert response.status_code == 400
    assert response.data == b"untrusted"
    assert client.get("/", headers={"Host": "good.test"}).data == b"ok"


def test_script_name_and_application_root_match_flask() -> None:
    def setup(mod: types.ModuleType, app: t.Any) -> None:
        @app.route("/page/")
        def page() -> str:
            return f"{mod.request.script_root}|{mod.request.path}|{mod.url_for('page')}"

    assert_same(setup, "/page/", base_url="http://localhost/mount/")
    assert_same(setup, "/page", base_url="http://localhost/mount/")


# -- url_for -------------------------------------------------------------------


def _url_app(mod: types.ModuleType, app: t.Any) -> None:
    bp = mod.Blueprint("bp", __name__, url_prefix="/bp")
    bp.add_url_rule("/thing/<int:n>", "thing", lambda n: str(n))
    bp.add_url_rule("/local", "local", lambda: mod.url_for(".thing", n=3))
    app.register_blueprint(bp)
    app.add_url_rule("/post/<slug>", "post", lambda slug: slug, methods=["GET", "POST"])
    app.add_url_rule("/form", "form", lambda: "form", methods=["POST"])


URL_FOR_CASES: list[tuple[str, dict[str, t.Any]]] = [
    ("post", {"slug": "hello world"}),
    ("post", {"slug": "a/b", "q": "x y", "many": [1, 2]}),
    ("post", {"slug": "s", "_anchor": "sec tion/1"}),
    ("post", {"slug": "s", "_external": True}),
    ("post", {"slug": "s", "_scheme": "https", "_external": True}),
    ("post", {"slug": "s", "_method": "POST"}),
    ("form", {"_method": "POST"}),
    ("bp.thing", {"n": 5}),
    ("bp.thing", {"n": 5, "_external": False}),
    ("static", {"filename": "app.css"}),
]


@pytest.mark.parametrize(("endpoint", "values"), URL_FOR_CASES)
def test_url_for_in_request_matches_flask(endpoint: str, values: dict[str, t.Any]) -> None:
    results = []
    for mod in FRAMEWORKS:
        app = mod.Flask("urls")
        _url_app(mod, app)
        with app.test_request_context("/", base_url="http://site.test/root/"):
            results.append(mod.url_for(endpoint, **values))
    assert results[1] == results[0]


@pytest.mark.parametrize(("endpoint", "values"), URL_FOR_CASES)
def test_url_for_outside_request_matches_flask(endpoint: str, values: dict[str, t.Any]) -> None:
    results = []
    for mod in FRAMEWORKS:
        app = mod.Flask("urls")
        app.config.update(
            SERVER_NAME="site.test:8000", APPLICATION_ROOT="/app", PREFERRED_URL_SCHEME="https"
        )
        _url_app(mod, app)
        with app.app_context():
            results.append(mod.url_for(endpoint, **values))
    assert results[1] == results[0]


def test_relative_endpoint_in_blueprint_view() -> None:
    assert_same(_url_app, "/bp/local")


def test_url_for_without_server_name_outside_request_raises(app: Flask) -> None:
    app.add_url_rule("/", "index", lambda: "x")
    with app.app_context():
        with pytest.raises(RuntimeError, match="SERVER_NAME"):
            flaskfast.url_for("index")


def test_url_for_scheme_without_external_is_an_error(app: Flask) -> None:
    app.add_url_rule("/", "index", lambda: "x")
    with app.test_request_context():
        with pytest.raises(ValueError, match="_external"):
            flaskfast.url_for("index", _scheme="https", _external=False)


def test_url_build_error_handlers(app: Flask) -> None:
    seen: list[tuple[str, dict[str, t.Any]]] = []

    def handler(error: Exception, endpoint: str, values: dict[str, t.Any]) -> str | None:
        seen.append((endpoint, values))
        return "/fallback" if endpoint == "known-missing" else None

    app.url_build_error_handlers.append(handler)
    with app.test_request_context():
        assert flaskfast.url_for("known-missing", a=1) == "/fallback"
        with pytest.raises(BuildError):
            flaskfast.url_for("unknown")
    assert seen[0][0] == "known-missing"
    assert seen[0][1]["a"] == 1


def test_url_defaults_and_value_preprocessors(app: Flask, client: FlaskClient) -> None:
    @app.url_defaults
    def add_lang(endpoint: str, values: dict[str, t.Any]) -> None:
        values.setdefault("lang", "en")

    @app.url_value_preprocessor
    def pull_lang(endpoint: str | None, values: dict[str, t.Any] | None) -> None:
        assert values is not None
        flaskfast.g.lang = values.pop("lang")

    @app.route("/<lang>/page")
    def page() -> str:
        return f"{flaskfast.g.lang} {flaskfast.url_for('page')}"

    assert client.get("/de/page").data == b"de /en/page"


# -- WSGI edge cases -------------------------------------------------------------


def test_app_call_goes_through_wsgi_app_middleware(app: Flask) -> None:
    app.add_url_rule("/", "index", lambda: "inner")
    inner = app.wsgi_app

    def middleware(environ: t.Any, start_response: t.Any) -> t.Any:
        environ["PATH_INFO"] = "/"
        return inner(environ, start_response)

    app.wsgi_app = middleware  # type: ignore[method-assign]
    assert wsgi_call(app, "/ignored")[2] == b"inner"


def test_minimal_environ_is_served(app: Flask) -> None:
    app.add_url_rule("/", "index", lambda: "minimal")
    seen: dict[str, t.Any] = {}

    def start_response(status: str, headers: t.Any, exc_info: t.Any = None) -> None:
        seen["status"] = status

    environ = {"SERVER_NAME": "localhost", "SERVER_PORT": "80", "PATH_INFO": "/"}
    body = b"".join(app(environ, start_response))
    assert seen["status"] == "200 OK"
    assert body == b"minimal"


def test_head_request_sends_headers_without_body(app: Flask) -> None:
    app.add_url_rule("/", "index", lambda: "body text")
    status, headers, body = wsgi_call(app, "/", "HEAD")
    assert status == "200 OK"
    assert ("Content-Length", "9") in headers
    assert body == b""


def test_automatic_options_lists_methods(app: Flask, client: FlaskClient) -> None:
    app.add_url_rule("/", "index", lambda: "x", methods=["GET", "POST"])
    response = client.options("/")
    assert response.status_code == 200
    assert sorted(response.allow) == ["GET", "HEAD", "OPTIONS", "POST"]
    assert response.data == b""


def test_setup_after_first_request_is_an_error(app: Flask, client: FlaskClient) -> None:
    app.add_url_rule("/", "index", lambda: "x")
    client.get("/")
    with pytest.raises(AssertionError, match="add_url_rule"):
        app.add_url_rule("/late", "late", lambda: "late")


def test_preserve_context_hook_receives_both_contexts(app: Flask) -> None:
    app.add_url_rule("/", "index", lambda: "x")
    got: list[t.Any] = []
    builder = EnvironBuilder("/")
    environ = builder.get_environ()
    builder.close()
    environ["werkzeug.debug.preserve_context"] = got.append
    b"".join(app(environ, lambda *a: None))
    assert [type(c).__name__ for c in got] == ["AppContext", "RequestContext"]
    assert got[1].request.path == "/"


# -- state captured when a context is created, not when it is first used ------------


def test_server_name_set_inside_app_context_like_flask() -> None:
    outcomes = []
    for mod in FRAMEWORKS:
        app = mod.Flask("late")
        app.add_url_rule("/x", "x", lambda: "x")
        with app.app_context():
            app.config["SERVER_NAME"] = "late.test"
            try:
                outcomes.append(mod.url_for("x"))
            except RuntimeError as e:
                outcomes.append(("raised", type(e).__name__))
    assert outcomes[1] == outcomes[0]


def test_environ_changed_by_before_request_url_for_like_flask() -> None:
    def setup(mod: types.ModuleType, app: t.Any) -> None:
        @app.before_request
        def rewrite() -> None:
            mod.request.environ["HTTP_HOST"] = "rewritten.test"
            mod.request.environ["wsgi.url_scheme"] = "https"

        @app.route("/x")
        def x() -> str:
            return mod.url_for("x", _external=True)

    assert_same(setup, "/x")


def test_response_class_attribute_changed_after_first_response_like_flask() -> None:
    bodies = []
    for mod in FRAMEWORKS:

        class Changing(mod.Response):  # type: ignore[name-defined, misc]
            pass

        app = mod.Flask("changing")
        app.response_class = Changing
        app.add_url_rule("/", "index", lambda: "text")
        client = app.test_client()
        first = client.get("/")
        Changing.default_mimetype = "text/plain"
        Changing.default_status = 203
        second = client.get("/")
        bodies.append(
            [(r.status, r.headers.get("Content-Type")) for r in (first, second)]
        )
    assert bodies[1] == bodies[0]


@pytest.mark.parametrize(
    "map_options",
    [{"strict_slashes": False}, {"merge_slashes": False}, {"redirect_defaults": False}],
    ids=["not_strict", "no_merge", "no_redirect_defaults"],
)
@pytest.mark.parametrize(
    "path", ["/dir", "/dir/", "/only-get//", "//only-get", "/defaults/1", "/item/3/", "/files//a"]
)
def test_url_map_options_match_flask(map_options: dict[str, t.Any], path: str) -> None:
    def setup(mod: types.ModuleType, app: t.Any) -> None:
        for key, value in map_options.items():
            setattr(app.url_map, key, value)
        _routes(mod, app)

    assert_same(setup, path)


def test_lowercase_head_method_in_environ_like_flask() -> None:
    outcomes = []
    for mod in FRAMEWORKS:
        app = mod.Flask("lower")
        app.add_url_rule("/", "index", lambda: "body")
        builder = EnvironBuilder("/")
        environ = builder.get_environ()
        builder.close()
        environ["REQUEST_METHOD"] = "head"
        seen: dict[str, t.Any] = {}

        def start_response(status: str, headers: t.Any, exc_info: t.Any = None) -> None:
            seen["status"], seen["headers"] = status, list(headers)

        body = b"".join(app(environ, start_response))
        outcomes.append((seen["status"], seen["headers"], body))
    assert outcomes[1] == outcomes[0]


@pytest.mark.parametrize("testing", [False, True])
def test_session_interface_failing_at_open_like_flask(testing: bool) -> None:
    outcomes = []
    for mod in FRAMEWORKS:

        class Failing(mod.sessions.SecureCookieSessionInterface):  # type: ignore[name-defined, misc]
            def open_session(self, app: t.Any, request: t.Any) -> t.Any:
                mod.abort(418)

        app = mod.Flask("failing")
        app.config["TESTING"] = testing
        app.logger.disabled = True
        app.session_interface = Failing()
        app.add_url_rule("/", "index", lambda: "never")
        outcomes.append(wsgi_call(app, "/"))
    assert outcomes[1] == outcomes[0]


def test_response_method_patched_after_first_response_like_flask() -> None:
    outcomes = []
    for mod in FRAMEWORKS:

        class Patched(mod.Response):  # type: ignore[name-defined, misc]
            pass

        app = mod.Flask("patched")
        app.response_class = Patched
        app.add_url_rule("/", "index", lambda: "text")
        first = wsgi_call(app, "/")

        def get_wsgi_headers(self: t.Any, environ: t.Any) -> Headers:
            headers = WerkzeugResponse.get_wsgi_headers(self, environ)
            headers["X-Patched"] = "1"
            return headers

        Patched.get_wsgi_headers = get_wsgi_headers  # type: ignore[method-assign]
        outcomes.append((first, wsgi_call(app, "/")))
    assert outcomes[1] == outcomes[0]


def test_instance_patched_create_url_adapter_like_flask() -> None:
    outcomes = []
    for mod in FRAMEWORKS:
        app = mod.Flask("instance_adapter")
        app.add_url_rule("/real", "real", lambda: "real")
        app.add_url_rule("/other", "other", lambda: "other")
        original = app.create_url_adapter

        def create_url_adapter(request: t.Any) -> t.Any:
            adapter = original(request)
            if request is not None and adapter is not None:
                adapter.path_info = "/other"
            return adapter

        app.create_url_adapter = create_url_adapter  # type: ignore[method-assign]
        outcomes.append(wsgi_call(app, "/real"))
    assert outcomes[1] == outcomes[0]


def test_instance_patched_ensure_sync_like_flask() -> None:
    outcomes = []
    for mod in FRAMEWORKS:
        app = mod.Flask("instance_sync")
        calls: list[str] = []
        original = app.ensure_sync

        def ensure_sync(func: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
            calls.append(getattr(func, "__name__", "?"))
            return original(func)

        app.ensure_sync = ensure_sync  # type: ignore[method-assign]

        @app.before_request
        def before() -> None:
            return None

        @app.route("/")
        def index() -> str:
            return "x"

        wsgi_call(app, "/")
        wsgi_call(app, "/")
        outcomes.append(calls)
    assert outcomes[1] == outcomes[0]
