"""The TechEmpower Framework Benchmarks' six test types, in-process on SQLite.

:data:`SCENARIOS` are the requests with their checks (exact bodies where the
test is deterministic, a validated structure for the database tests);
:func:`build` makes the app for one of :data:`FRAMEWORKS`.
"""

from __future__ import annotations

import importlib
import json
import sqlite3
import typing as t

import markupsafe

from apps import Scenario

from . import db
from . import frameworks

FRAMEWORKS = ("flaskfast", "flask", "falcon", "bottle")
QUERIES = 20


def expected_fortunes() -> bytes:
    rows = sorted(
        [*enumerate(db.FORTUNES, 1), (0, db.ADDED_FORTUNE)], key=lambda row: row[1]
    )
    cells = "".join(
        f"<tr><td>{i}</td><td>{markupsafe.escape(message)}</td></tr>" for i, message in rows
    )
    return (
        "<!DOCTYPE html><html><head><title>Fortunes</title></head><body><table>"
        f"<tr><th>id</th><th>message</th></tr>{cells}</table></body></html>"
    ).encode()


def check_world(world: t.Any) -> None:
    assert isinstance(world, dict) and set(world) == {"id", "randomNumber"}, world
    for key in ("id", "randomNumber"):
        assert isinstance(world[key], int) and 1 <= world[key] <= db.N_WORLDS, world


def verify_world(body: bytes) -> None:
    check_world(json.loads(body))


def verify_worlds(body: bytes) -> None:
    worlds = json.loads(body)
    assert isinstance(worlds, list) and len(worlds) == QUERIES, f"{QUERIES} worlds"
    for world in worlds:
        check_world(world)


PREFIX = "te/"
SCENARIOS: list[Scenario] = [
    Scenario(PREFIX + "plaintext", "GET", "/plaintext", 200, body=b"Hello, World!"),
    Scenario(PREFIX + "json", "GET", "/json", 200, json_body={"message": "Hello, World!"}),
    Scenario(PREFIX + "single_query", "GET", "/db", 200, verify=verify_world),
    Scenario(
        PREFIX + f"queries_{QUERIES}",
        "GET",
        "/queries",
        200,
        query={"queries": str(QUERIES)},
        verify=verify_worlds,
    ),
    Scenario(PREFIX + "fortunes", "GET", "/fortunes", 200, body=expected_fortunes()),
    Scenario(
        PREFIX + f"updates_{QUERIES}",
        "GET",
        "/updates",
        200,
        query={"queries": str(QUERIES)},
        verify=verify_worlds,
    ),
]


def build(framework: str, connection: sqlite3.Connection | None = None) -> t.Any:
    """A fresh app for one of :data:`FRAMEWORKS`, on ``connection`` (a database from
    :func:`db.connect`, which the caller closes) or else on a new one of its own."""
    if framework not in FRAMEWORKS:
        raise ValueError(f"unknown framework {framework!r}; use one of {FRAMEWORKS}")
    if connection is None:
        connection = db.connect()
    if framework == "falcon":
        return frameworks.build_falcon(connection)
    if framework == "bottle":
        return frameworks.build_bottle(connection)
    return frameworks.build_flask(importlib.import_module(framework), connection)


def supports(framework: str, scenario: Scenario) -> bool:
    return framework in FRAMEWORKS
