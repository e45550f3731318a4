"""Pure-Python kernel: pushing and popping application and request contexts.

This module is the readable spec for ``context_c.pyx``.  The context classes
in :mod:`flaskfast.ctx` own the state (``_cv_tokens``, ``app``, ``request``);
these functions do the context-variable bookkeeping, the teardown calls and the
push/pop signals, in the order Flask documents:

* ``app_push``: bind the app context, then send ``appcontext_pushed``.
* ``app_pop``: on the outermost pop run ``app.do_teardown_appcontext(exc)``,
  unbind, check that the right context was popped, send ``appcontext_popped``.
* ``request_push``: push an app context for ``ctx.app`` unless one for the same
  app is already active, then bind the request context.
* ``request_pop``: on the outermost pop run ``app.do_teardown_request(exc)`` and
  close the request, unbind, pop the app context pushed with it, and check that
  the right context was popped.

``exc`` may be ``SENTINEL``, meaning "use the exception being handled now".
"""

from __future__ import annotations

import sys
import typing as t

from werkzeug.wrappers import Request as _WerkzeugRequest

from ..globals import _cv_app
from ..globals import _cv_request
from ..signals import appcontext_popped
from ..signals import appcontext_pushed

SENTINEL: t.Any = object()
_WZ_CLOSE = _WerkzeugRequest.close


def app_push(ctx: t.Any) -> None:
    ctx._cv_tokens.append(_cv_app.set(ctx))
    # PERF: blinker's send() walks its receiver bookkeeping even with no
    # receivers; most apps connect none (bench: every scenario).
    if appcontext_pushed.receivers:
        app = ctx.app
        appcontext_pushed.send(app, _async_wrapper=app.ensure_sync)


def app_pop(ctx: t.Any, exc: t.Any) -> None:
    tokens = ctx._cv_tokens
    app = ctx.app
    try:
        if len(tokens) == 1:
            if exc is SENTINEL:
                exc = sys.exc_info()[1]
            app.do_teardown_appcontext(exc)
    finally:
        current = _cv_app.get()
        _cv_app.reset(tokens.pop())
    if current is not ctx:
        raise AssertionError(
            f"Popped the wrong app context: {current!r} is active, not {ctx!r}."
        )
    if appcontext_popped.receivers:
        appcontext_popped.send(app, _async_wrapper=app.ensure_sync)


def request_push(ctx: t.Any) -> None:
    app = ctx.app
    app_ctx = _cv_app.get(None)
    if app_ctx is None or app_ctx.app is not app:
        app_ctx = app.app_context()
        app_ctx.push()
    else:
        app_ctx = None
    ctx._cv_tokens.append((_cv_request.set(ctx), app_ctx))


def request_pop(ctx: t.Any, exc: t.Any) -> None:
    tokens = ctx._cv_tokens
    outermost = len(tokens) == 1
    try:
        if outermost:
            if exc is SENTINEL:
                exc = sys.exc_info()[1]
            ctx.app.do_teardown_request(exc)
            request = ctx.request
            # PERF: werkzeug's close() only closes parsed uploaded files; skip
            # the call when none were parsed (bench: every scenario).
            if type(request).close is not _WZ_CLOSE or "files" in request.__dict__:
                close = getattr(request, "close", None)
                if close is not None:
                    close()
    finally:
        current = _cv_request.get()
        token, app_ctx = tokens.pop()
        _cv_request.reset(token)
        if outermost:
            # Drop the environ's back-reference so the request can be freed.
            current.request.environ["werkzeug.request"] = None
        if app_ctx is not None:
            app_ctx.pop(exc)
        if current is not ctx:
            raise AssertionError(
                f"Popped the wrong request context: {current!r} is active,"
                f" not {ctx!r}."
            )
