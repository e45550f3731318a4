"""Pure-Python kernel: pushing and popping application and request contexts.

This module is the readable spec for ``context_c.pyx``.  The context classes
in :mod:`flaskfast.ctx` own the state (``_cv_tokens``, ``app``, ``request``);
these functions do the context-variable bookkeeping, the teardown calls and the
push/pop signals, in the order Flask documents:

* ``app_push``: bind the app context, then send ``appcontext_pushed``.
* ``app_pop``: on the outermost pop run ``app.do_teardown_appcontext(exc)``,
  unbind, check that the right context was popped, send ``appcontext_popped``.
* ``request_push``: push an app context for ``ctx.app`` unless one for the same
  app is already active, then bind the request context.
* ``request_pop``: on the outermost pop run ``app.do_teardown_request(exc)`` and
  close the request, unbind, pop the app context pushed with it, and check that
  the right context was popped.

``exc`` may be ``SENTINEL``, meaning "use the exception being handled now".

* ``app_call``: ``Flask.__call__``, that is ``app.wsgi_app(environ,
  start_response)``.  The compiled twin goes straight to ``serve`` when that is
  where the stock ``wsgi_app`` would go.
* ``serve``: the fused request cycle, ``Flask.wsgi_app`` with every step it
  calls (push, routing, hooks, view, ``make_response``, ``process_response``,
  the response's WSGI call, pop and teardown) written out in one function, for
  apps that override none of those steps.
"""

from __future__ import annotations

import sys
import typing as t

from werkzeug.wrappers import Request as _WerkzeugRequest

from ..globals import _cv_app
from ..globals import _cv_request
from ..signals import appcontext_popped
from ..signals import appcontext_pushed

SENTINEL: t.Any = object()
_WZ_CLOSE = _WerkzeugRequest.close


def app_push(ctx: t.Any) -> None:
    ctx._cv_tokens.append(_cv_app.set(ctx))
    # PERF: blinker's send() walks its receiver bookkeeping even with no
    # receivers; most apps connect none (bench: every scenario).
    if appcontext_pushed.receivers:
        app = ctx.app
        appcontext_pushed.send(app, _async_wrapper=app.ensure_sync)


def app_pop(ctx: t.Any, exc: t.Any) -> None:
    tokens = ctx._cv_tokens
    app = ctx.app
    try:
        if len(tokens) == 1:
            if exc is SENTINEL:
                exc = sys.exc_info()[1]
            app.do_teardown_appcontext(exc)
    finally:
        current = _cv_app.get()
        _cv_app.reset(tokens.pop())
    if current is not ctx:
        raise AssertionError(
            f"Popped the wrong app context: {current!r} is active, not {ctx!r}."
        )
    if appcontext_popped.receivers:
        appcontext_popped.send(app, _async_wrapper=app.ensure_sync)


def _close_request(request: t.Any, stock_close: t.Any) -> None:
    """Call ``request.close()`` unless it would do nothing."""
    # PERF: werkzeug's close() and the stock Request.close only close parsed
    # uploaded files; skip the call when none were parsed (bench: every
    # scenario).
    close_method = type(request).close
    if (close_method is _WZ_CLOSE or close_method is stock_close) and not (
        request.__dict__.get("files")
    ):
        return
    close = getattr(request, "close", None)
    if close is not None:
        close()


def request_push(ctx: t.Any) -> None:
    app = ctx.app
    app_ctx = _cv_app.get(None)
    if app_ctx is None or app_ctx.app is not app:
        app_ctx = app.app_context()
        app_ctx.push()
    else:
        app_ctx = None
    ctx._cv_tokens.append((_cv_request.set(ctx), app_ctx))


def _unbind_request(tokens: t.Any, outermost: bool) -> tuple[t.Any, t.Any]:
    """Reset the request context variable to the last of ``tokens``; returns
    ``(the context that was current, the app context pushed with it)``."""
    current = _cv_request.get()
    token, app_ctx = tokens.pop()
    _cv_request.reset(token)
    if outermost:
        # Drop the environ's back-reference so the request can be freed.
        current.request.environ["werkzeug.request"] = None
    return current, app_ctx


def request_pop(ctx: t.Any, exc: t.Any) -> None:
    tokens = ctx._cv_tokens
    outermost = len(tokens) == 1
    try:
        if outermost:
            if exc is SENTINEL:
                exc = sys.exc_info()[1]
            ctx.app.do_teardown_request(exc)
            _close_request(ctx.request, _WZ_CLOSE)
    finally:
        current, app_ctx = _unbind_request(tokens, outermost)
        if app_ctx is not None:
            app_ctx.pop(exc)
        if current is not ctx:
            raise AssertionError(
                f"Popped the wrong request context: {current!r} is active,"
                f" not {ctx!r}."
            )


# -- the fused request cycle ---------------------------------------------------
#
# ``serve`` is ``Flask.wsgi_app`` with the steps it calls written out in one
# place.  ``Flask.wsgi_app`` calls it only when none of the skipped steps is
# overridden (see ``Flask._ff_serve_state``); every step it does not write out
# (error handling, routing fallbacks, opening a non-default session, unusual
# responses) is delegated to the same method the generic path calls there.
# The stock classes it builds objects of are looked up on first use, because
# ``flaskfast.ctx`` imports this module.

_stock: t.Any = None


class _Stock:
    """The stock classes and functions ``serve`` stands in for."""

    def __init__(self) -> None:
        from .. import ctx as ctx_module
        from .. import helpers
        from .. import sessions
        from .. import signals
        from .. import wrappers
        from . import response_py

        self.RequestContext = ctx_module.RequestContext
        self.AppContext = ctx_module.AppContext
        self.adapter_keys = ctx_module._ADAPTER_KEYS
        self.request_init = wrappers.Request.__init__
        self.request_close = wrappers.Request.close
        self.stock_blueprints = wrappers.Request.__dict__["blueprints"]
        self.response_call = wrappers.Response.__call__
        self.send_buffered = wrappers._send_buffered
        self.plain_pipeline = wrappers._plain_pipeline
        self.cookie_interface = sessions.SecureCookieSessionInterface
        self.split_blueprint_path = helpers._split_blueprint_path
        self.make_response = response_py.make_response
        self.plain_head = response_py.plain_head
        self.request_started = signals.request_started
        self.request_finished = signals.request_finished
        self.request_tearing_down = signals.request_tearing_down
        self.appcontext_tearing_down = signals.appcontext_tearing_down


_APP_ONLY: tuple[None] = (None,)
_MISSING: t.Any = object()
_PRESERVE = "werkzeug.debug.preserve_context"


def _sync(app: t.Any, func: t.Any) -> t.Any:
    """``app._sync(func)`` for an app whose ``ensure_sync`` is the stock one."""
    try:
        return app._sync_cache[func]
    except KeyError:
        wrapped = app._sync_cache[func] = app.ensure_sync(func)
        return wrapped
    except TypeError:  # unhashable callable
        return app.ensure_sync(func)


# PERF: the hook loops need the blueprint names of the matched endpoint in
# two orders at three points of every request; for the stock
# ``Request.blueprints`` they depend on the endpoint string only, so both
# orders are built once per endpoint (bench: blueprint_hooks).
_hook_names_cache: dict[str, tuple[tuple[t.Any, ...], tuple[t.Any, ...]]] = {}
_HOOK_NAMES_SIZE = 512
_NO_BLUEPRINT: tuple[tuple[None], tuple[None]] = (_APP_ONLY, _APP_ONLY)


def _hook_names(s: _Stock, request: t.Any) -> tuple[tuple[t.Any, ...], tuple[t.Any, ...]]:
    """``((None, *reversed(bps)), (*bps, None))`` for ``bps = request.blueprints``:
    the order of ``before_request`` and of ``after_request`` / teardown scopes."""
    if type(request).blueprints is s.stock_blueprints and request._plain_endpoint:
        rule = request.url_rule
        if rule is None:
            return _NO_BLUEPRINT
        endpoint = rule.endpoint
        if type(endpoint) is str:
            names = _hook_names_cache.get(endpoint)
            if names is not None:
                return names
            if "." not in endpoint:
                names = _NO_BLUEPRINT
            else:
                bps = s.split_blueprint_path(endpoint.rpartition(".")[0])
                names = ((None, *reversed(bps)), (*bps, None))
            if len(_hook_names_cache) >= _HOOK_NAMES_SIZE:
                _hook_names_cache.clear()
            _hook_names_cache[endpoint] = names
            return names
    bps = request.blueprints
    if not bps:
        return _NO_BLUEPRINT
    return ((None, *reversed(bps)), (*bps, None))


def app_call(app: t.Any, environ: t.Any, start_response: t.Any) -> t.Any:
    """Serve a request: calls ``app.wsgi_app``, so middleware can wrap that
    while keeping the app object (``Flask.__call__``)."""
    return app.wsgi_app(environ, start_response)


def plan_ready(app: t.Any) -> bool | None:
    """The compiled twin keeps what it reads from an app between requests
    and tells whether that is current; this twin keeps nothing: ``None``."""
    return None


def serve(app: t.Any, environ: t.Any, start_response: t.Any) -> t.Any:
    """Handle one WSGI request exactly as ``Flask.wsgi_app`` would.

    Only for apps whose request pipeline uses the stock ``request_context``,
    ``app_context``, ``full_dispatch_request``, ``preprocess_request``,
    ``dispatch_request``, ``finalize_request``, ``make_response``,
    ``process_response``, ``do_teardown_request``, ``do_teardown_appcontext``,
    ``ensure_sync`` and ``create_url_adapter``: the caller checks that.
    """
    global _stock
    s = _stock
    if s is None:
        s = _stock = _Stock()

    # RequestContext(app, environ), built in the state its constructor leaves.
    ctx = object.__new__(s.RequestContext)
    ctx.app = app
    request_class = app.request_class
    if request_class.__init__ is s.request_init and request_class.__new__ is object.__new__:
        request = object.__new__(request_class)
        request.environ = environ
        request.shallow = False
        environ["werkzeug.request"] = request
    else:
        request = request_class(environ)
    request.json_module = app.json
    ctx.request = request
    renv = request.environ
    ctx._adapter_environ = tuple(map(renv.get, s.adapter_keys))
    ctx.flashes = None
    ctx._session_obj = None
    ctx._after_request_functions = []
    ctx._cv_tokens = []

    error: BaseException | None = None
    direct: tuple[str, str, bytes] | None = None
    try:
        try:
            # RequestContext.push: the app context, then the request context.
            app_ctx = _cv_app.get(None)
            if app_ctx is None or app_ctx.app is not app:
                app_ctx = object.__new__(s.AppContext)
                app_ctx.app = app
                config = app.config
                app_ctx._adapter_config = (
                    config["SERVER_NAME"],
                    config["APPLICATION_ROOT"],
                    config["PREFERRED_URL_SCHEME"],
                )
                # g: made on first use (flaskfast.ctx._LazyGlobals).
                app_ctx._cv_tokens = []
                app_push(app_ctx)
            else:
                app_ctx = None
            ctx._cv_tokens.append((_cv_request.set(ctx), app_ctx))
            if type(app.session_interface) is s.cookie_interface:
                ctx._pushed_cookie = renv.get("HTTP_COOKIE")
            else:
                ctx._open_session()
            # Routing: RequestContext._fast_match (stock here: the fused cycle
            # is gated on it), else werkzeug's adapter.
            matched = (
                not app.subdomain_matching
                and app.config["TRUSTED_HOSTS"] is None
                and ctx._fast_match()
            )
            if not matched and ctx.url_adapter is not None:
                ctx.match_request()

            # full_dispatch_request
            app._got_first_request = True
            try:
                if s.request_started.receivers:
                    s.request_started.send(app, _async_wrapper=app.ensure_sync)
                rv = None
                if app.url_value_preprocessors or app.before_request_funcs:
                    rv = _preprocess(s, app)
                if rv is None:
                    # dispatch_request
                    req = _cv_request.get().request
                    if req.routing_exception is not None:
                        app.raise_routing_exception(req)
                    rule: t.Any = req.url_rule
                    if (
                        getattr(rule, "provide_automatic_options", False)
                        and req.method == "OPTIONS"
                    ):
                        rv = app.make_default_options_response()
                    else:
                        view_args: t.Any = req.view_args
                        view = app.view_functions[rule.endpoint]
                        try:
                            view = app._sync_cache[view]
                        except KeyError:
                            view = app._sync_cache[view] = app.ensure_sync(view)
                        except TypeError:
                            view = app.ensure_sync(view)
                        rv = view(**view_args)
            except Exception as e:
                rv = app.handle_user_exception(e)

            # finalize_request: make_response, process_response, signal.
            if type(rv) is str or type(rv) is bytes:
                # PERF: when nothing would see the response object, what it
                # would send is sent without building it (bench: str hello,
                # path parameter, bench/server.py).
                direct = _direct(s, app, rv)
            if direct is None:
                response = s.make_response(app, rv, _cv_request.get(None))
                cur = _cv_request.get()
                for func in cur._after_request_functions:
                    response = app.ensure_sync(func)(response)
                after = app.after_request_funcs
                if after:
                    for name in _hook_names(s, cur.request)[1]:
                        if name in after:
                            for func in reversed(after[name]):
                                response = _sync(app, func)(response)
                interface = app.session_interface
                sess = cur._session_obj
                if sess is None:
                    # The lazy default session: saved only if touched or a
                    # cookie came in (see Flask.process_response).
                    creq = cur.request
                    cookie = creq.environ.get("HTTP_COOKIE")
                    pushed = cur.__dict__.get("_pushed_cookie", cookie)
                    if not (
                        pushed is None
                        or (
                            cookie == pushed
                            and interface.get_cookie_name(app) not in creq.cookies
                        )
                    ):
                        sess = cur._open_session()
                if sess is not None and not interface.is_null_session(sess):
                    interface.save_session(app, sess, response)
                if s.request_finished.receivers:
                    s.request_finished.send(
                        app, _async_wrapper=app.ensure_sync, response=response
                    )
        except Exception as e:
            error = e
            direct = None
            response = app.handle_exception(e)
        except:  # noqa: E722
            error = sys.exc_info()[1]
            raise
        if direct is not None:
            return _send_direct(direct, environ, start_response)
        return _respond(s, response, environ, start_response)
    finally:
        if _PRESERVE in environ:
            environ[_PRESERVE](_cv_app.get())
            environ[_PRESERVE](_cv_request.get())
        if error is not None and app.should_ignore_error(error):
            error = None
        _pop(s, ctx, app, error)


def _direct(s: _Stock, app: t.Any, rv: str | bytes) -> tuple[str, str, bytes] | None:
    """What the response for the view's ``rv`` would send, as
    ``(status line, Content-Type, data)``, when no hook, session or signal
    would see the response object and its class sends text exactly as
    werkzeug does; otherwise ``None``."""
    cur = _cv_request.get()
    if cur._after_request_functions or app.after_request_funcs or s.request_finished.receivers:
        return None
    if cur._session_obj is not None:
        return None
    pushed = getattr(cur, "_pushed_cookie", _MISSING)
    if pushed is _MISSING:
        pushed = cur.request.environ.get("HTTP_COOKIE")
    if pushed is not None:
        return None  # process_response may have a session to save
    cls = app.response_class
    if type(cls) is not type or cls.__call__ is not s.response_call or not s.plain_pipeline(cls):
        return None
    head = s.plain_head(cls)
    if head is None:
        return None
    # werkzeug's set_data encodes text as UTF-8 and keeps bytes as they are.
    return head[0], head[1], rv.encode() if isinstance(rv, str) else rv


def _send_direct(
    direct: tuple[str, str, bytes], environ: t.Any, start_response: t.Any
) -> list[bytes]:
    """Send what ``_direct`` found, as the response's WSGI call would."""
    status, content_type, data = direct
    start_response(
        status, [("Content-Type", content_type), ("Content-Length", str(len(data)))]
    )
    if environ.get("REQUEST_METHOD") == "HEAD":
        return []
    return [data]


def _preprocess(s: _Stock, app: t.Any) -> t.Any:
    """``Flask.preprocess_request`` (called only when some are registered)."""
    req = _cv_request.get().request
    names = _hook_names(s, req)[0]
    preprocessors = app.url_value_preprocessors
    if preprocessors:
        for name in names:
            if name in preprocessors:
                for url_func in preprocessors[name]:
                    url_func(req.endpoint, req.view_args)
    before = app.before_request_funcs
    if before:
        for name in names:
            if name in before:
                for before_func in before[name]:
                    rv = _sync(app, before_func)()
                    if rv is not None:
                        return rv
    return None


def _respond(s: _Stock, response: t.Any, environ: t.Any, start_response: t.Any) -> t.Any:
    """``response(environ, start_response)``, with the one-pass paths of
    ``flaskfast.wrappers.Response.__call__`` taken here when it is the
    response's ``__call__``."""
    cls = type(response)
    if cls.__call__ is not s.response_call:
        return response(environ, start_response)
    try:
        sent = s.send_buffered(response, environ, start_response)
    except ValueError:
        return response(environ, start_response)  # which refuses it
    if sent is not None:
        return sent
    return response(environ, start_response)


def _pop(s: _Stock, ctx: t.Any, app: t.Any, exc: t.Any) -> None:
    """``ctx.pop(exc)`` for a stock request context of ``app``, with
    ``do_teardown_request`` and the app context's pop written out."""
    tokens = ctx._cv_tokens
    outermost = len(tokens) == 1
    try:
        if outermost:
            teardown = app.teardown_request_funcs
            if teardown:
                current = _cv_request.get(None)
                names = _hook_names(s, current.request)[1] if current is not None else _APP_ONLY
                for name in names:
                    if name in teardown:
                        for func in reversed(teardown[name]):
                            _sync(app, func)(exc)
            if s.request_tearing_down.receivers:
                s.request_tearing_down.send(app, _async_wrapper=app.ensure_sync, exc=exc)
            _close_request(ctx.request, s.request_close)
    finally:
        current, app_ctx = _unbind_request(tokens, outermost)
        if app_ctx is not None:
            _pop_app(s, app_ctx, exc)
        if current is not ctx:
            raise AssertionError(
                f"Popped the wrong request context: {current!r} is active,"
                f" not {ctx!r}."
            )


def _pop_app(s: _Stock, app_ctx: t.Any, exc: t.Any) -> None:
    """``app_pop`` with the stock ``do_teardown_appcontext`` written out."""
    tokens = app_ctx._cv_tokens
    app = app_ctx.app
    try:
        if len(tokens) == 1:
            for func in reversed(app.teardown_appcontext_funcs):
                _sync(app, func)(exc)
            if s.appcontext_tearing_down.receivers:
                s.appcontext_tearing_down.send(
                    app, _async_wrapper=app.ensure_sync, exc=exc
                )
    finally:
        current = _cv_app.get()
        _cv_app.reset(tokens.pop())
    if current is not app_ctx:
        raise AssertionError(
            f"Popped the wrong app context: {current!r} is active, not {app_ctx!r}."
        )
    if appcontext_popped.receivers:
        appcontext_popped.send(app, _async_wrapper=app.ensure_sync)
