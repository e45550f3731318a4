"""Configuration keys and ``Config`` methods of the older Flask API.

When one of :data:`flaskfast._legacy.LEGACY_KEYS` is written to a
:class:`flaskfast.config.Config` (item assignment, ``update``,
``setdefault``, the ``from_*`` loaders) with a value of the older API,
:func:`flaskfast._legacy.config_value` calls :func:`on_set`; other writes
cost nothing.  The app a config belongs to is found through
:data:`flaskfast._legacy.OWNER_ATTR`, set when the app is created.
"""

from __future__ import annotations

import json
import os
import typing as t

from . import OWNER_ATTR
from .warn import deprecated
from .warn import ignored

if t.TYPE_CHECKING:  # pragma: no cover
    from ..config import Config

JSON_KEYS = {
    "JSON_AS_ASCII": "app.json.ensure_ascii",
    "JSON_SORT_KEYS": "app.json.sort_keys",
    "JSONIFY_PRETTYPRINT_REGULAR": "app.json.compact (inverted: compact = not value)",
    "JSONIFY_MIMETYPE": "app.json.mimetype",
}
_IGNORED_KEYS = {
    "ENV": (
        "config['ENV'] (it no longer selects debug mode; limit 3)",
        "use FLASK_DEBUG=1, 'flask run --debug' or app.debug; app.env still"
        " reads the value",
    ),
    "LOGGER_NAME": (
        "config['LOGGER_NAME'] (limit 7)",
        "the logger is logging.getLogger(app.name); configure that logger",
    ),
    "LOGGER_HANDLER_POLICY": (
        "config['LOGGER_HANDLER_POLICY'] (limit 7)",
        "configure handlers with the logging module, and remove"
        " flask.logging.default_handler from app.logger if needed",
    ),
    "PRESERVE_CONTEXT_ON_EXCEPTION": (
        "config['PRESERVE_CONTEXT_ON_EXCEPTION'] (limit 2)",
        "teardown functions always run at the end of a request; keep the"
        " context with the test client's 'with client:' block",
    ),
}


def on_set(config: Config, key: str, value: t.Any) -> t.Any:
    """The value to store for legacy ``key`` (one of :data:`LEGACY_KEYS`),
    warning about it."""
    if key == "APPLICATION_ROOT":
        if value is None:
            deprecated(
                "APPLICATION_ROOT = None (the Flask 0.12 default)",
                "APPLICATION_ROOT = '/' (stored instead)",
            )
            return "/"
        return value
    if key in JSON_KEYS:
        deprecated(f"config[{key!r}]", JSON_KEYS[key])
        app = owner(config)
        if app is not None:
            from .json import use_legacy_provider

            use_legacy_provider(app, f"config[{key!r}]")
        return value
    old, instead = _IGNORED_KEYS[key]
    ignored(old, instead)
    return value


def owner(config: Config) -> t.Any:
    """The app ``config`` belongs to, or ``None``."""
    ref = getattr(config, OWNER_ATTR, None)
    return ref() if ref is not None else None


def from_json(self: Config, filename: str, silent: bool = False) -> bool:
    """``Config.from_json`` (removed in Flask 2.1): load a JSON file."""
    deprecated(
        "Config.from_json(filename)",
        "Config.from_file(filename, load=json.load)",
    )
    return self.from_file(os.fspath(filename), load=json.load, silent=silent)


def attributes() -> dict[str, t.Any]:
    """:func:`from_json`, by name, for :class:`flaskfast.Config`."""
    return {"from_json": from_json}
