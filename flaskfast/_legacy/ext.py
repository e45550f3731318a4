"""``flask.ext``: the extension namespace of Flask 0.8 - 0.12.

``from flask.ext import foo`` / ``import flask.ext.foo`` import
``flask_foo`` (or, as 0.12 also tried, ``flaskext.foo``) with a warning.
:class:`ExtensionFinder` is put on :data:`sys.meta_path` only when
``flaskfast.ext`` (``flask.ext``) is first imported.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types
import typing as t

from .._install import ExistingModuleLoader
from .warn import deprecated

PACKAGE = "flaskfast.ext"


def _candidates(name: str) -> tuple[str, str]:
    return f"flask_{name}", f"flaskext.{name}"


def load(name: str) -> types.ModuleType:
    """The extension module ``flask.ext.<name>`` stands for; ImportError
    (naming the packages tried) when none is installed."""
    for candidate in _candidates(name):
        try:
            return importlib.import_module(candidate)
        except ModuleNotFoundError as e:
            if e.name is None or not candidate.startswith(e.name):
                raise  # the extension itself failed to import something
    first, second = _candidates(name)
    raise ModuleNotFoundError(
        f"No module named 'flask.ext.{name}': neither {first!r} nor {second!r}"
        f" is installed (install the extension, then 'import {first}').",
        name=f"flask.ext.{name}",
    )


class ExtensionFinder(importlib.abc.MetaPathFinder):
    """Resolves ``flaskfast.ext.<name>`` to the extension's own module."""

    def find_spec(
        self,
        fullname: str,
        path: t.Sequence[str] | None = None,
        target: types.ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        prefix = PACKAGE + "."
        if not fullname.startswith(prefix) or "." in fullname[len(prefix) :]:
            return None
        name = fullname[len(prefix) :]
        module = load(name)
        deprecated(
            f"Importing flask.ext.{name}",
            f"import {module.__name__} directly",
        )
        return importlib.machinery.ModuleSpec(fullname, ExistingModuleLoader(module))


_finder = ExtensionFinder()


def install_finder() -> None:
    """Put the finder on :data:`sys.meta_path` (once)."""
    if _finder not in sys.meta_path:
        sys.meta_path.append(_finder)
