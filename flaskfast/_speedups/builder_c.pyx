# cython: language_level=3
# cython: boundscheck=False, wraparound=False, initializedcheck=False
"""URL building kernel, compiled twin of ``builder_py`` (which is the spec).

Same public names, same answers, same calls into user code in the same order,
same exceptions.  ``Candidate`` is the pure twin's named tuple, so
:mod:`flaskfast.routing` describes rules the same way for either kernel.

Differences in *how*, never in *what*: each candidate is copied into a
``cdef`` class with typed slots, and the stock ``to_url`` shortcut checks the
characters of a string against a table instead of a regex.
"""

from cpython.unicode cimport PyUnicode_GET_LENGTH
from cpython.unicode cimport PyUnicode_READ_CHAR

from werkzeug.routing import ValidationError

from .builder_py import STOCK_INT as STOCK_INT
from .builder_py import STOCK_QUOTE as STOCK_QUOTE
from .builder_py import Candidate as Candidate

__all__ = ["Builder", "Candidate", "STOCK_QUOTE", "STOCK_INT"]

# Must stay equal to builder_py._PATH_SAFE: urllib's always-safe characters
# plus werkzeug's path-segment safe set.
cdef str _SAFE_CHARS = (
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    "_.-~!$&'()*+,/:;=@"
)
# And builder_py._QUERY_SAFE: what quote_plus(..., safe="!$'()*,/:;?@") keeps.
cdef str _QUERY_SAFE_CHARS = (
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    "_.-~!$'()*,/:;?@"
)
cdef bint _SAFE[128]
cdef bint _QSAFE[128]
cdef object _STOCK_QUOTE = STOCK_QUOTE
cdef object _STOCK_INT = STOCK_INT


cdef void _init_safe():
    cdef Py_ssize_t i
    for i in range(128):
        _SAFE[i] = False
        _QSAFE[i] = False
    for ch in _SAFE_CHARS:
        _SAFE[ord(ch)] = True
    for ch in _QUERY_SAFE_CHARS:
        _QSAFE[ord(ch)] = True


_init_safe()


cdef inline bint _all_in(str value, const bint* table):
    # Whether every character of value is ASCII and marked in table.
    cdef Py_ssize_t i, n = PyUnicode_GET_LENGTH(value)
    cdef Py_UCS4 ch
    for i in range(n):
        ch = PyUnicode_READ_CHAR(value, i)
        if ch >= 128 or not table[ch]:
            return False
    return True


cdef inline bint _path_safe(str value):
    return _all_in(value, _SAFE)


cdef inline bint _query_safe(str value):
    return _all_in(value, _QSAFE)


cdef class _Cand:
    cdef object methods  # frozenset or None
    cdef tuple required
    cdef tuple defaults
    cdef tuple parts
    cdef tuple names
    cdef tuple converters
    cdef tuple fallbacks
    cdef frozenset consumed
    cdef object encode_query
    cdef bint stock_query

    def __init__(self, candidate):
        self.methods = candidate.methods
        self.required = tuple(candidate.required)
        self.defaults = tuple(candidate.defaults)
        self.parts = tuple(candidate.parts)
        self.names = tuple(candidate.names)
        self.converters = tuple(candidate.converters)
        self.fallbacks = tuple(candidate.fallbacks)
        self.consumed = frozenset(candidate.consumed)
        self.encode_query = candidate.encode_query
        self.stock_query = candidate.stock_query


cdef str _to_url(_Cand candidate, Py_ssize_t index, object value):
    code = candidate.converters[index]
    if code is _STOCK_QUOTE:
        # PERF: werkzeug's quote(str(value), safe=...) is the identity on
        # these values (bench/bench_url_for.py).
        cls = type(value)
        if cls is str:
            if _path_safe(<str>value):
                return <str>value
        elif cls is int:
            return str(value)
        return candidate.fallbacks[index](value)
    if code is _STOCK_INT:
        if type(value) is int:
            return str(value)
        return candidate.fallbacks[index](value)
    return code(value)


cdef object _encode_query(_Cand candidate, dict extra):
    cdef list pairs
    if candidate.stock_query:
        # PERF: werkzeug's iter_multi_items + urlencode(quote_plus) leave
        # these keys and values as they are (bench/bench_url_for.py).
        pairs = []
        for key, value in extra.items():
            if not _query_safe(<str>key):  # keys are checked to be str
                break
            cls = type(value)
            if cls is int:
                value = str(value)
            elif cls is not str or not _query_safe(<str>value):
                break
            pairs.append(<str>key + "=" + <str>value)
        else:
            return "&".join(pairs)
    return candidate.encode_query(extra)


cdef bint _suitable(_Cand candidate, dict values, object method) except -1:
    methods = candidate.methods
    if method is not None and methods is not None and method not in methods:
        return False
    for key in candidate.required:
        if key not in values:
            return False
    for key, default in candidate.defaults:
        if key in values and default != values[key]:
            return False
    return True


cdef inline str _piece(_Cand candidate, object part, dict values, tuple names):
    # A rule part: its text, or the converted value of its variable.
    if type(part) is str:
        return <str>part
    return _to_url(candidate, <Py_ssize_t>part, values[names[<Py_ssize_t>part]])


cdef object _build_one(_Cand candidate, dict values):
    cdef frozenset consumed = candidate.consumed
    cdef dict extra = None
    cdef str query
    cdef str path
    cdef str piece
    cdef tuple parts
    cdef tuple names = candidate.names
    for key in values:
        if key not in consumed:
            if extra is None:
                extra = {}
            extra[key] = values[key]
    try:
        # Werkzeug's generated builder encodes the query before converting.
        if extra is not None:
            params = _encode_query(candidate, extra)
            query = "?" + params if params else ""
        else:
            query = ""
        parts = candidate.parts
        if len(parts) <= 2:
            # PERF: one or two pieces ("/about", "/item/" + id) are
            # concatenated without a list (bench/bench_url_for.py).
            path = ""
            for part in parts:
                piece = _piece(candidate, part, values, names)
                path = path + piece if path else piece
        else:
            path = "".join([_piece(candidate, part, values, names) for part in parts])
    except ValidationError:
        return None
    return path + query if query else path


cdef object _first(tuple candidates, dict values, object method):
    cdef _Cand candidate
    for candidate in candidates:
        if _suitable(candidate, values, method):
            path = _build_one(candidate, values)
            if path is not None:
                return path
    return None


cdef inline bint _is_empty(object subdomain) except -1:
    # subdomain == "", without a rich comparison for the usual str.
    if type(subdomain) is str:
        return PyUnicode_GET_LENGTH(<str>subdomain) == 0
    return subdomain == ""


cdef object _join_path(object script_name, str path):
    # script_name.rstrip("/") + "/" + path.lstrip("/")
    cdef Py_ssize_t end, start = 0, n = PyUnicode_GET_LENGTH(path)
    if type(script_name) is not str:
        return script_name.rstrip("/") + "/" + path.lstrip("/")
    end = PyUnicode_GET_LENGTH(<str>script_name)
    while end > 0 and PyUnicode_READ_CHAR(<str>script_name, end - 1) == u"/":
        end -= 1
    while start < n and PyUnicode_READ_CHAR(path, start) == u"/":
        start += 1
    if end == 0 and start == 1:
        # PERF: the usual root mount: "" + "/" + path[1:] is path itself
        # (bench/bench_url_for.py).
        return path
    return (<str>script_name)[:end] + "/" + path[start:]


cdef class Builder:
    """Builds URLs for the endpoints given as ``{endpoint: (Candidate, ...)}``
    (an endpoint mapped to ``None`` is left to werkzeug), for adapters of
    class ``adapter_class`` bound to ``url_map`` (a map without host
    matching: the candidates' domain part is empty)."""

    # Attributes: see builder_c.pxd.

    def __init__(self, endpoints, url_map, adapter_class):
        self._endpoints = {
            endpoint: None if cands is None else tuple([_Cand(c) for c in cands])
            for endpoint, cands in dict(endpoints).items()
        }
        self._map = url_map
        self._adapter_class = adapter_class

    cpdef object build(
        self,
        adapter,
        endpoint,
        values,
        method=None,
        url_scheme=None,
        force_external=False,
    ):
        """``adapter.build(endpoint, values, method=method,
        url_scheme=url_scheme, force_external=force_external)``, or None to
        ask werkzeug (see the pure twin's module docstring)."""
        if (
            type(adapter) is not self._adapter_class
            or adapter.map is not self._map
            or type(values) is not dict  # werkzeug flattens a MultiDict
        ):
            return None
        try:
            candidates = self._endpoints.get(endpoint)
        except TypeError:  # an unhashable endpoint
            return None
        if candidates is None:
            return None
        if (method is not None and type(method) is not str) or (
            url_scheme is not None and type(url_scheme) is not str
        ):
            return None
        for key, value in values.items():
            if type(key) is not str or key == ".self":
                return None
            if value is None:
                values = {k: v for k, v in values.items() if v is not None}
                break
        path = None
        if method is None:
            path = _first(<tuple>candidates, <dict>values, adapter.default_method)
        if path is None:
            path = _first(<tuple>candidates, <dict>values, method)
            if path is None:
                return None
        # MapAdapter.build's composition, for a rule whose domain part is "".
        script_name = adapter.script_name
        if not force_external and _is_empty(adapter.subdomain):
            return _join_path(script_name, <str>path)
        if url_scheme is None:
            url_scheme = adapter.url_scheme
        if url_scheme:
            url_scheme = "https" if url_scheme in ("https", "wss") else "http"
            scheme = url_scheme + ":"
        else:
            scheme = ""
        # script_name[:-1], written without a negative index (wraparound is off here).
        head = script_name[:len(script_name) - 1] if script_name else script_name
        return f"{scheme}//{adapter.server_name}{head}/{(<str>path).lstrip('/')}"
