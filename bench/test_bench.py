"""pytest-benchmark suites: one group per scenario, one benchmark per framework.

Run directly (``pytest bench/test_bench.py --frameworks flask,flaskfast``) or
through ``bench/compare.py``, which also runs flaskfast's pure-Python mode and
prints the ratio table.
"""

from __future__ import annotations

import typing as t

from apps import check
from apps import make_call
from suites import BY_NAME
from suites import Suite

_apps: dict[tuple[str, str], t.Any] = {}


def implementation(framework: str) -> str:
    if framework != "flaskfast":
        return "-"
    import flaskfast._speedups

    return str(flaskfast._speedups.IMPLEMENTATION)


def get_app(suite: Suite, framework: str) -> t.Any:
    """One app per (suite, framework), built on first use."""
    key = (suite.name, framework)
    if key not in _apps:
        _apps[key] = suite.build(framework)
    return _apps[key]


def test_request(
    benchmark: t.Any, scenario_name: str, framework: str
) -> None:
    suite, scenario = BY_NAME[scenario_name]
    app = get_app(suite, framework)
    call = make_call(app, scenario)
    # Verify before timing (and warm any lazy setup), then verify the last call.
    check(scenario, call(), framework)
    benchmark.group = scenario_name
    benchmark.extra_info["suite"] = suite.name
    benchmark.extra_info["framework"] = framework
    benchmark.extra_info["implementation"] = implementation(framework)
    result = benchmark(call)
    check(scenario, result, framework)
