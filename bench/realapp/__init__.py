"""A realistic server-rendered app, written once against the ``flask`` API.

:func:`create_app` takes the framework module (``flask`` or ``flaskfast``), so the
same code runs unmodified on both. It is the kind of app Flask's tutorial
teaches: blueprints (``auth``, ``pages``, ``api``), SQLite through ``sqlite3``
with one connection per request, templates from the ``templates`` folder with a
base layout whose navigation is built by ``url_for``, flashed messages, the
logged-in user loaded from the session in a ``before_app_request`` hook, and a
404 page rendered in the layout.
"""

from __future__ import annotations

import itertools
import types
import typing as t
from pathlib import Path

from . import api
from . import auth
from . import db
from . import pages

HERE = Path(__file__).resolve().parent
SECRET_KEY = "realapp secret"
_counter = itertools.count()


def create_app(fw: types.ModuleType) -> t.Any:
    """A fresh app on ``fw``, with its own freshly seeded database."""
    app = fw.Flask("realapp", root_path=str(HERE))
    app.config.from_mapping(
        SECRET_KEY=SECRET_KEY,
        DATABASE=f"file:realapp-{fw.__name__}-{next(_counter)}?mode=memory&cache=shared",
    )
    app.extensions["realapp.db"] = db.create(app.config["DATABASE"])
    database = db.Database(fw)
    app.teardown_appcontext(database.close)
    app.register_blueprint(auth.make_blueprint(fw, database))
    app.register_blueprint(pages.make_blueprint(fw, database))
    app.register_blueprint(api.make_blueprint(fw, database))

    def page_not_found(error: t.Any) -> t.Any:
        return fw.render_template("404.html", error=error), 404

    app.register_error_handler(404, page_not_found)
    return app
