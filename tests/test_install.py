"""install_as_flask(): flaskfast answers to ``import flask``.

Each case runs in a fresh interpreter because the function edits sys.modules
for the whole process.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p
    )
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )


def check(code: str) -> str:
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_flask_names_resolve_to_flaskfast_modules() -> None:
    out = check(
        """
        import flaskfast
        from flaskfast._install import SUBMODULES
        flaskfast.install_as_flask()
        import importlib, sys
        import flask
        assert flask is flaskfast
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
        print("ok")
        """
    )
    assert out.strip() == "ok"


def test_install_is_idempotent() -> None:
    out = check(
        """
        import sys
        import flaskfast
        flaskfast.install_as_flask()
        before = dict(sys.modules)
        finders = list(sys.meta_path)
        flaskfast.install_as_flask()
        assert sys.modules["flask"] is flaskfast
        assert {k: v for k, v in sys.modules.items() if k.startswith("flask")} == {
            k: v for k, v in before.items() if k.startswith("flask")
        }
        assert sys.meta_path == finders
        print("ok")
        """
    )
    assert out.strip() == "ok"


def test_refuses_when_real_flask_was_imported_first() -> None:
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


def test_other_submodules_are_not_loaded_twice() -> None:
    # Modules outside the eager list (here flaskfast's own routing module) must
    # alias the existing module instead of executing the file again.
    out = check(
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
