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
import threading
import typing as t
from collections.abc import MutableMapping
from datetime import datetime
from datetime import timezone

from itsdangerous import BadSignature as BadSignature
from itsdangerous import TimestampSigner
from itsdangerous import URLSafeTimedSerializer as URLSafeTimedSerializer
from werkzeug.datastructures import CallbackDict as CallbackDict

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

# PERF: itsdangerous re-derives the HMAC signing key from (secret key, salt)
# on every sign and verify, two HMAC computations per session round trip
# (~15% of save+open in the session benchmark).  The derived key is a pure
# function of its inputs, so it is remembered.
_derived_keys: dict[t.Any, bytes] = {}
_DERIVED_KEYS_SIZE = 64


class _KeyCachingSigner(TimestampSigner):
    """``TimestampSigner`` whose derived keys are memoised; signatures are
    byte-for-byte those of the plain signer.
    """

    def derive_key(self, secret_key: str | bytes | None = None) -> bytes:
        if secret_key is None:
            secret_key = self.secret_keys[-1]
        cache_key = (secret_key, self.salt, self.key_derivation, self.digest_method)
        try:
            return _derived_keys[cache_key]
        except KeyError:
            pass
        except TypeError:  # unhashable digest method
            return super().derive_key(secret_key)
        key = super().derive_key(secret_key)
        if len(_derived_keys) >= _DERIVED_KEYS_SIZE:
            _derived_keys.clear()
        _derived_keys[cache_key] = key
        return key


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
            return cached  # type: ignore[no-any-return]

        # itsdangerous signs with the last key and accepts all of them.
        keys: list[str | bytes] = [*fallbacks, secret_key]
        serializer = URLSafeTimedSerializer(
            keys,  # type: ignore[arg-type]
            salt=self.salt,
            serializer=self.serializer,
            signer=_KeyCachingSigner,
            signer_kwargs={
                "key_derivation": self.key_derivation,
                "digest_method": self.digest_method,
            },
        )
        if cache is not None:
            with _cache_lock:
                if len(cache) >= _SERIALIZER_CACHE_SIZE:
                    cache.clear()
                cache[cache_key] = serializer
        return serializer

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
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
        if session.accessed:
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
        response.set_cookie(
            self.get_cookie_name(app),
            serializer.dumps(dict(session)),
            expires=self.get_expiration_time(app, session),
            httponly=self.get_cookie_httponly(app),
            domain=self.get_cookie_domain(app),
            path=self.get_cookie_path(app),
            secure=self.get_cookie_secure(app),
            partitioned=self.get_cookie_partitioned(app),
            samesite=self.get_cookie_samesite(app),
        )
        response.vary.add("Cookie")

