"""Signatures of the compiled ``headers`` kernel (same as ``headers_py``)."""

from __future__ import annotations

import typing as t

from .headers_py import InvalidHeaderError as InvalidHeaderError

def wsgi_header_list(
    items: t.Iterable[tuple[str, str]],
    status_code: int,
    body_length: int | None,
    rewrite_locations: bool = False,
) -> list[tuple[str, str]] | None: ...
def check_header_list(items: t.Iterable[tuple[str, str]]) -> None: ...
def check_status(status: str) -> None: ...
def environ_header_values(environ: t.Mapping[t.Any, t.Any], name: str) -> list[t.Any]: ...
