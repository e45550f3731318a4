"""What happens to an error the app raises after its response is made.

A ``teardown_request`` (or ``teardown_appcontext``) function runs when the
request context is popped, after the response was produced, its
``after_request`` functions run and its session saved.  In Flask 3.1.3 an
exception from one escapes the WSGI call, so the server, not the app,
decides what the client sees (gunicorn and the werkzeug server answer their
own 500 and log it on their own logger).  flaskfast, outside testing and
propagation mode, logs it once on the app's logger and the client gets the
response the app produced; the contexts are popped as usual either way.

This module is a leaf: it reads the app's configuration and logger from the
objects handed to it and imports nothing of flaskfast.
"""

from __future__ import annotations

import typing as t


def propagates(app: t.Any) -> bool:
    """Whether ``app`` lets unhandled exceptions out (``PROPAGATE_EXCEPTIONS``,
    or testing or debug mode when that is ``None``), as ``handle_exception``
    decides."""
    propagate = app.config["PROPAGATE_EXCEPTIONS"]
    if propagate is None:
        return bool(app.testing or app.debug)
    return bool(propagate)


def teardown_failed(app: t.Any, ctx: t.Any, error: Exception) -> bool:
    """Deal with ``error``, raised while popping the request context ``ctx``
    (by a teardown function, or by ``pop`` itself): ``True`` when the app
    propagates exceptions and the caller must let it out, otherwise log it
    on the app's logger at ERROR level with its traceback and return
    ``False``."""
    if propagates(app):
        return True
    request = getattr(ctx, "request", None)
    try:
        where = f" on {request.path} [{request.method}]"  # type: ignore[union-attr]
    except Exception:  # noqa: BLE001 - a broken request must not hide the error
        where = ""
    app.logger.error(
        f"Exception in a teardown function{where}",
        exc_info=(type(error), error, error.__traceback__),
    )
    return False


def handler_failed(app: t.Any, ctx: t.Any, error: Exception) -> bool:
    """As :func:`teardown_failed`, for ``error`` raised by ``handle_exception``
    (the 500 error handler): ``True`` when it must propagate, else logged."""
    if propagates(app):
        return True
    request = getattr(ctx, "request", None)
    try:
        where = f" on {request.path} [{request.method}]"  # type: ignore[union-attr]
    except Exception:  # noqa: BLE001
        where = ""
    app.logger.error(
        f"Exception in the 500 error handler{where}",
        exc_info=(type(error), error, error.__traceback__),
    )
    return False


def guard_stream(body: t.Any, app: t.Any, where: str) -> t.Any:
    """The WSGI iterable for the streamed ``body`` of a response of ``app``:
    ``body`` itself when the app propagates exceptions, otherwise a
    :class:`GuardedStream` around it."""
    if app is None or propagates(app):
        return body
    return GuardedStream(body, app, where)


class GuardedStream:
    """A streamed body as handed to the server: its chunks, except that an
    exception raised while producing them is logged once on the app's
    logger (``where`` names the request) and ends the body, instead of
    reaching the server after the status line went out.

    The body then ends early: with chunked transfer encoding the client sees
    a body that ends normally, so an app whose clients must tell a failed
    stream from a finished one sends ``Content-Length`` or an end marker
    (see SECURITY.md).  ``close()`` closes the body, as PEP 3333 asks.
    """

    __slots__ = ("_body", "_chunks", "_app", "_where", "_done")

    def __init__(self, body: t.Any, app: t.Any, where: str) -> None:
        self._body = body
        self._chunks = iter(body)
        self._app = app
        self._where = where
        self._done = False

    def __iter__(self) -> GuardedStream:
        return self

    def __next__(self) -> t.Any:
        if self._done:
            raise StopIteration
        try:
            return next(self._chunks)
        except StopIteration:
            self._done = True
            raise
        except Exception as e:
            self._done = True
            self._app.logger.error(
                f"Exception while streaming the response{self._where}",
                exc_info=(type(e), e, e.__traceback__),
            )
            raise StopIteration from None

    def close(self) -> None:
        """Close the body (which runs the response's close callbacks)."""
        close = getattr(self._body, "close", None)
        if close is not None:
            close()
