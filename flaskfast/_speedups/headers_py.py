"""Pure-Python kernel: the header list handed to ``start_response``.

The readable spec for ``headers_c.pyx``.  ``wsgi_header_list`` produces, in one
pass, exactly the list werkzeug's ``Response.get_wsgi_headers(environ)
.to_wsgi_list()`` would for the common case, or ``None`` when the response
needs werkzeug's general path (a ``Location`` or ``Content-Location`` header
to IRI-encode, a 304 whose entity headers must be dropped).

Rules applied:

* 1xx and 204 responses never carry ``Content-Length``.
* When no ``Content-Length`` is present, ``body_length`` is not ``None`` and
  the status allows a body, ``Content-Length: <body_length>`` is appended.
"""

from __future__ import annotations

import typing as t

_SLOW_PATH_HEADERS = frozenset(("location", "content-location"))


def wsgi_header_list(
    items: t.Iterable[tuple[str, str]], status_code: int, body_length: int | None
) -> list[tuple[str, str]] | None:
    if status_code == 304:
        return None
    no_body = status_code == 204 or 100 <= status_code < 200
    out: list[tuple[str, str]] = []
    has_length = False
    for item in items:
        lowered = item[0].lower()
        if lowered == "content-length":
            if no_body:
                continue
            has_length = True
        elif lowered in _SLOW_PATH_HEADERS:
            return None
        out.append(item)
    if not has_length and body_length is not None and not no_body:
        out.append(("Content-Length", str(body_length)))
    return out
