"""The outcome of every test of a suite run under a CI pytest plugin.

Shared by ``conformance_plugin`` (Flask's suite) and ``jinja_suite_plugin``
(Jinja's suite): each imports :func:`pytest_runtest_logreport` and
:func:`pytest_collectreport`, which fill :data:`outcomes`, and writes it to its
report file when the session finishes. The drivers use :func:`is_subset` to
tell a full run (compared with the baseline) from a selection.
"""

from __future__ import annotations

import typing as t
from pathlib import Path

if t.TYPE_CHECKING:  # pragma: no cover
    import pytest

#: nodeid -> passed, failed, error, skipped, xfailed or xpassed.
outcomes: dict[str, str] = {}
# A later phase can only make an outcome worse (teardown error after a pass).
_rank = {"passed": 0, "xpassed": 0, "skipped": 1, "xfailed": 1, "failed": 2, "error": 3}


def _classify(report: pytest.TestReport) -> str | None:
    if hasattr(report, "wasxfail"):
        return "xfailed" if report.skipped else "xpassed"
    if report.skipped:
        return "skipped"
    if report.failed:
        return "failed" if report.when == "call" else "error"
    if report.when == "call":
        return "passed"
    return None


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    outcome = _classify(report)
    if outcome is None:
        return
    previous = outcomes.get(report.nodeid)
    if previous is None or _rank[outcome] > _rank[previous]:
        outcomes[report.nodeid] = outcome


def pytest_collectreport(report: pytest.CollectReport) -> None:
    if report.failed:
        outcomes[report.nodeid or "<collection>"] = "error"


def is_subset(args: list[str], suite: Path) -> bool:
    """True when the pytest arguments ``args`` select part of the suite in
    ``suite`` (so its counts are not compared with the baseline)."""
    selecting = {"-k", "-m", "--deselect", "--lf", "--last-failed", "-x", "--exitfirst"}
    for arg in args:
        name = arg.split("=", 1)[0]
        if name in selecting or name.startswith("--maxfail"):
            return True
        if not arg.startswith("-") and (suite / arg.split("::", 1)[0]).exists():
            return True
    return False
