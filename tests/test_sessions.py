"""Sessions: session objects, the interface defaults and the signed-cookie
backend, both directly and through requests.
"""

from __future__ import annotations

import base64
import hashlib
import typing as t
from datetime import datetime
from datetime import timedelta
from datetime import timezone

import pytest
from itsdangerous import BadSignature
from itsdangerous import URLSafeTimedSerializer

from flaskfast.sessions import NullSession
from flaskfast.sessions import SecureCookieSession
from flaskfast.sessions import SecureCookieSessionInterface
from flaskfast.sessions import SessionInterface

if t.TYPE_CHECKING:  # pragma: no cover
    from flaskfast import Flask
    from flaskfast.testing import FlaskClient

# Produced by Flask 3.1.3 with secret key "golden key" for
# {"user": "ada", "n": (1, 2)}.
FLASK_COOKIE = (
    "eyJuIjp7IiB0IjpbMSwyXX0sInVzZXIiOiJhZGEifQ.awEmzQ.OYcK11uP3Nqj0i2ZTEsria_65rY"
)


class _FakeApp:
    """Just enough of an app for calling the interface directly."""

    def __init__(self, secret_key: str | None = "k", **config: t.Any) -> None:
        self.secret_key = secret_key
        self.permanent_session_lifetime = timedelta(days=31)
        self.config: dict[str, t.Any] = {
            "SECRET_KEY_FALLBACKS": [],
            "SESSION_COOKIE_NAME": "session",
            "SESSION_COOKIE_DOMAIN": None,
            "SESSION_COOKIE_PATH": None,
            "APPLICATION_ROOT": "/",
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SECURE": False,
            "SESSION_COOKIE_SAMESITE": None,
            "SESSION_COOKIE_PARTITIONED": False,
            "SESSION_REFRESH_EACH_REQUEST": True,
            **config,
        }


# -- session objects ---------------------------------------------------------


def test_fresh_session_is_clean_and_writes_mark_it_modified() -> None:
    s = SecureCookieSession({"a": 1})
    assert not s.modified and not s.accessed
    assert s["a"] == 1 and s.get("b") is None
    assert not s.modified
    s["b"] = 2
    assert s.modified


@pytest.mark.parametrize(
    "mutate",
    [
        lambda s: s.pop("a"),
        lambda s: s.update(z=1),
        lambda s: s.clear(),
        lambda s: s.setdefault("new", 1),
        lambda s: s.__delitem__("a"),
    ],
)
def test_every_mutation_marks_modified(mutate: t.Callable[[t.Any], t.Any]) -> None:
    s = SecureCookieSession({"a": 1})
    mutate(s)
    assert s.modified


def test_permanent_is_stored_in_the_session() -> None:
    s = SecureCookieSession()
    assert s.permanent is False
    s.permanent = 1  # type: ignore[assignment]
    assert s["_permanent"] is True
    assert s.permanent is True


def test_null_session_reads_empty_and_refuses_writes() -> None:
    s = NullSession()
    assert s.get("x") is None
    assert dict(s) == {}
    for write in (
        lambda: s.__setitem__("x", 1),
        lambda: s.pop("x"),
        lambda: s.update(x=1),
        lambda: s.setdefault("x", 1),
        s.clear,
        s.popitem,
    ):
        with pytest.raises(RuntimeError, match="session is unavailable"):
            write()


# -- interface defaults ------------------------------------------------------


def test_base_interface_requires_open_and_save() -> None:
    iface = SessionInterface()
    app = _FakeApp()
    with pytest.raises(NotImplementedError):
        iface.open_session(app, None)  # type: ignore[arg-type]
    with pytest.raises(NotImplementedError):
        iface.save_session(app, SecureCookieSession(), None)  # type: ignore[arg-type]
    null = iface.make_null_session(app)  # type: ignore[arg-type]
    assert iface.is_null_session(null)
    assert not iface.is_null_session(SecureCookieSession())


def test_cookie_settings_come_from_config() -> None:
    iface = SessionInterface()
    app: t.Any = _FakeApp(
        SESSION_COOKIE_NAME="sid",
        SESSION_COOKIE_DOMAIN="",
        APPLICATION_ROOT="/root",
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_PARTITIONED=True,
    )
    assert iface.get_cookie_name(app) == "sid"
    assert iface.get_cookie_domain(app) is None  # empty string means unset
    assert iface.get_cookie_path(app) == "/root"
    app.config["SESSION_COOKIE_PATH"] = "/p"
    assert iface.get_cookie_path(app) == "/p"
    assert iface.get_cookie_samesite(app) == "Lax"
    assert iface.get_cookie_partitioned(app) is True
    assert iface.get_cookie_httponly(app) is True
    assert iface.get_cookie_secure(app) is False


def test_expiration_only_for_permanent_sessions() -> None:
    iface = SessionInterface()
    app: t.Any = _FakeApp()
    s = SecureCookieSession()
    assert iface.get_expiration_time(app, s) is None
    s.permanent = True
    expires = iface.get_expiration_time(app, s)
    assert expires is not None
    delta = expires - datetime.now(timezone.utc)
    assert timedelta(days=30) < delta <= timedelta(days=31)


@pytest.mark.parametrize(
    ("modified", "permanent", "refresh", "expected"),
    [
        (True, False, False, True),
        (False, True, True, True),
        (False, True, False, False),
        (False, False, True, False),
    ],
)
def test_should_set_cookie(
    modified: bool, permanent: bool, refresh: bool, expected: bool
) -> None:
    app: t.Any = _FakeApp(SESSION_REFRESH_EACH_REQUEST=refresh)
    s = SecureCookieSession({"_permanent": permanent} if permanent else {})
    s.modified = modified
    assert SessionInterface().should_set_cookie(app, s) is expected


# -- signing -----------------------------------------------------------------


def test_no_secret_key_means_no_serializer() -> None:
    iface = SecureCookieSessionInterface()
    assert iface.get_signing_serializer(_FakeApp(secret_key=None)) is None  # type: ignore[arg-type]
    assert iface.get_signing_serializer(_FakeApp(secret_key="")) is None  # type: ignore[arg-type]


def test_serializer_follows_the_current_keys() -> None:
    iface = SecureCookieSessionInterface()
    app: t.Any = _FakeApp()
    first = iface.get_signing_serializer(app)
    assert first is not None and first.secret_keys == [b"k"]
    app.secret_key = "other"
    app.config["SECRET_KEY_FALLBACKS"] = ["k"]
    second = iface.get_signing_serializer(app)
    # Oldest first: itsdangerous signs with the last key.
    assert second is not None and second.secret_keys == [b"k", b"other"]
    assert first.secret_keys == [b"k"]


def test_cookie_format_is_plain_itsdangerous_with_flask_parameters() -> None:
    iface = SecureCookieSessionInterface()
    app: t.Any = _FakeApp(secret_key="s3")
    token = iface.get_signing_serializer(app).dumps({"x": [1, "y"]})  # type: ignore[union-attr]
    reader = URLSafeTimedSerializer(
        "s3",
        salt="cookie-session",
        signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha1},
    )
    assert reader.loads(token) == {"x": [1, "y"]}
    # The payload segment is compact JSON, exactly as Flask writes it.
    payload = token.split(".")[0]
    assert base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)) == (
        b'{"x":[1,"y"]}'
    )


def test_reads_cookie_written_by_flask() -> None:
    iface = SecureCookieSessionInterface()
    app: t.Any = _FakeApp(secret_key="golden key")
    app.permanent_session_lifetime = timedelta(days=365 * 100)
    data = iface.get_signing_serializer(app).loads(  # type: ignore[union-attr]
        FLASK_COOKIE, max_age=int(app.permanent_session_lifetime.total_seconds())
    )
    assert data == {"user": "ada", "n": (1, 2)}


def test_fallback_keys_verify_but_current_key_signs() -> None:
    iface = SecureCookieSessionInterface()
    old: t.Any = _FakeApp(secret_key="old")
    token = iface.get_signing_serializer(old).dumps({"a": 1})  # type: ignore[union-attr]
    new: t.Any = _FakeApp(secret_key="new", SECRET_KEY_FALLBACKS=["old"])
    serializer = iface.get_signing_serializer(new)
    assert serializer is not None
    assert serializer.loads(token) == {"a": 1}
    fresh = serializer.dumps({"a": 1})
    only_new: t.Any = _FakeApp(secret_key="new")
    assert iface.get_signing_serializer(only_new).loads(fresh) == {"a": 1}  # type: ignore[union-attr]


# -- through requests --------------------------------------------------------


@pytest.fixture
def session_app(app: Flask) -> Flask:
    from flaskfast import request
    from flaskfast import session

    @app.post("/set")
    def set_value() -> str:
        session.update(request.form)
        return "ok"

    @app.get("/get")
    def get_value() -> dict[str, t.Any]:
        return dict(session)

    @app.get("/clear")
    def clear() -> str:
        session.clear()
        return "cleared"

    @app.get("/permanent")
    def make_permanent() -> str:
        session["p"] = 1
        session.permanent = True
        return "ok"

    @app.get("/untouched")
    def untouched() -> str:
        return "nothing"

    return app


def test_session_round_trip_and_vary(session_app: Flask, client: FlaskClient) -> None:
    rv = client.post("/set", data={"name": "ada"})
    assert "session=" in rv.headers["Set-Cookie"]
    assert "HttpOnly" in rv.headers["Set-Cookie"]
    assert rv.headers["Vary"] == "Cookie"
    rv = client.get("/get")
    assert rv.json == {"name": "ada"}
    assert rv.headers["Vary"] == "Cookie"
    assert "Set-Cookie" not in rv.headers  # unchanged, not permanent


def test_untouched_session_adds_no_headers(session_app: Flask, client: FlaskClient) -> None:
    client.post("/set", data={"name": "ada"})
    rv = client.get("/untouched")
    assert "Vary" not in rv.headers
    assert "Set-Cookie" not in rv.headers


def test_clearing_deletes_cookie(session_app: Flask, client: FlaskClient) -> None:
    client.post("/set", data={"name": "ada"})
    rv = client.get("/clear")
    cookie = rv.headers["Set-Cookie"]
    assert cookie.startswith("session=;")
    assert "Max-Age=0" in cookie
    assert client.get("/get").json == {}


def test_tampered_cookie_gives_empty_session(session_app: Flask, client: FlaskClient) -> None:
    client.post("/set", data={"name": "ada"})
    value = client.get_cookie("session").value  # type: ignore[union-attr]
    # Change a character whose bits all count (the last one of a base64
    # signature carries padding bits a decoder ignores).
    changed = "A" if value[-5] != "A" else "B"
    client.set_cookie("session", value[:-5] + changed + value[-4:])
    assert client.get("/get").json == {}


def test_secret_key_rotation(session_app: Flask, client: FlaskClient) -> None:
    client.post("/set", data={"name": "ada"})
    session_app.secret_key = "rotated"
    assert client.get("/get").json == {}
    session_app.config["SECRET_KEY_FALLBACKS"] = ["test secret"]
    assert client.get("/get").json == {"name": "ada"}


def test_cookie_readable_by_flask_parameters(session_app: Flask, client: FlaskClient) -> None:
    client.post("/set", data={"name": "ada"})
    value = client.get_cookie("session").value  # type: ignore[union-attr]
    reader = URLSafeTimedSerializer(
        "test secret",
        salt="cookie-session",
        signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha1},
    )
    assert reader.loads(value) == {"name": "ada"}


def test_flask_cookie_accepted_by_app(session_app: Flask, client: FlaskClient) -> None:
    session_app.secret_key = "golden key"
    session_app.permanent_session_lifetime = timedelta(days=365 * 100)
    client.set_cookie("session", FLASK_COOKIE)
    assert client.get("/get").json == {"user": "ada", "n": [1, 2]}


def test_permanent_session_sets_expiry_and_refreshes(
    session_app: Flask, client: FlaskClient
) -> None:
    rv = client.get("/permanent")
    assert "Expires=" in rv.headers["Set-Cookie"]
    # Refreshed on a later request that only reads it.
    rv = client.get("/get")
    assert "Expires=" in rv.headers["Set-Cookie"]
    session_app.config["SESSION_REFRESH_EACH_REQUEST"] = False
    rv = client.get("/get")
    assert "Set-Cookie" not in rv.headers


def test_cookie_attributes_follow_config(session_app: Flask, client: FlaskClient) -> None:
    session_app.config.update(
        SESSION_COOKIE_NAME="sid",
        SESSION_COOKIE_PATH="/app",
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_HTTPONLY=False,
    )
    cookie = client.post("/set", data={"a": "1"}).headers["Set-Cookie"]
    assert cookie.startswith("sid=")
    assert "Path=/app" in cookie
    assert "Secure" in cookie
    assert "SameSite=Strict" in cookie
    assert "HttpOnly" not in cookie


def test_invalid_samesite_is_an_error(session_app: Flask, client: FlaskClient) -> None:
    session_app.config["SESSION_COOKIE_SAMESITE"] = "sometimes"
    with pytest.raises(ValueError):
        client.post("/set", data={"a": "1"})


def test_without_secret_key_session_is_read_only(app: Flask) -> None:
    from flaskfast import session

    app.secret_key = None
    with app.test_request_context():
        assert session.get("anything") is None
        with pytest.raises(RuntimeError, match="secret key"):
            session["x"] = 1


def test_signing_keys_are_not_shared_between_salts() -> None:
    from itsdangerous import BadSignature

    class OtherSalt(SecureCookieSessionInterface):
        salt = "other-salt"

    app: t.Any = _FakeApp(secret_key="same")
    token = SecureCookieSessionInterface().get_signing_serializer(app).dumps({"a": 1})  # type: ignore[union-attr]
    other = OtherSalt().get_signing_serializer(app)
    assert other is not None
    with pytest.raises(BadSignature):
        other.loads(token)
    # And its own tokens verify with a plain itsdangerous serializer.
    reader = URLSafeTimedSerializer(
        "same",
        salt="other-salt",
        signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha1},
    )
    assert reader.loads(other.dumps({"b": 2})) == {"b": 2}


# -- the signing serializer against plain itsdangerous and real Flask ---------

_FIXED_TS = 1_750_000_000


def _reference_serializer(*keys: str) -> URLSafeTimedSerializer:
    """Flask 3.1.3's session serializer, built the plain itsdangerous way."""
    from flaskfast.sessions import session_json_serializer

    return URLSafeTimedSerializer(
        list(keys),  # type: ignore[arg-type]
        salt="cookie-session",
        serializer=session_json_serializer,
        signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha1},
    )


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Pin itsdangerous' signing clock; the list item can be moved."""
    from itsdangerous import TimestampSigner

    now = [_FIXED_TS]
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: now[0])
    return now


_PAYLOADS: list[t.Any] = [
    {"visits": 1},
    {},
    {"user": "ada", "n": (1, 2), "b": b"\x00\xff", "u": "h\u00e9llo \u2603"},
    {" t": "looks like a tag"},
    {"nested": {"a": [1, {"b": (None, True, 2.5)}]}},
    {"big": "abc" * 400},  # compresses
    {"k%d" % i: i for i in range(40)},
]


@pytest.mark.parametrize("payload", _PAYLOADS)
def test_tokens_are_byte_identical_to_plain_itsdangerous(
    payload: t.Any, frozen_clock: list[int]
) -> None:
    iface = SecureCookieSessionInterface()
    ours = iface.get_signing_serializer(_FakeApp(secret_key="s"))  # type: ignore[arg-type]
    assert ours is not None
    reference = _reference_serializer("s")
    for _ in range(2):
        token = ours.dumps(payload)
        assert token == reference.dumps(payload)
        assert ours.loads(token, max_age=60) == reference.loads(token, max_age=60)
    if payload == {"big": "abc" * 400}:
        assert token.startswith(".")  # zlib helped
    if payload == {"visits": 1}:
        assert not token.startswith(".")  # zlib would not


def test_serializer_returns_timestamp_when_asked(frozen_clock: list[int]) -> None:
    ours = SecureCookieSessionInterface().get_signing_serializer(_FakeApp())  # type: ignore[arg-type]
    assert ours is not None
    data, when = ours.loads(ours.dumps({"a": 1}), return_timestamp=True)
    assert data == {"a": 1}
    assert when == datetime.fromtimestamp(_FIXED_TS, tz=timezone.utc)


def _tampered(token: str) -> dict[str, str]:
    payload, ts, sig = token.split(".")
    flip = "A" if sig[0] != "A" else "B"
    return {
        "signature": f"{payload}.{ts}.{flip}{sig[1:]}",
        "payload": f"{payload[:-1]}{'A' if payload[-1] != 'A' else 'B'}.{ts}.{sig}",
        "timestamp": f"{payload}.{ts[:-1]}{'A' if ts[-1] != 'A' else 'B'}.{sig}",
        "no signature": f"{payload}.{ts}",
        "no separator": payload,
        "empty signature": f"{payload}.{ts}.",
        "not base64": f"{payload}.{ts}.!!!!",
        "short signature": f"{payload}.{ts}.{sig[:-2]}",
        "empty": "",
    }


@pytest.mark.parametrize(
    "case",
    [
        "signature",
        "payload",
        "timestamp",
        "no signature",
        "no separator",
        "empty signature",
        "not base64",
        "short signature",
        "empty",
    ],
)
def test_rejects_exactly_what_itsdangerous_rejects(
    case: str, frozen_clock: list[int]
) -> None:
    ours = SecureCookieSessionInterface().get_signing_serializer(_FakeApp(secret_key="s"))  # type: ignore[arg-type]
    assert ours is not None
    reference = _reference_serializer("s")
    token = _tampered(ours.dumps({"user": "ada"}))[case]
    outcomes = []
    for serializer in (ours, reference):
        with pytest.raises(Exception) as info:
            serializer.loads(token, max_age=60)
        outcomes.append((type(info.value), str(info.value)))
    assert outcomes[0] == outcomes[1]
    assert issubclass(outcomes[0][0], BadSignature)


@pytest.mark.parametrize("offset", [61, -1])
def test_expired_and_future_signatures_are_rejected(
    offset: int, frozen_clock: list[int]
) -> None:
    from itsdangerous import SignatureExpired

    ours = SecureCookieSessionInterface().get_signing_serializer(_FakeApp(secret_key="s"))  # type: ignore[arg-type]
    assert ours is not None
    token = ours.dumps({"a": 1})
    frozen_clock[0] = _FIXED_TS + offset
    with pytest.raises(SignatureExpired) as info:
        ours.loads(token, max_age=60)
    with pytest.raises(SignatureExpired) as ref_info:
        _reference_serializer("s").loads(token, max_age=60)
    assert str(info.value) == str(ref_info.value)
    # Within the limit it still verifies.
    frozen_clock[0] = _FIXED_TS + 60
    assert ours.loads(token, max_age=60) == {"a": 1}


def test_wrong_and_retired_keys_are_rejected(frozen_clock: list[int]) -> None:
    iface = SecureCookieSessionInterface()
    token = _reference_serializer("old").dumps({"a": 1})
    wrong = iface.get_signing_serializer(_FakeApp(secret_key="new"))  # type: ignore[arg-type]
    assert wrong is not None
    with pytest.raises(BadSignature):
        wrong.loads(token)
    rotated = iface.get_signing_serializer(
        _FakeApp(secret_key="new", SECRET_KEY_FALLBACKS=["old"])  # type: ignore[arg-type]
    )
    assert rotated is not None
    assert rotated.loads(token) == {"a": 1}
    # The fallback only verifies; new tokens carry the current key.
    assert rotated.dumps({"a": 1}) == _reference_serializer("new").dumps({"a": 1})
    assert _reference_serializer("old", "new").loads(rotated.dumps({"b": 2})) == {"b": 2}


def test_verification_uses_constant_time_comparison(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import hmac as hmac_module

    calls: list[tuple[bytes, bytes]] = []
    real = hmac_module.compare_digest

    def spy(a: t.Any, b: t.Any) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac_module, "compare_digest", spy)
    ours = SecureCookieSessionInterface().get_signing_serializer(_FakeApp())  # type: ignore[arg-type]
    assert ours is not None
    token = ours.dumps({"a": 1})
    assert ours.loads(token) == {"a": 1}
    assert len(calls) == 1


def test_other_digest_methods_keep_working(frozen_clock: list[int]) -> None:
    class Sha256Interface(SecureCookieSessionInterface):
        digest_method = staticmethod(hashlib.sha256)

    ours = Sha256Interface().get_signing_serializer(_FakeApp(secret_key="s"))  # type: ignore[arg-type]
    assert ours is not None
    reference = URLSafeTimedSerializer(
        "s",
        salt="cookie-session",
        serializer=Sha256Interface.serializer,
        signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha256},
    )
    token = ours.dumps({"a": 1})
    assert token == reference.dumps({"a": 1})
    assert ours.loads(token) == {"a": 1}


def test_cookie_json_follows_the_app_json_provider(app: Flask) -> None:
    from flaskfast.json.provider import DefaultJSONProvider

    iface = SecureCookieSessionInterface()
    serializer = iface.get_signing_serializer(app)
    assert serializer is not None

    def payload_json(token: str) -> bytes:
        part = token.split(".")[0]
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))

    with app.app_context():
        assert payload_json(serializer.dumps({"b": 1, "a": "\u00e9"})) == (
            b'{"a":"\\u00e9","b":1}'
        )
        app.json.sort_keys = False  # type: ignore[attr-defined]
        app.json.ensure_ascii = False  # type: ignore[attr-defined]
        assert payload_json(serializer.dumps({"b": 1, "a": "\u00e9"})) == (
            '{"b":1,"a":"\u00e9"}'.encode()
        )

        class Custom(DefaultJSONProvider):
            def dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
                return '{"custom":true}'

        app.json = Custom(app)
        assert payload_json(serializer.dumps({"b": 1})) == b'{"custom":true}'


# -- the response side: Set-Cookie and Vary, compared with real Flask ----------


def _twin_apps(config: dict[str, t.Any]) -> list[t.Any]:
    import flask

    import flaskfast

    return [_twin_app(module, config) for module in (flaskfast, flask)]


def _twin_app(module: t.Any, config: dict[str, t.Any]) -> t.Any:
    twin = module.Flask("twin")
    twin.config.update(TESTING=True, SECRET_KEY="twin secret", **config)
    session_proxy = module.session

    @twin.route("/write")
    def write() -> str:
        session_proxy["n"] = session_proxy.get("n", 0) + 1
        return "ok"

    @twin.route("/permanent")
    def permanent() -> str:
        session_proxy["p"] = True
        session_proxy.permanent = True
        return "ok"

    @twin.route("/vary")
    def vary() -> t.Any:
        session_proxy["v"] = 1
        response = module.make_response("ok")
        response.headers["Vary"] = "Accept"
        return response

    @twin.route("/clear")
    def clear() -> str:
        session_proxy.clear()
        return "ok"

    return twin


_FIXED_EXPIRY = datetime(2031, 5, 17, 8, 30, 5, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "config",
    [
        {},
        {"SESSION_COOKIE_DOMAIN": "example.com", "SESSION_COOKIE_SAMESITE": "lax"},
        {
            "SESSION_COOKIE_PATH": "/a b;c",
            "SESSION_COOKIE_SECURE": True,
            "SESSION_COOKIE_HTTPONLY": False,
            "SESSION_COOKIE_PARTITIONED": True,
            "SESSION_COOKIE_NAME": "sess",
        },
        {"SESSION_COOKIE_DOMAIN": ".Example.COM:8080", "APPLICATION_ROOT": "/app"},
    ],
)
@pytest.mark.parametrize("path", ["/write", "/permanent", "/vary", "/clear"])
def test_response_headers_match_flask(
    config: dict[str, t.Any],
    path: str,
    frozen_clock: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import flask.sessions

    for cls in (SecureCookieSessionInterface, flask.sessions.SecureCookieSessionInterface):
        monkeypatch.setattr(
            cls,
            "get_expiration_time",
            lambda self, app, session: _FIXED_EXPIRY if session.permanent else None,
        )
    seen = []
    for twin in _twin_apps(config):
        client = twin.test_client()
        client.set_cookie(
            config.get("SESSION_COOKIE_NAME", "session"),
            _reference_serializer("twin secret").dumps({"n": 4}),
        )
        response = client.get(path)
        seen.append(
            (response.status_code, response.headers.getlist("Set-Cookie"), response.headers.getlist("Vary"))
        )
    assert seen[0] == seen[1]
    assert seen[0][1]


def test_oversized_cookie_still_warns(app: Flask) -> None:
    from flaskfast import session

    app.config["MAX_COOKIE_SIZE"] = 80

    @app.route("/big")
    def big() -> str:
        session["data"] = "x" * 200
        return "ok"

    with pytest.warns(UserWarning, match="cookie is too large"):
        response = app.test_client().get("/big")
    assert response.headers["Set-Cookie"].startswith("session=")


def test_response_set_cookie_override_is_used(app: Flask) -> None:
    from flaskfast import session
    from flaskfast.wrappers import Response

    seen: list[str] = []

    class Recording(Response):
        def set_cookie(self, key: str, *args: t.Any, **kwargs: t.Any) -> None:
            seen.append(key)
            super().set_cookie(key, *args, **kwargs)

    app.response_class = Recording

    @app.route("/w")
    def w() -> str:
        session["a"] = 1
        return "ok"

    response = app.test_client().get("/w")
    assert seen == ["session"]
    assert response.headers["Vary"] == "Cookie"


def test_request_cookies_parsed_like_werkzeug(app: Flask) -> None:
    from flaskfast import request
    from flaskfast import session

    @app.route("/c")
    def c() -> dict[str, t.Any]:
        return {"n": session.get("n"), "cookies": request.cookies.to_dict(flat=False)}

    token = _reference_serializer("test secret").dumps({"n": 7})
    header = f'a=1; session={token}; q="x\\"y"; a=2'
    client = app.test_client(use_cookies=False)
    response = client.get("/c", headers={"Cookie": header})
    assert response.json == {
        "n": 7,
        "cookies": {"a": ["1", "2"], "session": [token], "q": ['x"y']},
    }


def test_request_class_cookies_override_is_used(app: Flask) -> None:
    from flaskfast import session
    from flaskfast.wrappers import Request

    token = _reference_serializer("test secret").dumps({"n": 3})

    class Forced(Request):
        @property
        def cookies(self) -> t.Any:  # type: ignore[override]
            from werkzeug.datastructures import ImmutableMultiDict

            return ImmutableMultiDict({"session": token})

    app.request_class = Forced

    @app.route("/n")
    def n() -> str:
        return str(session.get("n"))

    assert app.test_client().get("/n").text == "3"


# -- the signed-cookie memos, through requests ---------------------------------
# (The memos themselves are tested in test_sessions_signing.py.)


@pytest.fixture
def visits_app(app: Flask) -> Flask:
    from flaskfast import session

    @app.route("/visit")
    def visit() -> str:
        session.setdefault("seen", []).append(len(session["seen"]))
        session["visits"] = session.get("visits", 0) + 1
        return f"{session['visits']} {session['seen']}"

    return app


def test_same_cookie_repeated_does_not_share_session_state(
    visits_app: Flask, frozen_clock: list[int]
) -> None:
    token = _reference_serializer("test secret").dumps({"visits": 1, "seen": [0]})
    client = visits_app.test_client(use_cookies=False)
    headers = {"Cookie": f"session={token}"}
    bodies = [client.get("/visit", headers=headers).text for _ in range(3)]
    assert bodies == ["2 [0, 1]"] * 3


def test_key_change_invalidates_cached_cookie(
    visits_app: Flask, frozen_clock: list[int]
) -> None:
    token = _reference_serializer("test secret").dumps({"visits": 5, "seen": []})
    client = visits_app.test_client(use_cookies=False)
    headers = {"Cookie": f"session={token}"}
    assert client.get("/visit", headers=headers).text == "6 [0]"
    assert client.get("/visit", headers=headers).text == "6 [0]"
    visits_app.secret_key = "rotated"
    assert client.get("/visit", headers=headers).text == "1 [0]"
    visits_app.config["SECRET_KEY_FALLBACKS"] = ["test secret"]
    assert client.get("/visit", headers=headers).text == "6 [0]"
    visits_app.config["SECRET_KEY_FALLBACKS"] = []
    assert client.get("/visit", headers=headers).text == "1 [0]"
    visits_app.secret_key = "test secret"
    assert client.get("/visit", headers=headers).text == "6 [0]"


def test_expired_cookie_rejected_after_being_cached(
    visits_app: Flask, frozen_clock: list[int]
) -> None:
    visits_app.permanent_session_lifetime = timedelta(seconds=100)
    token = _reference_serializer("test secret").dumps({"visits": 5, "seen": []})
    client = visits_app.test_client(use_cookies=False)
    headers = {"Cookie": f"session={token}"}
    assert client.get("/visit", headers=headers).text == "6 [0]"
    frozen_clock[0] = _FIXED_TS + 101
    assert client.get("/visit", headers=headers).text == "1 [0]"
    frozen_clock[0] = _FIXED_TS + 100
    assert client.get("/visit", headers=headers).text == "6 [0]"


def test_repeated_cookie_gets_flask_identical_set_cookie(frozen_clock: list[int]) -> None:
    token = _reference_serializer("twin secret").dumps({"n": 4})
    seen = []
    for twin in _twin_apps({}):
        client = twin.test_client(use_cookies=False)
        headers = {"Cookie": f"session={token}; other=1"}
        seen.append(
            [client.get("/write", headers=headers).headers.getlist("Set-Cookie") for _ in range(3)]
        )
    assert seen[0] == seen[1]
    assert seen[0][0] == seen[0][2]
    assert seen[0][0][0].startswith("session=")


def test_request_cookies_patched_after_the_first_request_count() -> None:
    """The session reads ``request.cookies`` through a class patched after
    the first request, as Flask does (nothing is decided once per class)."""
    from unittest import mock

    import flask

    import flaskfast

    seen = {}
    for fw in (flask, flaskfast):
        app = fw.Flask("patched_cookies")
        app.secret_key = "k"

        @app.route("/set")
        def set_() -> str:
            fw.session["n"] = 1
            return "set"

        @app.route("/get")
        def get() -> str:
            return repr(fw.session.get("n"))

        client = app.test_client()
        client.get("/set")
        first = client.get("/get").data
        no_cookies = property(lambda self: {})
        with mock.patch.object(fw.Request, "cookies", no_cookies):
            patched = client.get("/get").data
        after = client.get("/get").data
        seen[fw.__name__] = (first, patched, after)
    assert seen["flaskfast"] == seen["flask"] == (b"1", b"None", b"1")
