"""URL building kernel, pure-Python twin (the spec for ``builder_c``).

A :class:`Builder` answers ``MapAdapter.build`` for the rules of a werkzeug
map whose domain part is empty (no subdomain, no host matching), from
:class:`Candidate` descriptions that :mod:`flaskfast.routing` makes out of the
map's rules, in the map's build order per endpoint.

:meth:`Builder.build` does what werkzeug's ``MapAdapter._partial_build``,
``Rule.suitable_for``, ``Rule.build`` and ``MapAdapter.build`` do, in the same
order and with the same calls into user code (converters' ``to_url``, values'
``__ne__`` against defaults, the rule's ``_encode_query_vars``), and returns
the same URL.  It returns ``None`` whenever werkzeug must answer instead:
another adapter class or map, values that are not a plain ``dict``, an unknown or unsupported endpoint, a
``method`` or ``url_scheme`` that is neither None nor a string, a value key
that is not a string, and when no rule builds (so that werkzeug raises its
own ``BuildError``; a custom converter's ``to_url`` is then called again by
werkzeug).  Exceptions other than werkzeug's
``ValidationError`` raised by user code propagate, as they do from werkzeug.
"""

from __future__ import annotations

import re
import typing as t

from werkzeug.routing import ValidationError

__all__ = ["Builder", "Candidate", "STOCK_QUOTE", "STOCK_INT"]

#: ``Candidate.converters`` codes for the stock converters' ``to_url``.
#: ``STOCK_QUOTE``: ``BaseConverter.to_url`` (string, path, default);
#: ``STOCK_INT``: ``NumberConverter.to_url`` with ``int`` and no fixed digits.
STOCK_QUOTE = 0
STOCK_INT = 1

# The characters urllib's ``quote(..., safe="!$&'()*+,/:;=@")`` leaves alone
# (its always-safe set plus werkzeug's path-segment safe set).
_PATH_SAFE = re.compile(r"[A-Za-z0-9_.\-~!$&'()*+,/:;=@]*\Z")
# Those urllib's ``quote_plus(..., safe="!$'()*,/:;?@")`` leaves alone (the
# query string werkzeug's ``_urlencode`` makes).
_QUERY_SAFE = re.compile(r"[A-Za-z0-9_.\-~!$'()*,/:;?@]*\Z")


class Candidate(t.NamedTuple):
    """One rule of an endpoint, described for building.

    ``parts`` alternates nothing: each item is a ``str`` (static text,
    already quoted as werkzeug quotes it) or an ``int`` index into
    ``names``/``converters``.  ``converters`` holds, per variable, either
    :data:`STOCK_QUOTE`, :data:`STOCK_INT` (with ``fallbacks`` holding the
    converter's bound ``to_url`` for values the shortcut does not cover) or
    the bound ``to_url`` to call.  ``consumed`` are the value keys the rule's
    builder takes as arguments (its variables and its defaults' keys); the
    other values go to ``encode_query``.  ``stock_query`` says that it is
    werkzeug's ``Rule._encode_query_vars`` on a map without
    ``sort_parameters``, whose result the kernel may compute itself.
    """

    methods: frozenset[str] | None
    required: tuple[str, ...]
    defaults: tuple[tuple[str, t.Any], ...]
    parts: tuple[t.Union[str, int], ...]
    names: tuple[str, ...]
    converters: tuple[t.Any, ...]
    fallbacks: tuple[t.Callable[[t.Any], str], ...]
    consumed: frozenset[str]
    encode_query: t.Callable[[dict[str, t.Any]], str]
    stock_query: bool


def _to_url(candidate: Candidate, index: int, value: t.Any) -> str:
    code = candidate.converters[index]
    if code is STOCK_QUOTE:
        # PERF: werkzeug's quote(str(value), safe=...) is the identity on
        # these values (bench/bench_url_for.py).
        cls = type(value)
        if cls is str:
            if _PATH_SAFE.match(value) is not None:
                return value  # type: ignore[no-any-return]  # (a str)
        elif cls is int:
            return str(value)
        return candidate.fallbacks[index](value)
    if code is STOCK_INT:
        if type(value) is int:
            return str(value)
        return candidate.fallbacks[index](value)
    return code(value)  # type: ignore[no-any-return]


def _encode_query(candidate: Candidate, extra: dict[str, t.Any]) -> str:
    """``candidate.encode_query(extra)``."""
    if candidate.stock_query:
        # PERF: werkzeug's iter_multi_items + urlencode(quote_plus) leave
        # these keys and values as they are (bench/bench_url_for.py).
        pairs = []
        for key, value in extra.items():
            if _QUERY_SAFE.match(key) is None:
                break
            cls = type(value)
            if cls is int:
                value = str(value)
            elif cls is not str or _QUERY_SAFE.match(value) is None:
                break
            pairs.append(key + "=" + value)
        else:
            return "&".join(pairs)
    return candidate.encode_query(extra)


def _suitable(candidate: Candidate, values: dict[str, t.Any], method: t.Any) -> bool:
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


def _build_one(candidate: Candidate, values: dict[str, t.Any]) -> str | None:
    """``Rule.build(values)``: the path, or None on ``ValidationError``."""
    consumed = candidate.consumed
    extra = None
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
        pieces = []
        names = candidate.names
        for part in candidate.parts:
            if isinstance(part, str):
                pieces.append(part)
            else:
                pieces.append(_to_url(candidate, part, values[names[part]]))
    except ValidationError:
        return None
    return "".join(pieces) + query


class Builder:
    """Builds URLs for the endpoints given as ``{endpoint: (Candidate, ...)}``
    (an endpoint mapped to ``None`` is left to werkzeug), for adapters of
    class ``adapter_class`` bound to ``url_map`` (a map without host
    matching: the candidates' domain part is empty)."""

    __slots__ = ("_endpoints", "_map", "_adapter_class")

    def __init__(
        self,
        endpoints: dict[t.Any, tuple[Candidate, ...] | None],
        url_map: t.Any,
        adapter_class: type,
    ) -> None:
        self._endpoints = dict(endpoints)
        self._map = url_map
        self._adapter_class: t.Any = adapter_class

    def build(
        self,
        adapter: t.Any,
        endpoint: t.Any,
        values: dict[str, t.Any],
        method: t.Any = None,
        url_scheme: t.Any = None,
        force_external: t.Any = False,
    ) -> str | None:
        """``adapter.build(endpoint, values, method=method,
        url_scheme=url_scheme, force_external=force_external)``, or None to
        ask werkzeug (see the module docstring)."""
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
            path = _first(candidates, values, adapter.default_method)
        if path is None:
            path = _first(candidates, values, method)
            if path is None:
                return None
        # MapAdapter.build's composition, for a rule whose domain part is "".
        script_name: str = adapter.script_name
        if not force_external and adapter.subdomain == "":
            return script_name.rstrip("/") + "/" + path.lstrip("/")
        if url_scheme is None:
            url_scheme = adapter.url_scheme
        if url_scheme:
            url_scheme = "https" if url_scheme in ("https", "wss") else "http"
            scheme = url_scheme + ":"
        else:
            scheme = ""
        return f"{scheme}//{adapter.server_name}{script_name[:-1]}/{path.lstrip('/')}"


def _first(
    candidates: tuple[Candidate, ...], values: dict[str, t.Any], method: t.Any
) -> str | None:
    for candidate in candidates:
        if _suitable(candidate, values, method):
            path = _build_one(candidate, values)
            if path is not None:
                return path
    return None
