"""The WSGI application: :class:`Flask`.

Request handling is one overridable method per step, as in Flask::

    wsgi_app -> full_dispatch_request -> preprocess_request -> dispatch_request
             -> finalize_request (make_response, process_response)

The steps are the functions of :mod:`flaskfast._speedups.pipeline`, assigned
here as methods: each is written once, and calls the next step directly only
while that step is not overridden (checked on every call), through the method
otherwise.  Speed comes from each step doing less, not from skipping steps:
contexts bind without building a URL adapter, routing goes through the router
kernel, the default cookie session is opened only when used, signals without
receivers cost one attribute check, and a text view result goes to
``start_response`` without werkzeug's generic response pipeline.
"""

from __future__ import annotations

import operator
import os
import sys
import typing as t
import weakref
from datetime import timedelta
from types import TracebackType

from werkzeug.datastructures import ImmutableDict
from werkzeug.exceptions import BadRequestKeyError
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import InternalServerError
from werkzeug.routing import MapAdapter
from werkzeug.routing import RequestRedirect
from werkzeug.routing import RoutingException
from werkzeug.routing import Rule
from werkzeug.serving import is_running_from_reloader
from werkzeug.wsgi import get_host

from . import typing as ft
from . import _legacy
from ._speedups import pipeline as _pipeline
from .ctx import _ADAPTER_KEYS
from .ctx import AppContext
from .ctx import RequestContext
from .globals import _cv_app
from .globals import _cv_request
from .globals import current_app
from .globals import g
from .globals import request
from .globals import request_ctx
from .globals import session
from .helpers import get_debug_flag
from .helpers import get_flashed_messages
from .helpers import get_load_dotenv
from .helpers import _send_from_directory as send_from_directory
from .routing import Map
from .sansio.app import App
from .sansio.scaffold import setupmethod as _setupmethod
from .sansio.app import T_shell_context_processor as T_shell_context_processor
from .sansio.app import T_teardown as T_teardown
from .sansio.app import T_template_filter as T_template_filter
from .sansio.app import T_template_global as T_template_global
from .sansio.app import T_template_test as T_template_test
from .sessions import SecureCookieSessionInterface
from .sessions import SessionInterface
from .signals import got_request_exception
from .templating import Environment
from .templating import update_template_context as _update_template_context
from .wrappers import Request
from .wrappers import Response

if t.TYPE_CHECKING:  # pragma: no cover

    from .testing import FlaskClient
    from .testing import FlaskCliRunner

# The environ values a request's URL adapter is bound from, minus PATH_INFO and
# QUERY_STRING (used for matching only): with the app's settings they decide
# every URL the adapter builds.
_ADAPTER_ENV_SLOTS = operator.itemgetter(
    *(i for i, key in enumerate(_ADAPTER_KEYS) if key not in ("PATH_INFO", "QUERY_STRING"))
)
_PATH_SLOT = _ADAPTER_KEYS.index("PATH_INFO")
_QUERY_SLOT = _ADAPTER_KEYS.index("QUERY_STRING")
_URL_MEMO_ENVS = 32  # adapter environments remembered


class Flask(App):
    """A WSGI application: create one, register views and hooks on it, and
    serve it with any WSGI server (or :meth:`run` for development).

    ``import_name`` is the name of the application's module or package
    (usually ``__name__``); it locates resources, templates and the instance
    folder.  The other arguments match :class:`flask.Flask`:

    :param static_url_path: URL prefix of the static files (default: the
        static folder's name, ``/static``).
    :param static_folder: folder, relative to ``root_path``, served at
        ``static_url_path`` (``None``: no static route).
    :param static_host: host of the static route, with ``host_matching``.
    :param host_matching: match rules on the request's host.
    :param subdomain_matching: match rules on the subdomain of
        ``SERVER_NAME``.
    :param template_folder: folder, relative to ``root_path``, of the
        app's templates (default ``templates``).
    :param instance_path: the instance folder (default: ``instance``
        beside the package, see :meth:`auto_find_instance_path`).
    :param instance_relative_config: resolve config file names against
        the instance folder instead of ``root_path``.
    :param root_path: the folder resources are relative to (default: found
        from ``import_name``).

    :raises ValueError: a relative ``instance_path``.
    :raises AssertionError: with a static folder, ``static_host`` given
        without ``host_matching`` or the reverse.

    A minimal application::

        from flaskfast import Flask

        app = Flask(__name__)

        @app.route("/")
        def index():
            return "Hello"

    In a package, pass the package's name (``Flask("notes")`` in
    ``notes/__init__.py``) so templates and static files are found in it.
    """

    default_config = ImmutableDict(
        {
            "DEBUG": None,
            "TESTING": False,
            "PROPAGATE_EXCEPTIONS": None,
            "SECRET_KEY": None,
            "SECRET_KEY_FALLBACKS": None,
            "PERMANENT_SESSION_LIFETIME": timedelta(days=31),
            "USE_X_SENDFILE": False,
            "TRUSTED_HOSTS": None,
            "SERVER_NAME": None,
            "APPLICATION_ROOT": "/",
            "SESSION_COOKIE_NAME": "session",
            "SESSION_COOKIE_DOMAIN": None,
            "SESSION_COOKIE_PATH": None,
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SECURE": False,
            "SESSION_COOKIE_PARTITIONED": False,
            "SESSION_COOKIE_SAMESITE": None,
            "SESSION_REFRESH_EACH_REQUEST": True,
            "MAX_CONTENT_LENGTH": None,
            "MAX_FORM_MEMORY_SIZE": 500_000,
            "MAX_FORM_PARTS": 1_000,
            "SEND_FILE_MAX_AGE_DEFAULT": None,
            "TRAP_BAD_REQUEST_ERRORS": None,
            "TRAP_HTTP_EXCEPTIONS": False,
            "EXPLAIN_TEMPLATE_LOADING": False,
            "PREFERRED_URL_SCHEME": "http",
            "TEMPLATES_AUTO_RELOAD": None,
            "MAX_COOKIE_SIZE": 4093,
            "PROVIDE_AUTOMATIC_OPTIONS": True,
        }
    )

    request_class: type[Request] = Request
    response_class: type[Response] = Response
    session_interface: SessionInterface = SecureCookieSessionInterface()

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
            static_url_path=static_url_path,
            static_folder=static_folder,
            static_host=static_host,
            host_matching=host_matching,
            subdomain_matching=subdomain_matching,
            template_folder=template_folder,
            instance_path=instance_path,
            instance_relative_config=instance_relative_config,
            root_path=root_path,
        )
        self._sync_cache: dict[t.Any, t.Callable[..., t.Any]] = {}
        # url_for's memo: adapter environment -> (endpoint, _method, _scheme,
        # _external) -> URL, valid for _url_memo_map at _url_memo_version.
        self._url_memos: dict[t.Any, dict[t.Any, str]] = {}
        self._url_memo_map: Map | None = None
        self._url_memo_version = -1

        if self.has_static_folder:
            if bool(static_host) != host_matching:
                raise AssertionError(
                    "Invalid static_host/host_matching combination: pass"
                    " static_host exactly when host_matching is enabled."
                )
            self_ref = weakref.ref(self)
            self.add_url_rule(
                f"{self.static_url_path}/<path:filename>",
                endpoint="static",
                host=static_host,
                view_func=lambda **kw: self_ref().send_static_file(**kw),  # type: ignore[union-attr]
            )

    # -- resources -----------------------------------------------------

    def get_send_file_max_age(self, filename: str | None) -> int | None:
        """Cache max age, in seconds, for files sent by ``send_file``:
        ``SEND_FILE_MAX_AGE_DEFAULT`` (``None`` means conditional requests
        only)."""
        value = current_app.config["SEND_FILE_MAX_AGE_DEFAULT"]
        if value is None:
            return None
        if isinstance(value, timedelta):
            return int(value.total_seconds())
        return value  # type: ignore[no-any-return]

    def send_static_file(self, filename: str) -> Response:
        """Serve ``filename`` from :attr:`static_folder` (the ``static`` view)."""
        if not self.has_static_folder:
            raise RuntimeError("'static_folder' must be set to serve static files.")
        max_age = self.get_send_file_max_age(filename)
        return send_from_directory(
            t.cast(str, self.static_folder), filename, max_age=max_age
        )

    def open_resource(
        self, resource: str, mode: str = "rb", encoding: str | None = None
    ) -> t.IO[t.AnyStr]:
        """Open ``resource``, a path relative to :attr:`root_path`, for
        reading, and return the file object.

        ``mode`` is ``"rb"`` (the default), ``"r"`` or ``"rt"``; text modes
        use ``encoding`` (the locale's when ``None``).

        :raises ValueError: any other mode (resources are read-only; use
            :meth:`open_instance_resource` to write).
        :raises OSError: the file cannot be opened.

        For example, next to the app's package::

            with app.open_resource("schema.sql", "r") as f:
                db.executescript(f.read())
        """
        if mode not in {"r", "rt", "rb"}:
            raise ValueError(
                f"Resources can only be opened for reading; got mode {mode!r}."
            )
        path = os.path.join(self.root_path, resource)
        if mode == "rb":
            return open(path, mode)
        return open(path, mode, encoding=encoding)

    def open_instance_resource(
        self, resource: str, mode: str = "rb", encoding: str | None = "utf-8"
    ) -> t.IO[t.AnyStr]:
        """Open ``resource``, relative to :attr:`instance_path`; unlike
        :meth:`open_resource` it may be opened for writing."""
        path = os.path.join(self.instance_path, resource)
        if "b" in mode:
            return open(path, mode)
        return open(path, mode, encoding=encoding)

    # -- templates -----------------------------------------------------

    def create_jinja_environment(self) -> Environment:
        """Create :attr:`jinja_env` from :attr:`jinja_options`, with
        ``url_for``, ``get_flashed_messages``, ``config``, ``request``,
        ``session`` and ``g`` as globals."""
        options = dict(self.jinja_options)
        if "extensions" in options:
            # Flask 0.12's default named two extensions Jinja 3 removed.
            options["extensions"] = _legacy.jinja_extensions(options["extensions"])
        if "autoescape" not in options:
            options["autoescape"] = self.select_jinja_autoescape
        if "auto_reload" not in options:
            auto_reload = self.config["TEMPLATES_AUTO_RELOAD"]
            if auto_reload is None:
                auto_reload = self.debug
            options["auto_reload"] = auto_reload
        rv = self.jinja_environment(self, **options)
        rv.globals.update(
            url_for=self.url_for,
            get_flashed_messages=get_flashed_messages,
            config=self.config,
            request=request,
            session=session,
            g=g,
        )
        rv.policies["json.dumps_function"] = self.json.dumps
        return rv

    def update_template_context(self, context: dict[str, t.Any]) -> None:
        """Add the context processors' values to ``context``; values the
        caller passed win over injected ones (see
        :func:`flaskfast.templating.update_template_context`)."""
        _update_template_context(self, context)

    def make_shell_context(self) -> dict[str, t.Any]:
        """Names available in ``flask shell``: ``app``, ``g`` and those of
        the shell context processors."""
        rv = {"app": self, "g": g}
        for processor in self.shell_context_processors:
            rv.update(processor())
        return rv

    # -- development server and testing ------------------------------------

    def run(
        self,
        host: str | None = None,
        port: int | None = None,
        debug: bool | None = None,
        load_dotenv: bool = True,
        **options: t.Any,
    ) -> None:
        """Serve the application with werkzeug's development server.  Not
        for production.  Extra ``options`` go to
        :func:`werkzeug.serving.run_simple`."""
        # PERF: the CLI (and click) is imported when used, not with flaskfast
        # (bench/import_time.py).
        import click

        from . import cli

        if os.environ.get("FLASK_RUN_FROM_CLI") == "true":
            if not is_running_from_reloader():
                click.secho(
                    " * Ignoring a call to 'app.run()' that would block the"
                    " current 'flask' CLI command.\n   Only call 'app.run()' in"
                    " an 'if __name__ == \"__main__\"' guard.",
                    fg="red",
                )
            return

        if get_load_dotenv(load_dotenv):
            cli.load_dotenv()
            if "FLASK_DEBUG" in os.environ:
                self.debug = get_debug_flag()
        if debug is not None:
            self.debug = bool(debug)

        server_name = self.config.get("SERVER_NAME")
        sn_host = sn_port = None
        if server_name:
            sn_host, _, sn_port = server_name.partition(":")
        if not host:
            host = sn_host or "127.0.0.1"
        if port or port == 0:
            port = int(port)
        elif sn_port:
            port = int(sn_port)
        else:
            port = 5000

        options.setdefault("use_reloader", self.debug)
        options.setdefault("use_debugger", self.debug)
        options.setdefault("threaded", True)
        cli.show_server_banner(self.debug, self.name)

        from werkzeug.serving import run_simple

        try:
            run_simple(t.cast(str, host), port, self, **options)
        finally:
            # Allow setup methods again after the server was stopped, e.g.
            # by the reloader in a shell.
            self._got_first_request = False

    def test_client(self, use_cookies: bool = True, **kwargs: t.Any) -> FlaskClient:
        """Return a client that sends requests to this app without a server.

        The class is :attr:`test_client_class`, or
        :class:`~flaskfast.testing.FlaskClient` when that is ``None``; with
        ``use_cookies`` (the default) it keeps cookies between requests, so
        sessions work. ``kwargs`` go to the client's constructor. Set
        ``app.testing = True`` so that errors reach the test instead of
        becoming 500 responses.

        For example::

            app.testing = True
            client = app.test_client()
            response = client.post("/login", data={"username": "ann"})
            assert response.status_code == 302

        Used in a ``with`` block, the client keeps the last request's
        context until the block ends, so ``request`` and ``session`` can be
        inspected after the call.
        """
        cls = self.test_client_class
        if cls is None:
            from .testing import FlaskClient

            cls = FlaskClient
        return cls(self, self.response_class, use_cookies=use_cookies, **kwargs)

    def test_cli_runner(self, **kwargs: t.Any) -> FlaskCliRunner:
        """A CLI runner for this app's commands (``test_cli_runner_class``
        or :class:`~flaskfast.testing.FlaskCliRunner`)."""
        cls = self.test_cli_runner_class
        if cls is None:
            from .testing import FlaskCliRunner

            cls = FlaskCliRunner
        return cls(self, **kwargs)

    # -- errors ------------------------------------------------------------

    def handle_http_exception(
        self, e: HTTPException
    ) -> HTTPException | ft.ResponseReturnValue:
        """Call the error handler registered for an HTTP exception, or
        return the exception itself to be used as the response."""
        if e.code is None:
            return e
        if isinstance(e, RoutingException):
            return e
        handler = self._find_error_handler(e, _blueprints())
        if handler is None:
            return e
        return self.ensure_sync(handler)(e)  # type: ignore[no-any-return]

    def handle_user_exception(
        self, e: Exception
    ) -> HTTPException | ft.ResponseReturnValue:
        """Handle an exception raised while dispatching: HTTP exceptions go
        to :meth:`handle_http_exception`, others to their registered
        handler, or are re-raised when there is none."""
        if isinstance(e, BadRequestKeyError) and (
            self.debug or self.config["TRAP_BAD_REQUEST_ERRORS"]
        ):
            e.show_exception = True
        if isinstance(e, HTTPException) and not self.trap_http_exception(e):
            return self.handle_http_exception(e)
        handler = self._find_error_handler(e, _blueprints())
        if handler is None:
            raise
        return self.ensure_sync(handler)(e)  # type: ignore[no-any-return]

    def handle_exception(self, e: Exception) -> Response:
        """Handle an exception no handler dealt with: send
        ``got_request_exception``, re-raise it when exceptions propagate
        (testing or debug), otherwise log it and answer 500."""
        exc_info = sys.exc_info()
        if got_request_exception.receivers:
            got_request_exception.send(
                self, _async_wrapper=self.ensure_sync, exception=e
            )
        propagate = self.config["PROPAGATE_EXCEPTIONS"]
        if propagate is None:
            propagate = self.testing or self.debug
        if propagate:
            if exc_info[1] is e:
                raise
            raise e

        self.log_exception(exc_info)
        server_error: InternalServerError | ft.ResponseReturnValue
        server_error = InternalServerError(original_exception=e)
        handler = self._find_error_handler(server_error, _blueprints())
        if handler is not None:
            server_error = self.ensure_sync(handler)(server_error)
        return self.finalize_request(server_error, from_error_handler=True)

    def log_exception(
        self,
        exc_info: tuple[type, BaseException, TracebackType] | tuple[None, None, None],
    ) -> None:
        """Log an unhandled exception on :attr:`logger` at ERROR level."""
        self.logger.error(
            f"Exception on {request.path} [{request.method}]", exc_info=exc_info
        )

    def raise_routing_exception(self, request: Request) -> t.NoReturn:
        """Raise the routing exception of ``request``; in debug mode a
        redirect that would drop a form body becomes an explanatory error."""
        exc = request.routing_exception
        if (
            not self.debug
            or not isinstance(exc, RequestRedirect)
            or exc.code in {307, 308}
            or request.method in {"GET", "HEAD", "OPTIONS"}
        ):
            raise exc  # type: ignore[misc]

        from .debughelpers import FormDataRoutingRedirect

        raise FormDataRoutingRedirect(request)

    # -- the request pipeline (flaskfast._speedups.pipeline) ------------------

    __call__ = _pipeline.app_call
    wsgi_app = _pipeline.wsgi_app
    request_context = _pipeline.request_context
    app_context = _pipeline.app_context
    full_dispatch_request = _pipeline.full_dispatch_request
    preprocess_request = _pipeline.preprocess_request
    dispatch_request = _pipeline.dispatch_request
    finalize_request = _pipeline.finalize_request
    make_response = _pipeline.make_response
    process_response = _pipeline.process_response
    do_teardown_request = _pipeline.do_teardown_request
    do_teardown_appcontext = _pipeline.do_teardown_appcontext
    ensure_sync = _pipeline.ensure_sync

    # -- dispatching -------------------------------------------------------

    def create_url_adapter(self, request: Request | None) -> MapAdapter | None:
        """Bind :attr:`url_map` to ``request`` (or, outside a request, to
        ``SERVER_NAME`` if configured) for matching and building URLs."""
        config = self.config
        if request is not None:
            trusted_hosts = config["TRUSTED_HOSTS"]
            if trusted_hosts is not None:
                request.trusted_hosts = trusted_hosts
            # Validate the host against TRUSTED_HOSTS now (raises a 400).
            request.host = get_host(request.environ, request.trusted_hosts)
            subdomain = None
            server_name = config["SERVER_NAME"]
            if self.url_map.host_matching:
                # The request's own host must be matched, not SERVER_NAME.
                server_name = None
            elif not self.subdomain_matching:
                subdomain = self.url_map.default_subdomain or ""
            return self.url_map.bind_to_environ(
                request.environ, server_name=server_name, subdomain=subdomain
            )
        if config["SERVER_NAME"] is not None:
            return self.url_map.bind(
                config["SERVER_NAME"],
                script_name=config["APPLICATION_ROOT"],
                url_scheme=config["PREFERRED_URL_SCHEME"],
            )
        return None


    def make_default_options_response(self) -> Response:
        """The response to an automatic OPTIONS request: empty, with
        ``Allow`` listing the URL's methods."""
        adapter = request_ctx.url_adapter
        methods = adapter.allowed_methods()  # type: ignore[union-attr]
        rv = self.response_class()
        rv.allow.update(methods)
        return rv

    def async_to_sync(
        self, func: t.Callable[..., t.Coroutine[t.Any, t.Any, t.Any]]
    ) -> t.Callable[..., t.Any]:
        """Return a plain function that runs the coroutine function ``func``
        to completion (through asgiref's ``async_to_sync``) and returns its
        result. :meth:`ensure_sync` uses it for ``async def`` views and
        hooks; override it to run coroutines another way.

        :raises RuntimeError: asgiref is not installed (the ``async`` extra).

        For example, calling a coroutine function from a CLI command::

            count = app.async_to_sync(fetch_count)("notes")
        """
        try:
            from asgiref.sync import async_to_sync as asgiref_async_to_sync
        except ImportError:
            raise RuntimeError(
                "Install Flask with the 'async' extra in order to use async"
                " views: async support needs the asgiref package"
                " (pip install 'flaskfast[async]')."
            ) from None
        return asgiref_async_to_sync(func)

    # The body of url_for is the pipeline's (compiled with it): building a
    # URL runs no Python frame of its own (bench/bench_url_for.py).
    url_for = _pipeline.app_url_for

    def _url_memo_for(
        self, ctx: RequestContext | AppContext, is_request: bool
    ) -> dict[t.Any, str] | None:
        """url_for's memo of URLs built by ``ctx``'s URL adapter, or ``None``
        to build through the adapter as usual.

        Only used while the adapter is still unbuilt and would be made by the
        stock ``create_url_adapter`` from ``self.url_map`` (an unmodified
        ``routing.Map``): it is then a function of the environ values the
        context recorded (request) or of the recorded config (app), plus the
        map's rules and settings (``_ff_version``).  The first time such an
        environment is seen, the adapter is built here, at the point url_for
        would build it, so any error or side effect happens as usual; a
        memo is only kept for environments whose adapter was built.
        """
        ctx_vars = ctx.__dict__
        if "url_adapter" in ctx_vars or ctx.app is not self:
            return None
        url_map = self.url_map
        if type(url_map) is not Map:
            return None
        if is_request:
            saved = ctx_vars.get("_adapter_environ")
            config = self.config
            if (
                saved is None
                or self.subdomain_matching  # binding may warn per request
                or config["TRUSTED_HOSTS"] is not None
                or not _pipeline.stock_url_adapter(self)
            ):
                return None
            path = saved[_PATH_SLOT]
            query = saved[_QUERY_SLOT]
            # Binding decodes these too; non-ASCII ones are left to it.
            if (type(path) is not str or not path.isascii()) or (
                query is not None and (type(query) is not str or not query.isascii())
            ):
                return None
            env_key: t.Any = (_ADAPTER_ENV_SLOTS(saved), config["SERVER_NAME"])
        else:
            env_key = ctx_vars.get("_adapter_config")
            if env_key is None:
                return None
        memos = self._url_memos
        version = url_map._ff_version
        if self._url_memo_map is not url_map or self._url_memo_version != version:
            memos = self._url_memos = {}
            self._url_memo_map = url_map
            self._url_memo_version = version
        try:
            memo = memos.get(env_key)
        except TypeError:  # an unhashable environ value
            return None
        if memo is not None:
            return memo
        if ctx.url_adapter is None:
            return None
        if len(memos) >= _URL_MEMO_ENVS:
            memos.clear()
        memo = memos[env_key] = {}
        return memo

    def _static_endpoint(self, endpoint: str) -> bool:
        """Whether every rule of ``endpoint`` is a plain werkzeug ``Rule``
        without variable parts, so building it without values runs no
        converter or user code and its URL can be remembered.  (Rules are
        taken as werkzeug stores them: one edited in place after being added
        is not noticed, unless the map is changed too.)"""
        return all(
            type(rule) is Rule and not rule.arguments
            for rule in self.url_map.iter_rules(endpoint)
        )

    def test_request_context(self, *args: t.Any, **kwargs: t.Any) -> RequestContext:
        """Return a request context for a request described by the
        arguments, which are those of
        :class:`~flaskfast.testing.EnvironBuilder` (``path``, ``method``,
        ``query_string``, ``data``, ``json``, ``headers`` ...; ``base_url``
        defaults from ``SERVER_NAME``, ``APPLICATION_ROOT`` and
        ``PREFERRED_URL_SCHEME``). Nothing is dispatched: push it (a
        ``with`` block) to use ``request``, ``session`` and ``url_for`` in
        tests or scripts.

        For example::

            with app.test_request_context("/notes?page=2"):
                assert request.args["page"] == "2"
                assert url_for("index") == "/"
        """
        from .testing import EnvironBuilder

        builder = EnvironBuilder(self, *args, **kwargs)
        try:
            return self.request_context(builder.get_environ())
        finally:
            builder.close()

def _blueprints() -> list[str]:
    ctx = _cv_request.get(None)
    if ctx is None:
        return []
    return ctx.request.blueprints


_pipeline.use_stock(
    Flask.create_url_adapter,
    Flask.inject_url_defaults,
    Request,
    Response,
    SecureCookieSessionInterface,
)

# The older Flask API (flaskfast._legacy): descriptors and methods that cost
# nothing until used.
_legacy.attach_app(Flask, _setupmethod, Request, RequestContext)
