"""Overrides of the request pipeline are honoured on every request, as in Flask.

Differential tests (issue 9, point 2): each scenario builds the same small app
on real Flask 3.1.3 and on flaskfast, serves requests through the test client
and through a raw WSGI call, overrides one step of the pipeline *after* those
requests, serves them again, removes the override (g) and serves them once
more.  It returns what a client or the override could observe: statuses,
bodies, selected headers, the calls the overrides and teardown functions
recorded, and the type names of exceptions.  Flask's record is the spec;
flaskfast's must equal it.

Steps are the methods Flask documents as overridable (on ``Flask``, the
context classes, the session interface, ``Request`` and ``Response``) and
the ``request_class`` / ``response_class`` / ``session_interface``
attributes.  An override records each call (the entry starts with the step's
label), usually calls the original and changes something a client sees.

Override kinds, one parametrized test each: (a) a subclass, (b) an instance
attribute (bound method, or plain function / WSGI middleware), (c) a class
attribute set and restored, (d, e) ``mock.patch.object`` on the class and on
the instance, (f) an assignment once the instance's attribute count went up
and down again.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import os
import types
import typing as t
from unittest import mock

import pytest
from werkzeug.datastructures import Headers
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Response as WerkzeugResponse

import flask
import flask.ctx
import flask.sessions
import flask.testing
import flask.wrappers
import flaskfast
import flaskfast.ctx
import flaskfast.sessions
import flaskfast.testing
import flaskfast.wrappers

# flaskfast can install itself as ``flask`` (flaskfast._install); the spec
# side must be the real Flask, so refuse to run if that happened.
if (
    flask.Flask.__module__ != "flask.app"
    or os.path.join("site-packages", "flask") not in (flask.__file__ or "")
):  # pragma: no cover
    raise ImportError(f"'flask' is not the real Flask here: {flask.__file__!r}")

Fw = types.ModuleType  # the framework: flask or flaskfast
Calls = t.List[str]
# What a scenario observed of one request, and the whole record.
Seen = t.Tuple[t.Any, ...]
Record = t.List[t.Tuple[str, str, str, Seen, t.List[str]]]
# Makes a step's replacement from the framework, the original (the owner
# class's attribute) and the list the override records into.
Make = t.Callable[[Fw, t.Any, Calls], t.Any]


@dataclasses.dataclass(frozen=True)
class Req:
    """One request of a scenario."""

    method: str
    path: str
    data: str | None = None
    content_type: str | None = None

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def GET(path: str) -> Req:  # noqa: N802
    return Req("GET", path)


HOME, BOOM, MISSING, ABORT = GET("/"), GET("/boom"), GET("/missing"), GET("/abort")
NOT_ALLOWED, OPTIONS = Req("POST", "/"), Req("OPTIONS", "/")
SESSION, URLS, FILE = GET("/session"), GET("/url"), GET("/file")
BAD_JSON = Req("POST", "/json", "{bad", "application/json")

# ---------------------------------------------------------------------------
# The app and the observations
# ---------------------------------------------------------------------------


def _build(fw: Fw, calls: Calls, cls: type | None = None, own_interface: bool = False) -> t.Any:
    """The app every scenario serves: a view for each path the steps are on,
    and teardown functions that record the error they get."""
    app = (cls or fw.Flask)("overrides")
    app.config["SECRET_KEY"] = "secret"
    app.logger.disabled = True  # log_exception's output is not compared
    if own_interface:  # overrides on the session interface instance go here
        app.session_interface = fw.sessions.SecureCookieSessionInterface()
    views: dict[str, t.Callable[..., t.Any]] = {
        "/": lambda: "hi",
        "/boom": lambda: _raise(ValueError("boom")),
        "/abort": lambda: fw.abort(403),
        "/dir/": lambda: "dir",
        "/session": lambda: _count(fw.session),
        "/url": lambda: f"{fw.url_for('index')} {fw.url_for('index', q='1')}",
        "/badurl": lambda: fw.url_for("nope"),
        "/tpl": lambda: fw.render_template_string("{{ extra|default('-') }}"),
        "/file": lambda: fw.send_file(io.BytesIO(b"data"), mimetype="text/plain"),
        "/reqinfo": lambda: str(getattr(fw.request, "extra", "-")),
    }
    for path, view in views.items():
        endpoint = "index" if path == "/" else path.strip("/")
        view.__name__ = endpoint
        app.add_url_rule(path, endpoint, view)
    app.add_url_rule("/json", "json", lambda: {"got": fw.request.get_json()}, methods=["POST"])
    app.teardown_request(lambda exc: calls.append(f"teardown_request({type(exc).__name__})"))
    app.teardown_appcontext(lambda exc: calls.append(f"teardown_app({type(exc).__name__})"))
    return app


def _raise(error: Exception) -> t.NoReturn:
    raise error


def _count(session: t.Any) -> str:
    session["n"] = session.get("n", 0) + 1
    return str(session["n"])


_SHOWN_HEADERS = {"content-type", "content-length", "allow", "location", "cache-control", "vary"}


def _headers(items: t.Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The headers compared: ``X-*`` and a few standard ones; of ``Set-Cookie``
    only the cookie's name (the signed value holds a timestamp)."""
    shown = []
    for name, value in items:
        lower = name.lower()
        if lower == "set-cookie":
            shown.append((name, value.partition("=")[0]))
        elif lower.startswith("x-") or lower in _SHOWN_HEADERS:
            shown.append((name, value))
    return sorted(shown)


class Run:
    """Serves a scenario's requests and keeps the record it returns."""

    def __init__(self, fw: Fw) -> None:
        self.fw = fw
        self.calls: Calls = []
        self.record: Record = []
        self._clients: dict[int, t.Any] = {}

    def serve(self, phase: str, app: t.Any, reqs: t.Iterable[Req]) -> None:
        """Serve each request through the test client, then as a raw WSGI call."""
        for req in reqs:
            for way, send in (("client", self._via_client), ("wsgi", self._via_wsgi)):
                seen = send(app, req)
                self.record.append((phase, way, str(req), seen, self.calls[:]))
                self.calls.clear()

    def _via_client(self, app: t.Any, req: Req) -> Seen:
        if id(app) not in self._clients:
            # One client per app, for its cookies: ``app.test_client()`` but
            # with the stock response class, which the client builds its
            # responses from (it must not run an overridden one itself).
            self._clients[id(app)] = self.fw.testing.FlaskClient(
                app, self.fw.wrappers.Response, use_cookies=True
            )
        client = self._clients[id(app)]
        try:
            resp = client.open(
                req.path, method=req.method, data=req.data, content_type=req.content_type
            )
        except Exception as e:
            return ("raised", type(e).__name__)
        with resp:
            return (resp.status, resp.get_data(), _headers(resp.headers.items()))

    def _via_wsgi(self, app: t.Any, req: Req) -> Seen:
        environ = EnvironBuilder(
            path=req.path, method=req.method, data=req.data, content_type=req.content_type
        ).get_environ()
        started: list[tuple[str, list[tuple[str, str]]]] = []

        def start_response(status: str, headers: t.Any, exc_info: t.Any = None) -> t.Any:
            started.append((status, headers))
            return lambda data: None

        try:
            app_iter = app(environ, start_response)
            try:
                body = b"".join(app_iter)
            finally:
                if hasattr(app_iter, "close"):
                    app_iter.close()
        except Exception as e:
            return ("raised", type(e).__name__)
        status, headers = started[-1]
        return (status, body, _headers(headers))


# ---------------------------------------------------------------------------
# The steps and their overrides
# ---------------------------------------------------------------------------

# The class each step is defined on, and the object an instance override goes on.
OWNERS: dict[str, t.Callable[[Fw], type]] = {
    "Flask": lambda fw: fw.Flask,
    "RequestContext": lambda fw: fw.ctx.RequestContext,
    "AppContext": lambda fw: fw.ctx.AppContext,
    "SessionInterface": lambda fw: fw.sessions.SecureCookieSessionInterface,
    "Request": lambda fw: fw.wrappers.Request,
    "Response": lambda fw: fw.wrappers.Response,
}
INSTANCES: dict[str, t.Callable[[t.Any], t.Any]] = {
    "Flask": lambda app: app,
    "SessionInterface": lambda app: app.session_interface,
}


@dataclasses.dataclass(frozen=True)
class Step:
    """An overridable step ``owner.name``, how to make its override, and the
    requests whose handling goes through it."""

    owner: str
    name: str
    label: str
    make: Make
    reqs: tuple[Req, ...]
    method: bool = True  # the override is a method, else a plain value
    # For the plain-function kind, what goes on the instance instead.
    instance_form: t.Callable[[t.Any, Calls], t.Any] | None = None


def _describe(value: object) -> str:
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, types.FunctionType):
        return value.__name__
    return type(value).__name__


def _mark(label: str, rv: t.Any) -> t.Any:
    """The generic change: a header on a response or headers, ``!`` on a string."""
    if isinstance(rv, WerkzeugResponse):
        rv.headers[f"X-{label}"] = "1"
    elif isinstance(rv, Headers):
        rv[f"X-{label}"] = "1"
    elif isinstance(rv, str):
        rv += "!"
    return rv


def _recording(label: str, body: t.Callable[..., t.Any] | None) -> Make:
    """An override that records its call and its arguments' types, then runs
    ``body(fw, orig, self, *args)``; without a body it calls the original and
    marks the result."""

    def make(fw: Fw, orig: t.Any, calls: Calls) -> t.Any:
        def override(self: t.Any, *args: t.Any, **kwargs: t.Any) -> t.Any:
            calls.append(f"{label}({', '.join(map(_describe, args))})")
            if body is None:
                return _mark(label, orig(self, *args, **kwargs))
            return body(fw, orig, self, *args, **kwargs)

        return override

    return make


def step(where: str, body: t.Callable[..., t.Any] | None, *reqs: Req, **kw: t.Any) -> Step:
    """The step ``where`` (``name`` on Flask, or ``Owner.name``)."""
    owner, _, name = where.rpartition(".")
    return Step(owner or "Flask", name, where, _recording(where, body), reqs, **kw)


def value(name: str, make: Make, *reqs: Req) -> Step:
    """A ``Flask`` attribute overridden with a value (a class or an instance)."""
    return Step("Flask", name, name, make, reqs, method=False)


def _marked_start(start_response: t.Any, header: str) -> t.Any:
    def marked(status: str, headers: list[t.Any], exc_info: t.Any = None) -> t.Any:
        return start_response(status, [*headers, (header, "1")], exc_info)

    return marked


def _wsgi_app(fw: Fw, orig: t.Any, self: t.Any, environ: t.Any, start_response: t.Any) -> t.Any:
    return orig(self, environ, _marked_start(start_response, "X-wsgi_app"))


def _middleware(app: t.Any, calls: Calls) -> t.Callable[..., t.Any]:
    """The usual WSGI middleware: ``app.wsgi_app = middleware(app.wsgi_app)``."""
    inner = app.wsgi_app

    def middleware(environ: t.Any, start_response: t.Any) -> t.Any:
        calls.append("wsgi_app:middleware")
        return inner(environ, _marked_start(start_response, "X-Middleware"))

    return middleware


def _ensure_sync(fw: Fw, orig: t.Any, self: t.Any, func: t.Any) -> t.Any:
    wrapped = orig(self, func)
    if getattr(func, "__name__", "") != "index":
        return wrapped
    return lambda **kwargs: wrapped(**kwargs) + "~"


def _preprocess(fw: Fw, orig: t.Any, self: t.Any) -> t.Any:
    rv = orig(self)
    return "short" if rv is None and fw.request.args.get("short") else rv


def _template_context(fw: Fw, orig: t.Any, self: t.Any, context: dict[str, t.Any]) -> None:
    orig(self, context)
    context["extra"] = "E"


def _url_defaults(fw: Fw, orig: t.Any, self: t.Any, endpoint: str, values: t.Any) -> None:
    orig(self, endpoint, values)
    if endpoint == "index":
        values.setdefault("via", "defaults")


def _request_class(fw: Fw, orig: t.Any, calls: Calls) -> type:
    class SwappedRequest(fw.wrappers.Request):  # type: ignore[name-defined,misc]
        @property
        def extra(self) -> str:
            calls.append("request_class.extra")
            return "extra"

    return SwappedRequest


def _response_class(fw: Fw, orig: t.Any, calls: Calls) -> type:
    class SwappedResponse(fw.wrappers.Response):  # type: ignore[name-defined,misc]
        def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
            super().__init__(*args, **kwargs)
            calls.append("response_class()")
            self.headers["X-Response-Class"] = "1"

    return SwappedResponse


_SESSION_METHODS = ("open_session", "save_session", "should_set_cookie")


def _session_interface(fw: Fw, orig: t.Any, calls: Calls) -> t.Any:
    base = fw.sessions.SecureCookieSessionInterface
    methods = {
        name: _recording(f"session_interface.{name}", None)(fw, getattr(base, name), calls)
        for name in _SESSION_METHODS
    }
    return type("RecordingInterface", (base,), methods)()


STEPS: tuple[Step, ...] = (
    step("wsgi_app", _wsgi_app, HOME, BOOM, instance_form=_middleware),
    step("full_dispatch_request", None, HOME, BOOM, MISSING),
    step("preprocess_request", _preprocess, HOME, GET("/?short=1")),
    step("dispatch_request", None, HOME, BOOM, MISSING, NOT_ALLOWED, OPTIONS),
    step("finalize_request", None, HOME, BOOM, MISSING),
    step("make_response", None, HOME, BOOM, MISSING, FILE),
    step("process_response", None, HOME, BOOM, SESSION),
    step("do_teardown_request", None, HOME, BOOM),
    step("do_teardown_appcontext", None, HOME, BOOM),
    step("handle_exception", None, HOME, BOOM),
    step(
        "handle_user_exception",
        lambda fw, orig, self, e: "handled" if isinstance(e, ValueError) else orig(self, e),
        BOOM, MISSING, ABORT,
    ),
    step(
        "handle_http_exception",
        lambda fw, orig, self, e: ("custom", 404) if e.code == 404 else orig(self, e),
        MISSING, NOT_ALLOWED, ABORT,
    ),
    step("log_exception", None, HOME, BOOM),
    step(
        "should_ignore_error",
        lambda fw, orig, self, error: isinstance(error, ValueError) or orig(self, error),
        HOME, BOOM,
    ),
    step("create_url_adapter", None, HOME, URLS),
    step("ensure_sync", _ensure_sync, HOME, BOOM),
    step("raise_routing_exception", None, MISSING, NOT_ALLOWED, GET("/dir")),
    step("make_default_options_response", None, HOME, OPTIONS),
    step("request_context", None, HOME, BOOM),
    step("app_context", None, HOME, BOOM),
    step("update_template_context", _template_context, GET("/tpl")),
    step("inject_url_defaults", _url_defaults, URLS),
    step("url_for", None, URLS),
    step(
        "handle_url_build_error",
        lambda fw, orig, self, error, endpoint, values: "/fallback",
        GET("/badurl"),
    ),
    step(
        "trap_http_exception",
        lambda fw, orig, self, e: e.code == 404 or orig(self, e),
        MISSING, ABORT,
    ),
    step("get_send_file_max_age", lambda fw, orig, self, filename: 60, FILE),
    value("request_class", _request_class, GET("/reqinfo"), BAD_JSON),
    value("response_class", _response_class, HOME, MISSING),
    value("session_interface", _session_interface, HOME, SESSION),
    step("RequestContext.__init__", None, HOME),
    step("RequestContext.push", None, HOME, BOOM),
    step("RequestContext.pop", None, HOME, BOOM),
    step("RequestContext.match_request", None, HOME, MISSING),
    step("AppContext.push", None, HOME, BOOM),
    step("AppContext.pop", None, HOME, BOOM),
    *(step(f"SessionInterface.{name}", None, HOME, SESSION, HOME) for name in _SESSION_METHODS),
    step("Request.close", None, HOME, BOOM),
    step("Request.on_json_loading_failed", lambda fw, orig, self, e: {"fallback": 1}, BAD_JSON),
    step("Response.__call__", None, HOME, BOOM),
    step("Response.get_wsgi_headers", None, HOME, MISSING),
)

# ---------------------------------------------------------------------------
# The override kinds: each puts the override in place on an app that has
# already served the step's requests, yields the app to serve with it, and
# takes the override away again.
# ---------------------------------------------------------------------------

Kind = t.Callable[["Run", Step, t.Any, t.Any], t.ContextManager[t.Any]]
_ABSENT = object()
# Where the app takes a swapped session interface, request or response class.
_SWAPPED_ON_APP = {
    "SessionInterface": "session_interface",
    "Request": "request_class",
    "Response": "response_class",
}


def _bound(step: Step, inst: t.Any, override: t.Any) -> t.Any:
    return types.MethodType(override, inst) if step.method else override


@contextlib.contextmanager
def _set(obj: t.Any, name: str, replacement: t.Any) -> t.Iterator[None]:
    """``obj.name = replacement``, then back to what ``obj`` itself held."""
    before = vars(obj).get(name, _ABSENT)
    setattr(obj, name, replacement)
    try:
        yield
    finally:
        if before is _ABSENT:
            delattr(obj, name)
        else:
            setattr(obj, name, before)


@contextlib.contextmanager
def subclass(run: Run, step: Step, app: t.Any, override: t.Any) -> t.Iterator[t.Any]:
    """(a) A subclass defines the override.  A Flask subclass gets a new app; a
    context subclass comes in through the new app's ``request_context`` or
    ``app_context``; the others are swapped on the app.  Removal: the
    attribute is deleted from the subclass."""
    fw = run.fw
    sub = type(f"Sub{step.owner}", (OWNERS[step.owner](fw),), {step.name: override})
    if step.owner in _SWAPPED_ON_APP:
        swapped = sub() if step.owner == "SessionInterface" else sub
        with _set(app, _SWAPPED_ON_APP[step.owner], swapped):
            yield app
        return
    factories: dict[str, dict[str, t.Any]] = {
        "RequestContext": {"request_context": lambda self, environ: sub(self, environ)},
        "AppContext": {"app_context": lambda self: sub(self)},
    }
    app_class = sub if step.owner == "Flask" else type("SubFlask", (fw.Flask,), factories[step.owner])
    yield _build(fw, run.calls, app_class)
    delattr(sub, step.name)


@contextlib.contextmanager
def instance_method(run: Run, step: Step, app: t.Any, override: t.Any) -> t.Iterator[t.Any]:
    """(b) ``inst.step = types.MethodType(override, inst)`` (a value as is)."""
    inst = INSTANCES[step.owner](app)
    with _set(inst, step.name, _bound(step, inst, override)):
        yield app


@contextlib.contextmanager
def instance_function(run: Run, step: Step, app: t.Any, override: t.Any) -> t.Iterator[t.Any]:
    """(b) A plain function on the instance, called unbound (``wsgi_app``: a
    WSGI middleware around the stock bound method)."""
    inst = INSTANCES[step.owner](app)
    if step.instance_form is not None:
        function = step.instance_form(inst, run.calls)
    else:
        function = lambda *args, **kwargs: override(inst, *args, **kwargs)  # noqa: E731
    with _set(inst, step.name, function):
        yield app


@contextlib.contextmanager
def class_attribute(run: Run, step: Step, app: t.Any, override: t.Any) -> t.Iterator[t.Any]:
    """(c) ``Owner.step = override``, restored in ``finally``."""
    with _set(OWNERS[step.owner](run.fw), step.name, override):
        yield app


@contextlib.contextmanager
def mock_class(run: Run, step: Step, app: t.Any, override: t.Any) -> t.Iterator[t.Any]:
    """(d) ``mock.patch.object(Owner, step, override)``."""
    with mock.patch.object(OWNERS[step.owner](run.fw), step.name, override):
        yield app


@contextlib.contextmanager
def mock_instance(run: Run, step: Step, app: t.Any, override: t.Any) -> t.Iterator[t.Any]:
    """(e) ``mock.patch.object(inst, step, bound override)``."""
    inst = INSTANCES[step.owner](app)
    with mock.patch.object(inst, step.name, _bound(step, inst, override)):
        yield app


@contextlib.contextmanager
def delete_then_assign(run: Run, step: Step, app: t.Any, override: t.Any) -> t.Iterator[t.Any]:
    """(f) The instance gains an attribute, serves, loses it, then gets the
    override: its number of attributes is what it was at that last request."""
    inst = INSTANCES[step.owner](app)
    inst.probe = 1
    run.serve("between", app, step.reqs)
    del inst.probe
    with _set(inst, step.name, _bound(step, inst, override)):
        yield app


def scenario(fw: Fw, step: Step, kind: Kind) -> Record:
    """Serve ``step.reqs`` before the override, with it, and after its removal."""
    run = Run(fw)
    app = _build(fw, run.calls, own_interface=step.owner == "SessionInterface")
    run.serve("before", app, step.reqs)
    override = step.make(fw, getattr(OWNERS[step.owner](fw), step.name), run.calls)
    with kind(run, step, app, override) as target:
        run.serve("during", target, step.reqs)
    run.serve("after", target, step.reqs)
    return run.record


def _check(step: Step, kind: Kind) -> None:
    expected = scenario(flask, step, kind)
    # The scenario means something: on Flask the override ran while it was
    # in place, and neither before nor after.
    ran = {
        phase
        for phase, _, _, _, calls in expected
        if any(call.startswith(step.label) for call in calls)
    }
    assert ran == {"during"}, expected
    assert scenario(flaskfast, step, kind) == expected


def _params(owners: t.Iterable[str], methods_only: bool = False) -> list[t.Any]:
    return [
        pytest.param(step, id=step.label)
        for step in STEPS
        if step.owner in owners and (step.method or not methods_only)
    ]


def test_real_flask_and_flaskfast_are_both_loaded() -> None:
    assert flask.Flask.__module__ == "flask.app"
    assert flaskfast.Flask.__module__ == "flaskfast.app"
    assert flaskfast.ctx.RequestContext.__module__ == "flaskfast.ctx"
    # Two packages, wherever they are installed (the wheel tests run this
    # against a flaskfast in site-packages).
    assert flaskfast.__file__ is not None and flask.__file__ is not None
    assert os.path.basename(os.path.dirname(flaskfast.__file__)) == "flaskfast"
    assert os.path.dirname(flaskfast.__file__) != os.path.dirname(flask.__file__)


@pytest.mark.parametrize("step", _params(OWNERS))
def test_subclass(step: Step) -> None:
    _check(step, subclass)


@pytest.mark.parametrize("step", _params(INSTANCES))
def test_instance_method(step: Step) -> None:
    _check(step, instance_method)


@pytest.mark.parametrize("step", _params(INSTANCES, methods_only=True))
def test_instance_function(step: Step) -> None:
    _check(step, instance_function)


@pytest.mark.parametrize("step", _params(OWNERS))
def test_class_attribute(step: Step) -> None:
    _check(step, class_attribute)


@pytest.mark.parametrize("step", _params(OWNERS))
def test_mock_class(step: Step) -> None:
    _check(step, mock_class)


@pytest.mark.parametrize("step", _params(INSTANCES))
def test_mock_instance(step: Step) -> None:
    _check(step, mock_instance)


@pytest.mark.parametrize("step", _params(INSTANCES))
def test_delete_then_assign(step: Step) -> None:
    _check(step, delete_then_assign)
