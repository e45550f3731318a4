"""The compatibility layer for code written for Flask 0.11 - 2.2.

Each module holds one concept of the older API (see ``LEGACY_API.md`` of
the project for the table it implements): module-level names
(:mod:`.names`), JSON (:mod:`.json`), the app object (:mod:`.app`,
:mod:`.first_request`, :mod:`.sessions`), configuration (:mod:`.config`),
requests (:mod:`.request`), error handlers (:mod:`.errors`), file sending
(:mod:`.send`), blueprints (:mod:`.blueprints`), the CLI (:mod:`.cli`) and
``flask.ext`` (:mod:`.ext`).

The rule every module follows: code that uses none of the older API sees no
warning, no difference and no extra work per request; each use of an old
name warns once with the Flask 3.1 replacement; where the old behaviour
cannot be restored without changing what Flask 3.1 code relies on, the old
spelling warns or raises saying what to write instead.  The opt-ins live in
:mod:`flaskfast.legacy`.

This package's own namespace is the seam through which flaskfast's modules
offer the older API while they are imported.  It imports none of the modules
above: the old attributes of ``Flask``, ``Blueprint``, ``Request``,
``RequestContext`` and ``Config`` are placeholders (:class:`_Lazy`) until one
is first used, and the hooks below (``Flask.__init__``, class creation,
config writes, ``send_file`` keywords, error-handler registrations, Jinja
options) load a module only when what they see is the older API.  So
``import flaskfast`` loads no legacy module, and an app that uses none of
the older API never does.
"""

from __future__ import annotations

import functools
import os
import typing as t
import weakref
from collections import defaultdict

if t.TYPE_CHECKING:  # pragma: no cover
    from ..app import Flask
    from ..config import Config

_F = t.TypeVar("_F", bound=t.Callable[..., t.Any])
_Load = t.Callable[[], t.Dict[str, t.Any]]


# -- attributes that cost nothing until used ---------------------------------


class _Group:
    """Old attributes of one class, loaded together from one module: until
    the first use of any of them, each is a :class:`_Lazy` on the class; the
    first use replaces them all with the real descriptors and methods."""

    def __init__(self, owner: type, properties: tuple[str, ...], methods: tuple[str, ...], load: _Load) -> None:
        self.owner = owner
        self.properties = frozenset(properties)
        self.names = frozenset(properties + methods)
        self._load = load
        self._values: dict[str, t.Any] | None = None
        for name in properties:
            setattr(owner, name, _LazyProperty(self, name))
        for name in methods:
            setattr(owner, name, _Lazy(self, name))

    def resolve(self, name: str) -> t.Any:
        """The real attribute ``name`` (loading the group on first use)."""
        values = self._values
        if values is None:
            values = self._load()
            if set(values) != self.names or any(
                hasattr(value, "__set__") != (key in self.properties)
                for key, value in values.items()
            ):
                raise RuntimeError(
                    f"flaskfast._legacy: the placeholders of {self.owner.__name__}"
                    " do not match the attributes its legacy module provides."
                )
            for key, value in values.items():
                # Unless replaced (monkeypatched) in the meantime.
                if isinstance(vars(self.owner).get(key), _Lazy):
                    setattr(self.owner, key, value)
            self._values = values
        return values[name]


class _Lazy:
    """Placeholder of an old method: the first access loads its group."""

    def __init__(self, group: _Group, name: str) -> None:
        self._group = group
        self._name = name

    def __get__(self, obj: object, objtype: type | None = None) -> t.Any:
        real = self._group.resolve(self._name)
        return real.__get__(obj, objtype)

    def __repr__(self) -> str:
        return f"<legacy {self._group.owner.__name__}.{self._name}, not loaded yet>"


class _LazyProperty(_Lazy):
    """Placeholder of an old property (a data descriptor, as the property
    is: it takes precedence over the instance dictionary)."""

    def __set__(self, obj: object, value: t.Any) -> None:
        self._group.resolve(self._name).__set__(obj, value)

    def __delete__(self, obj: object) -> None:
        self._group.resolve(self._name).__delete__(obj)


# -- Flask, Request, RequestContext ------------------------------------------

_FLASK_PROPERTIES = (
    "session_cookie_name",
    "send_file_max_age_default",
    "use_x_sendfile",
    "templates_auto_reload",
    "env",
    "propagate_exceptions",
    "preserve_context_on_exception",
    "logger_name",
    "request_globals_class",
    "json_encoder",
    "json_decoder",
    "before_first_request_funcs",
    "got_first_request",
)
_FLASK_METHODS = (
    "before_first_request",
    "try_trigger_before_first_request_functions",
    "open_session",
    "save_session",
    "make_null_session",
    "init_jinja_globals",
)
#: Names a ``Flask`` subclass may define that mean the older API (class
#: attributes that became config keys or providers, the pre-2.0 session
#: methods); see :func:`flaskfast._legacy.app.on_subclass`.
SUBCLASS_NAMES = frozenset(
    {
        "session_cookie_name",
        "send_file_max_age_default",
        "use_x_sendfile",
        "templates_auto_reload",
        "request_globals_class",
        "json_encoder",
        "json_decoder",
        "open_session",
        "save_session",
        "make_null_session",
    }
)


def attach_app(
    flask_class: type[Flask],
    setupmethod: t.Callable[[_F], _F],
    request_class: type,
    request_context_class: type,
) -> None:
    """Give :class:`flaskfast.Flask`, ``Request`` and ``RequestContext``
    the older API (called once by :mod:`flaskfast.app`, which passes them
    and its scaffold's ``setupmethod``)."""

    def load_app() -> dict[str, t.Any]:
        from . import app

        return app.attributes(setupmethod)

    def load_request() -> dict[str, t.Any]:
        from . import request

        return request.request_attributes()

    def load_context() -> dict[str, t.Any]:
        from . import request

        return request.context_attributes()

    _Group(flask_class, _FLASK_PROPERTIES, _FLASK_METHODS, load_app)
    _Group(request_class, ("is_xhr", "module"), (), load_request)
    _Group(request_context_class, ("g",), (), load_context)
    setattr(flask_class, "__init__", _wrap_init(flask_class.__init__))
    setattr(flask_class, "__init_subclass__", _init_subclass(flask_class))


def _wrap_init(init: t.Callable[..., None]) -> t.Callable[..., None]:
    @functools.wraps(init)
    def __init__(self: Flask, *args: t.Any, **kwargs: t.Any) -> None:
        if "static_path" in kwargs:
            from .app import rename_static_path

            rename_static_path(args, kwargs)
        init(self, *args, **kwargs)
        config = self.config
        try:
            # The app whose JSON provider a later JSON_* key switches.
            setattr(config, OWNER_ATTR, weakref.ref(self))
        except AttributeError:  # a custom make_config() returned a plain dict
            return
        if os.environ.get("FLASK_ENV") or any(
            is_legacy_setting(key, config[key]) for key in LEGACY_KEYS.intersection(config)
        ):
            from .app import after_init

            after_init(self)

    return __init__


def _init_subclass(flask_class: type[Flask]) -> t.Any:
    def __init_subclass__(cls: type[Flask], /, **kwargs: t.Any) -> None:
        super(flask_class, cls).__init_subclass__(**kwargs)
        if not SUBCLASS_NAMES.isdisjoint(vars(cls)):
            from .app import on_subclass

            on_subclass(cls)

    return classmethod(__init_subclass__)


_REMOVED_JINJA_EXTENSIONS = frozenset({"jinja2.ext.autoescape", "jinja2.ext.with_"})


def jinja_extensions(extensions: t.Collection[t.Any]) -> t.Collection[t.Any]:
    """``jinja_options['extensions']`` without the two that Jinja 3 removed
    (the 0.12 default), warning when one is dropped."""
    if _REMOVED_JINJA_EXTENSIONS.isdisjoint(extensions):
        return extensions
    from .warn import deprecated

    deprecated(
        "jinja_options['extensions'] with 'jinja2.ext.autoescape' or"
        " 'jinja2.ext.with_' (removed from Jinja 3; dropped)",
        "leave them out: autoescaping and 'with' are built into Jinja",
    )
    return [ext for ext in extensions if ext not in _REMOVED_JINJA_EXTENSIONS]


# -- Blueprint ---------------------------------------------------------------


def attach_blueprint(blueprint_class: type, setupmethod: t.Callable[[_F], _F]) -> None:
    """Give :class:`flaskfast.sansio.blueprints.Blueprint` the older API
    (called by that module; ``setupmethod`` is the scaffold's decorator)."""

    def load() -> dict[str, t.Any]:
        from . import blueprints

        return blueprints.attributes(setupmethod)

    _Group(blueprint_class, (), ("before_app_first_request",), load)
    register = blueprint_class.register  # type: ignore[attr-defined]

    @functools.wraps(register)
    def wrapper(self: t.Any, app: t.Any, options: dict[str, t.Any], *legacy: t.Any) -> None:
        if legacy:
            from .blueprints import check_register_arguments

            check_register_arguments(legacy)
        register(self, app, options)

    setattr(blueprint_class, "register", wrapper)


# -- Config ------------------------------------------------------------------

#: Attribute of a Config holding a weak reference to its app.
OWNER_ATTR = "_legacy_owner"
#: The keys whose writes :func:`config_value` looks at.
LEGACY_KEYS = frozenset(
    {
        "APPLICATION_ROOT",
        "JSON_AS_ASCII",
        "JSON_SORT_KEYS",
        "JSONIFY_PRETTYPRINT_REGULAR",
        "JSONIFY_MIMETYPE",
        "ENV",
        "LOGGER_NAME",
        "LOGGER_HANDLER_POLICY",
        "PRESERVE_CONTEXT_ON_EXCEPTION",
    }
)


def is_legacy_setting(key: str, value: t.Any) -> bool:
    """Whether storing ``value`` under ``key`` (one of :data:`LEGACY_KEYS`)
    is the older API: any value of a removed key, ``None`` for
    ``APPLICATION_ROOT`` (a string root is a Flask 3.1 setting)."""
    return key != "APPLICATION_ROOT" or value is None


def config_value(config: Config, key: str, value: t.Any) -> t.Any:
    """The value to store when ``key`` (one of :data:`LEGACY_KEYS`) is
    written to ``config``, warning when the write is the older API
    (see :func:`flaskfast._legacy.config.on_set`)."""
    if not is_legacy_setting(key, value):
        return value
    from .config import on_set

    return on_set(config, key, value)


def attach_config(config_class: type) -> None:
    """Give :class:`flaskfast.Config` the older API (called by
    :mod:`flaskfast.config`)."""

    def load() -> dict[str, t.Any]:
        from . import config

        return config.attributes()

    _Group(config_class, (), ("from_json",), load)


# -- send_file / send_from_directory, show_server_banner, error handlers ------

#: The pre-2.0 keyword names of ``send_file`` (and ``filename`` of
#: ``send_from_directory``); see :mod:`flaskfast._legacy.send`.
OLD_SEND_KEYWORDS = frozenset(
    {"filename_or_fp", "attachment_filename", "cache_timeout", "add_etags", "filename"}
)


def accept_old_keywords(function: _F) -> _F:
    """Wrap ``send_file`` or ``send_from_directory`` so that the pre-2.0
    keyword names are renamed (with a warning).  A call without one pays a
    set test; the wrapper keeps the wrapped function's signature."""
    name = function.__name__

    @functools.wraps(function)
    def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
        if kwargs and not OLD_SEND_KEYWORDS.isdisjoint(kwargs):
            from .send import rename_old_keywords

            kwargs = rename_old_keywords(name, kwargs)
        return function(*args, **kwargs)

    return t.cast(_F, wrapper)


def accept_banner_arguments(show_server_banner: _F) -> _F:
    """Wrap ``show_server_banner(debug, app_import_path)`` to also accept the
    Flask < 2.2 call ``(env, debug, app_import_path, eager_loading)``
    (see :func:`flaskfast._legacy.cli.old_banner_arguments`)."""

    @functools.wraps(show_server_banner)
    def wrapper(*args: t.Any, **kwargs: t.Any) -> None:
        if len(args) == 4 or "env" in kwargs or "eager_loading" in kwargs:
            from .cli import old_banner_arguments

            args, kwargs = old_banner_arguments(args, kwargs), {}
        show_server_banner(*args, **kwargs)

    return t.cast(_F, wrapper)


class HandlerSpec(defaultdict):  # type: ignore[type-arg]
    """``defaultdict(dict)`` mapping an HTTP code (or ``None``) to
    ``{exception class: handler}``, the per-scope mapping of
    ``app.error_handler_spec``.  A hand-written 0.x registration
    (``spec[None][404] = handler``) is stored in that shape with a warning
    (see :mod:`flaskfast._legacy.errors`); reads keep the 3.1 shape
    (limit 15) and are ``defaultdict``'s own."""

    def __init__(self) -> None:
        super().__init__(dict)

    def __setitem__(self, code: t.Any, value: t.Any) -> None:
        if not isinstance(value, dict):
            from .errors import as_handler_map

            value = as_handler_map(code, value)
        super().__setitem__(code, value)
