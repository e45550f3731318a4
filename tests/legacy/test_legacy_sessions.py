"""Section 3 (``app.open_session`` / ``save_session`` /
``make_null_session``) and section 6 (session interface changes)."""

from __future__ import annotations

import datetime

import pytest

import flaskfast
from flaskfast.legacy import ServerNameCookieSessionInterface
from flaskfast.sessions import SecureCookieSessionInterface


def test_forwarding_methods(app, warns_once) -> None:
    with app.test_request_context():
        with warns_once("app.open_session(request)", "session_interface.open_session"):
            session = app.open_session(flaskfast.request._get_current_object())
        assert session is not None and not session
        with warns_once("app.make_null_session()", "make_null_session(app)"):
            null = app.make_null_session()
        assert app.session_interface.is_null_session(null)
        session["a"] = 1
        response = app.response_class("x")
        with warns_once("app.save_session(session, response)"):
            app.save_session(session, response)
        assert response.headers["Set-Cookie"].startswith("session=")


def test_subclass_overrides_are_called(warns_once) -> None:
    log = []
    with warns_once("Overriding Flask.open_session()", "SessionInterface subclass"):

        class OldApp(flaskfast.Flask):
            def open_session(self, request):
                log.append("open")
                return super().open_session(request)

            def save_session(self, session, response):
                log.append("save")
                super().save_session(session, response)

    app = OldApp(__name__)
    app.secret_key = "k"

    @app.route("/")
    def index():
        flaskfast.session["n"] = flaskfast.session.get("n", 0) + 1
        return str(flaskfast.session["n"])

    client = app.test_client()
    assert client.get("/").data == b"1"
    assert client.get("/").data == b"2"
    assert log == ["open", "save", "open", "save"]


def test_get_cookie_domain_from_server_name_is_opt_in(app) -> None:
    app.config["SERVER_NAME"] = "example.test:8080"
    assert SecureCookieSessionInterface().get_cookie_domain(app) is None
    legacy = ServerNameCookieSessionInterface()
    assert legacy.get_cookie_domain(app) == ".example.test"
    app.config["APPLICATION_ROOT"] = "/sub"
    assert legacy.get_cookie_domain(app) == "example.test"
    app.config["SERVER_NAME"] = "localhost"
    assert legacy.get_cookie_domain(app) is None
    app.config["SESSION_COOKIE_DOMAIN"] = "set.test"
    assert legacy.get_cookie_domain(app) == "set.test"


def test_server_name_cookie_domain_end_to_end(app) -> None:
    app.session_interface = ServerNameCookieSessionInterface()
    app.config["SERVER_NAME"] = "example.test"
    app.add_url_rule("/", "i", lambda: flaskfast.session.update(a=1) or "ok")
    rv = app.test_client().get("/", base_url="http://example.test")
    assert "Domain=example.test" in rv.headers["Set-Cookie"]  # werkzeug strips the dot


def test_expiration_time_is_aware(app) -> None:
    """No shim: 3.x returns an aware UTC datetime."""
    app.permanent_session_lifetime = 60
    session = SecureCookieSessionInterface().session_class()
    session.permanent = True
    expires = app.session_interface.get_expiration_time(app, session)
    assert expires.tzinfo is datetime.timezone.utc


def test_cookie_path_with_application_root_none(app, warns_once) -> None:
    """Covered by the APPLICATION_ROOT coercion (section 8)."""
    with warns_once("APPLICATION_ROOT = None", "'/'"):
        app.config["APPLICATION_ROOT"] = None
    assert app.session_interface.get_cookie_path(app) == "/"


def test_stock_apps_keep_the_stock_interface(app) -> None:
    assert type(app.session_interface) is SecureCookieSessionInterface

    class NewApp(flaskfast.Flask):
        pass

    assert type(NewApp.session_interface) is SecureCookieSessionInterface
    with pytest.raises(AttributeError):
        flaskfast.Flask.nope  # noqa: B018
