"""Make ``import flask`` return flaskfast.

:func:`install_as_flask` puts flaskfast and its submodules into
:data:`sys.modules` under the ``flask`` names, so code (and extensions) that
import ``flask``, ``flask.json.tag``, ``flask.sansio.app`` ... get the
flaskfast objects. Call it before anything imports the real Flask.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types
import typing as t

# Every module that Flask 3.1.3 exposes, by its name relative to the package.
# ``__main__`` is left out on purpose: importing it runs the command line.
SUBMODULES: tuple[str, ...] = (
    "app",
    "blueprints",
    "cli",
    "config",
    "ctx",
    "debughelpers",
    "globals",
    "helpers",
    "json",
    "json.provider",
    "json.tag",
    "logging",
    "sessions",
    "signals",
    "templating",
    "testing",
    "typing",
    "views",
    "wrappers",
    "sansio",
    "sansio.app",
    "sansio.blueprints",
    "sansio.scaffold",
)

_ALIAS = "flask"
_TARGET = "flaskfast"


class _AliasLoader(importlib.abc.Loader):
    """Loader whose "module" is an already imported flaskfast module."""

    def __init__(self, target: types.ModuleType) -> None:
        self.target = target
        self.target_spec = target.__spec__

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        return self.target

    def exec_module(self, module: types.ModuleType) -> None:
        # The import system stamps the alias spec on the module before calling
        # this; give the flaskfast module its own spec back.
        module.__spec__ = self.target_spec


class _AliasFinder(importlib.abc.MetaPathFinder):
    """Resolves any ``flask.<x>`` not yet in sys.modules to ``flaskfast.<x>``.

    Without it, ``import flask.something`` would execute flaskfast's file a
    second time as a distinct module (the alias package shares ``__path__``).
    """

    def find_spec(
        self,
        fullname: str,
        path: t.Sequence[str] | None = None,
        target: types.ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if not fullname.startswith(_ALIAS + "."):
            return None
        real_name = _TARGET + fullname[len(_ALIAS) :]
        try:
            real = importlib.import_module(real_name)
        except ImportError:
            return None
        is_package = hasattr(real, "__path__")
        return importlib.machinery.ModuleSpec(
            fullname, _AliasLoader(real), is_package=is_package
        )


_finder = _AliasFinder()


def _foreign_flask_modules() -> list[str]:
    """Names under ``flask`` in sys.modules that are not flaskfast modules."""
    foreign = []
    for name, module in list(sys.modules.items()):
        if name != _ALIAS and not name.startswith(_ALIAS + "."):
            continue
        if module is None:  # an import-blocking entry, not a module
            continue
        spec = getattr(module, "__spec__", None)
        real_name = str(getattr(spec, "name", None) or getattr(module, "__name__", ""))
        if real_name != _TARGET and not real_name.startswith(_TARGET + "."):
            foreign.append(name)
    return sorted(foreign)


def install_as_flask() -> None:
    """Register flaskfast as ``flask`` (and each submodule) in ``sys.modules``.

    Safe to call more than once. Raises :exc:`RuntimeError` if the real Flask
    (any ``flask`` module not provided by flaskfast) was already imported,
    because objects from the two packages must not be mixed in one process.
    """
    foreign = _foreign_flask_modules()
    if foreign:
        raise RuntimeError(
            "install_as_flask() must run before the real Flask is imported, but"
            f" these modules are already loaded from Flask: {', '.join(foreign)}."
            " Call flaskfast.install_as_flask() first thing in your program (for"
            " example at the top of the entry-point module or in conftest.py)."
        )

    package = importlib.import_module(_TARGET)
    # Import everything first so a broken submodule leaves sys.modules untouched.
    modules = {_ALIAS: package}
    for relative in SUBMODULES:
        modules[f"{_ALIAS}.{relative}"] = importlib.import_module(
            f"{_TARGET}.{relative}"
        )
    sys.modules.update(modules)
    for alias, module in modules.items():
        # Code run from these modules now reports itself as Flask's: warnings
        # raised through them are attributed to "flask.app" etc., so warning
        # filters written for Flask match.  The spec keeps the real name.
        module.__name__ = alias

    if _finder not in sys.meta_path:
        # First in line: the path finder would otherwise find flaskfast's files
        # through the alias package's ``__path__`` and load them again.
        sys.meta_path.insert(0, _finder)
