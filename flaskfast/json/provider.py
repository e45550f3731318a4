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
import json.encoder
import typing as t
import uuid
import weakref
from datetime import date

from werkzeug.http import http_date

from .._speedups import pipeline as _pipeline

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


_COMPACT = (",", ":")
# The C encoder factory the standard library's JSONEncoder itself uses for
# one-shot, non-indented encoding (None without the _json accelerator).
_c_make_encoder: t.Any = getattr(json.encoder, "c_make_encoder", None)


class _Compact:
    """``json.dumps(obj, default=..., ensure_ascii=..., sort_keys=...,
    separators=(",", ":"))`` for one combination of those settings."""

    __slots__ = ("encode", "c_args", "ascii", "sorted")

    def __init__(self, default: t.Any, ensure_ascii: t.Any, sort_keys: t.Any) -> None:
        encoder = json.JSONEncoder(
            default=default, ensure_ascii=ensure_ascii, sort_keys=sort_keys,
            separators=_COMPACT,
        )
        self.encode: t.Callable[[t.Any], str] = encoder.encode
        # As the encoders read them: by truth value.
        self.ascii = bool(encoder.ensure_ascii)
        self.sorted = bool(encoder.sort_keys)
        self.c_args: tuple[t.Any, ...] | None = None
        if _c_make_encoder is not None:
            strings = (
                json.encoder.encode_basestring_ascii
                if encoder.ensure_ascii
                else json.encoder.encode_basestring
            )
            # The arguments JSONEncoder.iterencode gives the C encoder.
            self.c_args = (
                encoder.default, strings, None, encoder.key_separator,
                encoder.item_separator, encoder.sort_keys, encoder.skipkeys,
                encoder.allow_nan,
            )

    def __call__(self, obj: t.Any) -> str:
        args = self.c_args
        if args is not None and (type(obj) is dict or type(obj) is list):
            return "".join(_c_make_encoder({}, *args)(obj, 0))
        return self.encode(obj)


# PERF: json.dumps with keyword arguments builds a JSONEncoder on every call;
# one per settings combination is kept instead (bench: json_response).
_compact_encoders: dict[tuple[t.Any, t.Any, t.Any], _Compact] = {}


def _compact_encoder(default: t.Any, ensure_ascii: t.Any, sort_keys: t.Any) -> _Compact | None:
    """The cached compact encoder for these settings, or ``None`` when they
    cannot be cached (unhashable)."""
    key = (default, ensure_ascii, sort_keys)
    try:
        return _compact_encoders[key]
    except KeyError:
        pass
    except TypeError:
        return None
    found = _Compact(*key)
    if len(_compact_encoders) >= 32:
        _compact_encoders.clear()
    _compact_encoders[key] = found
    return found


def _check_c_encoder() -> None:
    # The C shortcut stays on only if it reproduces json.dumps here.
    global _c_make_encoder
    if _c_make_encoder is None:
        return
    probe = {"b": [1, 2.5, "\u00e9\n", None, True], "a": {"z": -0.0}}
    for ascii_only in (True, False):
        want = json.dumps(probe, ensure_ascii=ascii_only, sort_keys=True, separators=_COMPACT)
        try:
            got = _Compact(None, ascii_only, True)(probe)
        except Exception:  # noqa: BLE001 - any failure disables the shortcut
            got = None
        if got != want:
            _c_make_encoder = None
            return


_check_c_encoder()


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

    # PERF: compiled with the request pipeline (bench: json_response).
    response = _pipeline.json_response


_DEFAULT_DUMPS = DefaultJSONProvider.dumps
_PREPARE = JSONProvider._prepare_response_obj
_pipeline.use_json_provider(_DEFAULT_DUMPS, _PREPARE, _compact_encoders, _compact_encoder)
