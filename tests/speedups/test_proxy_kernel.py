"""The ``proxy`` kernel: attribute and item access through flaskfast's
context proxies, each twin as the pure one (the spec) answers.

Both twins are configured with :mod:`flaskfast.globals`' own settings (the
proxy class's names, its state reader, its failed-lookup slot), so the same
proxies can be handed to either.
"""

from __future__ import annotations

import types
import typing as t
from contextvars import ContextVar
from contextvars import copy_context

import pytest
from hypothesis import given
from hypothesis import strategies as st

import flaskfast._speedups as speedups
from flaskfast import globals as fglobals

from _twins import implementations

KERNELS = implementations("proxy")


@pytest.fixture(scope="module", params=KERNELS, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def kernel(request: pytest.FixtureRequest) -> types.ModuleType:
    module: types.ModuleType = request.param
    module.configure(fglobals._PROXY_OWN_NAMES, fglobals._state_of, fglobals._failed_lookup)
    return module


def proxy(attr: str | None = None) -> tuple[t.Any, ContextVar[t.Any]]:
    var: ContextVar[t.Any] = ContextVar("test_proxy")
    return fglobals._ContextProxy(var, attr, unbound_message="nothing bound"), var


class Target:
    def __init__(self) -> None:
        self.name = "target"
        self.inner = types.SimpleNamespace(value=42)


def test_selected_kernel_is_one_of_the_twins() -> None:
    assert speedups.proxy.__name__ in {m.__name__ for m in KERNELS}
    assert fglobals._ContextProxy.__dict__["__getattribute__"] is speedups.proxy.getattribute


def test_unbound_proxy_raises_its_message(kernel: types.ModuleType) -> None:
    p, _var = proxy()
    for call in (
        lambda: kernel.getattribute(p, "name"),
        lambda: kernel.current(p),
        lambda: kernel.getitem(p, "k"),
        lambda: kernel.setitem(p, "k", 1),
        lambda: kernel.contains(p, "k"),
        lambda: kernel.setattr_(p, "name", 1),
    ):
        with pytest.raises(RuntimeError, match="^nothing bound$") as info:
            call()
        assert info.value.__cause__ is None and info.value.__suppress_context__


def test_a_var_of_another_type_is_read_with_its_get(kernel: types.ModuleType) -> None:
    class Var:
        value: t.Any = None

        def get(self) -> t.Any:
            if self.value is None:
                raise LookupError
            return self.value

    var = Var()
    p, _var = proxy()
    # werkzeug's LocalProxy only takes a ContextVar; the kernel reads any
    # object with a get() method.
    object.__setattr__(p, "_ff_state", (var, None, "no value"))
    with pytest.raises(RuntimeError, match="no value"):
        kernel.getattribute(p, "name")
    var.value = Target()
    assert kernel.getattribute(p, "name") == "target"


def test_attributes_of_the_value_and_of_its_attribute(kernel: types.ModuleType) -> None:
    p, var = proxy()
    p_inner, var_inner = proxy("inner")

    def run() -> None:
        target = Target()
        var.set(target)
        var_inner.set(target)
        assert kernel.getattribute(p, "name") == "target"
        assert kernel.current(p) is target
        assert kernel.getattribute(p_inner, "value") == 42
        assert kernel.current(p_inner) is target.inner
        kernel.setattr_(p_inner, "value", 7)
        assert target.inner.value == 7
        # The proxy's own names resolve on the proxy.
        assert kernel.getattribute(p, "_ff_state")[1] is None
        # ... as werkzeug's LocalProxy does: its __class__ is the value's.
        assert kernel.getattribute(p_inner, "__class__") is types.SimpleNamespace

    copy_context().run(run)


def test_a_failed_lookup_is_left_for_getattr(kernel: types.ModuleType) -> None:
    p, var = proxy()

    def run() -> None:
        var.set(Target())
        with pytest.raises(AttributeError, match="'Target' object has no attribute 'nope'") as info:
            kernel.getattribute(p, "nope")
        left = fglobals._failed_lookup.__dict__.pop("value")
        assert left[0] is p and left[1] == "nope" and left[2] is info.value

    copy_context().run(run)


@given(
    data=st.dictionaries(st.text(max_size=3), st.integers(), max_size=4),
    key=st.text(max_size=3),
    value=st.integers(),
)
def test_items_agree_with_the_pure_twin(data: dict[str, int], key: str, value: int) -> None:
    def outcome(module: types.ModuleType) -> t.Any:
        module.configure(fglobals._PROXY_OWN_NAMES, fglobals._state_of, fglobals._failed_lookup)
        p, var = proxy()

        def run() -> t.Any:
            target = dict(data)
            var.set(target)
            found: list[t.Any] = [module.contains(p, key)]
            try:
                found.append(module.getitem(p, key))
            except KeyError as e:
                found.append(("KeyError", e.args))
            module.setitem(p, key, value)
            found.append(dict(target))
            return found

        return copy_context().run(run)

    answers = [outcome(module) for module in KERNELS]
    assert all(answer == answers[0] for answer in answers)
