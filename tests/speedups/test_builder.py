"""The builder kernel builds exactly werkzeug's URLs, on each twin.

For generated rule sets (static text that needs quoting, the stock and custom
converters, defaults, methods, trailing slashes) and generated build
arguments (values of several types, None values, extra values for the query
string, ``method``, ``url_scheme``, ``force_external``, script names,
subdomains, ``sort_parameters``), ``Builder.build`` returns werkzeug's URL,
raises the exception werkzeug raises, or defers (``None``) exactly where
werkzeug raises ``BuildError``.
"""

from __future__ import annotations

import types
import typing as t

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from werkzeug.routing import BaseConverter
from werkzeug.routing import BuildError
from werkzeug.routing import MapAdapter
from werkzeug.routing import Rule
from werkzeug.routing import ValidationError

from flaskfast.routing import Map

from _twins import implementations

KERNELS = implementations("builder")


@pytest.fixture(scope="module", params=KERNELS, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def kernel(request: pytest.FixtureRequest) -> types.ModuleType:
    return request.param  # type: ignore[no-any-return]


class EvenConverter(BaseConverter):
    """A custom converter: builds even integers, rejects odd ones
    (``ValidationError``) and fails on anything else (``ValueError``)."""

    regex = r"\d+"

    def to_url(self, value: t.Any) -> str:
        number = int(value)
        if number % 2:
            raise ValidationError()
        return f"e{number}"


CONVERTERS = ("string", "int", "path", "any(a, b, 'c d')", "even", "int(fixed_digits=3)")
NAMES = ("x", "y", "z")
STATIC = st.text(alphabet="ab/ %ä?#-_.~:@", min_size=1, max_size=4).filter(
    lambda s: "//" not in s and "<" not in s
)


@st.composite
def rule_texts(draw: st.DrawFn) -> tuple[str, tuple[str, ...]]:
    pieces = ["/"]
    names: list[str] = []
    for _ in range(draw(st.integers(0, 3))):
        if draw(st.booleans()):
            pieces.append(draw(STATIC).lstrip("/") or "s")
        else:
            free = [n for n in NAMES if n not in names]
            if not free:
                continue
            name = draw(st.sampled_from(free))
            names.append(name)
            pieces.append(f"<{draw(st.sampled_from(CONVERTERS))}:{name}>")
        pieces.append("/")
    text = "".join(pieces)
    if draw(st.booleans()) and len(text) > 1:
        text = text[:-1]
    return text, tuple(names)


SCALARS = st.one_of(
    st.none(),
    st.integers(-20, 2000),
    st.text(alphabet="ab/ %ä&=+-_.~", max_size=4),
    st.sampled_from(["a", "b", "c d", "1", "12", "-3"]),
    st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False, width=16),
)
VALUES = st.one_of(SCALARS, st.lists(SCALARS, max_size=2))


@st.composite
def rules(draw: st.DrawFn) -> Rule:
    text, names = draw(rule_texts())
    others = [n for n in (*NAMES, "w") if n not in names]
    defaults = draw(st.dictionaries(st.sampled_from(others), SCALARS, max_size=2)) if others else {}
    methods = draw(st.sampled_from([None, ["GET"], ["POST"], ["GET", "POST"], ["PUT"]]))
    return Rule(
        text,
        endpoint=draw(st.sampled_from(["e1", "e2"])),
        defaults=defaults or None,
        methods=methods,
    )


@st.composite
def cases(draw: st.DrawFn) -> tuple[Map, MapAdapter, dict[str, t.Any], t.Any]:
    url_map = Map(
        draw(st.lists(rules(), min_size=1, max_size=4)),
        converters={"even": EvenConverter},
        sort_parameters=draw(st.booleans()),
    )
    adapter = url_map.bind(
        "example.org",
        script_name=draw(st.sampled_from(["/", "/app", "/app/", "/a b/"])),
        subdomain=draw(st.sampled_from([None, "", "sub"])),
        url_scheme=draw(st.sampled_from(["http", "https", "ws", ""])),
        default_method=draw(st.sampled_from(["GET", "POST"])),
    )
    # Mostly every variable present (so that most cases build), plus extras.
    present = draw(st.sampled_from([NAMES, NAMES, NAMES, NAMES[:2], ()]))
    values = {name: draw(SCALARS) for name in present}
    values.update(draw(st.dictionaries(st.sampled_from(["w", "q", "r", "x"]), VALUES, max_size=3)))
    kwargs = {
        "method": draw(st.sampled_from([None, "GET", "POST", "PUT"])),
        "url_scheme": draw(st.sampled_from([None, "http", "https", "wss", ""])),
        "force_external": draw(st.booleans()),
    }
    return url_map, adapter, values, kwargs


def outcome(call: t.Callable[[], t.Any]) -> t.Any:
    try:
        return ("ok", call())
    except Exception as e:  # noqa: BLE001 - the error is the outcome
        return ("error", type(e), str(e))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=cases(), endpoint=st.sampled_from(["e1", "e2", "e1", "e2", "nope"]))
def test_builds_what_werkzeug_builds(
    kernel: types.ModuleType, case: t.Any, endpoint: str
) -> None:
    url_map, adapter, values, kwargs = case
    builder = url_map._ff_compile_builder(kernel)
    ours = outcome(lambda: builder.build(adapter, endpoint, dict(values), **kwargs))
    theirs = outcome(lambda: adapter.build(endpoint, dict(values), **kwargs))
    if ours == ("ok", None):
        # Deferring is only allowed where werkzeug cannot build.
        assert theirs[0] == "error" and theirs[1] is BuildError, theirs
    else:
        assert ours == theirs


def test_answers_plain_cases_itself(kernel: types.ModuleType) -> None:
    url_map = Map(
        [
            Rule("/", endpoint="index"),
            Rule("/u/<name>/", endpoint="user"),
            Rule("/p/<int:n>", endpoint="page"),
            Rule("/f/<path:p>", endpoint="file", methods=["POST"]),
        ]
    )
    adapter = url_map.bind("example.org", "/root/")
    builder = url_map._ff_compile_builder(kernel)
    calls = [
        ("index", {}, {}),
        ("user", {"name": "ä b", "q": [1, 2], "none": None}, {}),
        ("page", {"n": 7}, {"force_external": True, "url_scheme": "wss"}),
        ("file", {"p": "a/b"}, {"method": "POST"}),
        ("file", {"p": "a/b"}, {}),
    ]
    for endpoint, values, kwargs in calls:
        assert builder.build(adapter, endpoint, values, **kwargs) == adapter.build(
            endpoint, values, **kwargs
        )


def test_defers_what_it_does_not_own(kernel: types.ModuleType) -> None:
    url_map = Map(
        [
            Rule("/", endpoint="index"),
            Rule("/s", endpoint="sub", subdomain="<user>"),
            Rule("/d/<x>", endpoint="folded", defaults={"x": "1"}),
            Rule("/w", endpoint="socket", websocket=True),
        ]
    )
    adapter = url_map.bind("example.org")
    builder = url_map._ff_compile_builder(kernel)
    assert builder.build(adapter, "sub", {"user": "a"}) is None
    assert builder.build(adapter, "folded", {}) is None
    assert builder.build(adapter, "socket", {}) is None
    assert builder.build(adapter, "missing", {}) is None
    assert builder.build(adapter, ["unhashable"], {}) is None
    assert builder.build(adapter, "index", {1: "non-string key"}) is None
    assert builder.build(adapter, "index", MultiDict({"a": "b"})) is None
    assert builder.build(adapter, "index", {}, method=b"GET") is None
    assert builder.build(adapter, "index", {}, url_scheme=["http"]) is None
    # An adapter of another map or class is never answered for.
    other = Map([Rule("/", endpoint="index")]).bind("example.org")
    assert builder.build(other, "index", {}) is None
    assert builder.build(adapter, "index", {}) == "/"


def test_custom_converter_errors_propagate(kernel: types.ModuleType) -> None:
    url_map = Map([Rule("/<even:n>", endpoint="e")], converters={"even": EvenConverter})
    adapter = url_map.bind("example.org")
    builder = url_map._ff_compile_builder(kernel)
    assert builder.build(adapter, "e", {"n": 4}) == "/e4"
    assert builder.build(adapter, "e", {"n": 3}) is None  # werkzeug: BuildError
    with pytest.raises(ValueError, match="invalid literal"):
        builder.build(adapter, "e", {"n": "x"})


def test_map_changes_rebuild_the_builder() -> None:
    url_map = Map([Rule("/a", endpoint="a")])
    adapter = url_map.bind("example.org")
    assert url_map.fast_build(adapter, "b", {}) is None
    url_map.add(Rule("/b", endpoint="b"))
    assert url_map.fast_build(adapter, "b", {}) == "/b"
    url_map.host_matching = True
    assert url_map.fast_build(adapter, "b", {}) is None


def test_sort_parameters_set_later_is_seen() -> None:
    url_map = Map([Rule("/", endpoint="index")])
    adapter = url_map.bind("example.org")
    assert url_map.fast_build(adapter, "index", {"b": 1, "a": 2}) == "/?b=1&a=2"
    url_map.sort_parameters = True
    assert url_map.fast_build(adapter, "index", {"b": 1, "a": 2}) == "/?a=2&b=1"
