"""Session signing: ``get_signing_serializer`` is Flask's, and the memos in
front of it (``flaskfast.sessions._SigningMemo``) answer exactly what plain
itsdangerous and Flask 3.1.3 answer, for accepted, tampered, expired and
re-keyed cookies.  The clock is frozen where timestamps matter.
"""

from __future__ import annotations

import hashlib
import typing as t
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from unittest import mock

import pytest
from itsdangerous import BadSignature
from itsdangerous import BadTimeSignature
from itsdangerous import SignatureExpired
from itsdangerous import TimestampSigner
from itsdangerous import URLSafeTimedSerializer

import flaskfast
from flaskfast import sessions
from flaskfast.sessions import SecureCookieSessionInterface
from flaskfast.sessions import session_json_serializer

_T0 = 1_750_000_000


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Pin itsdangerous' signing clock; the list item can be moved."""
    now = [_T0]
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: now[0])
    return now


def _reference(*keys: str, digest: t.Any = hashlib.sha1) -> URLSafeTimedSerializer:
    """Flask 3.1.3's session serializer built the plain itsdangerous way."""
    return URLSafeTimedSerializer(
        list(keys),
        salt="cookie-session",
        serializer=session_json_serializer,
        signer_kwargs={"key_derivation": "hmac", "digest_method": digest},
    )


def _app(secret_key: t.Any = "s", fallbacks: t.Any = None, **config: t.Any) -> flaskfast.Flask:
    app = flaskfast.Flask("signing")
    app.config.update(
        TESTING=True, SECRET_KEY=secret_key, SECRET_KEY_FALLBACKS=fallbacks, **config
    )
    # A fresh interface, so each test starts with empty memos.
    app.session_interface = SecureCookieSessionInterface()
    return app


class _Memo:
    """The memoised loads/dumps of ``app``'s interface, for its current keys."""

    def __init__(self, app: flaskfast.Flask) -> None:
        self.app = app
        self.iface = t.cast(SecureCookieSessionInterface, app.session_interface)

    def _parts(self) -> tuple[t.Any, t.Any]:
        setup = self.iface._signing_setup(self.app)
        assert setup is not None
        return self.iface._ff_memo, setup

    def loads(self, cookie: str, max_age: int = 60) -> t.Any:
        memo, setup = self._parts()
        return memo.loads(setup, cookie, max_age)

    def dumps(self, obj: t.Any) -> t.Any:
        memo, setup = self._parts()
        return memo.dumps(setup, obj)

    def verified(self) -> dict[t.Any, t.Any]:
        return self.iface._ff_memo.verified

    def signed(self) -> dict[t.Any, t.Any]:
        return self.iface._ff_memo.signed


def _outcome(call: t.Callable[[], t.Any]) -> tuple[t.Any, ...]:
    """Result, or the exception's type, message and itsdangerous details."""
    try:
        return ("ok", call())
    except BadSignature as e:
        return (
            type(e),
            str(e),
            getattr(e, "payload", None),
            getattr(e, "date_signed", None),
        )


# -- get_signing_serializer is Flask's -----------------------------------------


def _describe(serializer: t.Any) -> tuple[t.Any, ...]:
    return (
        type(serializer),
        serializer.secret_keys,
        serializer.salt,
        serializer.signer,
        {k: v for k, v in serializer.signer_kwargs.items() if k != "digest_method"},
        serializer.fallback_signers,
        serializer.serializer_kwargs,
        serializer.is_text_serializer,
    )


@pytest.mark.parametrize(
    ("secret_key", "fallbacks"),
    [
        ("k", None),
        ("k", []),
        (b"k", ["old", b"older"]),
        ("k", "ab"),  # a string is iterated, as Flask's list.extend does
        (None, ["old"]),
        ("", None),
    ],
)
def test_get_signing_serializer_is_flasks(secret_key: t.Any, fallbacks: t.Any) -> None:
    import flask

    ours_app = _app(secret_key, fallbacks)
    flask_app = flask.Flask("signing")
    flask_app.config.update(SECRET_KEY=secret_key, SECRET_KEY_FALLBACKS=fallbacks)
    iface = SecureCookieSessionInterface()
    ours = iface.get_signing_serializer(ours_app)
    theirs = flask.sessions.SecureCookieSessionInterface().get_signing_serializer(flask_app)
    if theirs is None:
        assert ours is None
        return
    assert ours is not None
    assert type(ours) is URLSafeTimedSerializer
    assert _describe(ours) == _describe(theirs)
    assert ours.serializer is iface.serializer
    assert ours.signer_kwargs["digest_method"] is iface.digest_method
    # A new serializer every call, as in Flask, so changing one changes
    # nothing else.
    again = iface.get_signing_serializer(ours_app)
    assert again is not ours
    assert again is not None and _describe(again) == _describe(ours)


def test_missing_fallbacks_setting_fails_as_in_flask() -> None:
    import flask

    class Bare:
        secret_key = "k"
        config: dict[str, t.Any] = {}

    theirs = flask.sessions.SecureCookieSessionInterface()
    with pytest.raises(KeyError, match="SECRET_KEY_FALLBACKS"):
        theirs.get_signing_serializer(Bare())  # type: ignore[arg-type]
    with pytest.raises(KeyError, match="SECRET_KEY_FALLBACKS"):
        SecureCookieSessionInterface().get_signing_serializer(Bare())  # type: ignore[arg-type]


# -- the memos against plain itsdangerous --------------------------------------

_PAYLOADS: list[t.Any] = [
    {"visits": 1},
    {"user": "ada", "n": (1, 2), "b": b"\x00\xff", "u": "h\u00e9llo \u2603"},
    {" t": "looks like a tag"},
    {"nested": {"a": [1, {"b": (None, True, 2.5)}]}},
    {"big": "abc" * 400},  # compresses
]


@pytest.mark.parametrize("payload", _PAYLOADS)
def test_memo_answers_equal_plain_itsdangerous(payload: t.Any, clock: list[int]) -> None:
    memo = _Memo(_app())
    reference = _reference("s")
    for _ in range(3):  # miss, then hits
        token = memo.dumps(payload)
        assert token == reference.dumps(payload)
        assert memo.loads(token) == reference.loads(token, max_age=60)
    assert len(memo.verified()) == len(memo.signed()) == 1


def _tampered(token: str) -> dict[str, str]:
    payload, ts, sig = token.split(".")

    def flip(c: str) -> str:
        return "A" if c != "A" else "B"

    return {
        "signature": f"{payload}.{ts}.{flip(sig[0])}{sig[1:]}",
        "payload": f"{payload[:-1]}{flip(payload[-1])}.{ts}.{sig}",
        "timestamp": f"{payload}.{ts[:-1]}{flip(ts[-1])}.{sig}",
        "no signature": f"{payload}.{ts}",
        "no separator": payload,
        "empty signature": f"{payload}.{ts}.",
        "not base64": f"{payload}.{ts}.!!!!",
        "short signature": f"{payload}.{ts}.{sig[:-2]}",
        "extra part": f"x.{token}",
        "suffix": f"{token}x",
        "empty": "",
    }


@pytest.mark.parametrize("case", sorted(_tampered("a.b.c")))
def test_memo_never_accepts_a_tampered_cookie(case: str, clock: list[int]) -> None:
    memo = _Memo(_app())
    token = memo.dumps({"user": "ada"})
    for _ in range(2):  # the valid cookie is now memoised
        assert memo.loads(token) == {"user": "ada"}
    bad = _tampered(token)[case]
    expected = _outcome(lambda: _reference("s").loads(bad, max_age=60))
    assert expected[0] != "ok"
    for _ in range(2):
        assert _outcome(lambda: memo.loads(bad)) == expected
    assert bad not in {cookie for _, cookie in memo.verified()}
    assert memo.loads(token) == {"user": "ada"}


def test_memo_rejects_a_cookie_of_a_removed_key(clock: list[int]) -> None:
    app = _app("new", ["old"])
    memo = _Memo(app)
    token = _reference("old").dumps({"a": 1})
    assert memo.loads(token) == memo.loads(token) == {"a": 1}  # memoised
    app.config["SECRET_KEY_FALLBACKS"] = None
    expected = _outcome(lambda: _reference("new").loads(token, max_age=60))
    assert expected[0] is BadTimeSignature  # "Signature ... does not match"
    assert _outcome(lambda: memo.loads(token)) == expected
    # Nor is it accepted once the secret key itself moves on.
    app.config["SECRET_KEY_FALLBACKS"] = ["old"]
    assert memo.loads(token) == {"a": 1}
    app.secret_key = "newer"
    app.config["SECRET_KEY_FALLBACKS"] = ["new"]
    assert _outcome(lambda: memo.loads(token))[0] is BadTimeSignature


def test_memo_keys_on_every_signing_setting(clock: list[int]) -> None:
    app = _app()
    iface = t.cast(SecureCookieSessionInterface, app.session_interface)
    memo = _Memo(app)
    token = memo.dumps({"a": 1})
    assert memo.loads(token) == {"a": 1}
    # Another salt, key derivation or digest method: another key, so the
    # memoised cookie is verified again, and fails.
    for name, value in [
        ("salt", "other salt"),
        ("key_derivation", "concat"),
        ("digest_method", hashlib.sha256),  # an instance attribute: not bound
    ]:
        setattr(iface, name, value)
        assert _outcome(lambda: memo.loads(token))[0] is BadTimeSignature
        assert name in iface.__dict__
        delattr(iface, name)
    assert memo.loads(token) == {"a": 1}
    # Another payload serializer: its loads runs, on the memoised cookie too.
    seen: list[str] = []

    class Recording:
        def dumps(self, obj: t.Any) -> str:
            return session_json_serializer.dumps(obj)

        def loads(self, data: str) -> t.Any:
            seen.append(data)
            return session_json_serializer.loads(data)

    iface.serializer = Recording()  # type: ignore[assignment]
    assert memo.loads(token) == memo.loads(token) == {"a": 1}
    assert seen == ['{"a":1}', '{"a":1}']


@pytest.mark.parametrize("max_age", [60, 0])
@pytest.mark.parametrize("offset", [1, 59, 60, 61, 3600, -1, -3600])
def test_memo_rechecks_expiry_on_every_hit(max_age: int, offset: int, clock: list[int]) -> None:
    memo = _Memo(_app())
    reference = _reference("s")
    token = memo.dumps({"a": 1})
    assert memo.loads(token, max_age) == {"a": 1}  # memoised, age 0
    clock[0] = _T0 + offset
    expected = _outcome(lambda: reference.loads(token, max_age=max_age))
    assert (expected[0] == "ok") is (0 <= offset <= max_age)
    for _ in range(2):
        assert _outcome(lambda: memo.loads(token, max_age)) == expected
    # The memo entry outlives a rejection: back in range it is accepted.
    clock[0] = _T0
    assert memo.loads(token, max_age) == {"a": 1}


def test_negative_max_age_rejects_like_itsdangerous(clock: list[int]) -> None:
    memo = _Memo(_app())
    token = memo.dumps({"a": 1})
    assert memo.loads(token) == {"a": 1}
    expected = _outcome(lambda: _reference("s").loads(token, max_age=-5))
    assert expected[0] is SignatureExpired
    assert _outcome(lambda: memo.loads(token, -5)) == expected


def test_each_hit_returns_new_objects(clock: list[int]) -> None:
    memo = _Memo(_app())
    token = memo.dumps({"items": [1, {"b": [2]}], "t": (3, 4)})
    first = memo.loads(token)
    first["items"].append("leak")
    first["items"][1]["b"].append("leak")
    first["new"] = True
    second = memo.loads(token)
    assert second == {"items": [1, {"b": [2]}], "t": (3, 4)}
    assert second["items"] is not first["items"]


def test_fallback_keys_verify_but_never_sign(clock: list[int]) -> None:
    data = {"a": 1}
    # Memoise a signature under the old key first.
    app = _app("old")
    memo = _Memo(app)
    old_token = memo.dumps(data)
    assert old_token == _reference("old").dumps(data)
    app.secret_key = "new"
    app.config["SECRET_KEY_FALLBACKS"] = ["old", "older"]
    assert memo.loads(old_token) == data
    for _ in range(2):
        token = memo.dumps(data)
        assert token == _reference("new").dumps(data)
        assert _reference("new").loads(token) == data
        for retired in ("old", "older"):
            with pytest.raises(BadSignature):
                _reference(retired).loads(token)


def test_signing_memo_follows_the_clock(clock: list[int]) -> None:
    memo = _Memo(_app())
    reference = _reference("s")
    for step in (0, 0, 1, 1, 0, 86400):
        clock[0] = _T0 + step
        for data in ({"a": 1}, {"a": 2}):
            assert memo.dumps(data) == reference.dumps(data)


def test_token_signed_in_the_next_second_is_not_kept_for_this_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The clock ticks between the memo reading it and the signer stamping.
    readings = iter([_T0, _T0 + 1])
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: next(readings, _T0))
    memo = _Memo(_app())
    ticked = memo.dumps({"a": 1})
    _, stamped = _reference("s").loads(ticked, return_timestamp=True)
    assert stamped == datetime.fromtimestamp(_T0 + 1, tz=timezone.utc)
    assert memo.signed() == {}
    # At _T0 again: a token stamped _T0, not the remembered later one.
    token = memo.dumps({"a": 1})
    assert token != ticked
    assert token == _reference("s").dumps({"a": 1})


def test_memos_are_bounded(clock: list[int]) -> None:
    memo = _Memo(_app())
    size = sessions._MEMO_SIZE
    tokens = [memo.dumps({"n": i}) for i in range(size + 40)]
    for i, token in enumerate(tokens):
        assert memo.loads(token) == {"n": i}
    for entries in (memo.verified(), memo.signed()):
        assert len(entries) == size
    cookies = [cookie for _, cookie in memo.verified()]
    assert tokens[0] not in cookies  # the oldest went first
    assert tokens[-1] in cookies
    assert memo.loads(tokens[0]) == {"n": 0}


def test_long_cookies_are_not_memoised(clock: list[int]) -> None:
    import os

    memo = _Memo(_app())
    data = {"noise": os.urandom(4000).hex()}  # does not compress
    token = memo.dumps(data)
    assert len(token) > sessions._MEMO_MAX_CHARS
    assert token == _reference("s").dumps(data)
    assert memo.loads(token) == data
    assert memo.verified() == {} and memo.signed() == {}


def test_unhashable_keys_skip_the_memos(clock: list[int]) -> None:
    token = _reference("old").dumps({"a": 1})
    app = _app("new", [bytearray(b"old")])
    iface = t.cast(SecureCookieSessionInterface, app.session_interface)
    assert iface._signing_setup(app) is None
    with app.test_request_context(headers={"Cookie": f"session={token}"}):
        assert dict(flaskfast.session) == {"a": 1}
    assert "_ff_memo" not in iface.__dict__ or iface._ff_memo.verified == {}


def test_other_digest_methods_through_the_memo(clock: list[int]) -> None:
    class Sha256(SecureCookieSessionInterface):
        digest_method = staticmethod(hashlib.sha256)

    app = _app()
    app.session_interface = Sha256()
    memo = _Memo(app)
    reference = _reference("s", digest=hashlib.sha256)
    for _ in range(2):
        token = memo.dumps({"a": 1})
        assert token == reference.dumps({"a": 1})
        assert memo.loads(token) == {"a": 1}


# -- overrides are honoured ------------------------------------------------------


def _counting_app(iface: SecureCookieSessionInterface) -> tuple[flaskfast.Flask, list[int]]:
    app = _app()
    app.session_interface = iface

    @app.route("/w")
    def w() -> str:
        flaskfast.session["n"] = flaskfast.session.get("n", 0) + 1
        return str(flaskfast.session["n"])

    return app, []


def test_overridden_get_signing_serializer_is_called_every_time(clock: list[int]) -> None:
    calls: list[int] = []

    class Salted(SecureCookieSessionInterface):
        def get_signing_serializer(self, app: t.Any) -> t.Any:
            calls.append(1)
            return URLSafeTimedSerializer(app.secret_key, salt="custom")

    app, _ = _counting_app(Salted())
    client = app.test_client()
    assert [client.get("/w").text for _ in range(3)] == ["1", "2", "3"]
    assert len(calls) == 6  # open and save, each request
    cookie = client.get_cookie("session")
    assert cookie is not None
    assert URLSafeTimedSerializer("s", salt="custom").loads(cookie.value) == {"n": 3}


def test_get_signing_serializer_patched_on_the_instance(clock: list[int]) -> None:
    iface = SecureCookieSessionInterface()
    app, _ = _counting_app(iface)
    client = app.test_client()
    assert client.get("/w").text == "1"
    assert client.get("/w").text == "2"  # the memos are in use now
    calls: list[int] = []
    stock = SecureCookieSessionInterface.get_signing_serializer

    def patched(app: t.Any) -> t.Any:
        calls.append(1)
        return stock(iface, app)

    with mock.patch.object(iface, "get_signing_serializer", patched):
        assert client.get("/w").text == "3"
        assert len(calls) == 2
    assert client.get("/w").text == "4"
    assert len(calls) == 2


# -- whole requests against Flask 3.1.3 -----------------------------------------

_EXPIRY = datetime(2031, 5, 17, 8, 30, 5, tzinfo=timezone.utc)


def _twin(module: t.Any) -> t.Any:
    app = module.Flask("twin")
    app.config.update(
        TESTING=True,
        SECRET_KEY="twin secret",
        PERMANENT_SESSION_LIFETIME=timedelta(seconds=100),
    )
    session = module.session

    @app.route("/write")
    def write() -> str:
        session["n"] = session.get("n", 0) + 1
        session.setdefault("seen", []).append(session["n"])
        return f"{session['n']} {session['seen']}"

    @app.route("/read")
    def read() -> t.Any:
        return dict(session)

    @app.route("/same")
    def same() -> str:
        session["fixed"] = "value"
        return "ok"

    @app.route("/permanent")
    def permanent() -> str:
        session["p"] = True
        session.permanent = True
        return "ok"

    @app.route("/clear")
    def clear() -> str:
        session.clear()
        return "ok"

    return app


def _script(app: t.Any, clock: list[int]) -> list[t.Any]:
    """The same requests and settings changes for either framework."""
    client = app.test_client(use_cookies=False)
    seen: list[t.Any] = []
    cookie = [""]

    def get(path: str, cookie_value: str | None = None) -> None:
        value = cookie[0] if cookie_value is None else cookie_value
        headers = {"Cookie": f"other=1; session={value}"} if value else {}
        response = client.get(path, headers=headers)
        set_cookie = response.headers.getlist("Set-Cookie")
        seen.append(
            (path, response.status_code, response.get_data(as_text=True), set_cookie,
             response.headers.getlist("Vary"))
        )
        for header in set_cookie:
            if header.startswith("session="):
                cookie[0] = header.split(";")[0][len("session="):]

    clock[0] = _T0
    get("/write")  # no cookie yet
    first = cookie[0]
    for _ in range(3):
        get("/write", first)  # the same cookie again and again
        get("/same", first)
    get("/read", first)
    token = cookie[0]
    for bad in _tampered(token).values():
        get("/read", bad)
    clock[0] = _T0 + 100
    get("/read", token)  # at max_age: still valid
    clock[0] = _T0 + 101
    get("/read", token)  # expired
    get("/write", token)
    clock[0] = _T0 - 1
    get("/read", token)  # signed in the future
    clock[0] = _T0 + 10
    get("/read", token)
    app.config["SECRET_KEY"] = "new secret"
    get("/read", token)  # unknown key
    app.config["SECRET_KEY_FALLBACKS"] = ["twin secret"]
    get("/read", token)  # fallback verifies
    get("/write", token)  # the new key signs
    renewed = cookie[0]
    app.config["SECRET_KEY_FALLBACKS"] = []
    get("/read", token)  # the removed key no longer verifies
    get("/read", renewed)
    get("/permanent", renewed)
    get("/read")
    clock[0] = _T0 + 11
    get("/read")  # refreshed in a new second
    get("/clear")
    return seen


def test_requests_match_flask(clock: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    import flask
    import flask.sessions

    for cls in (SecureCookieSessionInterface, flask.sessions.SecureCookieSessionInterface):
        monkeypatch.setattr(
            cls,
            "get_expiration_time",
            lambda self, app, session: _EXPIRY if session.permanent else None,
        )
    ours_app = _twin(flaskfast)
    ours_app.session_interface = SecureCookieSessionInterface()
    ours = _script(ours_app, clock)
    theirs = _script(_twin(flask), clock)
    assert ours == theirs
    assert sum(1 for step in ours if step[3]) > 10  # cookies were set
    memo = ours_app.session_interface._ff_memo
    assert memo.verified and memo.signed  # and the memos were used


@pytest.mark.parametrize("module_name", ["flaskfast", "flask"])
def test_secret_key_removed_during_the_request_fails_as_in_flask(module_name: str) -> None:
    import importlib

    module = importlib.import_module(module_name)
    app = module.Flask("removed")
    app.config.update(TESTING=True, SECRET_KEY="k")

    @app.route("/")
    def index() -> str:
        module.session["a"] = 1
        app.secret_key = None
        return "ok"

    with pytest.raises(AttributeError, match="dumps"):
        app.test_client().get("/")
