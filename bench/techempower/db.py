"""The TechEmpower tables on SQLite, and the data access every framework's handlers share.

Each app gets its own in-memory database, seeded identically (10,000 ``world``
rows with deterministic random numbers and the standard ``fortune`` table), and
its own ``random.Random`` seeded identically, so two fresh apps answer the same
sequence of requests with the same bodies.
"""

from __future__ import annotations

import random
import sqlite3
import typing as t

N_WORLDS = 10_000
SEED = 2024
ADDED_FORTUNE = "Additional fortune added at request time."
FORTUNES = (
    "fortune: No such file or directory",
    "A computer scientist is someone who fixes things that aren't broken.",
    "After enough decimal points, nobody gives a damn.",
    "A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1",
    "A computer program does what you tell it to do, not what you want it to do.",
    "Emacs is a nice operating system, but I prefer UNIX. \u2014 Tom Christaensen",
    "Any program that runs right is obsolete.",
    "A list is only as strong as its weakest link. \u2014 Donald Knuth",
    "Feature: A bug with seniority.",
    "Computers make very fast, very accurate mistakes.",
    '<script>alert("This should not be displayed in a browser alert box.");</script>',
    "\u30d5\u30ec\u30fc\u30e0\u30ef\u30fc\u30af\u306e\u30d9\u30f3\u30c1\u30de\u30fc\u30af",
)


class Fortune(t.NamedTuple):
    id: int
    message: str


def connect() -> sqlite3.Connection:
    """A new in-memory database holding the seeded ``world`` and ``fortune`` tables."""
    connection = sqlite3.connect(":memory:", check_same_thread=False)
    connection.executescript(
        "CREATE TABLE world (id INTEGER PRIMARY KEY, randomNumber INTEGER NOT NULL);"
        "CREATE TABLE fortune (id INTEGER PRIMARY KEY, message TEXT NOT NULL);"
    )
    seed = random.Random(0)
    connection.executemany(
        "INSERT INTO world (id, randomNumber) VALUES (?, ?)",
        [(i, seed.randint(1, N_WORLDS)) for i in range(1, N_WORLDS + 1)],
    )
    connection.executemany(
        "INSERT INTO fortune (id, message) VALUES (?, ?)", list(enumerate(FORTUNES, 1))
    )
    connection.commit()
    return connection


def query_count(raw: str | None) -> int:
    """The ``queries`` parameter as the benchmark rules read it: 1..500, 1 when not a number."""
    try:
        count = int(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 1
    return min(max(count, 1), 500)


def random_world(connection: sqlite3.Connection, rng: random.Random) -> dict[str, int]:
    world_id, number = connection.execute(
        "SELECT id, randomNumber FROM world WHERE id = ?", (rng.randint(1, N_WORLDS),)
    ).fetchone()
    return {"id": world_id, "randomNumber": number}


def random_worlds(connection: sqlite3.Connection, rng: random.Random, count: int) -> list[dict[str, int]]:
    return [random_world(connection, rng) for _ in range(count)]


def update_worlds(connection: sqlite3.Connection, rng: random.Random, count: int) -> list[dict[str, int]]:
    """Read ``count`` random worlds, give each a new random number, write them back."""
    worlds = random_worlds(connection, rng, count)
    for world in worlds:
        world["randomNumber"] = rng.randint(1, N_WORLDS)
    connection.executemany(
        "UPDATE world SET randomNumber = ? WHERE id = ?",
        [(w["randomNumber"], w["id"]) for w in sorted(worlds, key=lambda w: w["id"])],
    )
    connection.commit()
    return worlds


def fortunes(connection: sqlite3.Connection) -> list[Fortune]:
    """The fortune table plus the added fortune, sorted by message."""
    rows = [Fortune(*row) for row in connection.execute("SELECT id, message FROM fortune")]
    rows.append(Fortune(0, ADDED_FORTUNE))
    rows.sort(key=lambda fortune: fortune.message)
    return rows
