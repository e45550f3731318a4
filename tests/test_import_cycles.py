"""flaskfast's modules import each other in no larger a cycle than Flask's
(counting imports made inside functions), and the pipeline and the kernels
are in none."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest


def _script() -> ModuleType:
    path = Path(__file__).resolve().parents[1] / "ci" / "import_cycles.py"
    spec = importlib.util.spec_from_file_location("_import_cycles", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


cycles = _script()


@pytest.mark.parametrize("top_level", [True, False], ids=["at-import", "with-lazy-imports"])
def test_no_larger_import_cycle_than_flask(top_level: bool) -> None:
    ours = cycles.largest_cycle("flaskfast", top_level)
    theirs = cycles.largest_cycle("flask", top_level)
    assert len(ours) <= len(theirs), (ours, theirs)


def test_pipeline_and_kernels_are_in_no_cycle() -> None:
    ours = cycles.largest_cycle("flaskfast", False)
    assert not [name for name in ours if name.startswith("flaskfast._speedups")], ours
    assert "flaskfast.ctx" not in ours
