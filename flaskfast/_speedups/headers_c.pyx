# cython: language_level=3
"""Compiled kernel: the header list handed to ``start_response``.

Same contract as ``headers_py.py`` (the readable spec): ``wsgi_header_list``
returns the list werkzeug's ``get_wsgi_headers(environ).to_wsgi_list()`` would
produce for the common case, or ``None`` when werkzeug's general path is
needed (``Location`` / ``Content-Location`` present, or a 304).
"""

cimport cython
from cpython.list cimport PyList_GET_SIZE
from cpython.list cimport PyList_GET_ITEM
from cpython.object cimport PyObject_GetItem
from cpython.tuple cimport PyTuple_GET_ITEM
from cpython.tuple cimport PyTuple_GET_SIZE
from cpython.unicode cimport PyUnicode_GET_LENGTH

from werkzeug.datastructures import Headers

cdef object _HeadersType = Headers
cdef object _headers_iter = Headers.__iter__
cdef frozenset _SLOW_PATH_HEADERS = frozenset(("location", "content-location"))

# What one header item means for the output list.
cdef enum Kind:
    KEEP = 0
    LENGTH = 1
    SLOW = 2


cdef inline int _kind(object item) except -1:
    cdef object name
    cdef object lowered
    cdef Py_ssize_t size
    if type(item) is tuple and PyTuple_GET_SIZE(item) > 0:
        name = <object>PyTuple_GET_ITEM(item, 0)
    else:
        name = PyObject_GetItem(item, 0)
    if type(name) is str:
        # PERF: only names of the three interesting lengths are lowered.
        # Exact for str: lower() changes a string's length only by adding a
        # non-ASCII combining mark, which cannot produce one of these ASCII
        # names (bench: every scenario, bench/test_kernels.py headers).
        size = PyUnicode_GET_LENGTH(name)
        if size == 14:
            if name == "Content-Length" or (<str>name).lower() == "content-length":
                return LENGTH
        elif size == 8:
            if (<str>name).lower() == "location":
                return SLOW
        elif size == 16:
            if (<str>name).lower() == "content-location":
                return SLOW
        return KEEP
    # Anything else (str subclasses, bytes, junk) takes the spec's exact steps.
    lowered = name.lower()
    if lowered == "content-length":
        return LENGTH
    if lowered in _SLOW_PATH_HEADERS:
        return SLOW
    return KEEP


@cython.boundscheck(False)
@cython.wraparound(False)
def wsgi_header_list(items, status_code, body_length):
    """``items`` as a WSGI header list with ``Content-Length`` fixed up for
    ``status_code`` and ``body_length``, or ``None`` for werkzeug's path."""
    if status_code == 304:
        return None
    cdef bint no_body = status_code == 204 or 100 <= status_code < 200
    cdef list out = []
    cdef bint has_length = False
    cdef list seq
    cdef Py_ssize_t i
    cdef int kind
    cdef object item

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
            kind = _kind(item)
            if kind == LENGTH:
                if no_body:
                    continue
                has_length = True
            elif kind == SLOW:
                return None
            out.append(item)
    else:
        for item in items:
            kind = _kind(item)
            if kind == LENGTH:
                if no_body:
                    continue
                has_length = True
            elif kind == SLOW:
                return None
            out.append(item)

    if not has_length and body_length is not None and not no_body:
        out.append(("Content-Length", str(body_length)))
    return out
