"""Jinja integration: the app-bound environment, the loader that searches
the app and its blueprints, and the render/stream functions.
"""

from __future__ import annotations

import threading
import typing as t
from itertools import chain

from jinja2 import BaseLoader as BaseLoader
from jinja2 import Environment as BaseEnvironment
from jinja2 import Template as Template
from jinja2 import TemplateNotFound as TemplateNotFound

from . import _speedups
from .globals import _cv_app
from .globals import _cv_request
from .globals import current_app as current_app
from .globals import request as request
from .helpers import stream_with_context as stream_with_context
from .jinja_runtime import CodeGenerator
from .jinja_runtime import Context
from .jinja_runtime import Template as _FastTemplate
from .signals import before_render_template as before_render_template
from .signals import template_rendered as template_rendered

if t.TYPE_CHECKING:  # pragma: no cover
    from .app import Flask
    from .sansio.app import App
    from .sansio.scaffold import Scaffold


def _default_template_ctx_processor() -> dict[str, t.Any]:
    """Context processor every app runs: adds ``g`` when an app context is
    active and ``request`` when a request context is.

    ``session`` is deliberately not injected: templates reach it through the
    ``session`` proxy among the environment globals, so rendering a template
    that never mentions it does not mark the session as accessed.
    """
    rv: dict[str, t.Any] = {}
    app_ctx = _cv_app.get(None)
    if app_ctx is not None:
        rv["g"] = app_ctx.g
    req_ctx = _cv_request.get(None)
    if req_ctx is not None:
        rv["request"] = req_ctx.request
    return rv


_NO_BLUEPRINT: tuple[None] = (None,)


def _stock_sync_cache(app: Flask) -> dict[t.Any, t.Any] | None:
    """``app._sync_cache`` while ``app.ensure_sync`` is the stock one (which
    returns synchronous functions unchanged), else ``None``."""
    attrs = app.__dict__
    cache = attrs.get("_sync_cache")
    if (
        cache is None
        or "ensure_sync" in attrs
        or getattr(type(app), "ensure_sync", None) is not _speedups.pipeline.ensure_sync
    ):
        return None
    return cache  # type: ignore[no-any-return]


def update_template_context(app: Flask, context: dict[str, t.Any]) -> None:
    """What ``Flask.update_template_context`` does: call the app's context
    processors, then those of the request's blueprints from the outermost
    in, each through ``app.ensure_sync``, and add their values to
    ``context`` where it has no value: later processors win over earlier
    ones, the caller's values over all of them. The keys added follow the
    caller's, in the order the processors first gave them.

    A processor's value is anything ``dict.update`` takes; when a processor
    (or ``dict.update`` on its value) raises, ``context`` is left as Flask
    leaves it: updated with the values given so far, the caller's included.

    PERF: Flask copies ``context``, updates it with every processor's dict
    and then with the copy again; here the processors' values are merged
    into one dict and only the keys the caller did not pass are added.
    Flask's ``ensure_sync`` asks ``inspect.iscoroutinefunction`` about each
    processor on every render: while the app's ``ensure_sync`` is the stock
    one, the processors found synchronous are remembered in
    ``app._sync_cache`` (as the request pipeline does for hooks and views),
    and the default processor, synchronous, is not called: its two values
    are read here. An overriding ``ensure_sync`` is called for every
    processor, as Flask does. Render of a one-variable template: 64k -> 57k
    instructions (callgrind).
    """
    names: t.Iterable[str | None] = _NO_BLUEPRINT
    ctx = _cv_request.get(None)
    if ctx is not None:
        blueprints = ctx.request.blueprints
        if blueprints:
            names = chain(names, reversed(blueprints))
    processors = app.template_context_processors
    sync_cache = _stock_sync_cache(app)
    merged: dict[t.Any, t.Any] = {}
    try:
        for name in names:
            if name not in processors:
                continue
            for func in processors[name]:
                if sync_cache is None:
                    merged.update(app.ensure_sync(func)())
                elif func is _default_template_ctx_processor:
                    app_ctx = _cv_app.get(None)
                    if app_ctx is not None:
                        merged["g"] = app_ctx.g
                    if ctx is not None:
                        merged["request"] = ctx.request
                else:
                    try:
                        known = func in sync_cache
                    except TypeError:  # an unhashable callable
                        merged.update(app.ensure_sync(func)())
                        continue
                    if not known:
                        synced = app.ensure_sync(func)
                        if synced is not func:  # a coroutine function, wrapped
                            merged.update(synced())
                            continue
                        sync_cache[func] = True
                    merged.update(func())  # type: ignore[arg-type]  # synchronous: checked above
    except BaseException:
        context.update(merged)
        raise
    for key, value in merged.items():
        if key not in context:
            context[key] = value


# PERF: recompiling the same ``render_template_string`` source on every
# request dominated the "render_template_string" benchmark (bench/); the
# compiled templates are kept per environment, so replacing
# ``app.jinja_env`` starts a fresh cache.
_STRING_CACHE_SIZE = 256


class Environment(BaseEnvironment):
    """Jinja environment that knows its application.

    Unless a ``loader`` option is passed, templates are loaded through
    ``app.create_global_jinja_loader()`` (a :class:`DispatchingJinjaLoader`).

    Templates evaluate faster than on Jinja's own environment, with the same
    results (see :mod:`flaskfast.jinja_runtime`): Jinja's test suite runs on
    this class (``ci/jinja_suite.py``).
    """

    context_class = Context
    code_generator_class = CodeGenerator
    template_class = _FastTemplate

    def __init__(self, app: App, **options: t.Any) -> None:
        if "loader" not in options:
            options["loader"] = app.create_global_jinja_loader()
        super().__init__(**options)
        self.app = app


class _StringTemplateCache:
    """Bounded source -> compiled template map (oldest entry evicted)."""

    __slots__ = ("env", "templates", "lock")

    def __init__(self, env: BaseEnvironment) -> None:
        self.env = env
        self.templates: dict[str, Template] = {}
        self.lock = threading.Lock()

    def get(self, source: str) -> Template:
        template = self.templates.get(source)
        if template is not None:
            return template
        template = self.env.from_string(source)
        with self.lock:
            templates = self.templates
            if len(templates) >= _STRING_CACHE_SIZE:
                # dicts keep insertion order: drop the oldest entry.
                del templates[next(iter(templates))]
            templates[source] = template
        return template


def _template_from_string(env: BaseEnvironment, source: t.Any) -> Template:
    if type(source) is not str:
        # Jinja also accepts a parsed AST; those are not cached.
        return env.from_string(source)
    cache = env.__dict__.get("_ff_string_templates")
    # ``Environment.overlay()`` copies ``__dict__``: an overlay must not
    # reuse templates compiled for (and bound to) its parent.
    if cache is None or cache.env is not env:
        cache = _StringTemplateCache(env)
        env.__dict__["_ff_string_templates"] = cache
    return cache.get(source)


class DispatchingJinjaLoader(BaseLoader):
    """Loader that asks the app's own loader first, then each blueprint's in
    registration order, and returns the first match.

    With ``EXPLAIN_TEMPLATE_LOADING`` enabled every loader is tried and the
    attempts are logged through
    :func:`flaskfast.debughelpers.explain_template_loading_attempts`.
    """

    def __init__(self, app: App) -> None:
        self.app = app

    def get_source(
        self, environment: BaseEnvironment, template: str
    ) -> tuple[str, str | None, t.Callable[[], bool] | None]:
        """Return ``(source, filename, uptodate)`` of ``template`` from the
        first loader that has it (the app's, then each blueprint's).

        :raises jinja2.TemplateNotFound: no loader has it.
        """
        if self.app.config["EXPLAIN_TEMPLATE_LOADING"]:
            return self._get_source_explained(environment, template)
        return self._get_source_fast(environment, template)

    def _get_source_explained(
        self, environment: BaseEnvironment, template: str
    ) -> tuple[str, str | None, t.Callable[[], bool] | None]:
        attempts = []
        found: tuple[str, str | None, t.Callable[[], bool] | None] | None = None
        for owner, loader in self._iter_loaders(template):
            try:
                rv = loader.get_source(environment, template)
            except TemplateNotFound:
                rv = None
            else:
                if found is None:
                    found = rv
            attempts.append((loader, owner, rv))

        from .debughelpers import explain_template_loading_attempts

        explain_template_loading_attempts(self.app, template, attempts)
        if found is None:
            raise TemplateNotFound(template)
        return found

    def _get_source_fast(
        self, environment: BaseEnvironment, template: str
    ) -> tuple[str, str | None, t.Callable[[], bool] | None]:
        for _owner, loader in self._iter_loaders(template):
            try:
                return loader.get_source(environment, template)
            except TemplateNotFound:
                continue
        raise TemplateNotFound(template)

    def _iter_loaders(self, template: str) -> t.Iterator[tuple[Scaffold, BaseLoader]]:
        loader = self.app.jinja_loader
        if loader is not None:
            yield self.app, loader
        for blueprint in self.app.iter_blueprints():
            loader = blueprint.jinja_loader
            if loader is not None:
                yield blueprint, loader

    def list_templates(self) -> list[str]:
        """Names of every template the app's and the blueprints' loaders
        know, each once, in no particular order."""
        names: set[str] = set()
        loader = self.app.jinja_loader
        if loader is not None:
            names.update(loader.list_templates())
        for blueprint in self.app.iter_blueprints():
            loader = blueprint.jinja_loader
            if loader is not None:
                names.update(loader.list_templates())
        return list(names)


def _render(app: Flask, template: Template, context: dict[str, t.Any]) -> str:
    app.update_template_context(context)
    # PERF: blinker's send() is skipped when a signal has no receivers
    # (the usual case in production).
    if before_render_template.receivers:
        before_render_template.send(
            app, _async_wrapper=app.ensure_sync, template=template, context=context
        )
    rv = template.render(context)
    if template_rendered.receivers:
        template_rendered.send(
            app, _async_wrapper=app.ensure_sync, template=template, context=context
        )
    return rv


def render_template(
    template_name_or_list: str | Template | list[str | Template],
    **context: t.Any,
) -> str:
    """Render a template by name with ``context`` plus the app's context
    processors.  Given a list, the first template that exists is used.

    Returns the rendered text. Templates are looked up in the app's
    ``templates`` folder, then in the blueprints' folders; the
    ``before_render_template`` and ``template_rendered`` signals are sent.
    ``.html``, ``.htm``, ``.xml``, ``.xhtml`` and ``.svg`` templates
    escape their variables.

    :raises jinja2.TemplateNotFound: no such template
        (``jinja2.TemplatesNotFound`` for a list).
    :raises RuntimeError: outside an application context.

    For example::

        return render_template("notes/list.html", notes=notes, page=2)
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    template = app.jinja_env.get_or_select_template(template_name_or_list)
    return _render(app, template, context)


def render_template_string(source: str, **context: t.Any) -> str:
    """Render template ``source`` with ``context`` plus the app's context
    processors.  The compiled template is cached per source string.

    The source is escaped as HTML (autoescape is on for strings). Returns
    the rendered text.

    :raises jinja2.TemplateSyntaxError: ``source`` is not a valid template.
    :raises RuntimeError: outside an application context.

    For example::

        render_template_string("Hello {{ name }}!", name="<ann>")
        # "Hello &lt;ann&gt;!"
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    template = _template_from_string(app.jinja_env, source)
    return _render(app, template, context)


def _stream(app: Flask, template: Template, context: dict[str, t.Any]) -> t.Iterator[str]:
    app.update_template_context(context)
    if before_render_template.receivers:
        before_render_template.send(
            app, _async_wrapper=app.ensure_sync, template=template, context=context
        )

    def generate() -> t.Iterator[str]:
        yield from template.generate(context)
        if template_rendered.receivers:
            template_rendered.send(
                app, _async_wrapper=app.ensure_sync, template=template, context=context
            )

    stream = generate()
    # Keep request/session/g usable while the body is being produced.
    if _cv_request.get(None) is not None:
        stream = stream_with_context(stream)  # type: ignore[assignment]
    return stream


def stream_template(
    template_name_or_list: str | Template | list[str | Template],
    **context: t.Any,
) -> t.Iterator[str]:
    """Like :func:`render_template` but returns an iterator of string chunks,
    suitable as a streamed response body.

    In a request the iterator keeps the request context (as
    :func:`~flaskfast.stream_with_context` does), so the template can use
    ``request`` and ``session`` while the response is sent.

    For example::

        @app.route("/log")
        def log():
            return stream_template("log.html", lines=read_lines())
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    template = app.jinja_env.get_or_select_template(template_name_or_list)
    return _stream(app, template, context)


def stream_template_string(source: str, **context: t.Any) -> t.Iterator[str]:
    """Like :func:`render_template_string` but returns an iterator of string
    chunks, suitable as a streamed response body.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    template = _template_from_string(app.jinja_env, source)
    return _stream(app, template, context)
