"""The ``response`` kernel: a view's return value to a response object.

``make_response(app, rv)`` must give what Flask 3.1.3's ``make_response``
gives (status, header list, body, errors) and ``plain_response(cls, body)``
must leave the object in the same state as ``cls(body)``.  Every available
twin is checked.
"""

from __future__ import annotations

import importlib
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

import flaskfast
import flaskfast._speedups as speedups


def _implementations(name: str) -> list[types.ModuleType]:
    found = [importlib.import_module(f"flaskfast._speedups.{name}_py")]
    try:
        found.append(importlib.import_module(f"flaskfast._speedups.{name}_c"))
    except ImportError:
        pass
    return found


KERNELS = _implementations("response")


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
                made = kernel.make_response(app, rv)
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
            kernel.make_response(app, value)
    assert str(actual.value) == str(expected.value)


def test_response_of_the_app_class_is_returned_unchanged(kernel: types.ModuleType) -> None:
    app = flaskfast.Flask("k")
    response = app.response_class("same")
    with app.test_request_context():
        assert kernel.make_response(app, response) is response
        again = kernel.make_response(app, (response, 201, {"X": "1"}))
    assert again is response
    assert response.status_code == 201
    assert response.headers["X"] == "1"


def test_works_without_a_request_context(kernel: types.ModuleType) -> None:
    app = flaskfast.Flask("k")
    with app.app_context():
        assert kernel.make_response(app, {"a": 1}).json == {"a": 1}
        assert kernel.make_response(app, WerkzeugResponse("w")).get_data() == b"w"
    with pytest.raises(TypeError, match="None"):
        kernel.make_response(app, None)


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
