"""The URL map: werkzeug's ``Map`` plus a fast matcher and builder for the
common case.

:class:`Map` behaves exactly like :class:`werkzeug.routing.Map` (binding,
building, ``iter_rules`` ... are inherited untouched) and adds
:meth:`Map.fast_match`, which answers a request's path and method from a trie
compiled out of the map's rules by the router kernel
(``flaskfast._speedups.router``). The trie is rebuilt lazily, under a lock, the
first time it is needed after the rules or a matching-relevant setting changed.
Likewise :meth:`Map.fast_build` builds URLs as ``MapAdapter.build`` does, from
per-endpoint descriptions compiled by the builder kernel
(``flaskfast._speedups.builder``), or defers to werkzeug.

Only this module looks at werkzeug's rule internals (the parsed parts and the
converter instances); the kernels receive plain ``Route`` / ``Candidate``
descriptions.
"""

from __future__ import annotations

import re
import typing as t
from types import ModuleType
from urllib.parse import quote

from werkzeug.routing import BaseConverter
from werkzeug.routing import IntegerConverter
from werkzeug.routing import Map as _WerkzeugMap
from werkzeug.routing import MapAdapter
from werkzeug.routing import Rule
from werkzeug.routing import RuleFactory
from werkzeug.routing.converters import NumberConverter

from ._speedups import builder as _builder_kernel
from ._speedups import router as _kernel

__all__ = ["Map"]

MatchResult = t.Optional[t.Tuple[Rule, t.Dict[str, t.Any]]]
FastMatch = t.Callable[[str, str], MatchResult]


def _never(path_info: str, method: str) -> MatchResult:
    """The fast path for maps the kernel cannot answer for: always defer."""
    return None


class _Recording(RuleFactory):
    """Wraps a rule factory and records each rule once werkzeug has added it."""

    def __init__(self, factory: RuleFactory, sink: list[Rule]) -> None:
        self._factory = factory
        self._sink = sink

    def get_rules(self, map: _WerkzeugMap) -> t.Iterator[Rule]:
        for rule in self._factory.get_rules(map):
            yield rule
            # Resumed only after werkzeug bound and stored the rule without error,
            # so the sink holds exactly the matcher's rules, in the matcher's order.
            self._sink.append(rule)


class Map(_WerkzeugMap):
    """A werkzeug ``Map`` that can also match requests through a compiled trie."""

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        # Set before werkzeug's __init__: it adds rules and assigns the
        # settings whose setters below invalidate the compiled router.
        self._ff_rules: list[Rule] = []
        self._ff_version = 0
        self._ff_fast: FastMatch | None = None  # the current kernel entry point
        self._ff_builder: t.Any = None  # the current builder kernel object
        self._ff_lock = self.lock_class()
        self._ff_host_matching = False
        self._ff_default_subdomain = ""
        self._ff_redirect_defaults = True
        self._ff_sort_parameters = False
        # Request adapters' host parts by environ (see pipeline.bound_adapter).
        self._ff_adapters: dict[t.Any, tuple[t.Any, ...]] = {}
        super().__init__(*args, **kwargs)

    # -- settings that change how matching works ------------------------------

    def _ff_invalidate(self) -> None:
        with self._ff_lock:  # so a build racing with this change is not installed
            self._ff_version += 1
            # Drop the fast path installed by _ff_compile (never an attribute someone
            # else set); the class method then rebuilds on the next call.
            fast, self._ff_fast = self._ff_fast, None
            if fast is not None and self.__dict__.get("fast_match") is fast:
                del self.__dict__["fast_match"]
            self._ff_builder = None
            self._ff_adapters = {}

    @property
    def host_matching(self) -> bool:
        """Whether rules match on the request's host instead of its subdomain.

        Setting it drops the compiled matcher and URL builder; they are rebuilt
        on the next match or build."""
        return self._ff_host_matching

    @host_matching.setter
    def host_matching(self, value: bool) -> None:
        self._ff_host_matching = value
        self._ff_invalidate()

    @property
    def default_subdomain(self) -> str:
        """Subdomain used by rules that do not name one (``""``: none).

        Setting it drops the compiled matcher and URL builder, as above."""
        return self._ff_default_subdomain

    @default_subdomain.setter
    def default_subdomain(self, value: str) -> None:
        self._ff_default_subdomain = value
        self._ff_invalidate()

    @property
    def redirect_defaults(self) -> bool:
        """Whether a URL that spells out a rule's default values redirects to
        the rule without them. Setting it drops the compiled matcher and URL
        builder, as above."""
        return self._ff_redirect_defaults

    @redirect_defaults.setter
    def redirect_defaults(self, value: bool) -> None:
        self._ff_redirect_defaults = value
        self._ff_invalidate()

    @property
    def sort_parameters(self) -> bool:
        """Whether built URLs list their query arguments sorted by key.
        Setting it drops the compiled matcher and URL builder, as above."""
        return self._ff_sort_parameters

    @sort_parameters.setter
    def sort_parameters(self, value: bool) -> None:
        self._ff_sort_parameters = value
        self._ff_invalidate()

    @property
    def merge_slashes(self) -> bool:
        """werkzeug's default for rules that do not set ``merge_slashes``:
        whether repeated slashes in a path match (after a redirect) as one.
        Setting it drops the compiled matcher and URL builder."""
        return _WerkzeugMap.merge_slashes.fget(self)  # type: ignore[attr-defined,no-any-return]

    @merge_slashes.setter
    def merge_slashes(self, value: bool) -> None:
        _WerkzeugMap.merge_slashes.fset(self, value)  # type: ignore[attr-defined]
        self._ff_invalidate()

    # -- rules ---------------------------------------------------------------

    def add(self, rulefactory: RuleFactory) -> None:
        """Add a rule or rule factory (werkzeug semantics); the trie rebuilds lazily."""
        try:
            super().add(_Recording(rulefactory, self._ff_rules))
        finally:
            self._ff_invalidate()

    # -- matching ------------------------------------------------------------

    def fast_match(self, path_info: str, method: str) -> MatchResult:
        """Match like ``bind_to_environ(environ).match(return_rule=True)``.

        ``path_info`` is the decoded ``PATH_INFO``. Returns ``(rule, view_args)``,
        raises ``NotFound`` or ``MethodNotAllowed``, or returns ``None`` when the
        caller must ask werkzeug (redirects, subdomains, hosts, websockets, and
        other cases the kernel does not decide). The caller must only use this
        for requests bound with an empty subdomain and without a websocket
        upgrade (Flask's default: ``subdomain_matching`` off).
        """
        return self._ff_compile()(path_info, method)

    def _ff_compile(self) -> FastMatch:
        with self._ff_lock:
            if self._ff_fast is not None:
                return self._ff_fast
            version = self._ff_version
            router = self._ff_build_router()
            fast: FastMatch = router.match if router is not None else _never
            # PERF: install the kernel's bound match method as an instance attribute
            # so later calls skip this wrapper frame (bench/bench_router.py). Only
            # when neither a subclass nor the instance overrides fast_match, and only
            # if nothing changed while building.
            if version == self._ff_version:
                self._ff_fast = fast
                if type(self).fast_match is Map.fast_match and "fast_match" not in self.__dict__:
                    self.__dict__["fast_match"] = fast
            return fast

    def _ff_build_router(self, kernel: ModuleType = _kernel) -> t.Any:
        """A kernel ``Router`` for the current rules, or None if it cannot own them."""
        if self.host_matching or self.default_subdomain:
            return None
        self.update()  # werkzeug's own re-sort; default-redirect checks depend on it
        routes = []
        for rule in list(self._ff_rules):
            if rule.build_only:
                continue
            route = self._ff_route(rule, kernel)
            if route is None:
                return None
            routes.append(route)
        try:
            return kernel.Router(routes, merge_slashes=self.merge_slashes)
        except (re.error, TypeError, ValueError):
            return None  # werkzeug reports such rules itself, at match time

    def _ff_route(self, rule: Rule, kernel: ModuleType) -> t.Any:
        """Describe ``rule`` for the kernel, or None if the kernel cannot own it."""
        if rule.map is not self or rule.websocket or rule.subdomain or rule.host:
            return None
        parts = rule._parts
        if not parts or not parts[0].static or parts[0].content != "":
            return None  # not a plain, empty domain part
        segments = tuple(
            kernel.Segment(p.static, p.content, p.final, p.suffixed, p.weight)
            for p in parts[1:]
        )
        converters = rule._converters
        fallback = rule.redirect_to is not None or bool(
            rule.alias and self.redirect_defaults
        )
        return kernel.Route(
            target=rule,
            segments=segments,
            methods=rule.methods,
            strict_slashes=bool(rule.strict_slashes),
            arg_names=tuple(str(name) for name in converters),
            converters=tuple(_to_python(c) for c in converters.values()),
            defaults=rule.defaults or None,
            fallback=fallback,
            veto=self._ff_default_redirect_check(rule),
        )

    def _ff_default_redirect_check(
        self, rule: Rule
    ) -> t.Callable[[dict[str, t.Any], str], bool] | None:
        """Werkzeug redirects a match to an earlier rule of the same endpoint that
        supplies the matched values as defaults; detect that case, in its order."""
        if not self.redirect_defaults:
            return None
        providers = []
        for other in self.iter_rules(rule.endpoint):
            if other is rule:
                break
            if other.provides_defaults_for(rule):
                providers.append(other)
        if not providers:
            return None

        def would_redirect(values: dict[str, t.Any], method: str) -> bool:
            return any(p.suitable_for(values, method) for p in providers)

        return would_redirect

    # -- building ------------------------------------------------------------

    def fast_build(
        self,
        adapter: MapAdapter,
        endpoint: t.Any,
        values: dict[str, t.Any],
        method: t.Any = None,
        url_scheme: t.Any = None,
        force_external: t.Any = False,
    ) -> str | None:
        """``adapter.build(endpoint, values, method=method,
        url_scheme=url_scheme, force_external=force_external)``, or None when
        the caller must call that instead: another adapter class or map, host
        matching, subdomain or websocket rules, custom rule classes, and every
        failure, so that werkzeug raises its own ``BuildError`` (a custom
        converter's ``to_url`` may then be called twice).

        None values are dropped, as werkzeug drops them; exceptions raised by
        converters propagate as from werkzeug.
        """
        builder = self._ff_builder
        if builder is None:
            builder = self._ff_compile_builder()
        return builder.build(  # type: ignore[no-any-return]
            adapter, endpoint, values, method, url_scheme, force_external
        )

    def _ff_compile_builder(self, kernel: ModuleType = _builder_kernel) -> t.Any:
        """The kernel ``Builder`` for the current rules (made once per change)."""
        with self._ff_lock:
            builder = self._ff_builder
            if builder is not None:
                return builder
            version = self._ff_version
            self.update()  # werkzeug's own re-sort of the build order
            endpoints: dict[t.Any, t.Any] = {}
            if not self.host_matching:
                for endpoint, rules in list(self._rules_by_endpoint.items()):
                    candidates = []
                    for rule in rules:
                        candidate = self._ff_candidate(rule, kernel)
                        if candidate is None:
                            break
                        candidates.append(candidate)
                    else:
                        endpoints[endpoint] = tuple(candidates)
                        continue
                    endpoints[endpoint] = None
            builder = kernel.Builder(endpoints, self, MapAdapter)
            if version == self._ff_version:
                self._ff_builder = builder
            return builder

    def _ff_candidate(self, rule: Rule, kernel: ModuleType) -> t.Any:
        """Describe ``rule`` for the builder kernel, or None if it cannot own it."""
        cls = type(rule)
        if (
            rule.map is not self
            or rule.websocket
            or cls.build is not Rule.build
            or cls.suitable_for is not Rule.suitable_for
            or cls._compile_builder is not Rule._compile_builder
            or "build" in vars(rule)
            or "suitable_for" in vars(rule)
        ):
            return None
        trace = rule._trace
        if not trace or trace[0] != (False, "|"):
            return None  # a subdomain (or host) part
        defaults = rule.defaults or {}
        if not all(type(key) is str for key in defaults):
            return None
        parts: list[t.Any] = []
        names: list[str] = []
        for is_dynamic, data in trace[1:]:
            if not is_dynamic:
                parts.append(quote(data, safe=_PATH_SAFE))
            elif data in defaults:
                return None  # werkzeug folds it to a constant; rare, left to it
            else:
                parts.append(len(names))
                names.append(data)
        # Fold adjacent static text, as werkzeug does.
        folded: list[t.Any] = []
        for part in parts:
            if folded and type(part) is str and type(folded[-1]) is str:
                folded[-1] += part
            else:
                folded.append(part)
        converters = rule._converters
        methods = rule.methods
        return kernel.Candidate(
            methods=frozenset(methods) if methods is not None else None,
            required=tuple(k for k in rule.arguments if k not in defaults),
            defaults=tuple(defaults.items()),
            parts=tuple(folded),
            names=tuple(names),
            converters=tuple(_to_url_code(converters[n], kernel) for n in names),
            fallbacks=tuple(converters[n].to_url for n in names),
            consumed=frozenset(names) | frozenset(defaults),
            encode_query=rule._encode_query_vars,
            stock_query=(
                cls._encode_query_vars is Rule._encode_query_vars
                and "_encode_query_vars" not in vars(rule)
                and not self.sort_parameters
            ),
        )


_PATH_SAFE = "!$&'()*+,/:;=@"  # werkzeug's safe set for static rule text


def _to_url_code(converter: BaseConverter, kernel: ModuleType) -> t.Any:
    """The builder kernel's code for ``converter.to_url``: a stock shortcut
    (exactly werkzeug's result for the values it covers) or the method."""
    cls = type(converter)
    if "to_url" in vars(converter):
        return converter.to_url
    if cls.to_url is BaseConverter.to_url:
        return kernel.STOCK_QUOTE
    if (
        cls.to_url is NumberConverter.to_url
        and isinstance(converter, NumberConverter)  # (narrows the type)
        and converter.num_convert is int
        and not converter.fixed_digits
    ):
        return kernel.STOCK_INT
    return converter.to_url


def _to_python(converter: BaseConverter) -> t.Callable[[str], t.Any] | None:
    """The callable turning a matched string into the view argument (None: keep)."""
    cls = type(converter)
    overridden = vars(converter)
    if cls.to_python is BaseConverter.to_python and "to_python" not in overridden:
        return None  # PERF: string, path, any: no call at all
    if (
        cls is IntegerConverter
        and isinstance(converter, IntegerConverter)  # (narrows the type)
        and "to_python" not in overridden
        and converter.regex in (r"\d+", r"-?\d+")
        and not converter.fixed_digits
        and converter.min is None
        and converter.max is None
        and converter.num_convert is int
    ):
        # PERF: the regex guarantees int() succeeds; skip the bound-method layers.
        return int
    return converter.to_python
