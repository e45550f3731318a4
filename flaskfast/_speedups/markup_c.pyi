"""Signatures of the compiled ``markup`` kernel (same as ``markup_py``)."""

from __future__ import annotations

import typing as t

from markupsafe import Markup

__all__ = ["escape"]

def escape(s: t.Any, /) -> Markup: ...
