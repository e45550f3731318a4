"""Context variables and the proxies that read them.

``_cv_app`` holds the active :class:`~flaskfast.ctx.AppContext`, ``_cv_request``
the active :class:`~flaskfast.ctx.RequestContext`.  Everything else here is a
:class:`werkzeug.local.LocalProxy` over one of them, so each proxy resolves per
thread and per asyncio task.
"""

from __future__ import annotations

import typing as t
from contextvars import ContextVar

from werkzeug.local import LocalProxy

if t.TYPE_CHECKING:  # pragma: no cover
    from .app import Flask
    from .ctx import _AppCtxGlobals
    from .ctx import AppContext
    from .ctx import RequestContext
    from .sessions import SessionMixin
    from .wrappers import Request

_no_app_msg = """\
Working outside of application context.

Something asked for the current application while no application context
was active. Wrap the code in "with app.app_context():" (or run it inside a
request) so that current_app and g have an application to refer to.\
"""
_cv_app: ContextVar[AppContext] = ContextVar("flaskfast.app_ctx")
app_ctx: AppContext = LocalProxy(  # type: ignore[assignment]
    _cv_app, unbound_message=_no_app_msg
)
current_app: Flask = LocalProxy(  # type: ignore[assignment]
    _cv_app, "app", unbound_message=_no_app_msg
)
g: _AppCtxGlobals = LocalProxy(  # type: ignore[assignment]
    _cv_app, "g", unbound_message=_no_app_msg
)

_no_req_msg = """\
Working outside of request context.

Something asked for the current request while no request was being
handled. In tests, use "with app.test_request_context():" or the test
client so that request and session have a request to refer to.\
"""
_cv_request: ContextVar[RequestContext] = ContextVar("flaskfast.request_ctx")
request_ctx: RequestContext = LocalProxy(  # type: ignore[assignment]
    _cv_request, unbound_message=_no_req_msg
)
request: Request = LocalProxy(  # type: ignore[assignment]
    _cv_request, "request", unbound_message=_no_req_msg
)
session: SessionMixin = LocalProxy(  # type: ignore[assignment]
    _cv_request, "session", unbound_message=_no_req_msg
)
