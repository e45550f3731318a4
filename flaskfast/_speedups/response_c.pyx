# cython: language_level=3
"""Compiled kernel: turning a view's return value into a response object.

Same contract as ``response_py.py`` (the readable spec): the same shapes are
accepted, the same response object state is produced and the same
``TypeError`` messages are raised.

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

from ..globals import _cv_request

cdef object _request_var = _cv_request
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

cdef tuple _HEADER_SHAPES = (_WzHeaders, dict, tuple, list)
cdef object _HTTPEXCEPTION_CALL = HTTPException.__call__
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

# PERF: the (content type, status line, status code) of a plain text body by
# the class's (default_mimetype, default_status) (bench: str hello).
cdef dict _plain_values = {}


cdef object _plain_defaults(object cls):
    """What ``cls(text)`` would get, or ``None`` when ``cls`` customises
    construction.  Read from the class every time, as the spec does."""
    init = cls.__init__
    if (
        init is not _werkzeug_init
        and not getattr(init, "_flaskfast_plain_init", False)
    ) or getattr(cls, "automatically_set_content_length", False) is not True:
        return None
    key = (cls.default_mimetype, cls.default_status)
    try:
        return _plain_values[key]
    except KeyError:
        pass
    except TypeError:  # unhashable class attribute
        return None
    mimetype, status = key
    found = None
    if type(status) is int and _isinstance(mimetype, str) and mimetype:
        try:
            line = f"{status} {_STATUS_CODES[status].upper()}"
        except KeyError:
            line = f"{status} UNKNOWN"
        found = (_get_content_type(mimetype, "utf-8"), line, status)
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
    defaults = _plain_defaults(cls)
    if defaults is None or not _stock_status(cls):
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
    defaults = _plain_defaults(cls)
    if defaults is None or not _bodied((<tuple>defaults)[2]) or not _stock_status(cls):
        return None
    return ((<tuple>defaults)[1], (<tuple>defaults)[0])


cdef bint _stock_status(object cls) except -1:
    """Whether ``cls`` applies a status and a body exactly as werkzeug does
    (its ``status`` setter, ``_clean_status`` and ``set_data``)."""
    return (
        getattr(cls, "status", None) is _sansio_status
        and getattr(cls, "_clean_status", None) is _clean_status
        and getattr(cls, "set_data", None) is _set_data
    )


cdef dict _status_lines = {}


cdef object _status_line(object code):
    """The status line werkzeug gives an int ``code``."""
    line = _status_lines.get(code)
    if line is None:
        try:
            line = f"{code} {_STATUS_CODES[code].upper()}"
        except KeyError:
            line = f"{code} UNKNOWN"
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
    defaults = _plain_defaults(cls)
    if defaults is None or not _stock_status(cls):
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
    directly when ``cls`` builds text responses as werkzeug does."""
    defaults = _plain_defaults(cls)
    if (
        defaults is None
        or type(body) is not str
        or type(mimetype) is not str
        or not mimetype
        or not _stock_status(cls)
    ):
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
    when ``cls`` does not customise it; the object state is the same."""
    return _plain(cls, body)


# -- HTTP error pages -------------------------------------------------------

# PERF: the rendered page of each stock HTTP error class (bench: 404, 405).
cdef dict _error_pages = {}
cdef tuple _STOCK_ERROR_METHODS = (
    "get_response", "get_body", "get_description", "name", "__call__",
)
cdef str _HTML = "text/html; charset=utf-8"


cdef object _stock_error_page(object e):
    cls = type(e)
    if e.response is not None or "description" in e.__dict__:
        return None
    try:
        return _error_pages[cls]
    except KeyError:
        pass
    code = cls.code
    if code is None or code not in _STATUS_CODES:
        return None
    for name in _STOCK_ERROR_METHODS:
        if getattr(cls, name) is not getattr(_HTTPException, name):
            return None
    headers_impl = cls.get_headers
    if headers_impl is not _HTTPException.get_headers and headers_impl is not (
        _MethodNotAllowed.get_headers
    ):
        return None
    page = cls().get_body().encode(), f"{code} {_STATUS_CODES[code].upper()}"
    _error_pages[cls] = page
    return page


cdef object _error_response(object cls, object e):
    cdef list extra
    if _plain_defaults(cls) is not None:
        page = _stock_error_page(e)
        if page is not None:
            extra = None
            if _isinstance(e, _MethodNotAllowed) and e.valid_methods:
                extra = [("Allow", ", ".join(e.valid_methods))]
            return _assemble(cls, page[0], _HTML, page[1], e.code, extra)
    return None


def error_response(cls, e):
    """``cls.force_type(e.get_response())`` for an HTTP error when ``e``
    renders as its class's default page (from a cached page), else ``None``."""
    return _error_response(cls, e)


# -- redirects ----------------------------------------------------------------

# The redirect page is werkzeug's, rendered once around a marker location and
# split there, then checked against werkzeug for a location needing escapes.
cdef str _MARK = "\ue000"
cdef str _REDIRECT_PROBE = "/a b?c=1&d=<'\"\u00e9>"
cdef object _redirect_page = None
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


cdef bint _stock_redirect_class(object cls) except -1:
    return _plain_defaults(cls) is not None and _stock_status(cls)


def redirect_response(cls, location, code):
    """``werkzeug.utils.redirect(location, code, Response=cls)`` built
    directly for a ``str`` location and ``int`` code when ``cls`` builds
    responses as werkzeug does; ``None`` when the caller must call werkzeug."""
    global _redirect_page
    if (
        type(location) is not str
        or type(code) is not int
        or "\n" in <str>location
        or "\r" in <str>location
        or not _stock_redirect_class(cls)
    ):
        return None
    if _redirect_page is None:
        _redirect_page = _load_redirect_page()
    cdef list page = <list>_redirect_page
    if not page:
        return None
    body = _redirect_bodies.get(location)
    if body is None:
        body = _render_redirect(page, <str>location)
        if len(_redirect_bodies) >= _REDIRECT_BODIES_SIZE:
            _redirect_bodies.clear()
        _redirect_bodies[location] = body
    line = _status_line(code)
    rv = _new(cls)
    rv.headers = _new_headers(_redirect_items(<str>location, <bytes>body))
    rv._status = line
    rv._status_code = code
    rv.direct_passthrough = False
    rv._on_close = []
    rv.response = [body]
    return rv


# -- make_response ----------------------------------------------------------

cdef object _view_name():
    ctx = _request_var.get(None)
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


cdef object _make(object app, object rv):
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
        return _make(app, tuple(rv))

    if rv is None:
        raise TypeError(
            f"The view function for {_view_name()} did not return a valid"
            " response. The function either returned None or ended without a"
            " return statement."
        )

    cls = app.response_class
    if not _isinstance(rv, cls):
        if kind is str or kind is bytes:
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
            if status is None and headers is None:
                return _plain(cls, rv)
            rv = cls(rv, status=status, headers=headers)
            status = headers = None
        elif _isinstance(rv, _Iterator):
            rv = cls(rv, status=status, headers=headers)
            status = headers = None
        elif _isinstance(rv, _JSON):
            rv = app.json.response(rv)
        elif _isinstance(rv, _SansioResponseType) or callable(rv):
            ctx = _request_var.get(None)
            environ = ctx.request.environ if ctx is not None else None
            if (
                _isinstance(rv, _HTTPException)
                and getattr(type(rv), "__call__") is _HTTPEXCEPTION_CALL
            ):
                # PERF: an HTTP error's WSGI call only wraps get_response();
                # taking the response directly skips running it as a WSGI app
                # (bench: 404, 405).
                page = _error_response(cls, rv)
                if page is not None:
                    return _apply(page, status, headers)
                rv = rv.get_response(environ)
            try:
                rv = cls.force_type(rv, environ)
            except TypeError as e:
                raise TypeError(
                    f"{e}\n{_INVALID_TYPE.format(type(rv).__name__)}"
                ).with_traceback(_exc_info()[2]) from None
        else:
            raise TypeError(_INVALID_TYPE.format(type(rv).__name__))

    return _apply(rv, status, headers)


def make_response(app, rv, ctx=None):
    """The response object for the view return value ``rv`` (the body of
    ``Flask.make_response``); ``TypeError`` for unsupported shapes."""
    return _make(app, rv)
