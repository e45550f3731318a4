"""The ``json`` kernel: :func:`encode` gives exactly what ``fallback`` gives,
``json.dumps`` with compact separators and the settings passed.

For generated plain data (every code point in strings, big and negative
integers, special floats, nesting) and data the kernel hands back (other
types, subclasses, non-string keys, cycles, deep nesting), each twin returns
the standard library's string or raises the standard library's error.
"""

from __future__ import annotations

import collections
import datetime
import decimal
import json
import types
import typing as t

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

import flaskfast._speedups as speedups

from _twins import implementations

KERNELS = implementations("json")


@pytest.fixture(scope="module", params=KERNELS, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def kernel(request: pytest.FixtureRequest) -> types.ModuleType:
    return request.param  # type: ignore[no-any-return]


def _default(o: t.Any) -> t.Any:
    if isinstance(o, (decimal.Decimal, datetime.date)):
        return str(o)
    raise TypeError(f"Object of type {type(o).__name__} is not JSON serializable")


def stdlib(ensure_ascii: bool, sort_keys: bool) -> t.Callable[[t.Any], str]:
    def dumps(obj: t.Any) -> str:
        return json.dumps(
            obj,
            default=_default,
            ensure_ascii=ensure_ascii,
            sort_keys=sort_keys,
            separators=(",", ":"),
        )

    return dumps


def outcome(call: t.Callable[[], str]) -> tuple[str, str]:
    try:
        return "ok", call()
    except Exception as e:  # noqa: BLE001 - the error is the result compared
        return type(e).__name__, str(e)


def agree(kernel: types.ModuleType, obj: t.Any, ensure_ascii: bool, sort_keys: bool) -> None:
    fallback = stdlib(ensure_ascii, sort_keys)
    assert outcome(lambda: kernel.encode(obj, ensure_ascii, sort_keys, fallback)) == outcome(
        lambda: fallback(obj)
    )


def test_selected_kernel_is_one_of_the_twins() -> None:
    assert speedups.json.__name__ in {m.__name__ for m in KERNELS}
    assert speedups.json.__name__.endswith(
        "_c" if speedups.IMPLEMENTATION == "cython" else "_py"
    )


class Text(str):
    pass


class Number(int):
    def __repr__(self) -> str:
        return "not-a-number"


class Mapping(dict):  # type: ignore[type-arg]
    def items(self) -> t.Any:
        return [("z", 1)]


class Unsorted:
    def __lt__(self, other: t.Any) -> bool:
        raise TypeError("no order")


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(),
    st.text(alphabet=st.characters(max_codepoint=0x7F)),
)
plain = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.lists(inner, max_size=5).map(tuple),
        st.dictionaries(st.text(), inner, max_size=5),
    ),
    max_leaves=30,
)
odd = st.sampled_from(
    [
        decimal.Decimal("1.5"),
        datetime.date(2024, 2, 29),
        Text("sub"),
        Number(7),
        Mapping(a=1),
        collections.OrderedDict(b=1, a=2),
        {1: "int key", 2.5: "float key", None: "none", True: "bool"},
        {"a": 1, 2: "mixed keys"},
        {Text("k"): 1},
        object(),
        b"bytes",
        {1, 2},
        float("nan"),
    ]
)
anything = st.recursive(
    st.one_of(scalars, odd),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.text(max_size=3), inner, max_size=4),
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(obj=plain, ensure_ascii=st.booleans(), sort_keys=st.booleans())
def test_plain_data_encodes_as_the_standard_library(
    kernel: types.ModuleType, obj: t.Any, ensure_ascii: bool, sort_keys: bool
) -> None:
    agree(kernel, obj, ensure_ascii, sort_keys)


@settings(max_examples=300, deadline=None)
@given(obj=anything, ensure_ascii=st.booleans(), sort_keys=st.booleans())
def test_any_data_encodes_or_fails_as_the_standard_library(
    kernel: types.ModuleType, obj: t.Any, ensure_ascii: bool, sort_keys: bool
) -> None:
    agree(kernel, obj, ensure_ascii, sort_keys)


@pytest.mark.parametrize(
    "obj",
    [
        "\x00\x1f\x7f\x80\u2028\ud800\udfff\U0001f600\"\\\b\f\n\r\t/",
        [0, -1, 2**63 - 1, 2**63, -(2**63), -(2**63) - 1, 10**100],
        [0.0, -0.0, 0.1, 1e16, 1e-7, 1.7976931348623157e308, 5e-324],
        [float("nan"), float("inf"), float("-inf")],
        {"b": {"d": [], "c": {}}, "a": ()},
        {"é": 1, "e": 2, "\U0001f600": 3, "": 4},
        {f"k{i}": i for i in reversed(range(16))},  # the largest in-place sort
        {f"k{i}": i for i in reversed(range(40))},
        {"b": 1, "a": 2, 3: "int key among str keys"},
        [9999999999999998.0, 1e16, -1e16 + 2, -3.0, 2.0**53 + 2, 1e15, 123.0],
    ],
)
@pytest.mark.parametrize("sort_keys", [True, False])
def test_edge_values(kernel: types.ModuleType, obj: t.Any, sort_keys: bool) -> None:
    agree(kernel, obj, True, sort_keys)


def test_cycles_and_unorderable_keys_fail_as_the_standard_library(
    kernel: types.ModuleType,
) -> None:
    loop: list[t.Any] = []
    loop.append(loop)
    agree(kernel, loop, True, True)
    agree(kernel, {"a": loop}, True, False)
    agree(kernel, {Unsorted(): 1, Unsorted(): 2}, True, True)
    agree(kernel, {"x": 10**5000}, True, True)  # int too long to convert


def test_deep_nesting_is_exact(kernel: types.ModuleType) -> None:
    deep: list[t.Any] = []
    node = deep
    for _ in range(300):
        node.append([])
        node = node[0]
    agree(kernel, deep, True, True)


def test_other_settings_are_the_fallbacks(kernel: types.ModuleType) -> None:
    calls: list[t.Any] = []

    def fallback(obj: t.Any) -> str:
        calls.append(obj)
        return "from fallback"

    assert kernel.encode({"a": "é"}, False, True, fallback) == "from fallback"
    assert calls == [{"a": "é"}]


def test_plain_data_does_not_call_the_fallback_when_compiled() -> None:
    compiled = [m for m in KERNELS if m.__name__.endswith("_c")]
    if not compiled:
        pytest.skip("the compiled kernel is not built (pure build)")

    def fallback(obj: t.Any) -> str:
        raise AssertionError("fallback called for plain data")

    out = compiled[0].encode({"b": [1, 2.5, None], "a": "x"}, True, True, fallback)
    assert out == '{"a":"x","b":[1,2.5,null]}'
