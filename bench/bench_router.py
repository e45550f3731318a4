"""Router micro-benchmark: ``Map.fast_match`` against werkzeug's bind + match.

Run: ``/work/devenv/bin/python -m pytest bench/bench_router.py --benchmark-only``
(or ``python bench/bench_router.py`` for a quick table without pytest-benchmark).

Each map has ``N`` sections, each with one static and one ``<int:id>`` route
(so 10 or 5000 rules); the benchmark matches the *last* section, which must
cost the same at both sizes. "werkzeug" is what Flask does per request:
``bind_to_environ(environ).match(return_rule=True)``.

``test_kernel_match`` compares the two router kernel twins on ``Router.match``
alone: ``router_c`` (compiled, when built) against ``router_py`` (pure).
"""

from __future__ import annotations

import importlib
import typing as t
from types import ModuleType

import pytest
from werkzeug.routing import Map as WerkzeugMap
from werkzeug.routing import Rule
from werkzeug.test import create_environ

from flaskfast._speedups import router_py
from flaskfast.routing import Map

SIZES = {"10": 5, "5000": 2500}  # rules -> sections (2 rules each)
KINDS = {"static": "/section{n}/page", "dynamic": "/section{n}/item/42"}


def _rules(sections: int) -> list[Rule]:
    rules = []
    for i in range(sections):
        rules.append(Rule(f"/section{i}/page", endpoint=f"page{i}"))
        rules.append(Rule(f"/section{i}/item/<int:id>", endpoint=f"item{i}"))
    return rules


def _cases() -> t.Iterator[t.Any]:
    for size, sections in SIZES.items():
        for kind, pattern in KINDS.items():
            path = pattern.format(n=sections - 1)
            yield pytest.param(sections, path, id=f"{size}-rules-{kind}")


@pytest.mark.parametrize(("sections", "path"), list(_cases()))
def test_fast_match(benchmark: t.Any, sections: int, path: str) -> None:
    url_map = Map(_rules(sections))
    expected = url_map.bind("localhost").match(path, "GET", return_rule=True)
    assert url_map.fast_match(path, "GET") == expected
    benchmark(url_map.fast_match, path, "GET")


@pytest.mark.parametrize(("sections", "path"), list(_cases()))
def test_werkzeug_bind_and_match(benchmark: t.Any, sections: int, path: str) -> None:
    url_map = WerkzeugMap(_rules(sections))
    environ = create_environ(path)

    def bind_and_match() -> t.Any:
        return url_map.bind_to_environ(environ).match(return_rule=True)

    benchmark(bind_and_match)


def _kernels() -> list[ModuleType]:
    found = [router_py]
    try:
        found.append(importlib.import_module("flaskfast._speedups.router_c"))
    except ImportError:  # not built: only the pure twin is measured
        pass
    return found


@pytest.mark.parametrize("kernel", _kernels(), ids=lambda m: m.__name__.rsplit(".", 1)[-1])
@pytest.mark.parametrize(("sections", "path"), list(_cases()))
def test_kernel_match(benchmark: t.Any, kernel: ModuleType, sections: int, path: str) -> None:
    url_map = Map(_rules(sections))
    router = url_map._ff_build_router(kernel)
    expected = url_map.bind("localhost").match(path, "GET", return_rule=True)
    assert router.match(path, "GET") == expected
    benchmark(router.match, path, "GET")


def kernels_table() -> None:  # pragma: no cover - manual quick run
    """router_c against router_py on Router.match, per size and path kind."""
    import timeit

    kernels = _kernels()
    for size, sections in SIZES.items():
        url_map = Map(_rules(sections))
        routers = [url_map._ff_build_router(k) for k in kernels]
        for kind, pattern in KINDS.items():
            path = pattern.format(n=sections - 1)
            n = 200_000
            cost = [
                min(timeit.repeat(lambda: r.match(path, "GET"), number=n, repeat=5)) / n * 1e9
                for r in routers
            ]
            line = f"{size:>5} rules {kind:8} router_py {cost[0]:6.0f} ns"
            if len(cost) > 1:
                line += f"   router_c {cost[1]:6.0f} ns   x{cost[0] / cost[1]:.1f}"
            print(line)


def main() -> None:  # pragma: no cover - manual quick run
    import timeit

    kernels_table()

    for size, sections in SIZES.items():
        fast, plain = Map(_rules(sections)), WerkzeugMap(_rules(sections))
        for kind, pattern in KINDS.items():
            path = pattern.format(n=sections - 1)
            environ = create_environ(path)
            fast.fast_match(path, "GET")
            n = 100_000
            ours = min(timeit.repeat(lambda: fast.fast_match(path, "GET"), number=n, repeat=5))
            theirs = min(
                timeit.repeat(
                    lambda: plain.bind_to_environ(environ).match(return_rule=True),
                    number=n // 10,
                    repeat=5,
                )
            )
            ours_ns, theirs_ns = ours / n * 1e9, theirs / (n // 10) * 1e9
            print(
                f"{size:>5} rules {kind:8} fast_match {ours_ns:7.0f} ns   "
                f"werkzeug bind+match {theirs_ns:7.0f} ns   x{theirs_ns / ours_ns:.1f}"
            )


if __name__ == "__main__":  # pragma: no cover
    main()
