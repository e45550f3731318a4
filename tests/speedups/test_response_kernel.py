"""The ``response`` kernel: a view's return value to a response object.

``make_response(app, rv, ctx)`` must give what Flask 3.1.3's ``make_response``
gives (status, header list, body, errors) and ``plain_response(cls, body)``
must leave the object in the same state as ``cls(body)``.  Every available
twin is checked.
"""

from __future__ import annotations

import types
import typing as t
from http import HTTPStatus

import flask
import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from markupsafe import Markup
from werkzeug.datastructures import Headers
from werkzeug.exceptions import Conflict
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import MethodNotAllowed
from werkzeug.wrappers import Response as WerkzeugResponse

from _twins import implementations

import flaskfast
import flaskfast._speedups as speedups
from flaskfast.globals import _cv_request


KERNELS = implementations("response")


@pytest.fixture(params=KERNELS, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def kernel(request: pytest.FixtureRequest) -> types.ModuleType:
    return request.param  # type: ignore[no-any-return]


def test_selected_kernel_is_one_of_the_twins() -> None:
    assert speedups.response.__name__ in {m.__name__ for m in KERNELS}


def _state(rv: t.Any) -> tuple[t.Any, ...]:
    return (
        type(rv).__name__,
        rv.status,
        rv.status_code,
        rv.headers.to_wsgi_list(),
        rv.get_data(),
        rv.direct_passthrough,
        rv.is_sequence,
    )


class _CustomCall(HTTPException):
    code = 409
    description = "custom call"

    def __call__(self, environ: t.Any, start_response: t.Any) -> t.Any:
        start_response("409 CONFLICT", [("X-Own-Call", "1"), ("Content-Type", "text/plain")])
        return [b"own call"]


class _CustomGetResponse(Conflict):
    def get_headers(self, environ: t.Any = None, scope: t.Any = None) -> list[tuple[str, str]]:
        return [("Content-Type", "text/plain"), ("X-Own-Headers", "1")]


def _wsgi_callable(environ: t.Any, start_response: t.Any) -> list[bytes]:
    start_response("200 OK", [("X-W", "1")])
    return [b"w"]


VALUES: dict[str, t.Callable[[types.ModuleType], t.Any]] = {
    "str": lambda m: "text é",
    "bytes": lambda m: b"bytes",
    "bytearray": lambda m: bytearray(b"ba"),
    "empty": lambda m: "",
    "markup": lambda m: Markup("<p>"),
    "dict": lambda m: {"z": 1, "a": 2},
    "list": lambda m: [1, {"x": None}],
    "iterator": lambda m: iter(["a", "b"]),
    "own_response": lambda m: m.Response("own", status=202),
    "werkzeug_response": lambda m: WerkzeugResponse("wz", headers={"X-Wz": "1"}),
    "wsgi_callable": lambda m: _wsgi_callable,
    "http_exception": lambda m: MethodNotAllowed(valid_methods=["GET", "POST"]),
    "custom_call_exception": lambda m: _CustomCall(),
    "custom_headers_exception": lambda m: _CustomGetResponse(),
}
STATUSES: list[t.Any] = [None, 201, "202 ACCEPTED", "299 WHATEVER", HTTPStatus.NO_CONTENT, 404]
HEADERS: list[t.Any] = [
    None,
    {"X-D": "1"},
    [("X-L", "1"), ("X-L", "2")],
    Headers([("X-H", "1")]),
    {"Content-Type": "text/plain"},
    {},
]


def _shape(value: t.Any, status: t.Any, headers: t.Any) -> t.Any:
    if status is None and headers is None:
        return value
    if headers is None:
        return (value, status)
    if status is None:
        return (value, headers)
    return (value, status, headers)


def _outcome(mod: types.ModuleType, kernel: types.ModuleType | None, key: str, status: t.Any, headers: t.Any) -> t.Any:
    app = mod.Flask("kernel")
    with app.test_request_context():
        rv = _shape(VALUES[key](mod), status, headers)
        try:
            if kernel is None:
                made = app.make_response(rv)
            else:
                made = kernel.make_response(app, rv, _cv_request.get(None))
        except Exception as e:
            return ("raised", type(e).__name__)
        return _state(made)


@settings(max_examples=150, deadline=None)
@given(
    key=st.sampled_from(sorted(VALUES)),
    status=st.sampled_from(STATUSES),
    headers=st.sampled_from(HEADERS),
)
def test_make_response_matches_flask(key: str, status: t.Any, headers: t.Any) -> None:
    expected = _outcome(flask, None, key, status, headers)
    for kernel in KERNELS:
        assert _outcome(flaskfast, kernel, key, status, headers) == expected


@pytest.mark.parametrize(
    "value",
    [None, 3, 2.0, object(), (), ("a",), ("a", 1, {}, 4), {"a"}, type],
    ids=["None", "int", "float", "object", "empty_tuple", "one_tuple", "four_tuple", "set", "class"],
)
def test_invalid_values_raise_flask_type_error(kernel: types.ModuleType, value: t.Any) -> None:
    flask_app = flask.Flask("k")
    with flask_app.test_request_context():
        with pytest.raises(TypeError) as expected:
            flask_app.make_response(value)
    app = flaskfast.Flask("k")
    with app.test_request_context():
        with pytest.raises(TypeError) as actual:
            kernel.make_response(app, value, _cv_request.get(None))
    assert str(actual.value) == str(expected.value)


def test_response_of_the_app_class_is_returned_unchanged(kernel: types.ModuleType) -> None:
    app = flaskfast.Flask("k")
    response = app.response_class("same")
    with app.test_request_context():
        assert kernel.make_response(app, response, _cv_request.get(None)) is response
        again = kernel.make_response(app, (response, 201, {"X": "1"}), _cv_request.get(None))
    assert again is response
    assert response.status_code == 201
    assert response.headers["X"] == "1"


def test_works_without_a_request_context(kernel: types.ModuleType) -> None:
    app = flaskfast.Flask("k")
    with app.app_context():
        assert kernel.make_response(app, {"a": 1}, None).json == {"a": 1}
        assert kernel.make_response(app, WerkzeugResponse("w"), None).get_data() == b"w"
    with pytest.raises(TypeError, match="None"):
        kernel.make_response(app, None, None)


def test_the_request_context_is_the_one_passed(kernel: types.ModuleType) -> None:
    """The kernel reads nothing from flaskfast's context variables: the
    endpoint in the error message and the environ of a WSGI callable come
    from the ``ctx`` argument."""
    app = flaskfast.Flask("k")
    app.add_url_rule("/named", "named_view", lambda: "")
    other = app.test_request_context("/named", environ_base={"HTTP_X_WHO": "passed"})
    other.match_request()

    def wsgi(environ: t.Any, start_response: t.Any) -> list[bytes]:
        start_response("200 OK", [])
        return [environ.get("HTTP_X_WHO", "current").encode()]

    with app.test_request_context("/elsewhere"):
        with pytest.raises(TypeError, match="for 'named_view' did not return"):
            kernel.make_response(app, None, other)
        assert kernel.make_response(app, wsgi, other).get_data() == b"passed"
        with pytest.raises(TypeError, match="for None did not return"):
            kernel.make_response(app, None, None)


def _classes() -> dict[str, type]:
    base = flaskfast.Response

    class Text(base):
        default_mimetype = "text/plain"

    class Bare(base):
        default_mimetype = None

    class Created(base):
        default_status = 201

    class Teapot(base):
        default_status = 418

    class Odd(base):
        default_status = 299

    class Init(base):
        def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
            super().__init__(*args, **kwargs)
            self.headers["X-Init"] = "1"

    class NoLength(base):
        automatically_set_content_length = False

    return {
        "base": base,
        "werkzeug": WerkzeugResponse,
        "text": Text,
        "bare": Bare,
        "created": Created,
        "teapot": Teapot,
        "odd": Odd,
        "init": Init,
        "no_length": NoLength,
    }


CLASSES = _classes()


@pytest.mark.parametrize("cls_name", sorted(CLASSES))
@pytest.mark.parametrize("body", ["", "ascii", "ünïcode", b"bytes", bytearray(b"ba"), Markup("<i>")])
def test_plain_response_equals_constructor(kernel: types.ModuleType, cls_name: str, body: t.Any) -> None:
    cls = CLASSES[cls_name]
    fast = kernel.plain_response(cls, body)
    slow = cls(body)
    assert type(fast) is cls
    assert _state(fast) == _state(slow)
    assert list(fast.response) == list(slow.response)
    assert fast._on_close == slow._on_close


@settings(max_examples=100, deadline=None)
@given(body=st.one_of(st.text(max_size=20), st.binary(max_size=20)))
def test_plain_response_equals_constructor_for_any_text(body: t.Any) -> None:
    for kernel in KERNELS:
        assert _state(kernel.plain_response(flaskfast.Response, body)) == _state(flaskfast.Response(body))


def test_plain_response_objects_are_independent(kernel: types.ModuleType) -> None:
    first = kernel.plain_response(flaskfast.Response, "one")
    second = kernel.plain_response(flaskfast.Response, "two")
    first.headers["X-First"] = "1"
    first.call_on_close(lambda: None)
    assert "X-First" not in second.headers
    assert second._on_close == []
    assert second.get_data() == b"two"


def test_class_attributes_changed_on_a_subclass_are_seen(kernel: types.ModuleType) -> None:
    class Late(flaskfast.Response):
        pass

    assert kernel.plain_response(Late, "x").mimetype == "text/html"

    class Later(flaskfast.Response):
        default_mimetype = "application/xml"

    assert kernel.plain_response(Later, "x").mimetype == "application/xml"


# -- text with a status and headers, and the JSON provider's response ---------


def _full_state(rv: t.Any) -> dict[str, t.Any]:
    """Everything the constructor leaves on the object, except the kernel's
    own send marker."""
    state = {k: v for k, v in vars(rv).items() if k not in ("_ff_plain", "headers", "response")}
    # The kernels' Headers subclasses stand for werkzeug's own class.
    kind = type(rv.headers)
    if kind.__dict__.get("_ff_response_headers"):
        kind = kind.__base__
    state["headers"] = (kind, list(rv.headers._list), sorted(vars(rv.headers)))
    state["response"] = (type(rv.response), list(rv.response))
    state["is_sequence"] = rv.is_sequence
    state["type"] = type(rv)
    return state


def _mutated(rv: t.Any) -> tuple[t.Any, ...]:
    rv.set_data("changed")
    rv.headers["X-Later"] = "1"
    rv.headers.add("Content-Type", "text/x-second")
    rv.status_code = 202
    return (_full_state(rv), rv.headers.to_wsgi_list(), rv.get_data())


TEXT_HEADERS: list[t.Any] = [
    None,
    {},
    [],
    {"X-Item-Id": "42"},
    {"X-A": "1", "x-b": "two words", "Vary": "Accept"},
    [("X-L", "1"), ("X-L", "2"), ("Set-Cookie", "a=b")],
    {"content-type": "text/plain"},
    {"Content-Length": "3"},
    [("X-A", "1"), ("CONTENT-TYPE", "text/csv")],
    {"X-Num": 5},
    {"X-Multi": ["a", "b"]},
    {"X-Bad": "a\nb"},
    {"X-Nul": "a\0b"},
    [("X-A", "1", "extra")],
    [["X-A", "1"]],
    Headers([("X-H", "1")]),
    (("X-T", "1"),),
    {"\u212aey": "kelvin"},
    {"Content-\u0130ype": "odd"},
]


@pytest.mark.parametrize("headers", TEXT_HEADERS, ids=repr)
@pytest.mark.parametrize("status", [201, 999, "201 CREATED", True])
@pytest.mark.parametrize("body", ["created", "\u00e9t\u00e9", b"raw", Markup("<b>"), "\ud800"])
@pytest.mark.parametrize("cls_name", ["base", "werkzeug", "init", "no_length"])
def test_text_response_equals_constructor(
    kernel: types.ModuleType, cls_name: str, body: t.Any, status: t.Any, headers: t.Any
) -> None:
    cls = CLASSES[cls_name]
    try:
        slow = cls(body, status=status, headers=headers)
    except Exception as e:
        # Declined (the constructor then raises) or the same error.
        try:
            assert kernel.text_response(cls, body, status, headers) is None
        except Exception as got:
            assert (type(got), str(got)) == (type(e), str(e))
        return
    fast = kernel.text_response(cls, body, status, headers)
    if fast is None:
        return
    assert "_ff_plain" not in vars(fast)
    assert _full_state(fast) == _full_state(slow)
    assert _mutated(fast) == _mutated(slow)


def test_text_response_takes_the_shortcut_for_the_bench_tuple(kernel: types.ModuleType) -> None:
    rv = kernel.text_response(flaskfast.Response, "created", 201, {"X-Item-Id": "42"})
    assert rv is not None
    assert rv.headers.to_wsgi_list() == [
        ("X-Item-Id", "42"),
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Length", "7"),
    ]
    assert rv.status == "201 CREATED"


def test_text_response_declines_overridden_status_handling(kernel: types.ModuleType) -> None:
    class OwnStatus(flaskfast.Response):
        def _clean_status(self, value: t.Any) -> tuple[str, int]:
            return "299 MINE", 299

    class OwnData(flaskfast.Response):
        def set_data(self, value: t.Any) -> None:
            super().set_data(value)
            self.headers["X-Data"] = "1"

    for cls in (OwnStatus, OwnData):
        assert kernel.text_response(cls, "x", 201, {"X-A": "1"}) is None
        assert kernel.mimetype_response(cls, "{}\n", "application/json").headers == cls(
            "{}\n", mimetype="application/json"
        ).headers


@pytest.mark.parametrize(
    "mimetype", ["application/json", "text/plain", "application/xml", "", None, "application/vnd.x+json"]
)
@pytest.mark.parametrize("body", ['{"a":1}\n', "", "\u00e9", b"raw"])
@pytest.mark.parametrize("cls_name", sorted(CLASSES))
def test_mimetype_response_equals_constructor(
    kernel: types.ModuleType, cls_name: str, body: t.Any, mimetype: t.Any
) -> None:
    cls = CLASSES[cls_name]
    fast = kernel.mimetype_response(cls, body, mimetype)
    slow = cls(body, mimetype=mimetype)
    assert _full_state(fast) == _full_state(slow)
    assert _mutated(fast) == _mutated(slow)


def _json_outcome(mod: types.ModuleType, setup: t.Callable[[t.Any], None], args: tuple[t.Any, ...], kwargs: dict[str, t.Any]) -> t.Any:
    app = mod.Flask("json")
    setup(app)
    with app.app_context():
        try:
            rv = app.json.response(*args, **kwargs)
        except Exception as e:
            return ("raised", type(e).__name__, str(e))
        return (rv.status, rv.headers.to_wsgi_list(), rv.get_data(), rv.is_sequence, type(rv).__name__)


class _Obj:
    def __html__(self) -> str:
        return "<html-ish>"


def _provider_setups(mod: types.ModuleType) -> dict[str, t.Callable[[t.Any], None]]:
    def own(name: str, **attrs: t.Any) -> t.Callable[[t.Any], None]:
        def setup(app: t.Any) -> None:
            provider = type(name, (mod.json.provider.DefaultJSONProvider,), attrs)
            app.json_provider_class = provider
            app.json = provider(app)

        return setup

    def debug(app: t.Any) -> None:
        app.debug = True

    def instance_default(app: t.Any) -> None:
        app.json.default = lambda o: "instance default"

    def text_class(app: t.Any) -> None:
        app.response_class = type("TextResponse", (app.response_class,), {"default_mimetype": "text/plain"})

    return {
        "stock": lambda app: None,
        "debug": debug,
        "not_compact": own("NotCompact", compact=False),
        "compact": own("Compact", compact=True),
        "unicode": own("Unicode", ensure_ascii=False),
        "unsorted": own("Unsorted", sort_keys=False),
        "mimetype": own("Mime", mimetype="application/vnd.api+json"),
        "own_dumps": own("OwnDumps", dumps=lambda self, obj, **kw: "DUMPED"),
        "own_prepare": own(
            "OwnPrepare", _prepare_response_obj=lambda self, args, kwargs: {"prepared": len(args)}
        ),
        "own_default": own("OwnDefault", default=staticmethod(lambda o: "converted")),
        "instance_default": instance_default,
        "text_class": text_class,
    }


JSON_ARGS: list[tuple[tuple[t.Any, ...], dict[str, t.Any]]] = [
    (({"z": 1, "a": [1, 2.5, None, True, "\u00e9"]},), {}),
    (([1, {"b": {}}],), {}),
    (("text",), {}),
    ((3,), {}),
    ((), {}),
    ((1, 2), {}),
    ((), {"a": 1}),
    ((1,), {"a": 1}),
    (({"when": _Obj()},), {}),
    (({"bad": object()},), {}),
    (({"nan": float("nan")},), {}),
    (({1: "int key", "2": "str key"},), {}),
]


@pytest.mark.parametrize("args", JSON_ARGS, ids=repr)
@pytest.mark.parametrize("setup", sorted(_provider_setups(flaskfast)))
def test_json_response_matches_flask(setup: str, args: tuple[t.Any, t.Any]) -> None:
    expected = _json_outcome(flask, _provider_setups(flask)[setup], *args)
    got = _json_outcome(flaskfast, _provider_setups(flaskfast)[setup], *args)
    if expected[0] == "raised":
        assert got[:2] == expected[:2]
    else:
        assert got == expected


def test_json_response_object_equals_constructor() -> None:
    app = flaskfast.Flask("json")
    with app.app_context():
        fast = app.json.response({"a": 1})
        slow = app.response_class('{"a":1}\n', mimetype="application/json")
    assert _full_state(fast) == _full_state(slow)
    assert _mutated(fast) == _mutated(slow)


def test_plain_response_keeps_a_bytearray_body_as_werkzeug_does(
    kernel: types.ModuleType,
) -> None:
    body = bytearray(b"raw")
    built = kernel.plain_response(flaskfast.Response, body)
    reference = flaskfast.Response(body)
    assert type(built.response[0]) is bytearray
    assert built.response == reference.response
    assert built.headers.to_wsgi_list() == reference.headers.to_wsgi_list()


def test_plain_response_calls_a_class_that_customises_its_status(
    kernel: types.ModuleType,
) -> None:
    class Custom(flaskfast.Response):
        def _clean_status(self, value: t.Any) -> tuple[str, int]:
            status, code = super()._clean_status(value)
            return f"{status} (custom)", code

    built = kernel.plain_response(Custom, "hi")
    assert built.status == "200 OK (custom)"
    assert built.get_data() == b"hi"


# -- the response Headers subclass ---------------------------------------------


class _Text(str):
    pass


_header_names = st.sampled_from(
    ["X-A", "x-a", "X-a", "Content-Type", "content-type", "X-B", "x-b", ""]
)
_header_keys = st.one_of(
    _header_names,
    _header_names.map(_Text),
    st.sampled_from([b"X-A", 3, None]),
)
_header_values = st.one_of(
    st.sampled_from(["yes", "", "a\nb", "a\rb", "text/html", "\u00e9"]),
    st.text(max_size=4),
    st.sampled_from([7, None, 2.5, _Text("sub"), _Text("bad\n"), Markup("<b>")]),
)
_operations = st.lists(
    st.one_of(
        st.tuples(st.sampled_from(["set", "setitem", "add", "setdefault"]), _header_keys, _header_values),
        st.tuples(st.sampled_from(["getitem", "contains", "delitem", "get", "getlist"]), _header_keys),
        st.tuples(st.just("set_options"), _header_names, st.sampled_from(["text/html", "a\nb"])),
        st.tuples(st.just("setitem_index"), st.integers(-3, 3), st.tuples(_header_names, _header_values)),
    ),
    max_size=12,
)
_initial_lists = st.lists(st.tuples(_header_names, st.sampled_from(["1", "two"])), max_size=5)


def _apply_header_op(headers: Headers, op: tuple[t.Any, ...]) -> t.Any:
    kind = op[0]
    try:
        if kind == "set":
            return headers.set(op[1], op[2])
        if kind == "setitem":
            headers[op[1]] = op[2]
            return None
        if kind == "add":
            return headers.add(op[1], op[2])
        if kind == "setdefault":
            return headers.setdefault(op[1], op[2])
        if kind == "getitem":
            return headers[op[1]]
        if kind == "contains":
            return op[1] in headers
        if kind == "delitem":
            del headers[op[1]]
            return None
        if kind == "get":
            return headers.get(op[1])
        if kind == "getlist":
            return headers.getlist(op[1])
        if kind == "set_options":
            return headers.set(op[1], op[2], charset="utf-8")
        headers[op[1]] = op[2]
        return None
    except Exception as e:  # noqa: BLE001 - the error itself is compared
        return ("raised", type(e), str(e))


@pytest.mark.parametrize("module", KERNELS, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
@settings(max_examples=300, deadline=None)
@given(initial=_initial_lists, operations=_operations)
def test_response_headers_behave_as_werkzeug(
    module: types.ModuleType, initial: list[tuple[str, str]], operations: list[t.Any]
) -> None:
    ours = module.Headers(initial)
    theirs = Headers(initial)
    for op in operations:
        assert _apply_header_op(ours, op) == _apply_header_op(theirs, op), op
        assert ours._list == theirs._list, op
        twin = Headers()
        twin._list = list(theirs._list)
        assert _result_of(lambda: ours == theirs) == _result_of(lambda: twin == theirs)
        assert _result_of(lambda: theirs == ours) == _result_of(lambda: theirs == twin)
        assert repr(ours) == repr(theirs)


def _result_of(call: t.Callable[[], t.Any]) -> t.Any:
    try:
        return call()
    except Exception as e:  # noqa: BLE001 - the error itself is compared
        return ("raised", type(e), str(e))


@pytest.mark.parametrize("module", KERNELS, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_response_headers_are_werkzeug_headers(module: types.ModuleType) -> None:
    headers = module.Headers([("Content-Type", "text/plain"), ("X-A", "1"), ("x-a", "2")])
    assert isinstance(headers, Headers)
    headers["x-A"] = "3"
    assert headers.to_wsgi_list() == [("Content-Type", "text/plain"), ("x-A", "3")]
    with pytest.raises(ValueError, match="must not contain newline"):
        headers["X-B"] = "a\nb"
    assert headers == Headers([("content-type", "text/plain"), ("X-A", "3")])
    assert headers != Headers([("Content-Type", "text/plain")])
    assert headers.copy() == headers
    assert (headers == {"X-A": "3"}) is False


def test_response_headers_of_both_twins_compare_equal() -> None:
    items = [("X-A", "1")]
    for left in KERNELS:
        for right in KERNELS:
            assert left.Headers(items) == right.Headers(items)


def test_kernel_responses_use_response_headers(kernel: types.ModuleType) -> None:
    rv = kernel.plain_response(flaskfast.Response, "hi")
    assert type(rv.headers) is kernel.Headers
    rv.headers["X-Hooked"] = "yes"
    assert rv.headers.to_wsgi_list()[-1] == ("X-Hooked", "yes")
    # werkzeug-built responses keep werkzeug's class and still work.
    other = flaskfast.Response.force_type(WerkzeugResponse("x"))
    other.headers["X-Hooked"] = "yes"
    assert other.headers["x-hooked"] == "yes"
