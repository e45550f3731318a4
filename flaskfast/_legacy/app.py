"""Attributes, methods and constructor arguments of the ``Flask`` object
that Flask 0.11 - 2.2 had and Flask 3.1 removed.

:func:`attach` adds them to :class:`flaskfast.Flask` as descriptors and
methods: they cost nothing until used.  ``Flask.__init__`` is wrapped (same
signature for introspection) to accept ``static_path=`` and to tie the
app's config to the app (so that the legacy ``JSON_*`` keys can switch it
to the legacy JSON provider); ``Flask.__init_subclass__`` notices legacy
class attributes and overrides in subclasses.
"""

from __future__ import annotations

import datetime
import functools
import os
import typing as t
import weakref

from werkzeug.datastructures import ImmutableDict

from . import config as _config
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
    deprecated("app.env", _ENV_REPLACEMENT)
    value = self.config.get("ENV")
    return str(value or os.environ.get("FLASK_ENV") or "production")


def _set_env(self: Flask, value: str) -> None:
    # Through the config hook, which warns that ENV does not enable debug.
    self.config["ENV"] = value


def _propagate_exceptions(self: Flask) -> bool:
    deprecated(
        "app.propagate_exceptions",
        "app.config['PROPAGATE_EXCEPTIONS'] (None means testing or debug)",
    )
    value = self.config["PROPAGATE_EXCEPTIONS"]
    if value is not None:
        return bool(value)
    return bool(self.testing or self.debug)


def _preserve_context_on_exception(self: Flask) -> bool:
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
    deprecated("app.logger_name", "app.logger.name (always app.name)")
    return self.logger.name


def _request_globals_class(self: Flask) -> type:
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


# -- construction ---------------------------------------------------------


def _wrap_init(init: t.Callable[..., None]) -> t.Callable[..., None]:
    @functools.wraps(init)
    def __init__(self: Flask, *args: t.Any, **kwargs: t.Any) -> None:
        if "static_path" in kwargs:
            static_path = kwargs.pop("static_path")
            if len(args) > 1 or kwargs.get("static_url_path") is not None:
                raise TypeError(
                    "Flask() got both 'static_path' (the pre-1.0 name) and"
                    " 'static_url_path'; pass only 'static_url_path'."
                )
            deprecated("Flask(static_path=...)", "Flask(static_url_path=...)")
            kwargs["static_url_path"] = static_path
        init(self, *args, **kwargs)
        _after_init(self)

    return __init__


def _after_init(app: Flask) -> None:
    config = app.config
    try:
        setattr(config, _config.OWNER_ATTR, weakref.ref(app))
    except AttributeError:  # a custom make_config() returned a plain dict
        return
    for key in _config.LEGACY_KEYS.intersection(config):
        # Seeded by a subclass's default_config, bypassing the config hook.
        dict.__setitem__(config, key, _config.on_set(config, key, config[key], stacklevel=3))
    if os.environ.get("FLASK_ENV"):
        ignored(
            "The FLASK_ENV environment variable (limit 3: it no longer enables"
            " debug mode; app.env still reads it)",
            "set FLASK_DEBUG=1 or use 'flask run --debug' for debug mode",
            stacklevel=3,
        )


def _init_subclass(cls: type[Flask], /, **kwargs: t.Any) -> None:
    super(_FLASK[0], cls).__init_subclass__(**kwargs)  # type: ignore[arg-type]
    namespace = vars(cls)
    for name, (key, replacement) in CONFIG_ATTRIBUTES.items():
        value = namespace.get(name)
        if value is not None and not isinstance(value, property):
            deprecated(f"{cls.__name__}.{name} = ...", f"default_config / {replacement}", 2)
            cls.default_config = ImmutableDict({**cls.default_config, key: value})
            delattr(cls, name)
    if "request_globals_class" in namespace:
        deprecated(f"{cls.__name__}.request_globals_class", "app_ctx_globals_class", 2)
        cls.app_ctx_globals_class = namespace["request_globals_class"]
        delattr(cls, "request_globals_class")
    for kind in ("encoder", "decoder"):
        value = namespace.get(f"json_{kind}")
        if value is None or isinstance(value, property):
            continue
        deprecated(
            f"{cls.__name__}.json_{kind}",
            f"a JSONProvider subclass as {cls.__name__}.json_provider_class",
            2,
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
                2,
            )
    _sessions.on_subclass(cls)


# -- Jinja ----------------------------------------------------------------

_REMOVED_JINJA_EXTENSIONS = frozenset(
    {"jinja2.ext.autoescape", "jinja2.ext.with_"}
)


def jinja_extensions(extensions: t.Iterable[t.Any]) -> list[t.Any]:
    """``extensions`` without the two that Jinja 3 removed (the 0.12
    ``jinja_options`` default), warning when one is dropped."""
    kept = [ext for ext in extensions if ext not in _REMOVED_JINJA_EXTENSIONS]
    if len(kept) != len(list(extensions)):
        deprecated(
            "jinja_options['extensions'] with 'jinja2.ext.autoescape' or"
            " 'jinja2.ext.with_' (removed from Jinja 3; dropped)",
            "leave them out: autoescaping and 'with' are built into Jinja",
            stacklevel=2,
        )
    return kept


_FLASK: list[type] = []


def attach(
    flask_class: type[Flask],
    setupmethod: t.Callable[[t.Any], t.Any],
    request_class: type,
    request_context_class: type,
) -> None:
    """Add the older API to :class:`flaskfast.Flask`, ``Request`` and
    ``RequestContext`` (called once by :mod:`flaskfast.app`, which passes
    them and its scaffold's ``setupmethod``)."""
    from . import first_request
    from . import request

    Flask = flask_class
    _FLASK.append(Flask)
    first_request.attach(Flask, setupmethod)
    _sessions.attach(Flask)
    request.attach(request_class, request_context_class)
    for name, (key, replacement) in CONFIG_ATTRIBUTES.items():
        setattr(Flask, name, _config_property(name, key, replacement))
    setattr(Flask, "env", property(_env, _set_env))
    setattr(
        Flask,
        "propagate_exceptions",
        property(
            _propagate_exceptions,
            _read_only("propagate_exceptions", "set app.config['PROPAGATE_EXCEPTIONS']"),
        ),
    )
    setattr(
        Flask,
        "preserve_context_on_exception",
        property(
            _preserve_context_on_exception,
            _read_only(
                "preserve_context_on_exception",
                "teardown always runs at the end of a request (limit 2)",
            ),
        ),
    )
    setattr(
        Flask,
        "logger_name",
        property(
            _logger_name,
            _read_only(
                "logger_name",
                "the logger is logging.getLogger(app.name) (limit 7); configure"
                " that logger, or pass another import name to Flask()",
            ),
        ),
    )
    setattr(
        Flask,
        "request_globals_class",
        property(_request_globals_class, _set_request_globals_class),
    )
    setattr(Flask, "init_jinja_globals", init_jinja_globals)
    setattr(Flask, "json_encoder", _codec_property("encoder"))
    setattr(Flask, "json_decoder", _codec_property("decoder"))
    setattr(Flask, "__init__", _wrap_init(Flask.__init__))
    setattr(Flask, "__init_subclass__", classmethod(_init_subclass))
