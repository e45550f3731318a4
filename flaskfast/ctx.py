"""Application and request contexts.

An :class:`AppContext` makes ``current_app`` and ``g`` available; a
:class:`RequestContext` adds ``request`` and ``session``.  Both are context
managers, may be pushed more than once, and are bound per thread and per
asyncio task through the context variables in :mod:`flaskfast.globals`.

The request context does as little as it can up front: the URL adapter is
built when something asks for it, and the default cookie session is opened
when it is first touched (or at the end of the request if a cookie came in).
The methods that make up the request pipeline (``__init__``, ``push``,
``pop``, ``match_request``) are the pipeline's own functions
(:mod:`flaskfast._speedups.pipeline`), so each step is written once.
"""

from __future__ import annotations

import contextvars
import typing as t
from functools import update_wrapper
from types import TracebackType

from werkzeug.exceptions import HTTPException

from . import typing as ft
from ._speedups import pipeline as _pipeline
from .globals import _cv_app
from .globals import _cv_request

_sentinel: t.Any = _pipeline._SENTINEL

if t.TYPE_CHECKING:  # pragma: no cover
    from _typeshed.wsgi import WSGIEnvironment
    from werkzeug.routing import MapAdapter

    from .app import Flask
    from .sessions import SessionMixin
    from .wrappers import Request



class _AppCtxGlobals:
    """The ``g`` namespace: a plain object for storing data during an
    application context, with a few dict-like helpers."""

    def __getattr__(self, name: str) -> t.Any:
        try:
            return self.__dict__[name]
        except KeyError:
            raise AttributeError(name) from None

    # PERF: object's own setattr already stores into __dict__; naming it here
    # keeps the C slot instead of a Python frame per ``g.x = ...``
    # (bench: blueprint_hooks).
    if t.TYPE_CHECKING:  # pragma: no cover - for type checkers: any name may be set

        def __setattr__(self, name: str, value: t.Any) -> None: ...

    else:
        __setattr__ = object.__setattr__

    def __delattr__(self, name: str) -> None:
        try:
            del self.__dict__[name]
        except KeyError:
            raise AttributeError(name) from None

    def get(self, name: str, default: t.Any | None = None) -> t.Any:
        """The attribute ``name``, or ``default`` when it is not set."""
        return self.__dict__.get(name, default)

    def pop(self, name: str, default: t.Any = _sentinel) -> t.Any:
        """Remove and return ``name``; ``KeyError`` unless ``default`` is given."""
        if default is _sentinel:
            return self.__dict__.pop(name)
        return self.__dict__.pop(name, default)

    def setdefault(self, name: str, default: t.Any = None) -> t.Any:
        """Return ``name``, setting it to ``default`` first when it is unset."""
        return self.__dict__.setdefault(name, default)

    def __contains__(self, item: str) -> bool:
        return item in self.__dict__

    def __iter__(self) -> t.Iterator[str]:
        return iter(self.__dict__)

    def __repr__(self) -> str:
        ctx = _cv_app.get(None)
        if ctx is not None:
            return f"<flask.g of '{ctx.app.name}'>"
        return object.__repr__(self)


def after_this_request(
    f: ft.AfterRequestCallable[t.Any],
) -> ft.AfterRequestCallable[t.Any]:
    """Register ``f`` to run on this request's response, before the
    ``after_request`` functions.  Only valid while a request is active.

    For example, a view can set a cookie on a response it does not build::

        @app.route("/")
        def index():
            @after_this_request
            def remember(response):
                response.set_cookie("seen", "yes")
                return response

            return "hello"
    """
    ctx = _cv_request.get(None)
    if ctx is None:
        raise RuntimeError(
            "'after_this_request' needs an active request context; call it"
            " from a view function or a before_request function."
        )
    ctx._after_request_functions.append(f)
    return f


F = t.TypeVar("F", bound=t.Callable[..., t.Any])


def copy_current_request_context(f: F) -> F:
    """Wrap ``f`` so that it runs inside a copy of the current request
    context, e.g. in a background thread or greenlet started by a view::

        @app.route("/report")
        def report():
            @copy_current_request_context
            def work():
                audit(request.path)  # the view's request, in another thread

            threading.Thread(target=work).start()
            return "started"
    """
    ctx = _cv_request.get(None)
    if ctx is None:
        raise RuntimeError(
            "'copy_current_request_context' needs an active request context;"
            " call it from a view function."
        )
    ctx = ctx.copy()

    def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
        with ctx:
            return ctx.app.ensure_sync(f)(*args, **kwargs)

    return update_wrapper(wrapper, f)  # type: ignore[return-value]


def has_request_context() -> bool:
    """Whether a request context is active (``request`` can be used)::

        def client_address():
            return request.remote_addr if has_request_context() else None
    """
    return _cv_request.get(None) is not None


def has_app_context() -> bool:
    """Whether an application context is active (``current_app`` can be used)."""
    return _cv_app.get(None) is not None


_Ctx = t.TypeVar("_Ctx", bound="_Pushable")


class _Pushable:
    """``with`` support shared by both contexts: push on entry, pop with the
    exception (or ``None``) on exit."""

    def push(self) -> None:
        """Make this context the current one (each context class defines it)."""
        raise NotImplementedError

    def pop(self, exc: BaseException | None = _sentinel) -> None:
        """Undo :meth:`push`, tearing down with ``exc`` (each context class
        defines it)."""
        raise NotImplementedError

    def __enter__(self: _Ctx) -> _Ctx:
        self.push()
        return self

    def __exit__(
        self,
        exc_type: type | None,
        exc_value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.pop(exc_value)


class _LazyGlobals:
    """``AppContext.g``: the app's ``app_ctx_globals_class()``, made when the
    context's ``g`` is first used and kept in the context from then on."""

    # PERF: most requests never touch g; making it on first use saves an
    # object per request (bench: every scenario, bench/server.py).  A
    # non-data descriptor, so a stored or assigned g is found without it.

    @t.overload
    def __get__(self, ctx: None, owner: type | None = None) -> _LazyGlobals: ...
    @t.overload
    def __get__(self, ctx: AppContext, owner: type | None = None) -> _AppCtxGlobals: ...
    def __get__(
        self, ctx: AppContext | None, owner: type | None = None
    ) -> _AppCtxGlobals | _LazyGlobals:
        if ctx is None:
            return self
        # setdefault: two threads sharing the context still share one g.
        return ctx.__dict__.setdefault("g", ctx.app.app_ctx_globals_class())  # type: ignore[no-any-return]


class AppContext(_Pushable):
    """Binds an application to the current thread or task; ``current_app``
    and ``g`` refer to it while it is pushed."""

    g: _AppCtxGlobals = _LazyGlobals()  # type: ignore[assignment]
    app: Flask
    _adapter_config: tuple[t.Any, t.Any, t.Any]
    _cv_tokens: list[contextvars.Token[AppContext]]

    __init__ = _pipeline.app_ctx_init
    push = _pipeline.app_ctx_push
    pop = _pipeline.app_ctx_pop

    @property
    def url_adapter(self) -> MapAdapter | None:
        """The adapter for building URLs outside a request (``None`` without
        ``SERVER_NAME``), as the app's ``create_url_adapter(None)`` returned
        it when this context was made."""
        try:
            return self.__dict__["url_adapter"]  # type: ignore[no-any-return]
        except KeyError:
            pass
        server_name, script_name, url_scheme = self._adapter_config
        adapter = None
        if server_name is not None:
            adapter = self.app.url_map.bind(
                server_name, script_name=script_name, url_scheme=url_scheme
            )
        self.__dict__["url_adapter"] = adapter
        return adapter

    @url_adapter.setter
    def url_adapter(self, value: MapAdapter | None) -> None:
        self.__dict__["url_adapter"] = value


class RequestContext(_Pushable):
    """Holds everything about one request: the request object, the URL
    adapter, the session and the flashed messages.  Pushed by
    :meth:`Flask.wsgi_app` around handling the request."""

    app: Flask
    request: Request
    flashes: list[tuple[str, str]] | None
    _session_obj: SessionMixin | None
    _adapter_environ: tuple[t.Any, ...]
    _pushed_cookie: str | None
    _after_request_functions: list[ft.AfterRequestCallable[t.Any]]
    _cv_tokens: list[tuple[contextvars.Token[RequestContext], AppContext | None]]

    __init__ = _pipeline.request_ctx_init
    push = _pipeline.request_ctx_push
    pop = _pipeline.request_ctx_pop
    match_request = _pipeline.match_request

    def _build_url_adapter(self) -> MapAdapter | None:
        adapter: MapAdapter | None
        key = _pipeline.adapter_memo_key(self)
        if key is not None:
            adapter = _pipeline.bound_adapter(self, key)
            if adapter is not None:
                self.__dict__["url_adapter"] = adapter
                return adapter
        adapter = None
        environ = self.request.environ
        saved = self.__dict__.get("_adapter_environ")
        changed = None
        if saved is not None:
            now = tuple(map(environ.get, _ADAPTER_KEYS))
            if now != saved:
                # Something changed the environ after this context was made;
                # bind to what it was then, as an eager adapter would have.
                changed = now
                _restore(environ, saved)
        try:
            adapter = self.app.create_url_adapter(self.request)
        except HTTPException as e:
            self.request.routing_exception = e
        finally:
            if changed is not None:
                _restore(environ, changed)
        if key is not None and adapter is not None:
            _pipeline.remember_adapter(self, key, adapter)
        self.__dict__["url_adapter"] = adapter
        return adapter

    @property
    def url_adapter(self) -> MapAdapter | None:
        """The URL adapter bound to this request (built on first use)."""
        try:
            return self.__dict__["url_adapter"]  # type: ignore[no-any-return]
        except KeyError:
            return self._build_url_adapter()

    @url_adapter.setter
    def url_adapter(self, value: MapAdapter | None) -> None:
        self.__dict__["url_adapter"] = value

    def copy(self) -> RequestContext:
        """A new context for the same request object and session, for use
        in another thread or greenlet."""
        return self.__class__(  # type: ignore[no-any-return]
            self.app,
            environ=self.request.environ,
            request=self.request,
            session=self._session,
        )

    @property
    def _session(self) -> SessionMixin | None:
        """The session, opened on first use.  ``None`` only before the
        context was pushed."""
        session = self._session_obj
        if session is None and self._cv_tokens:
            session = _pipeline.open_session(self)
        return session

    @_session.setter
    def _session(self, value: SessionMixin | None) -> None:
        self._session_obj = value

    @property
    def session(self) -> SessionMixin:
        """The session of this request; reading it marks it accessed."""
        # PERF: an open session is read directly, not through the _session
        # property's frame; read on every ``session[...]`` (bench: session).
        session = self._session_obj
        if session is None:
            session = self._session
        if session is None:
            raise AssertionError("The session has not yet been opened.")
        session.accessed = True
        return session

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} {self.request.url!r}"
            f" [{self.request.method}] of {self.app.name}>"
        )


_ADAPTER_KEYS = _pipeline._ADAPTER_KEYS


def _restore(environ: WSGIEnvironment, values: tuple[t.Any, ...]) -> None:
    for key, value in zip(_ADAPTER_KEYS, values):
        if value is None:
            environ.pop(key, None)
        else:
            environ[key] = value


_pipeline.use_context_classes(AppContext, RequestContext)
