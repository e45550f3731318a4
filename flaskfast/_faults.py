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
