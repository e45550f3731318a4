# cython: language_level=3
"""Compiled kernel: pushing and popping application and request contexts.

Same contract as ``context_py.py`` (the readable spec): same functions, same
order of teardown calls and signals, same ``AssertionError`` messages.
``SENTINEL`` is the pure twin's object, so a context default bound to either
module means "use the exception being handled now" to both.
"""

import sys

from cpython.contextvars cimport PyContextToken_CheckExact
from cpython.contextvars cimport PyContextVar_CheckExact
from cpython.contextvars cimport PyContextVar_Get
from cpython.contextvars cimport PyContextVar_Reset
from cpython.contextvars cimport PyContextVar_Set
from cpython.list cimport PyList_Append
from cpython.object cimport PyObject
from cpython.ref cimport Py_DECREF

from ..globals import _cv_app
from ..globals import _cv_request
from ..signals import appcontext_popped
from ..signals import appcontext_pushed
from .context_py import SENTINEL

cdef object _SENTINEL = SENTINEL
cdef object _app_var = _cv_app
cdef object _request_var = _cv_request
cdef object _pushed = appcontext_pushed
cdef object _popped = appcontext_popped
cdef object _exc_info = sys.exc_info

if not (PyContextVar_CheckExact(_app_var) and PyContextVar_CheckExact(_request_var)):
    raise ImportError("flaskfast.globals must define _cv_app and _cv_request as ContextVars")

# AppContext.push / AppContext.pop as defined by flaskfast.ctx, looked up on
# first use (flaskfast.ctx imports this module, so not at import time).
cdef object _base_app_push = None
cdef object _base_app_pop = None
cdef bint _bases_loaded = False


cdef void _load_bases():
    global _base_app_push, _base_app_pop, _bases_loaded
    try:
        ctx_module = sys.modules["flaskfast.ctx"]
        _base_app_push = ctx_module.AppContext.push
        _base_app_pop = ctx_module.AppContext.pop
    except (KeyError, AttributeError):
        pass
    _bases_loaded = True


cdef inline object _current(object var):
    """``var.get()``, raising the same ``LookupError`` when unset."""
    cdef PyObject* value = NULL
    PyContextVar_Get(var, NULL, &value)
    if value is NULL:
        return var.get()
    result = <object>value
    Py_DECREF(result)  # PyContextVar_Get returned a new reference
    return result


cdef inline object _current_or_none(object var):
    cdef PyObject* value = NULL
    PyContextVar_Get(var, NULL, &value)
    if value is NULL:
        return None
    result = <object>value
    Py_DECREF(result)
    return result


cdef inline void _reset(object var, object token) except *:
    if PyContextToken_CheckExact(token):
        PyContextVar_Reset(var, token)
    else:
        var.reset(token)  # the method's own TypeError for a non-token


cdef inline void _append(object tokens, object var, object value) except *:
    # The spec reads ``tokens.append`` before setting the variable.
    if type(tokens) is list:
        PyList_Append(tokens, PyContextVar_Set(var, value))
    else:
        append = tokens.append
        append(PyContextVar_Set(var, value))


cpdef app_push(ctx):
    """Bind ``ctx`` as the current app context and send ``appcontext_pushed``."""
    _append(ctx._cv_tokens, _app_var, ctx)
    # PERF: blinker's send() walks its bookkeeping even with no receivers
    # (bench: every scenario).
    if _pushed.receivers:
        app = ctx.app
        _pushed.send(app, _async_wrapper=app.ensure_sync)


cpdef app_pop(ctx, exc):
    """Unbind ``ctx`` (running the app teardown on the outermost pop) and
    send ``appcontext_popped``; ``AssertionError`` if ``ctx`` was not active."""
    tokens = ctx._cv_tokens
    app = ctx.app
    try:
        if len(tokens) == 1:
            if exc is _SENTINEL:
                exc = _exc_info()[1]
            app.do_teardown_appcontext(exc)
    finally:
        current = _current(_app_var)
        _reset(_app_var, tokens.pop())
    if current is not ctx:
        raise AssertionError(
            f"Popped the wrong app context: {current!r} is active, not {ctx!r}."
        )
    if _popped.receivers:
        _popped.send(app, _async_wrapper=app.ensure_sync)


def request_push(ctx):
    """Bind ``ctx`` as the current request context, pushing an app context
    for ``ctx.app`` first unless one for that app is active."""
    app = ctx.app
    app_ctx = _current_or_none(_app_var)
    if app_ctx is None or app_ctx.app is not app:
        app_ctx = app.app_context()
        if not _bases_loaded:
            _load_bases()
        # PERF: the stock AppContext.push only calls the kernel; calling it
        # here saves a Python frame per request (bench: every scenario).
        if _base_app_push is not None and getattr(type(app_ctx), "push") is _base_app_push:
            app_push(app_ctx)
        else:
            app_ctx.push()
    else:
        app_ctx = None
    tokens = ctx._cv_tokens
    if type(tokens) is list:
        PyList_Append(tokens, (PyContextVar_Set(_request_var, ctx), app_ctx))
    else:
        append = tokens.append
        append((PyContextVar_Set(_request_var, ctx), app_ctx))


def request_pop(ctx, exc):
    """Unbind ``ctx``; the outermost pop runs the request teardown, closes the
    request and pops the app context pushed with it.  ``AssertionError`` if
    ``ctx`` was not the active request context."""
    tokens = ctx._cv_tokens
    cdef bint outermost = len(tokens) == 1
    try:
        if outermost:
            if exc is _SENTINEL:
                exc = _exc_info()[1]
            ctx.app.do_teardown_request(exc)
            close = getattr(ctx.request, "close", None)
            if close is not None:
                close()
    finally:
        current = _current(_request_var)
        token, app_ctx = tokens.pop()
        _reset(_request_var, token)
        if outermost:
            # Drop the environ's back-reference so the request can be freed.
            current.request.environ["werkzeug.request"] = None
        if app_ctx is not None:
            if not _bases_loaded:
                _load_bases()
            # PERF: as in request_push, the stock AppContext.pop is inlined.
            if _base_app_pop is not None and getattr(type(app_ctx), "pop") is _base_app_pop:
                app_pop(app_ctx, exc)
            else:
                app_ctx.pop(exc)
        if current is not ctx:
            raise AssertionError(
                f"Popped the wrong request context: {current!r} is active,"
                f" not {ctx!r}."
            )
