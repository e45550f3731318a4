"""The application logger and its default handler.

Log records go to the WSGI server's error stream while a request is active
and to ``sys.stderr`` otherwise.
"""

from __future__ import annotations

import logging
import sys
import typing as t

from werkzeug.local import LocalProxy

from .globals import request

if t.TYPE_CHECKING:  # pragma: no cover
    from .sansio.app import App


@LocalProxy
def wsgi_errors_stream() -> t.TextIO:
    """The active request's ``environ["wsgi.errors"]``, else ``sys.stderr``."""
    if request:
        return request.environ["wsgi.errors"]  # type: ignore[no-any-return]
    return sys.stderr


def has_level_handler(logger: logging.Logger) -> bool:
    """Return True if a record at ``logger``'s effective level would reach a
    handler, looking at the logger and its ancestors while they propagate."""
    level = logger.getEffectiveLevel()
    node: logging.Logger | None = logger
    while node is not None:
        for handler in node.handlers:
            if handler.level <= level:
                return True
        if not node.propagate:
            return False
        node = node.parent
    return False


#: Handler added to the app logger when nothing else would show its records.
#: Writes to :data:`wsgi_errors_stream`.
default_handler: logging.StreamHandler[t.TextIO] = logging.StreamHandler(
    t.cast(t.TextIO, wsgi_errors_stream)
)
default_handler.setFormatter(
    logging.Formatter("[%(asctime)s] %(levelname)s in %(module)s: %(message)s")
)


def create_logger(app: App) -> logging.Logger:
    """Return the logger named ``app.name``, set up for the app.

    In debug mode a logger without its own level is set to ``DEBUG``.
    :data:`default_handler` is added unless some handler already receives
    records at the logger's effective level.
    """
    logger = logging.getLogger(app.name)
    if app.debug and logger.level == logging.NOTSET:
        logger.setLevel(logging.DEBUG)
    if not has_level_handler(logger):
        logger.addHandler(default_handler)
    return logger
