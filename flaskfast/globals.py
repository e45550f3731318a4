"""Context variables and the proxies that read them.

``_cv_app`` holds the active :class:`~flaskfast.ctx.AppContext`, ``_cv_request``
the active :class:`~flaskfast.ctx.RequestContext`.  Everything else here is a
:class:`werkzeug.local.LocalProxy` over one of them, so each proxy resolves per
thread and per asyncio task.
"""

from __future__ import annotations

import threading
import typing as t
from contextvars import ContextVar

from werkzeug.local import LocalProxy

from ._speedups import proxy as _proxy_kernel

if t.TYPE_CHECKING:  # pragma: no cover
    from .app import Flask
    from .ctx import _AppCtxGlobals
    from .ctx import AppContext
    from .ctx import RequestContext
    from .sessions import SessionMixin
    from .wrappers import Request


class _ContextProxy(LocalProxy[t.Any]):
    # A LocalProxy over a context variable, optionally one attribute of its
    # value. Attribute reads and writes, truth and item access are
    # short-cut; every other operation, _get_current_object, __wrapped__ and
    # the unbound behaviour are werkzeug's. (No docstring: it would shadow
    # the proxied __doc__.)
    #
    # PERF: werkzeug resolves ``proxy.name`` in __getattr__, which CPython
    # 3.11 reaches only after building an AttributeError for the proxy
    # itself, then goes through a descriptor, a closure and a partial
    # (~0.8us). __getattribute__ resolves it in one call (~0.15us)
    # (bench: query_args, form_post, json_post, blueprint_hooks, session).

    __slots__ = ("_ff_state",)
    __doc__ = vars(LocalProxy)["__doc__"]

    def __init__(
        self, var: ContextVar[t.Any], attr: str | None, *, unbound_message: str
    ) -> None:
        super().__init__(var, attr, unbound_message=unbound_message)
        object.__setattr__(self, "_ff_state", (var, attr, unbound_message))

    # PERF: the proxy kernel (compiled when flaskfast's kernels are) reads
    # the context variable without Python frames (bench: session, query_args,
    # form_post, json_post, real/*).
    __getattribute__ = _proxy_kernel.getattribute

    def __getattr__(self, name: str) -> t.Any:
        failed = _failed_lookup.__dict__.pop("value", None)
        if failed is not None and failed[0] is self and failed[1] == name:
            raise failed[2]
        return getattr(_current(self), name)

    __setattr__ = _proxy_kernel.setattr_

    def __bool__(self) -> bool:
        try:
            obj = _current(self)
        except RuntimeError:
            return False
        return bool(obj)

    __getitem__ = _proxy_kernel.getitem
    __setitem__ = _proxy_kernel.setitem
    __contains__ = _proxy_kernel.contains

    def __repr__(self) -> str:
        # werkzeug names the proxy's own class when unbound; keep its name.
        try:
            obj = _current(self)
        except RuntimeError:
            return "<LocalProxy unbound>"
        return repr(obj)


_state_of = vars(_ContextProxy)["_ff_state"].__get__
_PROXY_OWN_NAMES = frozenset(dir(_ContextProxy))
_failed_lookup = threading.local()


_current = _proxy_kernel.current
_proxy_kernel.configure(_PROXY_OWN_NAMES, _state_of, _failed_lookup)


_no_app_msg = """\
Working outside of application context.

Something asked for the current application while no application context
was active. Wrap the code in "with app.app_context():" (or run it inside a
request) so that current_app and g have an application to refer to.\
"""
_cv_app: ContextVar[AppContext] = ContextVar("flaskfast.app_ctx")
app_ctx: AppContext = _ContextProxy(  # type: ignore[assignment]
    _cv_app, None, unbound_message=_no_app_msg
)
current_app: Flask = _ContextProxy(  # type: ignore[assignment]
    _cv_app, "app", unbound_message=_no_app_msg
)
g: _AppCtxGlobals = _ContextProxy(  # type: ignore[assignment]
    _cv_app, "g", unbound_message=_no_app_msg
)

_no_req_msg = """\
Working outside of request context.

Something asked for the current request while no request was being
handled. In tests, use "with app.test_request_context():" or the test
client so that request and session have a request to refer to.\
"""
_cv_request: ContextVar[RequestContext] = ContextVar("flaskfast.request_ctx")
request_ctx: RequestContext = _ContextProxy(  # type: ignore[assignment]
    _cv_request, None, unbound_message=_no_req_msg
)
request: Request = _ContextProxy(  # type: ignore[assignment]
    _cv_request, "request", unbound_message=_no_req_msg
)
session: SessionMixin = _ContextProxy(  # type: ignore[assignment]
    _cv_request, "session", unbound_message=_no_req_msg
)


def __getattr__(name: str) -> t.Any:
    if name.startswith("__"):
        # Dunder probes (``__path__`` by every ``from module import``)
        # never name the older API.
        raise AttributeError(name)
    # Names of the older Flask API (see flaskfast._legacy.names).
    from ._legacy.names import lookup

    return lookup("flaskfast.globals", name)
