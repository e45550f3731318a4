"""The router kernel against werkzeug's own matcher.

Every kernel twin that can be imported (``router_py`` always, ``router_c`` once
built) is checked: when the kernel answers, the answer must be werkzeug's
(same ``Rule`` object, same view arguments, or the same exception with the same
allowed methods). ``None`` ("ask werkzeug") is always acceptable, but must not
be the answer for the everyday cases listed in ``test_common_cases_answered``.
"""

from __future__ import annotations

import importlib
import sys
import typing as t
import uuid
from types import ModuleType

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from werkzeug.exceptions import MethodNotAllowed
from werkzeug.exceptions import NotFound
from werkzeug.routing import BaseConverter
from werkzeug.routing import Map as WerkzeugMap
from werkzeug.routing import RequestRedirect
from werkzeug.routing import Rule
from werkzeug.routing import ValidationError

from flaskfast._speedups import router_py
from flaskfast.routing import Map


def _kernels() -> list[ModuleType]:
    found = [router_py]
    try:
        found.append(importlib.import_module("flaskfast._speedups.router_c"))
    except ImportError:
        pass
    return found


@pytest.fixture(params=_kernels(), ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def kernel(request: pytest.FixtureRequest) -> ModuleType:
    return t.cast(ModuleType, request.param)


class EvenConverter(BaseConverter):
    """Digits that must be even: odd values fail validation."""

    regex = r"\d+"
    weight = 50

    def to_python(self, value: str) -> int:
        number = int(value)
        if number % 2:
            raise ValidationError()
        return number


class LowerPathConverter(BaseConverter):
    """Lower-case letters and slashes: spans segments (regex contains '/')."""

    regex = r"[a-z/]+"
    weight = 150


CONVERTERS = {"even": EvenConverter, "lowerpath": LowerPathConverter}
UUID = "12345678-1234-5678-1234-567812345678"

Spec = t.Dict[str, t.Any]


def _build_maps(specs: list[Spec], settings_: dict[str, t.Any]) -> tuple[Map, WerkzeugMap]:
    def rules() -> list[Rule]:
        return [Rule(s["string"], **s["kwargs"]) for s in specs]

    fast = Map(rules(), converters=CONVERTERS, **settings_)
    plain = WerkzeugMap(rules(), converters=CONVERTERS, **settings_)
    return fast, plain


def _outcome(call: t.Callable[[], t.Any], rules: list[Rule]) -> tuple[t.Any, ...]:
    try:
        result = call()
    except RequestRedirect:
        return ("redirect",)
    except MethodNotAllowed as e:
        return ("405", list(e.valid_methods or ()))  # order too: the Allow header
    except NotFound:
        return ("404",)
    if result is None:
        return ("none",)
    rule, args = result
    # By identity: Rule.__eq__ treats rules with the same pattern as equal.
    return ("ok", next(i for i, r in enumerate(rules) if r is rule), args)


def _assert_same(fast: Map, plain: WerkzeugMap, kernel: ModuleType, path: str, method: str) -> None:
    router = fast._ff_build_router(kernel)
    if router is None:
        return  # the whole map is deferred to werkzeug: nothing to compare
    fast_rules = list(fast._ff_rules)
    got = _outcome(lambda: router.match(path, method), fast_rules)
    if got == ("none",):
        return
    # Reference 1: werkzeug's matcher on the very same Map (rule identity, Allow order).
    own = fast.bind("localhost")
    same_map = _outcome(lambda: own.match(path, method, return_rule=True), fast_rules)
    assert got == same_map, (path, method)
    # Reference 2: a plain werkzeug Map built from the same specs.
    adapter = plain.bind("localhost")
    try:
        expected_raw = adapter.match(path, method, return_rule=True)
    except RequestRedirect:
        pytest.fail(f"kernel answered {got} where werkzeug redirects: {path!r} {method}")
    except MethodNotAllowed as e:
        assert got[0] == "405" and sorted(got[1]) == sorted(e.valid_methods or ())
        return
    except NotFound:
        assert got == ("404",)
        return
    rule, args = expected_raw
    assert got[0] == "ok"
    assert fast_rules[got[1]].rule == rule.rule
    assert fast_rules[got[1]].endpoint == rule.endpoint
    assert got[2] == args


# -- strategies -----------------------------------------------------------------

STATIC_WORDS = ["a", "b", "ab", "x", "1", "é"]
CONVERTER_PATTERNS = [
    "<{v}>",
    "<int:{v}>",
    "<int(signed=True):{v}>",
    "<int(min=2, max=50):{v}>",
    "<float:{v}>",
    "<uuid:{v}>",
    "<path:{v}>",
    "<any(a, b, 'c d'):{v}>",
    "<string(length=2):{v}>",
    "<even:{v}>",
    "<lowerpath:{v}>",
    "f<int:{v}>.x",
    "x<{v}>",
]
METHOD_SETS: list[list[str] | None] = [None, ["GET"], ["POST"], ["GET", "POST"], ["PUT"], ["OPTIONS", "GET"]]
ENDPOINTS = ["e0", "e1", "e2", "e3"]


@st.composite
def rule_specs(draw: st.DrawFn) -> list[Spec]:
    specs: list[Spec] = []
    for _ in range(draw(st.integers(1, 7))):
        segments: list[str] = []
        names = 0
        for _ in range(draw(st.integers(0, 3))):
            if draw(st.booleans()):
                segments.append(draw(st.sampled_from(STATIC_WORDS)))
            else:
                pattern = draw(st.sampled_from(CONVERTER_PATTERNS))
                segments.append(pattern.format(v=f"v{names}"))
                names += 1
        string = "/" + "/".join(segments)
        if segments and draw(st.integers(0, 3)) == 0:
            string += "/"
        if draw(st.integers(0, 9)) == 0:
            string = string.replace("/", "//", 1)
        kwargs: dict[str, t.Any] = {"endpoint": draw(st.sampled_from(ENDPOINTS))}
        methods = draw(st.sampled_from(METHOD_SETS))
        if methods is not None:
            kwargs["methods"] = methods
        if draw(st.integers(0, 3)) == 0:
            kwargs["strict_slashes"] = False
        if draw(st.integers(0, 5)) == 0:
            kwargs["merge_slashes"] = draw(st.booleans())
        if draw(st.integers(0, 5)) == 0:
            kwargs["defaults"] = {"extra": draw(st.sampled_from([1, "d"]))}
        if draw(st.integers(0, 12)) == 0:
            kwargs["redirect_to"] = "/a"
        if draw(st.integers(0, 12)) == 0:
            kwargs["alias"] = True
        specs.append({"string": string, "kwargs": kwargs})
        # Flask's "/users/" + "/users/<int:page>" pattern: a defaults-providing twin.
        if names == 1 and segments[-1] == "<int:v0>" and draw(st.booleans()):
            twin = "/" + "/".join(segments[:-1]) + "/"
            twin_kwargs = {"endpoint": kwargs["endpoint"], "defaults": {"v0": draw(st.sampled_from([1, 2]))}}
            specs.insert(draw(st.integers(0, len(specs))), {"string": twin, "kwargs": twin_kwargs})
    return specs


PATH_WORDS = [
    "a", "b", "ab", "x", "1", "42", "7", "-3", "1.5", "", "é", "c d", "cd", "%2F",
    UUID, UUID.upper(), "f7.x", "xz", "sub", "\n", "٣",
]


@st.composite
def paths(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.sampled_from(PATH_WORDS) | st.text(max_size=3), max_size=4))
    path = "/".join(words)
    prefix = draw(st.sampled_from(["/", "/", "/", "//", ""]))
    return prefix + path + draw(st.sampled_from(["", "", "/"]))


def _instantiate(spec: Spec, draw: st.DrawFn) -> str:
    """A path that this rule plausibly matches (converters filled in)."""
    out = spec["string"]
    fill = {
        "<{v}>": ["word", "é", "1"],
        "<int:{v}>": ["3", "10", "٣"],
        "<int(signed=True):{v}>": ["-4", "5"],
        "<int(min=2, max=50):{v}>": ["1", "20", "99"],
        "<float:{v}>": ["1.5", "0.25"],
        "<uuid:{v}>": [UUID],
        "<path:{v}>": ["p/q", "p", "p/q/"],
        "<any(a, b, 'c d'):{v}>": ["a", "c d", "z"],
        "<string(length=2):{v}>": ["ab", "abc"],
        "<even:{v}>": ["4", "5"],
        "<lowerpath:{v}>": ["a/b", "ab"],
        "f<int:{v}>.x": ["f7.x"],
        "x<{v}>": ["xq"],
    }
    for i in range(4):
        for pattern, values in fill.items():
            token = pattern.format(v=f"v{i}")
            while token in out:
                out = out.replace(token, draw(st.sampled_from(values)), 1)
    return out


MAP_SETTINGS = st.fixed_dictionaries(
    {
        "strict_slashes": st.booleans(),
        "merge_slashes": st.booleans(),
        "redirect_defaults": st.booleans(),
    }
)
METHODS = st.sampled_from(["GET", "HEAD", "POST", "PUT", "OPTIONS", "DELETE", "get"])


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs=rule_specs(), map_settings=MAP_SETTINGS, data=st.data())
def test_agrees_with_werkzeug(
    specs: list[Spec], map_settings: dict[str, t.Any], data: st.DataObject
) -> None:
    fast, plain = _build_maps(specs, map_settings)
    probes = [_instantiate(s, data.draw) for s in specs]
    probes += data.draw(st.lists(paths(), min_size=1, max_size=4))
    for kernel in _kernels():
        for path in probes:
            for method in data.draw(st.lists(METHODS, min_size=1, max_size=3, unique=True)):
                _assert_same(fast, plain, kernel, path, method)


@settings(max_examples=80, deadline=None)
@given(specs=rule_specs(), data=st.data())
def test_map_fast_match_agrees_after_adding(specs: list[Spec], data: st.DataObject) -> None:
    """Rules added after a first match are seen by the next fast_match."""
    split = data.draw(st.integers(0, len(specs)))
    fast = Map(converters=CONVERTERS)
    plain = WerkzeugMap(converters=CONVERTERS)
    for batch in (specs[:split], specs[split:]):
        for s in batch:
            fast.add(Rule(s["string"], **s["kwargs"]))
            plain.add(Rule(s["string"], **s["kwargs"]))
        for path in [_instantiate(s, data.draw) for s in specs]:
            rules = list(fast._ff_rules)
            got = _outcome(lambda: fast.fast_match(path, "GET"), rules)
            if got == ("none",):
                continue
            own = fast.bind("localhost")
            assert got == _outcome(lambda: own.match(path, "GET", return_rule=True), rules)


# -- targeted kernel checks --------------------------------------------------------


def test_decimal_shortcut_matches_regex_digit_class() -> None:
    """`\\d+` on a segment and str.isdecimal() accept exactly the same strings."""
    import re

    digit = re.compile(r"\d+\Z")
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        if ch == "/":
            continue
        assert (digit.match(ch) is not None) == ch.isdecimal(), hex(code)


def _route(kernel: ModuleType, string: str, **kwargs: t.Any) -> tuple[Map, t.Any]:
    m = Map([Rule(string, endpoint="e", **kwargs)])
    return m, m._ff_build_router(kernel)


def test_kernel_returns_target_and_args(kernel: ModuleType) -> None:
    m, router = _route(kernel, "/u/<int:id>/<name>")
    rule = next(m.iter_rules())
    assert router.match("/u/12/bob", "GET") == (rule, {"id": 12, "name": "bob"})


def test_kernel_fresh_dict_each_call(kernel: ModuleType) -> None:
    m, router = _route(kernel, "/s", defaults={"k": 1})
    first = router.match("/s", "GET")
    first[1]["k"] = 99
    assert router.match("/s", "GET")[1] == {"k": 1}


def test_kernel_leading_slashes_are_stripped(kernel: ModuleType) -> None:
    m, router = _route(kernel, "/a/<x>")
    rule = next(m.iter_rules())
    assert router.match("a/b", "GET") == (rule, {"x": "b"})
    assert router.match("///a/b", "GET") == (rule, {"x": "b"})


def test_kernel_lowercase_method_is_upper_cased(kernel: ModuleType) -> None:
    m, router = _route(kernel, "/a", methods=["POST"])
    assert router.match("/a", "post")[0] is next(m.iter_rules())


def test_kernel_defers_empty_path_and_method(kernel: ModuleType) -> None:
    _, router = _route(kernel, "/")
    assert router.match("", "GET") is None
    assert router.match("/", "") is None


def test_kernel_segment_and_route_are_plain_tuples() -> None:
    seg = router_py.Segment(True, "a", False, False, None)
    assert seg == (True, "a", False, False, None)
    route = router_py.Route("t", (seg,), None, True, (), (), None)
    assert route.fallback is False and route.veto is None
    empty_root = router_py.Segment(True, "", False, False, None)
    router = router_py.Router([route._replace(segments=(empty_root, seg))])
    assert router.match("/a", "GET") == ("t", {})


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.sampled_from("a/\n\r é%"), max_size=6))
def test_path_shortcut_matches_path_regex(text: str) -> None:
    """The regex-free check for `<path:...>` accepts exactly what its regex does."""
    import re

    pattern = re.compile(r"(?P<__werkzeug_0>[^/].*?)\Z")
    assert router_py._path_like(text) == (pattern.match(text) is not None)
