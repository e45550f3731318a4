"""Application and request contexts.

An :class:`AppContext` makes ``current_app`` and ``g`` available; a
:class:`RequestContext` adds ``request`` and ``session``.  Both are context
managers, may be pushed more than once, and are bound per thread and per
asyncio task through the context variables in :mod:`flaskfast.globals`.

The request context does as little as it can up front: the URL adapter is
built when something asks for it, and the default cookie session is opened
when it is first touched (or at the end of the request if a cookie came in).
"""

from __future__ import annotations

import contextvars
import typing as t
from functools import update_wrapper
from types import TracebackType

from werkzeug.exceptions import HTTPException

from . import typing as ft
from ._speedups import context as _kernel
from .globals import _cv_app
from .globals import _cv_request

if t.TYPE_CHECKING:  # pragma: no cover
    from _typeshed.wsgi import WSGIEnvironment
    from werkzeug.routing import MapAdapter

    from .app import Flask
    from .sessions import SessionMixin
    from .wrappers import Request

_sentinel: t.Any = _kernel.SENTINEL


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
    ``after_request`` functions.  Only valid while a request is active."""
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
    context, e.g. in a background thread or greenlet started by a view."""
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
    """Whether a request context is active (``request`` can be used)."""
    return _cv_request.get(None) is not None


def has_app_context() -> bool:
    """Whether an application context is active (``current_app`` can be used)."""
    return _cv_app.get(None) is not None


def _default_adapter_factory(app: Flask) -> bool:
    from .app import Flask as _Flask

    return type(app).create_url_adapter is _Flask.create_url_adapter


_Ctx = t.TypeVar("_Ctx", bound="_Pushable")


class _Pushable:
    """``with`` support shared by both contexts: push on entry, pop with the
    exception (or ``None``) on exit."""

    def push(self) -> None:
        raise NotImplementedError

    def pop(self, exc: BaseException | None = _sentinel) -> None:
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

    def __init__(self, app: Flask) -> None:
        self.app = app
        # PERF: the adapter for building URLs outside requests is only needed
        # by url_for; with the stock create_url_adapter it is built on first
        # use (bench: every scenario pushes an app context).
        if app._stock_url_adapter():
            config = app.config
            # Flask binds the adapter here; remember what it would be bound to.
            self._adapter_config = (
                config["SERVER_NAME"],
                config["APPLICATION_ROOT"],
                config["PREFERRED_URL_SCHEME"],
            )
        else:
            self.url_adapter = app.create_url_adapter(None)
        self._cv_tokens: list[contextvars.Token[AppContext]] = []

    @property
    def url_adapter(self) -> MapAdapter | None:
        try:
            return self.__dict__["url_adapter"]  # type: ignore[no-any-return]
        except KeyError:
            pass
        server_name, script_name, url_scheme = self._adapter_config
        adapter = None
        if server_name is not None:
            # What the stock create_url_adapter(None) returned when this
            # context was created, even if the config changed since.
            adapter = self.app.url_map.bind(
                server_name, script_name=script_name, url_scheme=url_scheme
            )
        self.__dict__["url_adapter"] = adapter
        return adapter

    @url_adapter.setter
    def url_adapter(self, value: MapAdapter | None) -> None:
        self.__dict__["url_adapter"] = value

    def push(self) -> None:
        """Make this the active application context."""
        _kernel.app_push(self)

    def pop(self, exc: BaseException | None = _sentinel) -> None:
        """Deactivate this context; the outermost pop runs the app's
        ``teardown_appcontext`` functions with ``exc``."""
        _kernel.app_pop(self, exc)



class RequestContext(_Pushable):
    """Holds everything about one request: the request object, the URL
    adapter, the session and the flashed messages.  Pushed by
    :meth:`Flask.wsgi_app` around handling the request."""

    def __init__(
        self,
        app: Flask,
        environ: WSGIEnvironment,
        request: Request | None = None,
        session: SessionMixin | None = None,
    ) -> None:
        self.app = app
        if request is None:
            request = app.request_class(environ)
        request.json_module = app.json
        self.request: Request = request
        if app._stock_url_adapter():
            # The adapter is built on first use, from the environ as it is now.
            self._adapter_environ = tuple(map(request.environ.get, _ADAPTER_KEYS))
        else:
            self._build_url_adapter()
        self.flashes: list[tuple[str, str]] | None = None
        self._session_obj: SessionMixin | None = session
        self._after_request_functions: list[ft.AfterRequestCallable[t.Any]] = []
        self._cv_tokens: list[
            tuple[contextvars.Token[RequestContext], AppContext | None]
        ] = []

    def _build_url_adapter(self) -> MapAdapter | None:
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
        return self.__class__(
            self.app,
            environ=self.request.environ,
            request=self.request,
            session=self._session,
        )

    def match_request(self) -> None:
        """Match the request against the URL map, storing the rule and view
        arguments on the request, or the routing exception."""
        try:
            result = self.url_adapter.match(return_rule=True)  # type: ignore[union-attr]
            self.request.url_rule, self.request.view_args = result  # type: ignore[assignment]
        except HTTPException as e:
            self.request.routing_exception = e

    def _fast_match(self) -> bool:
        """Match through the compiled router; False when it cannot decide.

        Like Flask's adapter, bound when the context was made, it routes on
        the environ as it was then (``_adapter_environ``), even if something
        (a signal receiver, say) changed it since. Needs that snapshot, which
        ``__init__`` takes with the stock adapter factory (``push`` checks)."""
        environ = self.request.environ
        saved = self._adapter_environ
        path = saved[_AT_PATH]
        if "HTTP_UPGRADE" in environ or saved[_AT_UPGRADE] is not None:
            return False  # websocket upgrades are matched by werkzeug
        if not path or not _plain_binding(
            saved[_AT_HOST], saved[_AT_SERVER_NAME], saved[_AT_SCHEME]
        ):
            return False
        try:
            path_info = path.encode("latin1").decode(errors="replace")
        except UnicodeError:
            self.request.routing_exception = _bad_path()
            return True
        request = self.request
        if "method" in request.__dict__:
            method = request.method
        else:
            # PERF: the same value the lazy ``Request.method`` computes, stored
            # so that later reads are plain attribute reads (bench: every scenario).
            raw = saved[_AT_METHOD]
            if raw is None:
                raw = environ.get("REQUEST_METHOD", "GET")
            method = request.__dict__["method"] = str(raw).upper()
        try:
            result = self.app.url_map.fast_match(path_info, method)
        except HTTPException as e:
            self.request.routing_exception = e
            return True
        if result is None:
            return False
        self.request.url_rule, self.request.view_args = result
        return True

    @property
    def _session(self) -> SessionMixin | None:
        """The session, opened on first use.  ``None`` only before the
        context was pushed."""
        session = self._session_obj
        if session is None and self._cv_tokens:
            session = self._open_session()
        return session

    @_session.setter
    def _session(self, value: SessionMixin | None) -> None:
        self._session_obj = value

    def _open_session(self) -> SessionMixin:
        app = self.app
        interface = app.session_interface
        request = self.request
        environ = request.environ
        pushed_cookie = self.__dict__.get("_pushed_cookie", _NOT_LAZY)
        current = environ.get("HTTP_COOKIE")
        if (
            pushed_cookie is not _NOT_LAZY
            and current != pushed_cookie
            and "cookies" not in request.__dict__
        ):
            # Opened lazily after something changed the Cookie header: read
            # the cookies as they were at push, when Flask opens the session.
            _set_or_drop(environ, "HTTP_COOKIE", pushed_cookie)
            try:
                request.cookies  # noqa: B018 - caches the push-time cookies
            finally:
                _set_or_drop(environ, "HTTP_COOKIE", current)
        session = interface.open_session(app, request)
        if session is None:
            session = interface.make_null_session(app)
        self._session_obj = session
        return session

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

    def push(self) -> None:
        """Make this the active request context (pushing an app context
        first if needed), open the session and match the URL."""
        _kernel.request_push(self)
        app = self.app
        if self._session_obj is None:
            if app._lazy_session():
                self._pushed_cookie = self.request.environ.get("HTTP_COOKIE")
            else:
                self._open_session()
        # PERF: with the stock adapter factory and matcher, routing goes
        # through the compiled trie without binding a MapAdapter
        # (bench: every scenario).
        if (
            "_adapter_environ" in self.__dict__
            and type(self)._default_matcher
            and not app.subdomain_matching
            and app.config["TRUSTED_HOSTS"] is None
            and self._fast_match()
        ):
            return
        if self.url_adapter is not None:
            self.match_request()

    def pop(self, exc: BaseException | None = _sentinel) -> None:
        """Deactivate this context; the outermost pop runs the request
        teardown functions with ``exc`` and closes the request."""
        _kernel.request_pop(self, exc)


    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._default_matcher = cls.match_request is RequestContext.match_request

    _default_matcher: t.ClassVar[bool] = True

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} {self.request.url!r}"
            f" [{self.request.method}] of {self.app.name}>"
        )


# The environ keys a request's URL adapter is bound from.
_ADAPTER_KEYS = (
    "HTTP_HOST",
    "SERVER_NAME",
    "SERVER_PORT",
    "wsgi.url_scheme",
    "SCRIPT_NAME",
    "PATH_INFO",
    "QUERY_STRING",
    "REQUEST_METHOD",
    "HTTP_UPGRADE",
    "HTTP_CONNECTION",
)
_AT_HOST = _ADAPTER_KEYS.index("HTTP_HOST")
_AT_SERVER_NAME = _ADAPTER_KEYS.index("SERVER_NAME")
_AT_SCHEME = _ADAPTER_KEYS.index("wsgi.url_scheme")
_AT_PATH = _ADAPTER_KEYS.index("PATH_INFO")
_AT_METHOD = _ADAPTER_KEYS.index("REQUEST_METHOD")
_AT_UPGRADE = _ADAPTER_KEYS.index("HTTP_UPGRADE")


_NOT_LAZY: t.Any = object()


def _set_or_drop(environ: WSGIEnvironment, key: str, value: t.Any) -> None:
    if value is None:
        environ.pop(key, None)
    else:
        environ[key] = value


def _restore(environ: WSGIEnvironment, values: tuple[t.Any, ...]) -> None:
    for key, value in zip(_ADAPTER_KEYS, values):
        _set_or_drop(environ, key, value)


def _plain_binding(host: t.Any, server_name: t.Any, scheme: t.Any) -> bool:
    """A sufficient condition for werkzeug binding this request's URL
    adapter without error, as an HTTP (not WebSocket) adapter: what the
    compiled router needs to answer in its place.

    ``host`` is the ``Host`` header (``server_name``, the environ's
    ``SERVER_NAME``, when there is none); ``Map.bind`` IDNA-encodes the name
    before the port, and a failure there is Flask's 400 ``BadHost``. An ASCII
    name binds when every dot-separated label but the last has 1 to 63
    characters and the last at most 63, as Python's ``idna`` codec requires.
    The ``ws`` and ``wss`` schemes make a WebSocket adapter, which refuses
    HTTP rules. Anything else (a non-ASCII name, an empty or overlong label,
    a WebSocket scheme) is left to werkzeug's adapter, which gives Flask's
    answer."""
    if scheme == "ws" or scheme == "wss":
        return False
    name = server_name if host is None else host
    if type(name) is not str or not name.isascii():
        return False
    name = name.partition(":")[0]
    if len(name) < 64:
        # PERF: no label of a short name can be too long; only empty ones
        # need looking for (bench: pure, every scenario).
        return name[:1] != "." and ".." not in name
    labels = name.split(".")
    last = labels.pop()
    return len(last) < 64 and all(0 < len(label) < 64 for label in labels)


def _bad_path() -> HTTPException:
    from werkzeug.exceptions import BadRequest

    return BadRequest("The request path is not valid.")
