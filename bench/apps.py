"""The benchmark application, built identically on Flask or flaskfast, plus Falcon.

A *scenario* is one prepared WSGI request and the response it must produce.
:func:`make_call` turns (app, scenario) into a zero-argument callable that
performs the request through the plain WSGI interface and returns
``(status, headers, body)``; :func:`check` verifies that result. The same
checks hold for Flask and flaskfast, so a benchmark cannot pass by doing less
work. Falcon runs the subset of scenarios it can express, with its own checks.
"""

# The app is built from a framework module passed in, so its decorators are untyped.
# mypy: disable-error-code="untyped-decorator"
from __future__ import annotations

import dataclasses
import io
import json
import types
import typing as t

from werkzeug.test import EnvironBuilder

N_ROUTES = 500
TEMPLATE = "<ul>{% for item in items %}<li>{{ loop.index }}: {{ item }}</li>{% endfor %}</ul>"
TEMPLATE_ITEMS = [f"item {i}" for i in range(20)]
JSON_PAYLOAD = {"name": "flaskfast", "tags": ["fast", "flask"], "count": 3}
FORM_DATA = {"name": "alice", "age": "30"}

Result = t.Tuple[str, t.List[t.Tuple[str, str]], bytes]


def _expected_html_list() -> bytes:
    items = "".join(f"<li>{i}: {v}</li>" for i, v in enumerate(TEMPLATE_ITEMS, 1))
    return f"<ul>{items}</ul>".encode()


@dataclasses.dataclass(frozen=True)
class Scenario:
    name: str
    method: str
    path: str
    status: int
    body: bytes | None = None  # exact body, when it is deterministic
    contains: bytes | None = None  # substring of the body otherwise
    json_body: t.Any = None  # body parsed as JSON
    headers: dict[str, str] = dataclasses.field(default_factory=dict)
    query: dict[str, str] | None = None
    data: t.Any = None
    json: t.Any = None
    cookie: bool = False  # send a session cookie built by the app
    falcon: bool = True  # Falcon has an equivalent
    session: t.Any = None  # send a session cookie holding this, signed by the app
    verify: t.Optional[t.Callable[[bytes], None]] = None  # raises AssertionError on a bad body


SCENARIOS: list[Scenario] = [
    Scenario("hello", "GET", "/", 200, body=b"Hello, World!"),
    Scenario("path_param", "GET", "/users/42", 200, body=b"user 42"),
    Scenario("json_response", "GET", "/json", 200, json_body=JSON_PAYLOAD),
    Scenario(
        "last_route",
        "GET",
        f"/r{N_ROUTES - 1}/7/item/widget",
        200,
        body=f"route {N_ROUTES - 1}: 7 widget".encode(),
    ),
    Scenario("not_found", "GET", "/no/such/page", 404, contains=b"Not Found"),
    Scenario(
        "query_args",
        "GET",
        "/search",
        200,
        body=b"q=flask page=2",
        query={"q": "flask", "page": "2"},
    ),
    Scenario(
        "form_post", "POST", "/form", 200, body=b"alice is 30", data=FORM_DATA
    ),
    Scenario(
        "json_post", "POST", "/api/echo", 200, json_body=JSON_PAYLOAD, json=JSON_PAYLOAD
    ),
    Scenario(
        "tuple_201",
        "POST",
        "/items",
        201,
        body=b"created",
        headers={"X-Item-Id": "42"},
    ),
    Scenario(
        "blueprint_hooks",
        "GET",
        "/bp/ping",
        200,
        body=b"pong from bp",
        headers={"X-Hooked": "yes"},
        falcon=False,
    ),
    Scenario("session", "GET", "/session", 200, body=b"visits=2", cookie=True, falcon=False),
    Scenario("template", "GET", "/template", 200, body=_expected_html_list(), falcon=False),
    Scenario(
        "redirect",
        "GET",
        "/go",
        302,
        contains=b"Redirecting",
        headers={"Location": "/"},
        falcon=False,
    ),
    Scenario("method_not_allowed", "DELETE", "/", 405, contains=b"Method Not Allowed"),
]
BY_NAME = {s.name: s for s in SCENARIOS}


# -- Flask / flaskfast -----------------------------------------------------


def build_flask_app(fw: types.ModuleType) -> t.Any:
    """Build the benchmark app with ``fw`` = the ``flask`` or ``flaskfast`` module."""
    app = fw.Flask("bench_app")
    app.config["SECRET_KEY"] = "bench secret"

    def make_view(i: int) -> t.Callable[..., str]:
        def view(x: int, name: str) -> str:
            return f"route {i}: {x} {name}"

        return view

    for i in range(N_ROUTES):
        app.add_url_rule(
            f"/r{i}/<int:x>/item/<name>", endpoint=f"r{i}", view_func=make_view(i)
        )

    request, session = fw.request, fw.session

    @app.route("/")
    def hello() -> str:
        return "Hello, World!"

    @app.route("/users/<int:user_id>")
    def user(user_id: int) -> str:
        return f"user {user_id}"

    @app.route("/json")
    def json_response() -> dict[str, t.Any]:
        return JSON_PAYLOAD

    @app.route("/search")
    def search() -> str:
        args = request.args
        return f"q={args.get('q')} page={args.get('page', type=int)}"

    @app.route("/form", methods=["POST"])
    def form() -> str:
        return f"{request.form['name']} is {request.form['age']}"

    @app.route("/api/echo", methods=["POST"])
    def echo() -> t.Any:
        return fw.jsonify(request.get_json())

    @app.route("/items", methods=["POST"])
    def create_item() -> t.Any:
        return "created", 201, {"X-Item-Id": "42"}

    bp = fw.Blueprint("bp", "bench_app", url_prefix="/bp")

    @bp.before_request
    def before() -> None:
        fw.g.who = "bp"

    @bp.after_request
    def after(response: t.Any) -> t.Any:
        response.headers["X-Hooked"] = "yes"
        return response

    @bp.teardown_request
    def teardown(exc: BaseException | None) -> None:
        fw.g.pop("who", None)

    @bp.route("/ping")
    def ping() -> str:
        return f"pong from {fw.g.who}"

    app.register_blueprint(bp)

    @app.route("/session")
    def visits() -> str:
        session["visits"] = session.get("visits", 0) + 1
        return f"visits={session['visits']}"

    @app.route("/template")
    def template() -> str:
        return str(fw.render_template_string(TEMPLATE, items=TEMPLATE_ITEMS))

    @app.route("/go")
    def go() -> t.Any:
        return fw.redirect(fw.url_for("hello"))

    return app


def session_cookie(app: t.Any, data: t.Any = None) -> str:
    """A signed session cookie holding ``data`` (default ``visits=1``), made by the app itself."""
    serializer = app.session_interface.get_signing_serializer(app)
    value = serializer.dumps({"visits": 1} if data is None else data)
    return f"{app.config['SESSION_COOKIE_NAME']}={value}"


# -- Falcon ----------------------------------------------------------------


def build_falcon_app() -> t.Any:
    import falcon

    app = falcon.App()

    class Hello:
        def on_get(self, req: t.Any, resp: t.Any) -> None:
            resp.content_type = falcon.MEDIA_HTML
            resp.text = "Hello, World!"

    class User:
        def on_get(self, req: t.Any, resp: t.Any, user_id: int) -> None:
            resp.content_type = falcon.MEDIA_HTML
            resp.text = f"user {user_id}"

    class Json:
        def on_get(self, req: t.Any, resp: t.Any) -> None:
            resp.media = JSON_PAYLOAD

    class Numbered:
        def __init__(self, i: int) -> None:
            self.i = i

        def on_get(self, req: t.Any, resp: t.Any, x: int, name: str) -> None:
            resp.content_type = falcon.MEDIA_HTML
            resp.text = f"route {self.i}: {x} {name}"

    class Search:
        def on_get(self, req: t.Any, resp: t.Any) -> None:
            resp.content_type = falcon.MEDIA_HTML
            resp.text = f"q={req.get_param('q')} page={req.get_param_as_int('page')}"

    class Form:
        def on_post(self, req: t.Any, resp: t.Any) -> None:
            form = req.get_media()
            resp.content_type = falcon.MEDIA_HTML
            resp.text = f"{form['name']} is {form['age']}"

    class Echo:
        def on_post(self, req: t.Any, resp: t.Any) -> None:
            resp.media = req.get_media()

    class Items:
        def on_post(self, req: t.Any, resp: t.Any) -> None:
            resp.status = 201
            resp.content_type = falcon.MEDIA_HTML
            resp.set_header("X-Item-Id", "42")
            resp.text = "created"

    for i in range(N_ROUTES):
        app.add_route(f"/r{i}/{{x:int}}/item/{{name}}", Numbered(i))
    app.add_route("/", Hello())
    app.add_route("/users/{user_id:int}", User())
    app.add_route("/json", Json())
    app.add_route("/search", Search())
    app.add_route("/form", Form())
    app.add_route("/api/echo", Echo())
    app.add_route("/items", Items())
    return app


# -- running a scenario ----------------------------------------------------


def prepare_environ(scenario: Scenario, app: t.Any = None) -> tuple[dict[str, t.Any], bytes | None]:
    """Return (environ template, request body) for the scenario."""
    headers = []
    if scenario.cookie or scenario.session is not None:
        headers.append(("Cookie", session_cookie(app, scenario.session)))
    builder = EnvironBuilder(
        path=scenario.path,
        method=scenario.method,
        query_string=scenario.query,
        data=scenario.data,
        json=scenario.json,
        headers=headers,
    )
    try:
        environ = builder.get_environ()
    finally:
        builder.close()
    body = environ["wsgi.input"].read()
    environ["wsgi.input"] = io.BytesIO()
    return environ, (body or None)


def make_call(app: t.Any, scenario: Scenario) -> t.Callable[[], Result]:
    """A callable doing the scenario's request once, through plain WSGI."""
    template, body = prepare_environ(scenario, app)
    captured: list[t.Any] = [None, None]

    def start_response(status: str, headers: list[t.Any], exc_info: t.Any = None) -> t.Any:
        captured[0] = status
        captured[1] = headers
        return None

    if body is None:

        def call() -> Result:
            iterable = app(template.copy(), start_response)
            try:
                data = b"".join(iterable)
            finally:
                close = getattr(iterable, "close", None)
                if close is not None:
                    close()
            return captured[0], captured[1], data

    else:

        def call() -> Result:
            environ = template.copy()
            environ["wsgi.input"] = io.BytesIO(body)
            iterable = app(environ, start_response)
            try:
                data = b"".join(iterable)
            finally:
                close = getattr(iterable, "close", None)
                if close is not None:
                    close()
            return captured[0], captured[1], data

    return call


def check(scenario: Scenario, result: Result, framework: str) -> None:
    """Raise AssertionError unless ``result`` is the scenario's response."""
    status, headers, body = result
    where = f"{framework} / {scenario.name}"
    code = int(status.split(" ", 1)[0])
    assert code == scenario.status, f"{where}: status {status!r}, want {scenario.status}"
    header_map = {k.lower(): v for k, v in headers}
    for name, value in scenario.headers.items():
        got = header_map.get(name.lower())
        assert got == value, f"{where}: header {name}={got!r}, want {value!r}"
    if framework == "falcon" and code >= 400:
        return  # Falcon's error bodies are its own JSON documents.
    if scenario.body is not None:
        assert body == scenario.body, f"{where}: body {body[:200]!r}"
    if scenario.contains is not None:
        assert scenario.contains in body, f"{where}: body {body[:200]!r}"
    if scenario.json_body is not None:
        assert json.loads(body) == scenario.json_body, f"{where}: body {body[:200]!r}"
    if scenario.verify is not None:
        try:
            scenario.verify(body)
        except AssertionError as error:
            raise AssertionError(f"{where}: {error}; body {body[:200]!r}") from None


FRAMEWORKS = ("flaskfast", "flask", "falcon")


def build(framework: str) -> t.Any:
    """The benchmark app for ``framework`` (one of :data:`FRAMEWORKS`)."""
    if framework == "falcon":
        return build_falcon_app()
    if framework not in ("flask", "flaskfast"):
        raise ValueError(f"unknown framework {framework!r}; use one of {FRAMEWORKS}")
    import importlib

    return build_flask_app(importlib.import_module(framework))


def supports(framework: str, scenario: Scenario) -> bool:
    return framework != "falcon" or scenario.falcon
