"""FLASKFAST_AS_FLASK=1: the start-up hook (``flaskfast_as_flask.pth`` and
``_flaskfast_as_flask``) makes ``import flask`` give flaskfast in any process,
and does nothing without the variable. Each case is a fresh interpreter."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
from pathlib import Path

import pytest

from _processes import ROOT
from _processes import check_python
from _processes import child_env

_PROBE = """
    import sys
    before = ("_flaskfast_as_flask" in sys.modules, "flaskfast" in sys.modules)
    import flask
    import flaskfast
    print(before, flask.Flask is flaskfast.Flask)
"""


def test_without_the_variable_nothing_is_imported_or_replaced() -> None:
    # The development environment has the real Flask installed.
    out = check_python(_PROBE, env=child_env())
    assert out.strip() == "(False, False) False"


@pytest.mark.parametrize("value", ["", "0", "false", "No", " off "])
def test_off_values_leave_flask_alone(value: str) -> None:
    out = check_python(_PROBE, env=child_env(FLASKFAST_AS_FLASK=value))
    assert out.strip().endswith("False")


def test_with_the_variable_flask_is_flaskfast_and_loaded_only_on_import() -> None:
    out = check_python(_PROBE, env=child_env(FLASKFAST_AS_FLASK="1"))
    assert out.strip() == "(True, False) True"


def test_finder_steps_aside_after_the_first_import() -> None:
    out = check_python(
        """
        import sys, _flaskfast_as_flask as hook
        assert hook._finder in sys.meta_path
        from flask.json.tag import TaggedJSONSerializer  # a submodule first
        import flaskfast
        assert TaggedJSONSerializer is flaskfast.json.tag.TaggedJSONSerializer
        assert hook._finder not in sys.meta_path
        import flask
        assert flask.Flask is flaskfast.Flask
        print("ok")
        """,
        env=child_env(FLASKFAST_AS_FLASK="true"),
    )
    assert out.strip() == "ok"


def test_the_real_flask_command_runs_on_flaskfast(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(
        "import flaskfast\n"
        "flaskfast.install_as_flask()  # harmless under FLASKFAST_AS_FLASK\n"
        "from flask import Flask\n"
        "app = Flask(__name__)\n"
        "@app.get('/hi')\ndef hi():\n    return 'hi'\n"
        "@app.cli.command('kind')\ndef kind():\n    print(type(app).__module__)\n"
    )
    env = child_env(FLASKFAST_AS_FLASK="1")
    # `python -m flask` is what the `flask` console script runs.
    routes = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "routes"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )
    assert routes.returncode == 0, routes.stderr
    assert "/hi" in routes.stdout
    kind = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "kind"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )
    assert kind.returncode == 0, kind.stderr
    assert kind.stdout.strip() == "flaskfast.app"


def test_without_flask_installed(flaskless_python: Path) -> None:
    out = check_python(
        """
        import importlib.metadata, warnings
        from flask import Flask
        import flask, flaskfast
        assert Flask is flaskfast.Flask
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            print(flask.__version__, importlib.metadata.version("flask"))
        """,
        python=flaskless_python,
        env=child_env(FLASKFAST_AS_FLASK="1"),
    )
    assert out.strip() == "3.1.3 3.1.3"


def test_installed_hook_is_the_repositorys() -> None:
    # `make install` (pip install -e) and wheels put the .pth into site-packages.
    try:
        dist = importlib.metadata.distribution("flaskfast")
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("flaskfast is not installed in this interpreter (run from a checkout)")
    installed = Path(str(dist.locate_file("flaskfast_as_flask.pth")))
    assert installed.is_file(), f"{installed} missing: reinstall flaskfast"
    assert installed.read_text() == (ROOT / "flaskfast_as_flask.pth").read_text()
    recorded = [str(f) for f in dist.files or ()]
    assert "flaskfast_as_flask.pth" in recorded
    assert "_flaskfast_as_flask.py" in recorded or any(
        "editable" in name for name in recorded
    )


def test_hook_line_reads_only_the_variable() -> None:
    # At start-up without the variable the line costs one os.environ lookup;
    # os is already imported by site.
    line = (ROOT / "flaskfast_as_flask.pth").read_text().strip()
    assert "\n" not in line
    assert line == (
        'import os; os.environ.get("FLASKFAST_AS_FLASK") and'
        ' __import__("_flaskfast_as_flask").activate()'
    )
