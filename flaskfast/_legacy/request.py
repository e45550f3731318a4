"""Request and request-context attributes of the older Flask API
(``request.is_xhr``, ``request.module``, ``RequestContext.g``), the
three-argument ``Blueprint.register``, and the opt-in request class whose
``get_json()`` returns ``None`` for a non-JSON body as Flask 0.12 did.
"""

from __future__ import annotations

import functools
import typing as t

from ..wrappers import Request
from .warn import deprecated

if t.TYPE_CHECKING:  # pragma: no cover
    from ..ctx import _AppCtxGlobals
    from ..ctx import RequestContext
    from ..sansio.app import App
    from ..sansio.blueprints import Blueprint


def _is_xhr(self: Request) -> bool:
    deprecated(
        "request.is_xhr",
        "request.headers.get('X-Requested-With') or request.accept_mimetypes",
    )
    return self.headers.get("X-Requested-With", "").lower() == "xmlhttprequest"


def _module(self: Request) -> None:
    deprecated("request.module", "request.blueprint")
    return None


def _ctx_g(self: RequestContext) -> _AppCtxGlobals:
    deprecated("RequestContext.g", "flask.g (or flask.globals.app_ctx.g)")
    from ..globals import _cv_app

    return _cv_app.get().g


def _set_ctx_g(self: RequestContext, value: _AppCtxGlobals) -> None:
    deprecated("RequestContext.g = ...", "flask.globals.app_ctx.g = ...")
    from ..globals import _cv_app

    _cv_app.get().g = value


class LegacyJSONRequest(Request):
    """Opt-in request class (limit 6): ``get_json()`` and ``request.json``
    return ``None`` when the body is not declared as JSON, instead of
    answering 415, as in Flask 0.12.  Malformed JSON still gives 400.

    Use ``app.request_class = LegacyJSONRequest``, or call
    ``request.get_json(silent=True)`` in new code."""

    def get_json(
        self, force: bool = False, silent: bool = False, cache: bool = True
    ) -> t.Any | None:
        if not (force or self.is_json):
            return None
        return super().get_json(force=force, silent=silent, cache=cache)


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


def attach() -> None:
    """Add the attributes above to flaskfast's classes."""
    from ..ctx import RequestContext
    from ..sansio.blueprints import Blueprint

    setattr(Request, "is_xhr", property(_is_xhr))
    setattr(Request, "module", property(_module))
    setattr(RequestContext, "g", property(_ctx_g, _set_ctx_g))
    setattr(Blueprint, "register", _wrap_register(Blueprint.register))
