"""The notes pages of the example (``examples/notes/notes.py``): list, create, edit,
delete, and that only a note's author can change it."""

from __future__ import annotations

import typing as t

import pytest

from conftest import Auth

if t.TYPE_CHECKING:  # pragma: no cover
    from flaskfast.testing import FlaskClient


def test_anonymous_index_invites_to_register(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<title>Notes · Notes</title>" in page
    assert "Register" in page and "log in" in page
    assert '<link rel="stylesheet" href="/static/style.css">' in page


@pytest.mark.parametrize(
    ("method", "url"),
    [("get", "/notes/new"), ("get", "/notes/1/edit"), ("post", "/notes/1/delete")],
)
def test_pages_need_a_login(client: FlaskClient, auth: Auth, method: str, url: str) -> None:
    response = auth.post(url) if method == "post" else client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")


def test_create_lists_and_flashes(client: FlaskClient, auth: Auth) -> None:
    auth.register_and_login()
    form = client.get("/notes/new")
    assert form.status_code == 200
    assert 'name="csrf_token"' in form.get_data(as_text=True)
    response = auth.post("/notes/new", title="Groceries", body="milk\n<eggs> & bread")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Note “Groceries” created." in page
    assert "<h2>Groceries</h2>" in page
    assert "milk\n&lt;eggs&gt; &amp; bread" in page
    assert 'href="/notes/1/edit"' in page
    assert "1 note." in page


def test_create_needs_a_title(client: FlaskClient, auth: Auth) -> None:
    auth.register_and_login()
    response = auth.post("/notes/new", title="  ", body="kept")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Title is required." in page
    assert ">kept</textarea>" in page
    assert "No notes yet." in client.get("/").get_data(as_text=True)


def test_create_refuses_a_long_title(auth: Auth) -> None:
    auth.register_and_login()
    response = auth.post("/notes/new", title="t" * 201)
    assert "The title is longer than 200 characters." in response.get_data(as_text=True)


def test_notes_are_listed_newest_first(client: FlaskClient, auth: Auth) -> None:
    auth.register_and_login()
    for title in ("first", "second", "third"):
        auth.post("/notes/new", title=title)
    page = client.get("/").get_data(as_text=True)
    assert page.index("third") < page.index("second") < page.index("first")
    assert "3 notes." in page


def test_edit_shows_and_saves(client: FlaskClient, auth: Auth) -> None:
    auth.register_and_login()
    auth.post("/notes/new", title="Draft", body="old text")
    form = client.get("/notes/1/edit").get_data(as_text=True)
    assert 'value="Draft"' in form and ">old text</textarea>" in form
    response = auth.post("/notes/1/edit", title="Final", body="new text")
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "Note “Final” saved." in page
    assert "new text" in page and "Draft" not in page


def test_edit_needs_a_title(auth: Auth) -> None:
    auth.register_and_login()
    auth.post("/notes/new", title="Draft")
    response = auth.post("/notes/1/edit", title="", body="x")
    assert response.status_code == 200
    assert "Title is required." in response.get_data(as_text=True)


def test_delete_removes_the_note(client: FlaskClient, auth: Auth) -> None:
    auth.register_and_login()
    auth.post("/notes/new", title="Old")
    response = auth.post("/notes/1/delete")
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "Note “Old” deleted." in page
    assert "No notes yet." in page
    assert client.get("/notes/1/edit").status_code == 404


def test_delete_is_post_only(client: FlaskClient, auth: Auth) -> None:
    auth.register_and_login()
    auth.post("/notes/new", title="Keep")
    assert client.get("/notes/1/delete").status_code == 405
    assert "Keep" in client.get("/").get_data(as_text=True)


def test_users_see_only_their_own_notes(client: FlaskClient, auth: Auth) -> None:
    auth.register_and_login("alice")
    auth.post("/notes/new", title="alice's secret")
    auth.logout()
    auth.register_and_login("bob")
    page = client.get("/").get_data(as_text=True)
    assert "alice&#39;s secret" not in page and "No notes yet." in page


@pytest.mark.parametrize(
    ("method", "url"),
    [("get", "/notes/1/edit"), ("post", "/notes/1/edit"), ("post", "/notes/1/delete")],
)
def test_another_users_note_is_forbidden(
    client: FlaskClient, auth: Auth, method: str, url: str
) -> None:
    auth.register_and_login("alice")
    auth.post("/notes/new", title="alice's")
    auth.logout()
    auth.register_and_login("bob")
    response = auth.post(url, title="bob was here") if method == "post" else client.get(url)
    assert response.status_code == 403
    assert "That note belongs to another user." in response.get_data(as_text=True)
    auth.logout()
    auth.login("alice")
    assert "alice&#39;s" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("method", "url"),
    [("get", "/notes/99/edit"), ("post", "/notes/99/edit"), ("post", "/notes/99/delete")],
)
def test_a_missing_note_is_404(client: FlaskClient, auth: Auth, method: str, url: str) -> None:
    auth.register_and_login()
    response = auth.post(url, title="x") if method == "post" else client.get(url)
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "<h1>Page not found</h1>" in page
    assert "Note 99 doesn&#39;t exist." in page
