"""The real-work benchmarks answer identically on Flask and flaskfast.

Every page of ``bench/realapp`` and every TechEmpower-style test of
``bench/techempower`` is requested, in the same order, from two fresh apps
(one on Flask, one on flaskfast, same seeded data): statuses, headers (the
session cookie's signed value aside, as it holds a timestamp) and bodies must
be identical, and each response must pass the benchmark's own check. Run in
both modes by ``make test`` (compiled, then ``FLASKFAST_NO_EXTENSIONS=1``).
Falcon and Bottle must pass the TechEmpower checks too, so their columns in
``make bench`` measure the same work.
"""

from __future__ import annotations

import contextlib
import sys
import typing as t
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import apps  # noqa: E402
import realpages  # noqa: E402
import techempower  # noqa: E402
from techempower import db as te_db  # noqa: E402


def comparable(result: apps.Result) -> tuple[str, list[tuple[str, str]], bytes]:
    """The response with each Set-Cookie value cut to the cookie's name and attributes."""
    status, headers, body = result
    kept = []
    for name, value in headers:
        if name.lower() == "set-cookie":
            cookie, _, attributes = value.partition(";")
            value = f"{cookie.split('=', 1)[0]}=<signed>;{attributes}"
        kept.append((name, value))
    return status, kept, body


def responses(app: t.Any, scenarios: list[apps.Scenario], framework: str) -> list[t.Any]:
    results = []
    for scenario in scenarios:
        result = apps.make_call(app, scenario)()
        apps.check(scenario, result, framework)
        results.append(comparable(result))
    return results


def test_realapp_pages_identical() -> None:
    built = {fw: realpages.build(fw) for fw in ("flask", "flaskfast")}
    try:
        # Twice over: the second round sees the data the edit form wrote.
        scenarios = realpages.SCENARIOS * 2
        flask = responses(built["flask"], scenarios, "flask")
        flaskfast = responses(built["flaskfast"], scenarios, "flaskfast")
    finally:
        for app in built.values():
            app.extensions["realapp.db"].close()
    for scenario, want, got in zip(scenarios, flask, flaskfast):
        assert got == want, scenario.name


def test_realapp_error_pages() -> None:
    app = realpages.build("flaskfast")
    try:
        anonymous_edit = apps.Scenario(
            "anonymous_edit", "GET", "/items/7/edit", 302, headers={"Location": "/auth/login"}
        )
        others_item = apps.Scenario(
            "others_item", "GET", "/items/3/edit", 403, contains=b"Forbidden", session={"user_id": 1}
        )
        api_missing = apps.Scenario("api_missing", "GET", "/api/nothing", 404,
                                    contains=b"Page not found")
        for scenario in (anonymous_edit, others_item, api_missing):
            apps.check(scenario, apps.make_call(app, scenario)(), "flaskfast")
    finally:
        app.extensions["realapp.db"].close()


@contextlib.contextmanager
def te_app(framework: str) -> t.Iterator[t.Any]:
    with contextlib.closing(te_db.connect()) as connection:
        yield techempower.build(framework, connection)


def test_techempower_identical() -> None:
    scenarios = techempower.SCENARIOS * 2
    with te_app("flask") as flask_app, te_app("flaskfast") as flaskfast_app:
        flask = responses(flask_app, scenarios, "flask")
        flaskfast = responses(flaskfast_app, scenarios, "flaskfast")
    for scenario, want, got in zip(scenarios, flask, flaskfast):
        assert got == want, scenario.name


@pytest.mark.parametrize("framework", ["falcon", "bottle"])
def test_techempower_other_frameworks_pass_checks(framework: str) -> None:
    with te_app(framework) as app:
        responses(app, techempower.SCENARIOS, framework)


def test_techempower_queries_parameter() -> None:
    assert [te_db.query_count(raw) for raw in (None, "", "x", "0", "-3", "7", "501")] == [
        1, 1, 1, 1, 1, 7, 500,
    ]
