"""Application configuration: a ``dict`` with loaders.

:class:`Config` holds the app's settings. Only UPPERCASE keys are taken from
objects, files and mappings, so helper names and imports in a settings module
stay out of the config. :class:`ConfigAttribute` mirrors one config key as an
attribute of the app (``app.testing`` <-> ``app.config["TESTING"]``).
"""

from __future__ import annotations

import errno
import json
import os
import types
import typing as t

from werkzeug.utils import import_string

from . import _legacy
from ._legacy import LEGACY_KEYS as _LEGACY_KEYS

if t.TYPE_CHECKING:  # pragma: no cover
    import typing_extensions as te

    from .sansio.app import App

T = t.TypeVar("T")

# errno values that ``silent=True`` turns into "return False".
_MISSING_FILE_ERRNOS = frozenset((errno.ENOENT, errno.EISDIR, errno.ENOTDIR))


class ConfigAttribute(t.Generic[T]):
    """Descriptor exposing ``obj.config[name]`` as an attribute.

    ``get_converter``, when given, is applied to the stored value on every
    read (for example ``_make_timedelta`` for the session lifetime). Writes
    store the value unchanged.
    """

    def __init__(
        self, name: str, get_converter: t.Callable[[t.Any], T] | None = None
    ) -> None:
        self.__name__ = name
        self.get_converter = get_converter

    @t.overload
    def __get__(self, obj: None, owner: type[t.Any] | None = None) -> te.Self: ...

    @t.overload
    def __get__(self, obj: App, owner: type[App] | None = None) -> T: ...

    def __get__(self, obj: App | None, owner: type[App] | None = None) -> T | te.Self:
        if obj is None:
            return self
        value = obj.config[self.__name__]
        converter = self.get_converter
        if converter is not None:
            return converter(value)
        return value  # type: ignore[no-any-return]

    def __set__(self, obj: App, value: t.Any) -> None:
        obj.config[self.__name__] = value


def _reraise_load_error(exc: OSError, silent: bool) -> bool:
    """Return False for a missing file when silent, else re-raise annotated."""
    if silent and exc.errno in _MISSING_FILE_ERRNOS:
        return False
    exc.strerror = f"Unable to load configuration file ({exc.strerror})"
    raise exc


class Config(dict):  # type: ignore[type-arg]
    """A dict of settings with helpers to fill it from several sources.

    ``root_path`` is the directory relative file names are resolved against
    (the app's ``root_path``, or ``instance_path`` when the app was created
    with ``instance_relative_config=True``). ``defaults`` seeds the dict.

    Every ``from_*`` loader copies only UPPERCASE keys, so a typical set-up
    layers defaults, a file and the environment::

        app.config.from_object("notes.settings.Defaults")
        app.config.from_pyfile("settings.py", silent=True)  # in root_path
        app.config.from_prefixed_env()                       # FLASK_SECRET_KEY ...
    """

    def __init__(
        self,
        root_path: str | os.PathLike[str],
        defaults: dict[str, t.Any] | None = None,
    ) -> None:
        super().__init__(defaults or {})
        self.root_path = root_path

    def from_envvar(self, variable_name: str, silent: bool = False) -> bool:
        """Load the Python file named by environment variable ``variable_name``.

        Returns what :meth:`from_pyfile` returns for that file.

        :raises RuntimeError: the variable is unset or empty, unless
            ``silent`` (then the result is ``False``).
        :raises OSError: as :meth:`from_pyfile`.

        For example, with ``NOTES_SETTINGS=/etc/notes/production.py`` in the
        environment::

            app.config.from_envvar("NOTES_SETTINGS")
        """
        filename = os.environ.get(variable_name)
        if not filename:
            if silent:
                return False
            raise RuntimeError(
                f"The environment variable {variable_name!r} is not set and as"
                " such configuration could not be loaded. Set this variable to"
                " the path of a configuration file."
            )
        return self.from_pyfile(filename, silent=silent)

    def from_prefixed_env(
        self, prefix: str = "FLASK", *, loads: t.Callable[[str], t.Any] = json.loads
    ) -> bool:
        """Load every ``{prefix}_*`` environment variable, prefix stripped.

        Each value is passed through ``loads`` (JSON by default) and kept as a
        plain string if that fails. ``__`` in a key walks into nested dicts,
        creating them as needed: ``FLASK_DB__HOST`` sets
        ``config["DB"]["HOST"]``. Variables are applied in sorted name order.
        Always returns True.

        For example, ``FLASK_SECRET_KEY=abc FLASK_PAGE_SIZE=20`` in the
        environment give ``config["SECRET_KEY"] == "abc"`` (not valid JSON:
        kept as text) and ``config["PAGE_SIZE"] == 20``.
        """
        head = f"{prefix}_"
        cut = len(head)
        environ = os.environ

        for env_key in sorted(environ):
            if not env_key.startswith(head):
                continue
            raw = environ[env_key]
            try:
                value = loads(raw)
            except Exception:
                # Not valid for the loader: keep the raw string.
                value = raw

            key = env_key[cut:]
            if "__" not in key:
                self[key] = value
                continue

            *path, leaf = key.split("__")
            target: t.Any = self
            for part in path:
                if part not in target:
                    target[part] = {}
                target = target[part]
            target[leaf] = value

        return True

    def from_pyfile(
        self, filename: str | os.PathLike[str], silent: bool = False
    ) -> bool:
        """Execute a Python file and load its UPPERCASE globals.

        A relative ``filename`` is resolved against :attr:`root_path`. The file
        is compiled from bytes so a ``coding:`` declaration is honoured.
        Returns True on success; with ``silent=True`` a missing file (or a
        directory) returns False instead of raising.

        :raises OSError: the file cannot be read (its ``strerror`` begins
            "Unable to load configuration file").
        :raises Exception: whatever the file's own code raises.
        """
        path = os.path.join(self.root_path, filename)
        namespace = types.ModuleType("config")
        namespace.__file__ = path
        try:
            # An OSError raised by the file's own code is reported the same
            # way as a missing file, so the exec stays inside the try.
            with open(path, mode="rb") as fh:
                exec(compile(fh.read(), path, "exec"), namespace.__dict__)
        except OSError as exc:
            return _reraise_load_error(exc, silent)
        self.from_object(namespace)
        return True

    def from_object(self, obj: object | str) -> None:
        """Copy the UPPERCASE attributes of ``obj`` (inherited ones included).

        ``obj`` may be a module, class or instance, or an import string such as
        ``"myapp.settings.Production"``. Lower-case names are skipped, so
        helpers and imports in a settings module stay out of the config.

        :raises ImportError: an import string that cannot be imported.

        For example::

            class Defaults:
                PAGE_SIZE = 20
                SESSION_COOKIE_SAMESITE = "Lax"

            class Production(Defaults):
                SESSION_COOKIE_SECURE = True

            app.config.from_object(Production)   # all three keys
        """
        if isinstance(obj, str):
            obj = import_string(obj)
        for name in dir(obj):
            if name.isupper():
                self[name] = getattr(obj, name)

    def from_file(
        self,
        filename: str | os.PathLike[str],
        load: t.Callable[[t.IO[t.Any]], t.Mapping[str, t.Any]],
        silent: bool = False,
        text: bool = True,
    ) -> bool:
        """Load a data file with ``load`` (e.g. ``json.load``, ``tomllib.load``).

        The file is opened in text mode, or binary when ``text=False``; the
        mapping ``load`` returns goes through :meth:`from_mapping`. Missing
        files behave as in :meth:`from_pyfile`. Returns True, or False for
        a missing file with ``silent=True``.

        :raises OSError: the file cannot be read.

        For example::

            import json, tomllib
            app.config.from_file("settings.json", load=json.load)
            app.config.from_file("settings.toml", load=tomllib.load, text=False)
        """
        path = os.path.join(self.root_path, filename)
        try:
            with open(path, "r" if text else "rb") as fh:
                data = load(fh)
        except OSError as exc:
            return _reraise_load_error(exc, silent)
        return self.from_mapping(data)

    def from_mapping(
        self, mapping: t.Mapping[str, t.Any] | None = None, **kwargs: t.Any
    ) -> bool:
        """Update from a mapping (or pairs) and keywords, UPPERCASE keys only.

        Always returns True.
        """
        merged: dict[str, t.Any] = {}
        if mapping is not None:
            merged.update(mapping)
        merged.update(kwargs)
        for key, value in merged.items():
            if key.isupper():
                self[key] = value
        return True

    def get_namespace(
        self, namespace: str, lowercase: bool = True, trim_namespace: bool = True
    ) -> dict[str, t.Any]:
        """Return the entries whose key starts with ``namespace``.

        ``trim_namespace`` drops the prefix from the returned keys and
        ``lowercase`` lower-cases them, which makes the result convenient as
        keyword arguments.

        For example, with ``MAIL_HOST = "smtp.internal"`` and
        ``MAIL_PORT = 25`` in the config::

            app.config.get_namespace("MAIL_")
            # {"host": "smtp.internal", "port": 25}
        """
        cut = len(namespace) if trim_namespace else 0
        found: dict[str, t.Any] = {}
        for key, value in self.items():
            if not key.startswith(namespace):
                continue
            name = key[cut:]
            if lowercase:
                name = name.lower()
            found[name] = value
        return found

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {dict.__repr__(self)}>"

    # Writes of keys the older Flask API used (``JSON_SORT_KEYS``,
    # ``APPLICATION_ROOT = None`` ...) go through flaskfast._legacy, which
    # warns and applies them; other keys are stored as by ``dict``.

    def __setitem__(self, key: t.Any, value: t.Any) -> None:
        if key in _LEGACY_KEYS:
            value = _legacy.config_value(self, key, value)
        dict.__setitem__(self, key, value)

    def update(self, *args: t.Any, **kwargs: t.Any) -> None:
        """``dict.update``, applying the older Flask keys as item writes do."""
        other = dict(*args, **kwargs)
        for key in _LEGACY_KEYS.intersection(other):
            other[key] = _legacy.config_value(self, key, other[key])
        dict.update(self, other)

    def setdefault(self, key: t.Any, default: t.Any = None) -> t.Any:
        """``dict.setdefault``, applying the older Flask keys as item writes do."""
        if key in _LEGACY_KEYS and key not in self:
            default = _legacy.config_value(self, key, default)
        return dict.setdefault(self, key, default)

    def __ior__(self, other: t.Any) -> te.Self:  # type: ignore[misc]
        self.update(other)
        return self


_legacy.attach_config(Config)
