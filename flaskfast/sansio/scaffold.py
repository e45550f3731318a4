"""Registration base shared by the application and blueprints.

A scaffold collects views, request hooks, error handlers and template
processors in dictionaries keyed by scope (``None`` for the application,
otherwise a dotted blueprint name). Nothing here touches a request.
"""

from __future__ import annotations

import importlib.util
import os
import pathlib
import sys
import typing as t
from collections import defaultdict
from functools import update_wrapper

from jinja2 import BaseLoader as BaseLoader
from jinja2 import FileSystemLoader as FileSystemLoader
from werkzeug.exceptions import default_exceptions as default_exceptions
from werkzeug.exceptions import HTTPException as HTTPException
from werkzeug.utils import cached_property as cached_property

from .. import typing as ft
from .._legacy import HandlerSpec as _HandlerSpec
from ..helpers import get_root_path as get_root_path
from ..templating import _default_template_ctx_processor

if t.TYPE_CHECKING:  # pragma: no cover
    from click import Group

# Marks "argument not given" where ``None`` is a meaningful value.
_sentinel = object()


def _name_cli(scaffold: Scaffold, name: str) -> None:
    """Name ``scaffold.cli`` ``name``, now if the group exists, else when it
    is made."""
    if "cli" in scaffold.__dict__:
        scaffold.cli.name = name
    else:
        scaffold.__dict__["_ff_cli_name"] = name


class _LazyCliGroup:
    """``Scaffold.cli``: the click group for the commands registered on an
    app or blueprint, made on first use and kept on the object from then on.
    Its name is the one recorded by ``_name_cli`` (the app's or blueprint's
    name when it was created)."""

    # PERF: creating the group needs click, which costs several milliseconds
    # of `import flaskfast`; most processes never touch the CLI
    # (bench/import_time.py).  A non-data descriptor, so a stored or
    # assigned group is found without it.

    def __get__(self, obj: Scaffold | None, owner: type | None = None) -> t.Any:
        if obj is None:
            return self
        from ..cli import AppGroup

        group = AppGroup()
        name = obj.__dict__.get("_ff_cli_name")
        if name is not None:
            group.name = name
        # setdefault: two threads asking at once still share one group.
        return obj.__dict__.setdefault("cli", group)

F = t.TypeVar("F", bound=t.Callable[..., t.Any])
# Bounds are forward references so this module does not depend on the
# order in which ``flaskfast.typing`` defines its aliases.
T_after_request = t.TypeVar("T_after_request", bound="ft.AfterRequestCallable[t.Any]")
T_before_request = t.TypeVar("T_before_request", bound="ft.BeforeRequestCallable")
T_error_handler = t.TypeVar("T_error_handler", bound="ft.ErrorHandlerCallable")
T_teardown = t.TypeVar("T_teardown", bound="ft.TeardownCallable")
T_template_context_processor = t.TypeVar(
    "T_template_context_processor", bound="ft.TemplateContextProcessorCallable"
)
T_url_defaults = t.TypeVar("T_url_defaults", bound="ft.URLDefaultCallable")
T_url_value_preprocessor = t.TypeVar(
    "T_url_value_preprocessor", bound="ft.URLValuePreprocessorCallable"
)
T_route = t.TypeVar("T_route", bound="ft.RouteCallable")


def setupmethod(f: F) -> F:
    """Guard a registration method: ``self._check_setup_finished(name)``
    runs before it, so late setup fails loudly instead of half-applying."""
    f_name = f.__name__

    def wrapper_func(self: Scaffold, *args: t.Any, **kwargs: t.Any) -> t.Any:
        self._check_setup_finished(f_name)
        return f(self, *args, **kwargs)

    return t.cast(F, update_wrapper(wrapper_func, f))


def _error_code_map() -> defaultdict[int | None, dict[type[Exception], t.Any]]:
    # A defaultdict(dict) that also accepts the 0.x hand-written form
    # ``spec[None][404] = handler`` (flaskfast._legacy.HandlerSpec).
    return _HandlerSpec()


class Scaffold:
    """Common registries and decorators of :class:`App` and :class:`Blueprint`.

    :param import_name: module or package name the object belongs to; used
        to find ``root_path`` when it is not given.
    :param static_folder: folder (relative to ``root_path``) served as static
        files, or ``None``.
    :param static_url_path: URL prefix of the static route; defaults to the
        static folder's base name.
    :param template_folder: folder (relative to ``root_path``) holding
        templates, or ``None``.
    :param root_path: absolute directory resources are relative to.
    """

    cli: Group = _LazyCliGroup()  # type: ignore[assignment]
    name: str
    _static_folder: str | None = None
    _static_url_path: str | None = None

    def __init__(
        self,
        import_name: str,
        static_folder: str | os.PathLike[str] | None = None,
        static_url_path: str | None = None,
        template_folder: str | os.PathLike[str] | None = None,
        root_path: str | None = None,
    ):
        self.import_name = import_name
        self.static_folder = static_folder
        self.static_url_path = static_url_path
        self.template_folder = template_folder

        if root_path is None:
            root_path = get_root_path(self.import_name)
        self.root_path = root_path

        #: Click group for commands registered on this object (``self.cli``)
        #: is made on first use; see _LazyCliGroup.

        #: endpoint -> view function
        self.view_functions: dict[str, ft.RouteCallable] = {}
        #: scope -> status code (None for non-HTTP classes) -> class -> handler
        self.error_handler_spec: dict[
            ft.AppOrBlueprintKey,
            dict[int | None, dict[type[Exception], ft.ErrorHandlerCallable]],
        ] = defaultdict(_error_code_map)
        #: scope -> list of hooks; ``None`` is the application scope
        self.before_request_funcs: dict[
            ft.AppOrBlueprintKey, list[ft.BeforeRequestCallable]
        ] = defaultdict(list)
        self.after_request_funcs: dict[
            ft.AppOrBlueprintKey, list[ft.AfterRequestCallable[t.Any]]
        ] = defaultdict(list)
        self.teardown_request_funcs: dict[
            ft.AppOrBlueprintKey, list[ft.TeardownCallable]
        ] = defaultdict(list)
        # Every scaffold starts with the default processor (g, request,
        # session), matching the registry shape Flask exposes.
        self.template_context_processors: dict[
            ft.AppOrBlueprintKey, list[ft.TemplateContextProcessorCallable]
        ] = defaultdict(list, {None: [_default_template_ctx_processor]})
        self.url_value_preprocessors: dict[
            ft.AppOrBlueprintKey, list[ft.URLValuePreprocessorCallable]
        ] = defaultdict(list)
        self.url_default_functions: dict[
            ft.AppOrBlueprintKey, list[ft.URLDefaultCallable]
        ] = defaultdict(list)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"

    def _check_setup_finished(self, f_name: str) -> None:
        raise NotImplementedError

    # -- static files and templates ---------------------------------------

    @property
    def static_folder(self) -> str | None:
        """Absolute path of the static folder, or ``None``."""
        if self._static_folder is None:
            return None
        return os.path.join(self.root_path, self._static_folder)

    @static_folder.setter
    def static_folder(self, value: str | os.PathLike[str] | None) -> None:
        if value is not None:
            value = os.fspath(value).rstrip(r"\/")
        self._static_folder = value

    @property
    def has_static_folder(self) -> bool:
        """Whether a static folder is configured."""
        return self.static_folder is not None

    @property
    def static_url_path(self) -> str | None:
        """URL prefix of the static route (no trailing slash), or ``None``."""
        if self._static_url_path is not None:
            return self._static_url_path
        folder = self.static_folder
        if folder is None:
            return None
        return f"/{os.path.basename(folder)}".rstrip("/")

    @static_url_path.setter
    def static_url_path(self, value: str | None) -> None:
        if value is not None:
            value = value.rstrip("/")
        self._static_url_path = value

    @cached_property
    def jinja_loader(self) -> BaseLoader | None:
        """Loader for ``template_folder`` (``None`` without one); created once."""
        if self.template_folder is None:
            return None
        return FileSystemLoader(os.path.join(self.root_path, self.template_folder))

    # -- routing ------------------------------------------------------------

    def _method_route(
        self, method: str, rule: str, options: dict[str, t.Any]
    ) -> t.Callable[[T_route], T_route]:
        if "methods" in options:
            raise TypeError("Use the 'route' decorator to use the 'methods' argument.")
        return self.route(rule, methods=[method], **options)

    @setupmethod
    def get(self, rule: str, **options: t.Any) -> t.Callable[[T_route], T_route]:
        """``route(rule, methods=["GET"], **options)``."""
        return self._method_route("GET", rule, options)

    @setupmethod
    def post(self, rule: str, **options: t.Any) -> t.Callable[[T_route], T_route]:
        """``route(rule, methods=["POST"], **options)``."""
        return self._method_route("POST", rule, options)

    @setupmethod
    def put(self, rule: str, **options: t.Any) -> t.Callable[[T_route], T_route]:
        """``route(rule, methods=["PUT"], **options)``."""
        return self._method_route("PUT", rule, options)

    @setupmethod
    def delete(self, rule: str, **options: t.Any) -> t.Callable[[T_route], T_route]:
        """``route(rule, methods=["DELETE"], **options)``."""
        return self._method_route("DELETE", rule, options)

    @setupmethod
    def patch(self, rule: str, **options: t.Any) -> t.Callable[[T_route], T_route]:
        """``route(rule, methods=["PATCH"], **options)``."""
        return self._method_route("PATCH", rule, options)

    @setupmethod
    def route(self, rule: str, **options: t.Any) -> t.Callable[[T_route], T_route]:
        """Decorator that routes ``rule`` to the decorated view function.

        Same as calling :meth:`add_url_rule` with the function as
        ``view_func``; ``endpoint`` may be given among ``options`` and
        defaults to the function's ``__name__``. The other options
        (``methods``, ``defaults``, ``host``, ``strict_slashes`` ...) go to the
        :class:`werkzeug.routing.Rule`. Returns the function unchanged.

        For example::

            @app.route("/notes/<int:note_id>", methods=["GET", "POST"])
            def note(note_id):
                return {"id": note_id, "method": request.method}
        """

        def decorator(f: T_route) -> T_route:
            endpoint = options.pop("endpoint", None)
            self.add_url_rule(rule, endpoint, f, **options)
            return f

        return decorator

    @setupmethod
    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: ft.RouteCallable | None = None,
        provide_automatic_options: bool | None = None,
        **options: t.Any,
    ) -> None:
        """Register a URL rule, as the :meth:`route` decorator does.

        :param rule: the URL rule, with ``<converter:name>`` variables, for
            example ``"/users/<int:user_id>"``.
        :param endpoint: name the rule is known by in :func:`url_for`;
            defaults to ``view_func.__name__``.
        :param view_func: function called for requests that match; may be
            left out and attached later with :meth:`endpoint`.
        :param provide_automatic_options: whether ``OPTIONS`` is answered for
            the rule without calling the view (default: yes, unless the view
            or ``options["methods"]`` says otherwise, or
            ``PROVIDE_AUTOMATIC_OPTIONS`` is off).
        :param options: passed to :class:`werkzeug.routing.Rule`;
            ``methods`` lists the allowed methods (``GET`` when absent).

        :raises TypeError: ``methods`` is a string rather than a list.
        :raises AssertionError: ``endpoint`` already maps to another view.
        :raises NotImplementedError: on this base class; the application and
            blueprints implement it.

        For example, without a decorator::

            def show(user_id):
                return f"user {user_id}"

            app.add_url_rule("/users/<int:user_id>", view_func=show)
        """
        raise NotImplementedError

    @setupmethod
    def endpoint(self, endpoint: str) -> t.Callable[[F], F]:
        """Decorator that stores the function as the view for ``endpoint``.

        No URL rule is added: pair it with :meth:`add_url_rule` called
        without a ``view_func``. Returns the function unchanged.

        For example::

            app.add_url_rule("/", endpoint="index")

            @app.endpoint("index")
            def index():
                return "home"
        """

        def decorator(f: F) -> F:
            self.view_functions[endpoint] = f
            return f

        return decorator

    # -- request hooks --------------------------------------------------------

    @setupmethod
    def before_request(self, f: T_before_request) -> T_before_request:
        """Register ``f()`` to run before the view of each request.

        On the application it runs for every request; on a blueprint, only
        for requests routed to that blueprint's views. The functions run in
        registration order after the URL value preprocessors; the first
        one that returns something other than ``None`` ends the chain, and
        its return value is used as the response (the view is not called).
        Returns ``f``.

        For example::

            @app.before_request
            def require_login():
                if "user_id" not in session and request.endpoint != "login":
                    return redirect(url_for("login"))
        """
        self.before_request_funcs.setdefault(None, []).append(f)
        return f

    @setupmethod
    def after_request(self, f: T_after_request) -> T_after_request:
        """Register ``f(response)`` to run after the view of each request.

        It receives the response object and must return a response (the same
        one or a replacement). The functions run in the reverse order of
        registration, blueprint ones before the application's, also for
        responses made by error handlers. When one raises, the remaining
        ones are skipped, so use :meth:`teardown_request` for clean-up that
        must always happen. Returns ``f``.

        For example::

            @app.after_request
            def no_store(response):
                response.headers["Cache-Control"] = "no-store"
                return response
        """
        self.after_request_funcs.setdefault(None, []).append(f)
        return f

    @setupmethod
    def teardown_request(self, f: T_teardown) -> T_teardown:
        """Register ``f(error)`` to run when the request context is popped.

        It runs after the response was made, whether or not the request
        failed: ``error`` is the unhandled exception that ended the request,
        or ``None`` (an error an error handler dealt with is not passed).
        Its return value is ignored, and it should not raise: the response
        is already made (outside testing and debug mode flaskfast logs such
        an exception and still sends the response). In tests, a
        ``with app.test_client():`` block delays the pop, and so these
        functions, until the block ends. Returns ``f``.

        For example::

            @app.teardown_request
            def close_db(error):
                db = g.pop("db", None)
                if db is not None:
                    db.close()
        """
        self.teardown_request_funcs.setdefault(None, []).append(f)
        return f

    @setupmethod
    def context_processor(
        self, f: T_template_context_processor
    ) -> T_template_context_processor:
        """Register ``f()``, called each time a template is rendered; the
        dict it returns is merged into the template's variables (values the
        caller passes to ``render_template`` win). On a blueprint it applies
        to templates rendered by that blueprint's views. Returns ``f``.

        For example::

            @app.context_processor
            def site():
                return {"site_name": "Notes"}
        """
        self.template_context_processors[None].append(f)
        return f

    @setupmethod
    def url_value_preprocessor(
        self, f: T_url_value_preprocessor
    ) -> T_url_value_preprocessor:
        """Register ``f(endpoint, view_args)``, run for each matched request
        before the :meth:`before_request` functions. It may change the
        ``view_args`` dict in place (for example pop a value into ``g``);
        its return value is ignored. Returns ``f``."""
        self.url_value_preprocessors[None].append(f)
        return f

    @setupmethod
    def url_defaults(self, f: T_url_defaults) -> T_url_defaults:
        """Register ``f(endpoint, values)``, called by :func:`url_for`
        before a URL is built; it may add to the ``values`` dict in place
        (for example a language code taken from ``g``). Its return value is
        ignored. Returns ``f``."""
        self.url_default_functions[None].append(f)
        return f

    # -- error handlers -----------------------------------------------------------

    @setupmethod
    def errorhandler(
        self, code_or_exception: type[Exception] | int
    ) -> t.Callable[[T_error_handler], T_error_handler]:
        """Decorator that registers the function as the handler for an HTTP
        status code or an exception class (see :meth:`register_error_handler`).

        The handler is called with the exception and returns a response as a
        view does; for a code, the handler receives the matching
        :class:`werkzeug.exceptions.HTTPException`. The most specific class
        registered wins, a blueprint's handler before the application's for
        the blueprint's requests. Returns the function unchanged.

        For example::

            @app.errorhandler(404)
            def not_found(error):
                return render_template("404.html"), 404

            @app.errorhandler(PermissionError)
            def forbidden(error):
                return {"error": str(error)}, 403
        """

        def decorator(f: T_error_handler) -> T_error_handler:
            self.register_error_handler(code_or_exception, f)
            return f

        return decorator

    @setupmethod
    def register_error_handler(
        self,
        code_or_exception: type[Exception] | int,
        f: ft.ErrorHandlerCallable,
    ) -> None:
        """Make ``f(error)`` handle ``code_or_exception``: an HTTP status
        code with a werkzeug exception class, or an :class:`Exception`
        subclass. The non-decorator form of :meth:`errorhandler`.

        :raises ValueError: an unknown status code, or a class that is not
            an :class:`Exception` subclass.
        :raises TypeError: an exception instance instead of a class.
        """
        exc_class, code = self._get_exc_class_and_code(code_or_exception)
        self.error_handler_spec[None][code][exc_class] = f

    @staticmethod
    def _get_exc_class_and_code(
        exc_class_or_code: type[Exception] | int,
    ) -> tuple[type[Exception], int | None]:
        """Normalize a handler key to ``(exception class, HTTP code or None)``.

        :raises ValueError: unknown status code, or a class that is not an
            :class:`Exception` subclass.
        :raises TypeError: an exception instance instead of a class.
        """
        exc_class: type[Exception]
        if isinstance(exc_class_or_code, int):
            try:
                exc_class = default_exceptions[exc_class_or_code]
            except KeyError:
                raise ValueError(
                    f"'{exc_class_or_code}' is not a recognized HTTP error code."
                    " Use a subclass of HTTPException with that code instead."
                ) from None
        else:
            exc_class = exc_class_or_code

        if isinstance(exc_class, Exception):
            raise TypeError(
                f"{exc_class!r} is an instance, not a class. Handlers can only be"
                " registered for Exception classes or HTTP error codes."
            )
        if not issubclass(exc_class, Exception):
            raise ValueError(
                f"'{exc_class.__name__}' is not a subclass of Exception. Handlers"
                " can only be registered for Exception classes or HTTP error codes."
            )
        if issubclass(exc_class, HTTPException):
            return exc_class, exc_class.code
        return exc_class, None


def _endpoint_from_view_func(view_func: ft.RouteCallable | None) -> str:
    """Default endpoint name for a view: the function's ``__name__``."""
    assert view_func is not None, "expected view func if endpoint is not provided."
    return view_func.__name__


def _find_package_path(import_name: str) -> str:
    """Directory that contains the top-level module or package of
    ``import_name`` (the current directory if it cannot be located)."""
    top_name = import_name.partition(".")[0]
    try:
        top_spec = importlib.util.find_spec(top_name)
        if top_spec is None:
            raise ValueError("not found")
    except (ImportError, ValueError):
        # Main scripts, interactive sessions, modules not importable by name.
        return os.getcwd()

    locations = top_spec.submodule_search_locations
    if not locations:
        # A plain module: its file sits directly in the directory we want.
        return os.path.dirname(top_spec.origin)  # type: ignore[type-var,return-value]

    if top_spec.origin not in (None, "namespace"):
        # Regular package: .../<dir>/<pkg>/__init__.py -> <dir>
        return os.path.dirname(os.path.dirname(top_spec.origin))

    # Namespace package: several portions may exist; pick the one that
    # actually holds the requested submodule.
    target_spec = importlib.util.find_spec(import_name)
    chosen = locations[0]
    if target_spec is not None and target_spec.submodule_search_locations:
        target_path = pathlib.Path(
            os.path.commonpath(target_spec.submodule_search_locations)
        )
        for location in locations:
            if target_path.is_relative_to(location):
                chosen = location
                break
    return os.path.dirname(chosen)


def find_package(import_name: str) -> tuple[str | None, str]:
    """Return ``(install_prefix, package_dir)`` for ``import_name``.

    ``install_prefix`` is ``None`` unless the package is installed under
    ``sys.prefix`` or in a ``site-packages`` directory; then it is the prefix
    the ``var/<name>-instance`` folder is based on.
    """
    package_path = _find_package_path(import_name)
    prefix = os.path.abspath(sys.prefix)

    if pathlib.PurePath(package_path).is_relative_to(prefix):
        return prefix, package_path

    parent, leaf = os.path.split(package_path)
    if leaf.lower() != "site-packages":
        return None, package_path

    # <prefix>/lib/site-packages or <prefix>/lib/pythonX.Y/site-packages
    grandparent, middle = os.path.split(parent)
    if middle.lower() == "lib":
        return grandparent, package_path
    if os.path.basename(grandparent).lower() == "lib":
        return os.path.dirname(grandparent), package_path
    return parent, package_path
