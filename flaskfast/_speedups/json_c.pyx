# cython: language_level=3, boundscheck=False, wraparound=False
"""JSON encoding kernel, compiled twin of ``json_py`` (see there).

PERF: the standard library's C encoder, called the way ``json.dumps`` calls
it, builds an encoder object, a ``markers`` dict for cycle detection, a list
of ``(key, value)`` tuples per object (sorted as tuples), and a list of
string pieces joined at the end. Plain data is written here straight into
one growing ASCII buffer instead: Flask's default settings (``ensure_ascii``,
compact separators, sorted or unsorted keys). Anything else, and anything
nested deeper than ``_MAX_DEPTH`` (a cycle among them), goes to ``fallback``,
which starts over and gives (or raises) exactly what ``json.dumps`` does.
Nothing here runs user code: exact types only, so no ``__repr__``,
``__lt__`` or ``items`` override can be involved. A 3-key object: 17k -> 2k
instructions (callgrind; bench: json_post, json_response, TechEmpower json).
"""

from cpython.mem cimport PyMem_Free
from cpython.mem cimport PyMem_Malloc
from cpython.mem cimport PyMem_Realloc
from cpython.conversion cimport PyOS_double_to_string
from cpython.dict cimport PyDict_Next
from cpython.object cimport PyObject
from cpython.object cimport PyTypeObject
from cpython.object cimport Py_TYPE
from cpython.unicode cimport PyUnicode_1BYTE_KIND
from cpython.unicode cimport PyUnicode_DATA
from cpython.unicode cimport PyUnicode_GET_LENGTH
from cpython.unicode cimport PyUnicode_KIND
from cpython.unicode cimport PyUnicode_READ
from libc.math cimport isinf
from libc.math cimport isnan
from libc.math cimport signbit
from libc.string cimport memcpy
from libc.string cimport strlen

cdef extern from "Python.h":
    int PyUnicode_Compare(object left, object right) except? -1
    int Py_DTSF_ADD_DOT_0
    object PyUnicode_DecodeASCII(const char *s, Py_ssize_t size, const char *errors)
    long long PyLong_AsLongLongAndOverflow(object o, int *overflow) except? -1

__all__ = ["encode"]

# Deeper data (or a cycle) is left to the standard library's encoder.
cdef enum:
    _MAX_DEPTH = 64
    # Objects with at most this many keys are sorted without allocating.
    _SMALL = 16

cdef const char *_HEX = b"0123456789abcdef"


cdef struct _Buffer:
    char *data
    Py_ssize_t size
    Py_ssize_t capacity


class _Bail(Exception):
    """Raised inside for data the standard library's encoder must handle."""


cdef int _reserve(_Buffer *buf, Py_ssize_t extra) except -1:
    cdef Py_ssize_t need = buf.size + extra
    cdef Py_ssize_t capacity
    cdef char *grown
    if need <= buf.capacity:
        return 0
    capacity = buf.capacity * 2
    if capacity < need:
        capacity = need
    grown = <char *>PyMem_Realloc(buf.data, capacity)
    if grown is NULL:
        raise MemoryError()
    buf.data = grown
    buf.capacity = capacity
    return 0


cdef inline int _put(_Buffer *buf, const char *text, Py_ssize_t n) except -1:
    _reserve(buf, n)
    memcpy(buf.data + buf.size, text, n)
    buf.size += n
    return 0


cdef inline void _hex4(char *out, unsigned int c) noexcept:
    out[0] = b'\\'
    out[1] = b'u'
    out[2] = _HEX[(c >> 12) & 0xf]
    out[3] = _HEX[(c >> 8) & 0xf]
    out[4] = _HEX[(c >> 4) & 0xf]
    out[5] = _HEX[c & 0xf]


cdef inline char _short_escape(unsigned int c) noexcept:
    # The character after the backslash of a two-character escape, or 0.
    if c == 34 or c == 92:
        return <char>c
    if c == 8:
        return b'b'
    if c == 12:
        return b'f'
    if c == 10:
        return b'n'
    if c == 13:
        return b'r'
    if c == 9:
        return b't'
    return 0


cdef int _put_digits(_Buffer *buf, unsigned long long u, bint negative, bint dot_zero) except -1:
    # The decimal digits of u, with a leading "-" and a trailing ".0" if asked.
    cdef char digits[26]
    cdef int pos = 26
    if dot_zero:
        pos -= 2
        digits[pos] = b'.'
        digits[pos + 1] = b'0'
    while True:
        pos -= 1
        digits[pos] = <char>(48 + u % 10)
        u //= 10
        if u == 0:
            break
    if negative:
        pos -= 1
        digits[pos] = b'-'
    return _put(buf, digits + pos, 26 - pos)


cdef int _put_string(_Buffer *buf, str s) except -1:
    # The standard library's encode_basestring_ascii: printable ASCII but
    # '"' and '\\' as is, the usual two-character escapes, every other code
    # point as \uXXXX (lowercase hex), astral ones as a surrogate pair.
    cdef Py_ssize_t i, n = PyUnicode_GET_LENGTH(s)
    cdef unsigned int kind = PyUnicode_KIND(s)
    cdef void *data = PyUnicode_DATA(s)
    cdef unsigned int c
    cdef char *out
    cdef const unsigned char *latin
    cdef char short
    _reserve(buf, n + 2)
    buf.data[buf.size] = b'"'
    buf.size += 1
    if kind == PyUnicode_1BYTE_KIND:
        # PERF: the usual key or value needs no escape: one scan, one copy
        # (bench: jsonify of 100 objects).
        latin = <const unsigned char *>data
        for i in range(n):
            c = latin[i]
            if c < 32 or c > 126 or c == 34 or c == 92:
                break
        else:
            memcpy(buf.data + buf.size, latin, n)
            buf.size += n
            buf.data[buf.size] = b'"'
            buf.size += 1
            return 0
    for i in range(n):
        c = PyUnicode_READ(kind, data, i)
        if 32 <= c <= 126 and c != 34 and c != 92:
            buf.data[buf.size] = <char>c
            buf.size += 1
            continue
        # An escape takes at most 12 bytes; keep room for the rest too.
        _reserve(buf, 12 + (n - i))
        out = buf.data + buf.size
        short = _short_escape(c)
        if short:
            out[0] = b'\\'
            out[1] = short
            buf.size += 2
        elif c >= 0x10000:
            c -= 0x10000
            _hex4(out, 0xd800 | ((c >> 10) & 0x3ff))
            _hex4(out + 6, 0xdc00 | (c & 0x3ff))
            buf.size += 12
        else:
            _hex4(out, c)
            buf.size += 6
    buf.data[buf.size] = b'"'
    buf.size += 1
    return 0


cdef int _put_int(_Buffer *buf, object value) except -1:
    # int.__repr__, digits written here when the value fits a long long.
    cdef int overflow = 0
    cdef long long v = PyLong_AsLongLongAndOverflow(value, &overflow)
    cdef bytes text
    if overflow:
        text = repr(value).encode("ascii")
        return _put(buf, text, len(text))
    if v < 0:
        return _put_digits(buf, <unsigned long long>(-(v + 1)) + 1, True, False)
    return _put_digits(buf, <unsigned long long>v, False, False)


cdef int _put_float(_Buffer *buf, double v) except -1:
    # What the standard library writes with allow_nan (its default):
    # NaN/Infinity/-Infinity, else float.__repr__.
    cdef char *text
    if v == <double>(<long long>v) if -1e16 < v < 1e16 else False:
        # PERF: an integral value below 1e16 (where repr switches to an
        # exponent) is its digits and ".0", as float.__repr__ writes it
        # (bench: jsonify of 100 objects).
        return _put_digits(buf, <unsigned long long>(-v if v < 0 else v), signbit(v), True)
    if isnan(v):
        return _put(buf, b"NaN", 3)
    if isinf(v):
        if v > 0:
            return _put(buf, b"Infinity", 8)
        return _put(buf, b"-Infinity", 9)
    text = PyOS_double_to_string(v, b'r', 0, Py_DTSF_ADD_DOT_0, NULL)
    try:
        _put(buf, text, strlen(text))
    finally:
        PyMem_Free(text)
    return 0


cdef int _put_small_sorted(_Buffer *buf, dict obj, Py_ssize_t n, int depth) except -1:
    # PERF: a small object's items are sorted in place by key (insertion
    # sort on borrowed references, nothing allocated; the order of
    # sorted(dict.items()) for distinct str keys) instead of a sorted list
    # of keys and a lookup per key (bench: jsonify of 100 objects).
    cdef PyObject *keys[_SMALL]
    cdef PyObject *values[_SMALL]
    cdef PyObject *key
    cdef PyObject *value
    cdef Py_ssize_t pos = 0, i = 0, j
    while PyDict_Next(obj, &pos, &key, &value):
        if i >= n or Py_TYPE(<object>key) is not <PyTypeObject *>str:
            raise _Bail()
        j = i
        while j > 0 and PyUnicode_Compare(<object>keys[j - 1], <object>key) > 0:
            keys[j] = keys[j - 1]
            values[j] = values[j - 1]
            j -= 1
        keys[j] = key
        values[j] = value
        i += 1
    if i != n:
        raise _Bail()
    for i in range(n):
        if i:
            _put(buf, b",", 1)
        _put_string(buf, <str>keys[i])
        _put(buf, b":", 1)
        # The dict is not changed meanwhile: nothing here runs user code.
        _put_value(buf, <object>values[i], True, depth + 1)
    return 0


cdef int _put_value(_Buffer *buf, object obj, bint sort_keys, int depth) except -1:
    cdef type kind = type(obj)
    cdef Py_ssize_t i, n
    cdef object key, value
    cdef list keys
    if kind is str:
        return _put_string(buf, <str>obj)
    if obj is None:
        return _put(buf, b"null", 4)
    if obj is True:
        return _put(buf, b"true", 4)
    if obj is False:
        return _put(buf, b"false", 5)
    if kind is int:
        return _put_int(buf, obj)
    if kind is float:
        return _put_float(buf, <double>obj)
    if depth >= _MAX_DEPTH:
        raise _Bail()
    if kind is dict:
        n = len(<dict>obj)
        if n == 0:
            return _put(buf, b"{}", 2)
        _put(buf, b"{", 1)
        if sort_keys and n <= _SMALL:
            _put_small_sorted(buf, <dict>obj, n, depth)
        elif sort_keys:
            keys = list(<dict>obj)
            for key in keys:
                if type(key) is not str:
                    raise _Bail()
            keys.sort()
            for i in range(n):
                if i:
                    _put(buf, b",", 1)
                key = keys[i]
                _put_string(buf, <str>key)
                _put(buf, b":", 1)
                _put_value(buf, (<dict>obj)[key], sort_keys, depth + 1)
        else:
            i = 0
            for key, value in (<dict>obj).items():
                if type(key) is not str:
                    raise _Bail()
                if i:
                    _put(buf, b",", 1)
                i += 1
                _put_string(buf, <str>key)
                _put(buf, b":", 1)
                _put_value(buf, value, sort_keys, depth + 1)
        return _put(buf, b"}", 1)
    if kind is list or kind is tuple:
        n = len(obj)
        if n == 0:
            return _put(buf, b"[]", 2)
        _put(buf, b"[", 1)
        for i in range(n):
            if i:
                _put(buf, b",", 1)
            if kind is list:
                _put_value(buf, (<list>obj)[i], sort_keys, depth + 1)
            else:
                _put_value(buf, (<tuple>obj)[i], sort_keys, depth + 1)
        return _put(buf, b"]", 1)
    raise _Bail()


def encode(obj, ensure_ascii, sort_keys, fallback):
    """``fallback(obj)``: the compact JSON text of ``obj`` (see ``json_py``)."""
    cdef _Buffer buf
    if ensure_ascii is not True or (sort_keys is not True and sort_keys is not False):
        return fallback(obj)
    buf.data = <char *>PyMem_Malloc(256)
    if buf.data is NULL:
        raise MemoryError()
    buf.size = 0
    buf.capacity = 256
    try:
        try:
            _put_value(&buf, obj, sort_keys is True, 0)
        except Exception:
            # _Bail, or an error fallback raises (or avoids) its own way.
            return fallback(obj)
        return PyUnicode_DecodeASCII(buf.data, buf.size, NULL)
    finally:
        PyMem_Free(buf.data)
