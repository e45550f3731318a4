"""The older JSON API: ``flask.json.JSONEncoder`` / ``JSONDecoder``, the
``htmlsafe_dump(s)`` helpers, and the provider that honours the Flask 2.2
configuration keys and ``app.json_encoder`` / ``app.json_decoder``.

:class:`LegacyJSONProvider` (building block M3 of the table) becomes an
app's ``app.json`` only when that app uses one of those: a ``JSON_*`` config
key, ``app.json_encoder`` / ``app.json_decoder``, or a ``Flask`` subclass
that sets them.  Apps that do not keep the stock provider and its speed.

Precedence (limit 14 of the table): as in Flask 2.2, a legacy config key,
when present, wins over the provider attribute it replaced
(``JSON_SORT_KEYS`` over ``app.json.sort_keys``), and a legacy encoder class
is used for every ``dumps`` unless the call passes its own ``cls=``.
"""

from __future__ import annotations

import json as _json
import typing as t

from ..json.provider import _default
from ..json.provider import DefaultJSONProvider
from .warn import deprecated
from .warn import warn

if t.TYPE_CHECKING:  # pragma: no cover
    from werkzeug.sansio.response import Response

    from ..sansio.app import App

_ENCODER_REPLACEMENT = (
    "flask.json.provider.DefaultJSONProvider: override its 'default' (or"
    " assign app.json.default)"
)
_DECODER_REPLACEMENT = "a JSONProvider subclass overriding loads()"


class JSONEncoder(_json.JSONEncoder):
    """``json.JSONEncoder`` that knows Flask's extra types (dates as HTTP
    dates, ``UUID``, ``Decimal``, dataclasses, ``__html__``) through
    :meth:`DefaultJSONProvider.default`.

    A subclass's own :meth:`default` is used even when Flask's JSON helpers
    pass ``default=`` (Flask 3.1's provider always does; the old encoder API
    relied on ``default`` being a method)."""

    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        super().__init_subclass__(**kwargs)
        deprecated("Subclassing flask.json.JSONEncoder", _ENCODER_REPLACEMENT)

    def __init__(self, **kwargs: t.Any) -> None:
        cls = type(self)
        if cls is JSONEncoder:
            deprecated("flask.json.JSONEncoder", _ENCODER_REPLACEMENT)
        elif kwargs.get("default") is _default and cls.default is not JSONEncoder.default:
            # Injected by Flask's helpers; the subclass's method must win.
            del kwargs["default"]
        super().__init__(**kwargs)

    def default(self, o: t.Any) -> t.Any:
        """Convert the types :class:`DefaultJSONProvider` knows."""
        return _default(o)


class JSONDecoder(_json.JSONDecoder):
    """``json.JSONDecoder``, kept under its old Flask name."""

    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        super().__init_subclass__(**kwargs)
        deprecated("Subclassing flask.json.JSONDecoder", _DECODER_REPLACEMENT)

    def __init__(self, **kwargs: t.Any) -> None:
        if type(self) is JSONDecoder:
            deprecated("flask.json.JSONDecoder", _DECODER_REPLACEMENT)
        super().__init__(**kwargs)


def htmlsafe_dumps(obj: t.Any, **kwargs: t.Any) -> t.Any:
    """``obj`` as JSON that is safe inside HTML ``<script>`` tags (a
    ``Markup`` string, as in Flask 2.x)."""
    from jinja2.utils import htmlsafe_json_dumps

    from .. import json as flask_json

    return htmlsafe_json_dumps(obj, dumps=flask_json.dumps, **kwargs)


def htmlsafe_dump(obj: t.Any, fp: t.IO[str], **kwargs: t.Any) -> None:
    """Write :func:`htmlsafe_dumps` of ``obj`` to ``fp``."""
    fp.write(str(htmlsafe_dumps(obj, **kwargs)))


def _defines_default(cls: type) -> bool:
    """Whether encoder class ``cls`` brings its own ``default`` method."""
    for klass in cls.__mro__:
        if klass is JSONEncoder or klass is _json.JSONEncoder:
            return False
        if "default" in vars(klass):
            return True
    return False


class LegacyJSONProvider(DefaultJSONProvider):
    """:class:`DefaultJSONProvider` that also honours ``JSON_AS_ASCII``,
    ``JSON_SORT_KEYS``, ``JSONIFY_PRETTYPRINT_REGULAR``,
    ``JSONIFY_MIMETYPE`` and the app's ``json_encoder`` / ``json_decoder``
    classes (see the module docstring for precedence).  The keys warned
    when they were set."""

    def _legacy(self, key: str, fallback: t.Any) -> t.Any:
        config = self._app.config
        return config[key] if key in config else fallback

    def dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
        """``json.dumps`` with the legacy encoder class and keys applied."""
        encoder = getattr(self._app, "_legacy_json_encoder", None)
        if encoder is not None:
            kwargs.setdefault("cls", encoder)
        cls = kwargs.get("cls")
        if cls is None or not _defines_default(cls):
            # As in Flask 2.2: an encoder's own default() is not overridden.
            kwargs.setdefault("default", self.default)
        kwargs.setdefault("ensure_ascii", self._legacy("JSON_AS_ASCII", self.ensure_ascii))
        kwargs.setdefault("sort_keys", self._legacy("JSON_SORT_KEYS", self.sort_keys))
        return _json.dumps(obj, **kwargs)

    def loads(self, s: str | bytes, **kwargs: t.Any) -> t.Any:
        """``json.loads`` with the app's legacy decoder class, if any."""
        decoder = getattr(self._app, "_legacy_json_decoder", None)
        if decoder is not None:
            kwargs.setdefault("cls", decoder)
        return _json.loads(s, **kwargs)

    def response(self, *args: t.Any, **kwargs: t.Any) -> Response:
        """A JSON response; ``JSONIFY_PRETTYPRINT_REGULAR`` (when set)
        decides indentation as ``compact = not value`` would, and
        ``JSONIFY_MIMETYPE`` the content type."""
        obj = self._prepare_response_obj(args, kwargs)
        config = self._app.config
        compact = self.compact
        if "JSONIFY_PRETTYPRINT_REGULAR" in config:
            compact = not config["JSONIFY_PRETTYPRINT_REGULAR"]
        if compact is False or (compact is None and self._app.debug):
            body = self.dumps(obj, indent=2)
        else:
            body = self.dumps(obj, separators=(",", ":"))
        mimetype = self._legacy("JSONIFY_MIMETYPE", self.mimetype)
        return self._app.response_class(f"{body}\n", mimetype=mimetype)


def use_legacy_provider(app: App, reason: str) -> None:
    """Make ``app.json`` a :class:`LegacyJSONProvider` if it is the stock
    provider; with a custom provider, warn that ``reason`` is ignored."""
    current = app.json
    if isinstance(current, LegacyJSONProvider):
        return
    if type(current) is DefaultJSONProvider:
        app.json = LegacyJSONProvider(app)
        return
    warn(
        f"{reason} is ignored: app.json is a custom provider"
        f" ({type(current).__name__}); set the matching attribute of that"
        " provider instead."
    )


class SimpleJSONProvider(DefaultJSONProvider):
    """Opt-in provider serialising with ``simplejson``, which Flask 0.12
    used when installed (Flask never picks it by itself any more, because
    the output differs, for example for ``Decimal``: limit 13).

    Use ``app.json = SimpleJSONProvider(app)`` or set
    ``Flask.json_provider_class``.  Raises :exc:`ImportError` naming the
    package when ``simplejson`` is not installed.
    """

    def __init__(self, app: App) -> None:
        try:
            import simplejson  # type: ignore[import-untyped,unused-ignore]
        except ImportError as e:
            raise ImportError(
                "SimpleJSONProvider needs the 'simplejson' package: pip install"
                " simplejson, or keep the default provider (standard json)."
            ) from e
        super().__init__(app)
        self._simplejson = simplejson

    def dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
        """``simplejson.dumps`` with this provider's defaults."""
        kwargs.setdefault("default", self.default)
        kwargs.setdefault("ensure_ascii", self.ensure_ascii)
        kwargs.setdefault("sort_keys", self.sort_keys)
        return self._simplejson.dumps(obj, **kwargs)  # type: ignore[no-any-return]

    def loads(self, s: str | bytes, **kwargs: t.Any) -> t.Any:
        """``simplejson.loads``."""
        return self._simplejson.loads(s, **kwargs)
