"""``flask.scaffold`` (moved to ``flask.sansio.scaffold`` in Flask 3.0):
every name is looked up there, with a DeprecationWarning."""

from __future__ import annotations

import typing as t


def __getattr__(name: str) -> t.Any:
    from ._legacy.warn import deprecated
    from ._legacy.warn import probing_from_import
    from .sansio import scaffold

    value = getattr(scaffold, name)
    if not name.startswith("__") and not probing_from_import(1):
        deprecated(f"flask.scaffold.{name}", f"flask.sansio.scaffold.{name}")
    return value
