"""Signatures of the compiled ``response`` kernel (same as ``response_py``)."""

from __future__ import annotations

import typing as t

from werkzeug.exceptions import HTTPException

def plain_response(cls: type, body: str | bytes | bytearray) -> t.Any: ...
def error_response(cls: type, e: HTTPException) -> t.Any: ...
def make_response(app: t.Any, rv: t.Any) -> t.Any: ...
