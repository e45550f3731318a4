"""The compiled ``headers``, ``response`` and ``router`` kernels agree with
their pure twins (the router's ``Router`` is checked in
``test_router_agree.py``; its ``plain_binding`` here).

For generated input, each ``<name>_c`` function must give what ``<name>_py``
gives: an equal result, or an exception of the same type with the same
message.  Every test skips when the compiled module is not built.
"""

from __future__ import annotations

import collections
import importlib
import inspect
import typing as t
from http import HTTPStatus
from types import ModuleType

import markupsafe
import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from werkzeug.datastructures import Headers
from werkzeug.exceptions import BadRequest
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import MethodNotAllowed
from werkzeug.exceptions import NotFound
from werkzeug.utils import redirect as werkzeug_redirect
from werkzeug.wrappers import Response as WerkzeugResponse

import flaskfast
from flaskfast._speedups import headers_py
from flaskfast._speedups import response_py
from flaskfast._speedups import router_py

SETTINGS = settings(
    deadline=None,
    max_examples=150,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

PURE: dict[str, ModuleType] = {
    "headers": headers_py,
    "response": response_py,
    "router": router_py,
}


def compiled(name: str) -> ModuleType:
    return pytest.importorskip(f"flaskfast._speedups.{name}_c")


def outcome(call: t.Callable[[], t.Any]) -> tuple[str, t.Any]:
    """``("ok", result)`` or ``("raised", (type, message))``."""
    try:
        return "ok", call()
    except Exception as e:  # noqa: BLE001 - any exception is an outcome here
        return "raised", (type(e), str(e))


# -- the public surface -------------------------------------------------------


def public_api(module: ModuleType) -> dict[str, t.Any]:
    """Functions defined by ``module`` itself plus its upper-case constants."""
    found = {}
    for name, value in vars(module).items():
        if name.startswith("_") or isinstance(value, ModuleType):
            continue
        if inspect.isfunction(value) and value.__module__ == module.__name__:
            found[name] = value
        elif name.isupper() and not callable(value) and not isinstance(value, dict):
            found[name] = value
    return found


@pytest.mark.parametrize("name", sorted(PURE))
def test_same_public_names_and_signatures(name: str) -> None:
    c_module = compiled(name)
    pure = public_api(PURE[name])
    assert pure, "the pure twin defines no public functions"
    for attr, value in pure.items():
        assert hasattr(c_module, attr), f"{c_module.__name__} lacks {attr}"
        if callable(value):
            expected = [
                (p.name, p.kind, p.default)
                for p in inspect.signature(value).parameters.values()
            ]
            got = [
                (p.name, p.kind, p.default)
                for p in inspect.signature(getattr(c_module, attr)).parameters.values()
            ]
            assert got == expected, attr


# -- headers ----------------------------------------------------------------

INTERESTING_NAMES = [
    "Content-Length", "content-length", "CONTENT-LENGTH", "Content-length",
    "Location", "location", "LOCATION", "Content-Location", "content-location",
    "Content-Type", "X-Thing", "", "Set-Cookie", "content-lengtH ",
    "Content-\u212aength",  # the Kelvin sign lowers to "k"
    "\u0130ocation", "Content-\u0130ength", "l\u0131cation", "content_length",
]


class StrSub(str):
    def lower(self) -> str:  # type: ignore[override]
        return "content-length"


class OwnIterHeaders(Headers):
    def __iter__(self) -> t.Iterator[tuple[str, str]]:  # type: ignore[override]
        return iter(list(super().__iter__())[::-1])


names = st.one_of(
    st.sampled_from(INTERESTING_NAMES),
    st.text(max_size=18),
    st.text(alphabet="contelgh-CONTELGH\u0130\u212a", min_size=8, max_size=16),
)
values = st.text(alphabet=st.characters(blacklist_characters="\r\n"), max_size=10)
pairs = st.tuples(names, values)
odd_items = st.one_of(
    st.just(()),
    st.tuples(names),
    st.lists(st.one_of(names, values), min_size=1, max_size=3),
    st.tuples(st.one_of(st.binary(max_size=4), st.integers(), st.none()), values),
    st.builds(lambda n, v: (StrSub(n), v), names, values),
    st.integers(),
    st.just({0: "Content-Length"}),
)
statuses = st.one_of(st.integers(100, 599), st.sampled_from([100, 199, 204, 304]))
lengths = st.one_of(st.none(), st.integers(0, 10**12))


@st.composite
def header_containers(draw: st.DrawFn) -> t.Callable[[], t.Any]:
    """A factory, so both twins get a fresh (maybe one-shot) container."""
    kind = draw(st.sampled_from(["list", "headers", "own_iter", "tuple", "generator"]))
    if kind in ("headers", "own_iter"):
        items = draw(st.lists(pairs, max_size=6))
        cls = Headers if kind == "headers" else OwnIterHeaders
        return lambda: cls(items)
    items = draw(st.lists(st.one_of(pairs, pairs, pairs, odd_items), max_size=6))
    if kind == "list":
        return lambda: list(items)
    if kind == "tuple":
        return lambda: tuple(items)
    return lambda: (item for item in items)


@SETTINGS
@given(container=header_containers(), status=statuses, length=lengths)
def test_headers_agree(
    container: t.Callable[[], t.Any], status: int, length: int | None
) -> None:
    headers_c = compiled("headers")
    expected = outcome(lambda: headers_py.wsgi_header_list(container(), status, length))
    got = outcome(lambda: headers_c.wsgi_header_list(container(), status, length))
    assert got == expected


@pytest.mark.parametrize("name", INTERESTING_NAMES + [StrSub("X-Sub"), b"Location", 7])
@pytest.mark.parametrize("status", [100, 200, 204, 304])
def test_headers_each_odd_name_agrees(name: t.Any, status: int) -> None:
    headers_c = compiled("headers")
    items = [("Content-Type", "text/plain"), (name, "v"), ("X-After", "1")]
    for container in (lambda: list(items), lambda: iter(items)):
        expected = outcome(lambda: headers_py.wsgi_header_list(container(), status, 3))
        assert outcome(lambda: headers_c.wsgi_header_list(container(), status, 3)) == expected
    if type(name) is str:
        expected = outcome(lambda: headers_py.wsgi_header_list(Headers(items), status, 3))
        assert outcome(lambda: headers_c.wsgi_header_list(Headers(items), status, 3)) == expected


@SETTINGS
@given(container=header_containers(), status=statuses, length=lengths)
def test_headers_agree_rewriting_locations(
    container: t.Callable[[], t.Any], status: int, length: int | None
) -> None:
    headers_c = compiled("headers")
    expected = outcome(lambda: headers_py.wsgi_header_list(container(), status, length, True))
    got = outcome(lambda: headers_c.wsgi_header_list(container(), status, length, True))
    assert got == expected


any_values = st.one_of(
    st.text(max_size=10),
    st.text(alphabet="\t\r\n\x00\x1f\x7f\x80\xffaZ ~\u0100\u2603", max_size=6),
    st.integers(),
    st.none(),
)


@SETTINGS
@given(items=st.lists(st.one_of(st.tuples(names, any_values), odd_items), max_size=5))
def test_header_checks_agree(items: list[t.Any]) -> None:
    headers_c = compiled("headers")
    assert outcome(lambda: headers_c.check_header_list(list(items))) == outcome(
        lambda: headers_py.check_header_list(list(items))
    )
    assert outcome(lambda: headers_c.wsgi_header_list(list(items), 200, 1, True)) == outcome(
        lambda: headers_py.wsgi_header_list(list(items), 200, 1, True)
    )


@SETTINGS
@given(status=any_values)
def test_status_checks_agree(status: t.Any) -> None:
    headers_c = compiled("headers")
    assert outcome(lambda: headers_c.check_status(status)) == outcome(
        lambda: headers_py.check_status(status)
    )
    assert headers_c.InvalidHeaderError is headers_py.InvalidHeaderError


def test_headers_not_iterable_and_odd_status() -> None:
    headers_c = compiled("headers")
    for args in [(5, 200, 1), (None, 200, None), ([], 204.0, 3), ([], "200", 3)]:
        expected = outcome(lambda: headers_py.wsgi_header_list(*args))
        assert outcome(lambda: headers_c.wsgi_header_list(*args)) == expected, args


# -- response ---------------------------------------------------------------


class TextResponse(flaskfast.Response):
    default_mimetype = "text/plain"
    default_status = 201


class CustomInitResponse(flaskfast.Response):
    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self.headers["X-Custom"] = "yes"


class NoLengthResponse(flaskfast.Response):
    automatically_set_content_length = False


class ForceTypeResponse(flaskfast.Response):
    @classmethod
    def force_type(cls, response: t.Any, environ: t.Any = None) -> t.Any:
        rv = super().force_type(response, environ)
        rv.headers["X-Forced"] = "1"
        return rv


class NewResponse(flaskfast.Response):
    def __new__(cls, *args: t.Any, **kwargs: t.Any) -> t.Any:
        rv = super().__new__(cls)
        rv.made_by_new = True
        return rv


RESPONSE_CLASSES = [
    flaskfast.Response, TextResponse, CustomInitResponse, NoLengthResponse, ForceTypeResponse,
    NewResponse,
]


class Teapot(HTTPException):
    code = 418


class SeeOther(HTTPException):
    """No ``HTTPException.__init__``, its own ``get_response``."""

    code = 303

    def __init__(self, location: str = "/there") -> None:
        self.location = location

    def get_response(self, environ: t.Any = None, scope: t.Any = None) -> t.Any:
        return werkzeug_redirect(self.location, 303)


class NoInit(HTTPException):
    """Stock ``get_response`` without ``response``: werkzeug's AttributeError."""

    code = 409

    def __init__(self) -> None:
        pass


class OwnBody(NotFound):
    def get_body(self, environ: t.Any = None, scope: t.Any = None) -> str:
        return "own"


def instance_code() -> NotFound:
    e = NotFound()
    e.code = 418
    return e


class OwnCall(NotFound):
    def __call__(self, environ: t.Any, start_response: t.Any) -> t.Any:
        start_response("404 NOT FOUND", [("Content-Type", "text/plain")])
        return [b"own"]


def wsgi_app(environ: t.Any, start_response: t.Any) -> t.Any:
    start_response("202 ACCEPTED", [("X-Wsgi", "1")])
    return [b"from wsgi"]


Pair = collections.namedtuple("Pair", "body status")

texts = st.one_of(st.text(max_size=12), st.sampled_from(["", "\u00e9t\u00e9", "\ud800"]))
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=5)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
status_values = st.one_of(
    st.integers(100, 599),
    st.sampled_from(
        [HTTPStatus.CREATED, "201 CREATED", "404", " 200 OK ", "abc", "", b"200", 0, 99,
         1000, 200.5, None]
    ),
)
header_values = st.one_of(
    st.dictionaries(st.sampled_from(["X-A", "X-B", "Content-Type", "Content-Length"]),
                    st.sampled_from(["1", "text/plain", "two words"]), max_size=3),
    st.lists(st.tuples(st.sampled_from(["X-A", "Vary"]), st.sampled_from(["1", "x"])),
             max_size=3),
    st.sampled_from([{}, [], (), {"X-Bad": "a\nb"}, [("X-A", "1", "extra")], None]),
)


@st.composite
def bodies(draw: st.DrawFn) -> t.Callable[[], t.Any]:
    kind = draw(st.sampled_from([
        "str", "str", "bytes", "bytearray", "json", "iterator", "response",
        "werkzeug_response", "http_error", "wsgi", "bad", "none", "not_wsgi",
    ]))
    if kind == "str":
        text = draw(texts)
        return lambda: text
    if kind == "bytes":
        data = draw(st.binary(max_size=12))
        return lambda: data
    if kind == "bytearray":
        data = draw(st.binary(max_size=12))
        return lambda: bytearray(data)
    if kind == "json":
        value = draw(st.one_of(st.lists(json_values, max_size=3),
                               st.dictionaries(st.text(max_size=5), json_values, max_size=3)))
        return lambda: value
    if kind == "iterator":
        chunks = draw(st.lists(st.binary(max_size=4), max_size=3))
        return lambda: iter(chunks)
    if kind == "response":
        text = draw(texts.filter(lambda s: s != "\ud800"))
        code = draw(st.integers(200, 599))
        return lambda: flaskfast.Response(text, status=code)
    if kind == "werkzeug_response":
        text = draw(texts.filter(lambda s: s != "\ud800"))
        return lambda: WerkzeugResponse(text, headers={"X-W": "1"})
    if kind == "http_error":
        make = draw(st.sampled_from([
            NotFound, lambda: NotFound("gone"), BadRequest, Teapot, OwnCall,
            lambda: MethodNotAllowed(["GET", "POST"]), MethodNotAllowed,
            SeeOther, NoInit, OwnBody, instance_code,
            lambda: HTTPException(response=WerkzeugResponse("given", 299)),
        ]))
        return make  # type: ignore[no-any-return]
    if kind == "wsgi":
        return lambda: wsgi_app
    if kind == "not_wsgi":
        return lambda: (lambda: None)
    if kind == "none":
        return lambda: None
    bad = draw(st.sampled_from([5, 2.5, object(), {1, 2}, True]))
    return lambda: bad


@st.composite
def view_returns(draw: st.DrawFn) -> t.Callable[[], t.Any]:
    body = draw(bodies())
    shape = draw(st.sampled_from(
        ["plain", "plain", "status", "headers", "both", "one", "four", "namedtuple"]
    ))
    if shape == "plain":
        return body
    if shape == "one":
        return lambda: (body(),)
    if shape == "four":
        return lambda: (body(), 200, {}, None)
    status = draw(status_values)
    headers = draw(header_values)
    if shape == "status":
        return lambda: (body(), status)
    if shape == "namedtuple":
        return lambda: Pair(body(), status)
    if shape == "headers":
        return lambda: (body(), headers)
    return lambda: (body(), status, headers)


def response_state(rv: t.Any) -> tuple[t.Any, ...]:
    return (
        type(rv),
        rv.status,
        rv.status_code,
        rv.headers.to_wsgi_list(),
        rv.get_data(),
        sorted(vars(rv)),
        rv.direct_passthrough,
    )


def run_make_response(
    kernel: ModuleType, app: flaskfast.Flask, factory: t.Callable[[], t.Any], request: bool
) -> tuple[str, t.Any]:
    scope = app.test_request_context("/x") if request else app.app_context()
    with scope:
        result = outcome(lambda: kernel.make_response(app, factory(), _cv_request.get(None)))
        if result[0] == "ok":
            return "ok", outcome(lambda: response_state(result[1]))
        return result


@SETTINGS
@given(
    factory=view_returns(),
    response_class=st.sampled_from(RESPONSE_CLASSES),
    request=st.booleans(),
)
def test_make_response_agrees(
    factory: t.Callable[[], t.Any], response_class: type, request: bool
) -> None:
    response_c = compiled("response")
    app = flaskfast.Flask(__name__)
    app.response_class = response_class  # type: ignore[assignment]
    app.add_url_rule("/x", "x_view", lambda: "")
    expected = run_make_response(response_py, app, factory, request)
    got = run_make_response(response_c, app, factory, request)
    assert got == expected


def test_returned_response_object_is_unchanged() -> None:
    response_c = compiled("response")
    app = flaskfast.Flask(__name__)
    with app.app_context():
        rv = flaskfast.Response("same")
        assert response_c.make_response(app, rv, None) is rv
        assert response_c.make_response(app, (rv, 404), None) is rv
        assert rv.status_code == 404


@pytest.mark.parametrize("body", ["hello", "", "\u00e9", b"raw", bytearray(b"ba"), "\ud800"])
@pytest.mark.parametrize("response_class", RESPONSE_CLASSES)
def test_plain_response_agrees(body: t.Any, response_class: type) -> None:
    response_c = compiled("response")
    expected = outcome(lambda: response_state(response_py.plain_response(response_class, body)))
    got = outcome(lambda: response_state(response_c.plain_response(response_class, body)))
    assert got == expected


plain_header_values = st.one_of(
    header_values,
    st.dictionaries(st.text(max_size=6), st.text(max_size=6), max_size=3),
    st.lists(st.tuples(st.text(max_size=6), st.text(max_size=6)), max_size=3),
)


@SETTINGS
@given(
    body=st.one_of(texts, st.binary(max_size=8)),
    status=status_values,
    headers=plain_header_values,
    response_class=st.sampled_from(RESPONSE_CLASSES),
)
def test_text_response_agrees(body: t.Any, status: t.Any, headers: t.Any, response_class: type) -> None:
    """Both twins build the same object for ``(text, status, headers)``, or
    both decline."""
    response_c = compiled("response")

    def build(kernel: ModuleType) -> tuple[str, t.Any]:
        return redirect_outcome(lambda: kernel.text_response(response_class, body, status, headers))

    assert build(response_c) == build(response_py)


@SETTINGS
@given(
    body=st.one_of(texts, st.binary(max_size=8)),
    mimetype=st.one_of(
        st.sampled_from(["application/json", "text/plain", "application/xml", "", None]),
        st.text(max_size=8),
    ),
    response_class=st.sampled_from(RESPONSE_CLASSES),
)
def test_mimetype_response_agrees(body: t.Any, mimetype: t.Any, response_class: type) -> None:
    response_c = compiled("response")

    def build(kernel: ModuleType) -> tuple[str, t.Any]:
        return redirect_outcome(lambda: kernel.mimetype_response(response_class, body, mimetype))

    assert build(response_c) == build(response_py)


class StatusTextResponse(flaskfast.Response):
    @property  # type: ignore[override]
    def status(self) -> str:
        return "custom"

    @status.setter
    def status(self, value: t.Any) -> None:
        self._status, self._status_code = "299 ODD", 299


REDIRECT_CLASSES = [*RESPONSE_CLASSES, WerkzeugResponse, StatusTextResponse]
locations = st.one_of(
    st.text(max_size=16),
    st.sampled_from([
        "/", "/a b?c=1&d=<'\">", "http://ex.com/\u00e9t\u00e9#frag", "\ud800",
        "/x\ny", "/x\ry", "\ue000", "", 42, None, markupsafe.Markup("/<b>"),
    ]),
)
redirect_codes = st.one_of(
    st.sampled_from([301, 302, 303, 305, 307, 308, 200, 399, 999, True, "302", 302.0]),
    st.integers(100, 599),
)


def redirect_outcome(make: t.Callable[[], t.Any]) -> tuple[str, t.Any]:
    result = outcome(make)
    if result[0] == "ok":
        return "ok", None if result[1] is None else response_state(result[1])
    return result


@SETTINGS
@given(
    location=locations,
    code=redirect_codes,
    response_class=st.sampled_from(REDIRECT_CLASSES),
)
def test_redirect_response_agrees(location: t.Any, code: t.Any, response_class: type) -> None:
    """Both twins build exactly werkzeug's redirect, or both decline."""
    response_c = compiled("response")

    def build(kernel: ModuleType) -> t.Any:
        return kernel.redirect_response(response_class, location, code)

    expected = redirect_outcome(lambda: build(response_py))
    assert redirect_outcome(lambda: build(response_c)) == expected
    if expected[0] == "ok" and expected[1] is not None:
        werkzeug_rv = redirect_outcome(
            lambda: werkzeug_redirect(location, code, Response=response_class)
        )
        assert werkzeug_rv == expected
    elif expected[0] == "raised":
        # Only a body that cannot be encoded raises; werkzeug raises the same.
        assert outcome(
            lambda: werkzeug_redirect(location, code, Response=response_class)
        ) == expected


@pytest.mark.parametrize("response_class", [flaskfast.Response, WerkzeugResponse])
@pytest.mark.parametrize("location", ["/", "/\u00e9?a=<b>&c", "https://x.org/p#f"])
def test_redirect_response_takes_the_shortcut(location: str, response_class: type) -> None:
    for kernel in (response_py, compiled("response")):
        rv = kernel.redirect_response(response_class, location, 303)
        assert rv is not None
        assert response_state(rv) == response_state(
            werkzeug_redirect(location, 303, Response=response_class)
        )


@pytest.mark.parametrize(
    "error",
    [NotFound, lambda: NotFound("gone"), MethodNotAllowed,
     lambda: MethodNotAllowed(["GET", "HEAD"]), Teapot, OwnCall, BadRequest, SeeOther, NoInit,
     OwnBody, instance_code, lambda: MethodNotAllowed(["GET\n"])],
)
@pytest.mark.parametrize("response_class", RESPONSE_CLASSES)
def test_error_response_agrees(error: t.Any, response_class: type) -> None:
    response_c = compiled("response")

    def state(kernel: ModuleType) -> tuple[str, t.Any]:
        rv = kernel.error_response(response_class, error())
        return "ok", None if rv is None else response_state(rv)

    assert outcome(lambda: state(response_c)) == outcome(lambda: state(response_py))


# -- router: plain_binding -----------------------------------------------------------

labels = st.one_of(
    st.text(st.sampled_from("abz09-_"), min_size=0, max_size=3),
    st.integers(60, 66).map(lambda n: "a" * n),
    st.sampled_from(["xn--zz", "caf\u00e9", "[::1]", "\x00", " "]),
)
host_names = st.lists(labels, min_size=1, max_size=5).map(".".join)
hosts = st.one_of(
    st.none(),
    host_names,
    st.tuples(host_names, st.sampled_from([":80", ":5000", ":", ":x"])).map("".join),
    st.integers(200, 300).map(lambda n: "a" * n),
    st.text(max_size=12),
    st.sampled_from([b"bytes.host", 7, ["list"]]),
)
schemes = st.one_of(
    st.sampled_from(["http", "https", "ws", "wss", "", "HTTP", "WS"]),
    st.sampled_from([None, b"ws", 1]),
)


@SETTINGS
@given(host=hosts, server_name=hosts, scheme=schemes)
def test_plain_binding_agrees(host: t.Any, server_name: t.Any, scheme: t.Any) -> None:
    router_c = compiled("router")
    assert outcome(lambda: router_c.plain_binding(host, server_name, scheme)) == outcome(
        lambda: router_py.plain_binding(host, server_name, scheme)
    )


@pytest.mark.parametrize(
    ("host", "server_name", "scheme", "expected"),
    [
        ("example.com", None, "http", True),
        ("example.com:8080", None, "https", True),
        (None, "localhost", "http", True),
        ("example.com", None, "ws", False),
        ("example.com", None, "wss", False),
        ("a" * 63 + ".com", None, "http", True),
        ("a" * 64 + ".com", None, "http", False),
        ("com." + "a" * 64, None, "http", False),
        ("a..b", None, "http", False),
        (".example.com", None, "http", False),
        ("example.com.", None, "http", True),
        ("caf\u00e9.com", None, "http", False),
        (None, None, "http", False),
        (b"example.com", None, "http", False),
    ],
)
def test_plain_binding_examples(host: t.Any, server_name: t.Any, scheme: t.Any, expected: bool) -> None:
    for kernel in (router_py, compiled("router")):
        assert kernel.plain_binding(host, server_name, scheme) is expected, kernel.__name__


@SETTINGS
@given(host=host_names, port=st.sampled_from(["", ":80", ":5000"]), scheme=schemes)
def test_plain_binding_is_sufficient_for_werkzeug(host: str, port: str, scheme: t.Any) -> None:
    # What plain_binding accepts, werkzeug binds as an HTTP adapter without
    # error: the router may answer in the adapter's place.
    from werkzeug.routing import Map
    from werkzeug.routing import Rule

    if not router_py.plain_binding(host + port, None, scheme):
        return
    environ = {
        "HTTP_HOST": host + port, "SERVER_NAME": "unused", "SERVER_PORT": "80",
        "wsgi.url_scheme": scheme, "REQUEST_METHOD": "GET", "PATH_INFO": "/",
        "SCRIPT_NAME": "",
    }
    adapter = Map([Rule("/", endpoint="index")]).bind_to_environ(environ)
    assert adapter.websocket is False
    assert adapter.match() == ("index", {})
