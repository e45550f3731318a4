# cython: annotation_typing=False
"""The request pipeline: every step of Flask's request handling, written once.

Each Flask method of the pipeline (``wsgi_app``, ``full_dispatch_request``,
``preprocess_request``, ``dispatch_request``, ``finalize_request``,
``make_response``, ``process_response``, ``do_teardown_*``, ``ensure_sync``,
``request_context``, ``app_context``, ``url_for``), of the context classes (``__init__``,
``push``, ``pop``, ``match_request``), ``Request.__init__`` and the sending
of a ``Response`` (``send_response``) *is* a function of this module:
:mod:`flaskfast.app`, :mod:`flaskfast.ctx` and :mod:`flaskfast.wrappers`
assign them in their class bodies.  A step that calls another step calls it through
:func:`_stock`: directly when the object's class and instance still resolve
the name to this module's function, through the (overridden) attribute
otherwise.  That check is made on every call, so an override made at any time
(subclass, instance attribute, class patched after the first request,
``mock.patch.object``) is honoured from the next call on, as in Flask.

This module is written in Cython's pure-Python mode: ``pipeline.pxd`` types
it, ``setup.py`` compiles it when a C compiler is available, and the selector
in ``flaskfast._speedups`` imports this very file as plain Python otherwise
(or when ``FLASKFAST_NO_EXTENSIONS`` is set).  It imports only flaskfast's
leaf modules (globals, signals, helpers, the kernels); the stock classes it
stands in for are handed to it by the modules that define them
(:func:`use_context_classes` by :mod:`flaskfast.ctx`, :func:`use_stock` by
:mod:`flaskfast.app`), so that it is part of no import cycle.  It is one
module, larger than the others, because compiled steps call each other as C
functions only within a module; across modules they would call each other
through Python.
"""

from __future__ import annotations

import json as _json_module
import re
import sys
import typing as t
from urllib.parse import quote as _url_quote
from contextvars import ContextVar
from functools import cache
from operator import methodcaller
from inspect import iscoroutinefunction

from werkzeug.exceptions import BadRequest
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import InternalServerError
from werkzeug.routing import BuildError
from werkzeug.routing import Map as _WzMap
from werkzeug.routing import MapAdapter as _MapAdapter
from werkzeug.wsgi import get_host as _get_host
from werkzeug.wrappers import Request as _WzRequest
from werkzeug.wrappers import Response as _WzResponse

from .._faults import guard_stream
from .._faults import handler_failed
from .._faults import teardown_failed
from ..globals import _cv_app
from ..globals import _cv_request
from ..globals import current_app as _app_proxy
from ..globals import request as _request_proxy
from ..routing import Map as _Map
from ..signals import appcontext_popped
from ..signals import appcontext_pushed
from ..signals import appcontext_tearing_down
from ..signals import got_request_exception
from ..signals import request_finished
from ..signals import request_started
from ..signals import request_tearing_down
from . import headers as _headers_kernel
from . import json as _json_kernel
from . import response as _response_kernel
from . import router as _router_kernel

try:
    import cython
except ImportError:  # Cython is only needed to compile this module.
    from . import _cython_shim as cython  # type: ignore[no-redef,unused-ignore]

if t.TYPE_CHECKING:  # pragma: no cover
    from _typeshed.wsgi import StartResponse
    from _typeshed.wsgi import WSGIEnvironment

    from ..ctx import AppContext
    from ..ctx import RequestContext
    from ..wrappers import Response as _Response

# The environ keys a request's URL adapter is bound from, in the order of the
# snapshot a request context keeps of them (see RequestContext.__init__).
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
_APP_ONLY = (None,)
_NO_BLUEPRINT = (_APP_ONLY, _APP_ONLY)
_PRESERVE = "werkzeug.debug.preserve_context"
_MISSING: t.Any = object()
# The default of the teardown and pop methods: "the exception being handled".
_SENTINEL: t.Any = object()

# Filled by flaskfast.ctx (use_context_classes) and flaskfast.app (use_stock).
_AppContext: t.Any = None
_RequestContext: t.Any = None
_STOCK_URL_ADAPTER: t.Any = None
_APP_GLOBALS: dict[str, t.Any] = {}  # the module globals of _STOCK_URL_ADAPTER
_STOCK_CTX_ADAPTER: t.Any = None
_STOCK_INJECT_DEFAULTS: t.Any = None
_STOCK_RESPONSE_CALL: t.Any = None
_STOCK_REQUEST_CLOSE: t.Any = None
# ``(name, step)`` pairs that a stock request class (``_HOOK_CHECKS``) or a
# response class sent without building it (``_SEND_CHECKS``) resolves.
_HOOK_CHECKS: tuple[tuple[str, t.Any], ...] = ()
_SEND_CHECKS: tuple[tuple[str, t.Any], ...] = ()
_COOKIE_SESSIONS: t.Any = None
_STOCK_OPEN_SESSION: t.Any = None
_STOCK_SAVE_SESSION: t.Any = None


def use_context_classes(app_context: type, request_context: type) -> None:
    """Name the stock context classes that ``app_context()`` and
    ``request_context()`` build (called once by :mod:`flaskfast.ctx`)."""
    global _AppContext, _RequestContext, _STOCK_CTX_ADAPTER
    _AppContext = app_context
    _RequestContext = request_context
    _STOCK_CTX_ADAPTER = request_context.__dict__["url_adapter"]


def use_stock(
    create_url_adapter: t.Callable[..., t.Any],
    inject_url_defaults: t.Callable[..., t.Any],
    request_class: type,
    response_class: type,
    session_interface_class: type,
) -> None:
    """Name the stock ``Flask.create_url_adapter`` (defined with the app, so
    that werkzeug's binding warnings name ``flask.app``, as with Flask) and
    ``inject_url_defaults``, and
    the stock request, response and session interface classes whose methods
    the steps check for (called once by :mod:`flaskfast.app`)."""
    global _STOCK_URL_ADAPTER, _APP_GLOBALS, _STOCK_INJECT_DEFAULTS
    global _STOCK_RESPONSE_CALL, _STOCK_REQUEST_CLOSE
    global _HOOK_CHECKS, _SEND_CHECKS
    global _COOKIE_SESSIONS, _STOCK_OPEN_SESSION, _STOCK_SAVE_SESSION
    _STOCK_URL_ADAPTER = create_url_adapter
    _APP_GLOBALS = create_url_adapter.__globals__
    _STOCK_INJECT_DEFAULTS = inject_url_defaults
    _STOCK_RESPONSE_CALL = response_class.__dict__["__call__"]
    _STOCK_REQUEST_CLOSE = request_class.__dict__["close"]
    _HOOK_CHECKS = (
        ("blueprints", request_class.__dict__["blueprints"]),
        ("blueprint", request_class.__dict__["blueprint"]),
        ("endpoint", request_class.__dict__["endpoint"]),
    )
    _SEND_CHECKS = (
        ("__call__", _STOCK_RESPONSE_CALL),
        ("close", _STOCK_RESPONSE_CLOSE),
        *_PIPELINE_CHECKS,
    )
    _COOKIE_SESSIONS = session_interface_class
    _STOCK_OPEN_SESSION = session_interface_class.__dict__["open_session"]
    _STOCK_SAVE_SESSION = session_interface_class.__dict__["save_session"]


def _stock(cls: t.Any, attrs: t.Any, name: str, step: t.Any) -> bool:
    """Whether an object of class ``cls`` whose ``__dict__`` is ``attrs``
    resolves ``name`` to ``step``: neither the class (or a base) nor the
    instance has replaced it."""
    if cython.compiled:
        return _c_stock(cls, attrs, name, step)  # type: ignore[name-defined,no-any-return,unused-ignore]  # noqa: F821
    return getattr(cls, name, None) is step and name not in attrs


def _class_stock(cls: t.Any, checks: tuple[tuple[str, t.Any], ...]) -> bool:
    """Whether class ``cls`` resolves the name of every ``(name, step)``
    pair of ``checks`` to that step (the class-only :func:`_stock`)."""
    if cython.compiled:
        return _c_class_stock(cls, checks)  # type: ignore[name-defined,no-any-return,unused-ignore]  # noqa: F821
    for name, step in checks:
        if getattr(cls, name, None) is not step:
            return False
    return True


def _new(cls: t.Any) -> t.Any:
    """``object.__new__(cls)``."""
    if cython.compiled:
        return _c_new(cls)  # type: ignore[name-defined,unused-ignore]  # noqa: F821
    return object.__new__(cls)


# -- C-level shortcuts --------------------------------------------------------------
# Each is the plain Python below; compiled, the branch taken instead is the
# equivalent C-API call declared in pipeline.pxd.
# PERF: context variables and environ snapshots are used several times per
# request (bench: every scenario).


def _cv_get(var: t.Any) -> t.Any:
    """``var.get()``."""
    if cython.compiled:
        return _c_cv_get(var)  # type: ignore[name-defined,no-any-return,unused-ignore]  # noqa: F821
    return var.get()


def _cv_peek(var: t.Any) -> t.Any:
    """``var.get(None)``."""
    if cython.compiled:
        return _c_cv_peek(var)  # type: ignore[name-defined,no-any-return,unused-ignore]  # noqa: F821
    return var.get(None)


def _cv_set(var: t.Any, value: t.Any) -> t.Any:
    """``var.set(value)``."""
    if cython.compiled:
        return _c_cv_set(var, value)  # type: ignore[name-defined,no-any-return,unused-ignore]  # noqa: F821
    return var.set(value)


def _cv_reset(var: t.Any, token: t.Any) -> None:
    """``var.reset(token)``."""
    if cython.compiled:
        _c_cv_reset(var, token)  # type: ignore[name-defined,no-any-return,unused-ignore]  # noqa: F821
    else:
        var.reset(token)


if not cython.compiled:
    # PERF: as plain Python, the context-variable shortcuts are the methods
    # themselves, without a Python frame around them (bench: pure, every
    # scenario).
    _cv_get = ContextVar.get  # type: ignore[assignment]  # noqa: F811
    _cv_peek = methodcaller("get", None)  # type: ignore[assignment]  # noqa: F811
    _cv_set = ContextVar.set  # type: ignore[assignment]  # noqa: F811
    _cv_reset = ContextVar.reset  # type: ignore[assignment]  # noqa: F811


def _snapshot(environ: t.Any) -> tuple[t.Any, ...]:
    """The values of ``_ADAPTER_KEYS`` in ``environ`` (``None`` if missing)."""
    if cython.compiled and type(environ) is dict:
        return _c_snapshot(environ, _ADAPTER_KEYS)  # type: ignore[name-defined,no-any-return,unused-ignore]  # noqa: F821
    return tuple(map(environ.get, _ADAPTER_KEYS))


# -- the WSGI application -------------------------------------------------------


def app_call(self: t.Any, environ: WSGIEnvironment, start_response: StartResponse) -> t.Any:
    """``Flask.__call__``: ``self.wsgi_app(environ, start_response)``, so
    middleware can wrap ``wsgi_app`` while keeping the app object."""
    if _stock(type(self), self.__dict__, "wsgi_app", wsgi_app):
        return wsgi_app(self, environ, start_response)
    return self.wsgi_app(environ, start_response)


def wsgi_app(self: t.Any, environ: WSGIEnvironment, start_response: StartResponse) -> t.Any:
    """The WSGI application: push a request context, dispatch, and return
    the response's WSGI iterable (which has ``close()``); the context is
    popped, running the teardown functions, whatever happens.  An environ
    that cannot be served (see :func:`_environ_problem`) gets a 400 first.

    Middleware wraps this method, keeping the app object itself::

        app.wsgi_app = ProxyFix(app.wsgi_app)
    """
    problem = _environ_problem(environ)
    if problem is not None:
        return _Sent(BadRequest(problem)(environ, start_response))
    attrs = self.__dict__
    cls = type(self)
    if _stock(cls, attrs, "request_context", request_context):
        ctx = _blank(_RequestContext, request_ctx_init)
        if ctx is None:
            ctx = _RequestContext(self, environ)
        else:
            request_ctx_init(ctx, self, environ)
    else:
        ctx = self.request_context(environ)
    error: BaseException | None = None
    try:
        try:
            if _stock(type(ctx), ctx.__dict__, "push", request_ctx_push):
                request_ctx_push(ctx)
            else:
                ctx.push()
            if _stock(cls, attrs, "full_dispatch_request", full_dispatch_request):
                response = _full_dispatch(self, attrs, True)
            else:
                response = self.full_dispatch_request()
        except Exception as e:
            error = e
            try:
                response = self.handle_exception(e)
            except Exception as handler_error:
                # The 500 handler (or handle_exception) failed: answer
                # werkzeug's plain 500, unless the app propagates.
                if handler_failed(self, ctx, handler_error):
                    raise
                response = InternalServerError()
        except:  # noqa: E722
            error = sys.exc_info()[1]
            raise
        if type(response) is tuple:
            return _send_text(response, environ, start_response)
        return _respond(response, environ, start_response)
    finally:
        if _PRESERVE in environ:
            environ[_PRESERVE](_cv_get(_cv_app))
            environ[_PRESERVE](_cv_get(_cv_request))
        if error is not None and self.should_ignore_error(error):
            error = None
        try:
            if _stock(type(ctx), ctx.__dict__, "pop", request_ctx_pop):
                request_ctx_pop(ctx, error)
            else:
                ctx.pop(error)
        except Exception as e:
            # A failing teardown function is logged, and the client gets the
            # response already made, unless the app propagates exceptions.
            if teardown_failed(self, ctx, e):
                raise


_ENVIRON_STRINGS = (
    "REQUEST_METHOD",
    "SCRIPT_NAME",
    "PATH_INFO",
    "QUERY_STRING",
    "SERVER_NAME",
    "SERVER_PORT",
    "HTTP_HOST",
    "CONTENT_TYPE",
    "CONTENT_LENGTH",
    "HTTP_COOKIE",
)


def _environ_problem(environ: t.Any) -> str | None:
    """Check the parts of a WSGI environ that request handling relies on.

    Missing optional keys get PEP 3333 defaults; an environ that cannot be
    served gets a short reason, answered with 400 before any app code runs.
    """
    if _well_formed(environ):
        return None
    path = environ.get("PATH_INFO", "")
    host = environ.get("HTTP_HOST")
    if "wsgi.input" not in environ:
        from io import BytesIO

        environ["wsgi.input"] = BytesIO()
    if "wsgi.errors" not in environ:
        environ["wsgi.errors"] = sys.stderr
    if "wsgi.url_scheme" not in environ:
        environ["wsgi.url_scheme"] = "http"
    if "REQUEST_METHOD" not in environ:
        environ["REQUEST_METHOD"] = "GET"
    if host is None:
        if "SERVER_NAME" not in environ:
            return "The request has no Host header and the server sent no SERVER_NAME."
    elif type(host) is str and not host.isprintable():
        return "The Host header contains control characters."
    query = environ.get("QUERY_STRING")
    if type(query) is str and _has_control(query):
        # No HTTP request line carries them; copied into a redirect's
        # Location they could not be sent.
        return "The query string contains control characters."
    if type(path) is str and not path.isascii():
        try:
            path.encode("latin1")
        except UnicodeEncodeError:
            return "The request path is not a PEP 3333 latin-1 string."
    for key in _ENVIRON_STRINGS:
        value = environ.get(key)
        if value is not None and type(value) is not str:
            return f"The WSGI environ key {key} is not a string."
    return None


def _has_control(text: str) -> bool:
    """Whether ``text`` has a C0 control character or DEL (a tab included):
    what a raw request target never holds."""
    # PERF: isprintable() answers for the usual ASCII query in one C call
    # (bench: query_args); the search only runs when it refuses something.
    return not text.isprintable() and _CONTROL(text) is not None


_CONTROL = re.compile("[\x00-\x1f\x7f]").search


def _well_formed(environ: t.Any) -> bool:
    """A sufficient condition for :func:`_environ_problem` finding nothing:
    an ASCII path, a printable ``Host``, the PEP 3333 keys present."""
    # PERF: one expression covers a well-formed environ (bench: every scenario).
    if cython.compiled and type(environ) is dict:
        return _c_well_formed(environ)  # type: ignore[name-defined,no-any-return,unused-ignore]  # noqa: F821
    path = environ.get("PATH_INFO", "")
    host = environ.get("HTTP_HOST")
    query = environ.get("QUERY_STRING", "")
    return (
        type(path) is str
        and path.isascii()
        and type(host) is str
        and host.isprintable()
        and type(query) is str
        and not _has_control(query)
        and "wsgi.input" in environ
        and "wsgi.errors" in environ
        and "wsgi.url_scheme" in environ
        and type(environ.get("REQUEST_METHOD")) is str
    )


def _respond(response: t.Any, environ: t.Any, start_response: t.Any) -> t.Any:
    """``response(environ, start_response)``, whose iterable always has
    ``close()`` (PEP 3333)."""
    if _stock(type(response), _NO_ATTRS, "__call__", _STOCK_RESPONSE_CALL):
        return send_response(response, environ, start_response)
    sent = response(environ, start_response)
    if hasattr(sent, "close"):
        return sent
    # A WSGI app returned by a view may return a plain list.
    return _Sent(sent)


# PERF: the Content-Length headers of small bodies, each made once, when
# first needed (bench: every text scenario, bench/server.py).
_LENGTHS: list[t.Any] = [None] * 2048


def _send_text(direct: tuple[t.Any, ...], environ: t.Any, start_response: t.Any) -> t.Any:
    """Send ``(status line, Content-Type header, data)`` found by
    :func:`_direct`, as the response's WSGI call would have."""
    data = direct[2]
    size = len(data)
    if size < 2048:
        length = _LENGTHS[size]
        if length is None:
            length = _LENGTHS[size] = ("Content-Length", str(size))
    else:
        length = ("Content-Length", str(size))
    start_response(direct[0], [direct[1], length])
    if environ.get("REQUEST_METHOD") == "HEAD":
        return _Sent()
    return _Sent((data,))


# -- sending a response (flaskfast's Response.__call__) ---------------------------


def send_response(
    response: t.Any, environ: WSGIEnvironment, start_response: StartResponse
) -> t.Any:
    """``Response.__call__``: ``start_response`` gets the status line and a
    header list that has been checked, so a header that cannot be sent
    safely (see ``_speedups.headers_py``) never reaches the server; the app
    answers a plain 500 instead (see :func:`_refuse`).  The iterable
    returned has ``close()``, which closes ``response``."""
    InvalidHeaderError = _headers_kernel.InvalidHeaderError
    try:
        sent = _send_buffered(response, environ, start_response)
    except InvalidHeaderError as e:
        return _refuse(response, e, environ, start_response)
    if sent is not None:
        return sent
    try:
        try:
            app_iter, status, headers = response.get_wsgi_response(environ)
        except ValueError as e:
            _name_newline_header(response.headers, e)
            raise
        _headers_kernel.check_status(status)
        _headers_kernel.check_header_list(headers)
    except InvalidHeaderError as e:
        return _refuse(response, e, environ, start_response)
    start_response(status, headers)
    if response.is_streamed and not response.direct_passthrough:
        # An error while the body is produced is the app's, not the server's.
        app_ctx = _cv_peek(_cv_app)
        where = f" on {environ.get('PATH_INFO', '')} [{environ.get('REQUEST_METHOD', '')}]"
        return guard_stream(app_iter, None if app_ctx is None else app_ctx.app, where)
    return app_iter


def _name_newline_header(headers: t.Any, error: ValueError) -> None:
    """werkzeug refuses, with a message naming no header, to copy a header
    value holding a newline; raise ``InvalidHeaderError`` naming it."""
    for name, value in headers:
        text = value if isinstance(value, str) else str(value)
        if "\r" in text or "\n" in text:
            try:
                _headers_kernel.check_header_list([(name, text)])
            except _headers_kernel.InvalidHeaderError as e:
                raise e from error


def _refuse(
    response: t.Any, error: Exception, environ: t.Any, start_response: t.Any
) -> t.Any:
    """Answer werkzeug's plain 500 page instead of ``response``, whose
    headers cannot be sent, logging ``error`` on the app's logger.

    As for any unhandled exception, ``got_request_exception`` is sent and the
    error is raised instead when the app propagates exceptions (testing,
    debug, ``PROPAGATE_EXCEPTIONS``) or no app is active.  The app's error
    handlers are not called: the response is refused after they ran.
    """
    app_ctx = _cv_peek(_cv_app)
    if app_ctx is None:
        response.close()
        raise error
    app = app_ctx.app
    got_request_exception.send(app, _async_wrapper=app.ensure_sync, exception=error)
    propagate = app.config["PROPAGATE_EXCEPTIONS"]
    if propagate is None:
        propagate = app.testing or app.debug
    if propagate:
        response.close()
        raise error
    request_ctx = _cv_peek(_cv_request)
    if request_ctx is not None:
        path, method = request_ctx.request.path, request_ctx.request.method
    else:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
    app.logger.error(
        f"Exception on {path} [{method}]: {error}",
        exc_info=(type(error), error, error.__traceback__),
    )
    response.close()
    return InternalServerError()(environ, start_response)


class _Sent(list):  # type: ignore[type-arg]
    """A buffered body as handed to the WSGI server: the list of its chunks
    (servers iterate lists fastest), with the ``close()`` PEP 3333 asks the
    server to call; nothing to close here (see :class:`_SentResponse`)."""

    __slots__ = ()

    def close(self) -> None:
        """Nothing to release: the body was made without a response object."""


class _SentResponse(_Sent):
    """A buffered body whose ``close()`` closes the response it came from,
    as werkzeug's ``ClosingIterator`` does."""

    __slots__ = ("_response",)
    _response: t.Any

    def close(self) -> None:
        """Close the response this body came from."""
        response = self._response
        # PERF: werkzeug's Response.close closes a body that has close() and
        # calls the functions registered with call_on_close; for its own
        # close, a list body and none registered it does nothing, so it is
        # not called (pinned in tests/speedups/test_response_pins.py; bench:
        # json_response, te/plaintext and every view returning a response).
        if (
            type(response.response) is list
            and not response._on_close
            and _stock(type(response), response.__dict__, "close", _STOCK_RESPONSE_CLOSE)
        ):
            return
        response.close()


def _sent(response: t.Any, chunks: t.Any) -> t.Any:
    sent = _SentResponse(chunks)
    sent._response = response
    return sent


def _send_buffered(response: t.Any, environ: t.Any, start_response: t.Any) -> t.Any:
    """Send a buffered ``response`` in one pass, or return ``None`` when it
    needs werkzeug's general path.  Raises ``InvalidHeaderError`` for a status
    line or header that must not be sent.  Shared by ``Response.__call__`` and
    the fused request cycle."""
    # PERF: a buffered body of bytes on a class that keeps werkzeug's
    # response pipeline goes straight to start_response with the header
    # list built in one pass (bench: every scenario).
    _headers_kernel.check_status(response._status)
    body = response.response
    plain = response.__dict__.get("_ff_plain")
    if plain is not None:
        # PERF: a response built by the response kernel whose headers,
        # status and body nobody changed since: its header list is
        # already the WSGI one (bench: str hello and other text views).
        items = response.headers._list
        if (
            len(items) == 2
            and items[0] is plain[0]
            and items[1] is plain[1]
            and response._status_code == plain[2]
            and body is plain[3]
            and not response._on_close
            and _plain_pipeline(type(response), response.__dict__)
        ):
            start_response(response._status, items[:])
            if environ.get("REQUEST_METHOD") == "HEAD":
                return _sent(response, ())
            return _sent(response, body)
    if (
        type(body) is list
        and not response._on_close
        and not response.direct_passthrough
        and _plain_pipeline(type(response), response.__dict__)
    ):
        code = response._status_code
        length: int | None = 0
        for chunk in body:
            if type(chunk) is not bytes:
                length = None
                break
            length += len(chunk)  # type: ignore[operator]
        if length is not None:
            # The kernel validates while building; it answers None for
            # anything it cannot send as is, which goes the long way.
            headers = _headers_kernel.wsgi_header_list(
                response.headers, code, length, not response.autocorrect_location_header
            )
            if headers is not None:
                start_response(response._status, headers)
                if (
                    environ.get("REQUEST_METHOD") == "HEAD"
                    or code == 204
                    or 100 <= code < 200
                ):
                    return _sent(response, ())
                return _sent(response, body)
    return None


_WZ_GET_WSGI_RESPONSE = _WzResponse.get_wsgi_response
_WZ_GET_WSGI_HEADERS = _WzResponse.get_wsgi_headers
_WZ_GET_APP_ITER = _WzResponse.get_app_iter
_WZ_ITER_ENCODED = _WzResponse.iter_encoded


def _plain_pipeline(cls: t.Any, attrs: t.Any) -> bool:
    """Whether a response of class ``cls`` whose ``__dict__`` is ``attrs``
    keeps werkzeug's ``get_wsgi_response`` pipeline, so that sending it in
    one pass produces the same result.  Checked every time, so methods
    patched later count."""
    return (
        _stock(cls, attrs, "get_wsgi_response", _WZ_GET_WSGI_RESPONSE)
        and _stock(cls, attrs, "get_wsgi_headers", _WZ_GET_WSGI_HEADERS)
        and _stock(cls, attrs, "get_app_iter", _WZ_GET_APP_ITER)
        and _stock(cls, attrs, "iter_encoded", _WZ_ITER_ENCODED)
        and _stock(cls, attrs, "automatically_set_content_length", True)
    )


# The checks of _plain_pipeline as (name, step) pairs, for a response class
# alone (see _SEND_CHECKS).  PERF: _plain_pipeline keeps its five probes
# written out: looping over these pairs there cost more (bench:
# json_response, 103.2k against 104.4k instructions).
_PIPELINE_CHECKS = (
    ("get_wsgi_response", _WZ_GET_WSGI_RESPONSE),
    ("get_wsgi_headers", _WZ_GET_WSGI_HEADERS),
    ("get_app_iter", _WZ_GET_APP_ITER),
    ("iter_encoded", _WZ_ITER_ENCODED),
    ("automatically_set_content_length", True),
)


# -- dispatching ------------------------------------------------------------------


def full_dispatch_request(self: t.Any) -> _Response:
    """Run the before-request functions and the view (or the error
    handlers), then finalize the result into a response."""
    return _full_dispatch(self, self.__dict__, False)  # type: ignore[no-any-return]


def _full_dispatch(app: t.Any, attrs: t.Any, text: bool) -> t.Any:
    """``full_dispatch_request``; with ``text``, a ``str``/``bytes`` result
    that nothing would see as a response object comes back as the tuple
    :func:`_direct` makes, for :func:`_send_text`."""
    if app._got_first_request is not True:
        app._got_first_request = True
    cls = type(app)
    try:
        if request_started.receivers:
            request_started.send(app, _async_wrapper=app.ensure_sync)
        if _stock(cls, attrs, "preprocess_request", preprocess_request):
            rv = preprocess_request(app)
        else:
            rv = app.preprocess_request()
        if rv is None:
            if _stock(cls, attrs, "dispatch_request", dispatch_request):
                rv = dispatch_request(app)
            else:
                rv = app.dispatch_request()
    except Exception as e:
        rv = app.handle_user_exception(e)
    if not _stock(cls, attrs, "finalize_request", finalize_request):
        return app.finalize_request(rv)
    if text and (type(rv) is str or type(rv) is bytes):
        # PERF: a text response nothing would see is sent without building
        # it (bench: hello, path_param, bench/server.py).
        direct = _direct(app, attrs, rv)
        if direct is not None:
            return direct
    return finalize_request(app, rv)


def preprocess_request(self: t.Any) -> t.Any:
    """Run the URL value preprocessors, then the before-request functions
    (app first, then blueprints outermost first); a non-None return value
    stops the request and becomes the response."""
    preprocessors = self.url_value_preprocessors
    before = self.before_request_funcs
    if not preprocessors and not before:
        return None
    req = _cv_get(_cv_request).request
    names = _hook_names(req)[0]
    if preprocessors:
        for name in names:
            if name in preprocessors:
                for url_func in preprocessors[name]:
                    url_func(req.endpoint, req.view_args)
    if before:
        attrs = self.__dict__
        for name in names:
            if name in before:
                for before_func in before[name]:
                    rv = _sync(self, attrs, before_func)()
                    if rv is not None:
                        return rv
    return None


def dispatch_request(self: t.Any) -> t.Any:
    """Call the view function of the matched rule with its arguments (or
    answer an automatic OPTIONS request, or raise the routing error)."""
    req = _cv_get(_cv_request).request
    if req.routing_exception is not None:
        self.raise_routing_exception(req)
    rule = req.url_rule
    if getattr(rule, "provide_automatic_options", False) and req.method == "OPTIONS":
        return self.make_default_options_response()
    view_args = req.view_args
    return _sync(self, self.__dict__, self.view_functions[rule.endpoint])(**view_args)


def finalize_request(
    self: t.Any, rv: t.Any, from_error_handler: bool = False
) -> _Response:
    """Turn a view or handler result into the final response: make it,
    process it, send ``request_finished``.  With ``from_error_handler`` a
    failure while processing is logged instead of raised."""
    attrs = self.__dict__
    cls = type(self)
    if _stock(cls, attrs, "make_response", make_response):
        response = make_response(self, rv)
    else:
        response = self.make_response(rv)
    try:
        if _stock(cls, attrs, "process_response", process_response):
            response = process_response(self, response)
        else:
            response = self.process_response(response)
        if request_finished.receivers:
            request_finished.send(self, _async_wrapper=self.ensure_sync, response=response)
    except Exception:
        if not from_error_handler:
            raise
        self.logger.exception(
            "Request finalizing failed with an error while handling an error"
        )
    return response


def make_response(self: t.Any, rv: t.Any) -> _Response:
    """Convert a view's return value into :attr:`response_class`.

    Accepts text (``str``/``bytes``), a ``dict`` or ``list`` (JSON), a
    generator or iterator, a response object, a WSGI callable, and the
    tuples ``(body, status)``, ``(body, headers)`` and
    ``(body, status, headers)``; raises ``TypeError`` otherwise.
    """
    return _response_kernel.make_response(self, rv, _cv_peek(_cv_request))  # type: ignore[no-any-return]


def process_response(self: t.Any, response: t.Any) -> t.Any:
    """Run the ``after_this_request`` functions, then the after-request
    functions (blueprints innermost first, then the app, each in reverse
    registration order), then save the session."""
    ctx = _cv_get(_cv_request)
    for func in ctx._after_request_functions:
        response = self.ensure_sync(func)(response)
    after = self.after_request_funcs
    if after:
        attrs = self.__dict__
        for name in _hook_names(ctx.request)[1]:
            if name in after:
                for func in reversed(after[name]):
                    response = _sync(self, attrs, func)(response)
    interface = self.session_interface
    sess = ctx._session_obj
    if sess is None:
        # PERF: the stock cookie session is opened lazily (see _lazy_session);
        # if nothing touched it and no cookie came in, saving it would do
        # nothing (bench: every scenario without a session).
        req = ctx.request
        cookie = req.environ.get("HTTP_COOKIE")
        pushed = ctx.__dict__.get("_pushed_cookie", cookie)
        if pushed is None or (
            cookie == pushed and interface.get_cookie_name(self) not in req.cookies
        ):
            return response
        sess = open_session(ctx)
    if not interface.is_null_session(sess):
        interface.save_session(self, sess, response)
    return response


def _direct(app: t.Any, attrs: t.Any, rv: t.Any) -> tuple[t.Any, ...] | None:
    """``(status line, Content-Type header, data)`` that the response for the
    text ``rv`` would send, when ``make_response`` and ``process_response``
    are stock, no hook, session or signal would see the response object, and
    its class sends text exactly as werkzeug does; otherwise ``None``."""
    cls = type(app)
    if (
        request_finished.receivers
        or not _stock(cls, attrs, "make_response", make_response)
        or not _stock(cls, attrs, "process_response", process_response)
    ):
        return None
    ctx = _cv_get(_cv_request)
    if ctx._after_request_functions or ctx._session_obj is not None:
        return None
    after = app.after_request_funcs
    if after:
        # Only the scopes of this request's blueprints run (process_response).
        for name in _hook_names(ctx.request)[1]:
            if name in after and after[name]:
                return None
    pushed = getattr(ctx, "_pushed_cookie", _MISSING)
    if pushed is _MISSING:
        pushed = ctx.request.environ.get("HTTP_COOKIE")
    if pushed is not None:
        return None  # process_response may have a session to save
    # Read twice, as make_response reads it: for the isinstance check, then
    # to build the response.
    app.response_class  # noqa: B018
    response_class = app.response_class
    if (
        type(response_class) is not type
        or not _class_stock(response_class, _SEND_CHECKS)
    ):
        return None
    head = _response_kernel.plain_head(response_class)
    if head is None:
        return None
    # werkzeug's set_data encodes text as UTF-8 and keeps bytes as they are.
    return head[0], ("Content-Type", head[1]), rv.encode() if type(rv) is str else rv


def ensure_sync(self: t.Any, func: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
    """Return ``func`` callable from synchronous code: coroutine functions
    are wrapped with :meth:`async_to_sync`."""
    if iscoroutinefunction(func):
        return self.async_to_sync(func)  # type: ignore[no-any-return]
    return func


def _sync(app: t.Any, attrs: t.Any, func: t.Any) -> t.Any:
    """``app.ensure_sync(func)`` for a registered (long-lived) function."""
    # PERF: inspect.iscoroutinefunction costs several calls; with the stock
    # ensure_sync the functions found synchronous are remembered in
    # app._sync_cache (bench: every scenario).  Wrappers of coroutine
    # functions are not: async_to_sync is asked every time.
    if _stock(type(app), attrs, "ensure_sync", ensure_sync):
        cache = app._sync_cache
        try:
            if func in cache:
                return func
        except TypeError:  # unhashable callable
            return ensure_sync(app, func)
        if iscoroutinefunction(func):
            return app.async_to_sync(func)
        cache[func] = True
        return func
    return app.ensure_sync(func)


# PERF: the hook loops need the blueprint names of the matched endpoint in
# two orders at three points of a request; with the stock Request.blueprints
# they depend on the endpoint string only, so both orders are built once per
# endpoint (bench: blueprint_hooks).
_hook_names_cache: dict[t.Any, t.Any] = {}
_HOOK_NAMES_SIZE = 512


def _hook_names(request: t.Any) -> tuple[t.Any, t.Any]:
    """``((None, *reversed(bps)), (*bps, None))`` for ``bps =
    request.blueprints``: the scopes of ``before_request`` and of
    ``after_request`` / teardown functions, in calling order."""
    cls = type(request)
    if _class_stock(cls, _HOOK_CHECKS):
        rule = request.url_rule
        if rule is None:
            return _NO_BLUEPRINT
        endpoint = rule.endpoint
        if type(endpoint) is str:
            names = _hook_names_cache.get(endpoint)
            if names is not None:
                return names  # type: ignore[no-any-return,unused-ignore]
            if "." not in endpoint:
                names = _NO_BLUEPRINT
            else:
                bps = _split_blueprint_path(endpoint.rpartition(".")[0])
                names = ((None, *reversed(bps)), (*bps, None))
            if len(_hook_names_cache) >= _HOOK_NAMES_SIZE:
                _hook_names_cache.clear()
            _hook_names_cache[endpoint] = names
            return names  # type: ignore[no-any-return,unused-ignore]
    bps = request.blueprints
    if not bps:
        return _NO_BLUEPRINT
    return ((None, *reversed(bps)), (*bps, None))


@cache
def _split_blueprint_path(name: str) -> list[str]:
    """``"a.b.c"`` -> ``["a.b.c", "a.b", "a"]``: a blueprint and its parents,
    innermost first.  Cached; do not mutate the returned list.
    """
    # PERF: called several times per request (hooks, error handlers,
    # template processors) for the same few names; memoised.
    parts = [name]
    while "." in name:
        name = name.rpartition(".")[0]
        parts.append(name)
    return parts


def _blueprint_scopes() -> t.Any:
    """The after-request / teardown scopes of the current request; outside
    one, the ``request`` proxy's own ``RuntimeError``, as Flask reads
    ``request.blueprints`` there."""
    ctx = _cv_peek(_cv_request)
    if ctx is None:
        return (*_request_proxy.blueprints, None)
    return _hook_names(ctx.request)[1]


# -- teardown -----------------------------------------------------------------


def do_teardown_request(self: t.Any, exc: BaseException | None = _SENTINEL) -> None:
    """Run the teardown-request functions (blueprints innermost first, then
    the app, each in reverse order) and send ``request_tearing_down``."""
    if exc is _SENTINEL:
        exc = sys.exc_info()[1]
    scopes = _blueprint_scopes()
    teardown = self.teardown_request_funcs
    if teardown:
        attrs = self.__dict__
        for name in scopes:
            if name in teardown:
                for func in reversed(teardown[name]):
                    _sync(self, attrs, func)(exc)
    if request_tearing_down.receivers:
        request_tearing_down.send(self, _async_wrapper=self.ensure_sync, exc=exc)


def do_teardown_appcontext(self: t.Any, exc: BaseException | None = _SENTINEL) -> None:
    """Run the teardown-appcontext functions in reverse order and send
    ``appcontext_tearing_down``."""
    if exc is _SENTINEL:
        exc = sys.exc_info()[1]
    funcs = self.teardown_appcontext_funcs
    if funcs:
        attrs = self.__dict__
        for func in reversed(funcs):
            _sync(self, attrs, func)(exc)
    if appcontext_tearing_down.receivers:
        appcontext_tearing_down.send(self, _async_wrapper=self.ensure_sync, exc=exc)


# -- contexts -------------------------------------------------------------------


def _blank(cls: t.Any, init: t.Any) -> t.Any:
    """A new, not yet initialised object of ``cls`` when calling ``cls``
    would run exactly ``object.__new__`` and then ``init`` (to be called by
    the caller, with the constructor's arguments); ``None`` when the class
    must be called."""
    # PERF: compiled, the constructor's argument handling and a call frame
    # are saved (bench: every scenario makes a request and two contexts);
    # as plain Python, calling the class is cheaper than the checks.
    if not cython.compiled:
        return None
    if (
        type(cls) is type
        and _stock(cls, _NO_ATTRS, "__init__", init)
        and _stock(cls, _NO_ATTRS, "__new__", _OBJECT_NEW)
    ):
        return _new(cls)
    return None


def app_context(self: t.Any) -> AppContext:
    """A new application context for this app, e.g. to use the database
    outside a request::

        with app.app_context():
            init_db()
    """
    return _AppContext(self)  # type: ignore[no-any-return]


def request_context(self: t.Any, environ: WSGIEnvironment) -> RequestContext:
    """A new request context for the WSGI ``environ``."""
    return _RequestContext(self, environ)  # type: ignore[no-any-return]


def app_ctx_init(self: t.Any, app: t.Any) -> None:
    """Bind ``app``; its URL adapter for building URLs outside requests is
    made on first use when ``create_url_adapter`` is the stock one."""
    self.app = app
    # PERF: only url_for needs the adapter; with the stock factory it is
    # bound on first use to what Flask binds it to here (bench: every
    # scenario pushes an app context).
    if stock_url_adapter(app):
        config = app.config
        self._adapter_config = (
            config["SERVER_NAME"],
            config["APPLICATION_ROOT"],
            config["PREFERRED_URL_SCHEME"],
        )
    else:
        self.url_adapter = app.create_url_adapter(None)
    self._cv_tokens = []


def app_ctx_push(self: t.Any) -> None:
    """Make this the active application context and send
    ``appcontext_pushed``."""
    self._cv_tokens.append(_cv_set(_cv_app, self))
    # PERF: blinker's send() walks its bookkeeping even with no receivers
    # (bench: every scenario).
    if appcontext_pushed.receivers:
        app = self.app
        appcontext_pushed.send(app, _async_wrapper=app.ensure_sync)


def app_ctx_pop(self: t.Any, exc: BaseException | None = _SENTINEL) -> None:
    """Deactivate this context; the outermost pop runs the app's
    ``teardown_appcontext`` functions with ``exc``; ``appcontext_popped``
    is sent."""
    tokens = self._cv_tokens
    app = self.app
    try:
        if len(tokens) == 1:
            if exc is _SENTINEL:
                exc = sys.exc_info()[1]
            if _stock(type(app), app.__dict__, "do_teardown_appcontext", do_teardown_appcontext):
                do_teardown_appcontext(app, exc)
            else:
                app.do_teardown_appcontext(exc)
    finally:
        current = _cv_get(_cv_app)
        _cv_reset(_cv_app, tokens.pop())
    if current is not self:
        raise AssertionError(
            f"Popped the wrong app context: {current!r} is active, not {self!r}."
        )
    if appcontext_popped.receivers:
        appcontext_popped.send(app, _async_wrapper=app.ensure_sync)


def request_ctx_init(
    self: t.Any,
    app: t.Any,
    environ: WSGIEnvironment,
    request: t.Any = None,
    session: t.Any = None,
) -> None:
    """Hold the request (``app.request_class(environ)`` unless given), its
    URL adapter, session and flashed messages."""
    self.app = app
    if request is None:
        request_class = app.request_class
        request = _blank(request_class, request_init)
        if request is None:
            request = request_class(environ)
        else:
            request_init(request, environ)
        request.json_module = app.json
    self.request = request
    if stock_url_adapter(app):
        # PERF: the adapter is bound on first use, from the environ as it is
        # now (bench: every scenario; routing needs no adapter).
        renv = request.environ
        self._adapter_environ = _snapshot(renv)
    else:
        self._build_url_adapter()
    self.flashes = None
    self._session_obj = session
    self._after_request_functions = []
    self._cv_tokens = []


def request_init(
    self: t.Any,
    environ: WSGIEnvironment,
    populate_request: bool = True,
    shallow: bool = False,
) -> None:
    """``Request.__init__``: keep ``environ``; everything werkzeug's
    constructor computes up front is computed on first use instead."""
    # PERF: werkzeug's constructor decodes the path, builds the headers view
    # and parses the server tuple for every request (bench: every scenario,
    # most never read headers).
    self.environ = environ
    self.shallow = shallow
    if populate_request and not shallow:
        environ["werkzeug.request"] = self


def request_ctx_push(self: t.Any) -> None:
    """Make this the active request context (pushing an app context first
    unless one for the same app is active), open the session and match the
    URL."""
    app = self.app
    app_ctx = _cv_peek(_cv_app)
    if app_ctx is None or app_ctx.app is not app:
        if _stock(type(app), app.__dict__, "app_context", app_context):
            app_ctx = _blank(_AppContext, app_ctx_init)
            if app_ctx is None:
                app_ctx = _AppContext(app)
            else:
                app_ctx_init(app_ctx, app)
        else:
            app_ctx = app.app_context()
        if _stock(type(app_ctx), app_ctx.__dict__, "push", app_ctx_push):
            app_ctx_push(app_ctx)
        else:
            app_ctx.push()
    else:
        app_ctx = None
    self._cv_tokens.append((_cv_set(_cv_request, self), app_ctx))
    attrs = self.__dict__
    if self._session_obj is None:
        if _lazy_session(app):
            self._pushed_cookie = self.request.environ.get("HTTP_COOKIE")
        else:
            open_session(self)
    if not _stock(type(self), attrs, "match_request", match_request):
        if self.url_adapter is not None:
            self.match_request()
    elif not ("_adapter_environ" in attrs and "url_adapter" not in attrs and _fast_match(self)):
        if self.url_adapter is not None:
            match_request(self)


def match_request(self: t.Any) -> None:
    """Match the request against the URL map, storing the rule and view
    arguments on the request, or the routing exception."""
    try:
        result = self.url_adapter.match(return_rule=True)
        self.request.url_rule, self.request.view_args = result
    except HTTPException as e:
        self.request.routing_exception = e


def request_ctx_pop(self: t.Any, exc: BaseException | None = _SENTINEL) -> None:
    """Deactivate this context; the outermost pop runs the request teardown
    functions with ``exc``, closes the request and pops the app context
    pushed with it."""
    tokens = self._cv_tokens
    outermost = len(tokens) == 1
    try:
        if outermost:
            if exc is _SENTINEL:
                exc = sys.exc_info()[1]
            app = self.app
            if _stock(type(app), app.__dict__, "do_teardown_request", do_teardown_request):
                do_teardown_request(app, exc)
            else:
                app.do_teardown_request(exc)
            _close_request(self.request)
    finally:
        current = _cv_get(_cv_request)
        token, app_ctx = tokens.pop()
        _cv_reset(_cv_request, token)
        if outermost:
            # Drop the environ's back-reference so the request can be freed.
            current.request.environ["werkzeug.request"] = None
        if app_ctx is not None:
            if _stock(type(app_ctx), app_ctx.__dict__, "pop", app_ctx_pop):
                app_ctx_pop(app_ctx, exc)
            else:
                app_ctx.pop(exc)
        if current is not self:
            raise AssertionError(
                f"Popped the wrong request context: {current!r} is active,"
                f" not {self!r}."
            )


def _close_request(request: t.Any) -> None:
    """``request.close()`` if it has one, unless it would do nothing."""
    # PERF: werkzeug's close() and the stock Request.close only close parsed
    # uploaded files (bench: every scenario).
    attrs = request.__dict__
    if not attrs.get("files") and "close" not in attrs:
        close = getattr(type(request), "close", None)
        if close is _STOCK_REQUEST_CLOSE or close is _WZ_REQUEST_CLOSE:
            return
    close = getattr(request, "close", None)
    if close is not None:
        close()


# -- routing and sessions, as the request context's push does them ----------------


def _fast_match(ctx: t.Any) -> bool:
    """Match through the router kernel, as the stock adapter would match
    the environ as it was when the context was made; False when the kernel
    cannot decide (then werkzeug's adapter matches)."""
    app = ctx.app
    if app.subdomain_matching or app.config["TRUSTED_HOSTS"] is not None:
        return False
    request = ctx.request
    environ = request.environ
    saved = ctx._adapter_environ
    path = saved[5]
    if "HTTP_UPGRADE" in environ or saved[8] is not None:
        return False  # websocket upgrades are matched by werkzeug
    if not path or not _router_kernel.plain_binding(saved[0], saved[1], saved[3]):
        return False
    if path.isascii():
        # PERF: latin-1 then UTF-8 decoding gives an ASCII path back
        # unchanged (bench: every scenario).
        path_info = path
    else:
        try:
            path_info = path.encode("latin1").decode(errors="replace")
        except UnicodeError:
            request.routing_exception = BadRequest("The request path is not valid.")
            return True
    rattrs = request.__dict__
    if "method" in rattrs:
        method = request.method
    else:
        # PERF: the value the lazy Request.method computes, stored so later
        # reads are plain attribute reads (bench: every scenario).
        raw = saved[7]
        if raw is None:
            raw = environ.get("REQUEST_METHOD", "GET")
        method = rattrs["method"] = str(raw).upper()
    try:
        result = app.url_map.fast_match(path_info, method)
    except HTTPException as e:
        request.routing_exception = e
        return True
    if result is None:
        return False
    request.url_rule, request.view_args = result
    return True


def _lazy_session(app: t.Any) -> bool:
    """Whether the session may be opened on first use: the stock cookie
    session interface, whose opening has no side effects."""
    interface = app.session_interface
    cls = type(interface)
    if cls is not _COOKIE_SESSIONS:
        return False
    attrs = interface.__dict__
    return _stock(cls, attrs, "open_session", _STOCK_OPEN_SESSION) and _stock(
        cls, attrs, "save_session", _STOCK_SAVE_SESSION
    )


def open_session(ctx: t.Any) -> t.Any:
    """Open ``ctx``'s session (a null session when the interface gives
    none), as the request context's push does; when it was left for first
    use, the cookies are read as they were at push."""
    app = ctx.app
    interface = app.session_interface
    request = ctx.request
    environ = request.environ
    pushed_cookie = ctx.__dict__.get("_pushed_cookie", _MISSING)
    current = environ.get("HTTP_COOKIE")
    if (
        pushed_cookie is not _MISSING
        and current != pushed_cookie
        and "cookies" not in request.__dict__
    ):
        # Opened lazily after something changed the Cookie header: read the
        # cookies as they were at push, when Flask opens the session.
        _set_or_drop(environ, "HTTP_COOKIE", pushed_cookie)
        try:
            request.cookies  # noqa: B018 - caches the push-time cookies
        finally:
            _set_or_drop(environ, "HTTP_COOKIE", current)
    session = interface.open_session(app, request)
    if session is None:
        session = interface.make_null_session(app)
    ctx._session_obj = session
    return session


def _set_or_drop(environ: t.Any, key: str, value: t.Any) -> None:
    if value is None:
        environ.pop(key, None)
    else:
        environ[key] = value


# -- URL adapters -----------------------------------------------------------------


def stock_url_adapter(app: t.Any) -> bool:
    """Whether ``app.create_url_adapter`` is ``Flask``'s own (so adapters may
    be bound lazily, as that one would bind them, and URLs remembered)."""
    return _stock(type(app), app.__dict__, "create_url_adapter", _STOCK_URL_ADAPTER)


# -- binding request URL adapters ---------------------------------------------

_STOCK_BIND_TO_ENVIRON = _WzMap.bind_to_environ
_STOCK_BIND = _WzMap.bind
_STOCK_GET_HOST = _get_host
# Host parts remembered per map (see bound_adapter).
_ADAPTER_MEMO_SIZE = 64


def adapter_memo_key(ctx: t.Any) -> t.Any:
    """The key under which the host parts of request context ``ctx``'s URL
    adapter are remembered, or ``None`` when its adapter must be bound as
    usual.

    Only when the stock ``create_url_adapter`` would bind ``app.url_map`` (an
    unmodified flaskfast ``Map`` whose ``bind_to_environ`` and ``bind`` are
    werkzeug's, without host or subdomain matching, without trusted hosts)
    to the environ the context recorded, with an ASCII path and query.  The
    host, the adapter's server and script name, subdomain and scheme are then
    a function of the key: the recorded host, server, port, scheme, script
    name and upgrade headers, and ``SERVER_NAME``; the rest of the adapter
    (path, query, method) is the request's own.
    """
    attrs = ctx.__dict__
    saved = attrs.get("_adapter_environ")
    if saved is None:
        return None
    app = ctx.app
    url_map = app.url_map
    if type(url_map) is not _Map or app.subdomain_matching:
        return None
    config = app.config
    if (
        config["TRUSTED_HOSTS"] is not None
        or ctx.request.trusted_hosts is not None
        or url_map.host_matching
        or not stock_url_adapter(app)
        or not _stock(_Map, url_map.__dict__, "bind_to_environ", _STOCK_BIND_TO_ENVIRON)
        or not _stock(_Map, url_map.__dict__, "bind", _STOCK_BIND)
        or _APP_GLOBALS.get("get_host") is not _STOCK_GET_HOST
    ):
        return None
    path = saved[5]
    query = saved[6]
    if type(path) is not str or not path.isascii() or type(saved[7]) is not str:
        return None
    if query is not None and (type(query) is not str or not query.isascii()):
        return None
    return (saved[0], saved[1], saved[2], saved[3], saved[4], saved[8], saved[9],
            config["SERVER_NAME"])


def bound_adapter(ctx: t.Any, key: t.Any) -> t.Any:
    """``ctx.app.create_url_adapter(ctx.request)`` for a ``key`` from
    :func:`adapter_memo_key`, made from host parts remembered under ``key``
    (``None`` when none are: the caller binds as usual, then calls
    :func:`remember_adapter`).

    PERF: binding through werkzeug costs about 5 µs a request (host
    validation, IDNA encoding, subdomain split); with the host parts known,
    it is one ``MapAdapter(...)`` call (bench/bench_url_for.py, real/*).
    """
    try:
        known = ctx.app.url_map._ff_adapters.get(key)
    except TypeError:  # an unhashable environ value
        return None
    if known is None:
        return None
    host, server_name, script_name, subdomain, url_scheme = known
    saved = ctx._adapter_environ
    # As create_url_adapter does: the request's host, as validated.
    ctx.request.host = host
    # An ASCII path and query decode to themselves; a missing query is None.
    return _MapAdapter(
        ctx.app.url_map, server_name, script_name, subdomain, url_scheme,
        saved[5], saved[7], saved[6],
    )


def remember_adapter(ctx: t.Any, key: t.Any, adapter: t.Any) -> None:
    """Remember the host parts of ``adapter``, just bound as usual for
    request context ``ctx`` under ``key`` (see :func:`bound_adapter`)."""
    url_map = ctx.app.url_map
    host = ctx.request.__dict__.get("host")
    if type(adapter) is not _MapAdapter or adapter.map is not url_map or type(host) is not str:
        return
    memo: dict[t.Any, t.Any] = ctx.app.url_map._ff_adapters
    if len(memo) >= _ADAPTER_MEMO_SIZE:
        memo.clear()
    try:
        memo[key] = (host, adapter.server_name, adapter.script_name,
                     adapter.subdomain, adapter.url_scheme)
    except TypeError:  # an unhashable environ value
        pass


# The stock functions of other classes that the steps above stand in for.
_STOCK_RESPONSE_CLOSE = _WzResponse.close
_NO_ATTRS: dict[str, t.Any] = {}
_EMPTY_ARGS = ()
_OBJECT_NEW = object.__dict__["__new__"]
_WZ_REQUEST_CLOSE = _WzRequest.close


# -- building URLs ----------------------------------------------------------------

# What url_for remembers per adapter environment (see Flask._url_memo_for).
_URL_MEMO_SIZE = 256
_STOCK_FAST_BUILD = _Map.fast_build
_ANCHOR_SAFE = "%!#$&'()*+,/:;=?@"


def _current_app() -> t.Any:
    """The app of the active app context; outside one, the ``current_app``
    proxy's "outside of application context" ``RuntimeError``."""
    app_ctx = _cv_peek(_cv_app)
    if app_ctx is None:
        return _app_proxy._get_current_object()  # type: ignore[attr-defined]
    return app_ctx.app


def app_url_for(
    self: t.Any,
    /,
    endpoint: str,
    *,
    _anchor: t.Any = None,
    _method: t.Any = None,
    _scheme: t.Any = None,
    _external: t.Any = None,
    **values: t.Any,
) -> str:
    """``Flask.url_for``: build the URL of ``endpoint`` with ``values`` as
    rule arguments (the rest become the query string); see
    :func:`flaskfast.url_for` for the arguments and errors."""
    return build_url(self, endpoint, _anchor, _method, _scheme, _external, values)


def url_for(
    endpoint: str,
    *,
    _anchor: str | None = None,
    _method: str | None = None,
    _scheme: str | None = None,
    _external: bool | None = None,
    **values: t.Any,
) -> str:
    """Build the URL for ``endpoint`` with the current app's URL map.

    :param endpoint: the endpoint name; ``".name"`` means the endpoint
        ``name`` of the current request's blueprint.
    :param values: values of the rule's variables; the others are added as
        the query string (``None`` values are left out).
    :param _anchor: appended as ``#anchor``.
    :param _method: pick the rule that allows this HTTP method.
    :param _scheme: the URL scheme; implies an external URL.
    :param _external: build an absolute URL with scheme and host (default:
        only outside a request).

    In a request the URL is relative (``/notes/3``) unless asked otherwise;
    outside one, with only an app context, it is absolute and needs
    ``SERVER_NAME``. The app's and blueprints' :meth:`url_defaults`
    functions fill in values first.

    :raises werkzeug.routing.BuildError: no rule of ``endpoint`` accepts
        the values (after :attr:`Flask.url_build_error_handlers` had their
        chance).
    :raises RuntimeError: outside an application context, or without a
        request and without ``SERVER_NAME``.

    For example, with ``@app.route("/notes/<int:note_id>")`` on ``note``::

        url_for("note", note_id=3)                   # "/notes/3"
        url_for("note", note_id=3, format="json")    # "/notes/3?format=json"
        url_for("static", filename="style.css")      # "/static/style.css"
        url_for("note", note_id=3, _external=True)   # "http://localhost/notes/3"
    """
    # PERF: compiled, with the context variable read directly instead of
    # through the current_app proxy; Flask.url_for's body is called with the
    # arguments as they are while app.url_for is Flask's own
    # (bench/bench_url_for.py, bench: redirect).
    app = _current_app()
    app_vars = _c_dict(app) if cython.compiled else app.__dict__  # type: ignore[name-defined,unused-ignore]  # noqa: F821
    if _stock(type(app), app_vars, "url_for", app_url_for):
        return build_url(app, endpoint, _anchor, _method, _scheme, _external, values)
    return app.url_for(  # type: ignore[no-any-return]
        endpoint,
        _anchor=_anchor,
        _method=_method,
        _scheme=_scheme,
        _external=_external,
        **values,
    )


def build_url(
    self: t.Any,
    endpoint: str,
    _anchor: t.Any,
    _method: t.Any,
    _scheme: t.Any,
    _external: t.Any,
    values: dict[str, t.Any],
) -> str:
    """The body of ``Flask.url_for`` for app ``self``, the arguments passed
    as they are (``values`` is the caller's own dict: url_defaults functions
    may change it)."""
    # PERF: while the context's URL adapter is still unbuilt, a URL built
    # before for the same adapter inputs (``memo``, see Flask._url_memo_for)
    # is reused without binding an adapter (bench: redirect); the adapter, the
    # url_defaults functions and the compiled builder are reached without a
    # Python frame while the context class, the app and the map are stock
    # (bench/bench_url_for.py).
    memo: t.Any = None
    url_adapter: t.Any = _MISSING
    owner: t.Any = None
    req_ctx = _cv_peek(_cv_request)
    if req_ctx is not None:
        owner = req_ctx
        # PERF: the instance dict without the attribute protocol, compiled
        # (bench/bench_url_for.py).
        ctx_vars = _c_dict(req_ctx) if cython.compiled else req_ctx.__dict__  # type: ignore[name-defined,unused-ignore]  # noqa: F821
        if "url_adapter" not in ctx_vars:
            memo = self._url_memo_for(req_ctx, True)
        if memo is None:
            if _stock(type(req_ctx), _NO_ATTRS, "url_adapter", _STOCK_CTX_ADAPTER):
                url_adapter = (
                    _c_dict_get(ctx_vars, "url_adapter", _MISSING)  # type: ignore[name-defined,unused-ignore]  # noqa: F821
                    if cython.compiled
                    else ctx_vars.get("url_adapter", _MISSING)
                )
            if url_adapter is _MISSING:
                url_adapter = req_ctx.url_adapter
        if (_c_dot_prefix(endpoint) if cython.compiled else endpoint[:1] == "."):  # type: ignore[name-defined,unused-ignore]  # noqa: F821
            blueprint_name = req_ctx.request.blueprint
            if blueprint_name is not None:
                endpoint = f"{blueprint_name}{endpoint}"
            else:
                endpoint = endpoint[1:]
        if _external is None:
            _external = _scheme is not None
    else:
        app_ctx = _cv_peek(_cv_app)
        if app_ctx is not None:
            owner = app_ctx
            memo = self._url_memo_for(app_ctx, False)
            if memo is None:
                url_adapter = app_ctx.url_adapter
        else:
            url_adapter = self.create_url_adapter(None)
        if url_adapter is None and memo is None:
            raise RuntimeError(
                "Unable to build URLs outside an active request without"
                " 'SERVER_NAME' configured. Also configure"
                " 'APPLICATION_ROOT' and 'PREFERRED_URL_SCHEME' as needed."
            )
        if _external is None:
            _external = True

    if _scheme is not None and not _external:
        raise ValueError("When specifying '_scheme', '_external' must be True.")

    app_vars = _c_dict(self) if cython.compiled else self.__dict__  # type: ignore[name-defined,unused-ignore]  # noqa: F821
    if self.url_default_functions or not _stock(
        type(self), app_vars, "inject_url_defaults", _STOCK_INJECT_DEFAULTS
    ):
        self.inject_url_defaults(endpoint, values)
    memo_key: t.Any = None
    if memo is not None:
        known: t.Any = None
        if values:
            memo = None
        else:
            memo_key = (endpoint, _method, _scheme, _external)
            try:
                known = memo.get(memo_key)
            except TypeError:  # an unhashable argument: never remembered
                memo = None
            if known is not None:
                if _anchor is not None:
                    known = f"{known}#{_url_quote(_anchor, safe=_ANCHOR_SAFE)}"
                return known  # type: ignore[no-any-return]
        # Not remembered: build as usual, with the context's adapter.
        url_adapter = owner.url_adapter
    try:
        # The map's compiled builder gives werkzeug's URL, or None for
        # werkzeug to build it.
        url_map = self.url_map
        rv: t.Any = None
        if type(url_map) is _Map:
            map_vars = _c_dict(url_map) if cython.compiled else url_map.__dict__  # type: ignore[name-defined,unused-ignore]  # noqa: F821
            if _stock(_Map, map_vars, "fast_build", _STOCK_FAST_BUILD):
                # PERF: Map.fast_build's body, without its Python frame
                # (bench/bench_url_for.py).
                builder = url_map._ff_builder
                if builder is None:
                    builder = url_map._ff_compile_builder()
                if cython.compiled and type(builder) is _CBuilder:  # type: ignore[name-defined,unused-ignore]  # noqa: F821
                    # PERF: the compiled builder called as C (bench/bench_url_for.py).
                    rv = cython.cast(_CBuilder, builder).build(  # type: ignore[name-defined,unused-ignore]  # noqa: F821
                        url_adapter, endpoint, values, _method, _scheme, _external
                    )
                else:
                    rv = builder.build(url_adapter, endpoint, values, _method, _scheme, _external)
            else:
                rv = url_map.fast_build(url_adapter, endpoint, values, _method, _scheme, _external)
        if rv is None:
            rv = url_adapter.build(
                endpoint,
                values,
                method=_method,
                url_scheme=_scheme,
                force_external=_external,
            )
    except BuildError as error:
        values.update(
            _anchor=_anchor, _method=_method, _scheme=_scheme, _external=_external
        )
        return self.handle_url_build_error(error, endpoint, values)  # type: ignore[no-any-return]
    if memo is not None and self._static_endpoint(endpoint):
        if len(memo) >= _URL_MEMO_SIZE:
            memo.clear()
        memo[memo_key] = rv

    if _anchor is not None:
        rv = f"{rv}#{_url_quote(_anchor, safe=_ANCHOR_SAFE)}"
    return rv  # type: ignore[no-any-return]


# -- JSON responses (DefaultJSONProvider.response, jsonify) ----------------------

# Named by flaskfast.json.provider (use_json_provider).
_JSON_STOCK_DUMPS: t.Any = None
_JSON_STOCK_PREPARE: t.Any = None
_JSON_ENCODERS: dict[t.Any, t.Any] = {}
_JSON_ENCODER_FOR: t.Any = None
_STDLIB_DUMPS = _json_module.dumps
_COMPACT_SEPARATORS = (",", ":")


def use_json_provider(
    stock_dumps: t.Any, stock_prepare: t.Any, encoders: dict[t.Any, t.Any], encoder_for: t.Any
) -> None:
    """Name ``DefaultJSONProvider.dumps`` and ``_prepare_response_obj`` (the
    steps :func:`json_response` checks for), the provider module's cache of
    compact encoders and the function that fills it (called once by
    :mod:`flaskfast.json.provider`)."""
    global _JSON_STOCK_DUMPS, _JSON_STOCK_PREPARE, _JSON_ENCODERS, _JSON_ENCODER_FOR
    _JSON_STOCK_DUMPS = stock_dumps
    _JSON_STOCK_PREPARE = stock_prepare
    _JSON_ENCODERS = encoders
    _JSON_ENCODER_FOR = encoder_for


def json_response(self: t.Any, *args: t.Any, **kwargs: t.Any) -> t.Any:
    """Return a JSON response, indented or compact per :attr:`compact`.

    The body always ends with a newline.
    """
    # PERF: compiled; while dumps and _prepare_response_obj are the stock
    # ones, plain data is encoded by the JSON kernel (the rest by a cached
    # standard-library encoder, with its output) and the response is
    # assembled by the response kernel (bench: json_response, json_post,
    # te/json).
    cls = type(self)
    attrs = _c_dict(self) if cython.compiled else self.__dict__  # type: ignore[name-defined,unused-ignore]  # noqa: F821
    stock = _stock(cls, attrs, "dumps", _JSON_STOCK_DUMPS) and _stock(
        cls, attrs, "_prepare_response_obj", _JSON_STOCK_PREPARE
    )
    if stock and len(args) == 1 and not kwargs:
        obj = args[0]  # what _prepare_response_obj gives
    else:
        obj = self._prepare_response_obj(args, kwargs)
    compact = self.compact
    app = self._app
    if compact is False or (compact is None and app.debug):
        body = self.dumps(obj, indent=2)
    else:
        encoder: t.Any = None
        if stock and _json_module.dumps is _STDLIB_DUMPS:
            key: t.Any = (self.default, self.ensure_ascii, self.sort_keys)
            try:
                encoder = _JSON_ENCODERS.get(key)
            except TypeError:  # unhashable settings: never cached
                key = None
            if encoder is None and key is not None:
                encoder = _JSON_ENCODER_FOR(*key)
        if encoder is None:
            body = self.dumps(obj, separators=_COMPACT_SEPARATORS)
        else:
            body = _json_kernel.encode(obj, encoder.ascii, encoder.sorted, encoder)
    return _response_kernel.mimetype_response(app.response_class, f"{body}\n", self.mimetype)


def jsonify(*args: t.Any, **kwargs: t.Any) -> t.Any:
    """Build a JSON response with ``current_app.json.response``.

    One positional argument is serialized as is, several become a list,
    keyword arguments become an object; mixing both raises
    :class:`TypeError`. Needs an application context.
    """
    # PERF: compiled, the context variable read directly (bench: te/json).
    app = _current_app()
    return app.json.response(*args, **kwargs)

