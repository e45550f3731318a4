"""flaskfast's environment switches, read the same way at build and at run time.

One parser for every ``FLASKFAST_*`` on/off variable, used by ``setup.py``
(loaded by file path, so building never imports flaskfast), by
``flaskfast._speedups`` (which implementation runs) and by the
``FLASKFAST_AS_FLASK`` start-up hook (``_flaskfast_as_flask``). It is a
top-level module, beside that hook, so that reading a flag imports nothing of
flaskfast and nothing heavier than :mod:`os`.

A variable is **off** when it is unset or, ignoring case and surrounding
spaces, one of ``""``, ``"0"``, ``"false"``, ``"no"``, ``"off"``; any other
value turns it **on**. ``FLASKFAST_NO_EXTENSIONS=false`` therefore builds and
uses the compiled kernels, at build time and at run time alike.

The variables:

``FLASKFAST_NO_EXTENSIONS``
    Build time: build no extension (a pure ``py3-none-any`` wheel). Run time:
    use the pure-Python twins even when compiled kernels are installed.
``FLASKFAST_REQUIRE_EXTENSIONS``
    Build time only: a kernel that does not compile fails the build instead
    of falling back to pure Python (release builds). ``CIBUILDWHEEL=1``, set
    by cibuildwheel, means the same.
``FLASKFAST_DEBUG_BUILD``
    Build time only: ``-O0 -g`` and Cython line tracing.
``FLASKFAST_AS_FLASK``
    Run time: every ``import flask`` in the process gets flaskfast.
"""

from __future__ import annotations

import os

# PERF: no `typing` import: the FLASKFAST_AS_FLASK hook imports this module in
# every Python process at start-up (see _flaskfast_as_flask).
TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    import typing as t

NO_EXTENSIONS = "FLASKFAST_NO_EXTENSIONS"
REQUIRE_EXTENSIONS = "FLASKFAST_REQUIRE_EXTENSIONS"
DEBUG_BUILD = "FLASKFAST_DEBUG_BUILD"
AS_FLASK = "FLASKFAST_AS_FLASK"
#: Set to ``1`` by cibuildwheel in its builds: they must have the kernels.
CIBUILDWHEEL = "CIBUILDWHEEL"

#: The values (after ``strip().lower()``) that leave a flag off.
FALSE_VALUES = frozenset(("", "0", "false", "no", "off"))


def parse(value: str | None) -> bool:
    """Whether a flag's raw value turns it on (``None`` is unset: off)."""
    return value is not None and value.strip().lower() not in FALSE_VALUES


def flag(name: str, environ: t.Mapping[str, str] | None = None) -> bool:
    """Whether the variable ``name`` is on in ``environ`` (default :data:`os.environ`)."""
    return parse((os.environ if environ is None else environ).get(name))


def extensions_required(environ: t.Mapping[str, str] | None = None) -> bool:
    """Whether a build must compile every kernel: ``FLASKFAST_REQUIRE_EXTENSIONS``
    or a cibuildwheel build."""
    return flag(REQUIRE_EXTENSIONS, environ) or flag(CIBUILDWHEEL, environ)
