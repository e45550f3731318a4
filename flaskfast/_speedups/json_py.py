"""JSON encoding kernel, pure-Python twin (the spec for ``json_c``).

:func:`encode` returns ``fallback(obj)``, where ``fallback`` is the caller's
compact encoder for the same settings: a callable giving exactly
``json.dumps(obj, ensure_ascii=ensure_ascii, sort_keys=sort_keys,
separators=(",", ":"), default=...)`` (the ``default`` is the caller's).
The compiled twin returns the same string, raising what ``fallback`` raises;
it encodes plain data (exact ``dict`` with ``str`` keys, ``list``,
``tuple``, ``str``, ``int``, ``float``, ``bool`` and ``None``) itself and
hands everything else to ``fallback``. Here the standard library's own
encoder, behind ``fallback``, is the implementation.
"""

from __future__ import annotations

import typing as t

__all__ = ["encode"]


def encode(
    obj: t.Any, ensure_ascii: bool, sort_keys: bool, fallback: t.Callable[[t.Any], str]
) -> str:
    """``fallback(obj)``: the compact JSON text of ``obj``."""
    return fallback(obj)
