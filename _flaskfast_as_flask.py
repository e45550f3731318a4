"""``FLASKFAST_AS_FLASK=1``: every ``import flask`` in the process gets flaskfast.

flaskfast's wheel (and its editable install) puts ``flaskfast_as_flask.pth`` in
site-packages. Python runs its one line at start-up::

    import os; os.environ.get("FLASKFAST_AS_FLASK") and __import__("_flaskfast_as_flask").activate()

so without the variable the cost is one dictionary lookup, and this module is
not even imported. With it, :func:`activate` puts a finder first on
:data:`sys.meta_path`; nothing of flaskfast is imported until the process first
imports ``flask`` (or ``flask.<x>``), when the finder calls
:func:`flaskfast.install_as_flask` and hands over flaskfast's ``flask``.

This is a top-level module, not part of the ``flaskfast`` package, so that
activating it does not import flaskfast. The variable is read by
:mod:`_flaskfast_flags`, like every flaskfast switch: values ``""``, ``0``,
``false``, ``no`` and ``off`` (any case) leave ``import flask`` alone.
"""

from __future__ import annotations

import sys

import _flaskfast_flags

# PERF: not `typing.TYPE_CHECKING`: with FLASKFAST_AS_FLASK set, this module is
# imported by every Python process at start-up, and typing costs ~5 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    import importlib.machinery
    import types
    import typing as t

ENV_VAR = _flaskfast_flags.AS_FLASK


def enabled() -> bool:
    """Whether ``FLASKFAST_AS_FLASK`` asks for flaskfast."""
    return _flaskfast_flags.flag(ENV_VAR)


class AsFlaskFinder:
    """Meta path finder that installs flaskfast as ``flask`` on first use."""

    def find_spec(
        self,
        fullname: str,
        path: t.Sequence[str] | None = None,
        target: types.ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != "flask" and not fullname.startswith("flask."):
            return None
        # One use: from now on flaskfast's own alias finder and sys.modules
        # answer every flask name.
        if self in sys.meta_path:
            sys.meta_path.remove(self)
        import flaskfast

        flaskfast.install_as_flask()
        if fullname == "flask":
            return sys.modules["flask"].__spec__
        from flaskfast import _install

        return _install._finder.find_spec(fullname, path, target)


_finder = AsFlaskFinder()


def activate() -> None:
    """Make the next ``import flask`` install flaskfast, when the variable says so."""
    if enabled() and _finder not in sys.meta_path:
        sys.meta_path.insert(0, _finder)
