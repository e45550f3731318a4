"""Shared fixtures for flaskfast's own tests."""

from __future__ import annotations

import typing as t

import pytest

if t.TYPE_CHECKING:  # pragma: no cover
    from pathlib import Path

    from flaskfast import Flask
    from flaskfast.testing import FlaskClient


# Variables the CLI and the debug flag read; a developer's shell must not leak in.
_FLASK_ENV_VARS = (
    "FLASK_APP",
    "FLASK_DEBUG",
    "FLASK_ENV_FILE",
    "FLASK_RUN_FROM_CLI",
    "WERKZEUG_RUN_MAIN",
)


@pytest.fixture(autouse=True)
def _clean_flask_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _FLASK_ENV_VARS:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def app() -> Flask:
    """A fresh application in testing mode, with a secret key for sessions."""
    from flaskfast import Flask

    app = Flask("flaskfast_test")
    app.config.update(TESTING=True, SECRET_KEY="test secret")
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture(scope="session")
def flaskless_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Python executable whose environment has flaskfast but no Flask
    (see ``_processes.make_flaskless_python``); shared, never modified."""
    from _processes import make_flaskless_python

    return make_flaskless_python(tmp_path_factory.mktemp("flaskless"))
