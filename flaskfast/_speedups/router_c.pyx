# cython: language_level=3
# cython: boundscheck=False, wraparound=False, initializedcheck=False
"""URL matching kernel, compiled twin of ``router_py`` (which is the spec).

Same public names, same answers, same exceptions: ``Router.match`` returns
``(route.target, view_args)``, raises werkzeug's ``NotFound`` /
``MethodNotAllowed(valid_methods=...)`` (with the same Allow order), or returns
``None`` when werkzeug must decide. ``Segment`` and ``Route`` are the pure
twin's named tuples, so :mod:`flaskfast.routing` builds the same descriptions
for either kernel.

Differences in *how*, never in *what*:

* trie nodes, edges and targets are ``cdef`` classes with typed slots;
* the search is a set of ``cdef`` functions; the values matched so far live on
  one list used as a stack (push on the way down, pop on backtrack) instead of
  a new tuple per edge;
* a strict trailing-slash redirect travels back up as a sentinel return value
  instead of an exception;
* returning to the parent of a static step follows a ``parent`` pointer instead
  of a list of visited nodes.
"""

import re

from cpython.dict cimport PyDict_GetItem
from cpython.dict cimport PyDict_SetItem
from cpython.list cimport PyList_GET_ITEM
from cpython.list cimport PyList_GET_SIZE
from cpython.object cimport PyObject
from cpython.tuple cimport PyTuple_GET_ITEM
from cpython.tuple cimport PyTuple_GET_SIZE
from cpython.unicode cimport PyUnicode_Check
from cpython.unicode cimport PyUnicode_GET_LENGTH
from cpython.unicode cimport PyUnicode_READ_CHAR

from werkzeug.exceptions import MethodNotAllowed
from werkzeug.exceptions import NotFound
from werkzeug.routing import ValidationError

# The route descriptions are shared with the pure twin: routing.py builds them
# through whichever kernel is selected, and both kernels accept either.
from .router_py import Converter as Converter
from .router_py import Route as Route
from .router_py import Segment as Segment
from .router_py import Veto as Veto

__all__ = ["Route", "Router", "Segment", "plain_binding"]

# Must stay equal to the pure twin's values and sources (they describe werkzeug's
# compiled converter patterns).
cdef str _GROUP_PREFIX = "__werkzeug_"
cdef tuple _PLAIN_STRINGS = (r"(?P<__werkzeug_0>[^/]{1,})\Z", r"(?P<__werkzeug_0>[^/]+)\Z")
cdef str _PLAIN_PATH = r"(?P<__werkzeug_0>[^/].*?)\Z"
cdef str _PLAIN_DIGITS = r"(?P<__werkzeug_0>\d+)\Z"

KIND_REGEX = 0
KIND_NONEMPTY = 1
KIND_DECIMAL = 2
KIND_PATH = 3

cdef enum EdgeKind:
    REGEX = 0  # compiled pattern, groups named __werkzeug_N
    NONEMPTY = 1  # PERF: `[^/]+` on one segment is "segment is not empty"
    DECIMAL = 2  # PERF: `\d+` on one segment is a per-character isdecimal loop
    PATH = 3  # PERF: `[^/].*?` on the rest of the path, without the regex engine

# Returned up the search instead of a match: werkzeug would redirect to the
# path plus a trailing slash (the pure twin raises _SlashRequired).
cdef object _SLASH = object()

cdef object _ValidationError = ValidationError
cdef object _MethodNotAllowed = MethodNotAllowed
cdef object _NotFound = NotFound
cdef object _int = int

# PERF: request methods as they usually arrive map to an interned, already
# upper-case string: no str.upper() allocation, and the method sets probed
# later hash a string whose hash is cached (bench/bench_router.py).
cdef dict _UPPER = {
    m: m for m in ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT")
}


cdef class _Target:
    """A route as the search uses it."""

    cdef readonly object target
    cdef object methods  # a set of upper-case names, or None for every method
    cdef bint strict
    cdef bint fallback
    cdef object veto
    cdef tuple names
    cdef tuple convs
    cdef object defaults  # a non-empty mapping or None
    cdef bint simple
    cdef bint single

    def __init__(self, route):
        self.target = route.target
        self.methods = route.methods
        self.strict = bool(route.strict_slashes)
        self.fallback = bool(route.fallback)
        self.veto = route.veto
        self.names = tuple(route.arg_names)
        self.convs = tuple(route.converters)
        self.defaults = route.defaults or None
        # PERF: nothing to convert, merge or check: values go straight in the dict.
        self.simple = (
            not self.fallback
            and self.veto is None
            and self.defaults is None
            and all(c is None for c in self.convs)
        )
        # PERF: one variable (the usual <id>) skips the general loop.
        self.single = len(self.names) == 1

    cdef inline bint allows(self, str method):
        return self.methods is None or method in self.methods


cdef class _Node:
    """A trie state: static children by segment text, sorted dynamic edges."""

    cdef dict static  # segment text -> _Node
    cdef tuple dynamic  # _Edge, in weight order
    cdef list routes  # _Target, in insertion order
    cdef _Node slash  # static child "" (trailing slash), or None
    cdef _Node parent  # the node this one is a static child of, or None
    cdef list pending  # build time only: [segment, child] in insertion order

    def __cinit__(self):
        self.static = {}
        self.dynamic = ()
        self.routes = []
        self.slash = None
        self.parent = None
        self.pending = []

    cdef _Node child(self, segment):
        cdef _Node node
        cdef object key
        if segment.static:
            key = segment.content
            node = self.static.get(key)
            if node is None:
                node = _Node()
                node.parent = self
                self.static[key] = node
            return node
        # Equal segments share one edge, as in werkzeug (build time only).
        for item in self.pending:
            if item[0] == segment:
                return <_Node>item[1]
        node = _Node()
        self.pending.append((segment, node))
        return node

    cdef void finish(self) except *:
        cdef _Node node
        cdef _Edge edge
        # list.sort is stable: equal weights keep insertion order.
        self.pending.sort(key=_weight_of)
        self.dynamic = tuple([_Edge(item[0], item[1]) for item in self.pending])
        self.pending = []
        self.slash = self.static.get("")
        for node in self.static.values():
            node.finish()
        for edge in self.dynamic:
            edge.node.finish()


def _weight_of(item):
    return item[0].weight


def _group_number(name):
    return int(name[len(_GROUP_PREFIX):])


cdef class _Edge:
    """A dynamic transition out of a trie node."""

    cdef int kind
    cdef bint final
    cdef bint suffixed
    cdef object match  # bound Pattern.match
    cdef tuple groups  # converter group names, in rule order
    cdef Py_ssize_t last  # index of the optional-slash group when suffixed
    cdef _Node node

    def __init__(self, segment, _Node node):
        cdef str content = segment.content
        self.final = bool(segment.final)
        self.suffixed = bool(segment.suffixed)
        self.node = node
        pattern = re.compile(content)
        self.match = pattern.match
        names = [n for n in pattern.groupindex if n.startswith(_GROUP_PREFIX)]
        names.sort(key=_group_number)
        self.groups = tuple(names)
        self.last = pattern.groups
        if self.suffixed:
            self.kind = REGEX
        elif self.final:
            self.kind = PATH if content == _PLAIN_PATH else REGEX
        elif content in _PLAIN_STRINGS:
            self.kind = NONEMPTY
        elif content == _PLAIN_DIGITS:
            self.kind = DECIMAL
        else:
            self.kind = REGEX


cdef _Target _first_accepting(list routes, object method):
    cdef _Target route
    for route in routes:
        if route.methods is None or (method is not None and method in route.methods):
            return route
    return None


cdef class Router:
    """Matches request paths against a fixed list of routes (immutable once built)."""

    cdef public object merge_slashes
    cdef _Node _root
    # path -> {method or None: _Target answering it, or None for "search"}
    cdef dict _static

    def __init__(self, routes, merge_slashes=True):
        cdef _Node root = _Node()
        cdef _Node node
        self.merge_slashes = merge_slashes
        for route in routes:
            node = root
            for segment in route.segments:
                node = node.child(segment)
            node.routes.append(_Target(route))
        root.finish()
        self._root = root
        # PERF: a path made only of static segments is answered by two dict
        # lookups (bench/bench_router.py, "static" cases): the all-static branch
        # is the first one the search explores.
        self._static = {}
        self._index_static(root, None)

    cdef void _index_static(self, _Node node, object prefix) except *:
        cdef _Node child
        cdef _Target target
        cdef _Target found
        cdef dict table
        cdef set methods
        for text, child in node.static.items():
            path = text if prefix is None else f"{prefix}/{text}"
            if child.routes:
                table = {}
                methods = set()
                for target in child.routes:
                    methods.update(target.methods or ())
                for method in [*methods, None]:
                    found = _first_accepting(child.routes, method)
                    if found is not None and not found.fallback and found.veto is None:
                        table[method] = found
                    else:
                        table[method] = None  # the full search decides
                self._static[path] = table
            self._index_static(child, path)

    def match(self, path_info, method):
        """Match a decoded PATH_INFO and method; see ``router_py``."""
        cdef str path
        cdef str verb  # the upper-cased method
        cdef PyObject* entry
        cdef PyObject* hit
        cdef _Target route
        cdef list parts
        cdef list values
        cdef list refused
        cdef object found
        cdef dict view_args
        cdef object convert
        cdef Py_ssize_t i, n
        if not path_info or not method:
            return None  # werkzeug's answer depends on the adapter's defaults
        if not (PyUnicode_Check(path_info) and PyUnicode_Check(method)):
            raise TypeError(
                f"path_info and method must be str, not {type(path_info).__name__}"
                f" and {type(method).__name__}"
            )
        verb = <str>method  # str subclasses are accepted, as by the pure twin
        # The matcher sees "/" + path_info.lstrip("/").
        if PyUnicode_READ_CHAR(path_info, 0) == u"/" and not (
            PyUnicode_GET_LENGTH(path_info) > 1 and PyUnicode_READ_CHAR(path_info, 1) == u"/"
        ):
            path = <str>path_info  # PERF: the usual case needs no new string
        else:
            path = "/" + (<str>path_info).lstrip("/")
        entry = PyDict_GetItem(_UPPER, verb)
        if entry is not NULL:
            verb = <str>entry
        else:
            verb = verb.upper()

        entry = PyDict_GetItem(self._static, path)
        if entry is not NULL:
            hit = PyDict_GetItem(<dict>entry, verb)
            if hit is NULL:
                hit = PyDict_GetItem(<dict>entry, None)
            if hit is not NULL and <object>hit is not None:
                route = <_Target>hit
                return route.target, ({} if route.defaults is None else dict(route.defaults))

        parts = path.split("/")
        values = []
        refused = []
        found = _search(self._root, parts, 0, PyList_GET_SIZE(parts), values, verb, refused)
        if found is _SLASH:
            return None
        if found is None:
            if not self.merge_slashes:
                _miss(refused, 1)
            if "//" in path:
                return None  # werkzeug retries with merged slashes and redirects
            # werkzeug's retry on the same path repeats the same search.
            _miss(refused, 2)

        route = <_Target>found
        if route.fallback:
            return None
        n = PyList_GET_SIZE(values)
        if route.single and n:
            convert = <object>PyTuple_GET_ITEM(route.convs, 0)
            if convert is None:
                view_args = {<object>PyTuple_GET_ITEM(route.names, 0): <object>PyList_GET_ITEM(values, 0)}
            else:
                try:
                    view_args = {
                        <object>PyTuple_GET_ITEM(route.names, 0): _convert(convert, <object>PyList_GET_ITEM(values, 0))
                    }
                except _ValidationError:
                    _miss(refused, 1)
        elif route.simple:
            # Same truncation as zip(names, values).
            if PyTuple_GET_SIZE(route.names) < n:
                n = PyTuple_GET_SIZE(route.names)
            view_args = {}
            for i in range(n):
                PyDict_SetItem(
                    view_args,
                    <object>PyTuple_GET_ITEM(route.names, i),
                    <object>PyList_GET_ITEM(values, i),
                )
            return route.target, view_args
        else:
            if PyTuple_GET_SIZE(route.names) < n:
                n = PyTuple_GET_SIZE(route.names)
            if PyTuple_GET_SIZE(route.convs) < n:
                n = PyTuple_GET_SIZE(route.convs)
            view_args = {}
            for i in range(n):
                convert = <object>PyTuple_GET_ITEM(route.convs, i)
                if convert is None:
                    view_args[<object>PyTuple_GET_ITEM(route.names, i)] = <object>PyList_GET_ITEM(values, i)
                else:
                    try:
                        view_args[<object>PyTuple_GET_ITEM(route.names, i)] = _convert(
                            convert, <object>PyList_GET_ITEM(values, i)
                        )
                    except _ValidationError:
                        _miss(refused, 1)
        if route.defaults is not None:
            view_args.update(route.defaults)
        if route.veto is not None and route.veto(view_args, verb):
            return None
        return route.target, view_args


cdef inline object _convert(object convert, object value):
    # PERF: the built-in int converter (handed over as ``int``) parses short
    # ASCII digit strings in C (bench/bench_router.py, "dynamic" cases).
    if convert is _int and type(value) is str:
        return _int_from(<str>value)
    return convert(value)


cdef object _int_from(str value):
    """Same answer as ``int(value)``; a C loop for up to 18 ASCII digits."""
    cdef Py_ssize_t i = 0
    cdef Py_ssize_t size = PyUnicode_GET_LENGTH(value)
    cdef long long number = 0
    cdef Py_UCS4 ch
    cdef bint negative = size > 1 and PyUnicode_READ_CHAR(value, 0) == u"-"
    if negative:
        i = 1
    if size == 0 or size - i > 18:
        return int(value)
    while i < size:
        ch = PyUnicode_READ_CHAR(value, i)
        if ch < 48 or ch > 57:  # not ASCII 0-9: int() decides (and may raise)
            return int(value)
        number = number * 10 + (<long long>ch - 48)
        i += 1
    return -number if negative else number


cdef int _miss(list refused, int passes) except -1:
    """Raise werkzeug's exception for a failed match (Allow order as werkzeug's)."""
    cdef set allowed
    cdef int round_
    if refused:
        allowed = set()
        for round_ in range(passes):
            for methods in refused:
                allowed.update(methods)
        raise _MethodNotAllowed(valid_methods=list(allowed))
    raise _NotFound()


cdef inline bint _is_decimal(str part):
    """Same answer as ``part.isdecimal()`` (and as ``\\d+`` on a segment)."""
    cdef Py_UCS4 ch
    if PyUnicode_GET_LENGTH(part) == 0:
        return False
    for ch in part:
        if not ch.isdecimal():
            return False
    return True


cdef inline bint _path_like(str text):
    """Same answer as ``re.match(r"[^/].*?\\Z", text)``: ``.`` stops at newlines."""
    cdef Py_ssize_t i, size = PyUnicode_GET_LENGTH(text)
    if size == 0 or PyUnicode_READ_CHAR(text, 0) == u"/":
        return False
    for i in range(1, size):
        if PyUnicode_READ_CHAR(text, i) == u"\n":
            return False
    return True


cdef object _search(
    _Node node,
    list parts,
    Py_ssize_t index,
    Py_ssize_t count,
    list values,
    str method,
    list refused,
):
    """Depth-first search from ``node`` for ``parts[index:count]``.

    Returns the winning ``_Target`` (its values are then on ``values``), None,
    or ``_SLASH``. Appends to ``refused`` the method sets of routes that matched
    the path but not the method. On None, ``values`` is as it was on entry.
    """
    cdef Py_ssize_t depth = 0  # static steps taken: how far back ``parent`` leads
    cdef PyObject* child
    cdef object found
    cdef str part
    cdef str rest
    cdef _Edge edge
    cdef _Target route
    cdef Py_ssize_t k, edges
    cdef int kind
    # PERF: static children are followed in a loop, not by recursion; backing
    # out follows parent pointers, in the order the recursive formulation would
    # unwind (bench/bench_router.py, "dynamic" cases).
    while True:
        if index == count:
            found = _terminal(node, method, refused)
            if found is not None:
                return found
            break
        child = PyDict_GetItem(node.static, <object>PyList_GET_ITEM(parts, index))
        if child is NULL:
            break
        node = <_Node>child
        depth += 1
        index += 1

    while True:
        if index < count:
            # The static child (if any) failed: the dynamic edges, in weight order.
            part = <str>PyList_GET_ITEM(parts, index)
            edges = PyTuple_GET_SIZE(node.dynamic)
            for k in range(edges):
                edge = <_Edge>PyTuple_GET_ITEM(node.dynamic, k)
                kind = edge.kind
                if kind == NONEMPTY or kind == DECIMAL:
                    if kind == NONEMPTY:
                        if PyUnicode_GET_LENGTH(part) == 0:
                            continue
                    elif not _is_decimal(part):
                        continue
                    values.append(part)
                    if index + 1 == count:  # PERF: the usual last segment, no new frame
                        found = _terminal(edge.node, method, refused)
                    else:
                        found = _search(edge.node, parts, index + 1, count, values, method, refused)
                    if found is None:
                        values.pop()
                elif kind == PATH:
                    rest = "/".join(parts[index:]) if index + 1 < count else part
                    if not _path_like(rest):
                        continue
                    values.append(rest)
                    found = _terminal(edge.node, method, refused)
                    if found is None:
                        values.pop()
                else:
                    found = _regex_edge(edge, parts, index, count, values, method, refused)
                if found is not None:
                    return found
            # A lone trailing slash may still match a route that ignores it.
            if index == count - 1 and PyUnicode_GET_LENGTH(part) == 0:
                for route in node.routes:
                    if route.strict:
                        continue
                    if route.allows(method):
                        return route
                    refused.append(route.methods)
        if depth == 0:
            return None
        node = node.parent
        depth -= 1
        index -= 1


cdef object _terminal(_Node node, str method, list refused):
    """The path is used up at ``node``: its first route allowing ``method`` wins."""
    cdef _Target route
    cdef _Node slash
    for route in node.routes:
        if route.allows(method):
            return route
        refused.append(route.methods)
    slash = node.slash
    if slash is not None:
        for route in slash.routes:
            if route.allows(method):
                if route.strict:
                    return _SLASH
                return route
    return None


cdef list _LONE_SLASH = [""]


cdef object _regex_edge(
    _Edge edge,
    list parts,
    Py_ssize_t index,
    Py_ssize_t count,
    list values,
    str method,
    list refused,
):
    """Follow a dynamic edge that needs its regular expression."""
    cdef Py_ssize_t next_index, mark
    cdef object found
    if edge.final:
        m = edge.match("/".join(parts[index:]))
        next_index = count
    else:
        m = edge.match(<object>PyList_GET_ITEM(parts, index))
        next_index = index + 1
    if m is None:
        return None
    mark = PyList_GET_SIZE(values)
    for name in edge.groups:
        values.append(m.group(name))
    if edge.suffixed and m.group(edge.last) == "/":
        # The pattern kept a trailing slash apart: what is left is that slash.
        found = _search(edge.node, _LONE_SLASH, 0, 1, values, method, refused)
    else:
        found = _search(edge.node, parts, next_index, count, values, method, refused)
    if found is None:
        del values[mark:]
    return found


cdef extern from "Python.h":
    bint PyUnicode_IS_ASCII(object)
    void* PyUnicode_DATA(object)
    Py_ssize_t PyUnicode_GET_LENGTH(object)


def plain_binding(host, server_name, scheme):
    """``router_py.plain_binding``: not a WebSocket scheme, and the host name
    before the port is ASCII with dot-separated labels of 1 to 63 characters
    (the last 0 to 63)."""
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
