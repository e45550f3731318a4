"""An unmodified Flask application file (``from flask import Flask``) served on
flaskfast: by gunicorn and by granian under ``FLASKFAST_AS_FLASK=1``, and by the
``flaskfast`` command (``run``, ``routes``, ``shell`` and the app's own
commands), with and without the real Flask installed.

Servers listen on 127.0.0.1 on a free port, and every wait is bounded.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import time
import typing as t
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from _processes import child_env

APP = '''\
import flask
from flask import Flask, jsonify, request

app = Flask(__name__)


@app.route("/")
def index():
    import flaskfast
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        version = flask.__version__
    return jsonify(
        flask_is_flaskfast=flask.Flask is flaskfast.Flask,
        app_class=type(app).__module__,
        version=version,
        path=request.path,
    )


@app.cli.command("kind")
def kind():
    print("app class from", type(app).__module__)
'''

START_TIMEOUT = 60.0


@pytest.fixture
def app_dir(tmp_path: Path) -> Path:
    (tmp_path / "app.py").write_text(APP)
    return tmp_path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> dict[str, t.Any]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=5) as response:
        assert response.status == 200
        return t.cast("dict[str, t.Any]", json.loads(response.read()))


def _serve_and_get(
    command: list[str], cwd: Path, port: int, env: dict[str, str]
) -> dict[str, t.Any]:
    """Start the server, GET / once it answers, stop it; all bounded in time."""
    log = cwd / "server.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if server.poll() is not None:
                pytest.fail(f"server exited with {server.returncode}:\n{log.read_text()}")
            try:
                return _get(f"http://127.0.0.1:{port}/")
            except (urllib.error.URLError, ConnectionError, OSError):
                if time.monotonic() > deadline:
                    pytest.fail(f"no answer within {START_TIMEOUT} s:\n{log.read_text()}")
                time.sleep(0.1)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=15)


def _require(module: str) -> None:
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not installed here; it comes with the 'test' extra")


def _check(body: dict[str, t.Any]) -> None:
    assert body == {
        "flask_is_flaskfast": True,
        "app_class": "flaskfast.app",
        "version": "3.1.3",
        "path": "/",
    }


def test_gunicorn_serves_an_unmodified_app(app_dir: Path) -> None:
    _require("gunicorn")
    port = _free_port()
    command = [
        sys.executable, "-m", "gunicorn", "--workers", "1",
        "--bind", f"127.0.0.1:{port}", "app:app",
    ]
    _check(_serve_and_get(command, app_dir, port, child_env(FLASKFAST_AS_FLASK="1")))


def test_granian_serves_an_unmodified_app(app_dir: Path) -> None:
    _require("granian")
    port = _free_port()
    command = [
        sys.executable, "-m", "granian", "--interface", "wsgi", "--workers", "1",
        "--host", "127.0.0.1", "--port", str(port), "app:app",
    ]
    _check(_serve_and_get(command, app_dir, port, child_env(FLASKFAST_AS_FLASK="1")))


def test_flaskfast_run_serves_an_unmodified_app(app_dir: Path) -> None:
    port = _free_port()
    command = [
        sys.executable, "-m", "flaskfast", "--app", "app", "run",
        "--host", "127.0.0.1", "--port", str(port),
    ]
    _check(_serve_and_get(command, app_dir, port, child_env()))


def _flaskfast(
    python: str | Path, cwd: Path, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(python), "-m", "flaskfast", *args],
        input=stdin, capture_output=True, text=True, cwd=cwd, env=child_env(),
        timeout=120,
    )


@pytest.mark.parametrize("environment", ["with Flask", "without Flask"])
def test_flaskfast_command_loads_an_unmodified_app(
    app_dir: Path, environment: str, request: pytest.FixtureRequest
) -> None:
    python = (
        sys.executable
        if environment == "with Flask"
        else request.getfixturevalue("flaskless_python")
    )
    routes = _flaskfast(python, app_dir, "--app", "app", "routes")
    assert routes.returncode == 0, routes.stderr
    assert routes.stdout.split()[:3] == ["Endpoint", "Methods", "Rule"]
    assert "index" in routes.stdout and "static" in routes.stdout

    # Found without --app too: app.py in the working directory.
    kind = _flaskfast(python, app_dir, "kind")
    assert kind.returncode == 0, kind.stderr
    assert kind.stdout.strip() == "app class from flaskfast.app"

    shell = _flaskfast(
        python, app_dir, "--app", "app", "shell",
        stdin="import flask, flaskfast; print('SHELL', type(app).__module__, flask.Flask is flaskfast.Flask)\n",
    )
    assert shell.returncode == 0, shell.stderr
    assert "SHELL flaskfast.app True" in shell.stdout
