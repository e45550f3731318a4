"""Helpers for tests that call an app as a WSGI server would."""

from __future__ import annotations

import logging
import typing as t


def serve(app: t.Any, environ: dict[str, t.Any]) -> tuple[str, list[tuple[str, str]], bytes]:
    """Call ``app`` with ``environ`` as a server does: the status line and
    headers of the last ``start_response`` call, and the whole body (the
    iterable is closed afterwards, as PEP 3333 asks)."""
    seen: list[t.Any] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: t.Any = None) -> None:
        seen.append((status, headers))

    iterable = app(environ, start_response)
    try:
        body = b"".join(iterable)
    finally:
        iterable.close()
    return seen[-1][0], seen[-1][1], body


class Records(logging.Handler):
    """A logging handler that keeps every record it is given."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
