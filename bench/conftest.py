"""Options and parametrization for the benchmark suites in this directory."""

from __future__ import annotations

import os

import pytest

from suites import FRAMEWORKS
from suites import SUITES


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--frameworks",
        default=os.environ.get("BENCH_FRAMEWORKS", ",".join(FRAMEWORKS)),
        help=f"comma-separated subset of {', '.join(FRAMEWORKS)}",
    )
    parser.addoption(
        "--suites",
        default=os.environ.get("BENCH_SUITES", ",".join(SUITES)),
        help=f"comma-separated subset of {', '.join(SUITES)}",
    )


def _option_list(config: pytest.Config, name: str, known: list[str]) -> list[str]:
    values = [v.strip() for v in config.getoption(name).split(",") if v.strip()]
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise pytest.UsageError(f"unknown {name} {unknown}; use {known}")
    return values


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if not {"scenario_name", "framework"} <= set(metafunc.fixturenames):
        return
    frameworks = _option_list(metafunc.config, "frameworks", list(FRAMEWORKS))
    suites = _option_list(metafunc.config, "suites", list(SUITES))
    # Scenario outer, framework inner: the frameworks of one scenario are
    # measured back to back, so machine load drifts affect them alike.
    params = [
        (scenario.name, framework)
        for suite in (SUITES[name] for name in suites)
        for scenario in suite.scenarios
        for framework in frameworks
        if framework in suite.frameworks and suite.supports(framework, scenario)
    ]
    metafunc.parametrize(
        ("scenario_name", "framework"),
        params,
        ids=[f"{name}-{framework}" for name, framework in params],
    )
