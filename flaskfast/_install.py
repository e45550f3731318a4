"""Make ``import flask`` return flaskfast.

:func:`install_as_flask` registers a ``flask`` package and flaskfast's
submodules under the ``flask`` names in :data:`sys.modules`, so code (and
extensions) that import ``flask``, ``flask.json.tag``, ``flask.sansio.app`` ...
get the flaskfast objects. Call it before anything imports the real Flask, or
let the ``flaskfast`` command or ``FLASKFAST_AS_FLASK=1`` call it for you.

The ``flask`` package is its own module object (a :class:`FlaskPackage`)
holding flaskfast's public names, so that it can answer as Flask 3.1.3 where
flaskfast answers as itself: ``flask.__version__`` is ``"3.1.3"`` (with Flask's
deprecation warning) while ``flaskfast.__version__`` is flaskfast's own. Every
submodule (``flask.app`` ...) *is* the flaskfast module.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
import types
import typing as t
import warnings

from . import _flask_dist
from ._flask_dist import FLASK_API_VERSION

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


class FlaskPackage(types.ModuleType):
    """The ``flask`` package as flaskfast registers it.

    Its namespace is a copy of flaskfast's package namespace taken at
    installation (including flaskfast's module ``__getattr__``); only
    ``__version__`` differs, and answers as Flask 3.1.3's does.
    """

    @property
    def __version__(self) -> str:
        # Same text and category as Flask 3.1.3; the version is the Flask API
        # flaskfast implements, whatever Flask distribution is installed.
        warnings.warn(
            "The '__version__' attribute is deprecated and will be removed in"
            " Flask 3.2. Use feature detection or"
            " 'importlib.metadata.version(\"flask\")' instead.",
            DeprecationWarning,
            stacklevel=2,
        )
        return FLASK_API_VERSION


class ExistingModuleLoader(importlib.abc.Loader):
    """Loader whose "module" is an already imported module."""

    def __init__(self, target: types.ModuleType) -> None:
        self.target = target
        self.target_spec: importlib.machinery.ModuleSpec | None = target.__spec__

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        return self.target

    def exec_module(self, module: types.ModuleType) -> None:
        # The import system stamps the alias spec on the module before calling
        # this; give the module its own spec back.
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
        if fullname == _ALIAS + ".__main__":
            # ``python -m flask``: runpy needs the code of flaskfast's
            # ``__main__`` to run as ``__main__``; importing flaskfast.__main__
            # here would run the command line inside the import system.
            package = sys.modules[_TARGET]
            main_file = os.path.join(os.path.dirname(package.__file__ or ""), "__main__.py")
            return importlib.util.spec_from_file_location(fullname, main_file)
        real_name = _TARGET + fullname[len(_ALIAS) :]
        try:
            real = importlib.import_module(real_name)
        except ImportError:
            return None
        is_package = hasattr(real, "__path__")
        return importlib.machinery.ModuleSpec(
            fullname, ExistingModuleLoader(real), is_package=is_package
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
        if isinstance(module, FlaskPackage):
            continue
        spec = getattr(module, "__spec__", None)
        real_name = str(getattr(spec, "name", None) or getattr(module, "__name__", ""))
        if real_name != _TARGET and not real_name.startswith(_TARGET + "."):
            foreign.append(name)
    return sorted(foreign)


def _run_by_flask_command() -> bool:
    """Whether this process is the real Flask's ``flask`` command."""
    main = sys.modules.get("__main__")
    main_spec = getattr(main, "__spec__", None)
    if getattr(main_spec, "name", None) in ("flask.__main__", "flask.cli"):
        return True
    argv0 = os.path.basename(sys.argv[0]) if sys.argv else ""
    return argv0 in ("flask", "flask.exe", "flask-script.py")


def _refusal(foreign: list[str]) -> str:
    """The message when the real Flask is already loaded, saying what to do."""
    loaded = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
    if "flask.cli" in foreign and _run_by_flask_command():
        return (
            "install_as_flask() cannot replace Flask here: this is the real"
            " Flask's 'flask' command, which loaded Flask before your"
            f" application ({loaded}). Run the same command with 'flaskfast'"
            " instead of 'flask' (for example 'flaskfast --app app run'; it"
            " takes the same options and commands), or set FLASKFAST_AS_FLASK=1"
            " in the environment so that 'flask ...' itself runs on flaskfast."
        )
    return (
        "install_as_flask() must run before the real Flask is imported, but"
        f" these modules are already loaded from Flask: {loaded}. Call"
        " flaskfast.install_as_flask() first thing in your program (for example"
        " at the top of the entry-point module or in conftest.py), set"
        " FLASKFAST_AS_FLASK=1 in the environment so that every 'import flask'"
        " gets flaskfast, or start the application with the 'flaskfast' command."
    )


def _make_package(package: types.ModuleType) -> FlaskPackage:
    alias = FlaskPackage(_ALIAS, package.__doc__)
    namespace = dict(package.__dict__)
    namespace.pop("__version__", None)
    alias.__dict__.update(namespace)
    alias.__name__ = _ALIAS
    loader = ExistingModuleLoader(alias)
    spec = importlib.machinery.ModuleSpec(
        _ALIAS, loader, origin=package.__file__, is_package=True
    )
    loader.target_spec = spec
    spec.submodule_search_locations = list(getattr(package, "__path__", []))
    spec.has_location = package.__file__ is not None
    alias.__spec__ = spec
    alias.__loader__ = spec.loader
    alias.__package__ = _ALIAS
    return alias


def install_as_flask() -> None:
    """Register flaskfast as ``flask`` (and each submodule) in ``sys.modules``.

    Safe to call more than once. Raises :exc:`RuntimeError` if the real Flask
    (any ``flask`` module not provided by flaskfast) was already imported,
    because objects from the two packages must not be mixed in one process;
    the message says how to start the program so that flaskfast comes first.
    """
    foreign = _foreign_flask_modules()
    if foreign:
        raise RuntimeError(_refusal(foreign))

    package = importlib.import_module(_TARGET)
    existing = sys.modules.get(_ALIAS)
    # Import everything first so a broken submodule leaves sys.modules untouched.
    modules: dict[str, types.ModuleType] = {}
    for relative in SUBMODULES:
        modules[f"{_ALIAS}.{relative}"] = importlib.import_module(
            f"{_TARGET}.{relative}"
        )
    alias = existing if isinstance(existing, FlaskPackage) else _make_package(package)
    for relative in SUBMODULES:
        if "." not in relative:
            setattr(alias, relative, modules[f"{_ALIAS}.{relative}"])
    sys.modules[_ALIAS] = alias
    sys.modules.update(modules)
    for name, module in modules.items():
        # Code run from these modules now reports itself as Flask's: warnings
        # raised through them are attributed to "flask.app" etc., so warning
        # filters written for Flask match.  The spec keeps the real name.
        module.__name__ = name

    if _finder not in sys.meta_path:
        # First in line: the path finder would otherwise find flaskfast's files
        # through the alias package's ``__path__`` and load them again.
        sys.meta_path.insert(0, _finder)
    _flask_dist.install()
