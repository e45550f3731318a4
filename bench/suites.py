"""The benchmark suites measured by ``test_bench.py`` and tabled by ``compare.py``.

``basic``: one request feature per scenario (``apps.py``). ``real``: the pages of
a realistic server-rendered app (``realapp``, ``realpages.py``), Flask and
flaskfast only. ``te``: the TechEmpower test types on SQLite (``techempower``),
also on Falcon and Bottle. Scenario names are unique across suites.
"""

from __future__ import annotations

import dataclasses
import typing as t

import apps
import realpages
import techempower
from apps import Scenario


@dataclasses.dataclass(frozen=True)
class Suite:
    name: str
    title: str
    scenarios: list[Scenario]
    frameworks: tuple[str, ...]
    build: t.Callable[[str], t.Any]
    supports: t.Callable[[str, Scenario], bool]


SUITES: dict[str, Suite] = {
    suite.name: suite
    for suite in (
        Suite("basic", "request features", apps.SCENARIOS, apps.FRAMEWORKS, apps.build,
              apps.supports),
        Suite("real", "realistic app, page by page", realpages.SCENARIOS, realpages.FRAMEWORKS,
              realpages.build, realpages.supports),
        Suite("te", "TechEmpower-style, SQLite in-process", techempower.SCENARIOS,
              techempower.FRAMEWORKS, techempower.build, techempower.supports),
    )
}
FRAMEWORKS: tuple[str, ...] = tuple(
    dict.fromkeys(f for suite in SUITES.values() for f in suite.frameworks)
)
BY_NAME: dict[str, tuple[Suite, Scenario]] = {
    scenario.name: (suite, scenario) for suite in SUITES.values() for scenario in suite.scenarios
}
assert len(BY_NAME) == sum(len(s.scenarios) for s in SUITES.values()), "duplicate scenario names"
