"""The importable twins of a kernel, for tests that run on each of them."""

from __future__ import annotations

import importlib
import types

from flaskfast._speedups import KERNELS


def implementations(name: str) -> list[types.ModuleType]:
    """``<name>_py``, plus ``<name>_c`` when the compiled kernel is built.

    ``name`` is one of ``flaskfast._speedups.KERNELS``; the request pipeline
    has no twins (one file, compiled or run as Python) and is checked
    against Flask instead (``tests/test_pipeline*.py``)."""
    if name not in KERNELS:
        raise ValueError(f"{name!r} is not a kernel; the kernels are {KERNELS}")
    found = [importlib.import_module(f"flaskfast._speedups.{name}_py")]
    try:
        found.append(importlib.import_module(f"flaskfast._speedups.{name}_c"))
    except ImportError:
        pass
    return found
