"""``flask.ext`` (removed in Flask 1.0): ``from flask.ext import foo``
imports the extension module ``flask_foo`` with a DeprecationWarning; write
``import flask_foo`` instead.  See :mod:`flaskfast._legacy.ext`."""

from __future__ import annotations

import importlib
import types

from .._legacy.ext import install_finder as _install_finder
from .._legacy.warn import probing_from_import as _probing_from_import

_install_finder()


def __getattr__(name: str) -> types.ModuleType:
    if name.startswith("__") or _probing_from_import(1):
        # Let ``from flask.ext import foo`` import the submodule, through
        # the finder (which warns once).
        raise AttributeError(name)
    return importlib.import_module(f"flaskfast.ext.{name}")
