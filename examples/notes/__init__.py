"""A small multi-user notes application on flaskfast: what ``make run`` serves.

Grown from the realistic app that ``bench/`` measures (``bench/realapp``: the
same blueprint layout, SQLite through ``sqlite3``, a base layout with
``url_for`` navigation and flashed messages), with what a real app adds:
registration and login with hashed passwords, CSRF-checked forms, notes that
only their author can change, a paginated JSON API with JSON errors, custom
error pages, and configuration from the instance folder.

Run it from the repository root::

    flaskfast --app examples.notes init-db     # once (``make run`` does it)
    flaskfast --app examples.notes run         # http://127.0.0.1:5000

``NOTES_INSTANCE_PATH`` (or ``create_app(instance_path=...)``) puts the
instance folder (the database and ``config.py``) somewhere else.
"""

from __future__ import annotations

import os
import secrets
import typing as t
from pathlib import Path

from flaskfast import Flask

from . import api
from . import auth
from . import csrf
from . import db
from . import errors
from . import notes

INSTANCE_ENV = "NOTES_INSTANCE_PATH"
CONFIG_FILE = "config.py"


def create_app(
    test_config: t.Mapping[str, t.Any] | None = None, instance_path: str | None = None
) -> Flask:
    """Build the notes app.

    Without ``test_config`` the configuration comes from ``config.py`` in the
    instance folder, written on first use with a freshly generated
    ``SECRET_KEY`` when missing. With ``test_config`` that mapping is used
    instead (tests pass ``TESTING`` and ``DATABASE``) and no file is written.
    The instance folder is ``instance_path``, else ``$NOTES_INSTANCE_PATH``,
    else Flask's default (``instance/`` beside the ``examples`` package).
    """
    instance_path = instance_path or os.environ.get(INSTANCE_ENV) or None
    if instance_path is not None:
        instance_path = os.path.abspath(instance_path)
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    app.config.from_mapping(
        SECRET_KEY=None,
        DATABASE=os.path.join(app.instance_path, "notes.sqlite"),
        PASSWORD_HASH_METHOD="scrypt",
    )
    if test_config is None:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        write_default_config(Path(app.instance_path) / CONFIG_FILE)
        app.config.from_pyfile(CONFIG_FILE)
    else:
        app.config.from_mapping(test_config)
    if not app.config["SECRET_KEY"]:
        raise RuntimeError(
            "SECRET_KEY is not set: put one in the instance folder's config.py"
            f" ({os.path.join(app.instance_path, CONFIG_FILE)})."
        )

    db.init_app(app)
    csrf.init_app(app)
    errors.init_app(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(notes.bp)
    app.register_blueprint(api.bp)
    return app


def write_default_config(path: Path) -> bool:
    """Write ``path`` with a new random ``SECRET_KEY`` unless it exists; True if written."""
    try:
        # O_EXCL: two workers starting at once cannot both write (or mix) a key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(
            "# Configuration of the notes example, read by create_app() on start-up.\n"
            "# Generated on first run; keep SECRET_KEY secret and the same on every server.\n"
            f"SECRET_KEY = {secrets.token_hex(32)!r}\n"
        )
    return True
