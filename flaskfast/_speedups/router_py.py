"""URL matching kernel, pure-Python twin (this file is the spec for ``router_c``).

The kernel knows nothing about werkzeug ``Rule`` objects. :mod:`flaskfast.routing`
describes every rule as a :class:`Route` made of :class:`Segment` items and hands
the list to :class:`Router`. ``Router.match`` then answers exactly as werkzeug's
state-machine matcher would for a map without subdomains, hosts or websockets:

* ``(route.target, view_args)`` for a match,
* raises ``NotFound`` / ``MethodNotAllowed(valid_methods=...)`` for a miss,
* returns ``None`` when werkzeug would answer with a redirect (missing trailing
  slash, merged slashes, alias, ``redirect_to``, default-value redirect) or
  anything else the kernel does not decide itself. The caller falls back then.

Search order (the part that must agree with werkzeug):

1. Paths are split on ``/``. At every trie node the static child named by the
   current segment is tried first, then the dynamic edges in ascending weight
   order (stable: insertion order among equal weights). A failed branch
   backtracks.
2. When the segments run out at a node, the first route there (in insertion
   order) that allows the method wins. Routes that refuse the method record
   their methods for a 405. If none wins and the node has a trailing-slash
   child with a route for this method, that is a slash redirect (strict route,
   -> ``None``) or a match (non-strict route).
3. A single empty segment left after both kinds of edge failed (a request with
   a trailing slash) may match a non-strict route of the current node.
4. Converters run only on the winning route. A ``ValidationError`` makes the
   whole request a miss (405 if methods were recorded on the way, else 404);
   later routes are *not* tried.
"""

from __future__ import annotations

import re
import typing as t

from werkzeug.exceptions import MethodNotAllowed
from werkzeug.exceptions import NotFound
from werkzeug.routing import ValidationError

__all__ = ["Route", "Router", "Segment", "plain_binding"]

Converter = t.Callable[[str], t.Any]
Veto = t.Callable[[t.Dict[str, t.Any], str], bool]

_GROUP_PREFIX = "__werkzeug_"
#: The compiled content of a lone ``<name>`` / ``<string:name>`` segment.
_PLAIN_STRINGS = (r"(?P<__werkzeug_0>[^/]{1,})\Z", r"(?P<__werkzeug_0>[^/]+)\Z")
#: The compiled content of a lone ``<path:name>`` (final) segment.
_PLAIN_PATH = r"(?P<__werkzeug_0>[^/].*?)\Z"
#: The compiled content of a lone unsigned ``<int:name>`` segment.
_PLAIN_DIGITS = r"(?P<__werkzeug_0>\d+)\Z"

# Edge kinds, decided once per dynamic edge.
KIND_REGEX = 0  # general case: compiled pattern, groups named __werkzeug_N
KIND_NONEMPTY = 1  # PERF: `[^/]+` on one segment is "segment is not empty"
KIND_DECIMAL = 2  # PERF: `\d+` on one segment is str.isdecimal() (Unicode Nd)
KIND_PATH = 3  # PERF: `[^/].*?` on the rest of the path, without the regex engine


class Segment(t.NamedTuple):
    """One ``/``-separated piece of a rule, as werkzeug's rule parser cut it."""

    static: bool  #: literal text (True) or a pattern with converter groups
    content: str  #: the literal text, or the pattern source
    final: bool  #: the pattern consumes all remaining segments (``path``)
    suffixed: bool  #: the pattern ends in an optional-slash group
    weight: t.Any  #: sort key among sibling dynamic edges (smaller first)


class Route(t.NamedTuple):
    """Everything the kernel needs to know about one matchable rule."""

    target: t.Any  #: returned as-is on a match (the werkzeug ``Rule``)
    segments: t.Tuple[Segment, ...]  #: path segments, domain excluded
    methods: t.Optional[t.AbstractSet[str]]  #: None means every method
    strict_slashes: bool
    arg_names: t.Tuple[str, ...]  #: converter variables, in rule order
    converters: t.Tuple[t.Optional[Converter], ...]  #: None means "keep the str"
    defaults: t.Optional[t.Mapping[str, t.Any]]
    fallback: bool = False  #: reaching this route means "let werkzeug answer"
    veto: t.Optional[Veto] = None  #: (view_args, method) -> True means fallback


_OTHER: t.Any = object()  # lookup marker: "method not listed in the static table"


class _SlashRequired(Exception):
    """Internal: werkzeug would redirect to the path plus a trailing slash."""


class _Target:
    """A route as the search uses it (flat slots: cheaper than tuple fields)."""

    __slots__ = (
        "target", "methods", "strict", "fallback", "veto", "names", "convs",
        "defaults", "simple", "single",
    )

    def __init__(self, route: Route) -> None:
        self.target = route.target
        self.methods = route.methods
        self.strict = route.strict_slashes
        self.fallback = route.fallback
        self.veto = route.veto
        self.names = route.arg_names
        self.convs = route.converters
        self.defaults = route.defaults or None
        # PERF: nothing to convert, merge or check: build the dict with zip().
        self.simple = (
            not route.fallback
            and route.veto is None
            and self.defaults is None
            and all(c is None for c in route.converters)
        )
        # PERF: one variable (the usual <id>) gets a dict display, not dict(zip()).
        self.single = len(route.arg_names) == 1


def _path_like(text: str) -> bool:
    """Same answer as ``re.match(r"[^/].*?\\Z", text)``: ``.`` stops at newlines."""
    return bool(text) and text[0] != "/" and "\n" not in text[1:]


class _Edge:
    """A dynamic transition out of a trie node."""

    __slots__ = ("kind", "final", "suffixed", "match", "groups", "last", "node")

    def __init__(self, segment: Segment, node: _Node) -> None:
        self.final = segment.final
        self.suffixed = segment.suffixed
        self.node = node
        pattern = re.compile(segment.content)
        self.match = pattern.match
        names = [n for n in pattern.groupindex if n.startswith(_GROUP_PREFIX)]
        names.sort(key=lambda n: int(n[len(_GROUP_PREFIX) :]))
        self.groups: tuple[str, ...] = tuple(names)
        self.last = pattern.groups  # index of the optional-slash group if suffixed
        content = segment.content
        if segment.suffixed:
            self.kind = KIND_REGEX
        elif segment.final:
            self.kind = KIND_PATH if content == _PLAIN_PATH else KIND_REGEX
        elif content in _PLAIN_STRINGS:
            self.kind = KIND_NONEMPTY
        elif content == _PLAIN_DIGITS:
            self.kind = KIND_DECIMAL
        else:
            self.kind = KIND_REGEX


class _Node:
    """A trie state: static children by segment text, sorted dynamic edges."""

    __slots__ = ("static", "dynamic", "routes", "slash", "_pending")

    def __init__(self) -> None:
        self.static: dict[str, _Node] = {}
        self.dynamic: tuple[_Edge, ...] = ()
        self.routes: list[_Target] = []
        self.slash: _Node | None = None  # static child "" (trailing slash)
        # Build-time only: (segment, child) in insertion order, before sorting.
        self._pending: list[tuple[Segment, _Node]] = []

    def child(self, segment: Segment) -> _Node:
        if segment.static:
            node = self.static.get(segment.content)
            if node is None:
                node = self.static[segment.content] = _Node()
            return node
        # Equal segments share one edge, as in werkzeug (linear scan: build time only,
        # and sibling dynamic edges are few in real maps).
        for seen, node in self._pending:
            if seen == segment:
                return node
        node = _Node()
        self._pending.append((segment, node))
        return node

    def finish(self) -> None:
        # list.sort is stable, so equal weights keep insertion order.
        self._pending.sort(key=lambda item: item[0].weight)
        self.dynamic = tuple(_Edge(seg, node) for seg, node in self._pending)
        self._pending = []
        self.slash = self.static.get("")
        for node in self.static.values():
            node.finish()
        for edge in self.dynamic:
            edge.node.finish()


def _first_accepting(routes: list[_Target], method: str | None) -> _Target | None:
    for route in routes:
        if route.methods is None or (method is not None and method in route.methods):
            return route
    return None


class Router:
    """Matches request paths against a fixed list of routes (immutable once built)."""

    def __init__(self, routes: t.Iterable[Route], merge_slashes: bool = True) -> None:
        self.merge_slashes = merge_slashes
        root = _Node()
        for route in routes:
            node = root
            for segment in route.segments:
                node = node.child(segment)
            node.routes.append(_Target(route))
        root.finish()
        self._root = root
        # PERF: a path made only of static segments is answered by one dict lookup
        # (bench/bench_router.py, "static" cases): the all-static branch is the first
        # one the search explores, so its first accepting route is the answer.
        self._static: dict[str, dict[str | None, tuple[t.Any, t.Any] | None]] = {}
        self._index_static(root, None)

    def _index_static(self, node: _Node, prefix: str | None) -> None:
        # Keys are the segments joined by "/", i.e. exactly the matched path.
        for text, child in node.static.items():
            path = text if prefix is None else f"{prefix}/{text}"
            if child.routes:
                table: dict[str | None, tuple[t.Any, t.Any] | None] = {}
                methods: set[str] = set()
                for target in child.routes:
                    methods.update(target.methods or ())
                for method in [*methods, None]:
                    found = _first_accepting(child.routes, method)
                    if found is not None and not found.fallback and found.veto is None:
                        table[method] = (found.target, found.defaults)
                    else:
                        table[method] = None  # the full search decides
                self._static[path] = table
            self._index_static(child, path)

    def match(self, path_info: str, method: str) -> tuple[t.Any, dict[str, t.Any]] | None:
        """Match a decoded PATH_INFO and method; see the module docstring."""
        if not path_info or not method:
            return None  # werkzeug's answer depends on the adapter's defaults
        # The matcher sees "/" + path_info.lstrip("/").
        if path_info[0] == "/" and path_info[1:2] != "/":
            path = path_info  # PERF: the usual case needs no new string
        else:
            path = "/" + path_info.lstrip("/")
        method = method.upper()

        table = self._static.get(path)
        if table is not None:
            hit = table.get(method, _OTHER)
            if hit is _OTHER:
                hit = table.get(None)
            if hit is not None:
                defaults = hit[1]
                return hit[0], ({} if defaults is None else dict(defaults))

        parts = path.split("/")
        refused: list[t.AbstractSet[str]] = []
        try:
            found = _search(self._root, parts, 0, len(parts), (), method, refused)
        except _SlashRequired:
            return None
        if found is None:
            if not self.merge_slashes:
                _miss(refused, 1)
            if "//" in path:
                return None  # werkzeug retries with merged slashes and redirects
            # werkzeug's retry on the same path repeats the same search.
            _miss(refused, 2)

        route, values = found
        if route.fallback:
            return None
        view_args: dict[str, t.Any]
        if route.single and values:
            convert = route.convs[0]
            if convert is None:
                view_args = {route.names[0]: values[0]}
            else:
                try:
                    view_args = {route.names[0]: convert(values[0])}
                except ValidationError:
                    _miss(refused, 1)
        elif route.simple:
            return route.target, dict(zip(route.names, values))
        else:
            view_args = {}
            for name, convert, value in zip(route.names, route.convs, values):
                if convert is None:
                    view_args[name] = value
                else:
                    try:
                        view_args[name] = convert(value)
                    except ValidationError:
                        _miss(refused, 1)
        if route.defaults is not None:
            view_args.update(route.defaults)
        if route.veto is not None and route.veto(view_args, method):
            return None
        return route.target, view_args


def _miss(refused: list[t.AbstractSet[str]], passes: int) -> t.NoReturn:
    """Raise werkzeug's exception for a failed match.

    The Allow list is built by the same sequence of set updates werkzeug makes
    (once per search pass), so even its order is werkzeug's.
    """
    if refused:
        allowed: set[str] = set()
        for _ in range(passes):
            for methods in refused:
                allowed.update(methods)
        raise MethodNotAllowed(valid_methods=list(allowed))
    raise NotFound()


Found = t.Optional[t.Tuple[_Target, t.Tuple[str, ...]]]


def _search(
    node: _Node,
    parts: list[str],
    index: int,
    count: int,
    values: tuple[str, ...],
    method: str,
    refused: list[t.AbstractSet[str]],
) -> Found:
    """Depth-first search from ``node`` for ``parts[index:count]``.

    Appends to ``refused`` the method sets of routes that matched the path but
    not the method; raises ``_SlashRequired`` for a strict trailing-slash redirect.
    """
    # PERF: static children are followed in a loop, not by recursion; ``above``
    # keeps the nodes to come back to (deepest last), exactly as the recursive
    # formulation would unwind (bench/bench_router.py, "dynamic" cases).
    above: list[_Node] = []
    while True:
        if index == count:
            found = _terminal(node, values, method, refused)
            if found is not None:
                return found
            break
        child = node.static.get(parts[index])
        if child is None:
            break
        above.append(node)
        node = child
        index += 1

    while True:
        if index < count:
            # The static child (if any) failed: the dynamic edges, in weight order.
            part = parts[index]
            for edge in node.dynamic:
                kind = edge.kind
                if kind == KIND_NONEMPTY or kind == KIND_DECIMAL:
                    if kind == KIND_NONEMPTY:
                        if not part:
                            continue
                    elif not part.isdecimal():
                        continue
                    if index + 1 == count:  # PERF: the usual last segment, no new frame
                        found = _terminal(edge.node, values + (part,), method, refused)
                    else:
                        found = _search(
                            edge.node, parts, index + 1, count, values + (part,), method, refused
                        )
                elif kind == KIND_PATH:
                    rest = "/".join(parts[index:]) if index + 1 < count else part
                    if not _path_like(rest):
                        continue
                    found = _terminal(edge.node, values + (rest,), method, refused)
                else:
                    found = _regex_edge(edge, parts, index, count, values, method, refused)
                if found is not None:
                    return found
            # A lone trailing slash may still match a route that ignores it.
            if index == count - 1 and part == "":
                for route in node.routes:
                    if route.strict:
                        continue
                    methods = route.methods
                    if methods is not None and method not in methods:
                        refused.append(methods)
                    else:
                        return route, values
        if not above:
            return None
        node = above.pop()
        index -= 1


def _terminal(
    node: _Node, values: tuple[str, ...], method: str, refused: list[t.AbstractSet[str]]
) -> Found:
    """The path is used up at ``node``: its first route allowing ``method`` wins."""
    for route in node.routes:
        methods = route.methods
        if methods is not None and method not in methods:
            refused.append(methods)
        else:
            return route, values
    slash = node.slash
    if slash is not None:
        for route in slash.routes:
            if route.methods is None or method in route.methods:
                if route.strict:
                    raise _SlashRequired()
                return route, values
    return None


def _regex_edge(
    edge: _Edge,
    parts: list[str],
    index: int,
    count: int,
    values: tuple[str, ...],
    method: str,
    refused: list[t.AbstractSet[str]],
) -> Found:
    """Follow a dynamic edge that needs its regular expression."""
    if edge.final:
        m = edge.match("/".join(parts[index:]))
        next_index = count
    else:
        m = edge.match(parts[index])
        next_index = index + 1
    if m is None:
        return None
    groups = tuple(m.group(name) for name in edge.groups)
    if edge.suffixed and m.group(edge.last) == "/":
        # The pattern kept a trailing slash apart: what is left is that slash.
        return _search(edge.node, _LONE_SLASH, 0, 1, values + groups, method, refused)
    return _search(edge.node, parts, next_index, count, values + groups, method, refused)


_LONE_SLASH = [""]


def plain_binding(host: t.Any, server_name: t.Any, scheme: t.Any) -> bool:
    """A sufficient condition for werkzeug binding a request's URL adapter
    without error, as an HTTP (not WebSocket) adapter: what the router needs
    to answer in the adapter's place.

    ``host`` is the ``Host`` header (``server_name``, the environ's
    ``SERVER_NAME``, when there is none); ``Map.bind`` IDNA-encodes the name
    before the port, and a failure there is Flask's 400 ``BadHost``. An ASCII
    name binds when every dot-separated label but the last has 1 to 63
    characters and the last at most 63, as Python's ``idna`` codec requires.
    The ``ws`` and ``wss`` schemes make a WebSocket adapter, which refuses
    HTTP rules. Anything else (a non-ASCII name, an empty or overlong label,
    a WebSocket scheme) is left to werkzeug's adapter, which gives Flask's
    answer."""
    if scheme == "ws" or scheme == "wss":
        return False
    name = server_name if host is None else host
    if type(name) is not str or not name.isascii():
        return False
    name = name.partition(":")[0]
    if len(name) < 64:
        # PERF: no label of a short name can be too long; only empty ones
        # need looking for (bench: pure, every scenario).
        return name[:1] != "." and ".." not in name
    labels = name.split(".")
    last = labels.pop()
    return len(last) < 64 and all(0 < len(label) < 64 for label in labels)
