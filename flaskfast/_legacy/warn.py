"""How the compatibility layer tells users what to write instead.

Every shim of :mod:`flaskfast._legacy` reports through :func:`deprecated`
(a :class:`DeprecationWarning` naming the Flask 3.1 replacement); a limit
either warns through :func:`ignored` (the old spelling is accepted but has no
effect) or raises the :class:`LegacyAPIError` made by :func:`unsupported`;
both messages say what to write instead.  Warnings point at the user's code
that used the old API (see :func:`warn`).
"""

from __future__ import annotations

import os
import sys
import types
import warnings


class LegacyAPIError(RuntimeError):
    """Raised where the older Flask API cannot be offered faithfully on
    Flask 3.1 semantics; the message says what to write instead."""


def warn(message: str) -> None:
    """Issue ``message`` as a :class:`DeprecationWarning` attributed to the
    code that used the older API: the first caller outside flaskfast, the
    libraries it runs on and the import system.  The frames in between
    (proxies such as ``request``, the config loaders, setup-method wrappers,
    the lazy seam of this package, the pure-Python pipeline, Werkzeug's
    ``cached_property`` and test client, click) vary with the path taken,
    so the location is found rather than counted."""
    frame = sys._getframe(0)
    level = 1  # this frame: warnings.warn counts from here
    while frame.f_back is not None and _ours(frame):
        frame = frame.f_back
        if not _skipped_by_warnings(frame):
            level += 1
    warnings.warn(message, DeprecationWarning, stacklevel=level)


def deprecated(old: str, instead: str) -> None:
    """Warn that ``old`` is the older Flask API and ``instead`` is the
    Flask 3.1 way (see :func:`warn` for where the warning points)."""
    warn(
        f"{old} is the older Flask API (kept by flaskfast's compatibility"
        f" layer); Flask 3.1 replacement: {instead}."
    )


def ignored(old: str, instead: str) -> None:
    """Warn that ``old`` has no effect on Flask 3.1 (a documented limit of
    the compatibility layer) and what to do instead."""
    warn(
        f"{old} has no effect since Flask 3.1 changed this behaviour, and"
        f" flaskfast does not restore it; {instead}."
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


#: flaskfast's folder (found by file, since ``install_as_flask()`` renames
#: the modules ``flask.*``).
_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
#: Top-level modules that run code on behalf of the caller: the libraries
#: flaskfast runs on, the import system (``from flask.ext import foo``
#: passes through it) and the ``FLASKFAST_AS_FLASK`` hook.
_INTERMEDIARIES = frozenset({"werkzeug", "click", "importlib", "_flaskfast_as_flask"})


def _ours(frame: types.FrameType) -> bool:
    if frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        return True
    module = str(frame.f_globals.get("__name__", ""))
    return module.partition(".")[0] in _INTERMEDIARIES


def _skipped_by_warnings(frame: types.FrameType) -> bool:
    # The frames warnings.warn() skips without counting them in stacklevel.
    filename = frame.f_code.co_filename
    return "importlib" in filename and "_bootstrap" in filename
