"""Signatures of the compiled ``headers`` kernel (same as ``headers_py``)."""

from __future__ import annotations

import typing as t

def wsgi_header_list(
    items: t.Iterable[tuple[str, str]], status_code: int, body_length: int | None
) -> list[tuple[str, str]] | None: ...
