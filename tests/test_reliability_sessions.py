"""Session cookies a client can send, through the WSGI call outside testing
mode: a tampered, expired, wrong-key, truncated, oversized or garbage cookie
is a new empty session (never a 500); the newest key signs and
``SECRET_KEY_FALLBACKS`` only verify; ``Vary: Cookie`` whenever the session
was looked at (``in`` and ``len`` included); the cookie's flags come from
the configuration.  Compared with Flask 3.1.3 throughout."""

from __future__ import annotations

import datetime
import typing as t

import flask
import pytest
from itsdangerous import URLSafeTimedSerializer
from werkzeug.test import EnvironBuilder

from _wsgi import serve

import flaskfast

KEY = "newest key"
OLD_KEY = "retired key"


def _make_app(fw: t.Any, **config: t.Any) -> t.Any:
    app = fw.Flask("session_safety")
    app.config.update(SECRET_KEY=KEY, SECRET_KEY_FALLBACKS=[OLD_KEY], **config)
    app.logger.disabled = True
    session = fw.session

    @app.route("/<how>")
    def look(how: str) -> t.Any:
        if how == "in":
            return str("user" in session)
        if how == "len":
            return str(len(session))
        if how == "get":
            return str(session.get("user"))
        if how == "iter":
            return ",".join(session)
        if how == "set":
            session["user"] = "alice"
            return "set"
        if how == "permanent":
            session.permanent = True
            session["user"] = "alice"
            return "permanent"
        return "untouched"

    return app


def _signed(key: str, value: dict[str, t.Any], *, age: int = 0) -> str:
    serializer = URLSafeTimedSerializer(
        key, salt="cookie-session", signer_kwargs={"key_derivation": "hmac", "digest_method": "sha1"}
    )
    token = serializer.dumps(value)
    if age:
        import itsdangerous.timed

        real = itsdangerous.timed.time.time
        itsdangerous.timed.time.time = lambda: real() - age  # type: ignore[assignment]
        try:
            token = serializer.dumps(value)
        finally:
            itsdangerous.timed.time.time = real  # type: ignore[assignment]
    return token


def _serve(app: t.Any, path: str, cookie: str | None) -> tuple[str, list[tuple[str, str]], bytes]:
    headers = {"Cookie": f"session={cookie}"} if cookie is not None else {}
    return serve(app, EnvironBuilder(path=path, headers=headers).get_environ())


GOOD = _signed(KEY, {"user": "bob"})
COOKIES = {
    "tampered payload": GOOD.replace(GOOD.split(".")[0], _signed(KEY, {"user": "mallory"}).split(".")[0]),
    "tampered signature": GOOD[:-2] + ("AA" if not GOOD.endswith("AA") else "BB"),
    "truncated": GOOD[: len(GOOD) // 2],
    "signature only": GOOD.split(".")[-1],
    "wrong key": _signed("someone else's key", {"user": "mallory"}),
    "expired": _signed(KEY, {"user": "bob"}, age=32 * 24 * 3600),
    "oversized forged": _signed("someone else's key", {"user": "x" * 100_000}),
    "oversized garbage": "A" * 1_000_000,
    "garbage": "!!!not a cookie!!!",
    "empty": "",
    "dots": "....",
    "not base64 json": "eyJ1c2VyIjoi.Zz.zz",
}


@pytest.mark.parametrize("name", sorted(COOKIES))
@pytest.mark.parametrize("permanent", [False, True])
def test_bad_cookie_is_a_new_empty_session_like_flask(name: str, permanent: bool) -> None:
    path = "/permanent" if permanent else "/get"
    answers = {}
    for fw in (flask, flaskfast):
        status, headers, body = _serve(_make_app(fw), "/get", COOKIES[name])
        answers[fw] = (status, body, sorted(k for k, _ in headers))
        if permanent:
            answers[fw] += (_serve(_make_app(fw), path, COOKIES[name])[0],)
    assert answers[flaskfast] == answers[flask]
    assert answers[flaskfast][:2] == ("200 OK", b"None")


def test_oversized_cookie_signed_with_the_key_is_read_like_flask() -> None:
    """Only the app can sign a cookie, so a validly signed one is read
    whatever its size (browsers would not have stored it past ~4 kB, but
    the app made it): as Flask."""
    cookie = _signed(KEY, {"user": "x" * 10_000})
    for fw in (flask, flaskfast):
        assert _serve(_make_app(fw), "/get", cookie)[2] == b"x" * 10_000


def test_expiry_depends_on_permanent_session_lifetime() -> None:
    cookie = _signed(KEY, {"user": "bob"}, age=3600)
    for fw in (flask, flaskfast):
        assert _serve(_make_app(fw), "/get", cookie)[2] == b"bob"
        short = _make_app(fw, PERMANENT_SESSION_LIFETIME=datetime.timedelta(minutes=30))
        assert _serve(short, "/get", cookie)[2] == b"None"


def test_fallback_key_verifies_and_newest_key_signs() -> None:
    for fw in (flask, flaskfast):
        app = _make_app(fw)
        assert _serve(app, "/get", _signed(OLD_KEY, {"user": "bob"}))[2] == b"bob"
        status, headers, _ = _serve(app, "/set", _signed(OLD_KEY, {"user": "bob"}))
        cookie = dict(headers)["Set-Cookie"].split(";")[0].split("=", 1)[1]
        # The new cookie verifies with the newest key alone...
        alone = _make_app(fw)
        alone.config["SECRET_KEY_FALLBACKS"] = []
        assert _serve(alone, "/get", cookie)[2] == b"alice"
        # ...and not with the fallback alone.
        fallback_only = _make_app(fw)
        fallback_only.config.update(SECRET_KEY=OLD_KEY, SECRET_KEY_FALLBACKS=[])
        assert _serve(fallback_only, "/get", cookie)[2] == b"None"


@pytest.mark.parametrize("how", ["in", "len", "get", "iter", "set"])
@pytest.mark.parametrize("with_cookie", [False, True])
def test_vary_cookie_whenever_the_session_was_accessed(how: str, with_cookie: bool) -> None:
    answers = {}
    for fw in (flask, flaskfast):
        _, headers, body = _serve(_make_app(fw), "/" + how, GOOD if with_cookie else None)
        answers[fw] = (dict(headers).get("Vary"), body)
    assert answers[flaskfast] == answers[flask]
    assert answers[flaskfast][0] == "Cookie"


def test_untouched_session_has_no_vary() -> None:
    for fw in (flask, flaskfast):
        _, headers, _ = _serve(_make_app(fw), "/untouched", GOOD)
        assert "Vary" not in dict(headers)


def test_cookie_flags_come_from_config() -> None:
    config = {
        "SESSION_COOKIE_NAME": "sid",
        "SESSION_COOKIE_DOMAIN": "example.test",
        "SESSION_COOKIE_PATH": "/app",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_SAMESITE": "Strict",
        "SESSION_COOKIE_PARTITIONED": True,
    }
    answers = {}
    for fw in (flask, flaskfast):
        _, headers, _ = _serve(_make_app(fw, **config), "/permanent", None)
        answers[fw] = dict(headers)["Set-Cookie"].split("; ")
    assert answers[flaskfast][1:] == answers[flask][1:]
    flags = set(answers[flaskfast][1:])
    assert {"Domain=example.test", "Path=/app", "HttpOnly", "Secure", "SameSite=Strict", "Partitioned"} <= flags
    assert any(flag.startswith("Expires=") for flag in flags)
    assert answers[flaskfast][0].startswith("sid=")
