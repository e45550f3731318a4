"""Blueprints: deferred groups of routes and hooks applied to an app on
registration, possibly several times and nested inside other blueprints."""

from __future__ import annotations

import os
import typing as t
from collections import defaultdict
from functools import update_wrapper

from .. import typing as ft
from .. import _legacy
from .scaffold import _endpoint_from_view_func as _endpoint_from_view_func
from .scaffold import _name_cli
from .scaffold import _sentinel as _sentinel
from .scaffold import Scaffold as Scaffold
from .scaffold import setupmethod as setupmethod
from .scaffold import T_after_request as T_after_request
from .scaffold import T_before_request as T_before_request
from .scaffold import T_error_handler as T_error_handler
from .scaffold import T_teardown as T_teardown
from .scaffold import T_template_context_processor as T_template_context_processor
from .scaffold import T_url_defaults as T_url_defaults
from .scaffold import T_url_value_preprocessor as T_url_value_preprocessor

if t.TYPE_CHECKING:  # pragma: no cover
    from .app import App

DeferredSetupFunction = t.Callable[["BlueprintSetupState"], None]
T_template_filter = t.TypeVar("T_template_filter", bound="ft.TemplateFilterCallable")
T_template_global = t.TypeVar("T_template_global", bound="ft.TemplateGlobalCallable")
T_template_test = t.TypeVar("T_template_test", bound="ft.TemplateTestCallable")


def _join_url_prefix(prefix: str, rule: str) -> str:
    # Exactly one slash between the parts, whatever either side carries.
    return f"{prefix.rstrip('/')}/{rule.lstrip('/')}"


class BlueprintSetupState:
    """What a deferred setup function gets during one registration of a
    blueprint: the app, the effective options (prefix, subdomain, name)
    and whether this is the blueprint's first registration on the app."""

    def __init__(
        self,
        blueprint: Blueprint,
        app: App,
        options: t.Any,
        first_registration: bool,
    ) -> None:
        self.app = app
        self.blueprint = blueprint
        self.options = options
        self.first_registration = first_registration

        subdomain = options.get("subdomain")
        if subdomain is None:
            subdomain = blueprint.subdomain
        self.subdomain = subdomain

        url_prefix = options.get("url_prefix")
        if url_prefix is None:
            url_prefix = blueprint.url_prefix
        self.url_prefix = url_prefix

        self.name = options.get("name", blueprint.name)
        self.name_prefix = options.get("name_prefix", "")

        self.url_defaults = dict(blueprint.url_values_defaults)
        self.url_defaults.update(options.get("url_defaults", ()))

    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: ft.RouteCallable | None = None,
        **options: t.Any,
    ) -> None:
        """Add a rule to the app with this registration's URL prefix,
        subdomain, URL defaults and dotted endpoint name applied."""
        if self.url_prefix is not None:
            rule = _join_url_prefix(self.url_prefix, rule) if rule else self.url_prefix
        options.setdefault("subdomain", self.subdomain)
        if endpoint is None:
            endpoint = _endpoint_from_view_func(view_func)
        defaults = self.url_defaults
        if "defaults" in options:
            defaults = dict(defaults, **options.pop("defaults"))

        self.app.add_url_rule(
            rule,
            f"{self.name_prefix}.{self.name}.{endpoint}".lstrip("."),
            view_func,
            defaults=defaults,
            **options,
        )


class Blueprint(Scaffold):
    """A reusable collection of routes, hooks and handlers.

    Everything registered on a blueprint is recorded and applied to an app
    by :meth:`register` (via ``app.register_blueprint``). Endpoints become
    ``"<blueprint name>.<endpoint>"``; handlers and hooks registered on the
    blueprint only apply to its own requests, the ``app_*`` variants apply
    to the whole app.

    :param name: blueprint name, part of every endpoint; no dots, not empty.
    :param url_prefix: prefix for all of the blueprint's URLs.
    :param subdomain: subdomain the blueprint's routes match by default.
    :param url_defaults: default view arguments for all routes.
    :param cli_group: name of the CLI group the blueprint's commands go in;
        ``None`` merges them into the app's group, the default uses ``name``.

    The other arguments (``import_name``, ``static_folder``,
    ``static_url_path``, ``template_folder``, ``root_path``) are as for the
    application, relative to the blueprint's own package.

    :raises ValueError: an empty name, or one containing a dot.

    For example::

        auth = Blueprint("auth", __name__, url_prefix="/auth")

        @auth.route("/login")
        def login():
            return render_template("auth/login.html")

        app.register_blueprint(auth)   # URL /auth/login, endpoint "auth.login"
    """

    _got_registered_once = False

    def __init__(
        self,
        name: str,
        import_name: str,
        static_folder: str | os.PathLike[str] | None = None,
        static_url_path: str | None = None,
        template_folder: str | os.PathLike[str] | None = None,
        url_prefix: str | None = None,
        subdomain: str | None = None,
        url_defaults: dict[str, t.Any] | None = None,
        root_path: str | None = None,
        cli_group: str | None = _sentinel,  # type: ignore[assignment]
    ):
        super().__init__(
            import_name=import_name,
            static_folder=static_folder,
            static_url_path=static_url_path,
            template_folder=template_folder,
            root_path=root_path,
        )

        if not name:
            raise ValueError("'name' may not be empty.")
        if "." in name:
            raise ValueError("'name' may not contain a dot '.' character.")

        self.name = name
        self.url_prefix = url_prefix
        self.subdomain = subdomain
        self.deferred_functions: list[DeferredSetupFunction] = []
        self.url_values_defaults = {} if url_defaults is None else url_defaults
        self.cli_group = cli_group
        self._blueprints: list[tuple[Blueprint, dict[str, t.Any]]] = []
        _name_cli(self, self.name)

    def _check_setup_finished(self, f_name: str) -> None:
        if self._got_registered_once:
            raise AssertionError(
                f"The setup method '{f_name}' can no longer be called on the blueprint"
                f" '{self.name}'. It has already been registered at least once, any"
                " changes will not be applied consistently.\n"
                "Make sure all imports, decorators, functions, etc. needed to set up"
                " the blueprint are done before registering it."
            )

    @setupmethod
    def record(self, func: DeferredSetupFunction) -> None:
        """Call ``func(state)`` each time the blueprint is registered."""
        self.deferred_functions.append(func)

    @setupmethod
    def record_once(self, func: DeferredSetupFunction) -> None:
        """Call ``func(state)`` only on the blueprint's first registration
        with a given app."""

        def wrapper(state: BlueprintSetupState) -> None:
            if state.first_registration:
                func(state)

        self.record(update_wrapper(wrapper, func))

    def make_setup_state(
        self, app: App, options: dict[str, t.Any], first_registration: bool = False
    ) -> BlueprintSetupState:
        """Create the state object passed to deferred setup functions
        (override to use a custom :class:`BlueprintSetupState`)."""
        return BlueprintSetupState(self, app, options, first_registration)

    @setupmethod
    def register_blueprint(self, blueprint: Blueprint, **options: t.Any) -> None:
        """Nest ``blueprint`` in this one; it is registered on the app
        (with joined prefix, subdomain and dotted name) when this one is.
        ``options`` are as for :meth:`App.register_blueprint`."""
        if blueprint is self:
            raise ValueError("Cannot register a blueprint on itself")
        self._blueprints.append((blueprint, options))

    def register(self, app: App, options: dict[str, t.Any]) -> None:
        """Apply the blueprint to ``app``; called by ``app.register_blueprint``.

        :raises ValueError: the (possibly ``name=``-overridden, dotted) name
            is already registered on the app.
        """
        name_prefix = options.get("name_prefix", "")
        self_name = options.get("name", self.name)
        name = f"{name_prefix}.{self_name}".lstrip(".")

        registered = app.blueprints
        if name in registered:
            which = "this" if registered[name] is self else "a different"
            full = f" '{name}'" if self_name != name else ""
            raise ValueError(
                f"The name '{self_name}' is already registered for"
                f" {which} blueprint{full}. Use 'name=' to provide a"
                " unique name."
            )

        first_bp_registration = not any(bp is self for bp in registered.values())
        registered[name] = self
        self._got_registered_once = True
        state = self.make_setup_state(app, options, first_bp_registration)

        if self.has_static_folder:
            state.add_url_rule(
                f"{self.static_url_path}/<path:filename>",
                view_func=self.send_static_file,  # type: ignore[attr-defined]
                endpoint="static",
            )

        # The name is new here (checked above), so this scope always needs
        # the blueprint's handlers, even when the object was seen before.
        self._merge_blueprint_funcs(app, name)

        for deferred in self.deferred_functions:
            deferred(state)

        self._register_cli(app, options, name)

        for child, child_options in self._blueprints:
            child.register(app, self._nested_options(state, child, child_options, name))

    def _register_cli(self, app: App, options: dict[str, t.Any], name: str) -> None:
        if not self.cli.commands:
            return
        group = options.get("cli_group", self.cli_group)
        if group is None:
            app.cli.commands.update(self.cli.commands)
            return
        self.cli.name = name if group is _sentinel else group
        app.cli.add_command(self.cli)

    @staticmethod
    def _nested_options(
        state: BlueprintSetupState,
        child: Blueprint,
        child_options: dict[str, t.Any],
        name: str,
    ) -> dict[str, t.Any]:
        # Child subdomains nest under the parent's; child prefixes are
        # appended to the parent's. Either side may be unset.
        opts = dict(child_options)

        sub = opts.get("subdomain")
        if sub is None:
            sub = child.subdomain
        if sub is not None and state.subdomain is not None:
            opts["subdomain"] = f"{sub}.{state.subdomain}"
        elif sub is not None:
            opts["subdomain"] = sub
        elif state.subdomain is not None:
            opts["subdomain"] = state.subdomain

        prefix = opts.get("url_prefix")
        if prefix is None:
            prefix = child.url_prefix
        if prefix is not None and state.url_prefix is not None:
            opts["url_prefix"] = _join_url_prefix(state.url_prefix, prefix)
        elif prefix is not None:
            opts["url_prefix"] = prefix
        elif state.url_prefix is not None:
            opts["url_prefix"] = state.url_prefix

        opts["name_prefix"] = name
        return opts

    def _merge_blueprint_funcs(self, app: App, name: str) -> None:
        """Copy this blueprint's registries into ``app`` under scope ``name``
        (nested scopes become ``name.<scope>``)."""

        def scoped(key: str | None) -> str:
            return name if key is None else f"{name}.{key}"

        for key, by_code in self.error_handler_spec.items():
            app.error_handler_spec[scoped(key)] = defaultdict(
                dict, {code: dict(handlers) for code, handlers in by_code.items()}
            )

        # Views from the ``endpoint`` decorator keep their bare endpoint.
        app.view_functions.update(self.view_functions)

        for attr in (
            "before_request_funcs",
            "after_request_funcs",
            "teardown_request_funcs",
            "url_default_functions",
            "url_value_preprocessors",
            "template_context_processors",
        ):
            target = getattr(app, attr)
            for key, funcs in getattr(self, attr).items():
                target[scoped(key)].extend(funcs)

    @setupmethod
    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: ft.RouteCallable | None = None,
        provide_automatic_options: bool | None = None,
        **options: t.Any,
    ) -> None:
        """Record a URL rule, added to the app (prefixed, with endpoint
        ``"<name>.<endpoint>"``) at registration.

        :raises ValueError: the endpoint or the view function's name has a dot.
        """
        if endpoint and "." in endpoint:
            raise ValueError("'endpoint' may not contain a dot '.' character.")
        if view_func and hasattr(view_func, "__name__") and "." in view_func.__name__:
            raise ValueError("'view_func' name may not contain a dot '.' character.")

        def deferred(state: BlueprintSetupState) -> None:
            state.add_url_rule(
                rule,
                endpoint,
                view_func,
                provide_automatic_options=provide_automatic_options,
                **options,
            )

        self.record(deferred)

    # -- app-wide registrations ---------------------------------------------------

    @setupmethod
    def app_template_filter(
        self, name: str | None = None
    ) -> t.Callable[[T_template_filter], T_template_filter]:
        """Decorator form of :meth:`add_app_template_filter`: the function
        becomes a Jinja filter of the whole app, named ``name`` or after the
        function. Returns the function unchanged."""

        def decorator(f: T_template_filter) -> T_template_filter:
            self.add_app_template_filter(f, name=name)
            return f

        return decorator

    @setupmethod
    def add_app_template_filter(
        self, f: ft.TemplateFilterCallable, name: str | None = None
    ) -> None:
        """Register ``f`` as the app's Jinja filter ``name`` (default:
        ``f.__name__``) when the blueprint is first registered, as
        :meth:`App.add_template_filter` does; it applies to every template,
        not only the blueprint's."""

        def deferred(state: BlueprintSetupState) -> None:
            state.app.add_template_filter(f, name=name)

        self.record_once(deferred)

    @setupmethod
    def app_template_test(
        self, name: str | None = None
    ) -> t.Callable[[T_template_test], T_template_test]:
        """Decorator form of :meth:`add_app_template_test`: the function
        becomes a Jinja test of the whole app, named ``name`` or after the
        function. Returns the function unchanged."""

        def decorator(f: T_template_test) -> T_template_test:
            self.add_app_template_test(f, name=name)
            return f

        return decorator

    @setupmethod
    def add_app_template_test(
        self, f: ft.TemplateTestCallable, name: str | None = None
    ) -> None:
        """Register ``f`` as the app's Jinja test ``name`` (default:
        ``f.__name__``) when the blueprint is first registered, as
        :meth:`App.add_template_test` does."""

        def deferred(state: BlueprintSetupState) -> None:
            state.app.add_template_test(f, name=name)

        self.record_once(deferred)

    @setupmethod
    def app_template_global(
        self, name: str | None = None
    ) -> t.Callable[[T_template_global], T_template_global]:
        """Decorator form of :meth:`add_app_template_global`: the function
        becomes a global of every template of the app, named ``name`` or
        after the function. Returns the function unchanged."""

        def decorator(f: T_template_global) -> T_template_global:
            self.add_app_template_global(f, name=name)
            return f

        return decorator

    @setupmethod
    def add_app_template_global(
        self, f: ft.TemplateGlobalCallable, name: str | None = None
    ) -> None:
        """Make ``f`` a global of every template of the app, named ``name``
        (default: ``f.__name__``), when the blueprint is first registered, as
        :meth:`App.add_template_global` does."""

        def deferred(state: BlueprintSetupState) -> None:
            state.app.add_template_global(f, name=name)

        self.record_once(deferred)

    def _app_scope_append(self, attr: str, f: t.Any) -> None:
        # Append ``f`` to the app-scope (None) list of registry ``attr``
        # on the first registration.
        def deferred(state: BlueprintSetupState) -> None:
            getattr(state.app, attr).setdefault(None, []).append(f)

        self.record_once(deferred)

    @setupmethod
    def before_app_request(self, f: T_before_request) -> T_before_request:
        """Like :meth:`before_request`, but for every request of the app, not
        only the blueprint's; added to the app when the blueprint is first
        registered. Returns ``f``."""
        self._app_scope_append("before_request_funcs", f)
        return f

    @setupmethod
    def after_app_request(self, f: T_after_request) -> T_after_request:
        """Like :meth:`after_request`, but for every request of the app, not
        only the blueprint's; added when the blueprint is first registered.
        Returns ``f``."""
        self._app_scope_append("after_request_funcs", f)
        return f

    @setupmethod
    def teardown_app_request(self, f: T_teardown) -> T_teardown:
        """Like :meth:`teardown_request`, but for every request of the app,
        not only the blueprint's; added when the blueprint is first
        registered. Returns ``f``."""
        self._app_scope_append("teardown_request_funcs", f)
        return f

    @setupmethod
    def app_context_processor(
        self, f: T_template_context_processor
    ) -> T_template_context_processor:
        """Like :meth:`context_processor`, but for every template the app
        renders, not only the blueprint's views'; added when the blueprint is
        first registered. Returns ``f``."""
        self._app_scope_append("template_context_processors", f)
        return f

    @setupmethod
    def app_errorhandler(
        self, code: type[Exception] | int
    ) -> t.Callable[[T_error_handler], T_error_handler]:
        """Like :meth:`errorhandler`, but the handler is the app's: it handles
        ``code`` (a status code or exception class) for every request, not
        only the blueprint's; added when the blueprint is first registered.
        Returns the decorated function unchanged.

        For example::

            @api.app_errorhandler(404)
            def not_found(error):
                return {"error": "not found"}, 404
        """

        def decorator(f: T_error_handler) -> T_error_handler:
            def deferred(state: BlueprintSetupState) -> None:
                state.app.errorhandler(code)(f)

            self.record_once(deferred)
            return f

        return decorator

    @setupmethod
    def app_url_value_preprocessor(
        self, f: T_url_value_preprocessor
    ) -> T_url_value_preprocessor:
        """Like :meth:`url_value_preprocessor`, but for every request of the
        app; added when the blueprint is first registered. Returns ``f``."""
        self._app_scope_append("url_value_preprocessors", f)
        return f

    @setupmethod
    def app_url_defaults(self, f: T_url_defaults) -> T_url_defaults:
        """Like :meth:`url_defaults`, but for every URL the app builds; added
        when the blueprint is first registered. Returns ``f``."""
        self._app_scope_append("url_default_functions", f)
        return f


# The older Flask API (flaskfast._legacy): methods that cost nothing until
# used.
_legacy.attach_blueprint(Blueprint, setupmethod)
