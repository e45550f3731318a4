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
from cpython.object cimport PyTypeObject
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
# PERF: each signal's receivers dict, read once: blinker creates it with the
# signal and only ever changes it in place, so ``if rx:`` asks what
# "if signal.receivers:" asks, without an attribute lookup (bench: every
# scenario checks six signals).
cdef object _pushed_rx = appcontext_pushed.receivers
cdef object _popped_rx = appcontext_popped.receivers

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


cdef inline object _pop_last(object tokens):
    """``tokens.pop()``."""
    if type(tokens) is list:
        return (<list>tokens).pop()
    return tokens.pop()


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
    if _pushed_rx:
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
        _reset(_app_var, _pop_last(tokens))
    if current is not ctx:
        raise AssertionError(
            f"Popped the wrong app context: {current!r} is active, not {ctx!r}."
        )
    if _popped_rx:
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


cdef tuple _unbind_request(object tokens, bint outermost):
    """Reset the request context variable to the last of ``tokens``; returns
    ``(the context that was current, the app context pushed with it)``."""
    current = _current(_request_var)
    token, app_ctx = _pop_last(tokens)
    _reset(_request_var, token)
    if outermost:
        # Drop the environ's back-reference so the request can be freed.
        current.request.environ["werkzeug.request"] = None
    return current, app_ctx


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
        current, app_ctx = _unbind_request(tokens, outermost)
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


# -- the fused request cycle ---------------------------------------------------
#
# ``serve`` does what ``context_py.serve`` (the readable spec) does, step for
# step; the helpers below are C functions, so the whole cycle runs without a
# Python frame of flaskfast's own except those of registered functions and of
# the steps it delegates (error handling, routing fallbacks, unusual
# responses).  The stock classes it stands in for are looked up on first use,
# because flaskfast.ctx imports this module.

from cpython.dict cimport PyDict_GetItemWithError
from cpython.unicode cimport PyUnicode_AsUTF8String
from cpython.ref cimport Py_INCREF
from cpython.tuple cimport PyTuple_GET_ITEM
from cpython.tuple cimport PyTuple_New
from cpython.tuple cimport PyTuple_SET_ITEM

cdef extern from "Python.h":
    bint PyUnicode_IS_ASCII(object)
    void* PyUnicode_DATA(object)
    Py_ssize_t PyUnicode_GET_LENGTH(object)
    PyTypeObject PyBaseObject_Type

cdef tuple _EMPTY = ()


cdef inline object _new(object cls):
    """``object.__new__(cls)``."""
    # PERF: object's tp_new called directly, without an argument tuple for
    # object.__new__ (bench: every scenario builds three objects this way).
    if type(cls) is type and (<PyTypeObject*>cls).tp_new == PyBaseObject_Type.tp_new:
        return PyBaseObject_Type.tp_new(<type>cls, <PyObject*>_EMPTY, NULL)
    return _object_new(cls)

cdef bint _stock_loaded = False
cdef object _RequestContext = None
cdef object _AppContext = None
cdef object _adapter_keys = None
cdef object _bad_path = None
cdef object _request_init = None
cdef object _request_close = None
cdef object _stock_blueprints = None
cdef object _response_call = None
cdef object _wz_get_wsgi_response = None
cdef object _wz_get_wsgi_headers = None
cdef object _wz_get_app_iter = None
cdef object _wz_iter_encoded = None
cdef object _cookie_interface = None
cdef object _split_blueprint_path = None
cdef object _make_response = None
cdef object _wsgi_header_list = None
cdef object _check_status = None
cdef object _started = None
cdef object _finished = None
cdef object _request_tearing_down = None
cdef object _appcontext_tearing_down = None
cdef object _wz_close = None
cdef object _started_rx = None
cdef object _finished_rx = None
cdef object _request_tearing_down_rx = None
cdef object _appcontext_tearing_down_rx = None
cdef object _object_new = object.__new__
cdef object _HTTPException = None
cdef object _plain_head = None
cdef object _Config = None
cdef object _serve_state = None
cdef object _stock_wsgi_app = None
cdef object _MISSING = object()
cdef tuple _APP_ONLY = (None,)
cdef str _PRESERVE = "werkzeug.debug.preserve_context"


cdef void _load_stock() except *:
    global _stock_loaded, _RequestContext, _AppContext, _adapter_keys, _bad_path
    global _request_init, _request_close, _stock_blueprints, _response_call, _wz_get_wsgi_response
    global _wz_get_wsgi_headers, _wz_get_app_iter, _wz_iter_encoded
    global _cookie_interface, _split_blueprint_path, _make_response
    global _wsgi_header_list, _check_status, _started, _finished, _request_tearing_down
    global _appcontext_tearing_down, _wz_close, _HTTPException
    global _plain_head, _serve_state, _Config
    global _started_rx, _finished_rx, _request_tearing_down_rx, _appcontext_tearing_down_rx, _stock_wsgi_app
    from werkzeug.exceptions import HTTPException
    from werkzeug.wrappers import Request as WerkzeugRequest

    from .. import app as app_module
    from .. import config as config_module
    from .. import ctx as ctx_module
    from .. import helpers
    from .. import sessions
    from .. import signals
    from .. import wrappers
    from . import headers_c
    from . import response_c

    _RequestContext = ctx_module.RequestContext
    _AppContext = ctx_module.AppContext
    _adapter_keys = ctx_module._ADAPTER_KEYS
    _bad_path = ctx_module._bad_path
    _request_init = wrappers.Request.__init__
    _request_close = wrappers.Request.close
    _stock_blueprints = wrappers.Request.__dict__["blueprints"]
    _response_call = wrappers.Response.__call__
    _wz_get_wsgi_response = wrappers._WZ_GET_WSGI_RESPONSE
    _wz_get_wsgi_headers = wrappers._WZ_GET_WSGI_HEADERS
    _wz_get_app_iter = wrappers._WZ_GET_APP_ITER
    _wz_iter_encoded = wrappers._WZ_ITER_ENCODED
    _cookie_interface = sessions.SecureCookieSessionInterface
    _split_blueprint_path = helpers._split_blueprint_path
    _make_response = response_c.make_response
    _wsgi_header_list = headers_c.wsgi_header_list
    _check_status = headers_c.check_status
    _started = signals.request_started
    _finished = signals.request_finished
    _request_tearing_down = signals.request_tearing_down
    _appcontext_tearing_down = signals.appcontext_tearing_down
    _started_rx = _started.receivers
    _finished_rx = _finished.receivers
    _request_tearing_down_rx = _request_tearing_down.receivers
    _appcontext_tearing_down_rx = _appcontext_tearing_down.receivers
    _wz_close = WerkzeugRequest.close
    _HTTPException = HTTPException
    _plain_head = response_c.plain_head
    _Config = config_module.Config
    global _snap_layout
    _snap_layout = (
        type(_adapter_keys) is tuple
        and len(_adapter_keys) > _SNAP_UPGRADE
        and _adapter_keys[_SNAP_UPGRADE] == "HTTP_UPGRADE"
        and _adapter_keys[_SNAP_HOST] == "HTTP_HOST"
        and _adapter_keys[_SNAP_SERVER_NAME] == "SERVER_NAME"
        and _adapter_keys[_SNAP_SCHEME] == "wsgi.url_scheme"
        and _adapter_keys[_SNAP_PATH] == "PATH_INFO"
        and _adapter_keys[_SNAP_METHOD] == "REQUEST_METHOD"
    )
    _serve_state = app_module._serve_state
    _stock_wsgi_app = app_module._STOCK_WSGI_APP
    _stock_loaded = True


cdef inline object _env_get(object environ, object key, object default):
    if type(environ) is dict:
        return (<dict>environ).get(key, default)
    return environ.get(key, default)


cdef object _sync(object app, object func):
    """``app._sync(func)`` for an app whose ``ensure_sync`` is the stock one."""
    return _sync_in(app, app._sync_cache, func)


cdef object _sync_in(object app, object cache, object func):
    """``_sync`` with ``app._sync_cache`` already read as ``cache``."""
    try:
        return cache[func]
    except KeyError:
        wrapped = app.ensure_sync(func)
        cache[func] = wrapped
        return wrapped
    except TypeError:  # unhashable callable
        return app.ensure_sync(func)


# PERF: the blueprint names of the matched endpoint in both hook orders,
# built once per endpoint for the stock ``Request.blueprints`` (bench:
# blueprint_hooks); see ``context_py._hook_names``.
cdef dict _hook_names_cache = {}
cdef Py_ssize_t _HOOK_NAMES_SIZE = 512
cdef tuple _NO_BLUEPRINT = (_APP_ONLY, _APP_ONLY)


cdef tuple _hook_names(object request):
    """``((None, *reversed(bps)), (*bps, None))`` for ``request.blueprints``."""
    cdef object names
    if getattr(type(request), "blueprints") is _stock_blueprints and request._plain_endpoint:
        rule = request.url_rule
        if rule is None:
            return _NO_BLUEPRINT
        endpoint = rule.endpoint
        if type(endpoint) is str:
            names = _hook_names_cache.get(endpoint)
            if names is not None:
                return <tuple>names
            if "." not in <str>endpoint:
                names = _NO_BLUEPRINT
            else:
                bps = _split_blueprint_path((<str>endpoint).rpartition(".")[0])
                names = ((None, *reversed(bps)), (*bps, None))
            if len(_hook_names_cache) >= _HOOK_NAMES_SIZE:
                _hook_names_cache.clear()
            _hook_names_cache[endpoint] = names
            return <tuple>names
    bps = request.blueprints
    if not bps:
        return _NO_BLUEPRINT
    return ((None, *reversed(bps)), (*bps, None))


cdef inline bint _plain_pipeline(object cls) except -1:
    """``flaskfast.wrappers._plain_pipeline(cls)``."""
    return (
        cls.get_wsgi_response is _wz_get_wsgi_response
        and cls.get_wsgi_headers is _wz_get_wsgi_headers
        and cls.get_app_iter is _wz_get_app_iter
        and cls.iter_encoded is _wz_iter_encoded
        and getattr(cls, "automatically_set_content_length", False) is True
    )


cdef tuple _snapshot(object environ, tuple keys):
    """``tuple(map(environ.get, keys))``."""
    cdef Py_ssize_t i, n
    cdef PyObject* found
    cdef tuple out
    if type(environ) is not dict:
        return tuple(map(environ.get, keys))
    # PERF: direct dict lookups instead of a map over a bound method
    # (bench: every scenario).
    n = len(keys)
    out = PyTuple_New(n)
    for i in range(n):
        # Raises for an unhashable key; NULL here means "missing".
        found = PyDict_GetItemWithError(environ, <object>PyTuple_GET_ITEM(keys, i))
        if found is NULL:
            found = <PyObject*>None
        Py_INCREF(<object>found)
        PyTuple_SET_ITEM(out, i, <object>found)
    return out


# Where _snapshot puts the keys read here (checked against ctx._ADAPTER_KEYS
# when the stock objects are loaded; -1 there turns the shortcut off).
cdef Py_ssize_t _SNAP_HOST = 0, _SNAP_SERVER_NAME = 1, _SNAP_SCHEME = 3, _SNAP_PATH = 5
cdef Py_ssize_t _SNAP_METHOD = 7
cdef Py_ssize_t _SNAP_UPGRADE = 8
cdef bint _snap_layout = False


cdef bint _plain_binding(object host, object server_name, object scheme):
    """``flaskfast.ctx._plain_binding``: not a WebSocket scheme, and the host
    name before the port is ASCII with dot-separated labels of 1 to 63
    characters (the last 0 to 63)."""
    cdef Py_ssize_t i, n, label = 0
    cdef const unsigned char* data
    cdef unsigned char ch
    if scheme == "ws" or scheme == "wss":
        return False
    name = server_name if host is None else host
    if type(name) is not str or not PyUnicode_IS_ASCII(name):
        return False
    data = <const unsigned char*>PyUnicode_DATA(name)
    n = PyUnicode_GET_LENGTH(name)
    for i in range(n):
        ch = data[i]
        if ch == 58:  # ":" ends the name
            break
        if ch == 46:  # "."
            if label == 0 or label > 63:
                return False
            label = 0
        else:
            label += 1
    return label < 64


cdef bint _plain_environ(object environ, tuple snap) except -1:
    """A sufficient condition for ``Flask.wsgi_app`` finding nothing wrong
    with the dict ``environ``, whose snapshot is ``snap`` (anything else goes
    through its own check).  A value missing from the snapshot counts as
    not plain."""
    cdef Py_UCS4 ch
    if not _snap_layout:
        return False
    path = snap[_SNAP_PATH]
    if type(path) is not str or not PyUnicode_IS_ASCII(path):
        return False
    host = snap[_SNAP_HOST]
    if type(host) is not str or not PyUnicode_IS_ASCII(host):
        return False
    for ch in <str>host:
        if ch < 0x20 or ch > 0x7e:
            return False
    return (
        snap[_SNAP_SCHEME] is not None
        and type(snap[_SNAP_METHOD]) is str
        and "wsgi.input" in <dict>environ
        and "wsgi.errors" in <dict>environ
    )


cdef extern from *:
    """
    /* A dict's version tag (PEP 509): it changes whenever the dict does.
       CPython has it before 3.12; later versions deprecate and remove it,
       and there every plan is treated as stale. */
    #if PY_VERSION_HEX < 0x030C0000
    #define FF_DICT_TAGS 1
    static CYTHON_INLINE unsigned long long ff_dict_tag(PyObject *d) {
        return ((PyDictObject *)d)->ma_version_tag;
    }
    #else
    #define FF_DICT_TAGS 0
    static CYTHON_INLINE unsigned long long ff_dict_tag(PyObject *d) {
        (void)d;
        return 0;
    }
    #endif
    """
    const bint FF_DICT_TAGS
    unsigned long long ff_dict_tag(object d)


# The app attributes the fused cycle reads on every request.
cdef tuple _PLAN_NAMES = (
    "request_class", "json", "session_interface", "config", "subdomain_matching",
    "url_map", "view_functions", "_sync_cache", "url_value_preprocessors",
    "before_request_funcs", "after_request_funcs", "teardown_request_funcs",
    "teardown_appcontext_funcs", "response_class", "_got_first_request",
)
cdef tuple _PLAN_CONFIG = ("TRUSTED_HOSTS", "SERVER_NAME", "APPLICATION_ROOT", "PREFERRED_URL_SCHEME")


cdef class _Plan:
    """What the fused cycle reads from one app, kept while the app's
    ``__dict__``, its class and its stock ``Config`` are unchanged.

    PERF: one version-tag comparison instead of a dozen attribute lookups
    per request (bench: every scenario, bench/server.py).  Only used where
    dicts carry version tags (CPython < 3.12) and only for attributes that
    are plain values, not descriptors; anything else reads the app.
    """
    cdef bint ready
    cdef object attrs  # the app's __dict__ the tags refer to
    cdef object app_type
    cdef unsigned long long dict_tag
    cdef unsigned int type_tag
    cdef object config
    cdef unsigned long long config_tag
    cdef object request_class, json, session_interface, subdomain_matching
    cdef object url_map, view_functions, sync_cache, url_value_preprocessors
    cdef object before_request_funcs, after_request_funcs, teardown_request_funcs
    cdef object teardown_appcontext_funcs, response_class, got_first_request
    cdef object trusted_hosts, server_name, application_root, preferred_url_scheme


cdef _Plan _NO_PLAN = _Plan()  # never ready: every read goes to the app
cdef object _object_getattribute = object.__getattribute__


def plan_ready(app):
    """Whether the fused cycle reads ``app``'s attributes from its plan (for
    tests; the pure twin keeps none and answers ``None``)."""
    attrs = getattr(app, "__dict__", None)
    if type(attrs) is not dict:
        return False
    state = (<dict>attrs).get("_ff_serve")
    if type(state) is not tuple or len(<tuple>state) != 4 or type((<tuple>state)[3]) is not _Plan:
        return False
    return _fresh(<_Plan>(<tuple>state)[3], app)


cdef inline bint _fresh(_Plan plan, object app) except -1:
    """Whether ``plan`` still holds what reading ``app`` would give."""
    return (
        plan.ready
        and type(app) is plan.app_type
        and ff_dict_tag(plan.attrs) == plan.dict_tag
        and ff_type_tag(plan.app_type) == plan.type_tag
        and ff_dict_tag(plan.config) == plan.config_tag
    )


cdef inline object _pv(_Plan plan, object cached, object app, str name):
    """``getattr(app, name)``, from ``plan`` while it is fresh."""
    if _fresh(plan, app):
        return cached
    return getattr(app, name)


cdef inline object _pc(_Plan plan, object cached, object app, str key):
    """``app.config[key]``, from ``plan`` while it is fresh."""
    if cached is not _MISSING and _fresh(plan, app):
        return cached
    return _config_get(app.config, key)


cdef bint _plain_attribute(object cls, str name) except -1:
    """Whether ``cls`` gives ``name`` no descriptor behaviour, so the value
    read from an instance is a stored value."""
    found = getattr(cls, name, _MISSING)
    return found is _MISSING or not hasattr(type(found), "__get__")


cdef void _plan_fill(_Plan plan, object app, object attrs) except *:
    """Read ``app`` into ``plan``; ``plan.ready`` only if nothing changed
    meanwhile and every attribute is a plain value."""
    plan.ready = False
    if not FF_DICT_TAGS or type(attrs) is not dict:
        return
    cls = type(app)
    # A class that looks attributes up its own way is asked every time.
    if getattr(cls, "__getattribute__") is not _object_getattribute:
        return
    for name in _PLAN_NAMES:
        if not _plain_attribute(cls, name):
            return
    cdef unsigned long long tag = ff_dict_tag(attrs)
    cdef unsigned int type_tag = ff_type_tag(cls)
    cdef unsigned long long config_tag
    # Anything unusual (a missing attribute, say) leaves the plan unready,
    # so that the request reads the app, and fails, where Flask would.
    try:
        config = app.config
        if type(config) is not _Config:
            return
        config_tag = ff_dict_tag(config)
        plan.request_class = app.request_class
        plan.json = app.json
        plan.session_interface = app.session_interface
        plan.subdomain_matching = app.subdomain_matching
        plan.url_map = app.url_map
        plan.view_functions = app.view_functions
        plan.sync_cache = app._sync_cache
        plan.url_value_preprocessors = app.url_value_preprocessors
        plan.before_request_funcs = app.before_request_funcs
        plan.after_request_funcs = app.after_request_funcs
        plan.teardown_request_funcs = app.teardown_request_funcs
        plan.teardown_appcontext_funcs = app.teardown_appcontext_funcs
        plan.response_class = app.response_class
        plan.got_first_request = app._got_first_request
        plan.trusted_hosts = (<dict>config).get("TRUSTED_HOSTS", _MISSING)
        plan.server_name = (<dict>config).get("SERVER_NAME", _MISSING)
        plan.application_root = (<dict>config).get("APPLICATION_ROOT", _MISSING)
        plan.preferred_url_scheme = (<dict>config).get("PREFERRED_URL_SCHEME", _MISSING)
    except Exception:
        return
    if (
        type_tag == 0
        or tag != ff_dict_tag(attrs)
        or type_tag != ff_type_tag(cls)
        or config_tag != ff_dict_tag(config)
        or app.config is not config
    ):
        return
    plan.attrs = attrs
    plan.app_type = cls
    plan.dict_tag = tag
    plan.type_tag = type_tag
    plan.config = config
    plan.config_tag = config_tag
    plan.ready = True


cdef inline object _config_get(object config, str key):
    """``config[key]``."""
    cdef PyObject* found
    if type(config) is _Config:
        # PERF: the stock Config is a dict that adds no lookup behaviour
        # (bench: every scenario).
        found = PyDict_GetItemWithError(config, key)
        if found is NULL:
            raise KeyError(key)
        return <object>found
    return config[key]


cdef object _route(
    object app, object ctx, object request, object renv, _Plan plan, object snap
):
    """RequestContext.push's routing: the compiled router, else werkzeug.
    Returns the router's ``(rule, view_args)``, or ``None`` when it did not
    decide (werkzeug matched, or the match failed).  ``snap``, if given, is
    the snapshot of ``renv`` taken when the request context was made."""
    cdef bint matched = False
    found = None
    if (
        not _pv(plan, plan.subdomain_matching, app, "subdomain_matching")
        and _pc(plan, plan.trusted_hosts, app, "TRUSTED_HOSTS") is None
    ):
        if snap is not None:
            path = (<tuple>snap)[_SNAP_PATH]
            host = (<tuple>snap)[_SNAP_HOST]
            server_name = (<tuple>snap)[_SNAP_SERVER_NAME]
            scheme = (<tuple>snap)[_SNAP_SCHEME]
        else:
            path = _env_get(renv, "PATH_INFO", None)
            host = _env_get(renv, "HTTP_HOST", None)
            server_name = _env_get(renv, "SERVER_NAME", None)
            scheme = _env_get(renv, "wsgi.url_scheme", None)
        if (
            path
            and "HTTP_UPGRADE" not in renv
            and (snap is None or (<tuple>snap)[_SNAP_UPGRADE] is None)
            and _plain_binding(host, server_name, scheme)
        ):
            matched = True
            path_info = None
            if type(path) is str and PyUnicode_IS_ASCII(path):
                # PERF: latin-1 then UTF-8 decoding gives an ASCII path back
                # unchanged (bench: every scenario).
                path_info = path
            else:
                try:
                    path_info = path.encode("latin1").decode(errors="replace")
                except UnicodeError:
                    request.routing_exception = _bad_path()
            if path_info is not None:
                rdict = request.__dict__
                if "method" in rdict:
                    method = request.method
                else:
                    method = None if snap is None else (<tuple>snap)[_SNAP_METHOD]
                    if method is None:
                        method = _env_get(renv, "REQUEST_METHOD", "GET")
                    # PERF: the usual upper-case methods need no upper()
                    # (bench: every scenario).
                    if not (type(method) is str and (method == "GET" or method == "POST")):
                        method = str(method).upper()
                    rdict["method"] = method
                try:
                    result = _pv(plan, plan.url_map, app, "url_map").fast_match(path_info, method)
                except _HTTPException as e:
                    request.routing_exception = e
                else:
                    if result is None:
                        matched = False
                    else:
                        request.url_rule, request.view_args = result
                        found = result
    if not matched and ctx.url_adapter is not None:
        ctx.match_request()
    return found


cdef object _preprocess(object app):
    """``Flask.preprocess_request``; ``None`` unless a function answered."""
    req = _current(_request_var).request
    preprocessors = app.url_value_preprocessors
    before = app.before_request_funcs
    if not preprocessors and not before:
        return None
    names = <tuple>_hook_names(req)[0]
    if preprocessors:
        for name in names:
            if name in preprocessors:
                for url_func in preprocessors[name]:
                    url_func(req.endpoint, req.view_args)
    if before:
        for name in names:
            if name in before:
                for before_func in before[name]:
                    rv = _sync(app, before_func)()
                    if rv is not None:
                        return rv
    return None


cdef object _dispatch(object app):
    """``Flask.dispatch_request``."""
    req = _current(_request_var).request
    if req.routing_exception is not None:
        app.raise_routing_exception(req)
    rule = req.url_rule
    if getattr(rule, "provide_automatic_options", False) and req.method == "OPTIONS":
        return app.make_default_options_response()
    view_args = req.view_args
    view = _sync(app, app.view_functions[rule.endpoint])
    return view(**view_args)


cdef object _dispatch_match(object app, object request, tuple match, _Plan plan):
    """``Flask.dispatch_request`` right after the router matched ``request``
    to ``match`` and nothing else ran."""
    rule = match[0]
    if getattr(rule, "provide_automatic_options", False) and request.method == "OPTIONS":
        return app.make_default_options_response()
    func = _pv(plan, plan.view_functions, app, "view_functions")[rule.endpoint]
    view = _sync_in(app, _pv(plan, plan.sync_cache, app, "_sync_cache"), func)
    return view(**match[1])


cdef object _process_response(object app, object response):
    """``Flask.process_response``, then ``request_finished``."""
    cur = _current(_request_var)
    for func in cur._after_request_functions:
        response = app.ensure_sync(func)(response)
    after = app.after_request_funcs
    if after:
        for name in <tuple>_hook_names(cur.request)[1]:
            if name in after:
                for func in reversed(after[name]):
                    response = _sync(app, func)(response)
    interface = app.session_interface
    sess = cur._session_obj
    if sess is None:
        # The lazy default session: saved only if touched or a cookie came in.
        creq = cur.request
        cookie = _env_get(creq.environ, "HTTP_COOKIE", None)
        pushed = cur.__dict__.get("_pushed_cookie", cookie)
        if not (
            pushed is None
            or (cookie == pushed and interface.get_cookie_name(app) not in creq.cookies)
        ):
            sess = cur._open_session()
    if sess is not None and not interface.is_null_session(sess):
        interface.save_session(app, sess, response)
    if _finished_rx:
        _finished.send(app, _async_wrapper=app.ensure_sync, response=response)
    return response


cdef object _direct(object app, object rv, _Plan plan):
    """``context_py._direct``, with the Content-Type header pair in place of
    its value: ``(status line, ("Content-Type", value), data)`` for a
    text ``rv`` whose response object nothing would see, else ``None``."""
    cur = _current(_request_var)
    if (
        cur._after_request_functions
        or _pv(plan, plan.after_request_funcs, app, "after_request_funcs")
        or _finished_rx
    ):
        return None
    if cur._session_obj is not None:
        return None
    # PERF: not through cur.__dict__, which would turn the context's inline
    # attribute values into a dict (bench: every text scenario).  The stock
    # RequestContext has no class attribute of that name.
    pushed = getattr(cur, "_pushed_cookie", _MISSING)
    if pushed is _MISSING:
        pushed = _env_get(cur.request.environ, "HTTP_COOKIE", None)
    if pushed is not None:
        return None
    head = _direct_head(_pv(plan, plan.response_class, app, "response_class"))
    if head is None:
        return None
    if type(rv) is str:
        data = PyUnicode_AsUTF8String(rv)
    else:
        data = rv
    return ((<tuple>head)[0], (<tuple>head)[1], data)


cdef extern from *:
    """
    /* The type's method-cache version tag, or 0 when it has none. CPython
       gives a type a new tag whenever it or one of its bases changes. */
    static CYTHON_INLINE unsigned int ff_type_tag(PyObject *tp) {
        if (!PyType_HasFeature((PyTypeObject *)tp, Py_TPFLAGS_VALID_VERSION_TAG))
            return 0;
        return ((PyTypeObject *)tp)->tp_version_tag;
    }
    """
    unsigned int ff_type_tag(object tp)


# PERF: (class, version tag, head) of the last response class judged by
# _direct_head; a class keeps its tag until it or a base class changes
# (bench: str hello, path parameter, bench/server.py).
cdef tuple _head_cache = (None, 0, None)


cdef object _direct_head(object cls):
    """``(status line, ("Content-Type", value))`` to send a text body as
    ``cls`` would, or ``None``: ``context_py._direct``'s checks of the
    response class."""
    global _head_cache
    if type(cls) is not type:
        return None
    cdef unsigned int tag = ff_type_tag(cls)
    cdef tuple cache = _head_cache
    if tag != 0 and cache[0] is cls and <unsigned int>cache[1] == tag:
        return cache[2]
    if getattr(cls, "__call__") is not _response_call or not _plain_pipeline(cls):
        head = None
    else:
        head = _plain_head(cls)
        if head is not None:
            # The header pair itself, shared by every response (tuples are
            # immutable; the list around them is made per response).
            head = ((<tuple>head)[0], ("Content-Type", (<tuple>head)[1]))
    # Remembered only when the class had a tag before and still has it
    # (the lookups above give it one, so the next request caches).
    if tag != 0 and ff_type_tag(cls) == tag:
        _head_cache = (cls, tag, head)
    return head


# PERF: the Content-Length headers of small bodies, each made once, when
# first needed (bench: every text scenario, bench/server.py).
cdef list _LENGTHS = [None] * 2048  # filled as sizes are first sent


cdef object _send_direct(tuple direct, object environ, object start_response):
    data = direct[2]
    cdef Py_ssize_t size = len(data)
    if size < 2048:
        length = _LENGTHS[size]
        if length is None:
            length = _LENGTHS[size] = ("Content-Length", str(size))
    else:
        length = ("Content-Length", str(size))
    start_response(direct[0], [direct[1], length])
    if _env_get(environ, "REQUEST_METHOD", None) == "HEAD":
        return []
    return [data]


cdef object _respond(object response, object environ, object start_response):
    """``response(environ, start_response)`` with the one-pass paths of
    ``flaskfast.wrappers.Response.__call__`` taken here."""
    cls = type(response)
    if getattr(cls, "__call__") is not _response_call:
        return response(environ, start_response)
    try:
        _check_status(response._status)
    except ValueError:
        return response(environ, start_response)  # which refuses it
    body = response.response
    plain = response.__dict__.get("_ff_plain")
    cdef list items
    if plain is not None:
        headers_obj = response.headers
        items_obj = headers_obj._list
        if (
            type(items_obj) is list
            and type(plain) is tuple
            and len(<tuple>plain) == 4
        ):
            items = <list>items_obj
            if (
                len(items) == 2
                and items[0] is (<tuple>plain)[0]
                and items[1] is (<tuple>plain)[1]
                and response._status_code == (<tuple>plain)[2]
                and body is (<tuple>plain)[3]
                and not response._on_close
                and _plain_pipeline(cls)
            ):
                start_response(response._status, items[:])
                if _env_get(environ, "REQUEST_METHOD", None) == "HEAD":
                    return []
                return body
        else:
            return response(environ, start_response)
    cdef Py_ssize_t length = 0
    cdef bint all_bytes = True
    if (
        type(body) is list
        and not response._on_close
        and not response.direct_passthrough
        and _plain_pipeline(cls)
    ):
        code = response._status_code
        for chunk in <list>body:
            if type(chunk) is not bytes:
                all_bytes = False
                break
            length += len(<bytes>chunk)
        if all_bytes:
            headers = _wsgi_header_list(
                response.headers, code, length, not response.autocorrect_location_header
            )
            if headers is not None:
                start_response(response._status, headers)
                if (
                    _env_get(environ, "REQUEST_METHOD", None) == "HEAD"
                    or code == 204
                    or 100 <= code < 200
                ):
                    return []
                return body
    return response(environ, start_response)


cdef object _pop_app(object app_ctx, object exc, _Plan plan, object owner):
    """``app_pop`` with the stock ``do_teardown_appcontext`` written out;
    ``plan`` is ``owner``'s."""
    tokens = app_ctx._cv_tokens
    app = app_ctx.app
    if app is not owner:
        plan = _NO_PLAN
    try:
        if len(tokens) == 1:
            funcs = _pv(plan, plan.teardown_appcontext_funcs, app, "teardown_appcontext_funcs")
            if funcs:
                for func in reversed(funcs):
                    _sync(app, func)(exc)
            if _appcontext_tearing_down_rx:
                _appcontext_tearing_down.send(app, _async_wrapper=app.ensure_sync, exc=exc)
    finally:
        current = _current(_app_var)
        _reset(_app_var, _pop_last(tokens))
    if current is not app_ctx:
        raise AssertionError(
            f"Popped the wrong app context: {current!r} is active, not {app_ctx!r}."
        )
    if _popped_rx:
        _popped.send(app, _async_wrapper=app.ensure_sync)
    return None


cdef object _pop(object ctx, object app, object exc, _Plan plan):
    """``ctx.pop(exc)`` for a stock request context of ``app``."""
    tokens = ctx._cv_tokens
    cdef bint outermost = len(tokens) == 1
    try:
        if outermost:
            teardown = _pv(plan, plan.teardown_request_funcs, app, "teardown_request_funcs")
            if teardown:
                current = _current_or_none(_request_var)
                names = <tuple>_hook_names(current.request)[1] if current is not None else _APP_ONLY
                for name in names:
                    if name in teardown:
                        for func in reversed(teardown[name]):
                            _sync(app, func)(exc)
            if _request_tearing_down_rx:
                _request_tearing_down.send(app, _async_wrapper=app.ensure_sync, exc=exc)
            request = ctx.request
            # PERF: werkzeug's close() and the stock Request.close only close
            # parsed uploaded files (bench: every scenario).
            close_method = getattr(type(request), "close")
            if (
                close_method is not _wz_close or "files" in request.__dict__
            ) and (close_method is not _request_close or request.__dict__.get("files")):
                close = getattr(request, "close", None)
                if close is not None:
                    close()
    finally:
        current, app_ctx = _unbind_request(tokens, outermost)
        if app_ctx is not None:
            _pop_app(app_ctx, exc, plan, app)
        if current is not ctx:
            raise AssertionError(
                f"Popped the wrong request context: {current!r} is active,"
                f" not {ctx!r}."
            )
    return None


def app_call(app, environ, start_response):
    """Serve a request: calls ``app.wsgi_app``, so middleware can wrap that
    while keeping the app object (``Flask.__call__``)."""
    if not _stock_loaded:
        _load_stock()
    # PERF: when wsgi_app is the stock one and would take the fused cycle,
    # go there directly (bench: every scenario, bench/server.py).
    attrs = app.__dict__
    if type(attrs) is not dict:
        return app.wsgi_app(environ, start_response)
    state = (<dict>attrs).get("_ff_serve")
    if type(state) is not tuple or len(<tuple>state) != 4 or (<tuple>state)[0] != len(<dict>attrs):
        state = _serve_state(app)
    if not (<tuple>state)[2]:
        return app.wsgi_app(environ, start_response)
    if type(environ) is not dict:
        return _stock_wsgi_app(app, environ, start_response)
    # PERF: the environ values the URL adapter may need are read once, here,
    # and serve both this check and the request context (bench: every
    # scenario, bench/server.py).
    snap = _snapshot(environ, <tuple>_adapter_keys)
    if not _plain_environ(environ, snap):
        return _stock_wsgi_app(app, environ, start_response)
    if serve is not _SERVE:
        return serve(app, environ, start_response)
    return _serve(app, environ, start_response, _plan_of(app, attrs, state), snap)


def serve(app, environ, start_response):
    """Handle one WSGI request exactly as ``Flask.wsgi_app`` would, for an
    app that overrides none of the steps written out here (the caller checks)."""
    if not _stock_loaded:
        _load_stock()
    cdef _Plan plan = _NO_PLAN
    attrs = getattr(app, "__dict__", None)
    if type(attrs) is dict:
        plan = _plan_of(app, attrs, (<dict>attrs).get("_ff_serve"))
    return _serve(app, environ, start_response, plan, None)


# The module's own serve: app_call honours a replacement (tests, profilers).
cdef object _SERVE = serve


cdef _Plan _plan_of(object app, object attrs, object state):
    """The plan kept in ``app``'s fused-path state (made or refreshed as
    needed), or ``_NO_PLAN``."""
    if not FF_DICT_TAGS or type(state) is not tuple or len(<tuple>state) != 4:
        return _NO_PLAN
    found = (<tuple>state)[3]
    cdef _Plan plan
    if type(found) is _Plan:
        plan = <_Plan>found
    else:
        plan = _Plan()
        # Replacing the state changes the app's dict, so fill after.
        attrs["_ff_serve"] = ((<tuple>state)[0], (<tuple>state)[1], (<tuple>state)[2], plan)
    if not _fresh(plan, app):
        _plan_fill(plan, app, attrs)
    return plan


cdef object _serve(
    object app, object environ, object start_response, _Plan plan, object snap
):
    """``serve`` with ``plan`` for ``app``'s attributes; ``snap`` is
    ``_snapshot(environ, _adapter_keys)`` taken just before, or ``None``."""
    # RequestContext(app, environ), built in the state its constructor leaves.
    ctx = _new(_RequestContext)
    ctx.app = app
    request_class = _pv(plan, plan.request_class, app, "request_class")
    if (
        getattr(request_class, "__init__") is _request_init
        and getattr(request_class, "__new__") is _object_new
    ):
        request = _new(request_class)
        request.environ = environ
        request.shallow = False
        environ["werkzeug.request"] = request
    else:
        request = request_class(environ)
        snap = None  # its constructor may have changed the environ
    request.json_module = _pv(plan, plan.json, app, "json")
    ctx.request = request
    renv = request.environ
    if snap is None or renv is not environ:
        snap = _snapshot(renv, <tuple>_adapter_keys)
    ctx._adapter_environ = snap
    ctx.flashes = None
    ctx._session_obj = None
    ctx._after_request_functions = []
    ctx._cv_tokens = []

    error = None
    direct = None
    try:
        try:
            # RequestContext.push: the app context, then the request context.
            app_ctx = _current_or_none(_app_var)
            if app_ctx is None or app_ctx.app is not app:
                app_ctx = _new(_AppContext)
                app_ctx.app = app
                app_ctx._adapter_config = (
                    _pc(plan, plan.server_name, app, "SERVER_NAME"),
                    _pc(plan, plan.application_root, app, "APPLICATION_ROOT"),
                    _pc(plan, plan.preferred_url_scheme, app, "PREFERRED_URL_SCHEME"),
                )
                # g: made on first use (flaskfast.ctx._LazyGlobals).
                app_ctx._cv_tokens = []
                app_push(app_ctx)
            else:
                app_ctx = None
            tokens = ctx._cv_tokens
            tokens.append((PyContextVar_Set(_request_var, ctx), app_ctx))
            if type(_pv(plan, plan.session_interface, app, "session_interface")) is _cookie_interface:
                ctx._pushed_cookie = _env_get(renv, "HTTP_COOKIE", None)
            else:
                ctx._open_session()
            # Routing sees the environ as it was when the context was made,
            # as Flask's adapter (bound in RequestContext.__init__) does.
            match = _route(app, ctx, request, renv, plan, snap if _snap_layout else None)

            # full_dispatch_request
            if _pv(plan, plan.got_first_request, app, "_got_first_request") is not True:
                app._got_first_request = True
            try:
                started = _started_rx
                if started:
                    _started.send(app, _async_wrapper=app.ensure_sync)
                if (
                    match is not None
                    and not started
                    and not _pv(plan, plan.url_value_preprocessors, app, "url_value_preprocessors")
                    and not _pv(plan, plan.before_request_funcs, app, "before_request_funcs")
                ):
                    # PERF: nothing ran since routing, so the router's answer
                    # is still the request's (bench: every scenario).
                    rv = _dispatch_match(app, request, <tuple>match, plan)
                else:
                    rv = _preprocess(app)
                    if rv is None:
                        rv = _dispatch(app)
            except Exception as e:
                rv = app.handle_user_exception(e)

            # finalize_request
            if type(rv) is str or type(rv) is bytes:
                # PERF: a text response nothing would see is sent without
                # building it (bench: str hello, path parameter, server).
                direct = _direct(app, rv, plan)
            if direct is None:
                response = _process_response(
                    app, _make_response(app, rv, _current_or_none(_request_var))
                )
        except Exception as e:
            error = e
            direct = None
            response = app.handle_exception(e)
        except:  # noqa: E722
            error = _exc_info()[1]
            raise
        if direct is not None:
            return _send_direct(<tuple>direct, environ, start_response)
        return _respond(response, environ, start_response)
    finally:
        if _PRESERVE in environ:
            environ[_PRESERVE](_current(_app_var))
            environ[_PRESERVE](_current(_request_var))
        if error is not None and app.should_ignore_error(error):
            error = None
        _pop(ctx, app, error, plan)
