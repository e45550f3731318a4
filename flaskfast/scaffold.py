"""``flask.scaffold`` (moved to ``flask.sansio.scaffold`` in Flask 3.0):
every name is looked up there, with a DeprecationWarning."""

from __future__ import annotations

import typing as t


def __getattr__(name: str) -> t.Any:
    if name.startswith("__"):
        # Dunder probes (``__path__`` by the import system, while the
        # module's ``__spec__`` may be a ``flask.scaffold`` alias's) never
        # name the older API, and must not import anything.
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from ._legacy.warn import deprecated
    from ._legacy.warn import probing_from_import
    from .sansio import scaffold

    value = getattr(scaffold, name)
    if not probing_from_import(1):
        deprecated(f"flask.scaffold.{name}", f"flask.sansio.scaffold.{name}")
    return value
