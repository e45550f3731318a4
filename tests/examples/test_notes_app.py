"""The notes example's application: configuration from the instance folder,
the ``init-db`` command, CSRF checks, error pages and static files
(``examples/notes/__init__.py``, ``db.py``, ``csrf.py``, ``errors.py``)."""

from __future__ import annotations

import logging
import sqlite3
import typing as t
from pathlib import Path

import pytest

from conftest import Auth, form_token
from examples.notes import create_app
from examples.notes.db import get_db

if t.TYPE_CHECKING:  # pragma: no cover
    from flaskfast import Flask
    from flaskfast.testing import FlaskClient


def test_first_run_writes_a_secret_key_once(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    app = create_app(instance_path=str(instance))
    assert app.instance_path == str(instance)
    config = instance / "config.py"
    assert config.stat().st_mode & 0o777 == 0o600
    key = app.config["SECRET_KEY"]
    assert isinstance(key, str) and len(key) == 64
    assert f"SECRET_KEY = {key!r}" in config.read_text()
    assert app.config["DATABASE"] == str(instance / "notes.sqlite")
    again = create_app(instance_path=str(instance))
    assert again.config["SECRET_KEY"] == key
    assert create_app(instance_path=str(tmp_path / "other")).config["SECRET_KEY"] != key


def test_instance_path_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOTES_INSTANCE_PATH", str(tmp_path / "env"))
    app = create_app()
    assert app.instance_path == str(tmp_path / "env")
    assert (tmp_path / "env" / "config.py").is_file()


def test_instance_config_is_read(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text("SECRET_KEY = 'mine'\nDATABASE = '/elsewhere.db'\n")
    app = create_app(instance_path=str(instance))
    assert (app.config["SECRET_KEY"], app.config["DATABASE"]) == ("mine", "/elsewhere.db")


def test_an_empty_secret_key_is_refused(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text("SECRET_KEY = ''\n")
    with pytest.raises(RuntimeError, match="SECRET_KEY is not set"):
        create_app(instance_path=str(instance))
    with pytest.raises(RuntimeError, match="SECRET_KEY is not set"):
        create_app({"TESTING": True}, instance_path=str(instance))


def test_init_db_command(tmp_path: Path) -> None:
    database = tmp_path / "data" / "notes.sqlite"
    app = create_app({"SECRET_KEY": "k", "DATABASE": str(database)})
    runner = app.test_cli_runner()
    result = runner.invoke(args=["init-db", "--if-missing"])
    assert result.exit_code == 0, result.output
    assert result.output == f"Initialized the database: {database}\n"
    with app.app_context():
        get_db().execute("INSERT INTO user (username, password_hash) VALUES ('a', 'h')")
        get_db().commit()

    def users() -> int:
        connection = sqlite3.connect(database)
        try:
            return int(connection.execute("SELECT COUNT(*) FROM user").fetchone()[0])
        finally:
            connection.close()

    result = runner.invoke(args=["init-db", "--if-missing"])
    assert result.output == f"The database already exists: {database}\n"
    assert users() == 1
    result = runner.invoke(args=["init-db"])
    assert result.output == f"Initialized the database: {database}\n"
    assert users() == 0


def test_init_db_command_help(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["init-db", "--help"])
    assert result.exit_code == 0
    assert "Create the database tables" in result.output
    assert "--if-missing" in result.output


@pytest.mark.parametrize("token", [None, "", "forged"])
@pytest.mark.parametrize("url", ["/auth/register", "/auth/login", "/auth/logout", "/notes/new"])
def test_a_post_without_the_sessions_token_is_400(
    client: FlaskClient, url: str, token: str | None
) -> None:
    form_token(client)  # the session has a token, the request does not carry it
    data = {"username": "mallory", "password": "pw", "title": "t"}
    if token is not None:
        data["csrf_token"] = token
    response = client.post(url, data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "<h1>400 Bad Request</h1>" in page
    assert "The CSRF token is missing or does not match" in page


def test_a_post_before_any_token_exists_is_400(client: FlaskClient) -> None:
    data = {"username": "a", "password": "b", "csrf_token": "x"}
    response = client.post("/auth/register", data=data)
    assert response.status_code == 400


def test_csrf_rejection_changes_nothing(app: Flask, client: FlaskClient, auth: Auth) -> None:
    auth.register_and_login()
    auth.post("/notes/new", title="kept")
    assert client.post("/notes/1/delete").status_code == 400
    forged = {"title": "changed", "csrf_token": "bad"}
    assert client.post("/notes/1/edit", data=forged).status_code == 400
    page = client.get("/").get_data(as_text=True)
    assert "kept" in page and "changed" not in page
    assert client.post("/auth/logout").status_code == 400
    with client.session_transaction() as session:
        assert session["user_id"] == 1


def test_the_token_is_per_session(app: Flask) -> None:
    first, second = app.test_client(), app.test_client()
    assert form_token(first) != form_token(second)
    assert form_token(first) == form_token(first, "/auth/register")
    response = second.post(
        "/auth/register", data={"username": "a", "password": "b", "csrf_token": form_token(first)}
    )
    assert response.status_code == 400


def test_custom_404_page(client: FlaskClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "<h1>Page not found</h1>" in page
    assert '<a class="brand" href="/">Notes</a>' in page


def test_custom_500_page(app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    def broken() -> str:
        raise RuntimeError("the disk is on fire")

    app.add_url_rule("/broken", "broken", broken)
    app.add_url_rule("/api/broken", "api_broken", broken)
    app.testing = False  # errors are handled, not propagated to the test
    client = app.test_client()
    with caplog.at_level(logging.ERROR):
        response = client.get("/broken")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "<h1>Something went wrong</h1>" in page
    assert "the disk is on fire" not in page
    assert any("the disk is on fire" in r.getMessage() or r.exc_info for r in caplog.records)
    response = client.get("/api/broken")
    assert response.status_code == 500
    assert response.get_json() == {
        "error": "Internal Server Error",
        "message": response.get_json()["message"],
        "status": 500,
    }
    assert "the disk is on fire" not in response.get_data(as_text=True)


def test_other_errors_use_the_generic_page(client: FlaskClient) -> None:
    response = client.put("/")
    assert response.status_code == 405
    assert "<h1>405 Method Not Allowed</h1>" in response.get_data(as_text=True)
    assert "GET" in response.headers["Allow"]


def test_static_css(client: FlaskClient) -> None:
    response = client.get("/static/style.css")
    assert response.status_code == 200
    assert response.mimetype == "text/css"
    assert b".flash" in response.data
    response.close()
