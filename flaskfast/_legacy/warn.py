"""How the compatibility layer tells users what to write instead.

Every shim of :mod:`flaskfast._legacy` reports through :func:`deprecated`
(a :class:`DeprecationWarning` naming the Flask 3.1 replacement); a limit
either warns through :func:`ignored` (the old spelling is accepted but has no
effect) or raises the :class:`LegacyAPIError` made by :func:`unsupported`;
both messages say what to write instead.
"""

from __future__ import annotations

import sys
import types
import warnings


class LegacyAPIError(RuntimeError):
    """Raised where the older Flask API cannot be offered faithfully on
    Flask 3.1 semantics; the message says what to write instead."""


def deprecated(old: str, instead: str, stacklevel: int = 2) -> None:
    """Warn that ``old`` is the older Flask API and ``instead`` is the
    Flask 3.1 way.  ``stacklevel`` counts from the caller of this function,
    as for :func:`warnings.warn` called there."""
    warnings.warn(
        f"{old} is the older Flask API (kept by flaskfast's compatibility"
        f" layer); Flask 3.1 replacement: {instead}.",
        DeprecationWarning,
        stacklevel=stacklevel + 1,
    )


def ignored(old: str, instead: str, stacklevel: int = 2) -> None:
    """Warn that ``old`` has no effect on Flask 3.1 (a documented limit of
    the compatibility layer) and what to do instead."""
    warnings.warn(
        f"{old} has no effect since Flask 3.1 changed this behaviour, and"
        f" flaskfast does not restore it; {instead}.",
        DeprecationWarning,
        stacklevel=stacklevel + 1,
    )


def unsupported(old: str, instead: str) -> LegacyAPIError:
    """The error to raise for a limit of the compatibility layer."""
    return LegacyAPIError(
        f"{old} cannot be offered on Flask 3.1 semantics; {instead}."
    )


def probing_from_import(depth: int) -> bool:
    """Whether the module ``__getattr__`` that is ``depth`` frames above the
    caller was called by the import system's ``from package import name``
    probe (a ``hasattr`` made before the real lookup), so that one
    ``from flask import X`` warns once, not twice."""
    caller = sys._getframe(depth + 1)
    return caller.f_code.co_name == "_handle_fromlist"


# Modules that run an import on behalf of the code that wrote the import
# statement: the import system, flaskfast's ``flask`` alias finder, the
# ``FLASKFAST_AS_FLASK`` hook and the ``flask.ext`` finder.
_IMPORT_MACHINERY = ("importlib", "flaskfast._install", "_flaskfast_as_flask", "flaskfast._legacy.ext")


def _skipped_by_warnings(frame: types.FrameType) -> bool:
    # The frames warnings.warn() skips without counting them in stacklevel.
    filename = frame.f_code.co_filename
    return "importlib" in filename and "_bootstrap" in filename


def import_stacklevel() -> int:
    """The ``stacklevel`` for :func:`deprecated` called by an import hook
    (a finder or loader) that makes the warning point at the import
    statement, however many finders the import went through (``import
    flask.ext.foo`` passes the ``flask`` alias finder first)."""
    frame = sys._getframe(1)
    level = 1
    while frame.f_back is not None and str(frame.f_globals.get("__name__")).startswith(
        _IMPORT_MACHINERY
    ):
        frame = frame.f_back
        if not _skipped_by_warnings(frame):
            level += 1
    return level
