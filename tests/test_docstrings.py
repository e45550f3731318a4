"""Every public function and class of flaskfast's public API has a docstring.

"Public API" is what flaskfast exposes under Flask's module names (the
``flaskfast`` package and each module ``install_as_flask`` maps to
``flask.<module>``): every name not starting with an underscore whose value is
a function or class defined in flaskfast, and, for each such class, every
public method, property, class method and static method that a flaskfast class
in its MRO defines. Members a class inherits unchanged from werkzeug, Jinja,
click or the standard library are those projects' to document and are not
looked at; a flaskfast override of one is.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import typing as t

from werkzeug.utils import cached_property

from flaskfast import _legacy
from flaskfast._install import SUBMODULES

MODULES = ("flaskfast", *(f"flaskfast.{name}" for name in SUBMODULES))

def _defined_in_flaskfast(obj: object) -> bool:
    module = getattr(obj, "__module__", None) or ""
    return module == "flaskfast" or module.startswith("flaskfast.")


def _member_doc(member: object) -> str | None | bool:
    """The docstring of a class attribute that documents itself, or
    ``False`` for an attribute that is not a method or property."""
    if isinstance(member, type):
        return False  # e.g. ``request_class = Request``: the class has its own
    if isinstance(member, (classmethod, staticmethod)):
        return member.__func__.__doc__
    if isinstance(member, (property, cached_property, functools.cached_property)):
        return member.__doc__
    if inspect.isfunction(member) or inspect.isroutine(member):
        return member.__doc__
    return False


def _load_legacy_members(cls: type) -> None:
    """Replace the older-API placeholders on ``cls`` by the real members.

    ``flaskfast._legacy`` puts a placeholder on the class for each attribute
    of the older Flask API and installs the real ones on first use, so the
    walk would see either, depending on which tests ran before. Loading them
    here (as a first use does, without the use's deprecation warning) makes
    the walk the same in any order.
    """
    for name, member in list(vars(cls).items()):
        if isinstance(member, _legacy._Lazy):
            member._group.resolve(name)


def public_objects() -> dict[str, str | None]:
    """Qualified name -> docstring of every object the test covers."""
    found: dict[str, str | None] = {}
    classes: list[type] = []
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        for name, obj in vars(module).items():
            if name.startswith("_") or not _defined_in_flaskfast(obj):
                continue
            if inspect.isclass(obj):
                found[f"{obj.__module__}.{obj.__qualname__}"] = vars(obj).get("__doc__")
                classes.append(obj)
            elif inspect.isroutine(obj):  # Python or compiled (Cython) functions
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj.__doc__
    for cls in classes:
        for base in cls.__mro__:
            if not _defined_in_flaskfast(base):
                continue
            _load_legacy_members(base)
            for name, member in vars(base).items():
                if name.startswith("_"):
                    continue
                doc = _member_doc(member)
                if doc is not False:
                    found[f"{base.__module__}.{base.__qualname__}.{name}"] = t.cast(
                        "str | None", doc
                    )
    return found


def test_the_walk_covers_the_public_api() -> None:
    # A walk that silently found nothing would make the next test vacuous.
    names = public_objects()
    for expected in (
        "flaskfast.app.Flask",
        "flaskfast.app.Flask.wsgi_app",
        "flaskfast.sansio.scaffold.Scaffold.route",
        "flaskfast.sansio.app.App.debug",
        "flaskfast.helpers.url_for",
        "flaskfast.config.Config.from_object",
        "flaskfast.templating.render_template",
        "flaskfast.wrappers.Request.on_json_loading_failed",
    ):
        assert expected in names, expected
    assert len(names) > 300


def test_every_public_object_has_a_docstring() -> None:
    missing = sorted(name for name, doc in public_objects().items() if not (doc or "").strip())
    assert not missing, "public objects without a docstring:\n  " + "\n  ".join(missing)
