"""The realistic app's SQLite database: schema, deterministic seed data, per-request connections.

The data lives in a named in-memory database shared between connections
(``file:<name>?mode=memory&cache=shared``). :func:`create` builds and seeds it
and returns the connection that keeps it alive; each request then opens its own
connection on first use and closes it when the app context ends, as Flask's
tutorial does with a database file.
"""

from __future__ import annotations

import sqlite3
import types
import typing as t

N_ITEMS = 40
USERS = (("alice", "Alice Liddell"), ("bob", "Bob O'Brien"))
SCHEMA = """
CREATE TABLE user (
    id INTEGER PRIMARY KEY,
    username TEXT UNIQUE NOT NULL,
    display_name TEXT NOT NULL
);
CREATE TABLE item (
    id INTEGER PRIMARY KEY,
    owner_id INTEGER NOT NULL REFERENCES user (id),
    created TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL
);
"""


def item_row(i: int) -> tuple[int, int, str, str, str]:
    """Item ``i`` (1-based) as stored: deterministic, with characters that need escaping."""
    owner = 1 if i % 3 else 2
    created = f"2024-{1 + i % 12:02d}-{1 + i % 28:02d} 12:{i % 60:02d}:00"
    title = f"Item {i}: notes & <ideas> #{i * 7 % 13}"
    body = (
        f"Body of item {i}. It says \"quote\" and 'apostrophe', costs < {i * 3} "
        f"& more than {i}.\nSecond line of item {i}."
    )
    return i, owner, created, title, body


def create(uri: str) -> sqlite3.Connection:
    """Create and seed the database at ``uri``; keep the returned connection open."""
    keeper = sqlite3.connect(uri, uri=True, check_same_thread=False)
    keeper.executescript(SCHEMA)
    keeper.executemany(
        "INSERT INTO user (id, username, display_name) VALUES (?, ?, ?)",
        [(i, name, display) for i, (name, display) in enumerate(USERS, 1)],
    )
    keeper.executemany(
        "INSERT INTO item (id, owner_id, created, title, body) VALUES (?, ?, ?, ?, ?)",
        [item_row(i) for i in range(1, N_ITEMS + 1)],
    )
    keeper.commit()
    return keeper


class Database:
    """``get()`` returns this request's connection (opened on first use, kept in ``g``)."""

    def __init__(self, fw: types.ModuleType) -> None:
        self.fw = fw

    def get(self) -> sqlite3.Connection:
        g = self.fw.g
        if "db" not in g:
            connection = sqlite3.connect(
                self.fw.current_app.config["DATABASE"], uri=True, check_same_thread=False
            )
            connection.row_factory = sqlite3.Row
            g.db = connection
        return t.cast(sqlite3.Connection, g.db)

    def close(self, exc: BaseException | None = None) -> None:
        connection = self.fw.g.pop("db", None)
        if connection is not None:
            connection.close()
