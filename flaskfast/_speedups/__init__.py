"""The one place that decides between compiled and pure-Python code.

Two kinds of modules live here:

* **Kernels** (``router``, ``builder``, ``response``,
  ``headers``, ``markup``): small leaf modules that
  import nothing from flaskfast, each written twice: ``<name>_py.py`` (the
  readable spec) and ``<name>_c.pyx`` (Cython, same functions, same errors).
* **The pipeline** (``pipeline.py`` + ``pipeline.pxd``): the request pipeline,
  written once in Cython's pure-Python mode.  ``setup.py`` compiles the same
  file into an extension module of the same name; otherwise (or when pure
  code is asked for) the ``.py`` file itself is imported.

Pure code is used when ``FLASKFAST_NO_EXTENSIONS`` is set to a true value
(anything but empty, ``0``, ``false``, ``no`` and ``off``), on interpreters
other than CPython, or when any compiled module fails to import.  They are
never mixed: either every kernel and the pipeline are compiled or none is.
Public modules import them only from here::

    from ._speedups import pipeline
"""

from __future__ import annotations

import os
import platform
import sys
import typing as t
from importlib import import_module
from importlib.machinery import EXTENSION_SUFFIXES
from importlib.machinery import SourceFileLoader
from importlib.util import module_from_spec
from importlib.util import spec_from_file_location
from pathlib import Path
from types import ModuleType

KERNELS: tuple[str, ...] = ("router", "builder", "response", "headers", "markup")

_FALSE = ("", "0", "false", "no", "off")


def extensions_disabled() -> bool:
    """True when the environment asks for pure Python (or the interpreter
    is not CPython, which the compiled modules are built for)."""
    flag = os.environ.get("FLASKFAST_NO_EXTENSIONS", "").strip().lower()
    return flag not in _FALSE or platform.python_implementation() != "CPython"


def _load_kernels(suffix: str) -> dict[str, ModuleType]:
    return {name: import_module(f"{__name__}.{name}_{suffix}") for name in KERNELS}


def _compiled_pipeline_exists() -> bool:
    here = Path(__file__).parent
    return any((here / f"pipeline{suffix}").is_file() for suffix in EXTENSION_SUFFIXES)


def _select() -> tuple[str, dict[str, ModuleType]]:
    if not extensions_disabled() and _compiled_pipeline_exists():
        try:
            return "cython", _load_kernels("c")
        except ImportError:
            pass
    return "python", _load_kernels("py")


def _load_pipeline(compiled: bool) -> ModuleType:
    """Import ``pipeline``: the extension module, or the ``.py`` source even
    when an extension module of the same name sits beside it."""
    name = f"{__name__}.pipeline"
    if compiled:
        try:
            return import_module(name)
        except ImportError as e:
            raise ImportError(
                f"flaskfast's compiled kernels loaded but its compiled pipeline"
                f" did not ({e}); reinstall flaskfast, or set"
                " FLASKFAST_NO_EXTENSIONS=1 to run it as pure Python."
            ) from e
    path = Path(__file__).with_name("pipeline.py")
    loader = SourceFileLoader(name, str(path))
    spec = spec_from_file_location(name, path, loader=loader)
    assert spec is not None  # a file location always gives a spec
    module = module_from_spec(spec)
    sys.modules[name] = module
    try:
        loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


if t.TYPE_CHECKING:  # pragma: no cover
    from . import pipeline as pipeline

IMPLEMENTATION: t.Literal["cython", "python"]
_impl, _modules = _select()
IMPLEMENTATION = _impl  # type: ignore[assignment]

router: ModuleType = _modules["router"]
builder: ModuleType = _modules["builder"]
response: ModuleType = _modules["response"]
headers: ModuleType = _modules["headers"]
markup: ModuleType = _modules["markup"]


def __getattr__(name: str) -> ModuleType:
    # The pipeline imports flaskfast's leaf modules, which import the
    # kernels from here: it is loaded on first use, after them.
    if name == "pipeline":
        global pipeline
        pipeline = _load_pipeline(IMPLEMENTATION == "cython")
        return pipeline
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "IMPLEMENTATION",
    "KERNELS",
    "builder",
    "headers",
    "markup",
    "pipeline",
    "response",
    "router",
]
