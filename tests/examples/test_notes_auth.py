"""Registration, login and logout of the notes example (``examples/notes/auth.py``)."""

from __future__ import annotations

import sqlite3
import typing as t

import pytest
from werkzeug.security import check_password_hash

from conftest import Auth
from examples.notes import create_app

if t.TYPE_CHECKING:  # pragma: no cover
    from flaskfast import Flask
    from flaskfast.testing import FlaskClient


def _users(app: Flask) -> list[tuple[str, str]]:
    connection = sqlite3.connect(app.config["DATABASE"])
    try:
        return connection.execute("SELECT username, password_hash FROM user").fetchall()
    finally:
        connection.close()


def test_register_stores_a_password_hash_and_redirects_to_login(app: Flask, auth: Auth) -> None:
    default = create_app({"SECRET_KEY": "k"}).config["PASSWORD_HASH_METHOD"]
    app.config["PASSWORD_HASH_METHOD"] = default
    response = auth.register("alice", "wonderland")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login"
    [(username, password_hash)] = _users(app)
    assert username == "alice"
    assert "wonderland" not in password_hash
    assert password_hash.startswith("scrypt:")
    assert check_password_hash(password_hash, "wonderland")
    page = auth.client.get("/auth/login").get_data(as_text=True)
    assert "Registered alice. You can log in now." in page


def test_register_twice_is_refused(app: Flask, auth: Auth) -> None:
    auth.register("alice")
    response = auth.register("alice", "other")
    assert response.status_code == 200
    assert "User alice is already registered." in response.get_data(as_text=True)
    assert len(_users(app)) == 1


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("", "secret", "Username is required."),
        ("   ", "secret", "Username is required."),
        ("bob", "", "Password is required."),
        ("b" * 41, "secret", "Username is longer than 40 characters."),
    ],
)
def test_register_validates_fields(
    app: Flask, auth: Auth, username: str, password: str, message: str
) -> None:
    response = auth.register(username, password)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _users(app) == []


def test_register_form_keeps_the_username(auth: Auth) -> None:
    response = auth.register("carol", "")
    assert 'value="carol"' in response.get_data(as_text=True)


def test_login_sets_the_session_and_greets(client: FlaskClient, auth: Auth) -> None:
    auth.register("alice", "wonderland")
    response = auth.login("alice", "wonderland")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    with client.session_transaction() as session:
        assert session["user_id"] == 1
    page = client.get("/").get_data(as_text=True)
    assert "Welcome, alice!" in page
    assert "My notes" in page


@pytest.mark.parametrize(("username", "password"), [("alice", "wrong"), ("nobody", "wonderland")])
def test_login_rejects_bad_credentials(
    client: FlaskClient, auth: Auth, username: str, password: str
) -> None:
    auth.register("alice", "wonderland")
    response = auth.login(username, password)
    assert response.status_code == 200
    assert "Incorrect username or password." in response.get_data(as_text=True)
    with client.session_transaction() as session:
        assert "user_id" not in session


def test_login_with_empty_fields(auth: Auth) -> None:
    response = auth.login("", "")
    assert "Username is required." in response.get_data(as_text=True)


def test_login_returns_to_next_on_this_site_only(client: FlaskClient, auth: Auth) -> None:
    auth.register("alice", "wonderland")

    def login(next_url: str) -> str:
        # Logging in starts a new session, with a new CSRF token: read it each time.
        token = client.get("/api/csrf-token").get_json()["csrf_token"]
        credentials = {"username": "alice", "password": "wonderland", "csrf_token": token}
        response = client.post("/auth/login", query_string={"next": next_url}, data=credentials)
        assert response.status_code == 302, response.get_data(as_text=True)
        return response.headers["Location"]

    assert login("/notes/new") == "/notes/new"
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        assert login(target) == "/", target


def test_login_required_redirects_to_login_with_next(client: FlaskClient) -> None:
    response = client.get("/notes/new")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login?next=/notes/new"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Please log in first." in page
    assert 'action="/auth/login?next=/notes/new"' in page


def test_logout_clears_the_session(client: FlaskClient, auth: Auth) -> None:
    auth.register_and_login()
    response = auth.logout()
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    with client.session_transaction() as session:
        assert "user_id" not in session
    page = client.get("/").get_data(as_text=True)
    assert "You have been logged out." in page
    assert "Log in" in page


def test_logout_is_post_only(client: FlaskClient, auth: Auth) -> None:
    auth.register_and_login()
    assert client.get("/auth/logout").status_code == 405
    with client.session_transaction() as session:
        assert session["user_id"] == 1


def test_navigation_depends_on_the_user(client: FlaskClient, auth: Auth) -> None:
    anonymous = client.get("/").get_data(as_text=True)
    assert 'href="/auth/register"' in anonymous
    assert 'href="/notes/new"' not in anonymous
    auth.register_and_login("alice")
    page = client.get("/").get_data(as_text=True)
    assert 'href="/notes/new"' in page
    assert '<span class="user">alice</span>' in page
    assert 'action="/auth/logout"' in page
