"""Blueprint API of the older Flask: ``before_app_first_request`` and the
three-argument ``register(app, options, first_registration)`` (whose
wrapper, in :func:`flaskfast._legacy.attach_blueprint`, calls
:func:`check_register_arguments` only when given a third argument)."""

from __future__ import annotations

import typing as t

from .first_request import _REPLACEMENT
from .first_request import register as _register_first_request
from .warn import deprecated

if t.TYPE_CHECKING:  # pragma: no cover
    from ..sansio.blueprints import Blueprint

_F = t.TypeVar("_F", bound=t.Callable[[], t.Any])
_G = t.TypeVar("_G", bound=t.Callable[..., t.Any])


def before_app_first_request(self: Blueprint, f: _F) -> _F:
    """``Blueprint.before_app_first_request(f)``: the app runs ``f`` before
    its first request."""
    deprecated("blueprint.before_app_first_request", _REPLACEMENT)

    def on_register(state: t.Any) -> None:
        _register_first_request(state.app, f)

    self.record_once(on_register)
    return f


def check_register_arguments(legacy: tuple[t.Any, ...]) -> None:
    """``register(app, options, *legacy)``: one extra argument is the
    pre-2.0 ``first_registration`` (ignored: it is computed), with a
    warning; more is a :exc:`TypeError`."""
    if len(legacy) > 1:
        raise TypeError(
            "register() takes (app, options) and, before Flask 2.0,"
            f" first_registration; got {2 + len(legacy)} arguments."
        )
    deprecated(
        "blueprint.register(app, options, first_registration)",
        "blueprint.register(app, options) (first registration is computed)",
    )


def attributes(setupmethod: t.Callable[[_G], _G]) -> dict[str, t.Any]:
    """The method above, by name, for
    :class:`flaskfast.sansio.blueprints.Blueprint` (``setupmethod`` is the
    scaffold's decorator)."""
    return {"before_app_first_request": setupmethod(before_app_first_request)}  # type: ignore[arg-type]
