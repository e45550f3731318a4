"""pytest plugin that runs Flask's own test suite against flaskfast.

Loaded with ``-p conformance_plugin`` (``ci/`` on ``PYTHONPATH``). Importing it
installs flaskfast as ``flask`` before Flask's ``conftest.py`` is imported,
unless ``FLASKFAST_CONFORMANCE_TARGET=flask`` asks for the real Flask (the
reference run of ``ci/conformance.py --mode flask``).
When ``FLASKFAST_CONFORMANCE_REPORT`` names a file, the outcome of every test
is written there as JSON: ``{"implementation": ..., "outcomes": {nodeid: outcome}}``
with outcome one of passed, failed, error, skipped, xfailed, xpassed.
"""

from __future__ import annotations

import json
import os
import typing as t

if t.TYPE_CHECKING:  # pragma: no cover
    import pytest

REAL_FLASK = os.environ.get("FLASKFAST_CONFORMANCE_TARGET") == "flask"

if REAL_FLASK:
    import flask

    _target = f"real flask ({flask.__file__})"
    _implementation = "flask"
else:
    import flaskfast

    flaskfast.install_as_flask()

    import flaskfast._speedups

    _implementation = flaskfast._speedups.IMPLEMENTATION
    _target = (
        f"flask -> flaskfast ({flaskfast.__file__}), implementation={_implementation}"
    )

from _outcomes import outcomes as _outcomes  # noqa: E402
from _outcomes import pytest_collectreport as pytest_collectreport  # noqa: E402
from _outcomes import pytest_runtest_logreport as pytest_runtest_logreport  # noqa: E402


def pytest_report_header(config: pytest.Config) -> str:
    return f"conformance: {_target}"


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    path = os.environ.get("FLASKFAST_CONFORMANCE_REPORT")
    if not path:
        return
    data = {
        "implementation": _implementation,
        "exitstatus": int(exitstatus),
        "outcomes": _outcomes,
    }
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1, sort_keys=True)
