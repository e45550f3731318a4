"""Tagged JSON: a JSON encoding that round-trips a few non-JSON types.

Used by the default session serializer, so the wire format is fixed: a value
of a tagged type is written as a one-item object ``{" <key>": <json>}``.
Built-in keys: ``" t"`` tuple, ``" b"`` bytes (base64), ``" m"`` markup
(``__html__``), ``" u"`` UUID (hex), ``" d"`` datetime (HTTP date), and
``" di"`` for a real one-item dict whose key collides with a tag key (the key
gets a ``"__"`` suffix). Dicts and lists are walked recursively.

Add a type by subclassing :class:`JSONTag` and calling
:meth:`TaggedJSONSerializer.register`.
"""

from __future__ import annotations

import json as _json
import typing as t
from base64 import b64decode
from base64 import b64encode
from datetime import datetime
from uuid import UUID

from markupsafe import Markup
from werkzeug.http import http_date
from werkzeug.http import parse_date

from ..globals import _cv_app
from ..json import dumps
from ..json import loads
from .provider import DefaultJSONProvider


class JSONTag:
    """One tagged type: how to recognise, encode and decode it.

    ``key`` is the marker string (empty for pass-through tags that are never
    decoded). Subclasses implement :meth:`check`, :meth:`to_json` and
    :meth:`to_python`.
    """

    __slots__ = ("serializer",)

    key: str = ""

    def __init__(self, serializer: TaggedJSONSerializer) -> None:
        self.serializer = serializer

    def check(self, value: t.Any) -> bool:
        """Return True if this tag handles ``value``."""
        raise NotImplementedError

    def to_json(self, value: t.Any) -> t.Any:
        """Return a JSON-compatible form of ``value`` (without the marker)."""
        raise NotImplementedError

    def to_python(self, value: t.Any) -> t.Any:
        """Rebuild the Python value from what :meth:`to_json` produced."""
        raise NotImplementedError

    def tag(self, value: t.Any) -> dict[str, t.Any]:
        """Return ``value`` encoded and wrapped as ``{key: json}``."""
        return {self.key: self.to_json(value)}


class TagDict(JSONTag):
    """A one-item dict whose only key is itself a registered tag key.

    Without this, ``{" t": [1]}`` would decode as a tuple. The key is written
    with a ``"__"`` suffix and the suffix is removed when decoding.
    """

    __slots__ = ()
    key = " di"

    def check(self, value: t.Any) -> bool:
        """Whether ``value`` is a one-item dict keyed by a tag key."""
        if not isinstance(value, dict) or len(value) != 1:
            return False
        return next(iter(value)) in self.serializer.tags

    def to_json(self, value: t.Any) -> t.Any:
        """The dict with ``"__"`` added to its key and its value tagged."""
        ((name, item),) = value.items()
        return {f"{name}__": self.serializer.tag(item)}

    def to_python(self, value: t.Any) -> t.Any:
        """The dict with the ``"__"`` suffix removed from its key."""
        ((name, item),) = value.items()
        return {name[:-2]: item}


class PassDict(JSONTag):
    """Any other dict: kept as an object, its values tagged recursively."""

    __slots__ = ()

    def check(self, value: t.Any) -> bool:
        """Whether ``value`` is a dict."""
        return isinstance(value, dict)

    def to_json(self, value: t.Any) -> t.Any:
        """The dict with each value tagged (also its :meth:`tag`: no wrapper)."""
        # JSON object keys are strings, so only the values need tagging.
        tag = self.serializer.tag
        return {k: tag(v) for k, v in value.items()}

    tag = to_json


class TagTuple(JSONTag):
    """A tuple, written as a list of tagged items."""

    __slots__ = ()
    key = " t"

    def check(self, value: t.Any) -> bool:
        """Whether ``value`` is a tuple."""
        return isinstance(value, tuple)

    def to_json(self, value: t.Any) -> t.Any:
        """A list of the tagged items."""
        tag = self.serializer.tag
        return [tag(item) for item in value]

    def to_python(self, value: t.Any) -> t.Any:
        """The list as a tuple."""
        return tuple(value)


class PassList(JSONTag):
    """A list: kept as a list, its items tagged recursively."""

    __slots__ = ()

    def check(self, value: t.Any) -> bool:
        """Whether ``value`` is a list."""
        return isinstance(value, list)

    def to_json(self, value: t.Any) -> t.Any:
        """The list with each item tagged (also its :meth:`tag`: no wrapper)."""
        tag = self.serializer.tag
        return [tag(item) for item in value]

    tag = to_json


class TagBytes(JSONTag):
    """Bytes, written as standard base64 text."""

    __slots__ = ()
    key = " b"

    def check(self, value: t.Any) -> bool:
        """Whether ``value`` is ``bytes``."""
        return isinstance(value, bytes)

    def to_json(self, value: t.Any) -> t.Any:
        """The bytes as base64 ASCII text."""
        return b64encode(value).decode("ascii")

    def to_python(self, value: t.Any) -> t.Any:
        """The bytes decoded from base64 text."""
        return b64decode(value)


class TagMarkup(JSONTag):
    """Anything with an ``__html__`` method; decoded as :class:`~markupsafe.Markup`."""

    __slots__ = ()
    key = " m"

    def check(self, value: t.Any) -> bool:
        """Whether ``value`` has a callable ``__html__``."""
        return callable(getattr(value, "__html__", None))

    def to_json(self, value: t.Any) -> t.Any:
        """The ``str`` of what ``__html__()`` returns."""
        return str(value.__html__())

    def to_python(self, value: t.Any) -> t.Any:
        """The text as :class:`~markupsafe.Markup`."""
        return Markup(value)


class TagUUID(JSONTag):
    """A :class:`uuid.UUID`, written as its 32-digit hex string."""

    __slots__ = ()
    key = " u"

    def check(self, value: t.Any) -> bool:
        """Whether ``value`` is a :class:`uuid.UUID`."""
        return isinstance(value, UUID)

    def to_json(self, value: t.Any) -> t.Any:
        """The UUID's 32 hex digits."""
        return value.hex

    def to_python(self, value: t.Any) -> t.Any:
        """The UUID parsed from its hex digits."""
        return UUID(value)


class TagDateTime(JSONTag):
    """A :class:`~datetime.datetime`, written as an HTTP date (second
    precision, UTC); decoded as an aware UTC datetime."""

    __slots__ = ()
    key = " d"

    def check(self, value: t.Any) -> bool:
        """Whether ``value`` is a :class:`~datetime.datetime`."""
        return isinstance(value, datetime)

    def to_json(self, value: t.Any) -> t.Any:
        """The datetime as an HTTP date string."""
        return http_date(value)

    def to_python(self, value: t.Any) -> t.Any:
        """The aware UTC datetime parsed from an HTTP date."""
        return parse_date(value)


# Types no built-in tag claims; with only built-in tags registered they are
# returned from ``tag()`` untouched.
_PLAIN_TYPES = frozenset((str, int, float, bool, type(None)))
_CONTAINERS = (dict, list)


class TaggedJSONSerializer:
    """Serialize values to tagged JSON and back.

    :attr:`tags` maps marker keys to tag instances (used when decoding);
    :attr:`order` is the list of tags tried, first match wins, when encoding.
    """

    __slots__ = ("tags", "order", "_only_builtin", "_default_order")

    #: Tag classes registered by every new serializer, in this order.
    default_tags = [
        TagDict,
        PassDict,
        TagTuple,
        PassList,
        TagBytes,
        TagMarkup,
        TagUUID,
        TagDateTime,
    ]

    def __init__(self) -> None:
        self.tags: dict[str, JSONTag] = {}
        self.order: list[JSONTag] = []
        self._only_builtin = True
        for tag_class in self.default_tags:
            self.register(tag_class)
        # True while :attr:`order` holds exactly the stock tags in the stock
        # order; any later register() call clears it.
        self._default_order = self._only_builtin and [
            type(tag) for tag in self.order
        ] == _DEFAULT_ORDER

    def register(
        self,
        tag_class: type[JSONTag],
        force: bool = False,
        index: int | None = None,
    ) -> None:
        """Instantiate ``tag_class`` and add it.

        Raises :class:`KeyError` if its key is already registered, unless
        ``force`` replaces the existing tag. ``index`` is the position in
        :attr:`order` (default: appended, i.e. tried last).
        """
        tag = tag_class(self)
        key = tag.key
        if key:
            if key in self.tags and not force:
                raise KeyError(f"Tag '{key}' is already registered.")
            self.tags[key] = tag
        if index is None:
            self.order.append(tag)
        else:
            self.order.insert(index, tag)
        if tag_class not in _BUILTIN_TAGS:
            self._only_builtin = False
        self._default_order = False

    def tag(self, value: t.Any) -> t.Any:
        """Return ``value`` converted to its tagged, JSON-compatible form."""
        # PERF: session payloads are mostly str/int leaves; with only the
        # built-in tags registered none can match them, so skip the eight
        # check() calls (timeit, tag of a 6-key session dict: 9.3us -> 3.3us).
        if self._only_builtin:
            kind = type(value)
            if kind in _PLAIN_TYPES:
                return value
            # PERF: a plain dict (the session itself) with the stock tag
            # order: TagDict only claims a one-item dict keyed by a tag key,
            # everything else is PassDict; the check() calls and the
            # per-leaf tag() calls are skipped (`session` benchmark).
            if kind is dict and self._default_order:
                if len(value) == 1 and next(iter(value)) in self.tags:
                    return self.order[0].tag(value)
                tag_item = self.tag
                return {
                    k: v if type(v) in _PLAIN_TYPES else tag_item(v)
                    for k, v in value.items()
                }
        for tag in self.order:
            if tag.check(value):
                return tag.tag(value)
        return value

    def untag(self, value: dict[str, t.Any]) -> t.Any:
        """Decode ``value`` if it is a one-item dict keyed by a known tag."""
        if len(value) != 1:
            return value
        key = next(iter(value))
        tag = self.tags.get(key)
        if tag is None:
            return value
        return tag.to_python(value[key])

    def _untag_scan(self, value: t.Any) -> t.Any:
        # Decode bottom-up so a tag's to_python sees already-decoded items.
        # PERF: recurse only into containers; leaves are most of a session
        # payload (timeit on a 6-key session dict: loads 6.2us -> 4.5us).
        scan = self._untag_scan
        if isinstance(value, dict):
            return self.untag(
                {
                    k: scan(v) if isinstance(v, _CONTAINERS) else v
                    for k, v in value.items()
                }
            )
        if isinstance(value, list):
            return [scan(v) if isinstance(v, _CONTAINERS) else v for v in value]
        return value

    def dumps(self, value: t.Any) -> str:
        """Tag ``value`` and return compact JSON text (through the current
        app's JSON provider when there is one)."""
        ctx = _cv_app.get(None)
        if ctx is not None:
            provider = ctx.app.json
            if type(provider).dumps is _PROVIDER_DUMPS and "dumps" not in getattr(
                provider, "__dict__", _NO_DICT
            ):
                encoder = _compact_encoder(t.cast(DefaultJSONProvider, provider))
                if encoder is not None:
                    if self._default_order and type(value) is dict:
                        return _flat_dumps(self, encoder, value)
                    return encoder.encode(self.tag(value))
        return dumps(self.tag(value), separators=(",", ":"))

    def loads(self, value: str) -> t.Any:
        """Parse JSON text and decode every tagged object in it."""
        ctx = _cv_app.get(None)
        if ctx is not None:
            provider = ctx.app.json
            # PERF: the stock provider's loads is json.loads; two frames
            # fewer per session read (`session` benchmark).
            if type(provider).loads is _PROVIDER_LOADS and "loads" not in getattr(
                provider, "__dict__", _NO_DICT
            ):
                if self._default_order and type(value) is str:
                    flat = _flat_loaded.get(value)
                    if flat is not None:
                        return dict(flat)
                    return _remember_flat(value, self._untag_scan(_json_loads(value)))
                return self._untag_scan(_json_loads(value))
        return self._untag_scan(loads(value))


_NO_DICT: dict[str, t.Any] = {}
# The scanner json.loads uses (set by the decoder's constructor; untyped).
_scan_once: t.Callable[[str, int], tuple[t.Any, int]] = getattr(
    _json.decoder.JSONDecoder(), "scan_once"
)


def _json_loads(value: t.Any) -> t.Any:
    """``json.loads(value)``: same result, same errors."""
    # PERF: json.loads reaches the C scanner through three Python frames and
    # two whitespace regex matches; a payload that starts with a container
    # and ends where the scan ends needs neither (~1.1us -> ~0.4us per
    # session read, `session` benchmark).  Anything else, including every
    # error, goes through json.loads itself.
    if type(value) is str and value[:1] in ("{", "["):
        try:
            obj, end = _scan_once(value, 0)
        except (StopIteration, ValueError):
            pass
        else:
            if end == len(value):
                return obj
    return _json.loads(value)
_PROVIDER_DUMPS = DefaultJSONProvider.dumps
_PROVIDER_LOADS = DefaultJSONProvider.loads

# PERF: DefaultJSONProvider.dumps(obj, separators=...) is json.dumps, which
# builds a new JSONEncoder on every call because of the non-default
# arguments; the encoder is immutable, so one per provider setting is kept
# (`session` benchmark).  Same class, same arguments, same output.
_encoders: dict[tuple[t.Any, ...], _json.JSONEncoder] = {}
_ENCODERS_SIZE = 16


def _compact_encoder(provider: DefaultJSONProvider) -> _json.JSONEncoder | None:
    """The encoder ``provider.dumps(obj, separators=(",", ":"))`` uses."""
    key = (provider.default, provider.ensure_ascii, provider.sort_keys)
    try:
        encoder = _encoders.get(key)
    except TypeError:  # unhashable setting
        return None
    if encoder is None:
        encoder = _json.JSONEncoder(
            ensure_ascii=key[1],
            separators=(",", ":"),
            default=key[0],
            sort_keys=key[2],
        )
        if len(_encoders) >= _ENCODERS_SIZE:
            _encoders.clear()
        _encoders[key] = encoder
    return encoder


# PERF: a browser sends the same session cookie request after request, and a
# session saved with the same few values serializes to the same text; with
# the stock tags and the stock provider, the tagged JSON of a *flat* object
# (str keys; str, int, bool or None values, no float: -0.0 == 0.0) is a pure
# function of its items, so the text is remembered by them and the decoded
# object by the text (`session` benchmark and every real page with a
# session).  A decoded object is handed out as a new dict each time.
_FLAT_VALUE_TYPES = frozenset((str, int, bool, type(None)))
# A decoded float is as good as a new one: the memo is keyed by the text.
_FLAT_LOADED_TYPES = _FLAT_VALUE_TYPES | {float}
_STR_ONLY = frozenset((str,))
_FLAT_MEMO_SIZE = 256
_FLAT_MAX_CHARS = 4096
_flat_dumped: dict[tuple[t.Any, ...], str] = {}
_flat_loaded: dict[str, dict[str, t.Any]] = {}


def _flat_dumps(
    serializer: TaggedJSONSerializer, encoder: _json.JSONEncoder, value: dict[t.Any, t.Any]
) -> str:
    """``encoder.encode(serializer.tag(value))`` for a dict ``value`` and a
    serializer with the stock tags, remembered for flat dicts."""
    values = tuple(value.values())
    kinds = tuple(map(type, values))
    keys = tuple(value)
    if not (_FLAT_VALUE_TYPES.issuperset(kinds) and _STR_ONLY.issuperset(map(type, keys))):
        return encoder.encode(serializer.tag(value))
    key = (encoder, keys, values, kinds)
    text = _flat_dumped.get(key)
    if text is None:
        text = encoder.encode(serializer.tag(value))
        if len(text) <= _FLAT_MAX_CHARS:
            if len(_flat_dumped) >= _FLAT_MEMO_SIZE:
                _flat_dumped.clear()
            _flat_dumped[key] = text
    return text


def _remember_flat(text: str, obj: t.Any) -> t.Any:
    """Return ``obj`` (what ``text`` decodes to), remembering a copy when it
    is a flat dict."""
    if (
        type(obj) is dict
        and len(text) <= _FLAT_MAX_CHARS
        and _FLAT_LOADED_TYPES.issuperset(map(type, obj.values()))
    ):
        if len(_flat_loaded) >= _FLAT_MEMO_SIZE:
            _flat_loaded.clear()
        _flat_loaded[text] = dict(obj)
    return obj


_BUILTIN_TAGS = frozenset(TaggedJSONSerializer.default_tags)
_DEFAULT_ORDER: list[type[JSONTag]] = list(TaggedJSONSerializer.default_tags)
