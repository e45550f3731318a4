"""The importable twins of a kernel, for tests that run on each of them."""

from __future__ import annotations

import importlib
import types


def implementations(name: str) -> list[types.ModuleType]:
    """``<name>_py``, plus ``<name>_c`` when the compiled kernel is built."""
    found = [importlib.import_module(f"flaskfast._speedups.{name}_py")]
    try:
        found.append(importlib.import_module(f"flaskfast._speedups.{name}_c"))
    except ImportError:
        pass
    return found
