"""Module-level names that Flask 0.11 - 2.2 had and Flask 3.1 removed.

Each flaskfast module that lost a name (``flaskfast``, ``.helpers``,
``.globals``, ``.signals``, ``.json``) ends with a module ``__getattr__``
that calls :func:`lookup`; nothing here runs unless such a name is asked
for.  A lookup warns once per use (``from flask import X`` makes two
lookups; the import system's probe is not counted) and returns the object
the old name stood for, built on the Flask 3.1 API.
"""

from __future__ import annotations

import importlib
import os
import threading
import typing as t

from werkzeug.exceptions import NotFound
from werkzeug.utils import cached_property

from .warn import deprecated
from .warn import probing_from_import
from .warn import unsupported

_T = t.TypeVar("_T")


class _FakeStack:
    """What remains of ``_app_ctx_stack`` / ``_request_ctx_stack``: the
    active context as :attr:`top` (``None`` when there is none).

    Flask 3.1 keeps contexts in context variables whose ``push``/``pop``
    tokens must match, so the stack operations are refused (limit 1)."""

    def __init__(self, kind: str, replacement: str) -> None:
        self._kind = kind
        self._replacement = replacement

    @property
    def top(self) -> t.Any:
        """The active context, or ``None``."""
        from .. import globals as _globals

        var = _globals._cv_app if self._kind == "app" else _globals._cv_request
        return var.get(None)

    def push(self, obj: t.Any) -> None:
        """Refused: see the class docstring."""
        raise unsupported(
            f"_{self._kind}_ctx_stack.push()",
            f"push the context itself ({self._kind}_context().push() or a"
            " 'with' block) and store extension data on flask.g",
        )

    def pop(self) -> t.Any:
        """Refused: see the class docstring."""
        raise unsupported(
            f"_{self._kind}_ctx_stack.pop()",
            "pop the context you pushed (ctx.pop() or leave the 'with' block)",
        )

    def __repr__(self) -> str:
        return f"<legacy _{self._kind}_ctx_stack top={self.top!r}>"


_app_ctx_stack = _FakeStack("app", "flask.globals.app_ctx")
_request_ctx_stack = _FakeStack("request", "flask.globals.request_ctx")


def safe_join(directory: str, *pathnames: str) -> str:
    """``werkzeug.utils.safe_join``, raising :exc:`NotFound` (as Flask 0.12
    - 2.0 did) instead of returning ``None`` for a path that escapes
    ``directory``."""
    from werkzeug.security import safe_join as _wz_safe_join

    path = _wz_safe_join(directory, *pathnames)
    if path is None:
        raise NotFound()
    return path


def get_env() -> str:
    """``FLASK_ENV``, or ``"production"``.  Informational only: it no
    longer enables debug mode (use ``FLASK_DEBUG``)."""
    return os.environ.get("FLASK_ENV") or "production"


class locked_cached_property(cached_property[_T]):  # noqa: N801 - Flask's name
    """A :class:`werkzeug.utils.cached_property` whose get, set and delete
    hold a re-entrant lock, as Flask's removed decorator did."""

    def __init__(
        self,
        fget: t.Callable[[t.Any], _T],
        name: str | None = None,
        doc: str | None = None,
    ) -> None:
        deprecated(
            "flask.helpers.locked_cached_property",
            "werkzeug.utils.cached_property, with a lock in the getter if needed",
        )
        super().__init__(fget, name=name, doc=doc)
        self.lock = threading.RLock()

    def __get__(self, obj: object, type: type | None = None) -> _T:  # type: ignore[override]  # noqa: A002
        if obj is None:
            return self  # type: ignore[return-value]
        with self.lock:
            return super().__get__(obj, type)  # type: ignore[arg-type]

    def __set__(self, obj: object, value: _T) -> None:
        with self.lock:
            super().__set__(obj, value)

    def __delete__(self, obj: object) -> None:
        with self.lock:
            super().__delete__(obj)


def _imported(module: str, name: str) -> t.Callable[[], t.Any]:
    """A factory returning ``module.name``, imported on first use (markupsafe
    and the legacy JSON module are not needed until the old name is)."""
    return lambda: getattr(importlib.import_module(module), name)


_LEGACY_JSON = "flaskfast._legacy.json"


# module -> name -> (what the old name stands for, Flask 3.1 replacement or
# None when the use does not warn here because the object warns itself).
_Entry = t.Tuple[t.Callable[[], t.Any], t.Optional[str]]
_STACKS: dict[str, _Entry] = {
    "_app_ctx_stack": (lambda: _app_ctx_stack, "flask.globals.app_ctx"),
    "_request_ctx_stack": (
        lambda: _request_ctx_stack,
        "flask.globals.request_ctx (extension data belongs on flask.g)",
    ),
}
_SIGNALS: dict[str, _Entry] = {
    "signals_available": (
        lambda: True,
        "nothing: blinker is a dependency, signals always work",
    ),
}
_SAFE_JOIN: _Entry = (
    lambda: safe_join,
    "werkzeug.utils.safe_join(directory, *paths), which returns None for an"
    " escaping path instead of raising NotFound",
)
_TABLE: dict[str, dict[str, _Entry]] = {
    "flaskfast": {
        "escape": (_imported("markupsafe", "escape"), "markupsafe.escape"),
        "Markup": (_imported("markupsafe", "Markup"), "markupsafe.Markup"),
        "safe_join": _SAFE_JOIN,
        **_STACKS,
        **_SIGNALS,
    },
    "flaskfast.helpers": {
        "safe_join": _SAFE_JOIN,
        "get_env": (
            lambda: get_env,
            "FLASK_DEBUG / app.debug (FLASK_ENV no longer switches debug mode)",
        ),
        "locked_cached_property": (lambda: locked_cached_property, None),
    },
    "flaskfast.globals": dict(_STACKS),
    "flaskfast.signals": dict(_SIGNALS),
    "flaskfast.json": {
        "JSONEncoder": (_imported(_LEGACY_JSON, "JSONEncoder"), None),
        "JSONDecoder": (_imported(_LEGACY_JSON, "JSONDecoder"), None),
        "htmlsafe_dumps": (
            _imported(_LEGACY_JSON, "htmlsafe_dumps"),
            "jinja2.utils.htmlsafe_json_dumps(obj, dumps=flask.json.dumps)",
        ),
        "htmlsafe_dump": (
            _imported(_LEGACY_JSON, "htmlsafe_dump"),
            "fp.write(jinja2.utils.htmlsafe_json_dumps(obj, dumps=flask.json.dumps))",
        ),
    },
}


def lookup(module: str, name: str) -> t.Any:
    """The value of the removed name ``module.name``; warns (once per use)
    with the replacement.  :exc:`AttributeError` for any other name."""
    entry = _TABLE.get(module, {}).get(name)
    if entry is None:
        raise AttributeError(f"module {module!r} has no attribute {name!r}")
    factory, replacement = entry
    # Frames: lookup <- the module's __getattr__ <- the accessing code.
    if replacement is not None and not probing_from_import(2):
        public = module.replace("flaskfast", "flask", 1)
        deprecated(f"{public}.{name}", replacement)
    return factory()
