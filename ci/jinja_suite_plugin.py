"""pytest plugin that runs Jinja's own test suite on flaskfast's environment.

Loaded with ``-p jinja_suite_plugin`` (``ci/`` on ``PYTHONPATH``) by
``ci/jinja_suite.py``. Importing it, before Jinja's ``conftest.py`` and test
modules are imported, replaces ``jinja2.Environment`` (and the same name in
``jinja2.environment``, and ``Template.environment_class``) with
:class:`SuiteEnvironment`, a subclass of :class:`flaskfast.templating.Environment`
bound to one flaskfast app and taking Jinja's constructor arguments. Jinja's
``SandboxedEnvironment`` and ``NativeEnvironment`` are defined when their
modules are first imported, which is after the replacement, so they derive from
it too.

The substitution is checked, not assumed: every construction of *any* Jinja
environment (the original class's ``__init__`` is wrapped) is counted by
whether it is a :class:`SuiteEnvironment`. The session fails when one is not,
or when fewer than ``MIN_CONSTRUCTIONS`` were made (a full run makes well over
a thousand). The counts are written to ``FLASKFAST_JINJA_SUITE_REPORT`` (JSON)
with the outcome of every test.
"""

from __future__ import annotations

import inspect
import json
import os
import sys
import typing as t

from importlib.metadata import version

import jinja2
import jinja2.environment

if t.TYPE_CHECKING:  # pragma: no cover
    import pytest

# Modules that define Environment subclasses at import: they must import the
# replacement, so they must not have been imported yet.
_LATE_MODULES = ("jinja2.sandbox", "jinja2.nativetypes")
_early = [name for name in _LATE_MODULES if name in sys.modules]
if _early:  # pragma: no cover - a guard on the plugin's own order
    raise RuntimeError(f"jinja_suite_plugin: imported too late, {_early} already loaded")

import flaskfast  # noqa: E402
import flaskfast._speedups  # noqa: E402
from flaskfast.templating import Environment as FlaskfastEnvironment  # noqa: E402

ORIGINAL = jinja2.environment.Environment
JINJA_VERSION = version("jinja2")
MIN_CONSTRUCTIONS = 500
_JINJA_PARAMETERS = [
    name for name in inspect.signature(ORIGINAL.__init__).parameters if name != "self"
]
# The environments belong to no app: an app holds unpicklable objects (its
# static view is a lambda, in Flask too), and Jinja's pickle test pickles an
# environment. The app is only used for the default loader, which Jinja's
# tests never get (``loader`` is always passed, see below).
_APP = None


class SuiteEnvironment(FlaskfastEnvironment):
    """flaskfast's environment with ``jinja2.Environment``'s signature.

    Positional arguments are Jinja's, in Jinja's order. Without a ``loader``
    argument there is no loader, as in Jinja (flaskfast's environment would
    otherwise default to the app's dispatching loader).
    """

    def __init__(self, *args: t.Any, **options: t.Any) -> None:
        if len(args) > len(_JINJA_PARAMETERS):
            raise TypeError(f"Environment() takes {len(_JINJA_PARAMETERS)} arguments")
        for name, value in zip(_JINJA_PARAMETERS, args):
            if name in options:
                raise TypeError(f"Environment() got multiple values for {name!r}")
            options[name] = value
        options.setdefault("loader", None)
        super().__init__(_APP, **options)


counts = {"substituted": 0, "original": 0}
_original_types: set[str] = set()
_original_init = ORIGINAL.__init__


def _counting_init(self: t.Any, *args: t.Any, **kwargs: t.Any) -> None:
    if isinstance(self, SuiteEnvironment):
        counts["substituted"] += 1
    else:
        counts["original"] += 1
        _original_types.add(f"{type(self).__module__}.{type(self).__qualname__}")
    _original_init(self, *args, **kwargs)


ORIGINAL.__init__ = _counting_init  # type: ignore[method-assign]
jinja2.Environment = SuiteEnvironment  # type: ignore[misc]
jinja2.environment.Environment = SuiteEnvironment  # type: ignore[misc]
jinja2.environment.Template.environment_class = SuiteEnvironment
# ``Template(source)`` reuses cached "spontaneous" environments by class.
jinja2.environment.get_spontaneous_environment.cache_clear()

from _outcomes import outcomes as _outcomes  # noqa: E402
from _outcomes import pytest_collectreport as pytest_collectreport  # noqa: E402
from _outcomes import pytest_runtest_logreport as pytest_runtest_logreport  # noqa: E402


def pytest_report_header(config: pytest.Config) -> str:
    return (
        f"jinja suite: jinja2 {JINJA_VERSION} ({jinja2.__file__}) with"
        f" jinja2.Environment -> {SuiteEnvironment.__module__}.SuiteEnvironment"
        f" (flaskfast.templating.Environment), implementation="
        f"{flaskfast._speedups.IMPLEMENTATION}"
    )


def substitution_problem() -> str | None:
    """Why the run did not test flaskfast's environment, or ``None``.

    The minimum count applies to full runs (``FLASKFAST_JINJA_SUITE_FULL=1``,
    set by ``ci/jinja_suite.py``); any environment that is not flaskfast's
    fails every run.
    """
    if counts["original"]:
        return (
            f"{counts['original']} environments were not flaskfast's:"
            f" {sorted(_original_types)}"
        )
    full = os.environ.get("FLASKFAST_JINJA_SUITE_FULL") == "1"
    if full and counts["substituted"] < MIN_CONSTRUCTIONS:
        return (
            f"only {counts['substituted']} flaskfast environments were constructed"
            f" (expected at least {MIN_CONSTRUCTIONS} in a full run)"
        )
    return None


def pytest_terminal_summary(terminalreporter: t.Any) -> None:
    terminalreporter.write_line(
        f"jinja suite: environments constructed: {counts['substituted']} flaskfast,"
        f" {counts['original']} other"
    )
    problem = substitution_problem()
    if problem is not None:
        terminalreporter.write_line(f"jinja suite: SUBSTITUTION FAILED: {problem}")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if substitution_problem() is not None:
        session.exitstatus = 3
    path = os.environ.get("FLASKFAST_JINJA_SUITE_REPORT")
    if not path:
        return
    data = {
        "implementation": flaskfast._speedups.IMPLEMENTATION,
        "jinja2": JINJA_VERSION,
        "constructions": dict(counts),
        "substitution_problem": substitution_problem(),
        "original_types": sorted(_original_types),
        "outcomes": _outcomes,
    }
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f)
