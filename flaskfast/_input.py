"""The request body of a server-terminated input, held to ``MAX_CONTENT_LENGTH``.

A server that ends the input stream itself (``wsgi.input_terminated``, set by
gunicorn, the werkzeug dev server for chunked bodies and the test client for
bodies without a length) may hand over a body without ``Content-Length``.
werkzeug then caps the stream at ``max_content_length``, but a read of
everything stops quietly at the cap, so the view gets the first
``max_content_length`` bytes of a larger body as if they were all of it.
Here, reaching the cap looks at the input once more: a body that goes on is
refused with 413, a body of exactly the cap reads normally.
"""

from __future__ import annotations

import typing as t

from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wsgi import get_content_length
from werkzeug.wsgi import LimitedStream

if t.TYPE_CHECKING:  # pragma: no cover
    from _typeshed.wsgi import WSGIEnvironment


class CappedStream(LimitedStream):
    """A stream of unknown length read up to ``limit`` bytes; any read that
    finds the limit reached while the input has more raises
    :exc:`~werkzeug.exceptions.RequestEntityTooLarge` (again on every later
    read). Otherwise behaves as werkzeug's ``LimitedStream(..., is_max=True)``:
    an input that ends early is the end of the body, not a disconnect."""

    def __init__(self, stream: t.IO[bytes], limit: int) -> None:
        super().__init__(stream, limit, is_max=True)
        #: Whether the input went on past the limit; ``None`` until looked.
        self._over: bool | None = None

    def on_exhausted(self) -> None:
        """Raise 413 if the input goes on past the limit; a body of exactly
        ``limit`` bytes ends here."""
        if self._over is None:
            try:
                # One byte is enough to know; the body is refused anyway.
                more = self._stream.read(1)
            except (OSError, ValueError):
                more = b""  # the client is gone: nothing more was sent
            self._over = bool(more)
        if self._over:
            raise RequestEntityTooLarge()

    def readall(self) -> bytes:
        data = super().readall()
        # werkzeug's loop stops at the limit without a further read.
        if self.is_exhausted:
            self.on_exhausted()
        return data


def capped_input(environ: WSGIEnvironment, max_content_length: int | None) -> t.IO[bytes] | None:
    """The body stream for a server-terminated input and a set limit: 413
    at once for a ``Content-Length`` above it, else a :class:`CappedStream`.
    ``None`` for any other request (werkzeug's ``get_input_stream`` decides)."""
    if max_content_length is None or "wsgi.input_terminated" not in environ:
        return None
    length = get_content_length(environ)
    if length is not None and length > max_content_length:
        raise RequestEntityTooLarge()
    return t.cast(t.IO[bytes], CappedStream(environ["wsgi.input"], max_content_length))
