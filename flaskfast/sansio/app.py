"""The application object's registration and configuration half.

Nothing here does WSGI I/O: this is the state an application is set up with
(config, URL map, blueprints, template helpers, error handler lookup) that the
WSGI layer in :mod:`flaskfast.app` serves requests from.
"""

from __future__ import annotations

import logging
import os
import sys
import typing as t
from datetime import timedelta
from itertools import chain

from werkzeug.exceptions import Aborter
from werkzeug.exceptions import BadRequest
from werkzeug.exceptions import BadRequestKeyError
from werkzeug.routing import BuildError
from werkzeug.routing import Rule
from werkzeug.utils import cached_property
from werkzeug.utils import redirect as _wz_redirect

from .. import typing as ft
from .._speedups import response as _response_kernel
from ..config import Config
from ..config import ConfigAttribute
from ..ctx import _AppCtxGlobals
from ..helpers import _split_blueprint_path
from ..helpers import get_debug_flag
from ..json.provider import DefaultJSONProvider
from ..json.provider import JSONProvider
from ..logging import create_logger
from ..routing import Map
from ..templating import DispatchingJinjaLoader
from ..templating import Environment
from .scaffold import _endpoint_from_view_func
from .scaffold import _name_cli
from .scaffold import find_package
from .scaffold import Scaffold
from .scaffold import setupmethod

if t.TYPE_CHECKING:  # pragma: no cover
    from werkzeug.wrappers import Response as BaseResponse

    from ..testing import FlaskClient
    from ..testing import FlaskCliRunner
    from ..wrappers import Response
    from .blueprints import Blueprint

T_shell_context_processor = t.TypeVar(
    "T_shell_context_processor", bound=ft.ShellContextProcessorCallable
)
T_teardown = t.TypeVar("T_teardown", bound=ft.TeardownCallable)
T_template_filter = t.TypeVar("T_template_filter", bound=ft.TemplateFilterCallable)
T_template_global = t.TypeVar("T_template_global", bound=ft.TemplateGlobalCallable)
T_template_test = t.TypeVar("T_template_test", bound=ft.TemplateTestCallable)


def _make_timedelta(value: timedelta | int | None) -> timedelta | None:
    if value is None or isinstance(value, timedelta):
        return value
    return timedelta(seconds=value)


class App(Scaffold):
    """The central registry of an application: configuration, URL rules,
    view functions, blueprints and hooks.  :class:`flaskfast.Flask` adds the
    WSGI request handling on top.

    It does no I/O: an application server other than WSGI could build on
    it. The arguments are those of :class:`flaskfast.Flask`.

    Applications create the WSGI subclass, not this one::

        from flaskfast import Flask

        app = Flask(__name__)
        app.config.from_prefixed_env()
    """

    aborter_class = Aborter
    jinja_environment = Environment
    app_ctx_globals_class = _AppCtxGlobals
    config_class = Config
    testing = ConfigAttribute[bool]("TESTING")
    secret_key = ConfigAttribute[t.Union[str, bytes, None]]("SECRET_KEY")
    permanent_session_lifetime = ConfigAttribute[timedelta](
        "PERMANENT_SESSION_LIFETIME",
        get_converter=_make_timedelta,  # type: ignore[arg-type]
    )
    json_provider_class: type[JSONProvider] = DefaultJSONProvider
    jinja_options: dict[str, t.Any] = {}
    url_rule_class = Rule
    url_map_class = Map
    test_client_class: type[FlaskClient] | None = None
    test_cli_runner_class: type[FlaskCliRunner] | None = None

    default_config: dict[str, t.Any]
    response_class: type[Response]

    def __init__(
        self,
        import_name: str,
        static_url_path: str | None = None,
        static_folder: str | os.PathLike[str] | None = "static",
        static_host: str | None = None,
        host_matching: bool = False,
        subdomain_matching: bool = False,
        template_folder: str | os.PathLike[str] | None = "templates",
        instance_path: str | None = None,
        instance_relative_config: bool = False,
        root_path: str | None = None,
    ) -> None:
        super().__init__(
            import_name=import_name,
            static_folder=static_folder,
            static_url_path=static_url_path,
            template_folder=template_folder,
            root_path=root_path,
        )
        if instance_path is None:
            instance_path = self.auto_find_instance_path()
        elif not os.path.isabs(instance_path):
            raise ValueError(
                "The instance path must be absolute; a relative path was"
                f" given: {instance_path!r}."
            )
        self.instance_path = instance_path
        self.config = self.make_config(instance_relative_config)
        self.aborter = self.make_aborter()
        self.json: JSONProvider = self.json_provider_class(self)
        self.url_build_error_handlers: list[
            t.Callable[[Exception, str, dict[str, t.Any]], str]
        ] = []
        self.teardown_appcontext_funcs: list[ft.TeardownCallable] = []
        self.shell_context_processors: list[ft.ShellContextProcessorCallable] = []
        self.blueprints: dict[str, Blueprint] = {}
        self.extensions: dict[str, t.Any] = {}
        self.url_map = self.url_map_class(host_matching=host_matching)
        self.subdomain_matching = subdomain_matching
        self._got_first_request = False
        _name_cli(self, self.name)

    def _check_setup_finished(self, f_name: str) -> None:
        if self._got_first_request:
            raise AssertionError(
                f"The setup method '{f_name}' can no longer be called on the"
                " application: it has already handled its first request, so"
                " the change would not apply consistently.\nDo all imports,"
                " registrations and decorators that set up the application"
                " before it starts serving requests."
            )

    @cached_property
    def name(self) -> str:
        """The application's name: the import name, or for ``__main__`` the
        name of the script being run."""
        if self.import_name == "__main__":
            main_file = getattr(sys.modules["__main__"], "__file__", None)
            if main_file is None:
                return "__main__"
            return str(os.path.splitext(os.path.basename(main_file))[0])
        return self.import_name

    @cached_property
    def logger(self) -> logging.Logger:
        """The :class:`logging.Logger` named after the application
        (:attr:`name`), made on first use by
        :func:`flaskfast.logging.create_logger`: in debug mode it logs at
        ``DEBUG`` unless a level was set, and it gets a handler writing to
        the WSGI server's error stream unless a handler already takes its
        records. Configure logging before this is first read to replace
        that handler.

        For example::

            app.logger.info("user %s logged in", user_id)
        """
        return create_logger(self)

    @cached_property
    def jinja_env(self) -> Environment:
        """The Jinja environment that loads this application's (and its
        blueprints') templates, made by :meth:`create_jinja_environment` on
        first use. Change :attr:`jinja_options` before it is first read."""
        return self.create_jinja_environment()

    def create_jinja_environment(self) -> Environment:
        """Create the Jinja environment :attr:`jinja_env` returns; the WSGI
        application class (:class:`flaskfast.Flask`) implements it.

        :raises NotImplementedError: always, on the sans-I/O base class.
        """
        raise NotImplementedError()

    def make_config(self, instance_relative: bool = False) -> Config:
        """Create the config object, rooted at the instance folder when
        ``instance_relative`` is true, filled with ``default_config``."""
        root_path = self.instance_path if instance_relative else self.root_path
        defaults = dict(self.default_config)
        defaults["DEBUG"] = get_debug_flag()
        return self.config_class(root_path, defaults)

    def make_aborter(self) -> Aborter:
        """Create the object :func:`flaskfast.abort` raises errors through."""
        return self.aborter_class()

    def auto_find_instance_path(self) -> str:
        """The default instance folder: ``instance`` beside the package, or
        ``<prefix>/var/<name>-instance`` for an installed package."""
        prefix, package_path = find_package(self.import_name)
        if prefix is None:
            return os.path.join(package_path, "instance")
        return os.path.join(prefix, "var", f"{self.name}-instance")

    def create_global_jinja_loader(self) -> DispatchingJinjaLoader:
        """The loader that searches the app's and blueprints' templates."""
        return DispatchingJinjaLoader(self)

    def select_jinja_autoescape(self, filename: str | None) -> bool:
        """Whether autoescaping is on for a template: always for string
        templates, and for ``.html .htm .xml .xhtml .svg`` files."""
        if filename is None:
            return True
        return filename.endswith((".html", ".htm", ".xml", ".xhtml", ".svg"))

    @property
    def debug(self) -> bool:
        """Whether debug mode is on: the ``DEBUG`` config key, which starts
        from the ``FLASK_DEBUG`` environment variable. In debug mode
        unhandled errors propagate to the server (and its debugger) and
        templates reload when changed. Setting it also switches template
        reloading, unless ``TEMPLATES_AUTO_RELOAD`` is set. Never enable it
        in production: the debugger runs arbitrary code."""
        return self.config["DEBUG"]  # type: ignore[no-any-return]

    @debug.setter
    def debug(self, value: bool) -> None:
        self.config["DEBUG"] = value
        if self.config["TEMPLATES_AUTO_RELOAD"] is None:
            self.jinja_env.auto_reload = value

    @setupmethod
    def register_blueprint(self, blueprint: Blueprint, **options: t.Any) -> None:
        """Register ``blueprint`` on the application: its routes, hooks,
        error handlers, templates and static files take effect here.

        ``options`` (``url_prefix``, ``subdomain``, ``url_defaults``,
        ``name``, ``cli_group``) override what the blueprint was created
        with; ``name`` lets one blueprint be registered twice.

        :raises ValueError: a blueprint with the same name is already
            registered (pass another ``name=``).

        For example::

            app.register_blueprint(api, url_prefix="/api/v1")
        """
        blueprint.register(self, options)

    def iter_blueprints(self) -> t.ValuesView[Blueprint]:
        """The registered blueprints, in registration order."""
        return self.blueprints.values()

    @setupmethod
    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: ft.RouteCallable | None = None,
        provide_automatic_options: bool | None = None,
        **options: t.Any,
    ) -> None:
        """Add a URL rule to :attr:`url_map` and, when ``view_func`` is given,
        store it as the view for the rule's endpoint (see
        :meth:`Scaffold.add_url_rule` for the arguments).

        The methods are ``options["methods"]``, else the view's ``methods``
        attribute, else ``GET``, upper-cased, plus the view's
        ``required_methods``; ``OPTIONS`` is added and answered automatically
        unless the rule lists it, ``provide_automatic_options`` (the argument
        or the view's attribute) is false, or ``PROVIDE_AUTOMATIC_OPTIONS``
        is off. Werkzeug adds ``HEAD`` wherever ``GET`` is allowed.

        :raises TypeError: ``methods`` is a single string.
        :raises AssertionError: the endpoint already has a different view.
        """
        if endpoint is None:
            endpoint = _endpoint_from_view_func(view_func)
        options["endpoint"] = endpoint
        methods = options.pop("methods", None)
        if methods is None:
            methods = getattr(view_func, "methods", None) or ("GET",)
        if isinstance(methods, str):
            raise TypeError(
                "'methods' must be a list of method names, not a string; for"
                ' example: @app.route(..., methods=["POST"])'
            )
        methods = {item.upper() for item in methods}
        required_methods = set(getattr(view_func, "required_methods", ()))
        if provide_automatic_options is None:
            provide_automatic_options = getattr(
                view_func, "provide_automatic_options", None
            )
        if provide_automatic_options is None:
            if "OPTIONS" not in methods and self.config["PROVIDE_AUTOMATIC_OPTIONS"]:
                provide_automatic_options = True
                required_methods.add("OPTIONS")
            else:
                provide_automatic_options = False
        methods |= required_methods

        rule_obj = self.url_rule_class(rule, methods=methods, **options)
        rule_obj.provide_automatic_options = provide_automatic_options  # type: ignore[attr-defined]
        self.url_map.add(rule_obj)
        if view_func is not None:
            old_func = self.view_functions.get(endpoint)
            if old_func is not None and old_func != view_func:
                raise AssertionError(
                    "View function mapping is overwriting an existing endpoint"
                    f" function: {endpoint}"
                )
            self.view_functions[endpoint] = view_func

    @setupmethod
    def template_filter(
        self, name: str | None = None
    ) -> t.Callable[[T_template_filter], T_template_filter]:
        """Decorator registering the function as a Jinja filter, named
        ``name`` or after the function (see :meth:`add_template_filter`);
        returns the function unchanged.

        For example::

            @app.template_filter("initials")
            def initials(name):
                return "".join(part[0] for part in name.split())

        and in a template: ``{{ user.name|initials }}``.
        """

        def decorator(f: T_template_filter) -> T_template_filter:
            self.add_template_filter(f, name=name)
            return f

        return decorator

    @setupmethod
    def add_template_filter(
        self, f: ft.TemplateFilterCallable, name: str | None = None
    ) -> None:
        """Register ``f(value, *args)`` as the Jinja filter ``name`` (default:
        ``f.__name__``) in :attr:`jinja_env`; the non-decorator form of
        :meth:`template_filter`."""
        self.jinja_env.filters[name or f.__name__] = f

    @setupmethod
    def template_test(
        self, name: str | None = None
    ) -> t.Callable[[T_template_test], T_template_test]:
        """Decorator registering the function as a Jinja test, named ``name``
        or after the function (see :meth:`add_template_test`); returns the
        function unchanged.

        For example::

            @app.template_test("even")
            def is_even(n):
                return n % 2 == 0

        and in a template: ``{% if loop.index is even %}``.
        """

        def decorator(f: T_template_test) -> T_template_test:
            self.add_template_test(f, name=name)
            return f

        return decorator

    @setupmethod
    def add_template_test(
        self, f: ft.TemplateTestCallable, name: str | None = None
    ) -> None:
        """Register ``f(value, *args) -> bool`` as the Jinja test ``name``
        (default: ``f.__name__``) in :attr:`jinja_env`; the non-decorator
        form of :meth:`template_test`."""
        self.jinja_env.tests[name or f.__name__] = f

    @setupmethod
    def template_global(
        self, name: str | None = None
    ) -> t.Callable[[T_template_global], T_template_global]:
        """Decorator registering the function as a global available in every
        template, named ``name`` or after the function (see
        :meth:`add_template_global`); returns the function unchanged.

        For example::

            @app.template_global()
            def year():
                return datetime.date.today().year

        and in a template: ``&copy; {{ year() }}``.
        """

        def decorator(f: T_template_global) -> T_template_global:
            self.add_template_global(f, name=name)
            return f

        return decorator

    @setupmethod
    def add_template_global(
        self, f: ft.TemplateGlobalCallable, name: str | None = None
    ) -> None:
        """Make ``f`` available in every template as ``name`` (default:
        ``f.__name__``); the non-decorator form of :meth:`template_global`."""
        self.jinja_env.globals[name or f.__name__] = f

    @setupmethod
    def teardown_appcontext(self, f: T_teardown) -> T_teardown:
        """Register ``f(error)`` to run when an application context is
        popped: after every request (after the request's teardown
        functions), and at the end of a ``with app.app_context():`` block or
        CLI command.

        ``error`` is the unhandled exception that ended the context, or
        ``None``. The return value is ignored; the functions run in the
        reverse order of registration. Use it for resources tied to the
        app context, such as a database connection kept on ``g``.
        Returns ``f``.

        For example::

            @app.teardown_appcontext
            def close_db(error):
                db = g.pop("db", None)
                if db is not None:
                    db.close()
        """
        self.teardown_appcontext_funcs.append(f)
        return f

    @setupmethod
    def shell_context_processor(
        self, f: T_shell_context_processor
    ) -> T_shell_context_processor:
        """Register ``f() -> dict``; its items become variables of the
        ``flask shell`` (or ``flaskfast shell``) session, next to ``app`` and
        ``g``. Returns ``f``."""
        self.shell_context_processors.append(f)
        return f

    def _find_error_handler(
        self, e: Exception, blueprints: list[str]
    ) -> ft.ErrorHandlerCallable | None:
        """The handler registered for ``e``: by code before by class,
        blueprints innermost first before the app, nearest class in the MRO
        first."""
        exc_class, code = self._get_exc_class_and_code(type(e))
        names = (*blueprints, None)
        spec = self.error_handler_spec
        for c in (code, None) if code is not None else (None,):
            for name in names:
                if name not in spec:
                    continue
                handler_map = spec[name].get(c)
                if not handler_map:
                    continue
                for cls in exc_class.__mro__:
                    handler = handler_map.get(cls)
                    if handler is not None:
                        return handler
        return None

    def trap_http_exception(self, e: Exception) -> bool:
        """Whether an HTTP exception should propagate like any other error
        instead of being turned into its response (``TRAP_*`` config)."""
        if self.config["TRAP_HTTP_EXCEPTIONS"]:
            return True
        trap_bad_request = self.config["TRAP_BAD_REQUEST_ERRORS"]
        if (
            trap_bad_request is None
            and self.debug
            and isinstance(e, BadRequestKeyError)
        ):
            return True
        if trap_bad_request:
            return isinstance(e, BadRequest)
        return False

    def should_ignore_error(self, error: BaseException | None) -> bool:
        """Whether ``error`` is hidden from the teardown functions.  The
        default hides nothing."""
        return False

    def redirect(self, location: str, code: int = 302) -> BaseResponse:
        """A redirect response to ``location`` built with ``response_class``."""
        # PERF: the response kernel builds werkzeug's redirect response
        # without its generic constructor when it can (bench: redirect).
        rv = _response_kernel.redirect_response(self.response_class, location, code)
        if rv is not None:
            return rv  # type: ignore[no-any-return]
        return _wz_redirect(
            location,
            code=code,
            Response=self.response_class,
        )

    def inject_url_defaults(self, endpoint: str, values: dict[str, t.Any]) -> None:
        """Let the app's and the endpoint's blueprints' ``url_defaults``
        functions fill ``values`` before a URL is built."""
        funcs = self.url_default_functions
        if not funcs:
            return  # PERF: most apps register none (bench/bench_url_for.py)
        names: t.Iterable[str | None] = (None,)
        if "." in endpoint:
            names = chain(
                names, reversed(_split_blueprint_path(endpoint.rpartition(".")[0]))
            )
        for name in names:
            if name in funcs:
                for func in funcs[name]:
                    func(endpoint, values)

    def handle_url_build_error(
        self, error: BuildError, endpoint: str, values: dict[str, t.Any]
    ) -> str:
        """Give each ``url_build_error_handlers`` entry a chance to return a
        URL; re-raise the build error when none does."""
        for handler in self.url_build_error_handlers:
            try:
                rv = handler(error, endpoint, values)
            except BuildError as e:
                error = e
            else:
                if rv is not None:
                    return rv
        if error is sys.exc_info()[1]:
            raise
        raise error
