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
import re
import threading
import typing as t
from collections.abc import MutableMapping
from datetime import datetime
from datetime import timezone

from itsdangerous import BadSignature as BadSignature
from itsdangerous import Serializer
from itsdangerous import URLSafeTimedSerializer as URLSafeTimedSerializer
from itsdangerous import base64_decode
from itsdangerous import want_bytes
from werkzeug.datastructures import CallbackDict as CallbackDict
from werkzeug.datastructures import EnvironHeaders
from werkzeug.datastructures import Headers
from werkzeug.http import dump_cookie
from werkzeug.http import http_date
from werkzeug.sansio.http import parse_cookie
from werkzeug.sansio.response import Response as _ResponseBase

from ._speedups import headers as _headers_kernel
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
    """Refuse to change the null session (no ``SECRET_KEY`` is set).

    :raises RuntimeError: always, with a message saying to set a secret key.
    """
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

    For example, a session kept in a server-side store, the cookie holding
    only its id (a sketch: ``store`` is any key-value client)::

        class StoreSession(dict, SessionMixin):
            pass

        class StoreSessionInterface(SessionInterface):
            def open_session(self, app, request):
                sid = request.cookies.get(self.get_cookie_name(app))
                data = store.get(sid) if sid else None
                session = StoreSession(data or {})
                session.sid = sid or secrets.token_urlsafe(32)
                return session

            def save_session(self, app, session, response):
                store.set(session.sid, dict(session))
                response.set_cookie(
                    self.get_cookie_name(app), session.sid,
                    httponly=True, secure=self.get_cookie_secure(app),
                    samesite=self.get_cookie_samesite(app),
                )

        app.session_interface = StoreSessionInterface()
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


# Bounds of the memos below: entries per memo, and the longest cookie (or
# serialized session) that is memoised at all.
_MEMO_SIZE = 256
_MEMO_MAX_CHARS = 4096
# Decompressed session data kept per verified cookie, at most.
_MEMO_MAX_SERIALIZED = 16384
_SETUPS_SIZE = 16


def _key_list(secret_key: str | bytes, fallbacks: t.Any) -> list[str | bytes]:
    """The serializer's keys as Flask lists them: ``SECRET_KEY_FALLBACKS``
    (any iterable), then the secret key, which itsdangerous signs with."""
    keys: list[str | bytes] = []
    if fallbacks:
        keys.extend(fallbacks)
    keys.append(secret_key)
    return keys


def _make_serializer(
    keys: list[str | bytes],
    salt: t.Any,
    key_derivation: t.Any,
    digest_method: t.Any,
    serializer: t.Any,
) -> URLSafeTimedSerializer:
    """The session serializer exactly as Flask builds it."""
    return URLSafeTimedSerializer(
        keys,  # type: ignore[arg-type]
        salt=salt,
        serializer=serializer,
        signer_kwargs={"key_derivation": key_derivation, "digest_method": digest_method},
    )


class _Verbatim:
    """Payload "serializer" whose output is its input, for signing data the
    session serializer has already serialized (and reading it back).

    ``is_text_serializer`` probes ``dumps({})``; the answer mirrors the
    session serializer's, so tokens are text exactly when Flask's are.
    """

    def __init__(self, text: bool) -> None:
        self._empty: str | bytes = "" if text else b""

    def dumps(self, obj: t.Any) -> t.Any:
        return obj if type(obj) is str or type(obj) is bytes else self._empty

    def loads(self, data: t.Any) -> t.Any:
        return data


class _SigningSetup:
    """One signing configuration (secret keys, salt, key derivation, digest
    method, payload serializer) and the public itsdangerous objects built
    for it.
    """

    __slots__ = ("serializer", "verbatim", "signer", "sep")

    def __init__(
        self,
        keys: list[str | bytes],
        salt: t.Any,
        key_derivation: t.Any,
        digest_method: t.Any,
        serializer: t.Any,
    ) -> None:
        #: What ``get_signing_serializer`` returns for this configuration.
        self.serializer = _make_serializer(keys, salt, key_derivation, digest_method, serializer)
        #: The same settings around :class:`_Verbatim`: its ``dumps`` of
        #: ``serializer.serializer.dumps(obj)`` is ``serializer.dumps(obj)``,
        #: and its ``load_payload`` gives what the serializer's
        #: ``load_payload`` hands to the session serializer.
        self.verbatim = _make_serializer(
            keys,
            salt,
            key_derivation,
            digest_method,
            _Verbatim(self.serializer.is_text_serializer),
        )
        #: A signer of this configuration, asked for the current time
        #: exactly as the serializer's signers are.
        self.signer: t.Any = self.serializer.make_signer()
        self.sep: bytes = self.signer.sep


class _SigningMemo:
    """Memos in front of the session serializer; every answer is the one
    ``URLSafeTimedSerializer.loads`` / ``dumps`` would give.

    PERF: verifying a cookie (base64, two HMACs, the timestamp) and signing
    one (zlib, base64, two HMACs) were most of the `session` benchmark, and
    a browser sends the same cookie, and a session saved without changes
    signs the same data, request after request.

    * Verified cookies: a cookie the serializer accepted is remembered with
      its signing time and decoded payload, keyed by the whole cookie and
      the whole signing configuration.  The signature check is a pure
      function of those, so a hit skips only it: the age is checked again
      against the serializer's clock on every hit, and anything but
      ``0 <= age <= max_age`` goes to the serializer, which raises as it
      always does.  The session serializer's ``loads`` runs on every hit,
      so every request gets new objects.  Rejections are never stored.
    * Signatures: a token is a pure function of the serialized data, the
      second it was signed in and the configuration; tokens are remembered
      under exactly those, and only looked up for the current second.
    """

    def __init__(self) -> None:
        # (secret key, fallbacks, salt, key derivation, digest, serializer)
        self.setups: dict[tuple[t.Any, ...], _SigningSetup] = {}
        # The most recent of those, with its setup.
        self.last: tuple[t.Any, ...] | None = None
        # (setup, cookie) -> (signing time, serialized data)
        self.verified: dict[tuple[_SigningSetup, str], tuple[int, bytes]] = {}
        # (setup, serialized data, signing time) -> token
        self.signed: dict[tuple[_SigningSetup, t.Any, int], t.Any] = {}
        # Readers only ``get``; writers evict and insert under the lock.
        self.lock = threading.Lock()

    def setup(
        self,
        secret_key: t.Any,
        fallbacks: t.Any,
        salt: t.Any,
        key_derivation: t.Any,
        digest_method: t.Any,
        serializer: t.Any,
    ) -> _SigningSetup | None:
        """The setup for these settings (built on first use), or ``None``
        if they cannot be dictionary keys."""
        fallback_keys = tuple(fallbacks) if fallbacks else ()
        last = self.last
        # PERF: open and save ask for the setup on every session request;
        # the same objects as last time skip hashing the key (`session`
        # benchmark).
        if (
            last is not None
            and last[0] is secret_key
            and last[2] is salt
            and last[3] is key_derivation
            and last[4] is digest_method
            and last[5] is serializer
            and last[1] == fallback_keys
        ):
            return last[6]  # type: ignore[no-any-return]
        key = (secret_key, fallback_keys, salt, key_derivation, digest_method, serializer)
        try:
            setup = self.setups.get(key)
        except TypeError:
            return None
        if setup is None:
            keys = _key_list(secret_key, fallback_keys)
            setup = _SigningSetup(keys, salt, key_derivation, digest_method, serializer)
            with self.lock:
                if len(self.setups) >= _SETUPS_SIZE:
                    self.setups.clear()
                self.setups[key] = setup
        self.last = (*key, setup)
        return setup

    def _store(self, memo: dict[t.Any, t.Any], key: t.Any, value: t.Any) -> None:
        with self.lock:
            while len(memo) >= _MEMO_SIZE:
                del memo[next(iter(memo))]  # the oldest entry
            memo[key] = value

    def loads(self, setup: _SigningSetup, cookie: t.Any, max_age: int) -> t.Any:
        """``setup.serializer.loads(cookie, max_age=max_age)``."""
        if type(cookie) is not str or len(cookie) > _MEMO_MAX_CHARS:
            return setup.serializer.loads(cookie, max_age=max_age)
        key = (setup, cookie)
        entry = self.verified.get(key)
        if entry is not None:
            signed_at, serialized = entry
            age = setup.signer.get_timestamp() - signed_at
            if 0 <= age <= max_age:
                # What the URL-safe load_payload does after decoding:
                # the session serializer's loads, errors as BadPayload.
                return Serializer.load_payload(setup.serializer, serialized)
        data, signed = setup.serializer.loads(cookie, max_age=max_age, return_timestamp=True)
        # Accepted: the cookie is "payload.timestamp.signature".
        payload = want_bytes(cookie).rsplit(setup.sep, 2)[0]
        serialized = want_bytes(setup.verbatim.load_payload(payload))
        if len(serialized) <= _MEMO_MAX_SERIALIZED:
            self._store(self.verified, key, (int(signed.timestamp()), serialized))
        return data

    def dumps(self, setup: _SigningSetup, obj: t.Any) -> t.Any:
        """``setup.serializer.dumps(obj)``."""
        serializer = setup.serializer
        # What the serializer's dump_payload serializes before encoding.
        data: t.Any = serializer.serializer.dumps(obj, **serializer.serializer_kwargs)
        if not (type(data) is str or type(data) is bytes):
            return serializer.dumps(obj)
        if len(data) > _MEMO_MAX_CHARS:
            return setup.verbatim.dumps(data)
        now = setup.signer.get_timestamp()
        key = (setup, data, now)
        token = self.signed.get(key)
        if token is None:
            token = setup.verbatim.dumps(data)
            # Kept only under the second it was actually signed in.
            stamp = want_bytes(token).rsplit(setup.sep, 2)[1]
            if int.from_bytes(base64_decode(stamp), "big") == now:
                self._store(self.signed, key, token)
        return token


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
_parsed_cookies: dict[str, tuple[tuple[str, str], ...]] = {}
_PARSED_COOKIES_SIZE = 256
_stock_cookie_attrs: tuple[t.Any, t.Any] | None = None


def _has_stock_cookies(cls: type) -> bool:
    """Whether ``cls`` reads ``cookies`` and ``headers`` as flaskfast's
    Request does; asked on every request, so a class patched later counts."""
    global _stock_cookie_attrs
    stock = _stock_cookie_attrs
    if stock is None:
        from .wrappers import Request as _StockRequest

        stock = _stock_cookie_attrs = (_StockRequest.cookies, _StockRequest.headers)
    return (
        getattr(cls, "cookies", None) is stock[0]
        and getattr(cls, "headers", None) is stock[1]
    )


def _request_cookies(request: Request) -> t.Any:
    """``request.cookies``, computed the cheap way when that is the same."""
    found = request.__dict__
    cookies = found.get("cookies")
    if cookies is not None:
        return cookies
    stock = _has_stock_cookies(type(request))
    environ = request.environ
    headers = found.get("headers")
    if not stock or not (
        headers is None
        or (type(headers) is EnvironHeaders and headers.environ is environ)
    ):
        return request.cookies
    header = ";".join(_headers_kernel.environ_header_values(environ, "cookie"))
    if not header or len(header) > _MEMO_MAX_CHARS:
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

    # The memos in front of the serializer; set by :meth:`_signing_setup`.
    _ff_memo: _SigningMemo

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """Return the signing serializer, or ``None`` when the app has no
        secret key (which makes the request use a null session).

        A new plain ``URLSafeTimedSerializer`` for every call, as Flask
        builds it: ``SECRET_KEY_FALLBACKS`` then the secret key, so the
        secret key signs and every key verifies.
        """
        secret_key = app.secret_key
        if not secret_key:
            return None
        return _make_serializer(
            _key_list(secret_key, app.config["SECRET_KEY_FALLBACKS"]),
            self.salt,
            self.key_derivation,
            self.digest_method,
            self.serializer,
        )

    def _signing_setup(self, app: Flask) -> _SigningSetup | None:
        """The memoised signing setup for the app's current settings, or
        ``None`` when the memos must stay out of the way: no secret key,
        ``get_signing_serializer`` overridden, or settings that cannot be
        dictionary keys.
        """
        method = self.get_signing_serializer
        if getattr(method, "__func__", None) is not _stock_get_signing_serializer:
            return None
        secret_key = app.secret_key
        if not secret_key:
            return None
        memo: _SigningMemo | None = self.__dict__.get("_ff_memo")
        if memo is None:
            memo = self.__dict__.setdefault("_ff_memo", _SigningMemo())
        return memo.setup(
            secret_key,
            app.config["SECRET_KEY_FALLBACKS"],
            self.salt,
            self.key_derivation,
            self.digest_method,
            self.serializer,
        )

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """Load the session from the request's session cookie.

        Returns ``None`` when the app has no ``SECRET_KEY`` (the app then
        uses a :class:`NullSession`), a new empty session when there is no
        cookie or its signature does not verify with ``SECRET_KEY`` or one of
        ``SECRET_KEY_FALLBACKS`` or is older than
        ``PERMANENT_SESSION_LIFETIME``, and otherwise the session holding the
        cookie's data.
        """
        setup = self._signing_setup(app)
        serializer = None
        if setup is None:
            serializer = self.get_signing_serializer(app)
            if serializer is None:
                return None
        value = _request_cookies(request).get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        try:
            if setup is not None:
                data = self._ff_memo.loads(setup, value, max_age)
            else:
                data = serializer.loads(value, max_age=max_age)  # type: ignore[union-attr]
        except BadSignature:
            # Tampered, expired or signed with a retired key: start afresh.
            return self.session_class()
        return self.session_class(data)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        """Write the session to ``response`` as a signed cookie.

        Adds ``Vary: Cookie`` when the session was read. An emptied session
        that was modified deletes the cookie; otherwise the cookie is set
        when :meth:`should_set_cookie` says so, with the name, domain, path,
        flags and expiry the ``get_cookie_*`` methods return.
        """
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

        name = self.get_cookie_name(app)
        expires = self.get_expiration_time(app, session)
        setup = self._signing_setup(app)
        if setup is not None:
            value = self._ff_memo.dumps(setup, dict(session))
        else:
            # As in Flask: with the secret key removed since the session
            # was opened there is no serializer, and this raises
            # AttributeError.
            signing = self.get_signing_serializer(app)
            value = signing.dumps(dict(session))  # type: ignore[union-attr]
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


# What ``get_signing_serializer`` is when not overridden (the memos are
# only used then).
_stock_get_signing_serializer = SecureCookieSessionInterface.get_signing_serializer
