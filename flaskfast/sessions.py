"""Session objects and the interfaces that load and store them.

The default backend keeps the whole session in a signed cookie.  The cookie
format (itsdangerous ``URLSafeTimedSerializer``, salt ``"cookie-session"``,
HMAC-SHA1 key derivation, tagged JSON payload) is byte-compatible with Flask,
so an application can switch between Flask and flaskfast without logging
its users out.
"""

from __future__ import annotations

import collections.abc as c
import hashlib
import hmac
import re
import threading
import zlib
import typing as t
from collections.abc import MutableMapping
from datetime import datetime
from datetime import timezone

from itsdangerous import BadSignature as BadSignature
from itsdangerous import Signer
from itsdangerous import SignatureExpired
from itsdangerous import TimestampSigner
from itsdangerous import URLSafeTimedSerializer as URLSafeTimedSerializer
from itsdangerous import want_bytes
from itsdangerous.encoding import base64_decode
from itsdangerous.encoding import base64_encode
from itsdangerous.encoding import bytes_to_int
from itsdangerous.encoding import int_to_bytes
from itsdangerous.signer import HMACAlgorithm
from itsdangerous.signer import _lazy_sha1 as _itsdangerous_sha1
from itsdangerous.serializer import Serializer
from itsdangerous.url_safe import URLSafeSerializerMixin
from werkzeug.datastructures import CallbackDict as CallbackDict
from werkzeug.datastructures import EnvironHeaders
from werkzeug.datastructures import Headers
from werkzeug.http import dump_cookie
from werkzeug.http import http_date
from werkzeug.sansio.http import parse_cookie
from werkzeug.sansio.response import Response as _ResponseBase

from .json.tag import TaggedJSONSerializer as TaggedJSONSerializer

if t.TYPE_CHECKING:  # pragma: no cover
    import typing_extensions as te

    from .app import Flask
    from .wrappers import Request
    from .wrappers import Response


class SessionMixin(MutableMapping[str, t.Any]):
    """Attributes every session object offers on top of the mapping API."""

    @property
    def permanent(self) -> bool:
        """Whether the session outlives the browser session.

        Stored in the session itself under the ``"_permanent"`` key.
        """
        return self.get("_permanent", False)  # type: ignore[no-any-return]

    @permanent.setter
    def permanent(self, value: bool) -> None:
        self["_permanent"] = bool(value)

    #: True when the backend created this session because the client sent
    #: none.  Backends that can tell set it; the cookie backend does not.
    new = False

    #: True when the data changed and must be written back.  Backends that
    #: cannot track writes leave it True so the session is always saved.
    modified = True

    #: True when the request read or wrote the session; the response then
    #: varies on the ``Cookie`` header.
    accessed = False


class SecureCookieSession(CallbackDict[str, t.Any], SessionMixin):
    """The dict-backed session used by the signed-cookie backend.

    Any write (item assignment, ``pop``, ``update``, ...) sets
    :attr:`modified`.  Reads are tracked by the request context, which sets
    :attr:`accessed` when the view touches ``session``.
    """

    #: Starts False; any mutation flips it to True.
    modified = False

    def __init__(
        self,
        initial: c.Mapping[str, t.Any] | None = None,
    ) -> None:
        def on_update(self: te.Self) -> None:
            self.modified = True

        super().__init__(initial, on_update)


_NO_SECRET_MESSAGE = (
    "The session is unavailable because no secret key was set. Give the"
    " application a secret_key (for example app.secret_key or the SECRET_KEY"
    " config value) that is unique and kept private."
)


def _refuse_write(self: t.Any, *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
    raise RuntimeError(_NO_SECRET_MESSAGE)


class NullSession(SecureCookieSession):
    """Stand-in session used when no real session could be opened.

    Reading works and always sees an empty mapping; every write raises a
    :class:`RuntimeError` explaining that a secret key is needed.
    """

    __setitem__ = _refuse_write
    __delitem__ = _refuse_write
    clear = _refuse_write
    pop = _refuse_write
    popitem = _refuse_write
    update = _refuse_write
    setdefault = _refuse_write


class SessionInterface:
    """Base class for session backends.

    Assign an instance to :attr:`Flask.session_interface`.  Subclasses must
    implement :meth:`open_session` and :meth:`save_session`; the remaining
    methods read the ``SESSION_COOKIE_*`` configuration and can be overridden
    one by one.

    The interface object is shared by all requests (and threads), so keep
    per-request state on the session object, not on ``self``.
    """

    #: Class returned by :meth:`make_null_session`.
    null_session_class: type[SessionMixin] = NullSession

    #: Set by pickle-based backends; kept for extensions that inspect it.
    pickle_based = False

    def make_null_session(self, app: Flask) -> NullSession:
        """Return the read-only empty session used when
        :meth:`open_session` returns ``None``.
        """
        return self.null_session_class()  # type: ignore[return-value]

    def is_null_session(self, obj: object) -> bool:
        """Tell whether ``obj`` is a null session from this interface."""
        return isinstance(obj, self.null_session_class)

    def get_cookie_name(self, app: Flask) -> str:
        """Cookie name; ``SESSION_COOKIE_NAME``."""
        return app.config["SESSION_COOKIE_NAME"]  # type: ignore[no-any-return]

    def get_cookie_domain(self, app: Flask) -> str | None:
        """Cookie ``Domain``; ``SESSION_COOKIE_DOMAIN`` or ``None``."""
        return app.config["SESSION_COOKIE_DOMAIN"] or None

    def get_cookie_path(self, app: Flask) -> str:
        """Cookie ``Path``; ``SESSION_COOKIE_PATH``, else ``APPLICATION_ROOT``."""
        return app.config["SESSION_COOKIE_PATH"] or app.config["APPLICATION_ROOT"]  # type: ignore[no-any-return]

    def get_cookie_httponly(self, app: Flask) -> bool:
        """``HttpOnly`` flag; ``SESSION_COOKIE_HTTPONLY``."""
        return app.config["SESSION_COOKIE_HTTPONLY"]  # type: ignore[no-any-return]

    def get_cookie_secure(self, app: Flask) -> bool:
        """``Secure`` flag; ``SESSION_COOKIE_SECURE``."""
        return app.config["SESSION_COOKIE_SECURE"]  # type: ignore[no-any-return]

    def get_cookie_samesite(self, app: Flask) -> str | None:
        """``SameSite`` value; ``SESSION_COOKIE_SAMESITE``."""
        return app.config["SESSION_COOKIE_SAMESITE"]  # type: ignore[no-any-return]

    def get_cookie_partitioned(self, app: Flask) -> bool:
        """``Partitioned`` flag; ``SESSION_COOKIE_PARTITIONED``."""
        return app.config["SESSION_COOKIE_PARTITIONED"]  # type: ignore[no-any-return]

    def get_expiration_time(self, app: Flask, session: SessionMixin) -> datetime | None:
        """Absolute expiry for a permanent session (now plus
        ``PERMANENT_SESSION_LIFETIME``); ``None`` for a browser-session cookie.
        """
        if session.permanent:
            return datetime.now(timezone.utc) + app.permanent_session_lifetime
        return None

    def should_set_cookie(self, app: Flask, session: SessionMixin) -> bool:
        """Whether :meth:`save_session` should send a ``Set-Cookie``.

        True if the session was modified, or if it is permanent and
        ``SESSION_REFRESH_EACH_REQUEST`` asks for the expiry to be renewed.
        """
        return session.modified or (
            session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]
        )

    def open_session(self, app: Flask, request: Request) -> SessionMixin | None:
        """Load the session for ``request``.

        Return a session object, or ``None`` when no session can be provided
        (a :meth:`make_null_session` result is then used instead).  Called
        when the request context needs the session, after URL matching
        helpers such as ``request_ctx.match_request()`` are available.
        """
        raise NotImplementedError()

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        """Persist ``session`` on ``response`` at the end of the request.

        Not called for null sessions.
        """
        raise NotImplementedError()


#: Serializer the cookie backend uses for the payload (tagged JSON, so
#: tuples, bytes, Markup, UUIDs and datetimes survive the round trip).
session_json_serializer = TaggedJSONSerializer()


def _lazy_sha1(string: bytes = b"") -> t.Any:
    """SHA-1 constructor looked up at call time, so the module imports on
    interpreters built without it (FIPS); only using the default backend
    fails there.
    """
    return hashlib.sha1(string)


# PERF: building a URLSafeTimedSerializer (and its signer objects) on every
# request showed up in the session round-trip benchmark
# (bench/, "session read/write").  One serializer per distinct signing
# setup is kept; real applications have one or two secret-key sets.
_SERIALIZER_CACHE_SIZE = 16
_cache_lock = threading.Lock()

# Digest methods that mean plain SHA-1 (ours, itsdangerous' and hashlib's).
_SHA1_METHODS: tuple[t.Any, ...] = (_lazy_sha1, _itsdangerous_sha1, hashlib.sha1)


class _SHA1HMAC(HMACAlgorithm):
    """HMAC-SHA1 for itsdangerous signers, from a keyed prototype.

    Returns the same bytes as ``hmac.new(key, msg, sha1).digest()``;
    comparison stays itsdangerous' ``hmac.compare_digest`` in
    :meth:`verify_signature`.
    """

    def __init__(self, digest_method: t.Any = None) -> None:
        super().__init__(digest_method)
        self._ff_keyed: dict[bytes, hmac.HMAC] = {}

    def get_signature(self, key: bytes, value: bytes) -> bytes:
        # PERF: itsdangerous passes a Python-level SHA-1 constructor, which
        # sends hmac.new down its pure-Python path (two hmac setups were
        # ~10% of the `session` benchmark).  An OpenSSL HMAC keyed once per
        # derived key is copied instead (timeit: 1.5us -> 1.0us vs
        # ``hmac.digest``); copies share no state with the prototype.
        keyed = self._ff_keyed.get(key)
        if keyed is None:
            keyed = hmac.new(key, digestmod="sha1")
            if len(self._ff_keyed) >= _DERIVED_KEYS_SIZE:
                self._ff_keyed.clear()
            self._ff_keyed[key] = keyed
        mac = keyed.copy()
        mac.update(value)
        return mac.digest()


class _SessionSigner(TimestampSigner):
    """``TimestampSigner`` that remembers its derived keys; signatures are
    byte-for-byte those of the plain signer.
    """

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self._ff_derived: dict[t.Any, bytes] = {}
        self._ff_signed: dict[tuple[t.Any, int], bytes] = {}

    def derive_key(self, secret_key: str | bytes | None = None) -> bytes:
        # PERF: itsdangerous re-derives the signing key (an HMAC of the
        # salt) on every sign and verify; the result only depends on the
        # key and this signer's fixed settings (`session` benchmark).
        if secret_key is None:
            secret_key = self.secret_keys[-1]
        derived = self._ff_derived.get(secret_key)
        if derived is None:
            derived = super().derive_key(secret_key)
            if len(self._ff_derived) >= _DERIVED_KEYS_SIZE:
                self._ff_derived.clear()
            self._ff_derived[secret_key] = derived
        return derived

    def sign(self, value: str | bytes) -> bytes:
        """``TimestampSigner.sign``: ``value.timestamp.signature``."""
        # PERF: a session saved with unchanged data (or the same new data,
        # e.g. a counter going 1 -> 2 on every request with the same
        # cookie) within one second signs the same message again; the
        # token is a pure function of the message, the clock second and
        # this signer's fixed keys, so recent tokens are remembered
        # (`session` benchmark: HMAC + two base64 encodes skipped).
        now = self.get_timestamp()
        memo = self._ff_signed
        key = (value, now)
        try:
            token = memo.get(key)
        except TypeError:  # unhashable value: let itsdangerous complain
            return super().sign(value)
        if token is None:
            sep = want_bytes(self.sep)
            message = b"".join(
                (want_bytes(value), sep, base64_encode(int_to_bytes(now)))
            )
            token = message + sep + self.get_signature(message)
            if len(message) <= _VERIFIED_MAX_CHARS:
                if len(memo) >= _SIGNED_MEMO_SIZE:
                    memo.clear()
                memo[key] = token
        return token


_DERIVED_KEYS_SIZE = 16
_PAYLOAD_MEMO_SIZE = 128
_PAYLOAD_MEMO_MAX_BYTES = 2048
_SIGNED_MEMO_SIZE = 64
# Verified-cookie cache: entries kept per serializer, longest token cached.
_VERIFIED_SIZE = 256
_VERIFIED_MAX_CHARS = 4096
_verified_lock = threading.Lock()


def _payload_json(payload: bytes) -> bytes:
    """The serialized data inside a URL-safe payload (inverse of
    :meth:`_SessionSerializer.dump_payload`); only called on payloads that
    already loaded, so it cannot fail where itsdangerous would not.
    """
    if payload[:1] == b".":
        return zlib.decompress(base64_decode(payload[1:]))
    return base64_decode(payload)


class _SessionSerializer(URLSafeTimedSerializer):
    """The session cookie serializer: itsdangerous' ``URLSafeTimedSerializer``
    that builds each signer once and reuses it.  Tokens, accepted input and
    raised exceptions are exactly the base class's.
    """

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self._ff_signers: dict[t.Any, Signer] = {}
        self._ff_payloads: dict[bytes, bytes] = {}
        # token -> (signer, timestamp, signed payload, serialized data)
        self._ff_verified: dict[str | bytes, tuple[Signer, int, bytes, bytes]] = {}

    def make_signer(self, salt: str | bytes | None = None) -> Signer:
        # PERF: itsdangerous builds a new signer (key list, separator check,
        # algorithm object) for every dumps and loads (`session` benchmark);
        # its settings are fixed for this cached serializer, so build once
        # per salt.
        if salt is None:
            salt = self.salt
        try:
            return self._ff_signers[salt]
        except KeyError:
            pass
        signer = super().make_signer(salt)
        if len(self._ff_signers) < _DERIVED_KEYS_SIZE:
            self._ff_signers[salt] = signer
        return signer

    def dump_payload(self, obj: t.Any) -> bytes:
        """``URLSafeSerializerMixin.dump_payload``: the URL-safe base64 of the
        JSON, or a "." and the base64 of the zlib-compressed JSON when that
        is more than one byte shorter.
        """
        json = super(URLSafeSerializerMixin, self).dump_payload(obj)
        # PERF: zlib.compress sets up a fresh deflate state (~256 KiB) per
        # call and was the largest single C cost of saving a session
        # (`session` benchmark); the encoded payload is a pure function of
        # the JSON, and a user's session is often saved with unchanged data
        # (permanent sessions refresh each request), so recent ones are
        # remembered.
        payloads = self._ff_payloads
        payload = payloads.get(json)
        if payload is None:
            compressed = zlib.compress(json)
            if len(compressed) < len(json) - 1:
                payload = b"." + base64_encode(compressed)
            else:
                payload = base64_encode(json)
            if len(json) <= _PAYLOAD_MEMO_MAX_BYTES:
                if len(payloads) >= _PAYLOAD_MEMO_SIZE:
                    payloads.clear()
                payloads[json] = payload
        return payload

    def loads(  # type: ignore[override]
        self,
        s: str | bytes,
        max_age: int | None = None,
        return_timestamp: bool = False,
        salt: str | bytes | None = None,
    ) -> t.Any:
        """Verify and decode ``s`` like ``TimedSerializer.loads``."""
        if return_timestamp or max_age is None:
            return super().loads(s, max_age, return_timestamp, salt)
        # PERF: verifying a cookie (three base64 decodes, an HMAC, the
        # timestamp) was the largest cost of the `session` benchmark, and a
        # browser sends the same cookie on every request until the session
        # changes.  Tokens this serializer's first signer fully accepted are
        # remembered with their timestamp and data.  This is equivalent to
        # verifying again: the signature check is a pure function of the
        # token and the signer's keys, salt, key derivation and digest
        # (all fixed for this cached serializer, which exists once per
        # secret key / fallbacks / signing settings / payload serializer,
        # and the entry is pinned to the signer object).  What depends on
        # the moment is redone on every hit, in itsdangerous' order: the
        # max_age check (same exception and message), then loading the
        # data through the payload serializer, which builds new objects
        # each time.  Failures are never stored.  A hit needs the whole
        # token byte for byte (hash, then full compare), so it reveals
        # nothing about signatures the client does not already hold.
        signer = self.make_signer(salt)
        kind = type(s)
        if kind is str or kind is bytes:
            entry = self._ff_verified.get(s)
            if entry is not None and entry[0] is signer:
                _, signed_at, value, json = entry
                age = signer.get_timestamp() - signed_at  # type: ignore[attr-defined]
                if age > max_age:
                    raise SignatureExpired(
                        f"Signature age {age} > {max_age} seconds",
                        payload=value,
                        date_signed=signer.timestamp_to_datetime(signed_at),  # type: ignore[attr-defined]
                    )
                if age < 0:
                    raise SignatureExpired(
                        f"Signature age {age} < 0 seconds",
                        payload=value,
                        date_signed=signer.timestamp_to_datetime(signed_at),  # type: ignore[attr-defined]
                    )
                try:
                    return Serializer.load_payload(self, json)
                except BadSignature:
                    pass  # the full path below decides, exactly as without a cache
        # PERF: the base class always asks the signer for the signing time
        # as a datetime and then drops it when ``return_timestamp`` is
        # false; asking for the bytes only saves that conversion per request
        # (`session` benchmark).  With a ``max_age`` every accepted time
        # converts, so the outcome is the same.  Same signers, same order,
        # same errors: an expired signature stops the search, other
        # failures try the next.
        data = want_bytes(s)
        error: BadSignature | None = None
        for unsigner in self.iter_unsigners(salt):
            try:
                value = unsigner.unsign(data, max_age=max_age)
                obj = self.load_payload(value)
            except SignatureExpired:
                raise
            except BadSignature as e:
                error = e
                continue
            if unsigner is signer and (kind is str or kind is bytes):
                self._remember(s, signer, data, value)
            return obj
        raise t.cast(BadSignature, error)

    def _remember(self, token: str | bytes, signer: Signer, data: bytes, value: bytes) -> None:
        """Store a token ``signer`` just accepted (see :meth:`loads`)."""
        if len(token) > _VERIFIED_MAX_CHARS:
            return
        try:
            sep = want_bytes(signer.sep)
            message = data.rsplit(sep, 1)[0]
            head, stamp = message.rsplit(sep, 1)
            if head != value:
                return
            entry = (signer, bytes_to_int(base64_decode(stamp)), value, _payload_json(value))
        except Exception:  # pragma: no cover - accepted tokens always split
            return
        verified = self._ff_verified
        # Readers only ``get``; writers evict and insert under the lock, so
        # iteration never races another write.
        with _verified_lock:
            while len(verified) >= _VERIFIED_SIZE:
                del verified[next(iter(verified))]
            verified[token] = entry


_WZ_VARY = _ResponseBase.vary
_WZ_SET_COOKIE = _ResponseBase.set_cookie


def _vary_cookie(response: Response) -> None:
    """``response.vary.add("Cookie")`` for werkzeug's ``vary`` property."""
    headers = response.headers
    if type(headers) is Headers:
        # PERF: ``"Vary" in headers`` raises and catches a KeyError when
        # absent, the common case; iterating the pairs does not.
        present = any(k.lower() == "vary" for k, _ in headers)
    else:
        present = "Vary" in headers
    if present:
        response.vary.add("Cookie")
    else:
        # What the HeaderSet's update callback writes for {"Cookie"}.
        headers["Vary"] = "Cookie"


# Characters werkzeug's dump_cookie never quotes (a subset of its set); the
# session serializer only emits these (URL-safe base64 and ".").
_plain_cookie_value = re.compile(r"[\w.\-]*", re.ASCII).fullmatch

# PERF: werkzeug's dump_cookie quotes the path, IDNA-encodes the domain and
# validates SameSite on every call, although for one session configuration
# only the value and the expiry change (`session` benchmark).  The fixed
# parts are taken from dump_cookie itself, once per configuration.
_cookie_templates: dict[t.Any, tuple[str, str, str] | None] = {}
_COOKIE_TEMPLATES_SIZE = 32


def _cookie_template(
    name: str,
    path: str | None,
    domain: str | None,
    secure: bool,
    httponly: bool,
    samesite: str | None,
    partitioned: bool,
) -> tuple[str, str, str] | None:
    """``(head, domain_part, tail)`` such that dump_cookie's output for a
    plain value is ``head + value + domain_part [+ "; Expires=..."] + tail``,
    or ``None`` if its output does not have that shape.
    """
    head = dump_cookie(name, "", path=None, max_size=0)
    with_domain = dump_cookie(name, "", path=None, domain=domain, max_size=0)
    full = dump_cookie(
        name,
        "",
        path=path,
        domain=domain,
        secure=secure,
        httponly=httponly,
        samesite=samesite,
        partitioned=partitioned,
        max_size=0,
    )
    if not (
        head == f"{name.encode().decode('latin1')}="
        and with_domain.startswith(head)
        and full.startswith(with_domain)
    ):
        return None
    return head, with_domain[len(head) :], full[len(with_domain) :]


def _cookie_header(
    name: str,
    value: str,
    expires: datetime | str | int | float | None,
    path: str | None,
    domain: str | None,
    secure: bool,
    httponly: bool,
    samesite: str | None,
    partitioned: bool,
) -> str | None:
    """The ``Set-Cookie`` value werkzeug's ``dump_cookie`` builds for these
    arguments (no ``max_age``, no size check), or ``None`` when the value
    needs quoting or the settings cannot be cached.
    """
    if type(value) is not str or not _plain_cookie_value(value):
        return None
    key = (name, path, domain, secure, httponly, samesite, partitioned)
    try:
        template = _cookie_templates[key]
    except KeyError:
        template = _cookie_template(*key)
        if len(_cookie_templates) >= _COOKIE_TEMPLATES_SIZE:
            _cookie_templates.clear()
        _cookie_templates[key] = template
    except TypeError:  # unhashable settings
        return None
    if template is None:
        return None
    head, domain_part, tail = template
    if expires is None:
        return f"{head}{value}{domain_part}{tail}"
    if not isinstance(expires, str):
        expires = http_date(expires)
    return f"{head}{value}{domain_part}; Expires={expires}{tail}"


# PERF: werkzeug's Request.cookies joins every ``Cookie`` header found by
# walking the whole environ through the EnvironHeaders view (title-casing
# each key); for a request class with the stock ``cookies`` and ``headers``
# the same keys are picked straight from the environ (`session` benchmark).
_stock_cookie_classes: dict[type, bool] = {}
_parsed_cookies: dict[str, tuple[tuple[str, str], ...]] = {}
_PARSED_COOKIES_SIZE = 256


def _has_stock_cookies(cls: type) -> bool:
    from .wrappers import Request as _StockRequest

    def static(klass: type, attr: str) -> t.Any:
        for base in klass.__mro__:
            if attr in base.__dict__:
                return base.__dict__[attr]
        return None

    return all(
        static(cls, attr) is static(_StockRequest, attr)
        for attr in ("cookies", "headers")
    )


def _request_cookies(request: Request) -> t.Any:
    """``request.cookies``, computed the cheap way when that is the same."""
    found = request.__dict__
    cookies = found.get("cookies")
    if cookies is not None:
        return cookies
    cls = type(request)
    stock = _stock_cookie_classes.get(cls)
    if stock is None:
        stock = _stock_cookie_classes[cls] = _has_stock_cookies(cls)
    environ = request.environ
    headers = found.get("headers")
    if not stock or not (
        headers is None
        or (type(headers) is EnvironHeaders and headers.environ is environ)
    ):
        return request.cookies
    # EnvironHeaders lists the key HTTP_<X> as header <X>; a header named
    # "Cookie" in any letter case is therefore an 11-character key whose
    # tail folds to "cookie".
    values = [
        v
        for k, v in environ.items()
        if len(k) == 11 and k[5:].lower() == "cookie" and k.startswith("HTTP_")
    ]
    header = ";".join(values)
    if not header or len(header) > _VERIFIED_MAX_CHARS:
        cookies = parse_cookie(header, cls=request.dict_storage_class)
    else:
        # PERF: parse_cookie is a pure function of the header text and a
        # client repeats the same Cookie header request after request; the
        # parsed pairs are remembered and a new mapping of the request's
        # class is built from them each time (`session` benchmark, ~1.2us).
        pairs = _parsed_cookies.get(header)
        if pairs is None:
            pairs = tuple(parse_cookie(header, cls=list))  # type: ignore[arg-type]
            if len(_parsed_cookies) >= _PARSED_COOKIES_SIZE:
                _parsed_cookies.clear()
            _parsed_cookies[header] = pairs
        cookies = request.dict_storage_class(list(pairs))
    found["cookies"] = cookies
    return cookies


class SecureCookieSessionInterface(SessionInterface):
    """Stores the session in a cookie signed with the app's secret key.

    ``SECRET_KEY_FALLBACKS`` lists older keys still accepted when reading,
    which lets keys be rotated without dropping sessions.
    """

    #: Salt mixed into the signing key derivation.
    salt = "cookie-session"
    #: Hash used for signing.
    digest_method = staticmethod(_lazy_sha1)
    #: itsdangerous key derivation scheme.
    key_derivation = "hmac"
    #: Serializer for the payload.
    serializer = session_json_serializer
    #: Session class returned by :meth:`open_session`.
    session_class = SecureCookieSession

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """Return the signing serializer, or ``None`` when the app has no
        secret key (which makes the request use a null session).

        The serializer is built once per combination of secret key,
        fallbacks and signing settings and reused afterwards.
        """
        secret_key = app.secret_key
        if not secret_key:
            return None
        fallbacks = app.config.get("SECRET_KEY_FALLBACKS") or ()
        # PERF: called twice per session request (open and save); the last
        # serializer is checked by identity before building the cache key
        # tuple and hashing it (`session` benchmark).
        last = self.__dict__.get("_ff_last")
        if (
            last is not None
            and last[0] is secret_key
            and last[2] is self.salt
            and last[3] is self.key_derivation
            and last[4] is self.digest_method
            and last[5] is self.serializer
            and last[1] == tuple(fallbacks)
        ):
            return last[6]  # type: ignore[no-any-return]
        try:
            cache_key: t.Any = (
                secret_key,
                tuple(fallbacks),
                self.salt,
                self.key_derivation,
                self.digest_method,
                self.serializer,
            )
            cache = self.__dict__.get("_ff_serializers")
            if cache is None:
                cache = self.__dict__.setdefault("_ff_serializers", {})
            cached = cache.get(cache_key)
        except TypeError:  # unhashable key material: build every time
            cache_key = cache = cached = None
        if cached is not None:
            self._ff_last = (*cache_key, cached)
            return cached  # type: ignore[no-any-return]

        # itsdangerous signs with the last key and accepts all of them.
        keys: list[str | bytes] = [*fallbacks, secret_key]
        signer_kwargs: dict[str, t.Any] = {
            "key_derivation": self.key_derivation,
            "digest_method": self.digest_method,
        }
        if any(self.digest_method is m for m in _SHA1_METHODS):
            signer_kwargs["algorithm"] = _SHA1HMAC(self.digest_method)
        serializer = _SessionSerializer(
            keys,
            salt=self.salt,
            serializer=self.serializer,
            signer=_SessionSigner,
            signer_kwargs=signer_kwargs,
        )
        if cache is not None:
            with _cache_lock:
                if len(cache) >= _SERIALIZER_CACHE_SIZE:
                    cache.clear()
                cache[cache_key] = serializer
            self._ff_last = (*cache_key, serializer)
        return serializer

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = _request_cookies(request).get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        try:
            data = serializer.loads(value, max_age=max_age)
        except BadSignature:
            # Tampered, expired or signed with a retired key: start afresh.
            return self.session_class()
        return self.session_class(data)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        # PERF: with werkzeug's own ``vary`` property, "Vary: Cookie" on a
        # response without a Vary header is set directly, and the second
        # add below (a no-op once Cookie is listed) is skipped; both went
        # through a parsed HeaderSet (`session` benchmark).
        stock_vary = type(response).vary is _WZ_VARY
        varied = False
        if session.accessed:
            if stock_vary:
                _vary_cookie(response)
                varied = True
            else:
                response.vary.add("Cookie")

        if not session:
            # An emptied session deletes the cookie; an untouched empty one
            # needs no header at all.
            if session.modified:
                response.delete_cookie(
                    self.get_cookie_name(app),
                    domain=self.get_cookie_domain(app),
                    path=self.get_cookie_path(app),
                    secure=self.get_cookie_secure(app),
                    partitioned=self.get_cookie_partitioned(app),
                    samesite=self.get_cookie_samesite(app),
                    httponly=self.get_cookie_httponly(app),
                )
                response.vary.add("Cookie")
            return

        # PERF: decide first, then gather the cookie attributes, so requests
        # that leave the session alone skip six config lookups.
        if not self.should_set_cookie(app, session):
            return

        serializer = self.get_signing_serializer(app)
        if serializer is None:  # secret key removed mid-request
            return
        name = self.get_cookie_name(app)
        value = serializer.dumps(dict(session))
        expires = self.get_expiration_time(app, session)
        httponly = self.get_cookie_httponly(app)
        domain = self.get_cookie_domain(app)
        path = self.get_cookie_path(app)
        secure = self.get_cookie_secure(app)
        partitioned = self.get_cookie_partitioned(app)
        samesite = self.get_cookie_samesite(app)
        header = None
        stock_set_cookie = type(response).set_cookie is _WZ_SET_COOKIE
        if stock_set_cookie:
            header = _cookie_header(
                name, value, expires, path, domain, secure, httponly, samesite, partitioned
            )
        if header is not None and not (
            (max_size := response.max_cookie_size) and len(header) > max_size
        ):
            # What werkzeug's set_cookie adds for these arguments.
            response.headers.add("Set-Cookie", header)
        else:
            response.set_cookie(
                name,
                value,
                expires=expires,
                httponly=httponly,
                domain=domain,
                path=path,
                secure=secure,
                partitioned=partitioned,
                samesite=samesite,
            )
        if not (varied and stock_set_cookie):
            if stock_vary:
                _vary_cookie(response)
            else:
                response.vary.add("Cookie")

