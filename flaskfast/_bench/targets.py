"""What ``flaskfast bench`` measures: the requests, from routes or ``--url``.

A :class:`Target` is one request (method, path with an optional query string,
headers, body). Without ``--url`` the targets are the application's GET routes
that need no URL argument (:func:`discover`); every other rule is listed as
:class:`Skipped`, with the reason. With ``--url`` they are parsed from the
command line: :func:`parse_url`, :func:`parse_header`, :func:`read_data`, and
:func:`group_request_options`, which tells which ``--url`` each ``--data`` and
``--header`` follows (click gives each option's values, not their order).

Every parser raises :class:`ValueError` with a message meant for the user; the
command turns it into a usage error.
"""

from __future__ import annotations

import collections.abc as cabc
import dataclasses
import re
import typing as t

if t.TYPE_CHECKING:  # pragma: no cover
    from werkzeug.routing import Map
    from werkzeug.routing import Rule

#: The syntax of ``--url``, as the help and the errors state it.
URL_SYNTAX = "'[METHOD] PATH', for example '/', '/search?q=x' or 'POST /api/items'"

_METHOD = re.compile(r"[A-Za-z]+\Z")
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+\Z")

#: The ``Content-Type`` of a ``--data`` body without one, as curl sends it.
DEFAULT_CONTENT_TYPE = "application/x-www-form-urlencoded"


@dataclasses.dataclass(frozen=True)
class Target:
    """One request to measure.

    ``path`` may carry a query string (``/search?q=x``); ``body`` is ``None``
    for a request without one.
    """

    method: str
    path: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes | None = None

    @property
    def label(self) -> str:
        """``"METHOD /path"``, as the table shows it."""
        return f"{self.method} {self.path}"

    def to_json(self) -> dict[str, t.Any]:
        """The form the worker reads (the body as a latin-1 string: bytes 1:1)."""
        return {
            "method": self.method,
            "path": self.path,
            "headers": [list(pair) for pair in self.headers],
            "body": None if self.body is None else self.body.decode("latin-1"),
        }


@dataclasses.dataclass(frozen=True)
class Skipped:
    """A URL rule that is not measured, and why."""

    rule: str
    endpoint: str
    methods: tuple[str, ...]
    reason: str

    def to_json(self) -> dict[str, t.Any]:
        """The entry of the report's ``skipped`` list."""
        return {
            "rule": self.rule,
            "endpoint": self.endpoint,
            "methods": list(self.methods),
            "reason": self.reason,
        }


def parse_url(spec: str) -> tuple[str, str]:
    """``"[METHOD] PATH"`` -> ``(METHOD, PATH)``; the method defaults to GET.

    >>> parse_url("post /api/items")
    ('POST', '/api/items')
    """
    parts = spec.split()
    if len(parts) == 1:
        method, path = "GET", parts[0]
    elif len(parts) == 2:
        method, path = parts
        if not _METHOD.match(method):
            raise ValueError(f"{spec!r}: {method!r} is not an HTTP method; use {URL_SYNTAX}.")
        method = method.upper()
    else:
        raise ValueError(f"{spec!r} is not a URL to measure; use {URL_SYNTAX}.")
    if "://" in path:
        raise ValueError(
            f"{spec!r}: give the path only, not a full URL; the request goes to"
            " the application directly (set the host with --header 'Host: ...')."
        )
    if not path.startswith("/"):
        raise ValueError(f"{spec!r}: the path must start with '/'; use {URL_SYNTAX}.")
    return method, path


def parse_header(text: str) -> tuple[str, str]:
    """``"Name: value"`` -> ``("Name", "value")``."""
    name, colon, value = text.partition(":")
    name = name.strip()
    if not colon or not _HEADER_NAME.match(name):
        raise ValueError(f"{text!r} is not a header; use 'Name: value'.")
    return name, value.strip()


def read_data(text: str) -> bytes:
    """A ``--data`` value as the body: the text itself (UTF-8), or, for
    ``@file``, the bytes of that file (as curl reads it)."""
    if not text.startswith("@"):
        return text.encode("utf-8")
    filename = text[1:]
    try:
        with open(filename, "rb") as f:
            return f.read()
    except OSError as e:
        raise ValueError(f"cannot read the body from {filename!r}: {e.strerror}.") from None


@dataclasses.dataclass
class RequestOptions:
    """``--url``, ``--data`` and ``--header`` values, grouped by position.

    ``common_headers`` came before the first ``--url`` and apply to every
    request; each entry of ``urls`` is ``(spec, data or None, headers)``.
    """

    common_headers: list[str] = dataclasses.field(default_factory=list)
    urls: list[tuple[str, str | None, list[str]]] = dataclasses.field(default_factory=list)


def group_request_options(
    args: cabc.Sequence[str],
    value_options: cabc.Mapping[str, str],
) -> RequestOptions:
    """Walk the command's arguments in order and group the request options.

    ``value_options`` maps every spelling of every option that takes a value
    (``--url``, ``-u``, ``--duration`` ...) to its parameter name; the ones
    named ``url``, ``data`` and ``header`` are collected, the others skipped
    with their value. ``--data`` and ``--header`` belong to the ``--url``
    before them; a ``--header`` before any ``--url`` applies to all requests.
    Raises :class:`ValueError` for a ``--data`` without its ``--url``, or two
    for one ``--url``.
    """
    grouped = RequestOptions()
    i = 0
    while i < len(args):
        token = args[i]
        i += 1
        if token == "--":
            break
        name: str | None = None
        value: str | None = None
        if token.startswith("--"):
            spelling, equals, attached = token.partition("=")
            if spelling in value_options:
                name = value_options[spelling]
                value = attached if equals else None
        elif token.startswith("-") and len(token) >= 2 and token[:2] in value_options:
            name = value_options[token[:2]]
            value = token[2:] or None
        if name is None:
            continue
        if value is None:
            if i >= len(args):
                break  # click reports the missing value
            value = args[i]
            i += 1
        if name == "url":
            grouped.urls.append((value, None, []))
        elif name == "header":
            if grouped.urls:
                grouped.urls[-1][2].append(value)
            else:
                grouped.common_headers.append(value)
        elif name == "data":
            if not grouped.urls:
                raise ValueError(
                    "--data must follow the --url it is the body of"
                    " (for example --url 'POST /items' --data 'a=1')."
                )
            spec, data, headers = grouped.urls[-1]
            if data is not None:
                raise ValueError(f"--url {spec!r} has two --data values; give one.")
            grouped.urls[-1] = (spec, value, headers)
    return grouped


def targets_from_options(options: RequestOptions) -> list[Target]:
    """The :class:`Target` of each ``--url``, with its body and headers
    (``Content-Type`` defaults to :data:`DEFAULT_CONTENT_TYPE` with a body)."""
    common = [parse_header(text) for text in options.common_headers]
    targets = []
    for spec, data, header_texts in options.urls:
        method, path = parse_url(spec)
        headers = common + [parse_header(text) for text in header_texts]
        body = None if data is None else read_data(data)
        if body is not None and not any(n.lower() == "content-type" for n, _ in headers):
            headers.append(("Content-Type", DEFAULT_CONTENT_TYPE))
        targets.append(Target(method, path, tuple(headers), body))
    return targets


def _skip_reason(rule: Rule) -> str | None:
    methods = (rule.methods or set()) - {"HEAD", "OPTIONS"}
    if rule.endpoint == "static" or rule.endpoint.endswith(".static"):
        return "static files"
    if not methods:
        return "HEAD/OPTIONS only"
    if "GET" not in methods:
        return f"no GET ({', '.join(sorted(methods))}); give it with --url"
    required = sorted(rule.arguments - set(rule.defaults or ()))
    if required:
        return f"required URL arguments ({', '.join(required)}); give a URL with --url"
    if rule.host or rule.subdomain:
        return "host or subdomain rule; give it with --url and --header 'Host: ...'"
    return None


def discover(
    url_map: Map, headers: cabc.Sequence[tuple[str, str]] = ()
) -> tuple[list[Target], list[Skipped]]:
    """The GET requests for the rules of ``url_map`` that need no URL
    argument (in registration order, one per path), and every other rule with
    the reason it is left out. ``headers`` go on every request."""
    targets: list[Target] = []
    skipped: list[Skipped] = []
    seen: set[str] = set()
    for rule in url_map.iter_rules():
        methods = tuple(sorted(rule.methods or ()))
        reason = _skip_reason(rule)
        built = None if reason else rule.build(dict(rule.defaults or {}), append_unknown=False)
        if built is None:
            reason = reason or "its URL cannot be built from its defaults"
            skipped.append(Skipped(rule.rule, rule.endpoint, methods, reason))
            continue
        path = built[1]
        if path not in seen:
            seen.add(path)
            targets.append(Target("GET", path, tuple(headers)))
    return targets, skipped
