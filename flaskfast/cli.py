"""Command line interface for flaskfast applications (``flask``-compatible).

The ``flaskfast`` console script (and ``python -m flaskfast``) runs :data:`cli`,
a :class:`FlaskGroup`. It finds the application from ``--app`` / ``FLASK_APP``
or a ``wsgi.py`` / ``app.py`` in the working directory, loads ``.flaskenv`` /
``.env`` files, and offers ``run``, ``shell`` and ``routes`` plus every command
registered on ``app.cli``, blueprints and ``flask.commands`` entry points, and
``bench`` (:mod:`flaskfast._bench`), which only flaskfast has.
"""

from __future__ import annotations

import ast
import collections.abc as cabc
import importlib
import inspect
import os
import platform
import re
import sys
import traceback
import typing as t
from functools import update_wrapper
from operator import itemgetter
from types import ModuleType

import click
from click.core import ParameterSource
from werkzeug import run_simple
from werkzeug.serving import is_running_from_reloader
from werkzeug.utils import import_string

from ._flask_dist import FLASK_API_VERSION as FLASK_API_VERSION
from ._legacy import accept_banner_arguments as _accept_banner_arguments
from .globals import current_app

if t.TYPE_CHECKING:  # pragma: no cover
    import ssl

    from _typeshed.wsgi import StartResponse
    from _typeshed.wsgi import WSGIApplication
    from _typeshed.wsgi import WSGIEnvironment

    from .app import Flask

F = t.TypeVar("F", bound=t.Callable[..., t.Any])

_NO_APP_FOUND = (
    "Could not locate a Flask application. Use the 'flask --app' option,"
    " 'FLASK_APP' environment variable, or a 'wsgi.py' or 'app.py' file in the"
    " current directory."
)


def _call_factory(factory: t.Callable[..., t.Any], *args: t.Any, **kwargs: t.Any) -> t.Any:
    """Call an app factory, giving the ``ScriptInfo`` to one written for
    Flask < 2.1 (:func:`flaskfast._legacy.cli.call_factory`, loaded when
    the command line first calls a factory)."""
    from ._legacy.cli import call_factory

    return call_factory(factory, *args, **kwargs)


def __getattr__(name: str) -> t.Any:
    # helpers.py imports from modules that import this one; resolve the
    # names Flask exposes here on first access instead of at import time.
    if name in ("get_debug_flag", "get_load_dotenv"):
        from . import helpers

        return getattr(helpers, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _debug_flag() -> bool:
    from .helpers import get_debug_flag

    return get_debug_flag()


def _load_dotenv_flag(default: bool) -> bool:
    from .helpers import get_load_dotenv

    return get_load_dotenv(default)


def _flask_class() -> type[Flask]:
    from .app import Flask

    return Flask


class NoAppException(click.UsageError):
    """The application could not be found or loaded."""


# --------------------------------------------------------------------------
# Finding the application
# --------------------------------------------------------------------------


def find_best_app(module: ModuleType) -> Flask:
    """Return the one Flask app in ``module``, guessing by convention.

    Order: an ``app`` or ``application`` attribute, then the only Flask
    instance in the module, then a ``create_app`` / ``make_app`` factory
    called without arguments. Raises :class:`NoAppException` otherwise.
    """
    flask_cls = _flask_class()
    mod_name = module.__name__

    for attr_name in ("app", "application"):
        candidate = getattr(module, attr_name, None)
        if isinstance(candidate, flask_cls):
            return candidate

    found = [v for v in vars(module).values() if isinstance(v, flask_cls)]
    if len(found) == 1:
        return found[0]
    if found:
        raise NoAppException(
            f"Detected multiple Flask applications in module '{mod_name}'."
            f" Use '{mod_name}:name' to specify the correct one."
        )

    for attr_name in ("create_app", "make_app"):
        factory = getattr(module, attr_name, None)
        if not inspect.isfunction(factory):
            continue
        try:
            made = _call_factory(factory, find_script_info=_current_script_info)
        except TypeError as e:
            if not _called_with_wrong_args(factory):
                raise
            raise NoAppException(
                f"Detected factory '{attr_name}' in module '{mod_name}', but"
                " could not call it without arguments. Use"
                f" '{mod_name}:{attr_name}(args)' to specify arguments."
            ) from e
        if isinstance(made, flask_cls):
            return made

    raise NoAppException(
        f"Failed to find Flask application or factory in module '{mod_name}'."
        f" Use '{mod_name}:name' to specify one."
    )


def _current_script_info() -> ScriptInfo:
    """The current click context's ScriptInfo, or a new one (for factories
    written for Flask < 2.1, see flaskfast._legacy.cli)."""
    ctx = click.get_current_context(silent=True)
    found = ctx.find_object(ScriptInfo) if ctx is not None else None
    return found if found is not None else ScriptInfo()


def _called_with_wrong_args(f: t.Callable[..., t.Any]) -> bool:
    """Tell whether the ``TypeError`` being handled came from calling ``f``
    itself (bad arguments) rather than from code running inside ``f``.
    """
    tb = sys.exc_info()[2]
    code = getattr(f, "__code__", None)
    try:
        while tb is not None:
            if tb.tb_frame.f_code is code:
                # The body of f started running: the error is its own.
                return False
            tb = tb.tb_next
        return True
    finally:
        # Break the frame <-> traceback reference cycle.
        del tb


def _literal_call_args(
    app_name: str, call: ast.Call
) -> tuple[list[t.Any], dict[str, t.Any]]:
    try:
        args = [ast.literal_eval(node) for node in call.args]
        kwargs = {
            kw.arg: ast.literal_eval(kw.value)
            for kw in call.keywords
            if kw.arg is not None
        }
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        raise NoAppException(
            f"Failed to parse arguments as literal values: {app_name!r}."
        ) from None
    return args, kwargs


def find_app_by_string(module: ModuleType, app_name: str) -> Flask:
    """Resolve ``app_name`` inside ``module``.

    ``app_name`` is either an attribute name or a call of a module-level
    function with literal arguments, such as ``create_app("dev", debug=True)``.
    """
    flask_cls = _flask_class()
    mod_name = module.__name__
    bad_syntax = (
        f"Failed to parse {app_name!r} as an attribute name or function call."
    )

    try:
        node = ast.parse(app_name.strip(), mode="eval").body
    except SyntaxError:
        raise NoAppException(bad_syntax) from None

    args: list[t.Any] = []
    kwargs: dict[str, t.Any] = {}
    if isinstance(node, ast.Name):
        name = node.id
    elif isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name):
            raise NoAppException(
                f"Function reference must be a simple name: {app_name!r}."
            )
        name = node.func.id
        args, kwargs = _literal_call_args(app_name, node)
    else:
        raise NoAppException(bad_syntax)

    try:
        target = getattr(module, name)
    except AttributeError as e:
        raise NoAppException(
            f"Failed to find attribute {name!r} in {mod_name!r}."
        ) from e

    if inspect.isfunction(target):
        try:
            result = _call_factory(
                target, args, kwargs, find_script_info=_current_script_info
            )
        except TypeError as e:
            if not _called_with_wrong_args(target):
                raise
            raise NoAppException(
                f"The factory {app_name!r} in module {mod_name!r} could not be"
                " called with the specified arguments."
            ) from e
    else:
        result = target

    if isinstance(result, flask_cls):
        return result

    raise NoAppException(
        "A valid Flask application was not obtained from"
        f" '{mod_name}:{app_name}'."
    )


def prepare_import(path: str) -> str:
    """Turn a file path or dotted name into an importable module name.

    The directory that contains the top-level package is put first on
    ``sys.path`` so the returned name can be imported.
    """
    path = os.path.realpath(path)
    stem, ext = os.path.splitext(path)
    if ext == ".py":
        path = stem
    if os.path.basename(path) == "__init__":
        path = os.path.dirname(path)

    parts: list[str] = []
    # Climb while the directory is a package, collecting module name parts.
    while True:
        path, part = os.path.split(path)
        parts.append(part)
        if not os.path.exists(os.path.join(path, "__init__.py")):
            break

    if sys.path[0] != path:
        sys.path.insert(0, path)

    return ".".join(reversed(parts))


@t.overload
def locate_app(
    module_name: str, app_name: str | None, raise_if_not_found: t.Literal[True] = True
) -> Flask: ...


@t.overload
def locate_app(
    module_name: str, app_name: str | None, raise_if_not_found: t.Literal[False] = ...
) -> Flask | None: ...


def locate_app(
    module_name: str, app_name: str | None, raise_if_not_found: bool = True
) -> Flask | None:
    """Import ``module_name`` and find the app in it.

    A module that cannot be found gives :class:`NoAppException` (or ``None``
    when ``raise_if_not_found`` is false); an ``ImportError`` raised while
    the module itself runs is always reported, with its traceback.
    """
    try:
        __import__(module_name)
    except ImportError as e:
        # A traceback deeper than this frame means the module was found and
        # something inside it failed to import.
        if e.__traceback__ is not None and e.__traceback__.tb_next is not None:
            raise NoAppException(
                f"While importing {module_name!r}, an ImportError was"
                f" raised:\n\n{traceback.format_exc()}"
            ) from None
        if raise_if_not_found:
            raise NoAppException(f"Could not import {module_name!r}.") from None
        return None

    module = sys.modules[module_name]
    if app_name is None:
        return find_best_app(module)
    return find_app_by_string(module, app_name)


# --------------------------------------------------------------------------
# Version option
# --------------------------------------------------------------------------


def _dist_version(name: str) -> str | None:
    # PERF: importlib.metadata costs ~7 ms to import and `import flaskfast`
    # loads this module (scaffold imports AppGroup); import it on use.
    import importlib.metadata

    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def implementation_line() -> str:
    """``flaskfast implementation: cython``, or ``python (<why>)`` when pure:
    which code runs, as ``flaskfast._speedups`` chose it at import."""
    from ._speedups import IMPLEMENTATION
    from ._speedups import IMPLEMENTATION_REASON

    if IMPLEMENTATION_REASON is None:
        return f"flaskfast implementation: {IMPLEMENTATION}"
    return f"flaskfast implementation: {IMPLEMENTATION} ({IMPLEMENTATION_REASON})"


def get_version(ctx: click.Context, param: click.Parameter, value: t.Any) -> None:
    """``--version`` callback: print the Python, Flask API (with flaskfast's
    own version) and Werkzeug versions, as Flask does, then which
    implementation runs (compiled kernels or pure Python, and why)."""
    if not value or ctx.resilient_parsing:
        return

    from ._version import __version__ as ff_version

    werkzeug_version = _dist_version("werkzeug") or "unknown"
    click.echo(
        f"Python {platform.python_version()}\n"
        f"Flask {FLASK_API_VERSION} (flaskfast {ff_version})\n"
        f"Werkzeug {werkzeug_version}\n"
        f"{implementation_line()}",
        color=ctx.color,
    )
    ctx.exit()


version_option = click.Option(
    ["--version"],
    help="Print the Python, Flask and Werkzeug versions, flaskfast's version and"
    " implementation, and exit.",
    expose_value=False,
    callback=get_version,
    is_flag=True,
    is_eager=True,
)


# --------------------------------------------------------------------------
# ScriptInfo and decorators
# --------------------------------------------------------------------------


class ScriptInfo:
    """State shared by the CLI commands: how to find and load the app.

    ``app_import_path`` is an ``--app`` style string; ``create_app`` is a
    callable returning the app and takes priority. ``data`` is free-form
    storage for extensions. The app is loaded once and cached.
    """

    def __init__(
        self,
        app_import_path: str | None = None,
        create_app: t.Callable[..., Flask] | None = None,
        set_debug_flag: bool = True,
        load_dotenv_defaults: bool = True,
    ) -> None:
        self.app_import_path = app_import_path
        self.create_app = create_app
        self.data: dict[t.Any, t.Any] = {}
        self.set_debug_flag = set_debug_flag
        self.load_dotenv_defaults = _load_dotenv_flag(load_dotenv_defaults)
        self._loaded_app: Flask | None = None

    def load_app(self) -> Flask:
        """Load (once) and return the application."""
        if self._loaded_app is not None:
            return self._loaded_app

        app: Flask | None = None
        if self.create_app is not None:
            app = _call_factory(self.create_app, script_info=self)
        elif self.app_import_path:
            # Split on the first ":" that is not part of a Windows drive
            # ("C:\..." / "C:/...").
            pieces = re.split(r":(?![\\/])", self.app_import_path, maxsplit=1)
            name = pieces[1] if len(pieces) == 2 else None
            app = locate_app(prepare_import(pieces[0]), name)
        else:
            for filename in ("wsgi.py", "app.py"):
                app = locate_app(
                    prepare_import(filename), None, raise_if_not_found=False
                )
                if app is not None:
                    break

        if app is None:
            raise NoAppException(_NO_APP_FOUND)

        if self.set_debug_flag:
            # The factory may have set debug itself; FLASK_DEBUG wins here.
            app.debug = _debug_flag()

        self._loaded_app = app
        return app


pass_script_info = click.make_pass_decorator(ScriptInfo, ensure=True)


def with_appcontext(f: F) -> F:
    """Run the decorated click callback inside the loaded app's app context.

    An already active app context is reused; otherwise the app is loaded from
    the context's :class:`ScriptInfo` and its context is held until the click
    context closes.
    """

    @click.pass_context
    def run_in_app_context(ctx: click.Context, /, *args: t.Any, **kwargs: t.Any) -> t.Any:
        if not current_app:
            app = ctx.ensure_object(ScriptInfo).load_app()
            ctx.with_resource(app.app_context())
        return ctx.invoke(f, *args, **kwargs)

    return update_wrapper(run_in_app_context, f)  # type: ignore[return-value]


class AppGroup(click.Group):
    """A click group whose commands run in the app context by default.

    ``command(..., with_appcontext=False)`` opts a command out. Subgroups
    made with :meth:`group` are ``AppGroup`` too unless ``cls`` is given.
    """

    def command(
        self, *args: t.Any, **kwargs: t.Any
    ) -> t.Any:
        """Like :meth:`click.Group.command`, but the callback runs inside the
        app context (see :func:`with_appcontext`) unless the extra keyword
        ``with_appcontext=False`` is given. Works bare (``@cli.command``) or
        called (``@cli.command("name", help=...)``) and returns the
        :class:`click.Command` made, as click does.

        For example::

            @app.cli.command("count-users")
            def count_users():
                click.echo(len(db.users()))   # current_app is available here
        """
        wrap = kwargs.pop("with_appcontext", True)

        # Also accept the bare ``@group.command`` form.
        if len(args) == 1 and not kwargs and callable(args[0]):
            func = args[0]
            return self.command(with_appcontext=wrap)(func)

        def decorator(f: t.Callable[..., t.Any]) -> click.Command:
            if wrap:
                f = with_appcontext(f)
            return click.Group.command(self, *args, **kwargs)(f)  # type: ignore[no-any-return]

        return decorator

    def group(
        self, *args: t.Any, **kwargs: t.Any
    ) -> t.Any:
        """Like :meth:`click.Group.group`, but the subgroup is an
        :class:`AppGroup` unless ``cls=`` names another class, so its
        commands run in the app context too."""
        kwargs.setdefault("cls", AppGroup)
        return click.Group.group(self, *args, **kwargs)


# --------------------------------------------------------------------------
# FlaskGroup and its options
# --------------------------------------------------------------------------


def _set_app(ctx: click.Context, param: click.Option, value: str | None) -> str | None:
    if value is None:
        return None
    ctx.ensure_object(ScriptInfo).app_import_path = value
    return value


def _set_debug(ctx: click.Context, param: click.Option, value: bool) -> bool | None:
    # Only an explicit choice (command line or env var) is exported; the
    # app reads FLASK_DEBUG when it is loaded.
    source = ctx.get_parameter_source(param.name)
    if source is None or source in (
        ParameterSource.DEFAULT,
        ParameterSource.DEFAULT_MAP,
    ):
        return None
    os.environ["FLASK_DEBUG"] = "1" if value else "0"
    return value


def _env_file_callback(
    ctx: click.Context, param: click.Option, value: str | None
) -> str | None:
    try:
        import dotenv  # noqa: F401
    except ImportError:
        if value is not None:
            raise click.BadParameter(
                "python-dotenv must be installed to load an env file.",
                ctx=ctx,
                param=param,
            ) from None

    # FLASK_SKIP_DOTENV only turns off the automatic .env/.flaskenv files;
    # an explicitly named file is still loaded.
    info = ctx.ensure_object(ScriptInfo)
    if value is not None or info.load_dotenv_defaults:
        load_dotenv(value, load_defaults=info.load_dotenv_defaults)
    return value


_env_file_option = click.Option(
    ["-e", "--env-file"],
    type=click.Path(exists=True, dir_okay=False),
    help=(
        "Read environment variables from this file. Its values override"
        " '.env' and '.flaskenv' but never variables already set in the"
        " environment. Needs python-dotenv."
    ),
    is_eager=True,
    expose_value=False,
    callback=_env_file_callback,
)

_app_option = click.Option(
    ["-A", "--app"],
    metavar="IMPORT",
    help=(
        "Where to find the application: 'module:name', where module is a"
        " dotted name or a file path. Without ':name', an attribute called"
        " 'app' or 'application' or a factory 'create_app' or 'make_app' is"
        " used; 'name(args)' calls a factory with literal arguments."
    ),
    is_eager=True,
    expose_value=False,
    callback=_set_app,
)

_debug_option = click.Option(
    ["--debug/--no-debug"],
    help="Turn debug mode on or off.",
    expose_value=False,
    callback=_set_debug,
)


class FlaskGroup(AppGroup):
    """The top-level command group: loads the app and exposes its commands.

    Adds the ``--env-file``, ``--app``, ``--debug`` and (optionally)
    ``--version`` options, the ``run``/``shell``/``routes`` commands (unless
    ``add_default_commands=False``) and any ``flask.commands`` entry points.
    Commands not found on the group are looked up on the loaded ``app.cli``.
    """

    def __init__(
        self,
        add_default_commands: bool = True,
        create_app: t.Callable[..., Flask] | None = None,
        add_version_option: bool = True,
        load_dotenv: bool = True,
        set_debug_flag: bool = True,
        **extra: t.Any,
    ) -> None:
        params: list[click.Parameter] = list(extra.pop("params", None) or ())
        params += [_env_file_option, _app_option, _debug_option]
        if add_version_option:
            params.append(version_option)

        settings = extra.get("context_settings")
        if settings is None:
            settings = extra["context_settings"] = {}
        settings.setdefault("auto_envvar_prefix", "FLASK")

        super().__init__(params=params, **extra)

        self.create_app = create_app
        self.load_dotenv = load_dotenv
        self.set_debug_flag = set_debug_flag

        if add_default_commands:
            self.add_command(run_command)
            self.add_command(shell_command)
            self.add_command(routes_command)

        self._loaded_plugin_commands = False

    def _load_plugin_commands(self) -> None:
        if self._loaded_plugin_commands:
            return
        if sys.version_info >= (3, 10):
            from importlib import metadata
        else:
            # As Flask does: the standard library's entry_points() takes no
            # group= before 3.10, so use the backport (a dependency there).
            import importlib_metadata as metadata

        # Extensions written for Flask register under "flask.commands".
        for group in ("flask.commands", "flaskfast.commands"):
            for ep in metadata.entry_points(group=group):
                self.add_command(ep.load(), ep.name)
        self._loaded_plugin_commands = True

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        """The command called ``name``: one of the group's own (``run``,
        ``shell``, ``routes``, entry-point commands), else one from the loaded
        app's ``app.cli``, which is then run with the app context pushed.
        Returns ``None`` when neither has it; an app that cannot be loaded is
        reported on stderr and also gives ``None``."""
        self._load_plugin_commands()
        cmd = super().get_command(ctx, name)
        if cmd is not None:
            return cmd

        info = ctx.ensure_object(ScriptInfo)
        try:
            app = info.load_app()
        except NoAppException as e:
            click.secho(f"Error: {e.format_message()}\n", err=True, fg="red")
            return None

        # Keep the app context for the whole command, so parameter callbacks
        # of app commands can use current_app too.
        if not current_app or current_app._get_current_object() is not app:  # type: ignore[attr-defined]
            ctx.with_resource(app.app_context())

        return app.cli.get_command(ctx, name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Sorted names of the group's own and the app's commands. An app
        that fails to load is reported on stderr (so ``--help`` still works)
        and contributes no names."""
        self._load_plugin_commands()
        names = set(super().list_commands(ctx))
        info = ctx.ensure_object(ScriptInfo)

        # Help must still work when the app is broken: report and go on.
        try:
            names.update(info.load_app().cli.list_commands(ctx))
        except NoAppException as e:
            click.secho(f"Error: {e.format_message()}\n", err=True, fg="red")
        except Exception:
            click.secho(f"{traceback.format_exc()}\n", err=True, fg="red")

        return sorted(names)

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: t.Any,
    ) -> click.Context:
        """Make click's context; its ``obj`` is a :class:`ScriptInfo` built
        from this group's ``create_app``, ``set_debug_flag`` and
        ``load_dotenv`` unless an ``obj`` is passed. Also sets
        ``FLASK_RUN_FROM_CLI`` so that :meth:`Flask.run` knows the command
        line is serving the app."""
        # Tells Flask.run() that the CLI is already serving the app.
        os.environ["FLASK_RUN_FROM_CLI"] = "true"

        if "obj" not in extra and "obj" not in self.context_settings:
            extra["obj"] = ScriptInfo(
                create_app=self.create_app,
                set_debug_flag=self.set_debug_flag,
                load_dotenv_defaults=self.load_dotenv,
            )

        return super().make_context(info_name, args, parent=parent, **extra)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """click's parsing; when only help is asked for, ``--env-file`` and
        ``--app`` (or their environment variables) are applied first so the
        help lists the app's own commands."""
        help_only = len(args) == 1 and args[0] in self.get_help_option_names(ctx)
        if help_only or (not args and self.no_args_is_help):
            # Help is printed before options coming from the environment are
            # processed; apply --env-file and --app (FLASK_ENV_FILE,
            # FLASK_APP, .flaskenv) first so the help lists the app's commands.
            _env_file_option.handle_parse_result(ctx, {}, [])
            _app_option.handle_parse_result(ctx, {}, [])

        return super().parse_args(ctx, args)


def _path_is_ancestor(path: str, other: str) -> bool:
    """Tell whether ``other`` lies below ``path`` (both absolute, normalised)."""
    if not other.startswith(path):
        return False
    rest = other[len(path) :].lstrip(os.sep)
    return os.path.join(path, rest) == other


def load_dotenv(
    path: str | os.PathLike[str] | None = None, load_defaults: bool = True
) -> bool:
    """Load environment variables from dotenv files.

    With ``load_defaults``, the nearest ``.flaskenv`` and ``.env`` (searched
    upward from the working directory) are read, ``.env`` taking precedence;
    ``path``, if it is an existing file, overrides both. Variables already in
    ``os.environ`` are never changed. Returns whether any variable was read.
    Without python-dotenv nothing is loaded (a hint is printed if such files
    exist).
    """
    try:
        import dotenv
    except ImportError:
        if path or os.path.isfile(".env") or os.path.isfile(".flaskenv"):
            click.secho(
                " * Tip: There are .env files present. Install python-dotenv"
                " to use them.",
                fg="yellow",
                err=True,
            )
        return False

    values: dict[str, str | None] = {}
    if load_defaults:
        for filename in (".flaskenv", ".env"):
            found = dotenv.find_dotenv(filename, usecwd=True)
            if found:
                values.update(dotenv.dotenv_values(found, encoding="utf-8"))

    if path is not None and os.path.isfile(path):
        values.update(dotenv.dotenv_values(path, encoding="utf-8"))

    for key, value in values.items():
        if value is not None and key not in os.environ:
            os.environ[key] = value

    return bool(values)


@_accept_banner_arguments
def show_server_banner(debug: bool, app_import_path: str | None) -> None:
    """Print the start-up lines of ``run`` (skipped in the reloader child)."""
    if is_running_from_reloader():
        return
    if app_import_path is not None:
        click.echo(f" * Serving Flask app '{app_import_path}'")
    if debug is not None:
        click.echo(f" * Debug mode: {'on' if debug else 'off'}")


# --------------------------------------------------------------------------
# run
# --------------------------------------------------------------------------


if t.TYPE_CHECKING:  # pragma: no cover
    _ParamTypeBase = click.ParamType[t.Any]
else:
    # Subscripting ParamType only works on recent click releases.
    _ParamTypeBase = click.ParamType


class CertParamType(_ParamTypeBase):
    """``--cert`` value: a certificate file, ``adhoc``, or the import path of
    an :class:`ssl.SSLContext`.
    """

    name = "path"

    def __init__(self) -> None:
        self.path_type = click.Path(exists=True, dir_okay=False, resolve_path=True)

    def convert(
        self, value: t.Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> t.Any:
        """Return the resolved path of an existing file, the string
        ``"adhoc"``, or the :class:`ssl.SSLContext` that ``value`` imports.

        :raises click.BadParameter: Python lacks SSL support, ``adhoc``
            without the ``cryptography`` package, or a value that is none of
            the three.
        """
        try:
            import ssl
        except ImportError:
            raise click.BadParameter(
                'Using "--cert" requires Python to be compiled with SSL support.',
                ctx,
                param,
            ) from None

        try:
            return self.path_type(value, param, ctx)
        except click.BadParameter:
            text = click.STRING(value, param, ctx).lower()

            if text == "adhoc":
                try:
                    importlib.import_module("cryptography")
                except ImportError:
                    raise click.BadParameter(
                        "Using ad-hoc certificates requires the cryptography library.",
                        ctx,
                        param,
                    ) from None
                return text

            obj = import_string(text, silent=True)
            if isinstance(obj, ssl.SSLContext):
                return obj
            raise


def _validate_key(ctx: click.Context, param: click.Parameter, value: t.Any) -> t.Any:
    """``--key`` callback: pair it with ``--cert`` or reject the combination.

    On success ``ctx.params["cert"]`` becomes ``(cert, key)``.
    """
    cert = ctx.params.get("cert")
    is_adhoc = cert == "adhoc"

    try:
        import ssl
    except ImportError:
        is_context = False
    else:
        is_context = isinstance(cert, ssl.SSLContext)

    if value is not None:
        if is_adhoc:
            raise click.BadParameter(
                'When "--cert" is "adhoc", "--key" is not used.', ctx, param
            )
        if is_context:
            raise click.BadParameter(
                'When "--cert" is an SSLContext object, "--key" is not used.',
                ctx,
                param,
            )
        if not cert:
            raise click.BadParameter('"--cert" must also be specified.', ctx, param)
        ctx.params["cert"] = cert, value
    elif cert and not (is_adhoc or is_context):
        raise click.BadParameter('Required when using "--cert".', ctx, param)

    return value


class SeparatedPathType(click.Path):
    """A :class:`click.Path` whose value is a list of paths separated by
    :data:`os.pathsep`; each one is checked like a single path.
    """

    def convert(
        self, value: t.Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> t.Any:
        """Return the list of checked paths in ``value`` (a string split on
        :data:`os.pathsep`, or already a list or tuple).

        :raises click.BadParameter: one of the paths fails the checks.
        """
        if isinstance(value, (list, tuple)):
            items = list(value)
        else:
            items = list(self.split_envvar_value(value))
        return [super(SeparatedPathType, self).convert(item, param, ctx) for item in items]


def _broken_app(error: BaseException) -> WSGIApplication:
    def app(environ: WSGIEnvironment, start_response: StartResponse) -> t.Any:
        raise error from None

    return app


@click.command(
    "run", short_help="Start the development server.", params=[_debug_option]
)
@click.option("--host", "-h", default="127.0.0.1", help="Interface to listen on.")
@click.option("--port", "-p", default=5000, help="Port to listen on.")
@click.option(
    "--cert",
    type=CertParamType(),
    help="Serve HTTPS with this certificate file (or 'adhoc', or an SSLContext import path).",
    is_eager=True,
)
@click.option(
    "--key",
    type=click.Path(exists=True, dir_okay=False, resolve_path=True),
    callback=_validate_key,
    expose_value=False,
    help="Private key file for '--cert'.",
)
@click.option(
    "--reload/--no-reload",
    default=None,
    help="Restart when code changes. Defaults to on in debug mode.",
)
@click.option(
    "--debugger/--no-debugger",
    default=None,
    help="Show the interactive debugger on errors. Defaults to on in debug mode.",
)
@click.option(
    "--with-threads/--without-threads",
    default=True,
    help="Handle each request in its own thread.",
)
@click.option(
    "--extra-files",
    default=None,
    type=SeparatedPathType(),
    help=(
        "More files to watch for the reloader, separated by"
        f" {os.path.pathsep!r}."
    ),
)
@click.option(
    "--exclude-patterns",
    default=None,
    type=SeparatedPathType(),
    help=(
        "fnmatch patterns of files the reloader ignores, separated by"
        f" {os.path.pathsep!r}."
    ),
)
@pass_script_info
def run_command(
    info: ScriptInfo,
    host: str,
    port: int,
    reload: bool | None,
    debugger: bool | None,
    with_threads: bool,
    cert: ssl.SSLContext | tuple[str, str | None] | t.Literal["adhoc"] | None,
    extra_files: list[str] | None,
    exclude_patterns: list[str] | None,
) -> None:
    """Serve the app with Werkzeug's development server.

    Not meant for production use. In debug mode ('--debug') the reloader and
    the interactive debugger are on unless turned off explicitly.
    """
    try:
        app: WSGIApplication = info.load_app()
    except Exception as e:
        if not is_running_from_reloader():
            raise e from None
        # In the reloader child, keep serving so fixing the code reloads;
        # every request re-raises the load error.
        traceback.print_exc()
        app = _broken_app(e)

    debug = _debug_flag()
    if reload is None:
        reload = debug
    if debugger is None:
        debugger = debug

    show_server_banner(debug, info.app_import_path)

    run_simple(
        host,
        port,
        app,
        use_reloader=reload,
        use_debugger=debugger,
        threaded=with_threads,
        ssl_context=cert,
        extra_files=extra_files,
        exclude_patterns=exclude_patterns,
    )


# --------------------------------------------------------------------------
# shell
# --------------------------------------------------------------------------


@click.command("shell", short_help="Open a Python shell in the app context.")
@with_appcontext
def shell_command() -> None:
    """Start an interactive Python shell with the app context pushed.

    The namespace holds 'app', 'g' and whatever the app's shell context
    processors add; PYTHONSTARTUP is honoured.
    """
    import code

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    banner = (
        f"Python {sys.version} on {sys.platform}\n"
        f"App: {app.import_name}\n"
        f"Instance: {app.instance_path}"
    )
    namespace: dict[str, t.Any] = {}

    startup = os.environ.get("PYTHONSTARTUP")
    if startup and os.path.isfile(startup):
        with open(startup) as fh:
            exec(compile(fh.read(), startup, "exec"), namespace)

    namespace.update(app.make_shell_context())

    hook = getattr(sys, "__interactivehook__", None)
    if hook is not None:
        try:
            import readline
            from rlcompleter import Completer
        except ImportError:
            pass
        else:
            # Complete names from the shell namespace, not __main__.
            readline.set_completer(Completer(namespace).complete)
        hook()

    code.interact(banner=banner, local=namespace)


# --------------------------------------------------------------------------
# routes
# --------------------------------------------------------------------------


@click.command("routes", short_help="List the app's URL rules.")
@click.option(
    "--sort",
    "-s",
    type=click.Choice(("endpoint", "methods", "domain", "rule", "match")),
    default="endpoint",
    help="Order of the rows; 'match' is the order the router tries the rules.",
)
@click.option("--all-methods", is_flag=True, help="Include HEAD and OPTIONS.")
@with_appcontext
def routes_command(sort: str, all_methods: bool) -> None:
    """Print every URL rule with its endpoint and methods."""
    url_map = current_app.url_map
    rules = list(url_map.iter_rules())

    if not rules:
        click.echo("No routes were registered.")
        return

    hidden = set() if all_methods else {"HEAD", "OPTIONS"}
    by_host = url_map.host_matching
    domains = [(r.host if by_host else r.subdomain) or "" for r in rules]
    show_domain = any(domains)

    headers = ["Endpoint", "Methods"]
    columns = ["endpoint", "methods"]
    if show_domain:
        headers.append("Host" if by_host else "Subdomain")
        columns.append("domain")
    headers.append("Rule")
    columns.append("rule")

    rows: list[list[str]] = []
    for rule, domain in zip(rules, domains):
        row = [
            rule.endpoint,
            ", ".join(sorted((rule.methods or set()) - hidden)),
        ]
        if show_domain:
            row.append(domain)
        row.append(rule.rule)
        rows.append(row)

    # "match", and "domain" without a domain column, keep router order.
    if sort in columns:
        rows.sort(key=itemgetter(columns.index(sort)))

    widths = [
        max(len(header), *(len(row[i]) for row in rows))
        for i, header in enumerate(headers)
    ]

    def line(cells: cabc.Sequence[str]) -> str:
        return "  ".join(cell.ljust(w) for cell, w in zip(cells, widths))

    click.echo(line(headers))
    click.echo(line(["-" * w for w in widths]))
    for row in rows:
        click.echo(line(row))


class _CommandLine(FlaskGroup):
    """The ``flaskfast`` command's group: a :class:`FlaskGroup` plus the
    commands only flaskfast has, each imported when it is first used (so
    ``import flaskfast`` pays nothing for them). Like ``run``, ``shell`` and
    ``routes``, they take precedence over an app command of the same name.
    """

    #: Command name -> "module:attribute" of its click command.
    lazy_commands: t.ClassVar[dict[str, str]] = {
        "bench": "flaskfast._bench.command:bench_command",
    }

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        """As :meth:`FlaskGroup.get_command`, importing a lazy command
        (``bench``) the first time it is asked for."""
        if name in self.lazy_commands and name not in self.commands:
            module_name, _, attribute = self.lazy_commands[name].partition(":")
            self.add_command(getattr(importlib.import_module(module_name), attribute), name)
        return super().get_command(ctx, name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        """As :meth:`FlaskGroup.list_commands`, with the lazy commands."""
        return sorted(set(super().list_commands(ctx)) | set(self.lazy_commands))


cli = _CommandLine(
    name="flask",
    help=(
        "Manage and serve a Flask application (flaskfast).\n\n"
        "The application comes from the '--app' option, the 'FLASK_APP'"
        " environment variable, or a 'wsgi.py' or 'app.py' file in the"
        " working directory."
    ),
)


def main() -> None:
    """Entry point of the ``flaskfast`` console script (and ``python -m flaskfast``).

    flaskfast is installed as ``flask`` first (:func:`flaskfast.install_as_flask`),
    so an application written for Flask (``from flask import Flask``) is found,
    served and given its own commands on flaskfast without an edit.
    """
    from ._install import install_as_flask

    install_as_flask()
    cli.main()


if __name__ == "__main__":
    main()
