"""Helpers for tests that need a fresh interpreter (``import flask`` decisions
are per process): running Python code, and an environment without Flask.

``child_env()`` is the test process's environment with the repository first on
``PYTHONPATH`` and without the variables that would change the answer under
test (``FLASKFAST_AS_FLASK``, the CLI's ``FLASK_*``).

``make_flaskless_python(tmp)`` builds, in about a tenth of a second, a virtual
environment without pip and without Flask in which flaskfast, its
dependencies and the ``FLASKFAST_AS_FLASK`` hook are importable: the packages
are symbolic links to the ones this interpreter uses, and the hook's ``.pth``
file is the repository's, copied into the new site-packages as an install
puts it there.
"""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
import textwrap
import typing as t
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_SCRUBBED = (
    "FLASKFAST_AS_FLASK",
    "FLASK_APP",
    "FLASK_DEBUG",
    "FLASK_ENV_FILE",
    "FLASK_RUN_FROM_CLI",
    "WERKZEUG_RUN_MAIN",
    "PYTHONPATH",
)

# flaskfast's runtime requirements (import name, distribution name).
_DEPENDENCIES = (
    ("werkzeug", "werkzeug"),
    ("jinja2", "jinja2"),
    ("markupsafe", "markupsafe"),
    ("itsdangerous", "itsdangerous"),
    ("click", "click"),
    ("blinker", "blinker"),
)
if sys.version_info < (3, 10):
    # flaskfast's CLI reads entry points through the backport there, as Flask's does.
    _DEPENDENCIES += (("importlib_metadata", "importlib_metadata"), ("zipp", "zipp"))


def child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED}
    pythonpath = os.environ.get("PYTHONPATH", "")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), pythonpath) if p)
    env.update(extra)
    return env


def run_python(
    code: str,
    *,
    python: str | Path = sys.executable,
    env: dict[str, str] | None = None,
    cwd: str | Path = ROOT,
    args: tuple[str, ...] = (),
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(python), "-c", textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        env=child_env() if env is None else env,
        cwd=cwd,
        timeout=120,
    )


def check_python(code: str, **kwargs: t.Any) -> str:
    result = run_python(code, **kwargs)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _link(target: Path, links: Path) -> None:
    (links / target.name).symlink_to(target, target_is_directory=target.is_dir())


def _dist_info(name: str) -> Path | None:
    try:
        dist = importlib.metadata.distribution(name)
    except importlib.metadata.PackageNotFoundError:
        return None
    path = getattr(dist, "_path", None)  # a PathDistribution's folder
    return Path(path) if path is not None and Path(path).is_dir() else None


def make_flaskless_python(tmp: Path) -> Path:
    """A Python executable whose environment has flaskfast but no Flask."""
    import flaskfast

    env_dir = tmp / "venv"
    venv.EnvBuilder(with_pip=False, symlinks=os.name != "nt").create(env_dir)
    bindir = "Scripts" if os.name == "nt" else "bin"
    python = env_dir / bindir / Path(sys.executable).name
    site_packages = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    links = tmp / "links"
    links.mkdir()
    _link(Path(flaskfast.__file__).resolve().parent, links)
    _link(ROOT / "_flaskfast_as_flask.py", links)
    _link(ROOT / "_flaskfast_flags.py", links)
    for module_name, dist_name in (*_DEPENDENCIES, ("flaskfast", "flaskfast")):
        if module_name != "flaskfast":
            module = __import__(module_name)
            _link(Path(module.__file__).resolve().parent, links)
        info = _dist_info(dist_name)
        if info is not None:
            _link(info, links)
    # "00-" sorts before the hook's .pth, as installers' own path hooks do.
    (site_packages / "00-flaskfast-test-links.pth").write_text(f"{links}\n")
    hook = ROOT / "flaskfast_as_flask.pth"
    (site_packages / hook.name).write_text(hook.read_text())
    return python
