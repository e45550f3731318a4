# Types for pipeline.py (Cython's pure-Python mode): what is declared here is
# compiled as C; pipeline.py stays the one source of every step.
cimport cython
from flaskfast._speedups.builder_c cimport Builder as _CBuilder
from cpython.object cimport PyObject
from cpython.object cimport PyTypeObject

from cpython.contextvars cimport PyContextVar_Get
from cpython.contextvars cimport PyContextVar_Reset
from cpython.contextvars cimport PyContextVar_Set
from cpython.contextvars cimport PyContextToken_CheckExact
from cpython.contextvars cimport PyContextVar_CheckExact
from cpython.ref cimport Py_DECREF
from cpython.ref cimport Py_INCREF
from cpython.tuple cimport PyTuple_GET_ITEM
from cpython.unicode cimport PyUnicode_GET_LENGTH
from cpython.unicode cimport PyUnicode_READ_CHAR
from cpython.tuple cimport PyTuple_New
from cpython.tuple cimport PyTuple_SET_ITEM

cdef extern from "Python.h":
    object PyObject_GenericGetDict(object, void*)
    bint PyUnicode_IS_ASCII(object)
    bint Py_UNICODE_ISPRINTABLE(Py_UCS4)
    PyObject* _PyType_Lookup(PyTypeObject*, object)
    PyObject* PyDict_GetItem(object, object)
    PyObject* PyDict_GetItemWithError(object, object) except? NULL


cdef inline object _c_cv_get(object var):
    cdef PyObject* value = NULL
    if not PyContextVar_CheckExact(var):
        return var.get()
    PyContextVar_Get(var, NULL, &value)
    if value is NULL:
        return var.get()  # raises LookupError as the method does
    result = <object>value
    Py_DECREF(result)  # PyContextVar_Get gave a new reference
    return result


cdef inline object _c_cv_peek(object var):
    cdef PyObject* value = NULL
    if not PyContextVar_CheckExact(var):
        return var.get(None)
    PyContextVar_Get(var, NULL, &value)
    if value is NULL:
        return None
    result = <object>value
    Py_DECREF(result)
    return result


cdef inline object _c_cv_set(object var, object value):
    if not PyContextVar_CheckExact(var):
        return var.set(value)
    return PyContextVar_Set(var, value)


cdef inline int _c_cv_reset(object var, object token) except -1:
    if PyContextVar_CheckExact(var) and PyContextToken_CheckExact(token):
        return PyContextVar_Reset(var, token)
    var.reset(token)
    return 0


cdef inline bint _c_well_formed(dict environ) except -1:
    cdef PyObject* path = PyDict_GetItemWithError(environ, "PATH_INFO")
    cdef PyObject* host = PyDict_GetItemWithError(environ, "HTTP_HOST")
    cdef PyObject* method = PyDict_GetItemWithError(environ, "REQUEST_METHOD")
    cdef Py_UCS4 ch
    if path is NULL:
        path = <PyObject*>""
    if host is NULL or method is NULL:
        return False
    if type(<object>path) is not str or not PyUnicode_IS_ASCII(<object>path):
        return False
    if type(<object>host) is not str or type(<object>method) is not str:
        return False
    for ch in <str><object>host:
        if not Py_UNICODE_ISPRINTABLE(ch):
            return False
    cdef PyObject* query = PyDict_GetItemWithError(environ, "QUERY_STRING")
    if query is not NULL:
        if type(<object>query) is not str:
            return False
        for ch in <str><object>query:
            if ch < 0x20 or ch == 0x7f:
                return False
    return (
        "wsgi.input" in environ
        and "wsgi.errors" in environ
        and "wsgi.url_scheme" in environ
    )


cdef inline tuple _c_snapshot(dict environ, tuple keys):
    cdef Py_ssize_t i, n = len(keys)
    cdef PyObject* found
    cdef tuple out = PyTuple_New(n)
    for i in range(n):
        found = PyDict_GetItemWithError(environ, <object>PyTuple_GET_ITEM(keys, i))
        if found is NULL:
            found = <PyObject*>None
        Py_INCREF(<object>found)
        PyTuple_SET_ITEM(out, i, <object>found)
    return out


cdef inline bint _c_class_stock(object cls, tuple checks) except -1:
    # PERF: the type's method cache for each name, in one loop (bench:
    # every scenario checks the request and response classes).
    cdef Py_ssize_t i
    cdef object pair
    for i in range(len(checks)):
        pair = <object>PyTuple_GET_ITEM(checks, i)
        if _PyType_Lookup(<PyTypeObject*>cls, <object>PyTuple_GET_ITEM(pair, 0)) != PyTuple_GET_ITEM(pair, 1):
            return False
    return True


cdef inline object _c_new(object cls):
    # PERF: object.__new__'s allocation without the Python-level call and
    # its argument checks, when the class allocates as object does (bench:
    # every scenario makes a request and two contexts).
    cdef PyTypeObject* base = <PyTypeObject*>object
    if (<PyTypeObject*>cls).tp_new != base.tp_new:
        return object.__new__(cls)
    return base.tp_new(<type>cls, <PyObject*>_EMPTY_ARGS, NULL)


cdef inline bint _c_stock(object cls, object attrs, str name, object step) except -1:
    # PERF: the type's method cache and one dict probe, no attribute
    # protocol (bench: every scenario makes about twenty such checks).
    cdef PyObject* found = _PyType_Lookup(<PyTypeObject*>cls, name)
    if found is NULL or <object>found is not step:
        return False
    if type(attrs) is dict:
        # The key is a str: NULL without an error set means "not there".
        return PyDict_GetItemWithError(attrs, name) is NULL
    return name not in attrs


cdef inline object _c_dict(object obj):
    # obj.__dict__ as attribute lookup finds it (the instance dict), without
    # the attribute protocol.
    return PyObject_GenericGetDict(obj, NULL)


cdef inline object _c_dict_get(object mapping, str key, object default):
    # mapping.get(key, default) for the dict of _c_dict, without a method call.
    cdef PyObject* found
    if type(mapping) is dict:
        found = PyDict_GetItemWithError(mapping, key)
        return default if found is NULL else <object>found
    return mapping.get(key, default)


cdef inline bint _c_dot_prefix(object endpoint) except -1:
    # endpoint[:1] == "." without slicing a str.
    if type(endpoint) is str:
        return PyUnicode_GET_LENGTH(endpoint) > 0 and PyUnicode_READ_CHAR(endpoint, 0) == u"."
    return endpoint[:1] == "."


cdef object _AppContext
cdef object _RequestContext
cdef object _STOCK_URL_ADAPTER
cdef dict _APP_GLOBALS
cdef object _STOCK_CTX_ADAPTER
cdef object _STOCK_INJECT_DEFAULTS
cdef object _STOCK_FAST_BUILD
cdef Py_ssize_t _URL_MEMO_SIZE
cdef str _ANCHOR_SAFE
cdef tuple _APP_ONLY
cdef tuple _NO_BLUEPRINT
cdef str _PRESERVE
cdef object _MISSING
cdef tuple _ENVIRON_STRINGS
cdef list _LENGTHS
cdef dict _hook_names_cache
cdef Py_ssize_t _HOOK_NAMES_SIZE
cdef object _STOCK_RESPONSE_CALL
cdef object _STOCK_RESPONSE_CLOSE
cdef object _STOCK_REQUEST_CLOSE
cdef object _WZ_REQUEST_CLOSE
cdef object _STOCK_OPEN_SESSION
cdef object _STOCK_SAVE_SESSION
cdef object _COOKIE_SESSIONS
cdef dict _NO_ATTRS
cdef tuple _EMPTY_ARGS
cdef tuple _HOOK_CHECKS
cdef tuple _PIPELINE_CHECKS
cdef tuple _SEND_CHECKS
cdef object _OBJECT_NEW
cdef object _WZ_GET_WSGI_RESPONSE
cdef object _WZ_GET_WSGI_HEADERS
cdef object _WZ_GET_APP_ITER
cdef object _WZ_ITER_ENCODED

cdef bint _stock(object cls, object attrs, str name, object step) except -1
cdef bint _class_stock(object cls, tuple checks) except -1
cdef object _new(object cls)
cdef object _cv_get(object var)
cdef object _cv_peek(object var)
cdef object _cv_set(object var, object value)
cdef object _cv_reset(object var, object token)
cdef tuple _snapshot(object environ)

cpdef app_call(self, environ, start_response)
cpdef wsgi_app(self, environ, start_response)
cdef object _environ_problem(object environ)
cdef bint _well_formed(object environ) except -1
cdef object _respond(object response, object environ, object start_response)
cdef object _send_text(tuple direct, object environ, object start_response)
cpdef send_response(response, environ, start_response)
cdef object _name_newline_header(object headers, object error)
cdef object _refuse(object response, object error, object environ, object start_response)
cdef object _sent(object response, object chunks)
cdef object _send_buffered(object response, object environ, object start_response)
cdef bint _plain_pipeline(object cls, object attrs) except -1

cpdef full_dispatch_request(self)
cdef object _full_dispatch(object app, object attrs, bint text)
cpdef preprocess_request(self)
cpdef dispatch_request(self)
cpdef finalize_request(self, rv, from_error_handler=*)
cpdef make_response(self, rv)
cpdef process_response(self, response)
cdef object _direct(object app, object attrs, object rv)
cpdef ensure_sync(self, func)
cdef object _sync(object app, object attrs, object func)
cdef tuple _hook_names(object request)
cdef object _blueprint_scopes()

cpdef do_teardown_request(self, exc=*)
cpdef do_teardown_appcontext(self, exc=*)

cdef object _blank(object cls, object init)
cpdef app_context(self)
cpdef request_context(self, environ)
cpdef app_ctx_init(self, app)
cpdef app_ctx_push(self)
cpdef app_ctx_pop(self, exc=*)
cpdef request_ctx_init(self, app, environ, request=*, session=*)
cpdef request_init(self, environ, populate_request=*, shallow=*)
cpdef request_ctx_push(self)
cpdef match_request(self)
cpdef request_ctx_pop(self, exc=*)
cdef object _close_request(object request)

@cython.locals(saved=tuple)
cdef bint _fast_match(object ctx) except -1
cdef bint _lazy_session(object app) except -1
cpdef open_session(ctx)
cdef object _set_or_drop(object environ, str key, object value)

cpdef bint stock_url_adapter(app) except -1
cdef object _current_app()
cpdef build_url(self, endpoint, _anchor, _method, _scheme, _external, values)
