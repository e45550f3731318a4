"""The one place that decides between compiled and pure-Python code.

Two kinds of modules live here:

* **Kernels** (``router``, ``builder``, ``response``,
  ``headers``, ``markup``, ``json``): small leaf modules that
  import nothing from flaskfast, each written twice: ``<name>_py.py`` (the
  readable spec) and ``<name>_c.pyx`` (Cython, same functions, same errors).
* **The pipeline** (``pipeline.py`` + ``pipeline.pxd``): the request pipeline,
  written once in Cython's pure-Python mode.  ``setup.py`` compiles the same
  file into an extension module of the same name; otherwise (or when pure
  code is asked for) the ``.py`` file itself is imported.

Pure code is used when ``FLASKFAST_NO_EXTENSIONS`` is on (read by
:mod:`_flaskfast_flags`, as ``setup.py`` reads it: anything but unset, empty,
``0``, ``false``, ``no`` and ``off``), on interpreters other than CPython, when
no compiled kernels are installed, or when any compiled module fails to
import.  They are never mixed: either every kernel and the pipeline are
compiled or none is.  :data:`IMPLEMENTATION` says which runs and
:data:`IMPLEMENTATION_REASON` why it is pure; compiled kernels that are
installed but fail to import also raise a :class:`RuntimeWarning` at import
(a silent fallback would hide a broken build).  Public modules import them
only from here::

    from ._speedups import pipeline
"""

from __future__ import annotations

import os
import platform
import sys
import typing as t
import warnings
from importlib import import_module
from importlib.machinery import EXTENSION_SUFFIXES
from importlib.machinery import SourceFileLoader
from importlib.util import module_from_spec
from importlib.util import spec_from_file_location
from pathlib import Path
from types import ModuleType

import _flaskfast_flags

KERNELS: tuple[str, ...] = (
    "router", "builder", "response", "headers", "markup", "json", "proxy"
)


def extensions_disabled() -> bool:
    """True when the environment asks for pure Python (or the interpreter
    is not CPython, which the compiled modules are built for)."""
    return (
        _flaskfast_flags.flag(_flaskfast_flags.NO_EXTENSIONS)
        or platform.python_implementation() != "CPython"
    )


def _load_kernels(suffix: str) -> dict[str, ModuleType]:
    return {name: import_module(f"{__name__}.{name}_{suffix}") for name in KERNELS}


def _compiled_pipeline_exists() -> bool:
    here = Path(__file__).parent
    return any((here / f"pipeline{suffix}").is_file() for suffix in EXTENSION_SUFFIXES)


def _pure_reason() -> str | None:
    """Why compiled code is not even tried, or None when it should be."""
    if _flaskfast_flags.flag(_flaskfast_flags.NO_EXTENSIONS):
        value = os.environ[_flaskfast_flags.NO_EXTENSIONS]
        return f"disabled by {_flaskfast_flags.NO_EXTENSIONS}={value}"
    if platform.python_implementation() != "CPython":
        return (
            "the compiled kernels are built for CPython, this is"
            f" {platform.python_implementation()}"
        )
    if not _compiled_pipeline_exists():
        return "no compiled kernels installed"
    return None


def _select() -> tuple[str, str | None, dict[str, ModuleType]]:
    """(implementation, why it is pure or None, the kernel modules)."""
    reason = _pure_reason()
    if reason is None:
        try:
            return "cython", None, _load_kernels("c")
        except ImportError as e:
            reason = f"a compiled kernel failed to import: {type(e).__name__}: {e}"
            warnings.warn(
                f"flaskfast runs as pure Python: {reason}. Reinstall flaskfast,"
                f" or set {_flaskfast_flags.NO_EXTENSIONS}=1 to choose pure Python.",
                RuntimeWarning,
                stacklevel=2,
            )
    return "python", reason, _load_kernels("py")


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
                f" {_flaskfast_flags.NO_EXTENSIONS}=1 to run it as pure Python."
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
#: Why :data:`IMPLEMENTATION` is ``"python"`` (``None`` when compiled): the
#: variable, the interpreter, no compiled kernels installed, or the import
#: error of a compiled kernel.
IMPLEMENTATION_REASON: str | None
_impl, IMPLEMENTATION_REASON, _modules = _select()
IMPLEMENTATION = _impl  # type: ignore[assignment]

router: ModuleType = _modules["router"]
builder: ModuleType = _modules["builder"]
response: ModuleType = _modules["response"]
headers: ModuleType = _modules["headers"]
markup: ModuleType = _modules["markup"]
json: ModuleType = _modules["json"]
proxy: ModuleType = _modules["proxy"]


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
    "IMPLEMENTATION_REASON",
    "KERNELS",
    "builder",
    "headers",
    "json",
    "markup",
    "pipeline",
    "proxy",
    "response",
    "router",
]
