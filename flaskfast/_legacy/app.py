"""Attributes, methods and constructor arguments of the ``Flask`` object
that Flask 0.11 - 2.2 had and Flask 3.1 removed.

:func:`attributes` are the descriptors and methods that
:func:`flaskfast._legacy.attach_app` installs on :class:`flaskfast.Flask`
when one of them is first used.  The hooks of that package call
:func:`rename_static_path` for ``Flask(static_path=...)``,
:func:`after_init` when a new app's config holds older settings (or
``FLASK_ENV`` is set) and :func:`on_subclass` when a ``Flask`` subclass
defines older class attributes or overrides.
"""

from __future__ import annotations

import datetime
import os
import typing as t

from werkzeug.datastructures import ImmutableDict

from . import config_value
from . import LEGACY_KEYS
from . import sessions as _sessions
from .warn import deprecated
from .warn import ignored
from .warn import unsupported

if t.TYPE_CHECKING:  # pragma: no cover
    from ..app import Flask

# attribute -> (config key, Flask 3.1 replacement); read and written through
# the config, as before Flask 2.3 (building block M2).
CONFIG_ATTRIBUTES = {
    "session_cookie_name": ("SESSION_COOKIE_NAME", "app.config['SESSION_COOKIE_NAME']"),
    "send_file_max_age_default": (
        "SEND_FILE_MAX_AGE_DEFAULT",
        "app.config['SEND_FILE_MAX_AGE_DEFAULT']",
    ),
    "use_x_sendfile": ("USE_X_SENDFILE", "app.config['USE_X_SENDFILE']"),
    "templates_auto_reload": (
        "TEMPLATES_AUTO_RELOAD",
        "app.config['TEMPLATES_AUTO_RELOAD'] (read when app.jinja_env is built)",
    ),
}
_ENV_REPLACEMENT = "app.debug / FLASK_DEBUG (ENV and FLASK_ENV no longer enable debug mode)"


def _config_property(name: str, key: str, replacement: str) -> property:
    def fget(self: Flask) -> t.Any:
        deprecated(f"app.{name}", replacement)
        value = self.config[key]
        if key == "SEND_FILE_MAX_AGE_DEFAULT" and isinstance(value, int):
            return datetime.timedelta(seconds=value)
        return value

    def fset(self: Flask, value: t.Any) -> None:
        deprecated(f"app.{name} = ...", replacement)
        self.config[key] = value

    return property(fget, fset, doc=f"``config[{key!r}]`` (the pre-2.3 attribute).")


def _read_only(name: str, why: str) -> t.Callable[[Flask, t.Any], None]:
    def fset(self: Flask, value: t.Any) -> None:
        raise unsupported(f"Setting app.{name}", why)

    return fset


def _env(self: Flask) -> str:
    """Deprecated (removed in Flask 2.3): the ``ENV`` config key, else
    ``FLASK_ENV``, else ``"production"``. Informational only: it never
    turns debug mode on (use ``FLASK_DEBUG``)."""
    deprecated("app.env", _ENV_REPLACEMENT)
    value = self.config.get("ENV")
    return str(value or os.environ.get("FLASK_ENV") or "production")


def _set_env(self: Flask, value: str) -> None:
    # Through the config hook, which warns that ENV does not enable debug.
    self.config["ENV"] = value


def _propagate_exceptions(self: Flask) -> bool:
    """Deprecated, read-only: whether unhandled
    exceptions are re-raised instead of answered with a 500; the
    ``PROPAGATE_EXCEPTIONS`` config key, or testing or debug mode when it is
    ``None``."""
    deprecated(
        "app.propagate_exceptions",
        "app.config['PROPAGATE_EXCEPTIONS'] (None means testing or debug)",
    )
    value = self.config["PROPAGATE_EXCEPTIONS"]
    if value is not None:
        return bool(value)
    return bool(self.testing or self.debug)


def _preserve_context_on_exception(self: Flask) -> bool:
    """A removed setting, read-only and without effect: the
    request context is always popped at the end of a request."""
    ignored(
        "app.preserve_context_on_exception (limit 2: a read-only value)",
        "teardown functions always run at the end of a request; use the test"
        " client's 'with client:' block to inspect a context",
    )
    value = self.config.get("PRESERVE_CONTEXT_ON_EXCEPTION")
    if value is not None:
        return bool(value)
    return bool(self.debug)


def _logger_name(self: Flask) -> str:
    """Deprecated, read-only: the name of :attr:`Flask.logger`, which is
    always the app's :attr:`~Flask.name`."""
    deprecated("app.logger_name", "app.logger.name (always app.name)")
    return self.logger.name


def _request_globals_class(self: Flask) -> type:
    """Deprecated alias (Flask 0.10) of :attr:`Flask.app_ctx_globals_class`,
    the class of ``g``; setting it sets that attribute."""
    deprecated("app.request_globals_class", "app.app_ctx_globals_class")
    return self.app_ctx_globals_class


def _set_request_globals_class(self: Flask, value: type) -> None:
    deprecated("app.request_globals_class = ...", "app.app_ctx_globals_class = ...")
    self.app_ctx_globals_class = value  # type: ignore[assignment]


def init_jinja_globals(self: Flask) -> None:
    """No-op since Flask 0.7 (kept so overrides' ``super()`` calls work)."""
    deprecated("app.init_jinja_globals()", "override app.create_jinja_environment()")


def _codec_property(kind: str) -> property:
    attr = f"_legacy_json_{kind}"
    replacement = (
        "assign a provider (app.json = MyProvider(app)) or subclass"
        f" json_provider_class overriding {'default' if kind == 'encoder' else 'loads'}"
    )

    def fget(self: Flask) -> type:
        deprecated(f"app.json_{kind}", replacement)
        value = getattr(self, attr, None)
        if value is None:
            from . import json as _json

            return _json.JSONEncoder if kind == "encoder" else _json.JSONDecoder
        return t.cast(type, value)

    def fset(self: Flask, value: type) -> None:
        deprecated(f"app.json_{kind} = ...", replacement)
        from .json import use_legacy_provider

        self.__dict__[attr] = value
        use_legacy_provider(self, f"app.json_{kind}")

    return property(fget, fset, doc=f"The pre-2.3 JSON {kind} class of the app.")


# -- construction (called by the hooks in flaskfast._legacy) -----------------


def rename_static_path(args: tuple[t.Any, ...], kwargs: dict[str, t.Any]) -> None:
    """``Flask(static_path=...)`` (the pre-1.0 name): move it to
    ``static_url_path`` in ``kwargs``."""
    static_path = kwargs.pop("static_path")
    if len(args) > 1 or kwargs.get("static_url_path") is not None:
        raise TypeError(
            "Flask() got both 'static_path' (the pre-1.0 name) and"
            " 'static_url_path'; pass only 'static_url_path'."
        )
    deprecated("Flask(static_path=...)", "Flask(static_url_path=...)")
    kwargs["static_url_path"] = static_path


def after_init(app: Flask) -> None:
    """Apply the older API a new app's config holds (keys seeded by a
    subclass's ``default_config``, bypassing the config hook) and warn
    about ``FLASK_ENV``."""
    config = app.config
    for key in LEGACY_KEYS.intersection(config):
        dict.__setitem__(config, key, config_value(config, key, config[key]))
    if os.environ.get("FLASK_ENV"):
        ignored(
            "The FLASK_ENV environment variable (limit 3: it no longer enables"
            " debug mode; app.env still reads it)",
            "set FLASK_DEBUG=1 or use 'flask run --debug' for debug mode",
        )


def on_subclass(cls: type[Flask]) -> None:
    """Move the older API a new ``Flask`` subclass defines (see
    :data:`flaskfast._legacy.SUBCLASS_NAMES`) to its Flask 3.1 place."""
    namespace = vars(cls)
    for name, (key, replacement) in CONFIG_ATTRIBUTES.items():
        value = namespace.get(name)
        if value is not None and not isinstance(value, property):
            deprecated(f"{cls.__name__}.{name} = ...", f"default_config / {replacement}")
            cls.default_config = ImmutableDict({**cls.default_config, key: value})
            delattr(cls, name)
    if "request_globals_class" in namespace:
        deprecated(f"{cls.__name__}.request_globals_class", "app_ctx_globals_class")
        cls.app_ctx_globals_class = namespace["request_globals_class"]
        delattr(cls, "request_globals_class")
    for kind in ("encoder", "decoder"):
        value = namespace.get(f"json_{kind}")
        if value is None or isinstance(value, property):
            continue
        deprecated(
            f"{cls.__name__}.json_{kind}",
            f"a JSONProvider subclass as {cls.__name__}.json_provider_class",
        )
        setattr(cls, f"_legacy_json_{kind}", value)
        delattr(cls, f"json_{kind}")
        from ..json.provider import DefaultJSONProvider
        from .json import LegacyJSONProvider

        if cls.json_provider_class is DefaultJSONProvider:
            cls.json_provider_class = LegacyJSONProvider
        elif not issubclass(cls.json_provider_class, LegacyJSONProvider):
            ignored(
                f"{cls.__name__}.json_{kind} with a custom json_provider_class",
                "implement it in that provider",
            )
    _sessions.on_subclass(cls)


def attributes(setupmethod: t.Callable[[t.Any], t.Any]) -> dict[str, t.Any]:
    """The older API of :class:`flaskfast.Flask`: name -> property or
    method (installed by :func:`flaskfast._legacy.attach_app` on first use;
    ``setupmethod`` is the scaffold's decorator)."""
    from . import first_request

    found: dict[str, t.Any] = {
        **first_request.attributes(setupmethod),
        **_sessions.attributes(),
    }
    for name, (key, replacement) in CONFIG_ATTRIBUTES.items():
        found[name] = _config_property(name, key, replacement)
    found["env"] = property(_env, _set_env)
    found["propagate_exceptions"] = property(
        _propagate_exceptions,
        _read_only("propagate_exceptions", "set app.config['PROPAGATE_EXCEPTIONS']"),
    )
    found["preserve_context_on_exception"] = property(
        _preserve_context_on_exception,
        _read_only(
            "preserve_context_on_exception",
            "teardown always runs at the end of a request (limit 2)",
        ),
    )
    found["logger_name"] = property(
        _logger_name,
        _read_only(
            "logger_name",
            "the logger is logging.getLogger(app.name) (limit 7); configure"
            " that logger, or pass another import name to Flask()",
        ),
    )
    found["request_globals_class"] = property(
        _request_globals_class, _set_request_globals_class
    )
    found["init_jinja_globals"] = init_jinja_globals
    found["json_encoder"] = _codec_property("encoder")
    found["json_decoder"] = _codec_property("decoder")
    return found
