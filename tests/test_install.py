"""install_as_flask(): flaskfast answers to ``import flask``.

Each case runs in a fresh interpreter because the function edits sys.modules
for the whole process.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from _processes import check_python
from _processes import child_env
from _processes import run_python


def test_flask_names_resolve_to_flaskfast_objects() -> None:
    out = check_python(
        """
        import flaskfast
        from flaskfast._install import SUBMODULES, FlaskPackage
        flaskfast.install_as_flask()
        import importlib, sys
        import flask
        assert isinstance(flask, FlaskPackage) and flask.__name__ == "flask"
        assert flask.__spec__.name == "flask"
        assert flask.__file__ == flaskfast.__file__
        public = [n for n in dir(flaskfast) if not n.startswith("_")]
        assert "Flask" in public and "request" in public
        for name in public:
            assert getattr(flask, name) is getattr(flaskfast, name), name
        for rel in SUBMODULES:
            alias = importlib.import_module("flask." + rel)
            real = importlib.import_module("flaskfast." + rel)
            assert alias is real, rel
            assert sys.modules["flask." + rel] is real, rel
        from flask import Flask
        from flask.json.tag import TaggedJSONSerializer
        from flask.sansio.scaffold import Scaffold
        assert Flask is flaskfast.Flask
        assert TaggedJSONSerializer is flaskfast.json.tag.TaggedJSONSerializer
        assert Scaffold is flaskfast.sansio.scaffold.Scaffold
        # The package found again by the import system is the same object.
        assert importlib.util.find_spec("flask") is flask.__spec__
        assert importlib.import_module("flask") is flask
        print("ok")
        """
    )
    assert out.strip() == "ok"


def test_install_is_idempotent() -> None:
    out = check_python(
        """
        import sys
        import flaskfast
        flaskfast.install_as_flask()
        package = sys.modules["flask"]
        before = dict(sys.modules)
        finders = list(sys.meta_path)
        flaskfast.install_as_flask()
        assert sys.modules["flask"] is package
        assert {k: v for k, v in sys.modules.items() if k.startswith("flask")} == {
            k: v for k, v in before.items() if k.startswith("flask")
        }
        assert sys.meta_path == finders
        print("ok")
        """
    )
    assert out.strip() == "ok"


def test_refusal_when_real_flask_was_imported_first_says_what_to_do() -> None:
    result = run_python(
        """
        import flask
        import flaskfast
        flaskfast.install_as_flask()
        """
    )
    assert result.returncode != 0
    assert "RuntimeError" in result.stderr
    assert "install_as_flask() must run before the real Flask" in result.stderr
    assert "FLASKFAST_AS_FLASK=1" in result.stderr
    assert "'flaskfast' command" in result.stderr


def test_refusal_under_the_real_flask_command_points_to_flaskfast(
    tmp_path: Path,
) -> None:
    # The real Flask's `flask` command imports Flask before the app; the app's
    # install_as_flask() must say to use the `flaskfast` command instead.
    (tmp_path / "installing.py").write_text(
        "import flaskfast\n"
        "flaskfast.install_as_flask()\n"
        "from flask import Flask\n"
        "app = Flask(__name__)\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "installing", "routes"],
        capture_output=True,
        text=True,
        env=child_env(),
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("RuntimeError: install_as_flask() cannot replace Flask here")
    assert "real Flask's 'flask' command" in last
    assert "with 'flaskfast' instead of 'flask'" in last
    assert "FLASKFAST_AS_FLASK=1" in last
    assert "must run before" not in last


def test_other_submodules_are_not_loaded_twice() -> None:
    # Modules outside the eager list (here flaskfast's own routing module) must
    # alias the existing module instead of executing the file again.
    out = check_python(
        """
        import flaskfast
        flaskfast.install_as_flask()
        import flask.routing
        import flaskfast.routing
        assert flask.routing is flaskfast.routing
        assert flaskfast.routing.__spec__.name == "flaskfast.routing"
        print("ok")
        """
    )
    assert out.strip() == "ok"


_VERSION_PROBE = """
    import sys, warnings
    if sys.argv[1] == "flaskfast":
        import flaskfast
        flaskfast.install_as_flask()
    import flask
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        version = flask.__version__
    [w] = caught
    print(version, w.category.__name__, w.filename, w.lineno, sep="|")
    print(w.message)
"""


def test_flask_version_answers_as_flask_3_1_3_with_flasks_warning() -> None:
    real = check_python(_VERSION_PROBE, args=("flask",))
    ours = check_python(_VERSION_PROBE, args=("flaskfast",))
    assert real.splitlines()[0].startswith("3.1.3|DeprecationWarning|<string>|")
    assert ours == real


def test_flaskfast_version_stays_its_own() -> None:
    out = check_python(
        """
        import importlib.metadata, warnings
        import flaskfast
        flaskfast.install_as_flask()
        import flask
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            own = flaskfast.__version__
            as_flask = flask.__version__
        assert own == importlib.metadata.version("flaskfast"), own
        assert as_flask == "3.1.3"
        assert [w.category for w in caught] == [DeprecationWarning] * 2
        assert "flaskfast" in str(caught[0].message)
        print(own)
        """
    )
    assert out.strip() != "3.1.3"


def test_python_m_flask_runs_flaskfasts_command_line(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(
        "from flask import Flask\napp = Flask(__name__)\n"
        "@app.get('/ping')\ndef ping():\n    return 'pong'\n"
    )
    result = run_python(
        """
        import flaskfast, runpy
        flaskfast.install_as_flask()
        runpy.run_module("flask", run_name="__main__", alter_sys=True)
        """,
        args=("--app", "app", "routes"),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "ping" in result.stdout and "/ping" in result.stdout


def test_without_flask_installed_the_aliases_still_resolve(
    flaskless_python: Path,
) -> None:
    out = check_python(
        """
        import importlib.util
        assert importlib.util.find_spec("flask") is None, "Flask is installed"
        import flaskfast
        flaskfast.install_as_flask()
        import flask.json.tag, flask.routing
        from flask import Flask
        assert Flask is flaskfast.Flask
        assert flask.routing is flaskfast.routing
        print("ok")
        """,
        python=flaskless_python,
    )
    assert out.strip() == "ok"


def test_python_m_flask_without_flask_installed(
    flaskless_python: Path, tmp_path: Path
) -> None:
    (tmp_path / "app.py").write_text("from flask import Flask\napp = Flask(__name__)\n")
    result = run_python(
        "import flaskfast, runpy; flaskfast.install_as_flask();"
        " runpy.run_module('flask', run_name='__main__', alter_sys=True)",
        python=flaskless_python,
        args=("--app", "app", "--version"),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "Flask 3.1.3 (flaskfast" in result.stdout


def test_helper_builds_an_environment_without_flask(flaskless_python: Path) -> None:
    result = run_python("import flask", python=flaskless_python)
    assert "ModuleNotFoundError: No module named 'flask'" in result.stderr
    out = check_python(
        """
        import importlib.metadata
        try:
            importlib.metadata.version("flask")
        except importlib.metadata.PackageNotFoundError:
            print("no flask distribution")
        """,
        python=flaskless_python,
    )
    assert out.strip() == "no flask distribution"
