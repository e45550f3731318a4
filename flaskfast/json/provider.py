"""JSON providers: the object behind ``app.json``.

:class:`JSONProvider` is the minimal interface (``dumps``/``loads`` plus
file and response helpers). :class:`DefaultJSONProvider` implements it with
the standard library and knows a few extra types (dates, decimals, UUIDs,
dataclasses, objects with ``__html__``).
"""

from __future__ import annotations

import dataclasses
import decimal
import json
import typing as t
import uuid
import weakref
from datetime import date

from werkzeug.http import http_date

if t.TYPE_CHECKING:  # pragma: no cover
    from werkzeug.sansio.response import Response

    from ..sansio.app import App


class JSONProvider:
    """Base class for ``app.json``; subclass and set ``app.json_provider_class``.

    Subclasses must implement :meth:`dumps` and :meth:`loads`; the file and
    response helpers are built on those two. The app is held through a weak
    proxy so the provider does not keep it alive.
    """

    def __init__(self, app: App) -> None:
        self._app: App = weakref.proxy(app)

    def dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
        """Serialize ``obj`` to a JSON string."""
        raise NotImplementedError

    def dump(self, obj: t.Any, fp: t.IO[str], **kwargs: t.Any) -> None:
        """Serialize ``obj`` and write it to the text file ``fp``."""
        fp.write(self.dumps(obj, **kwargs))

    def loads(self, s: str | bytes, **kwargs: t.Any) -> t.Any:
        """Parse a JSON document from ``s``."""
        raise NotImplementedError

    def load(self, fp: t.IO[t.AnyStr], **kwargs: t.Any) -> t.Any:
        """Parse a JSON document read from the file ``fp``."""
        return self.loads(fp.read(), **kwargs)

    def _prepare_response_obj(
        self, args: tuple[t.Any, ...], kwargs: dict[str, t.Any]
    ) -> t.Any:
        # No arguments -> null, one positional -> that value, several
        # positionals -> a list, keywords -> an object. Mixing is an error.
        if args:
            if kwargs:
                raise TypeError(
                    "app.json.response() takes either args or kwargs, not both"
                )
            return args[0] if len(args) == 1 else args
        return kwargs or None

    def response(self, *args: t.Any, **kwargs: t.Any) -> Response:
        """Return ``app.response_class`` holding the arguments as JSON.

        Arguments are combined as for :func:`flask.jsonify`; the mimetype is
        ``application/json``.
        """
        obj = self._prepare_response_obj(args, kwargs)
        return self._app.response_class(self.dumps(obj), mimetype="application/json")


def _default(o: t.Any) -> t.Any:
    """Convert the extra types :class:`DefaultJSONProvider` supports.

    Dates become HTTP date strings, ``Decimal`` and ``UUID`` become ``str``,
    dataclass instances become dicts, objects with ``__html__`` become the
    markup string. Anything else raises :class:`TypeError`.
    """
    if isinstance(o, date):
        return http_date(o)
    if isinstance(o, (decimal.Decimal, uuid.UUID)):
        return str(o)
    if dataclasses.is_dataclass(o):
        return dataclasses.asdict(o)  # type: ignore[arg-type]
    html = getattr(o, "__html__", None)
    if html is not None:
        return str(html())
    raise TypeError(f"Object of type {type(o).__name__} is not JSON serializable")


class DefaultJSONProvider(JSONProvider):
    """Standard-library JSON with Flask's defaults.

    Class (or instance) attributes tune the output: :attr:`default` converts
    unknown objects, :attr:`ensure_ascii` escapes non-ASCII, :attr:`sort_keys`
    sorts object keys, :attr:`compact` chooses indented (``False``), compact
    (``True``) or "indented only in debug mode" (``None``) responses, and
    :attr:`mimetype` is the response content type.
    """

    default: t.Callable[[t.Any], t.Any] = staticmethod(_default)
    ensure_ascii = True
    sort_keys = True
    compact: bool | None = None
    mimetype = "application/json"

    def dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
        """Serialize with :func:`json.dumps`; the attributes above are the
        defaults for ``default``, ``ensure_ascii`` and ``sort_keys``."""
        kwargs.setdefault("default", self.default)
        kwargs.setdefault("ensure_ascii", self.ensure_ascii)
        kwargs.setdefault("sort_keys", self.sort_keys)
        return json.dumps(obj, **kwargs)

    def loads(self, s: str | bytes, **kwargs: t.Any) -> t.Any:
        """Parse with :func:`json.loads`."""
        return json.loads(s, **kwargs)

    def response(self, *args: t.Any, **kwargs: t.Any) -> Response:
        """Return a JSON response, indented or compact per :attr:`compact`.

        The body always ends with a newline.
        """
        obj = self._prepare_response_obj(args, kwargs)
        compact = self.compact
        if compact is False or (compact is None and self._app.debug):
            body = self.dumps(obj, indent=2)
        else:
            body = self.dumps(obj, separators=(",", ":"))
        return self._app.response_class(f"{body}\n", mimetype=self.mimetype)
