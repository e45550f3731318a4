# cython: language_level=3
"""Compiled kernel: the header list handed to ``start_response``.

Same contract as ``headers_py.py`` (the readable spec): ``wsgi_header_list``
builds and validates in one pass the list werkzeug's
``get_wsgi_headers(environ).to_wsgi_list()`` would produce, or returns ``None``
when werkzeug's general path is needed; ``check_header_list`` and
``check_status`` raise the spec's :class:`InvalidHeaderError` with the spec's
messages (the messages are built by ``headers_py``: only the checks are here).

Differences in *how*: names and values are checked by walking their latin-1
storage against 256-entry tables; the names that matter are compared without
lowering a copy; werkzeug's ``Headers`` is walked through its list.
"""

cimport cython
from cpython.object cimport PyObject
from cpython.dict cimport PyDict_Next
from cpython.list cimport PyList_GET_ITEM
from cpython.list cimport PyList_GET_SIZE
from cpython.tuple cimport PyTuple_GET_ITEM
from cpython.tuple cimport PyTuple_GET_SIZE
from cpython.unicode cimport PyUnicode_1BYTE_DATA
from cpython.unicode cimport PyUnicode_1BYTE_KIND
from cpython.unicode cimport PyUnicode_Check
from cpython.unicode cimport PyUnicode_GET_LENGTH
from cpython.unicode cimport PyUnicode_KIND

from werkzeug.datastructures import Headers
from werkzeug.urls import iri_to_uri

from .headers_py import InvalidHeaderError
from .headers_py import check_header_list as _spec_check_header_list
from .headers_py import check_status as _spec_check_status
from .headers_py import environ_header_values as _spec_environ_header_values

cdef extern from "Python.h":
    int PyUnicode_READY(object o) except -1
    int PyUnicode_IS_ASCII(object o)

cdef object _HeadersType = Headers
cdef object _headers_iter = Headers.__iter__

# PERF: one table lookup per character instead of a regex (bench: every
# scenario, each header is checked on every response).
cdef unsigned char _TOKEN_CHAR[256]
cdef unsigned char _VALUE_CHAR[256]


cdef void _fill_tables():
    cdef int c
    cdef bytes extra = b"!#$%&'*+-.^_`|~"
    for c in range(256):
        _TOKEN_CHAR[c] = (
            (48 <= c <= 57) or (65 <= c <= 90) or (97 <= c <= 122)
        )
        # Tab, printable ASCII, and 0x80-0xFF (RFC 7230 obs-text).
        _VALUE_CHAR[c] = c == 9 or (32 <= c <= 126) or c >= 128
    for c in extra:
        _TOKEN_CHAR[c] = 1


_fill_tables()

# What a header item means while building the list.
cdef enum:
    INVALID = -1
    KEEP = 0
    LENGTH = 1
    LOCATION = 2
    CONTENT_LOCATION = 3

cdef Py_ssize_t _CACHE_LIMIT = 512
# PERF: iri_to_uri results by location value (bench: redirect).
cdef dict _uris = {}


cdef inline bint _same_lower(const unsigned char* data, const char* lower, Py_ssize_t n):
    # Exact for tokens against lower-case letters and "-": the only token
    # characters c with c | 0x20 == x are x and upper-case x.
    cdef Py_ssize_t i
    for i in range(n):
        if (data[i] | 0x20) != <unsigned char>lower[i]:
            return False
    return True


cdef inline int _name_kind(object name) except -2:
    cdef Py_ssize_t size, i
    cdef const unsigned char* data
    if not PyUnicode_Check(name):
        return INVALID
    PyUnicode_READY(name)
    if PyUnicode_KIND(name) != PyUnicode_1BYTE_KIND:
        return INVALID
    size = PyUnicode_GET_LENGTH(name)
    if size == 0:
        return INVALID
    data = PyUnicode_1BYTE_DATA(name)
    for i in range(size):
        if not _TOKEN_CHAR[data[i]]:
            return INVALID
    if size == 14:
        if _same_lower(data, b"content-length", 14):
            return LENGTH
    elif size == 8:
        if _same_lower(data, b"location", 8):
            return LOCATION
    elif size == 16:
        if _same_lower(data, b"content-location", 16):
            return CONTENT_LOCATION
    return KEEP


cdef inline bint _value_ok(object value) except -1:
    cdef Py_ssize_t size, i
    cdef const unsigned char* data
    if not PyUnicode_Check(value):
        return False
    PyUnicode_READY(value)
    if PyUnicode_KIND(value) != PyUnicode_1BYTE_KIND:
        return False
    size = PyUnicode_GET_LENGTH(value)
    data = PyUnicode_1BYTE_DATA(value)
    for i in range(size):
        if not _VALUE_CHAR[data[i]]:
            return False
    return True


cdef object _to_uri(object value):
    """``iri_to_uri(value)``, cached, or ``None`` if it raises."""
    uri = _uris.get(value)
    if uri is None:
        try:
            uri = iri_to_uri(value)
        except Exception:
            return None
        if len(_uris) >= _CACHE_LIMIT:
            _uris.clear()
        _uris[value] = uri
    return uri


cdef struct _State:
    bint no_body
    bint rewrite
    bint has_length
    Py_ssize_t location_at
    Py_ssize_t content_location_at


cdef inline bint _step(_State* st, list out, list found, object item) except -1:
    """Add ``item`` to ``out``; False when werkzeug's path is needed."""
    if type(item) is not tuple or PyTuple_GET_SIZE(item) != 2:
        return False
    name = <object>PyTuple_GET_ITEM(item, 0)
    value = <object>PyTuple_GET_ITEM(item, 1)
    cdef int kind = _name_kind(name)
    if kind == KEEP:
        if not _value_ok(value):
            return False
    elif kind == LENGTH:
        if not _value_ok(value):
            return False
        if st.no_body:
            return True
        st.has_length = True
    elif kind == INVALID or not st.rewrite:
        return False
    else:
        # werkzeug copies the headers first, which rejects newlines.
        if type(value) is not str or "\r" in value or "\n" in value:
            return False
        if kind == LOCATION:
            found[0] = value
            if st.location_at < 0:
                st.location_at = PyList_GET_SIZE(out)
                out.append(item)
        else:
            found[1] = value
            if st.content_location_at < 0:
                st.content_location_at = PyList_GET_SIZE(out)
                out.append(item)
        return True
    out.append(item)
    return True


@cython.boundscheck(False)
@cython.wraparound(False)
def wsgi_header_list(items, status_code, body_length, rewrite_locations=False):
    """``items`` as a validated WSGI header list, fixed up for
    ``status_code`` and ``body_length``, or ``None`` for werkzeug's path."""
    if status_code == 304:
        return None
    cdef _State st
    st.no_body = status_code == 204 or 100 <= status_code < 200
    st.rewrite = bool(rewrite_locations)
    st.has_length = False
    st.location_at = -1
    st.content_location_at = -1
    cdef list out = []
    cdef list found = [None, None]
    cdef list seq
    cdef Py_ssize_t i

    if type(items) is list:
        seq = <list>items
    elif (
        isinstance(items, _HeadersType)
        and getattr(type(items), "__iter__") is _headers_iter
        and type(items._list) is list
    ):
        # PERF: werkzeug's Headers iterates its own list; walking the list
        # skips the iterator object (bench: every scenario).
        seq = <list>items._list
    else:
        seq = None

    if seq is not None:
        # Re-reads the size every step, as a list iterator does.
        i = 0
        while i < PyList_GET_SIZE(seq):
            item = <object>PyList_GET_ITEM(seq, i)
            i += 1
            if not _step(&st, out, found, item):
                return None
    else:
        for item in items:
            if not _step(&st, out, found, item):
                return None

    if st.location_at >= 0:
        uri = _to_uri(found[0])
        if uri is None or not _value_ok(uri):
            return None
        out[st.location_at] = ("Location", uri)
    if st.content_location_at >= 0:
        uri = _to_uri(found[1])
        if uri is None or not _value_ok(uri):
            return None
        out[st.content_location_at] = ("Content-Location", uri)
    if not st.has_length and body_length is not None and not st.no_body:
        out.append(("Content-Length", str(body_length)))
    return out


def check_header_list(items):
    """Raise :class:`InvalidHeaderError` for the first header of ``items``
    that cannot be sent."""
    cdef list seq = items if type(items) is list else list(items)
    cdef Py_ssize_t i
    for i in range(PyList_GET_SIZE(seq)):
        item = <object>PyList_GET_ITEM(seq, i)
        if (
            type(item) is not tuple
            or PyTuple_GET_SIZE(item) != 2
            or _name_kind(<object>PyTuple_GET_ITEM(item, 0)) == INVALID
            or not _value_ok(<object>PyTuple_GET_ITEM(item, 1))
        ):
            # The spec finds the same item and words the error.
            _spec_check_header_list(seq)
            raise InvalidHeaderError(f"Invalid response header entry {item!r}")


def check_status(status):
    """Raise :class:`InvalidHeaderError` if the status line ``status``
    cannot be sent (same rule as header values)."""
    if not _value_ok(status):
        _spec_check_status(status)
        raise InvalidHeaderError(f"Invalid response status line {status!r}")


@cython.boundscheck(False)
@cython.wraparound(False)
def environ_header_values(environ, str name):
    """The values of request header ``name`` (lower-case, no ``-``/``_``,
    not content-type/length) in ``environ``, as the spec lists them."""
    # PERF: the session cookie is looked up on every request with a session;
    # the environ's keys are compared in place instead of sliced and
    # lowered (bench: session).
    if type(environ) is not dict or not name.isascii():
        return _spec_environ_header_values(environ, name)
    cdef Py_ssize_t size = PyUnicode_GET_LENGTH(name) + 5
    cdef Py_ssize_t pos = 0
    cdef Py_ssize_t j
    cdef PyObject* key
    cdef PyObject* value
    cdef const unsigned char* data
    cdef list out = []
    cdef bytes lower = name.encode("ascii")
    cdef const unsigned char* want = lower
    while PyDict_Next(environ, &pos, &key, &value):
        k = <object>key
        if type(k) is not str:
            # Keys of other types run their own code: the spec decides.
            return _spec_environ_header_values(environ, name)
        if PyUnicode_GET_LENGTH(k) != size:
            continue
        PyUnicode_READY(k)
        if not PyUnicode_IS_ASCII(k):
            if k[5:].lower() == name and k.startswith("HTTP_"):
                out.append(<object>value)
            continue
        data = PyUnicode_1BYTE_DATA(k)
        if not (data[0] == 72 and data[1] == 84 and data[2] == 84 and data[3] == 80 and data[4] == 95):
            continue  # not "HTTP_"
        for j in range(size - 5):
            if (data[5 + j] | 0x20 if 65 <= data[5 + j] <= 90 else data[5 + j]) != want[j]:
                break
        else:
            out.append(<object>value)
    return out
