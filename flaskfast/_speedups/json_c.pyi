"""Signatures of the compiled ``json`` kernel (same as ``json_py``)."""

from __future__ import annotations

import typing as t

__all__ = ["encode"]

def encode(
    obj: t.Any, ensure_ascii: bool, sort_keys: bool, fallback: t.Callable[[t.Any], str], /
) -> str: ...
