"""Blueprint API of the older Flask: ``before_app_first_request`` and the
three-argument ``register(app, options, first_registration)``."""

from __future__ import annotations

import functools
import typing as t

from .first_request import _REPLACEMENT
from .first_request import register as _register_first_request
from .warn import deprecated

if t.TYPE_CHECKING:  # pragma: no cover
    from ..sansio.app import App
    from ..sansio.blueprints import Blueprint

_F = t.TypeVar("_F", bound=t.Callable[[], t.Any])
_G = t.TypeVar("_G", bound=t.Callable[..., t.Any])


def before_app_first_request(self: Blueprint, f: _F) -> _F:
    """``Blueprint.before_app_first_request(f)``: the app runs ``f`` before
    its first request."""
    # Frames: deprecated <- here <- the setupmethod wrapper <- the caller.
    deprecated("blueprint.before_app_first_request", _REPLACEMENT, stacklevel=3)

    def on_register(state: t.Any) -> None:
        _register_first_request(state.app, f)

    self.record_once(on_register)
    return f


def _wrap_register(
    register: t.Callable[[Blueprint, App, dict[str, t.Any]], None],
) -> t.Callable[..., None]:
    @functools.wraps(register)
    def wrapper(
        self: Blueprint, app: App, options: dict[str, t.Any], *legacy: t.Any
    ) -> None:
        if legacy:
            if len(legacy) > 1:
                raise TypeError(
                    "register() takes (app, options) and, before Flask 2.0,"
                    f" first_registration; got {2 + len(legacy)} arguments."
                )
            deprecated(
                "blueprint.register(app, options, first_registration)",
                "blueprint.register(app, options) (first registration is computed)",
            )
        register(self, app, options)

    return wrapper


def attach(blueprint_class: type, setupmethod: t.Callable[[_G], _G]) -> None:
    """Add the above to :class:`flaskfast.sansio.blueprints.Blueprint`
    (called by that module; ``setupmethod`` is the scaffold's decorator)."""
    setattr(blueprint_class, "before_app_first_request", setupmethod(before_app_first_request))  # type: ignore[arg-type]
    setattr(blueprint_class, "register", _wrap_register(blueprint_class.register))  # type: ignore[attr-defined]
