# cython: language_level=3
"""Compiled kernel: turning a view's return value into a response object.

Same contract as ``response_py.py`` (the readable spec): the same shapes are
accepted, the same response object state is produced, the same ``TypeError``
messages are raised and the same shortcuts are taken under the same checks
(including the import-time comparison with werkzeug).  Imports nothing from
flaskfast.

Cython turns ``isinstance(x, dict)`` into a type-slot test, which ignores an
object's ``__class__`` (proxies report the wrapped type there).  Every
``isinstance`` of the spec is therefore either an exact-type shortcut whose
answer cannot differ, or ``PyObject_IsInstance`` itself.
"""

import sys
from abc import get_cache_token
from collections.abc import Iterator

from cpython.object cimport PyObject
from cpython.object cimport PyObject_IsInstance
from cpython.object cimport PyTypeObject
from cpython.type cimport PyType_Check
from cpython.unicode cimport PyUnicode_AsUTF8String

from werkzeug.datastructures import Headers as _WzHeaders
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import MethodNotAllowed
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.sansio.response import Response as _SansioResponse
from markupsafe import escape
from werkzeug.utils import get_content_type
from werkzeug.utils import redirect as _wz_redirect
from werkzeug.wrappers import Response as _WerkzeugResponse

cdef object _WzHeadersType = _WzHeaders
cdef object _HTTPException = HTTPException
cdef object _MethodNotAllowed = MethodNotAllowed
cdef object _Iterator = Iterator
cdef object _SansioResponseType = _SansioResponse
cdef dict _STATUS_CODES = HTTP_STATUS_CODES
cdef object _get_content_type = get_content_type
cdef object _get_cache_token = get_cache_token
cdef object _werkzeug_init = _WerkzeugResponse.__init__
cdef object _object_new = object.__new__
cdef object _exc_info = sys.exc_info
cdef object _sansio_status = _SansioResponse.__dict__["status"]
cdef object _clean_status = _SansioResponse._clean_status
cdef object _set_data = _WerkzeugResponse.set_data

cdef extern from "Python.h":
    PyTypeObject PyBaseObject_Type
    bint PyUnicode_IS_ASCII(object o)
    # What attribute lookup on an instance finds in its type's MRO (borrowed
    # reference or NULL, no error set); the spec reads the class attribute.
    PyObject* _PyType_Lookup(PyTypeObject* kind, PyObject* name)

cdef tuple _HEADER_SHAPES = (_WzHeaders, dict, tuple, list)
cdef tuple _TEXT = (str, bytes, bytearray)
cdef tuple _JSON = (dict, list)

cdef str _NEWLINE_ERROR = "Header values must not contain newline characters."
cdef object _WZ_SETITEM = _WzHeaders.__setitem__
cdef object _WZ_SET = _WzHeaders.set
cdef object _WZ_CONTAINS = _WzHeaders.__contains__
cdef object _WZ_EQ = _WzHeaders.__eq__


class Headers(_WzHeaders):
    """The headers of responses this kernel builds: werkzeug's ``Headers``
    with the same methods and results.  Setting an exact ``str`` value under
    an exact ``str`` name, and ``in`` with an exact ``str`` name, take a
    shorter path; everything else is werkzeug's own code.  Equality treats
    this class and werkzeug's as one, so it compares like werkzeug's."""

    # Marks the twins' classes (pure and compiled) for __eq__.
    _ff_response_headers = True

    # PERF: werkzeug's __setitem__ goes through set(), an isinstance check,
    # a regex search for newlines and an enumerate; an after_request hook's
    # ``response.headers["X"] = "y"`` pays ~0.9 us (bench: blueprint_hooks).
    def __setitem__(self, key, value):
        if type(key) is not str or type(value) is not str:
            _WZ_SETITEM(self, key, value)
            return
        _set_text(self._list, <str>key, <str>value)

    def set(self, key, value, /, **kwargs):
        """werkzeug's ``Headers.set``."""
        if kwargs or type(key) is not str or type(value) is not str:
            _WZ_SET(self, key, value, **kwargs)
            return
        _set_text(self._list, <str>key, <str>value)

    # PERF: werkzeug answers a missing name by raising and catching a
    # BadRequestKeyError (an HTTPException) (bench: session's Vary check).
    def __contains__(self, key):
        if type(key) is not str:
            return _WZ_CONTAINS(self, key)
        ikey = (<str>key).lower()
        for name, _ in self._list:
            if name.lower() == ikey:
                return True
        return False

    def __eq__(self, other):
        if other.__class__ is not _WzHeadersType and not getattr(
            other.__class__, "_ff_response_headers", False
        ):
            return NotImplemented
        # werkzeug's comparison requires both sides of one class.
        mirror = _WzHeadersType()
        mirror._list = self._list
        other_mirror = _WzHeadersType()
        other_mirror._list = other._list
        return _WZ_EQ(mirror, other_mirror)

    __hash__ = None


cdef inline void _set_text(object items, str key, str value) except *:
    # What werkzeug's ``set`` does once the value is known to be text: the
    # value is checked, the first pair named ``key`` (any case) becomes
    # ``(key, value)`` and later ones go; without one the pair is appended.
    cdef Py_ssize_t index = 0
    if "\n" in value or "\r" in value:
        raise ValueError(_NEWLINE_ERROR)
    ikey = key.lower()
    for name, _ in items:
        if name.lower() == ikey:
            items[index] = (key, value)
            index += 1
            if index < len(items):
                items[index:] = [item for item in items[index:] if item[0].lower() != ikey]
            return
        index += 1
    items.append((key, value))


cdef str _INVALID_TYPE = (
    "The view function did not return a valid response. The return type must"
    " be a string, dict, list, tuple with headers or status, Response"
    " instance, or WSGI callable, but it was a {}."
)
cdef str _INVALID_TUPLE = (
    "The view function did not return a valid response tuple. The"
    " tuple must have the form (body, status, headers),"
    " (body, status), or (body, headers)."
)

# PERF: a werkzeug Headers holds nothing but ``_list``; when that is still
# true, one is made without running its __init__ (bench: str hello).
cdef bint _bare_headers = vars(Headers()) == {"_list": []} and (
    (<PyTypeObject*>Headers).tp_new == PyBaseObject_Type.tp_new
)
cdef object _Headers = Headers
# The header shapes are plain classes, so an exact int or str is none of them.
cdef bint _plain_shapes = all(type(shape) is type for shape in (_WzHeaders, dict, tuple, list))


cdef inline object _new(object cls):
    """``object.__new__(cls)``."""
    # PERF: calling object's tp_new directly skips building an argument
    # tuple for object.__new__ (bench: str hello).
    if type(cls) is type and (<PyTypeObject*>cls).tp_new == PyBaseObject_Type.tp_new:
        return PyBaseObject_Type.tp_new(<type>cls, <PyObject*>_EMPTY, NULL)
    return _object_new(cls)


cdef tuple _EMPTY = ()


cdef inline bint _isinstance(object obj, object cls) except -1:
    # The full protocol (__class__, __instancecheck__), as Python's isinstance.
    return PyObject_IsInstance(obj, cls)


# -- plain text responses ---------------------------------------------------

# The classmethod object itself, as the MRO holds it.
cdef object _force_type = _WerkzeugResponse.__dict__["force_type"]
cdef object _WerkzeugResponseType = _WerkzeugResponse

# Whether the responses assembled here are in exactly the state werkzeug's
# constructor leaves them in (decided at import, by comparing with it).
cdef bint _fast_build = True

# PERF: the (content type, status line, status code) of a plain text body by
# the class's (default_mimetype, default_status) (bench: str hello).
cdef dict _plain_values = {}


cdef inline bint _found(object kind, str name, object stock):
    """Whether ``name`` resolves to ``stock`` in ``kind``'s MRO."""
    return _PyType_Lookup(<PyTypeObject*>kind, <PyObject*>name) == <PyObject*>stock


cdef object _construction(object cls):
    """What ``cls(text)`` gets, or ``None`` when constructing ``cls`` runs
    anything but werkzeug's own code; see ``response_py._construction``.
    Checked on every call, as the spec does."""
    if type(cls) is not type or not _fast_build:
        return None
    cdef tuple mro = (<type>cls).__mro__
    cdef Py_ssize_t n = len(mro)
    if n < 3 or mro[n - 3] is not _WerkzeugResponseType or mro[n - 2] is not _SansioResponseType:
        return None
    # PERF: each name looked up in the MRO as the spec's class attribute
    # read finds it, without the generic getattr (bench: every text view).
    if (
        (<PyTypeObject*>cls).tp_new != PyBaseObject_Type.tp_new
        or not _found(cls, "__init__", _werkzeug_init)
        or not _found(cls, "set_data", _set_data)
        or not _found(cls, "_clean_status", _clean_status)
        or not _found(cls, "status", _sansio_status)
        or not _found(cls, "automatically_set_content_length", True)
    ):
        return None
    cdef PyObject* raw = _PyType_Lookup(<PyTypeObject*>cls, <PyObject*>"default_mimetype")
    if raw is NULL:
        return None
    mimetype = <object>raw
    raw = _PyType_Lookup(<PyTypeObject*>cls, <PyObject*>"default_status")
    if raw is NULL:
        return None
    status = <object>raw
    if type(mimetype) is not str or not mimetype or type(status) is not int:
        return None
    key = (mimetype, status)
    found = _plain_values.get(key)
    if found is None:
        found = (_get_content_type(mimetype, "utf-8"), _status_line(status), status)
        if len(_plain_values) < 64:
            _plain_values[key] = found
    return found


cdef inline bint _bodied(object code) except -1:
    """Whether werkzeug sends a body and its Content-Length for ``code``
    (not for 1xx, 204 and 304)."""
    return code >= 200 and code != 204 and code != 304


cdef object _assemble(
    object cls, object data, object content_type, object status, object code,
    list extra,
):
    # PERF: the attributes werkzeug's constructor would leave, set directly;
    # private detail pinned at import (_check_fast_build) and by
    # tests/speedups/test_response_pins.py (bench: str hello, json_response,
    # not_found, method_not_allowed).
    rv = _new(cls)
    cdef list items = [("Content-Type", content_type)]
    if extra:
        items.extend(extra)
    items.append(("Content-Length", str(len(data))))
    rv.headers = _new_headers(items)
    rv._status = status
    rv._status_code = code
    rv.direct_passthrough = False
    rv._on_close = []
    body = [data]
    rv.response = body
    if extra is None and _bodied(code):
        # Lets Response.__call__ recognise this exact header list and body.
        rv._ff_plain = (items[0], items[1], code, body)
    return rv


cdef object _plain(object cls, object body):
    defaults = _construction(cls)
    if defaults is None:
        return cls(body)
    cdef tuple d = <tuple>defaults
    # werkzeug's set_data encodes text and keeps any bytes-like object as is.
    if type(body) is str:
        data = PyUnicode_AsUTF8String(body)
    elif _isinstance(body, str):
        data = body.encode()
    else:
        data = body
    return _assemble(cls, data, d[0], d[1], d[2], None)


def plain_head(cls):
    """``(status line, Content-Type)`` that ``cls(body)`` sends for a text
    body, or ``None``; see ``response_py.plain_head``."""
    defaults = _construction(cls)
    if defaults is None or not _bodied((<tuple>defaults)[2]):
        return None
    return ((<tuple>defaults)[1], (<tuple>defaults)[0])


cdef dict _status_lines = {}
cdef object _SansioResponseCall = _SansioResponse


cdef object _status_line(object code):
    """The status line werkzeug gives an int ``code``, asked of werkzeug
    (its ``status`` property) the first time."""
    line = _status_lines.get(code)
    if line is None:
        line = _SansioResponseCall(status=code).status
        if len(_status_lines) < 64:
            _status_lines[code] = line
    return line


cdef inline object _new_headers(list items):
    if _bare_headers:
        headers = PyBaseObject_Type.tp_new(<type>_Headers, <PyObject*>_EMPTY, NULL)
    else:
        headers = _Headers()
    headers._list = items
    return headers


cdef bint _plain_header(object key, object value) except -1:
    """Whether ``Headers.add(key, value)`` stores ``(key, value)`` unchanged
    and the constructor will not look at it again."""
    cdef Py_UCS4 ch
    cdef Py_ssize_t n
    if type(key) is not str or type(value) is not str:
        return False
    for ch in <str>value:
        if ch == u'\n' or ch == u'\r' or ch == u'\0':
            return False
    n = len(<str>key)
    # PERF: only a key that can lower to Content-Type / Content-Length is
    # lowered (an ASCII key keeps its length) (bench: tuple_201).
    if PyUnicode_IS_ASCII(key) and n != 12 and n != 14:
        return True
    low = (<str>key).lower()
    return low != "content-type" and low != "content-length"


cdef object _text_response(object cls, object body, object status, object headers):
    # PERF: werkzeug's constructor copies the headers through Headers.extend,
    # looks for Content-Type (raising and catching a KeyError) and parses the
    # status; for plain input the result is known (bench: tuple_201).
    if type(status) is not int or (type(body) is not str and type(body) is not bytes):
        return None
    cdef list items = []
    if headers:
        if type(headers) is dict:
            for key, value in (<dict>headers).items():
                if not _plain_header(key, value):
                    return None
                items.append((key, value))
        elif type(headers) is list:
            for item in <list>headers:
                if type(item) is not tuple or len(<tuple>item) != 2:
                    return None
                key = (<tuple>item)[0]
                value = (<tuple>item)[1]
                if not _plain_header(key, value):
                    return None
                items.append((key, value))
        else:
            return None
    elif headers is not None and type(headers) is not dict and type(headers) is not list:
        return None
    defaults = _construction(cls)
    if defaults is None:
        return None
    data = PyUnicode_AsUTF8String(body) if type(body) is str else body
    rv = _new(cls)
    items.append(("Content-Type", (<tuple>defaults)[0]))
    items.append(("Content-Length", str(len(data))))
    rv.headers = _new_headers(items)
    rv._status = _status_line(status)
    rv._status_code = status
    rv.direct_passthrough = False
    rv._on_close = []
    rv.response = [data]
    return rv


def text_response(cls, body, status, headers):
    """``cls(body, status=status, headers=headers)`` built directly for an
    exact ``str``/``bytes`` body, an exact ``int`` status and ``None`` or an
    exact ``dict``/``list`` of plain header pairs; ``None`` when the caller
    must run the constructor."""
    return _text_response(cls, body, status, headers)


# PERF: Content-Type by mimetype (bench: json_response).
cdef dict _content_types = {}


def mimetype_response(cls, body, mimetype):
    """``cls(body, mimetype=mimetype)`` (the JSON provider's response), built
    directly when constructing ``cls`` runs only werkzeug's code."""
    if type(body) is not str or type(mimetype) is not str or not mimetype:
        return cls(body, mimetype=mimetype)
    defaults = _construction(cls)
    if defaults is None:
        return cls(body, mimetype=mimetype)
    content_type = _content_types.get(mimetype)
    if content_type is None:
        content_type = _get_content_type(mimetype, "utf-8")
        if len(_content_types) < 64:
            _content_types[mimetype] = content_type
    # PERF: marked like a plain response so that sending it skips re-checking
    # its two headers (bench: json_response).
    cdef tuple d = <tuple>defaults
    return _assemble(cls, PyUnicode_AsUTF8String(body), content_type, d[1], d[2], None)


def plain_response(cls, body):
    """``cls(body)`` for a text body, built without the generic constructor
    when constructing ``cls`` runs only werkzeug's code; same object state."""
    return _plain(cls, body)


# -- HTTP error pages -------------------------------------------------------

cdef object _he_call = HTTPException.__call__
cdef object _he_get_response = HTTPException.get_response
cdef object _he_get_body = HTTPException.get_body
cdef object _he_get_description = HTTPException.get_description
cdef object _he_name = HTTPException.__dict__["name"]
cdef object _he_get_headers = HTTPException.get_headers
cdef object _mna_get_headers = MethodNotAllowed.get_headers
# The methods an instance could replace (``name`` is a property).
cdef frozenset _ERROR_METHOD_NAMES = frozenset(
    ("get_response", "get_body", "get_headers", "get_description")
)
cdef str _HTML = "text/html; charset=utf-8"
# Whether a page assembled here is the response werkzeug's get_response
# builds (decided at import, by comparing with it).
cdef bint _fast_errors = True
# PERF: the encoded page by (code, description) (bench: not_found,
# method_not_allowed).
cdef dict _error_pages = {}
cdef Py_ssize_t _ERROR_PAGES_SIZE = 64


cdef int _stock_error(object e) except -2:
    """1 when the HTTP error ``e`` runs only werkzeug's code as a WSGI app
    with MethodNotAllowed's headers, 0 with HTTPException's, -1 when anything
    it runs is its own; see ``response_py._stock_error``."""
    kind = type(e)
    cdef int allow
    if (
        not _found(kind, "get_response", _he_get_response)
        or not _found(kind, "get_body", _he_get_body)
        or not _found(kind, "get_description", _he_get_description)
        or not _found(kind, "__call__", _he_call)
        or not _found(kind, "name", _he_name)
    ):
        return -1
    if _found(kind, "get_headers", _he_get_headers):
        allow = 0
    elif _found(kind, "get_headers", _mna_get_headers):
        # MethodNotAllowed.get_headers extends super()'s: the class after it
        # must be HTTPException itself.
        if kind is not _MethodNotAllowed:
            mro = (<type>kind).__mro__
            if mro[mro.index(_MethodNotAllowed) + 1] is not _HTTPException:
                return -1
        allow = 1
    else:
        return -1
    if not _ERROR_METHOD_NAMES.isdisjoint(e.__dict__):
        return -1
    return allow


cdef object _error_response(object cls, object e):
    cdef int allow
    cdef list extra = None
    if not _fast_errors:
        return None
    allow = _stock_error(e)
    if allow < 0 or not PyType_Check(cls) or not _found(cls, "force_type", _force_type):
        return None
    # From here on, reading e's attributes is what werkzeug's code does.
    if e.response is not None:
        return None
    code = e.code
    description = e.description
    if (
        type(code) is not int
        or code not in _STATUS_CODES
        or (description is not None and type(description) is not str)
    ):
        return None
    if allow:
        methods = e.valid_methods
        if methods:
            value = ", ".join(methods)
            if "\n" in value or "\r" in value:
                return None  # werkzeug's Headers raises its own error
            extra = [("Allow", value)]
    key = (code, description)
    page = _error_pages.get(key)
    if page is None:
        page = e.get_body().encode()
        if len(_error_pages) >= _ERROR_PAGES_SIZE:
            _error_pages.clear()
        _error_pages[key] = page
    # get_response builds werkzeug's own Response, which force_type then
    # relabels as cls; none of cls's construction runs.
    rv = _assemble(_WerkzeugResponseType, page, _HTML, _status_line(code), code, extra)
    rv.__class__ = cls
    return rv


def error_response(cls, e):
    """What ``cls.force_type(e, environ)`` gives for the HTTP error ``e``,
    from a cached page when everything that conversion runs is werkzeug's
    own; else ``None``.  See ``response_py.error_response``."""
    return _error_response(cls, e)


# -- redirects ----------------------------------------------------------------

# The redirect page is werkzeug's, rendered once around a marker location and
# split there, then checked against werkzeug for a location needing escapes.
cdef str _MARK = "\ue000"
cdef str _REDIRECT_PROBE = "/a b?c=1&d=<'\"\u00e9>"
# PERF: the encoded page by location (bench: redirect).
cdef dict _redirect_bodies = {}
cdef Py_ssize_t _REDIRECT_BODIES_SIZE = 256
cdef object _escape = escape
cdef object _werkzeug_redirect = _wz_redirect


cdef list _redirect_items(str location, bytes body):
    return [
        ("Content-Type", _HTML),
        ("Content-Length", str(len(body))),
        ("Location", location),
    ]


cdef bytes _render_redirect(list page, str location):
    html = str(_escape(location))
    return PyUnicode_AsUTF8String(f"{page[0]}{html}{page[1]}{html}{page[2]}")


cdef list _load_redirect_page():
    marked = _werkzeug_redirect(_MARK, 302, Response=_WerkzeugResponse)
    cdef list page = marked.get_data(as_text=True).split(_MARK)
    if len(page) != 3:
        return []
    probe = _werkzeug_redirect(_REDIRECT_PROBE, 307, Response=_WerkzeugResponse)
    body = _render_redirect(page, _REDIRECT_PROBE)
    if (
        probe.get_data() != body
        or list(probe.headers.items()) != _redirect_items(_REDIRECT_PROBE, body)
        or probe.status != "307 TEMPORARY REDIRECT"
    ):
        return []
    return page


# PERF: werkzeug's redirect page cut around the location (bench: redirect).
# Private detail: the page's layout, taken from werkzeug's output and
# compared with it at import.
cdef list _redirect_page = _load_redirect_page()


def redirect_response(cls, location, code):
    """``werkzeug.utils.redirect(location, code, Response=cls)`` built
    directly for a ``str`` location and ``int`` code when constructing ``cls``
    runs only werkzeug's code; ``None`` when the caller must call werkzeug."""
    cdef list page = _redirect_page
    if (
        not page
        or type(location) is not str
        or type(code) is not int
        or "\n" in <str>location
        or "\r" in <str>location
        or _construction(cls) is None
    ):
        return None
    body = _redirect_bodies.get(location)
    if body is None:
        body = _render_redirect(page, <str>location)
        if len(_redirect_bodies) >= _REDIRECT_BODIES_SIZE:
            _redirect_bodies.clear()
        _redirect_bodies[location] = body
    rv = _new(cls)
    rv.headers = _new_headers(_redirect_items(<str>location, <bytes>body))
    rv._status = _status_line(code)
    rv._status_code = code
    rv.direct_passthrough = False
    rv._on_close = []
    rv.response = [body]
    return rv


# -- the import-time comparison with werkzeug ---------------------------------

cdef bint _same_state(object fast, object slow) except -1:
    """Whether ``fast`` holds exactly what werkzeug-built ``slow`` holds; see
    ``response_py._same_state``."""
    mine = {k: v for k, v in vars(fast).items() if k != "_ff_plain"}
    theirs = vars(slow)
    if type(fast) is not type(slow) or mine.keys() != theirs.keys():
        return False
    for name, value in mine.items():
        other = theirs[name]
        if name == "headers":
            if (
                type(other) is not _WzHeadersType
                or type(value) is not _Headers
                or vars(value).keys() != vars(other).keys()
                or value._list != other._list
                or any(type(a) is not type(b) for a, b in zip(value._list, other._list))
            ):
                return False
        elif type(value) is not type(other) or value != other:
            return False
    return True


class _Probe(_WerkzeugResponse):
    default_mimetype = "text/html"


cdef bint _check_fast_build() except -1:
    cls = _Probe
    return (
        _same_state(_plain(cls, "probe \u00e9"), cls("probe \u00e9"))
        and _same_state(_plain(cls, b""), cls(b""))
        and _same_state(
            _text_response(cls, "t", 201, [("X-A", "1")]), cls("t", 201, [("X-A", "1")])
        )
        and _same_state(
            mimetype_response(cls, "{}\n", "application/json"),
            cls("{}\n", mimetype="application/json"),
        )
        and (
            not _redirect_page
            or _same_state(
                redirect_response(cls, _REDIRECT_PROBE, 307),
                _werkzeug_redirect(_REDIRECT_PROBE, 307, Response=cls),
            )
        )
    )


cdef bint _check_fast_errors() except -1:
    from werkzeug.exceptions import NotFound

    for error in (NotFound(), NotFound("<gone>\n"), MethodNotAllowed(["GET", "POST"])):
        fast = _error_response(_WerkzeugResponse, error)
        if fast is None or not _same_state(fast, error.get_response()):
            return False
    return True


_fast_build = _check_fast_build()
_fast_errors = _fast_build and _check_fast_errors()
if not _fast_build:
    _redirect_page = []


def fast_paths():
    """Which shortcuts the import-time comparison with the installed werkzeug
    allows; see ``response_py.fast_paths``."""
    return {
        "build": _fast_build,
        "errors": _fast_errors,
        "redirect": bool(_redirect_page),
    }


# -- make_response ----------------------------------------------------------

cdef object _view_name(object ctx):
    if ctx is None:
        return "None"
    return repr(ctx.request.endpoint)


# PERF: an exact dict or list is never an Iterator unless someone registers
# dict/list with the ABC, which changes abc's cache token; the answer is
# re-checked then (bench: json).
cdef object _json_token = None
cdef bint _json_is_iterator = False


cdef bint _json_iterator() except -1:
    global _json_token, _json_is_iterator
    token = _get_cache_token()
    if token != _json_token:
        _json_is_iterator = (
            _isinstance({}, _Iterator) or _isinstance([], _Iterator)
        )
        _json_token = token
    return _json_is_iterator


cdef object _apply(object rv, object status, object headers):
    if status is not None:
        if _isinstance(status, _TEXT):
            rv.status = status
        else:
            rv.status_code = status
    if headers:
        rv.headers.update(headers)
    return rv


cdef object _make(object app, object rv, object ctx):
    status = None
    headers = None
    cdef Py_ssize_t size
    cdef type kind = type(rv)
    if kind is tuple:
        size = len(<tuple>rv)
        if size == 3:
            rv, status, headers = <tuple>rv
        elif size == 2:
            second = (<tuple>rv)[1]
            if _plain_shapes and (type(second) is int or type(second) is str):
                # PERF: the usual (body, 201) / (body, "201 CREATED"); an exact
                # int or str is none of the header shapes (bench: tuple).
                rv, status = <tuple>rv
            elif _isinstance(second, _HEADER_SHAPES):
                rv, headers = <tuple>rv
            else:
                rv, status = <tuple>rv
        else:
            raise TypeError(_INVALID_TUPLE)
        kind = type(rv)
    elif _isinstance(rv, tuple):
        return _make(app, tuple(rv), ctx)

    if rv is None:
        raise TypeError(
            f"The view function for {_view_name(ctx)} did not return a valid"
            " response. The function either returned None or ended without a"
            " return statement."
        )

    cls = app.response_class
    if not _isinstance(rv, cls):
        if kind is str or kind is bytes:
            # Flask reads response_class again to build the response.
            cls = app.response_class
            if status is None and headers is None:
                return _plain(cls, rv)
            fast = _text_response(cls, rv, status, headers)
            if fast is not None:
                return fast
            rv = cls(rv, status=status, headers=headers)
            status = headers = None
        elif (kind is dict or kind is list) and not _json_iterator():
            rv = app.json.response(rv)
        elif _isinstance(rv, _TEXT):
            # Flask reads response_class again to build the response.
            cls = app.response_class
            if status is None and headers is None:
                return _plain(cls, rv)
            rv = cls(rv, status=status, headers=headers)
            status = headers = None
        elif _isinstance(rv, _Iterator):
            cls = app.response_class
            rv = cls(rv, status=status, headers=headers)
            status = headers = None
        elif _isinstance(rv, _JSON):
            rv = app.json.response(rv)
        elif _isinstance(rv, _SansioResponseType) or callable(rv):
            environ = ctx.request.environ if ctx is not None else None
            cls = app.response_class
            try:
                page = None
                if _isinstance(rv, _HTTPException) and (
                    environ is None or environ.get("REQUEST_METHOD") != "HEAD"
                ):
                    # PERF: an HTTP error whose WSGI call is werkzeug's own
                    # renders a known page; it is assembled instead of running
                    # the error as a WSGI app (bench: not_found,
                    # method_not_allowed).  Run for HEAD, werkzeug collects
                    # no body.
                    page = _error_response(cls, rv)
                if page is not None:
                    rv = page
                else:
                    rv = cls.force_type(rv, environ)
            except TypeError as e:
                raise TypeError(
                    f"{e}\n{_INVALID_TYPE.format(type(rv).__name__)}"
                ).with_traceback(_exc_info()[2]) from None
        else:
            raise TypeError(_INVALID_TYPE.format(type(rv).__name__))

    return _apply(rv, status, headers)


def make_response(app, rv, ctx):
    """The response object for the view return value ``rv`` (the body of
    ``Flask.make_response``); ``ctx`` is the current request context or
    ``None``.  ``TypeError`` for unsupported shapes."""
    return _make(app, rv, ctx)
