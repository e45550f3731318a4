"""Request and request-context attributes of the older Flask API
(``request.is_xhr``, ``request.module``, ``RequestContext.g``), and the
opt-in request class whose
``get_json()`` returns ``None`` for a non-JSON body as Flask 0.12 did.
"""

from __future__ import annotations

import typing as t

from .warn import deprecated

if t.TYPE_CHECKING:  # pragma: no cover
    from ..ctx import _AppCtxGlobals
    from ..ctx import RequestContext
    from ..wrappers import Request


def _is_xhr(self: Request) -> bool:
    """Deprecated (removed in Werkzeug 1.0): whether the request's
    ``X-Requested-With`` header is ``XMLHttpRequest`` (any case)."""
    deprecated(
        "request.is_xhr",
        "request.headers.get('X-Requested-With') or request.accept_mimetypes",
    )
    return self.headers.get("X-Requested-With", "").lower() == "xmlhttprequest"


def _module(self: Request) -> None:
    """Deprecated (Flask 0.7's modules): always ``None``; read
    ``request.blueprint`` instead."""
    deprecated("request.module", "request.blueprint")
    return None


def _ctx_g(self: RequestContext) -> _AppCtxGlobals:
    """Deprecated (Flask 2.2): the ``g`` object of the current application
    context; setting it replaces that context's ``g``."""
    deprecated("RequestContext.g", "flask.g (or flask.globals.app_ctx.g)")
    from ..globals import _cv_app

    return _cv_app.get().g


def _set_ctx_g(self: RequestContext, value: _AppCtxGlobals) -> None:
    deprecated("RequestContext.g = ...", "flask.globals.app_ctx.g = ...")
    from ..globals import _cv_app

    _cv_app.get().g = value


def request_attributes() -> dict[str, t.Any]:
    """The properties above, by name, for :class:`flaskfast.Request`."""
    return {"is_xhr": property(_is_xhr), "module": property(_module)}


def context_attributes() -> dict[str, t.Any]:
    """The property above, by name, for :class:`flaskfast.ctx.RequestContext`."""
    return {"g": property(_ctx_g, _set_ctx_g)}
