"""Signatures of the compiled ``router`` kernel (same as ``router_py``)."""

from __future__ import annotations

import typing as t

from .router_py import Converter as Converter
from .router_py import Route as Route
from .router_py import Segment as Segment
from .router_py import Veto as Veto

__all__ = ["Route", "Router", "Segment", "plain_binding"]

KIND_REGEX: int
KIND_NONEMPTY: int
KIND_DECIMAL: int
KIND_PATH: int

class Router:
    merge_slashes: t.Any
    def __init__(self, routes: t.Iterable[Route], merge_slashes: bool = True) -> None: ...
    def match(self, path_info: str, method: str) -> tuple[t.Any, dict[str, t.Any]] | None: ...

def plain_binding(host: t.Any, server_name: t.Any, scheme: t.Any) -> bool: ...
