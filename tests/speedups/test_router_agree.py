"""The compiled router kernel gives exactly the pure twin's answers.

``router_py`` is the spec; ``router_c`` must return the same rule object and
view arguments, raise the same exception (with the same ``valid_methods``, in
the same order), or defer (``None``) in the same cases. Skipped when
``router_c`` has not been built.
"""

from __future__ import annotations

import typing as t

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import MethodNotAllowed
from werkzeug.routing import BaseConverter
from werkzeug.routing import Rule
from werkzeug.routing import ValidationError

from flaskfast._speedups import router_py
from flaskfast.routing import Map

router_c = pytest.importorskip("flaskfast._speedups.router_c")


class OddConverter(BaseConverter):
    """Digits; odd numbers are rejected after matching (ValidationError)."""

    regex = r"\d+"
    weight = 40

    def to_python(self, value: str) -> int:
        number = int(value)
        if number % 2:
            raise ValidationError()
        return number


class UpperConverter(BaseConverter):
    """Any segment, handed to the view upper-cased."""

    def to_python(self, value: str) -> str:
        return value.upper()


class SpanConverter(BaseConverter):
    """Letters and slashes: a pattern spanning several segments."""

    regex = r"[a-c/]+"
    weight = 120


CONVERTERS = {"odd": OddConverter, "upper": UpperConverter, "span": SpanConverter}

STATIC = ["a", "b", "ab", "7", "é", ""]
DYNAMIC = [
    "<{v}>",
    "<int:{v}>",
    "<int(signed=True):{v}>",
    "<int(max=99):{v}>",
    "<float:{v}>",
    "<path:{v}>",
    "<any(a, b):{v}>",
    "<odd:{v}>",
    "<upper:{v}>",
    "<span:{v}>",
    "n<int:{v}>",
]
METHOD_SETS: list[list[str] | None] = [None, ["GET"], ["POST"], ["PUT", "GET"], ["DELETE", "PATCH", "POST"]]
FILL = ["a", "b", "ab", "7", "8", "0007", "-3", "-", "1.5", "", "é", "٣٤", "n5", "A", "a/b", "c/", "9" * 19]


@st.composite
def rule_set(draw: st.DrawFn) -> list[tuple[str, dict[str, t.Any]]]:
    rules: list[tuple[str, dict[str, t.Any]]] = []
    for _ in range(draw(st.integers(1, 8))):
        segments: list[str] = []
        count = 0
        for _ in range(draw(st.integers(0, 3))):
            if draw(st.booleans()):
                segments.append(draw(st.sampled_from(STATIC[:-1])))
            else:
                segments.append(draw(st.sampled_from(DYNAMIC)).format(v=f"v{count}"))
                count += 1
        string = "/" + "/".join(segments)
        if segments and draw(st.integers(0, 2)) == 0:
            string += "/"
        kwargs: dict[str, t.Any] = {"endpoint": draw(st.sampled_from(["e0", "e1", "e2"]))}
        methods = draw(st.sampled_from(METHOD_SETS))
        if methods is not None:
            kwargs["methods"] = methods
        if draw(st.integers(0, 3)) == 0:
            kwargs["strict_slashes"] = False
        if draw(st.integers(0, 4)) == 0:
            kwargs["defaults"] = {"k": draw(st.sampled_from([0, "d"]))}
        if draw(st.integers(0, 15)) == 0:
            kwargs["redirect_to"] = "/a"
        rules.append((string, kwargs))
    return rules


def _fill(string: str, draw: st.DrawFn) -> str:
    """A path shaped like ``string``, its variables replaced by sample text."""
    out: list[str] = []
    rest = string
    while "<" in rest:
        head, _, tail = rest.partition("<")
        out.append(head)
        rest = tail.partition(">")[2]
        out.append(draw(st.sampled_from(FILL)))
    out.append(rest)
    return "".join(out)


def _outcome(router: t.Any, path: str, method: str) -> tuple[t.Any, ...]:
    try:
        result = router.match(path, method)
    except HTTPException as e:
        allowed = e.valid_methods if isinstance(e, MethodNotAllowed) else None
        return ("raise", type(e), allowed)  # Allow order included
    if result is None:
        return ("none",)
    rule, args = result
    # Identity, and the argument types too (1 == 1.0 == True would hide a bug).
    return ("ok", id(rule), [(k, type(v), v) for k, v in args.items()])


def _routers(url_map: Map) -> tuple[t.Any, t.Any]:
    return url_map._ff_build_router(router_py), url_map._ff_build_router(router_c)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rules=rule_set(),
    merge=st.booleans(),
    strict=st.booleans(),
    redirect_defaults=st.booleans(),
    data=st.data(),
)
def test_compiled_agrees_with_pure(
    rules: list[tuple[str, dict[str, t.Any]]],
    merge: bool,
    strict: bool,
    redirect_defaults: bool,
    data: st.DataObject,
) -> None:
    url_map = Map(
        [Rule(s, **kw) for s, kw in rules],
        converters=CONVERTERS,
        merge_slashes=merge,
        strict_slashes=strict,
        redirect_defaults=redirect_defaults,
    )
    pure, compiled = _routers(url_map)
    assert (pure is None) == (compiled is None)
    if pure is None:
        return
    probes = [_fill(s, data.draw) for s, _ in rules]
    probes += data.draw(
        st.lists(st.lists(st.sampled_from(STATIC + FILL), max_size=4).map("/".join), max_size=3)
    )
    for path in probes:
        for prefix in ("", "/", "//"):
            for method in data.draw(
                st.lists(st.sampled_from(["GET", "POST", "head", "PUT", "PATCH", "MKCOL"]),
                         min_size=1, max_size=2, unique=True)
            ):
                full = prefix + path
                assert _outcome(compiled, full, method) == _outcome(pure, full, method), (full, method)


# -- kernels driven directly with hand-made routes ----------------------------------


def _segment(kernel: t.Any, static: bool, content: str, final: bool = False) -> t.Any:
    return kernel.Segment(static, content, final, False, (0, len(content)))


def _digits_route(kernel: t.Any, **overrides: t.Any) -> t.Any:
    fields: dict[str, t.Any] = {
        "target": "T",
        "segments": (
            _segment(kernel, True, ""),
            _segment(kernel, True, "n"),
            _segment(kernel, False, r"(?P<__werkzeug_0>\d+)\Z"),
        ),
        "methods": {"GET", "HEAD"},
        "strict_slashes": True,
        "arg_names": ("num",),
        "converters": (int,),
        "defaults": None,
    }
    fields.update(overrides)
    return kernel.Route(**fields)


def _both(**overrides: t.Any) -> list[t.Any]:
    return [k.Router([_digits_route(k, **overrides)]) for k in (router_py, router_c)]


@pytest.mark.parametrize(
    "number", ["0", "7", "0042", "123456789012345678", "1234567890123456789", "٣٤", "9" * 40]
)
def test_int_conversion_agrees(number: str) -> None:
    pure, compiled = _both()
    expected = pure.match(f"/n/{number}", "GET")
    assert expected == ("T", {"num": int(number)})
    assert compiled.match(f"/n/{number}", "GET") == expected
    assert type(compiled.match(f"/n/{number}", "GET")[1]["num"]) is int


def test_converter_errors_agree() -> None:
    def reject(value: str) -> t.Any:
        raise ValidationError()

    def broken(value: str) -> t.Any:
        raise KeyError(value)

    pure, compiled = _both(converters=(reject,))
    for router in (pure, compiled):
        with pytest.raises(HTTPException) as info:
            router.match("/n/5", "GET")
        assert info.value.code == 404
    pure, compiled = _both(converters=(broken,))
    for router in (pure, compiled):
        with pytest.raises(KeyError):
            router.match("/n/5", "GET")


def test_veto_fallback_and_defaults_agree() -> None:
    calls: list[tuple[dict[str, t.Any], str]] = []

    def veto(args: dict[str, t.Any], method: str) -> bool:
        calls.append((dict(args), method))
        return args["num"] == 3

    pure, compiled = _both(veto=veto, defaults={"extra": 1})
    for router in (pure, compiled):
        assert router.match("/n/4", "get") == ("T", {"num": 4, "extra": 1})
        assert router.match("/n/3", "GET") is None
    assert calls[:2] == calls[2:]
    pure, compiled = _both(fallback=True)
    assert pure.match("/n/4", "GET") is None and compiled.match("/n/4", "GET") is None


def test_method_not_allowed_order_agrees() -> None:
    methods = {"PUT", "DELETE", "PATCH", "POST", "OPTIONS", "TRACE"}
    pure, compiled = _both(methods=methods)
    errors = []
    for router in (pure, compiled):
        with pytest.raises(MethodNotAllowed) as info:
            router.match("/n/1", "GET")
        errors.append(info.value.valid_methods)
    assert errors[0] == errors[1]


def test_same_public_names() -> None:
    public = set(router_py.__all__) | {n for n in vars(router_py) if n.startswith("KIND_")}
    assert public <= set(dir(router_c))
    assert router_c.__all__ == router_py.__all__
    # routing.py builds descriptions through the selected kernel: same tuple types.
    assert router_c.Segment is router_py.Segment and router_c.Route is router_py.Route
    for name in public:
        if name.startswith("KIND_"):
            assert getattr(router_c, name) == getattr(router_py, name)


@pytest.mark.parametrize("path", [None, "", "a"])
def test_degenerate_inputs_agree(path: str | None) -> None:
    pure, compiled = _both()
    for method in ("GET", "", None):
        assert _outcome(compiled, path, method) == _outcome(pure, path, method)  # type: ignore[arg-type]


def test_str_subclasses_and_keywords_agree() -> None:
    class Text(str):
        pass

    pure, compiled = _both()
    for router in (pure, compiled):
        assert router.match(Text("/n/4"), Text("get")) == ("T", {"num": 4})
        assert router.match(path_info="//n/4", method="GET") == ("T", {"num": 4})
        with pytest.raises(TypeError):
            router.match(b"/n/4", "GET")
