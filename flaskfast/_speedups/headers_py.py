"""Pure-Python kernel: the header list handed to ``start_response``.

The readable spec for ``headers_c.pyx``.  ``wsgi_header_list`` builds and
validates, in one pass, exactly the list werkzeug's
``Response.get_wsgi_headers(environ).to_wsgi_list()`` would produce, or
returns ``None`` when the caller must take werkzeug's general path.

Rules applied while building:

* 1xx and 204 responses never carry ``Content-Length``.
* When no ``Content-Length`` is present, ``body_length`` is not ``None`` and
  the status allows a body, ``Content-Length: <body_length>`` is appended.
* With ``rewrite_locations``, ``Location`` and ``Content-Location`` are
  IRI-encoded (``werkzeug.urls.iri_to_uri``) as werkzeug does for a response
  whose ``autocorrect_location_header`` is false: the last value of each wins
  and takes the place of the first one, under the canonical name.

``None`` means: a 304 (entity headers to drop), a location header without
``rewrite_locations``, an item that is not a ``(str, str)`` pair, or a header
that cannot be sent.  A header can be sent when its name is an RFC 7230 token
and its value is latin-1 text without control characters (tab allowed;
bytes 0x80-0xFF are RFC 7230 ``obs-text`` and allowed).

``check_header_list`` and ``check_status`` apply the same rules to a finished
header list and status line, raising :class:`InvalidHeaderError` naming the
first offender.
"""

from __future__ import annotations

import re
import typing as t

from werkzeug.urls import iri_to_uri

class InvalidHeaderError(ValueError):
    """A response header (or the status line) that must not be sent.

    The message names the header and says what is wrong; ``name`` is the
    header's name, or ``None`` for the status line.
    """

    def __init__(self, message: str, name: object = None) -> None:
        super().__init__(message)
        self.name = name


_TOKEN_CHARS = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_TOKEN = re.compile(f"[{re.escape(_TOKEN_CHARS)}]+")
# Anything but tab, printable ASCII and 0x80-0xFF.
_BAD_VALUE_CHAR = re.compile(r"[^\t\x20-\x7e\x80-\xff]")

# What a (valid) header name means while building the list.
_KEEP = 0
_LENGTH = 1
_LOCATION = 2
_CONTENT_LOCATION = 3
_SPECIAL = {"content-length": _LENGTH, "location": _LOCATION, "content-location": _CONTENT_LOCATION}

# PERF: the meaning of each header name seen, so a name is validated and
# lowered once, not on every response (bench: every scenario, pure mode).
# Bounded: cleared when full, as names come from code, not from clients.
_CACHE_LIMIT = 512
_name_kinds: dict[str, int] = {}
# PERF: iri_to_uri results by location value (bench: redirect).
_uris: dict[str, str] = {}
# PERF: status lines already found valid: every response's line is checked
# (bench: every scenario, pure mode).
_good_status: set[str] = set()


def _name_kind(name: object) -> int:
    """The name's meaning, or -1 when it is not a valid header name."""
    if type(name) is str:
        kind = _name_kinds.get(name)
        if kind is not None:
            return kind
    if not isinstance(name, str) or _TOKEN.fullmatch(name) is None:
        return -1
    kind = _SPECIAL.get(str.lower(name), _KEEP)
    if type(name) is str:
        if len(_name_kinds) >= _CACHE_LIMIT:
            _name_kinds.clear()
        _name_kinds[name] = kind
    return kind


def _value_ok(value: object) -> bool:
    if not isinstance(value, str):
        return False
    # PERF: printable ASCII, the usual case, in two C-level scans.
    if str.isascii(value) and str.isprintable(value):
        return True
    return _BAD_VALUE_CHAR.search(value) is None


def _to_uri(value: str) -> str | None:
    """``iri_to_uri(value)``, cached, or ``None`` if it raises."""
    uri = _uris.get(value)
    if uri is None:
        try:
            uri = iri_to_uri(value)
        except Exception:  # noqa: BLE001 - werkzeug's path raises it again
            return None
        if len(_uris) >= _CACHE_LIMIT:
            _uris.clear()
        _uris[value] = uri
    return uri


def wsgi_header_list(
    items: t.Iterable[tuple[str, str]],
    status_code: int,
    body_length: int | None,
    rewrite_locations: bool = False,
) -> list[tuple[str, str]] | None:
    """``items`` as a validated WSGI header list, fixed up for
    ``status_code`` and ``body_length``, or ``None`` for werkzeug's path."""
    if status_code == 304:
        return None
    no_body = status_code == 204 or 100 <= status_code < 200
    out: list[tuple[str, str]] = []
    has_length = False
    location: str | None = None
    location_at = -1
    content_location: str | None = None
    content_location_at = -1
    for item in items:
        if type(item) is not tuple or len(item) != 2:
            return None
        name, value = item
        kind = _name_kind(name)
        if kind == _KEEP:
            if not _value_ok(value):
                return None
        elif kind == _LENGTH:
            if not _value_ok(value):
                return None
            if no_body:
                continue
            has_length = True
        elif kind < 0 or not rewrite_locations:
            return None
        else:
            # werkzeug copies the headers first, which rejects newlines.
            if type(value) is not str or "\r" in value or "\n" in value:
                return None
            if kind == _LOCATION:
                location = value
                if location_at < 0:
                    location_at = len(out)
                    out.append(item)
            else:
                content_location = value
                if content_location_at < 0:
                    content_location_at = len(out)
                    out.append(item)
            continue
        out.append(item)
    if location is not None:
        uri = _to_uri(location)
        if uri is None or not _value_ok(uri):
            return None
        out[location_at] = ("Location", uri)
    if content_location is not None:
        uri = _to_uri(content_location)
        if uri is None or not _value_ok(uri):
            return None
        out[content_location_at] = ("Content-Location", uri)
    if not has_length and body_length is not None and not no_body:
        out.append(("Content-Length", str(body_length)))
    return out


def _describe_value(value: object, what: str) -> str:
    """Why ``value`` (which failed ``_value_ok``) cannot be sent."""
    if not isinstance(value, str):
        return f"{what} must be a string, not {type(value).__name__}"
    match = _BAD_VALUE_CHAR.search(value)
    if match is None:  # a str subclass changing the checks: say so
        return f"{what} is a string subclass that cannot be validated"
    char = match.group()
    code = ord(char)
    if code > 0xFF:
        return (
            f"{what} contains {char!r} (U+{code:04X}) at position"
            f" {match.start()}, which is not latin-1; encode it first"
            " (percent-encoding, or RFC 8187 for parameters)"
        )
    return (
        f"{what} contains the control character U+{code:04X} at position"
        f" {match.start()}; only tab and printable latin-1 characters may be sent"
    )


def _describe_name(name: object) -> str:
    """Why ``name`` cannot be sent as a header name."""
    if not isinstance(name, str):
        return f"the name must be a string, not {type(name).__name__}"
    for index, char in enumerate(name):
        if char not in _TOKEN_CHARS:
            return (
                f"the name contains {char!r} (U+{ord(char):04X}) at position"
                f" {index}; names must be RFC 7230 tokens (letters, digits"
                f" and {_TOKEN_CHARS[:15]})"
            )
    return "the name is empty; names must be RFC 7230 tokens"


def check_header_list(items: t.Iterable[tuple[str, str]]) -> None:
    """Raise :class:`InvalidHeaderError` for the first header of ``items``
    that cannot be sent."""
    for item in items:
        if type(item) is not tuple or len(item) != 2:
            raise InvalidHeaderError(
                f"Invalid response header entry {item!r}: each header must be"
                " a (name, value) tuple"
            )
        name, value = item
        if _name_kind(name) < 0:
            raise InvalidHeaderError(
                f"Invalid response header name {name!r}: {_describe_name(name)}",
                name,
            )
        if not _value_ok(value):
            raise InvalidHeaderError(
                f"Invalid value for response header {name!r}:"
                f" {_describe_value(value, 'the value')}",
                name,
            )


def check_status(status: str) -> None:
    """Raise :class:`InvalidHeaderError` if the status line ``status``
    cannot be sent (same rule as header values)."""
    if type(status) is str and status in _good_status:
        return
    if not _value_ok(status):
        raise InvalidHeaderError(
            f"Invalid response status line {status!r}:"
            f" {_describe_value(status, 'it')}"
        )
    if type(status) is str:
        if len(_good_status) >= _CACHE_LIMIT:
            _good_status.clear()
        _good_status.add(status)


def environ_header_values(environ: t.Mapping[t.Any, t.Any], name: str) -> list[t.Any]:
    """The values of request header ``name`` in ``environ``, in environ order.

    ``name`` is lower-case with no ``-`` or ``_`` (for example
    ``"cookie"``) and is not ``content-type`` or ``content-length``; for such
    a name this is ``EnvironHeaders(environ).getlist(name)``: the values of
    the keys ``HTTP_<X>`` with ``X.lower() == name``.
    """
    size = len(name) + 5
    return [
        v
        for k, v in environ.items()
        if len(k) == size and k[5:].lower() == name and k.startswith("HTTP_")
    ]
