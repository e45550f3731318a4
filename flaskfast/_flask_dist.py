"""Installed-package metadata for ``flask`` when flaskfast stands in for it.

After :func:`flaskfast.install_as_flask`, ``importlib.metadata.version("flask")``
answers ``"3.1.3"`` (the Flask API flaskfast implements) when no real Flask
distribution is installed, so code that checks the Flask version, or requires
Flask to be installed, works on flaskfast alone. An installed Flask
distribution is always reported as itself, and never doubled.
"""

from __future__ import annotations

import os
import sys
import typing as t

if t.TYPE_CHECKING:  # pragma: no cover
    import importlib.metadata

#: The Flask release whose API and behaviour flaskfast implements: what
#: ``flask.__version__``, ``flaskfast --version`` and, without a real Flask
#: installed, ``importlib.metadata.version("flask")`` answer.
FLASK_API_VERSION = "3.1.3"

_NAMES = ("flask",)


def _metadata_text() -> str:
    return (
        "Metadata-Version: 2.1\n"
        "Name: Flask\n"
        f"Version: {FLASK_API_VERSION}\n"
        "Summary: The Flask API, provided by flaskfast (install_as_flask)\n"
        "Requires-Python: >=3.9\n"
    )


def _normalized(name: str) -> str:
    return name.replace("-", "_").replace(".", "_").lower()


class _FlaskDistributionFinder:
    """A meta path entry that finds no modules, only the ``flask`` distribution.

    ``importlib.metadata`` (and the ``importlib_metadata`` backport) ask every
    :data:`sys.meta_path` entry's ``find_distributions``; this one answers after
    the real finders, and only when they found no Flask.
    """

    def find_spec(self, *args: t.Any, **kwargs: t.Any) -> None:
        return None

    def find_distributions(
        self, context: t.Any = None
    ) -> t.Iterator[importlib.metadata.Distribution]:
        name = getattr(context, "name", None)
        if name is None or _normalized(name) not in _NAMES:
            return
        if self._real_flask_installed(context):
            return
        yield _make_distribution()

    def _real_flask_installed(self, context: t.Any) -> bool:
        import importlib.metadata

        query = importlib.metadata.DistributionFinder.Context(
            name="flask", path=getattr(context, "path", None) or sys.path
        )
        for finder in sys.meta_path:
            find = getattr(finder, "find_distributions", None)
            if finder is self or find is None:
                continue
            for _dist in find(query):
                return True
        return False


def _make_distribution() -> importlib.metadata.Distribution:
    import importlib.metadata
    import pathlib

    class FlaskDistribution(importlib.metadata.Distribution):
        """Flask 3.1.3's metadata, for a process where flaskfast is ``flask``."""

        # Python 3.9's Distribution has neither; importlib_metadata reads both.
        name = "Flask"
        _normalized_name = "flask"

        def read_text(self, filename: str) -> str | None:
            if filename in ("METADATA", "PKG-INFO"):
                return _metadata_text()
            return None

        def locate_file(self, path: str | os.PathLike[str]) -> pathlib.Path:
            return pathlib.Path(os.path.dirname(os.path.dirname(__file__)), path)

    return FlaskDistribution()


_finder = _FlaskDistributionFinder()


def install() -> None:
    """Add the finder at the end of :data:`sys.meta_path` (once)."""
    if _finder not in sys.meta_path:
        sys.meta_path.append(_finder)
