"""The one place that decides between the compiled kernels and their pure twins.

Each kernel exists twice: ``<name>_c`` (Cython, built by ``setup.py`` when a
compiler is available) and ``<name>_py`` (plain Python, the readable spec).
Public modules import kernels only from here::

    from ._speedups import context

Pure twins are used when ``FLASKFAST_NO_EXTENSIONS`` is set to a non-empty
value other than ``0``, on interpreters other than CPython, or when any
compiled kernel fails to import.  Kernels are never mixed: either all four are
compiled or all four are pure.
"""

from __future__ import annotations

import os
import platform
import typing as t
from importlib import import_module
from types import ModuleType

KERNELS: tuple[str, ...] = ("router", "response", "headers", "context")


def extensions_disabled() -> bool:
    """True when the environment asks for the pure-Python kernels."""
    flag = os.environ.get("FLASKFAST_NO_EXTENSIONS", "")
    return flag not in ("", "0") or platform.python_implementation() != "CPython"


def _load(suffix: str) -> dict[str, ModuleType]:
    return {name: import_module(f"{__name__}.{name}_{suffix}") for name in KERNELS}


def _select() -> tuple[str, dict[str, ModuleType]]:
    if not extensions_disabled():
        try:
            return "cython", _load("c")
        except ImportError:
            pass
    return "python", _load("py")


IMPLEMENTATION: t.Literal["cython", "python"]
_impl, _modules = _select()
IMPLEMENTATION = _impl  # type: ignore[assignment]

router: ModuleType = _modules["router"]
response: ModuleType = _modules["response"]
headers: ModuleType = _modules["headers"]
context: ModuleType = _modules["context"]

__all__ = ["IMPLEMENTATION", "KERNELS", "context", "headers", "response", "router"]
