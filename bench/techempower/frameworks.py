"""The six TechEmpower test types on Flask or flaskfast, Falcon and Bottle, in-process.

Routes: ``/plaintext``, ``/json``, ``/db``, ``/queries?queries=N``,
``/fortunes`` and ``/updates?queries=N``. Every framework calls the same data
access (:mod:`.db`); fortunes are rendered from ``templates/fortunes.html`` by
Jinja2 with autoescaping (Flask's environment on Flask and flaskfast, a plain
``jinja2.Environment`` on Falcon and Bottle).
"""

# The apps are built from framework modules, so their decorators are untyped.
# mypy: disable-error-code="untyped-decorator"
from __future__ import annotations

import json
import random
import sqlite3
import types
import typing as t
from pathlib import Path

from . import db

HERE = Path(__file__).resolve().parent
HELLO = "Hello, World!"


def build_flask(fw: types.ModuleType, connection: sqlite3.Connection) -> t.Any:
    """The tests on ``fw`` = the ``flask`` or ``flaskfast`` module, reading ``connection``."""
    app = fw.Flask("techempower", root_path=str(HERE))
    rng = random.Random(db.SEED)
    request = fw.request

    @app.route("/plaintext")
    def plaintext() -> t.Any:
        response = fw.make_response(HELLO.encode())
        response.content_type = "text/plain"
        return response

    @app.route("/json")
    def hello_json() -> t.Any:
        return fw.jsonify(message=HELLO)

    @app.route("/db")
    def single_query() -> t.Any:
        return fw.jsonify(db.random_world(connection, rng))

    @app.route("/queries")
    def queries() -> t.Any:
        count = db.query_count(request.args.get("queries"))
        return fw.jsonify(db.random_worlds(connection, rng, count))

    @app.route("/fortunes")
    def fortunes() -> t.Any:
        return fw.render_template("fortunes.html", fortunes=db.fortunes(connection))

    @app.route("/updates")
    def updates() -> t.Any:
        count = db.query_count(request.args.get("queries"))
        return fw.jsonify(db.update_worlds(connection, rng, count))

    return app


def jinja_environment() -> t.Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(HERE / "templates")), autoescape=True
    )


def build_falcon(connection: sqlite3.Connection) -> t.Any:
    import falcon

    app = falcon.App()
    rng = random.Random(db.SEED)
    template = jinja_environment().get_template("fortunes.html")

    class Plaintext:
        def on_get(self, req: t.Any, resp: t.Any) -> None:
            resp.content_type = falcon.MEDIA_TEXT
            resp.data = HELLO.encode()

    class Json:
        def on_get(self, req: t.Any, resp: t.Any) -> None:
            resp.media = {"message": HELLO}

    class SingleQuery:
        def on_get(self, req: t.Any, resp: t.Any) -> None:
            resp.media = db.random_world(connection, rng)

    class Queries:
        def on_get(self, req: t.Any, resp: t.Any) -> None:
            count = db.query_count(req.get_param("queries"))
            resp.media = db.random_worlds(connection, rng, count)

    class Fortunes:
        def on_get(self, req: t.Any, resp: t.Any) -> None:
            resp.content_type = falcon.MEDIA_HTML
            resp.text = template.render(fortunes=db.fortunes(connection))

    class Updates:
        def on_get(self, req: t.Any, resp: t.Any) -> None:
            count = db.query_count(req.get_param("queries"))
            resp.media = db.update_worlds(connection, rng, count)

    app.add_route("/plaintext", Plaintext())
    app.add_route("/json", Json())
    app.add_route("/db", SingleQuery())
    app.add_route("/queries", Queries())
    app.add_route("/fortunes", Fortunes())
    app.add_route("/updates", Updates())
    return app


def build_bottle(connection: sqlite3.Connection) -> t.Any:
    import bottle

    app = bottle.Bottle()
    rng = random.Random(db.SEED)
    template = jinja_environment().get_template("fortunes.html")
    request, response = bottle.request, bottle.response

    @app.get("/plaintext")
    def plaintext() -> bytes:
        response.content_type = "text/plain"
        return HELLO.encode()

    @app.get("/json")
    def hello_json() -> dict[str, str]:
        return {"message": HELLO}  # Bottle's JSON plugin serializes dicts

    @app.get("/db")
    def single_query() -> dict[str, int]:
        return db.random_world(connection, rng)

    @app.get("/queries")
    def queries() -> str:
        count = db.query_count(request.query.get("queries"))
        response.content_type = "application/json"
        return json.dumps(db.random_worlds(connection, rng, count))

    @app.get("/fortunes")
    def fortunes() -> str:
        return str(template.render(fortunes=db.fortunes(connection)))

    @app.get("/updates")
    def updates() -> str:
        count = db.query_count(request.query.get("queries"))
        response.content_type = "application/json"
        return json.dumps(db.update_worlds(connection, rng, count))

    return app
