"""Error-handler registrations of the older Flask API.

:func:`as_handler_map` turns a hand-written 0.x registration,
``app.error_handler_spec[None][404] = handler``, into the 3.1 shape
(``{code: {exception class: handler}}``), with a warning, when
:class:`flaskfast._legacy.HandlerSpec` (the per-scope mapping of
``app.error_handler_spec``) is given one; reads keep the 3.1 shape
(limit 15).

:func:`receives_original_exception` is the opt-in for 500 handlers written
for Flask < 1.1 (limit 4).
"""

from __future__ import annotations

import functools
import inspect
import typing as t

from werkzeug.exceptions import default_exceptions

from .warn import deprecated

_F = t.TypeVar("_F", bound=t.Callable[..., t.Any])


def as_handler_map(code: t.Any, value: t.Any) -> dict[type[Exception], t.Any]:
    """``{exception class: handler}`` for a hand-written 0.x registration
    ``value`` of ``code`` (what :class:`flaskfast._legacy.HandlerSpec`
    stores), with a warning; :exc:`TypeError` / :exc:`ValueError` saying
    what to write for anything else."""
    if code is None and isinstance(value, list):
        # Flask 0.10: spec[None][None] = [(exception class, handler), ...]
        handlers = dict(value)
        what = "app.error_handler_spec[None][None] = [(exc_class, handler)]"
        instead = "app.register_error_handler(exc_class, handler)"
    elif callable(value) and isinstance(code, int):
        try:
            handlers = {default_exceptions[code]: value}
        except KeyError:
            raise ValueError(
                f"{code} is not an HTTP error code werkzeug knows; register a"
                " handler for an HTTPException subclass instead."
            ) from None
        what = f"app.error_handler_spec[...][{code}] = handler"
        instead = f"app.register_error_handler({code}, handler)"
    else:
        raise TypeError(
            "app.error_handler_spec[scope][code] must be a dict mapping exception"
            f" classes to handlers, not {type(value).__name__}; use"
            " app.register_error_handler(code_or_exception, handler)."
        )
    deprecated(what, instead)
    return handlers


def receives_original_exception(f: _F) -> _F:
    """Decorate a 500 handler written for Flask < 1.1 so that it receives
    the unhandled exception itself rather than the ``InternalServerError``
    wrapping it (``e.original_exception``).  Opt-in per handler::

        @app.errorhandler(500)
        @receives_original_exception
        def on_error(e): ...
    """

    def unwrap(e: BaseException) -> BaseException:
        original = getattr(e, "original_exception", None)
        return original if original is not None else e

    if inspect.iscoroutinefunction(f):

        @functools.wraps(f)
        async def async_wrapper(e: BaseException) -> t.Any:
            return await f(unwrap(e))

        return t.cast(_F, async_wrapper)

    @functools.wraps(f)
    def wrapper(e: BaseException) -> t.Any:
        return f(unwrap(e))

    return t.cast(_F, wrapper)
