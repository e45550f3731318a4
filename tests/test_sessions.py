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


def test_serializer_reused_until_keys_change() -> None:
    iface = SecureCookieSessionInterface()
    app: t.Any = _FakeApp()
    first = iface.get_signing_serializer(app)
    assert iface.get_signing_serializer(app) is first
    app.secret_key = "other"
    second = iface.get_signing_serializer(app)
    assert second is not first
    app.config["SECRET_KEY_FALLBACKS"] = ["k"]
    assert iface.get_signing_serializer(app) is not second


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
    client.set_cookie("session", value[:-2] + "xx")
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
