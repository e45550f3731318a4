# Types for pipeline.py (Cython's pure-Python mode): what is declared here is
# compiled as C; pipeline.py stays the one source of every step.
from cpython.object cimport PyObject
from cpython.object cimport PyTypeObject

cdef extern from "Python.h":
    PyObject* _PyType_Lookup(PyTypeObject*, object)
    PyObject* PyDict_GetItem(object, object)


cdef inline bint _c_stock(object cls, object attrs, str name, object step) except -1:
    # PERF: the type's method cache and one dict probe, no attribute
    # protocol (bench: every scenario makes about twenty such checks).
    cdef PyObject* found = _PyType_Lookup(<PyTypeObject*>cls, name)
    if found is NULL or <object>found is not step:
        return False
    if type(attrs) is dict:
        return PyDict_GetItem(attrs, name) is NULL
    return name not in attrs


cdef object _AppContext
cdef object _RequestContext
cdef object _STOCK_URL_ADAPTER
cdef tuple _APP_ONLY
cdef tuple _NO_BLUEPRINT
cdef str _PRESERVE
cdef object _MISSING
cdef object _SENTINEL
cdef tuple _ENVIRON_STRINGS
cdef list _LENGTHS
cdef dict _hook_names_cache
cdef Py_ssize_t _HOOK_NAMES_SIZE
cdef object _STOCK_RESPONSE_CALL
cdef object _STOCK_RESPONSE_CLOSE
cdef object _STOCK_REQUEST_CLOSE
cdef object _WZ_REQUEST_CLOSE
cdef object _STOCK_BLUEPRINTS
cdef object _STOCK_BLUEPRINT
cdef object _STOCK_ENDPOINT
cdef object _STOCK_OPEN_SESSION
cdef object _STOCK_SAVE_SESSION

cdef bint _stock(object cls, object attrs, str name, object step) except -1

cpdef app_call(self, environ, start_response)
cpdef wsgi_app(self, environ, start_response)
cdef object _environ_problem(object environ)
cdef object _respond(object response, object environ, object start_response)
cdef object _send_text(tuple direct, object environ, object start_response)

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

cpdef app_context(self)
cpdef request_context(self, environ)
cpdef app_ctx_init(self, app)
cpdef app_ctx_push(self)
cpdef app_ctx_pop(self, exc=*)
cpdef request_ctx_init(self, app, environ, request=*, session=*)
cpdef request_ctx_push(self)
cpdef match_request(self)
cpdef request_ctx_pop(self, exc=*)
cdef object _close_request(object request)

cdef bint _fast_match(object ctx) except -1
cdef bint _lazy_session(object app) except -1
cpdef open_session(ctx)
cdef object _set_or_drop(object environ, str key, object value)

cpdef bint stock_url_adapter(app) except -1
