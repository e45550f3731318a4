"""Signatures of the compiled ``builder`` kernel (same as ``builder_py``)."""

from __future__ import annotations

import typing as t

from .builder_py import STOCK_INT as STOCK_INT
from .builder_py import STOCK_QUOTE as STOCK_QUOTE
from .builder_py import Candidate as Candidate

__all__ = ["Builder", "Candidate", "STOCK_QUOTE", "STOCK_INT"]

class Builder:
    def __init__(
        self,
        endpoints: dict[t.Any, tuple[Candidate, ...] | None],
        url_map: t.Any,
        adapter_class: type,
    ) -> None: ...
    def build(
        self,
        adapter: t.Any,
        endpoint: t.Any,
        values: dict[str, t.Any],
        method: t.Any = None,
        url_scheme: t.Any = None,
        force_external: t.Any = False,
    ) -> str | None: ...
