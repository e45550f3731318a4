"""Request and response objects.

``Request`` computes its environ-derived attributes lazily; every one must
equal werkzeug's eagerly computed value and stay assignable.  ``Response``
has a one-pass WSGI fast path that must produce exactly what werkzeug's
generic pipeline (and Flask's Response) produces.
"""

from __future__ import annotations

import inspect
import io
import typing as t

import flask
import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from werkzeug.datastructures import Headers
from werkzeug.exceptions import BadRequest
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.test import EnvironBuilder
from werkzeug.utils import cached_property
from werkzeug.wrappers import Request as WerkzeugRequest
from werkzeug.wrappers import Response as WerkzeugResponse

import flaskfast
from flaskfast.wrappers import Request
from flaskfast.wrappers import Response

if t.TYPE_CHECKING:  # pragma: no cover
    from flaskfast import Flask
    from flaskfast.testing import FlaskClient

# -- Request: lazy attributes equal werkzeug's --------------------------------------

LAZY_ATTRIBUTES = (
    "method",
    "scheme",
    "server",
    "root_path",
    "path",
    "query_string",
    "remote_addr",
)
DERIVED_ATTRIBUTES = (
    "url",
    "base_url",
    "url_root",
    "host_url",
    "host",
    "full_path",
    "script_root",
    "is_secure",
    "access_route",
    "content_type",
    "mimetype",
    "user_agent",
)

latin1_text = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"),
    max_size=12,
)


@st.composite
def environs(draw: st.DrawFn) -> dict[str, t.Any]:
    environ: dict[str, t.Any] = {
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
    }
    optional: dict[str, st.SearchStrategy[t.Any]] = {
        "REQUEST_METHOD": st.sampled_from(["GET", "post", "Head", "PATCH", "", "BREW"]),
        "wsgi.url_scheme": st.sampled_from(["http", "https", "ws"]),
        "SERVER_NAME": st.sampled_from(["localhost", "example.test", "10.0.0.1"]),
        "SERVER_PORT": st.sampled_from(["80", "443", "8080", "", "junk"]),
        "SCRIPT_NAME": st.one_of(latin1_text.map(lambda s: "/" + s), st.just(""), st.just("/app/")),
        "PATH_INFO": st.one_of(
            latin1_text.map(lambda s: "/" + s),
            latin1_text,
            st.sampled_from(["", "/", "//x", "///", "/a/b/", "/caf\xc3\xa9"]),
        ),
        "QUERY_STRING": st.one_of(latin1_text, st.sampled_from(["a=1&b=2", "x=%20y", ""])),
        "HTTP_HOST": st.sampled_from(["example.test", "example.test:5000", "EXAMPLE.test"]),
        "REMOTE_ADDR": st.sampled_from(["127.0.0.1", "::1"]),
        "HTTP_X_CUSTOM": latin1_text,
        "CONTENT_TYPE": st.sampled_from(["text/plain; charset=utf-8", "application/json", ""]),
        "CONTENT_LENGTH": st.sampled_from(["0", "12", ""]),
        "HTTP_USER_AGENT": st.sampled_from(["agent/1.0", ""]),
        "HTTP_X_FORWARDED_FOR": st.sampled_from(["1.2.3.4, 5.6.7.8", "9.9.9.9"]),
    }
    for key, strategy in optional.items():
        if draw(st.booleans()):
            environ[key] = draw(strategy)
    if "HTTP_HOST" not in environ and "SERVER_NAME" not in environ:
        environ["SERVER_NAME"] = "fallback.test"
    return environ


def _headers_list(req: t.Any) -> list[tuple[str, str]]:
    return list(req.headers.items())


def _observe(req: t.Any, name: str) -> t.Any:
    """An attribute's value, or the type of the error reading it raised."""
    try:
        value = getattr(req, name)
    except Exception as e:
        return ("raised", type(e))
    if name == "user_agent":
        return value.string
    return value


@settings(max_examples=120, deadline=None)
@given(environ=environs())
def test_lazy_attributes_equal_werkzeug(environ: dict[str, t.Any]) -> None:
    ours = Request(dict(environ))
    theirs = WerkzeugRequest(dict(environ))
    for name in LAZY_ATTRIBUTES + DERIVED_ATTRIBUTES + ("args",):
        want = _observe(theirs, name)
        if name == "args" and want == ("raised", UnicodeDecodeError):
            # A deliberate difference (tests/test_reliability_requests.py):
            # raw non-UTF-8 query bytes are replaced, not an error.
            replaced = theirs.query_string.decode(errors="replace").encode().decode("latin-1")
            want = WerkzeugRequest({**environ, "QUERY_STRING": replaced}).args
        assert _observe(ours, name) == want, name
    assert _headers_list(ours) == _headers_list(theirs)


@settings(max_examples=60, deadline=None)
@given(environ=environs(), order=st.permutations(LAZY_ATTRIBUTES + ("headers",)))
def test_access_order_does_not_matter(environ: dict[str, t.Any], order: list[str]) -> None:
    ours = Request(dict(environ))
    theirs = WerkzeugRequest(dict(environ))
    for name in order:
        value = getattr(ours, name)
        if name == "headers":
            assert list(value.items()) == _headers_list(theirs)
        else:
            assert value == getattr(theirs, name)
    assert _observe(ours, "url") == _observe(theirs, "url")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("method", "PUT"),
        ("path", "/assigned"),
        ("root_path", "/mount"),
        ("query_string", b"z=9"),
        ("scheme", "https"),
        ("server", ("assigned.test", 81)),
        ("remote_addr", "192.0.2.1"),
        ("headers", Headers({"Host": "h.test", "X-A": "1"})),
    ],
)
@pytest.mark.parametrize("read_first", [False, True])
def test_lazy_attributes_are_assignable_like_werkzeug(name: str, value: t.Any, read_first: bool) -> None:
    environ = EnvironBuilder("/orig?q=1", base_url="http://orig.test/root").get_environ()
    ours = Request(dict(environ))
    theirs = WerkzeugRequest(dict(environ))
    if read_first:
        getattr(ours, name)
    setattr(ours, name, value)
    setattr(theirs, name, value)
    assert getattr(ours, name) == value
    for derived in ("url", "full_path", "base_url", "host", "args"):
        assert getattr(ours, derived) == getattr(theirs, derived), derived


def test_request_registers_itself_in_environ() -> None:
    environ = EnvironBuilder().get_environ()
    req = Request(environ)
    assert environ["werkzeug.request"] is req
    other = EnvironBuilder().get_environ()
    Request(other, populate_request=False)
    assert "werkzeug.request" not in other


def test_shallow_request_refuses_to_read_body() -> None:
    environ = EnvironBuilder(method="POST", data={"a": "1"}).get_environ()
    req = Request(environ, shallow=True)
    assert "werkzeug.request" not in environ
    with pytest.raises(RuntimeError):
        req.form  # noqa: B018


def test_lazy_descriptor_is_visible_on_the_class() -> None:
    assert Request.path.__class__.__name__ == "_lazy"  # type: ignore[attr-defined]
    req = Request(EnvironBuilder("/x").get_environ())
    assert "path" not in vars(req)
    assert req.path == "/x"
    assert vars(req)["path"] == "/x"


def _werkzeug_cached_properties() -> list[str]:
    names = set()
    for klass in WerkzeugRequest.__mro__:
        names.update(n for n, v in vars(klass).items() if isinstance(v, cached_property))
    return sorted(names)


@pytest.mark.parametrize("name", _werkzeug_cached_properties())
def test_werkzeug_cached_properties_become_plain_lookups(name: str) -> None:
    descriptor = inspect.getattr_static(Request, name)
    # A non-data descriptor: once computed, the instance dict answers.
    assert not hasattr(type(descriptor), "__set__")
    assert not hasattr(type(descriptor), "__delete__")


CACHED = frozenset(_werkzeug_cached_properties())
BODY_CASES = {
    "urlencoded": {"method": "POST", "data": {"name": "alice", "age": "30"}},
    "multipart": {"method": "POST", "data": {"f": "UPLOAD", "k": "v"}},
    "json": {"method": "POST", "json": {"a": [1, 2]}},
    "raw": {"method": "PUT", "data": b"raw body", "content_type": "text/plain; charset=latin1"},
    "chunked": {"method": "POST", "data": b"abc", "headers": {"Transfer-Encoding": "chunked"}},
    "no body": {
        "method": "GET",
        "query_string": "a=1&a=2",
        "headers": {
            "Cookie": "c=1",
            "Accept": "text/html",
            "Cache-Control": "no-cache",
            "If-Match": '"e"',
            "Authorization": "Basic dTpw",
            "Range": "bytes=0-1",
            "X-Forwarded-For": "1.2.3.4",
        },
    },
}
BODY_ATTRIBUTES = (
    "args", "cookies", "content_length", "mimetype", "mimetype_params", "form", "values",
    "data", "url", "base_url", "root_url", "host_url", "host", "full_path", "url_root",
    "access_route", "accept_mimetypes", "cache_control", "if_match", "range", "authorization",
)  # fmt: skip


def _body_environ(case: str) -> dict[str, t.Any]:
    kwargs = dict(BODY_CASES[case])
    data = kwargs.get("data")
    if isinstance(data, dict) and data.get("f") == "UPLOAD":
        kwargs["data"] = {**data, "f": (io.BytesIO(b"xyz"), "f.txt")}
    # The body as bytes in "wsgi.input", so each request reads its own copy.
    builder = EnvironBuilder("/p", **kwargs)
    try:
        environ = builder.get_environ()
        environ["wsgi.input"] = environ["wsgi.input"].read()
        return environ
    finally:
        builder.close()


def _comparable(value: t.Any) -> t.Any:
    if hasattr(value, "to_header"):
        return value.to_header()
    if hasattr(value, "items") and hasattr(value, "getlist"):
        return sorted((k, value.getlist(k)) for k in value.keys())
    return value


@pytest.mark.parametrize("case", BODY_CASES)
@pytest.mark.parametrize("attribute_order", ["listed", "reversed"])
def test_shadowed_properties_equal_werkzeug(case: str, attribute_order: str) -> None:
    names = BODY_ATTRIBUTES if attribute_order == "listed" else BODY_ATTRIBUTES[::-1]
    environ = _body_environ(case)
    ours = Request({**environ, "wsgi.input": io.BytesIO(environ["wsgi.input"])})
    theirs = WerkzeugRequest({**environ, "wsgi.input": io.BytesIO(environ["wsgi.input"])})
    for name in names:
        assert _comparable(getattr(ours, name)) == _comparable(getattr(theirs, name)), name
        if name in CACHED:
            assert vars(ours)[name] is getattr(ours, name)  # computed once
    assert sorted(ours.files) == sorted(theirs.files)
    assert ours.get_json(silent=True) == theirs.get_json(silent=True)
    ours.close()
    theirs.close()


@pytest.mark.parametrize("name", ["args", "form", "cookies", "url", "content_length"])
def test_shadowed_property_assignment_and_deletion_like_werkzeug(name: str) -> None:
    results = []
    for cls in (Request, WerkzeugRequest):
        req = cls(EnvironBuilder("/p?x=1", method="POST", data={"a": "1"}).get_environ())
        computed = _comparable(getattr(req, name))
        setattr(req, name, "assigned")
        assigned = getattr(req, name)
        delattr(req, name)
        recomputed = _comparable(getattr(req, name))
        results.append((computed, assigned, recomputed, name in vars(req)))
    assert results[0] == results[1]
    assert results[0][1] == "assigned"


def test_werkzeug_filling_the_instance_dict_is_seen() -> None:
    req = Request(EnvironBuilder(method="POST", data={"a": "1"}).get_environ())
    req._load_form_data()  # werkzeug stores form/files/stream in __dict__
    assert vars(req)["form"] is req.form
    assert req.form["a"] == "1"
    assert req.get_data(parse_form_data=True) == b""


def test_content_headers_follow_replaced_headers_like_werkzeug() -> None:
    replacement = Headers({"Content-Type": "application/json; charset=utf-8", "Content-Length": "7"})
    results = []
    for cls in (Request, WerkzeugRequest):
        req = cls(EnvironBuilder(method="POST", data=b"x", content_type="text/plain").get_environ())
        req.headers = replacement
        results.append((req.mimetype, req.mimetype_params, req.content_length, req.is_json))
    assert results[0] == results[1] == ("application/json", {"charset": "utf-8"}, 7, True)


def test_close_closes_uploaded_files_only() -> None:
    req = Request(EnvironBuilder(method="POST", data={"f": (io.BytesIO(b"x"), "f.txt")}).get_environ())
    upload = req.files["f"]
    req.close()
    assert upload.stream.closed
    plain = Request(EnvironBuilder(method="POST", data={"a": "1"}).get_environ())
    plain.form  # noqa: B018
    plain.close()
    Request(EnvironBuilder().get_environ()).close()


def test_limits_read_the_app_of_the_current_context(app: Flask) -> None:
    other = flaskfast.Flask("other")
    other.config["MAX_CONTENT_LENGTH"] = 99
    app.config["MAX_CONTENT_LENGTH"] = 5
    with app.test_request_context():
        with other.app_context():
            assert flaskfast.request.max_content_length == 99
        assert flaskfast.request.max_content_length == 5


def test_request_state_inside_a_view_matches_flask() -> None:
    rows = []
    for mod in (flask, flaskfast):
        app = mod.Flask("req")
        bp = mod.Blueprint("outer", __name__)
        inner = mod.Blueprint("inner", __name__)

        @inner.route("/<int:n>", methods=["GET", "POST"])
        def view(n: int) -> t.Any:
            r = mod.request
            return {
                "endpoint": r.endpoint,
                "blueprint": r.blueprint,
                "blueprints": r.blueprints,
                "view_args": r.view_args,
                "rule": r.url_rule.rule,
                "path": r.path,
                "full_path": r.full_path,
                "url": r.url,
                "script_root": r.script_root,
                "method": r.method,
                "args": r.args.to_dict(flat=False),
                "form": r.form.to_dict(flat=False),
                "json": r.get_json(silent=True),
            }

        bp.register_blueprint(inner, url_prefix="/inner")
        app.register_blueprint(bp, url_prefix="/outer")
        client = app.test_client()
        rows.append(
            [
                client.get("/outer/inner/5?a=1&a=2").get_json(),
                client.post("/outer/inner/6", data={"f": "v"}).get_json(),
                client.post("/outer/inner/7", json={"k": [1]}).get_json(),
                client.get("/outer/inner/8", base_url="https://h.test/root/").get_json(),
            ]
        )
    assert rows[1] == rows[0]


def test_request_outside_a_view_has_no_endpoint() -> None:
    req = Request(EnvironBuilder().get_environ())
    assert req.endpoint is None
    assert req.blueprint is None
    assert req.blueprints == []
    assert req.url_rule is None and req.view_args is None and req.routing_exception is None


def test_limits_follow_app_config(app: Flask) -> None:
    app.config.update(MAX_CONTENT_LENGTH=10, MAX_FORM_MEMORY_SIZE=20, MAX_FORM_PARTS=30)
    with app.test_request_context():
        req = flaskfast.request
        assert (req.max_content_length, req.max_form_memory_size, req.max_form_parts) == (10, 20, 30)
        req.max_content_length = 1
        req.max_form_memory_size = 2
        req.max_form_parts = 3
        assert (req.max_content_length, req.max_form_memory_size, req.max_form_parts) == (1, 2, 3)
    plain = Request(EnvironBuilder().get_environ())
    base = WerkzeugRequest(EnvironBuilder().get_environ())
    assert plain.max_content_length == base.max_content_length
    assert plain.max_form_memory_size == base.max_form_memory_size
    assert plain.max_form_parts == base.max_form_parts


def test_max_content_length_rejects_large_body(app: Flask, client: FlaskClient) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 4

    @app.route("/", methods=["POST"])
    def index() -> str:
        return str(len(flaskfast.request.get_data()))

    assert client.post("/", data=b"abc").data == b"3"
    assert client.post("/", data=b"too long").status_code == RequestEntityTooLarge.code


@pytest.mark.parametrize("debug", [False, True])
def test_invalid_json_error_like_flask(debug: bool) -> None:
    results = []
    for mod in (flask, flaskfast):
        app = mod.Flask("json")
        app.debug = debug
        app.add_url_rule("/", "index", lambda: str(mod.request.json), methods=["POST"])
        response = app.test_client().post("/", data=b"{not json", content_type="application/json")
        results.append((response.status_code, response.data))
    assert results[1] == results[0]


def test_invalid_json_raises_bad_request(app: Flask) -> None:
    with app.test_request_context("/", method="POST", data=b"{", content_type="application/json"):
        with pytest.raises(BadRequest):
            flaskfast.request.get_json()


def test_request_json_uses_app_provider(app: Flask) -> None:
    class Provider(flaskfast.json.provider.DefaultJSONProvider):
        def loads(self, s: t.Any, **kwargs: t.Any) -> t.Any:
            return {"loaded_by": "provider"}

    app.json = Provider(app)
    with app.test_request_context("/", method="POST", json={"a": 1}):
        assert flaskfast.request.get_json() == {"loaded_by": "provider"}


def test_files_from_non_multipart_form_explained_in_debug(app: Flask) -> None:
    app.debug = True
    with app.test_request_context("/", method="POST", data={"f": "not a file"}):
        with pytest.raises(KeyError) as info:
            flaskfast.request.files["f"]
        assert "multipart/form-data" in str(info.value)


# -- Response ---------------------------------------------------------------------------


def test_response_defaults() -> None:
    rv = Response("hi")
    assert rv.mimetype == "text/html"
    assert rv.headers["Content-Type"] == "text/html; charset=utf-8"
    assert rv.status == "200 OK"
    assert rv.autocorrect_location_header is False
    assert Response.default_mimetype == flask.Response.default_mimetype


def test_max_cookie_size_follows_config(app: Flask) -> None:
    assert Response().max_cookie_size == WerkzeugResponse().max_cookie_size
    app.config["MAX_COOKIE_SIZE"] = 20
    with app.app_context():
        rv = Response()
        assert rv.max_cookie_size == 20
        with pytest.warns(UserWarning, match="cookie is too large"):
            rv.set_cookie("name", "x" * 50)


def test_response_json_property(app: Flask) -> None:
    with app.app_context():
        rv = flaskfast.jsonify(a=[1, 2])
        assert rv.json == {"a": [1, 2]}
        assert rv.is_json


def _wsgi(response: t.Any, method: str = "GET", call: t.Any = None) -> tuple[t.Any, ...]:
    environ = EnvironBuilder(method=method).get_environ()
    seen: dict[str, t.Any] = {}

    def start_response(status: str, headers: t.Any, exc_info: t.Any = None) -> None:
        seen["status"], seen["headers"] = status, list(headers)

    app_iter = (call or type(response).__call__)(response, environ, start_response)
    body = b"".join(bytes(chunk) for chunk in app_iter)
    if hasattr(app_iter, "close"):
        app_iter.close()
    return seen["status"], seen["headers"], body


header_items = st.lists(
    st.one_of(
        st.tuples(st.sampled_from(["X-A", "x-b", "Vary", "Cache-Control"]), st.sampled_from(["1", "two", "a b"])),
        st.tuples(st.sampled_from(["Content-Length", "content-length"]), st.sampled_from(["0", "5", "99"])),
        st.tuples(st.sampled_from(["Location", "content-location"]), st.sampled_from(["/x", "/é ü", "http://h.test/p?q"])),
        st.tuples(st.just("Content-Type"), st.sampled_from(["text/plain", "application/json"])),
        st.tuples(st.sampled_from(["Allow", "Expires", "Last-Modified", "Content-Encoding"]), st.just("v")),
    ),
    max_size=6,
)
bodies = st.one_of(
    st.lists(st.binary(max_size=6), max_size=3),
    st.text(max_size=8),
    st.binary(max_size=8),
    st.lists(st.text(max_size=3), min_size=1, max_size=3),
)
statuses = st.one_of(
    st.sampled_from([100, 101, 200, 201, 204, 205, 301, 304, 404, 500, 599]),
    st.sampled_from(["299 CUSTOM", "200 ok", "207"]),
)


def _build(cls: type, body: t.Any, status: t.Any, headers: list[tuple[str, str]]) -> t.Any:
    rv = cls(body, status=status)
    for key, value in headers:
        rv.headers.add(key, value)
    return rv


@settings(max_examples=150, deadline=None)
@given(body=bodies, status=statuses, headers=header_items, method=st.sampled_from(["GET", "HEAD", "POST"]))
def test_fast_call_equals_werkzeug_and_flask(
    body: t.Any, status: t.Any, headers: list[tuple[str, str]], method: str
) -> None:
    ours = _wsgi(_build(Response, body, status, headers), method)
    generic = _wsgi(_build(Response, body, status, headers), method, call=WerkzeugResponse.__call__)
    theirs = _wsgi(_build(flask.Response, body, status, headers), method)
    assert ours == generic
    assert ours == theirs


def test_fast_call_after_set_data_and_mutation() -> None:
    rv = Response("first")
    rv.set_data("second, longer")
    rv.headers["X-Late"] = "1"
    rv.status_code = 202
    assert _wsgi(rv) == _wsgi(rv, call=WerkzeugResponse.__call__)
    assert _wsgi(rv)[2] == b"second, longer"


def test_fast_call_with_str_chunks_uses_general_path() -> None:
    rv = Response()
    rv.response = ["text ", "chunks"]
    assert _wsgi(rv) == _wsgi(rv, call=WerkzeugResponse.__call__)
    assert _wsgi(rv)[2] == b"text chunks"


def test_iterator_body_is_streamed_without_length() -> None:
    rv = Response(iter([b"a", b"b"]))
    status, headers, body = _wsgi(rv)
    assert body == b"ab"
    assert "Content-Length" not in dict(headers)


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_subclass_overriding_pipeline_is_honoured(method: str) -> None:
    calls: list[str] = []

    class Traced(Response):
        def get_wsgi_headers(self, environ: t.Any) -> Headers:
            calls.append("get_wsgi_headers")
            headers = super().get_wsgi_headers(environ)
            headers["X-Traced"] = "1"
            return headers

        def get_app_iter(self, environ: t.Any) -> t.Iterable[bytes]:
            calls.append("get_app_iter")
            return super().get_app_iter(environ)

    status, headers, body = _wsgi(Traced("body"), method)
    assert ("X-Traced", "1") in headers
    assert calls == ["get_wsgi_headers", "get_app_iter"]
    assert body == (b"" if method == "HEAD" else b"body")


def test_subclass_overriding_iter_encoded_is_honoured() -> None:
    class Upper(Response):
        def iter_encoded(self) -> t.Iterator[bytes]:
            for chunk in super().iter_encoded():
                yield chunk.upper()

    assert _wsgi(Upper("shout"))[2] == b"SHOUT"


def test_call_on_close_runs_after_iteration() -> None:
    closed: list[str] = []
    rv = Response("x")
    rv.call_on_close(lambda: closed.append("closed"))
    assert _wsgi(rv)[2] == b"x"
    assert closed == ["closed"]
