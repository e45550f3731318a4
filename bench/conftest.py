"""Options and parametrization for the benchmark suites in this directory."""

from __future__ import annotations

import os

import pytest

from apps import FRAMEWORKS
from apps import SCENARIOS
from apps import supports


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--frameworks",
        default=os.environ.get("BENCH_FRAMEWORKS", ",".join(FRAMEWORKS)),
        help=f"comma-separated subset of {', '.join(FRAMEWORKS)}",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if not {"scenario_name", "framework"} <= set(metafunc.fixturenames):
        return
    frameworks = [
        f.strip() for f in metafunc.config.getoption("frameworks").split(",") if f.strip()
    ]
    unknown = sorted(set(frameworks) - set(FRAMEWORKS))
    if unknown:
        raise pytest.UsageError(f"unknown framework(s) {unknown}; use {FRAMEWORKS}")
    # Scenario outer, framework inner: the frameworks of one scenario are
    # measured back to back, so machine load drifts affect them alike.
    params = [
        (scenario.name, framework)
        for scenario in SCENARIOS
        for framework in frameworks
        if supports(framework, scenario)
    ]
    metafunc.parametrize(
        ("scenario_name", "framework"),
        params,
        ids=[f"{name}-{framework}" for name, framework in params],
    )
