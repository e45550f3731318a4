"""The JSON API of the notes example (``examples/notes/api.py``): pagination with
bounds checks, creating notes, and JSON errors."""

from __future__ import annotations

import typing as t

import pytest

from conftest import Auth

if t.TYPE_CHECKING:  # pragma: no cover
    from flaskfast.testing import FlaskClient
    from werkzeug.test import TestResponse


def _error(response: TestResponse, status: int) -> str:
    """The message of a JSON error response, after checking its shape."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error", "message", "status"}
    assert body["status"] == status
    return t.cast(str, body["message"])


@pytest.fixture
def api_token(client: FlaskClient) -> dict[str, str]:
    """Headers carrying the session's CSRF token, as a script would send them."""
    body = client.get("/api/csrf-token").get_json()
    assert body["header"] == "X-CSRF-Token"
    return {"X-CSRF-Token": body["csrf_token"]}


def _seed(auth: Auth, n: int) -> None:
    auth.register_and_login()
    for i in range(1, n + 1):
        assert auth.post("/notes/new", title=f"note {i}", body=f"body {i}").status_code == 302


@pytest.mark.parametrize("url", ["/api/notes", "/api/notes/1"])
def test_anonymous_is_401(client: FlaskClient, url: str) -> None:
    message = _error(client.get(url), 401)
    assert message.startswith("Log in first")


def test_empty_list(client: FlaskClient, auth: Auth) -> None:
    auth.register_and_login()
    body = client.get("/api/notes").get_json()
    assert body == {
        "notes": [], "page": 1, "per_page": 10, "total": 0, "pages": 1, "next": None, "prev": None
    }


def test_pagination(client: FlaskClient, auth: Auth) -> None:
    _seed(auth, 7)
    first = client.get("/api/notes?per_page=3").get_json()
    assert [n["title"] for n in first["notes"]] == ["note 7", "note 6", "note 5"]
    assert (first["page"], first["per_page"], first["total"], first["pages"]) == (1, 3, 7, 3)
    assert first["prev"] is None
    assert first["next"] == "/api/notes?page=2&per_page=3"
    second = client.get(first["next"]).get_json()
    assert [n["title"] for n in second["notes"]] == ["note 4", "note 3", "note 2"]
    assert second["prev"] == "/api/notes?page=1&per_page=3"
    last = client.get(second["next"]).get_json()
    assert [n["title"] for n in last["notes"]] == ["note 1"]
    assert last["next"] is None
    note = last["notes"][0]
    assert set(note) == {"id", "title", "body", "created", "updated", "url"}
    assert (note["id"], note["body"], note["url"]) == (1, "body 1", "/api/notes/1")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("page=0", "'page' must be at least 1, not 0."),
        ("page=-2", "'page' must be at least 1, not -2."),
        ("page=two", "'page' must be an integer, not 'two'."),
        ("page=", "'page' must be an integer, not ''."),
        ("per_page=0", "'per_page' must be between 1 and 50, not 0."),
        ("per_page=51", "'per_page' must be between 1 and 50, not 51."),
        ("per_page=1.5", "'per_page' must be an integer, not '1.5'."),
    ],
)
def test_pagination_bounds_are_400(
    client: FlaskClient, auth: Auth, query: str, message: str
) -> None:
    auth.register_and_login()
    assert _error(client.get(f"/api/notes?{query}"), 400) == message


def test_page_past_the_end_is_404(client: FlaskClient, auth: Auth) -> None:
    _seed(auth, 2)
    assert client.get("/api/notes?page=1&per_page=2").status_code == 200
    response = client.get("/api/notes?page=2&per_page=2")
    assert _error(response, 404) == "Page 2 is past the last page (1)."


def test_get_one(client: FlaskClient, auth: Auth) -> None:
    _seed(auth, 1)
    body = client.get("/api/notes/1").get_json()
    assert (body["id"], body["title"], body["body"]) == (1, "note 1", "body 1")


def test_get_missing_is_404(client: FlaskClient, auth: Auth) -> None:
    auth.register_and_login()
    assert _error(client.get("/api/notes/5"), 404) == "Note 5 doesn't exist."


def test_get_another_users_is_403(client: FlaskClient, auth: Auth) -> None:
    _seed(auth, 1)
    auth.logout()
    auth.register_and_login("bob")
    assert _error(client.get("/api/notes/1"), 403) == "That note belongs to another user."


def test_unknown_api_url_is_json_404(client: FlaskClient) -> None:
    message = _error(client.get("/api/nothing/here"), 404)
    assert "not found" in message.lower()


def test_wrong_method_is_json_405_with_allow(client: FlaskClient) -> None:
    response = client.delete("/api/csrf-token")
    _error(response, 405)
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_create(client: FlaskClient, auth: Auth, api_token: dict[str, str]) -> None:
    auth.register_and_login()
    # Logging in started a new session: the token from before is stale.
    stale = client.post("/api/notes", json={"title": "x"}, headers=api_token)
    assert _error(stale, 400).startswith("The CSRF token is missing or does not match")
    token = {"X-CSRF-Token": client.get("/api/csrf-token").get_json()["csrf_token"]}
    note = {"title": " From a script ", "body": "hi"}
    response = client.post("/api/notes", json=note, headers=token)
    assert response.status_code == 201
    assert response.headers["Location"] == "/api/notes/1"
    body = response.get_json()
    assert (body["id"], body["title"], body["body"]) == (1, "From a script", "hi")
    assert "From a script" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"data": "not json", "content_type": "application/json"},
            "The body must be a JSON object",
        ),
        ({"json": ["a", "list"]}, "The body must be a JSON object"),
        ({"data": "title=form"}, "The body must be a JSON object"),
        ({"json": {"body": "no title"}}, "'title' must be a non-empty string."),
        ({"json": {"title": "  "}}, "'title' must be a non-empty string."),
        ({"json": {"title": 3}}, "'title' must be a non-empty string."),
        ({"json": {"title": "t", "body": None}}, "'body' must be a string."),
        ({"json": {"title": "t" * 201}}, "'title' is limited to 200 characters"),
    ],
)
def test_create_rejects_bad_bodies(
    client: FlaskClient, auth: Auth, kwargs: dict[str, t.Any], message: str
) -> None:
    auth.register_and_login()
    token = {"X-CSRF-Token": client.get("/api/csrf-token").get_json()["csrf_token"]}
    response = client.post("/api/notes", headers=token, **kwargs)
    assert _error(response, 400).startswith(message)
    assert client.get("/api/notes").get_json()["total"] == 0


def test_create_without_token_is_400(client: FlaskClient, auth: Auth) -> None:
    auth.register_and_login()
    response = client.post("/api/notes", json={"title": "x"})
    assert _error(response, 400).startswith("The CSRF token is missing")


def test_create_anonymous_is_401(client: FlaskClient, api_token: dict[str, str]) -> None:
    assert _error(client.post("/api/notes", json={"title": "x"}, headers=api_token), 401)
