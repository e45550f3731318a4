"""Fixtures for the notes example's tests: a fresh app on a temporary database,
a test client, and ``auth`` to register, log in and out through the real forms."""

from __future__ import annotations

import re
import sys
import typing as t
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from examples.notes import create_app  # noqa: E402
from examples.notes.db import init_db  # noqa: E402

if t.TYPE_CHECKING:  # pragma: no cover
    from flaskfast import Flask
    from flaskfast.testing import FlaskClient
    from werkzeug.test import TestResponse

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    """The notes app in testing mode, its database created in ``tmp_path``."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "notes test",
            "DATABASE": str(tmp_path / "notes.sqlite"),
            # Hashing with scrypt takes ~0.1 s; the app's default is tested on its own.
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        },
        instance_path=str(tmp_path / "instance"),
    )
    with app.app_context():
        init_db()
    return app


def form_token(client: FlaskClient, url: str = "/auth/login") -> str:
    """The CSRF token in the hidden field of the form at ``url`` (read like a browser does)."""
    html = client.get(url).get_data(as_text=True)
    match = _TOKEN.search(html)
    assert match is not None, f"no csrf_token field in {url}:\n{html}"
    return match.group(1)


class Auth:
    """Register, log in and out through the forms, with the page's CSRF token."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def register(self, username: str = "alice", password: str = "wonderland") -> TestResponse:
        token = form_token(self.client, "/auth/register")
        data = {"username": username, "password": password, "csrf_token": token}
        return self.client.post("/auth/register", data=data)

    def login(self, username: str = "alice", password: str = "wonderland") -> TestResponse:
        data = {"username": username, "password": password, "csrf_token": form_token(self.client)}
        return self.client.post("/auth/login", data=data)

    def register_and_login(self, username: str = "alice", password: str = "wonderland") -> None:
        assert self.register(username, password).status_code == 302
        assert self.login(username, password).status_code == 302

    def logout(self) -> TestResponse:
        return self.client.post("/auth/logout", data={"csrf_token": form_token(self.client)})

    def post(self, url: str, **data: str) -> TestResponse:
        """POST ``data`` to ``url`` with a valid CSRF token."""
        return self.client.post(url, data={**data, "csrf_token": form_token(self.client)})


@pytest.fixture
def auth(client: FlaskClient) -> Auth:
    return Auth(client)
