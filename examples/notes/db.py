"""The notes database: SQLite through ``sqlite3``, one connection per app context.

The file is ``app.config["DATABASE"]`` (``notes.sqlite`` in the instance
folder). ``flaskfast --app examples.notes init-db`` creates it from
``schema.sql``; ``--if-missing`` leaves an existing file alone (``make run``
uses it).
"""

from __future__ import annotations

import sqlite3
import typing as t
from pathlib import Path

import click

from flaskfast import Flask, current_app, g
from flaskfast.cli import with_appcontext

SCHEMA = Path(__file__).resolve().parent / "schema.sql"


def get_db() -> sqlite3.Connection:
    """This app context's connection, opened on first use (rows as :class:`sqlite3.Row`)."""
    if "db" not in g:
        connection = sqlite3.connect(current_app.config["DATABASE"])
        connection.row_factory = sqlite3.Row
        connection.execute("PRAGMA foreign_keys = ON")
        g.db = connection
    return t.cast(sqlite3.Connection, g.db)


def close_db(exc: BaseException | None = None) -> None:
    """Close the connection :func:`get_db` opened, if any (a teardown function)."""
    connection = g.pop("db", None)
    if connection is not None:
        connection.close()


def init_db() -> None:
    """Drop and recreate every table of ``schema.sql`` in the configured database."""
    Path(current_app.config["DATABASE"]).parent.mkdir(parents=True, exist_ok=True)
    get_db().executescript(SCHEMA.read_text(encoding="utf-8"))


@click.command("init-db")
@click.option(
    "--if-missing",
    is_flag=True,
    help="Only create the database when its file does not exist yet.",
)
@with_appcontext
def init_db_command(if_missing: bool) -> None:
    """Create the database tables (existing data is deleted)."""
    path = current_app.config["DATABASE"]
    if if_missing and Path(path).exists():
        click.echo(f"The database already exists: {path}")
        return
    init_db()
    click.echo(f"Initialized the database: {path}")


def init_app(app: Flask) -> None:
    """Close connections at teardown and register the ``init-db`` command."""
    app.teardown_appcontext(close_db)
    app.cli.add_command(init_db_command)
