"""``flaskfast bench`` end to end: the command line, its errors, the worker
processes (compiled, pure, and the real Flask) and what it prints.

The runs are tiny (hundredths of a second per URL); nothing here asserts a
speed, only what was measured and how it is reported.
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
import textwrap
import typing as t
from pathlib import Path

import pytest
from click.testing import CliRunner

from flaskfast._bench import runner
from flaskfast._bench.targets import Target
from flaskfast._speedups import _compiled_pipeline_exists
from flaskfast.cli import cli
from flaskfast.cli import FlaskGroup

from _processes import child_env

TINY = ["--duration", "0.03", "--warmup", "0.005"]

BENCH_APP = """
import flaskfast
from flaskfast import Flask, abort, redirect, request

app = Flask(__name__)
app.logger.disabled = True  # /boom would log a traceback per call


@app.route("/")
def index():
    return "hello"


@app.route("/json")
def as_json():
    return {"a": 1}


@app.route("/moved")
def moved():
    return redirect("/")


@app.route("/boom")
def boom():
    raise RuntimeError("broken view")


@app.route("/which")
def which():
    # On Flask, `import flaskfast` is Flask: this URL answers differently there.
    return ("", 200) if flaskfast.__name__ == "flaskfast" else ("", 404)


@app.route("/noisy")
def noisy():
    print("output of the app")
    return ""


@app.route("/user/<name>")
def user(name):
    return name


@app.post("/items")
def items():
    if request.headers.get("X-Token") != "t":
        abort(403)
    return {"n": len(request.get_json())}, 201
"""

# Loads on flaskfast, not on Flask (which has no install_as_flask).
FLASKFAST_ONLY_APP = """
import flaskfast
from flaskfast import Flask

flaskfast.install_as_flask
app = Flask(__name__)
app.add_url_rule("/", "index", lambda: "hi")
"""


def _bench(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flaskfast", *args],
        cwd=cwd, env=child_env(), capture_output=True, text=True, check=False,
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("benchproject")
    (path / "benchapp.py").write_text(BENCH_APP)
    (path / "onlyflaskfast.py").write_text(FLASKFAST_ONLY_APP)
    return path


@pytest.fixture(scope="module")
def json_run(project: Path) -> tuple[dict[str, t.Any], str]:
    out = _bench(project, "--app", "benchapp", "bench", "--impl", "pure", "--impl", "flask",
                 "--json", *TINY)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout), out.stderr


def test_measures_every_get_route_without_arguments(json_run: tuple[dict[str, t.Any], str]) -> None:
    document, _ = json_run
    assert [i["name"] for i in document["implementations"]] == ["pure", "flask"]
    assert all(i["measured"] for i in document["implementations"])
    assert document["implementations"][1]["version"] == "Flask 3.1.3"
    assert document["implementations"][0]["version"].endswith("(python)")
    assert document["app"] == "benchapp"
    assert [(r["method"], r["path"]) for r in document["results"]] == [
        ("GET", "/"), ("GET", "/json"), ("GET", "/moved"), ("GET", "/boom"),
        ("GET", "/which"), ("GET", "/noisy"),
    ]
    assert {(s["rule"], s["reason"]) for s in document["skipped"]} == {
        ("/static/<path:filename>", "static files"),
        ("/user/<name>", "required URL arguments (name); give a URL with --url"),
        ("/items", "no GET (POST); give it with --url"),
    }


def test_statuses_and_rates(json_run: tuple[dict[str, t.Any], str]) -> None:
    document, _ = json_run
    by_path = {r["path"]: r for r in document["results"]}
    for path, status in [("/", 200), ("/json", 200), ("/moved", 302), ("/noisy", 200)]:
        for measurement in by_path[path]["measurements"].values():
            assert measurement["status"] == status
            assert measurement["error"] is None
            assert measurement["requests"] > 0
            assert measurement["requests_per_second"] > 0
        assert set(by_path[path]["vs_flask"]) == {"pure"}
        assert by_path[path]["vs_flask"]["pure"] > 0
    assert document["geomean"]["urls"] == 5  # all but /boom
    assert set(document["geomean"]["requests_per_second"]) == {"pure", "flask"}


def test_a_failing_route_is_reported_not_timed(json_run: tuple[dict[str, t.Any], str]) -> None:
    document, _ = json_run
    boom = next(r for r in document["results"] if r["path"] == "/boom")
    assert boom["status_mismatch"] is False
    for measurement in boom["measurements"].values():
        assert measurement == {
            "status": 500, "requests": 0, "seconds": 0.0,
            "requests_per_second": None, "error": "HTTP 500 INTERNAL SERVER ERROR",
        }
    assert boom["vs_flask"] == {"pure": None}


def test_a_status_mismatch_is_a_warning(json_run: tuple[dict[str, t.Any], str]) -> None:
    document, stderr = json_run
    which = next(r for r in document["results"] if r["path"] == "/which")
    assert which["status_mismatch"] is True
    assert which["measurements"]["pure"]["status"] == 200
    assert which["measurements"]["flask"]["status"] == 404
    message = "GET /which does not answer the same everywhere: pure 200, Flask 404"
    assert document["warnings"] == [message]
    assert f"Warning: {message}" in stderr


def test_urls_with_method_body_and_headers_and_a_table(project: Path) -> None:
    out = _bench(
        project, "bench", "--app", "benchapp", "--impl", "pure", *TINY,
        "-H", "X-Token: t",
        "--url", "/",
        "--url", "POST /items", "--data", "[1, 2]", "-H", "Content-Type: application/json",
        "--url", "POST /items", "--data", "[1]",  # form data: Flask answers 415
    )
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("flaskfast bench: benchapp, 0.03 s per URL")
    rows = [line.split() for line in lines if line.startswith(("GET", "POST", "geomean"))]
    assert [row[:3] for row in rows] == [
        ["GET", "/", "200"], ["POST", "/items", "201"], ["POST", "/items", "415"],
        ["geomean", "(3", "URLs)"],
    ]
    assert "Skipped rules" not in out.stdout
    assert "output of the app" not in out.stdout


def test_all_implementations_and_an_app_flask_cannot_load(project: Path) -> None:
    out = _bench(project, "--app", "onlyflaskfast", "bench", "--json", *TINY)
    assert out.returncode == 0, out.stderr
    document = json.loads(out.stdout)
    compiled, pure, flask = document["implementations"]
    if _compiled_pipeline_exists() and platform.python_implementation() == "CPython":
        assert compiled["measured"] and compiled["version"].endswith("(cython)")
    else:
        assert not compiled["measured"]
        assert compiled["reason"].startswith("no compiled kernels:")
    assert pure["measured"]
    assert not flask["measured"]
    assert flask["reason"].startswith("the application did not load:")
    assert "AttributeError" in flask["reason"]
    assert "Warning: Flask was not measured: the application did not load:" in out.stderr
    assert document["results"][0]["vs_flask"] == {}


def test_nothing_measured_is_an_error(project: Path) -> None:
    out = _bench(project, "--app", "onlyflaskfast", "bench", "--impl", "flask", *TINY)
    assert out.returncode == 1, out.stderr
    assert out.stdout == ""
    assert "Error: Nothing was measured. Flask: the application did not load:" in out.stderr


def test_a_worker_that_dies_or_hangs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = tmp_path / "dying.py"
    app.write_text(textwrap.dedent(
        """
        import os, time
        from flaskfast import Flask
        app = Flask(__name__)
        app.add_url_rule("/", "index", lambda: "")
        app.add_url_rule("/die", "die", lambda: os._exit(3))
        app.add_url_rule("/hang", "hang", lambda: time.sleep(60))
        """
    ))
    monkeypatch.setenv("PYTHONPATH", child_env()["PYTHONPATH"])
    targets = [Target("GET", "/"), Target("GET", "/die"), Target("GET", "/")]
    progress: list[int] = []
    outcome = runner.run_implementation("pure", str(app), targets, 0.01, 0.0, progress.append)
    assert progress == [0]
    assert outcome.results[0] is not None and outcome.results[1:] == [None, None]
    assert outcome.failure is not None
    assert outcome.failure.startswith("the worker stopped (exit code 3) before the end:")

    # Whether the worker is still starting or already hanging, it is stopped.
    monkeypatch.setattr(runner, "_STARTUP_ALLOWANCE", 1.0)
    monkeypatch.setattr(runner, "_PER_TARGET_ALLOWANCE", 0.0)
    outcome = runner.run_implementation("pure", str(app), [Target("GET", "/hang")], 0.01, 0.0)
    assert outcome.failure == "the worker did not finish in time (a request hangs?)"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--app", "no_such_module_here", "bench"], "Could not import 'no_such_module_here'."),
        (["bench", "--app", "no_such_module_here"], "Could not import 'no_such_module_here'."),
        (["bench", "--url", "GET / x"], "is not a URL to measure"),
        (["bench", "--url", "items"], "the path must start with '/'"),
        (["bench", "--url", "https://example.com/"], "not a full URL"),
        (["bench", "--data", "x", "--url", "POST /"], "--data must follow the --url"),
        (["bench", "--url", "/", "-H", "nocolon"], "is not a header"),
        (["bench", "--duration", "0"], "--duration"),
        (["bench", "--impl", "bottle"], "--impl"),
    ],
)
def test_usage_errors(args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output


@pytest.fixture
def app_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> t.Iterator[t.Callable[[str], str]]:
    """Writes an app module under a fresh name; loading it in this process
    leaves neither sys.path nor sys.modules changed."""
    monkeypatch.syspath_prepend(str(tmp_path))
    names: list[str] = []

    def write(source: str) -> str:
        name = f"bench_app_{tmp_path.name.replace('-', '_')}_{len(names)}"
        names.append(name)
        path = tmp_path / f"{name}.py"
        path.write_text(textwrap.dedent(source))
        return str(path)

    yield write
    for name in names:
        sys.modules.pop(name, None)


def test_no_route_to_measure(app_file: t.Callable[[str], str]) -> None:
    path = app_file(
        """
        from flaskfast import Flask
        app = Flask(__name__, static_folder=None)
        app.add_url_rule("/<name>", "user", lambda name: name)
        """
    )
    result = CliRunner().invoke(cli, ["--app", path, "bench"])
    assert result.exit_code == 2, result.output
    assert "No route to measure" in result.output


def test_an_app_that_fails_to_load(app_file: t.Callable[[str], str]) -> None:
    path = app_file("raise KeyError('missing setting')")
    result = CliRunner().invoke(cli, ["bench", "--app", path])
    assert result.exit_code == 2, result.output
    assert "The application failed to load: KeyError: 'missing setting'" in result.output


def test_registered_on_the_flaskfast_command_only() -> None:
    ctx = cli.make_context("flaskfast", ["--help"], resilient_parsing=True)
    assert "bench" in cli.list_commands(ctx)
    assert "bench" not in FlaskGroup().list_commands(ctx)
    result = CliRunner().invoke(cli, ["bench", "--help"])
    assert result.exit_code == 0
    assert "'[METHOD] PATH'" in result.output
    assert "--json" in result.output


def test_import_flaskfast_does_not_import_the_bench() -> None:
    code = "import sys, flaskfast, flaskfast.cli; print(sorted(m for m in sys.modules if 'bench' in m))"
    out = subprocess.run([sys.executable, "-c", code], env=child_env(), capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "[]"
