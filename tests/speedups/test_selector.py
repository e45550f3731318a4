"""The one selector in ``flaskfast._speedups`` picks the implementation we expect.

A compiled build that silently falls back to pure Python would hide a broken
build, so when compiled kernels are present next to the package they must be
the ones in use. Each case runs in a fresh interpreter with a controlled
environment, independent of how this pytest process was started.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _speedups_dir() -> Path:
    spec = importlib.util.find_spec("flaskfast")
    assert spec is not None and spec.submodule_search_locations
    return Path(next(iter(spec.submodule_search_locations))) / "_speedups"


def compiled_kernels() -> list[Path]:
    """Extension modules named ``*_c`` built for this interpreter."""
    found = []
    for path in sorted(_speedups_dir().iterdir()):
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            if path.name.endswith(suffix) and path.name[: -len(suffix)].endswith("_c"):
                found.append(path)
    return found


def implementation(no_extensions: bool) -> str:
    env = {k: v for k, v in os.environ.items() if k != "FLASKFAST_NO_EXTENSIONS"}
    if no_extensions:
        env["FLASKFAST_NO_EXTENSIONS"] = "1"
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p
    )
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import flaskfast._speedups as s; print(s.IMPLEMENTATION)",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_env_var_forces_pure_python() -> None:
    assert implementation(no_extensions=True) == "python"


def test_compiled_kernels_are_used_when_built() -> None:
    kernels = compiled_kernels()
    if not kernels:
        pytest.skip(f"no compiled kernels in {_speedups_dir()}: pure-Python install")
    chosen = implementation(no_extensions=False)
    names = ", ".join(p.name for p in kernels)
    assert chosen == "cython", (
        f"compiled kernels exist ({names}) but the selector chose {chosen!r}:"
        " they fail to import and flaskfast silently fell back to pure Python."
        " Import one directly (python -c 'import flaskfast._speedups.<name>_c')"
        " to see the error."
    )


def test_pure_python_when_no_kernels_were_built() -> None:
    if compiled_kernels():
        pytest.skip("compiled kernels are present")
    # No .pyx yet, FLASKFAST_NO_EXTENSIONS at build time, or no C compiler.
    assert implementation(no_extensions=False) == "python"


def _selection(prelude: str, no_extensions: bool = False) -> list[str]:
    """IMPLEMENTATION, IMPLEMENTATION_REASON and the warnings of importing
    flaskfast in a fresh interpreter, after running ``prelude``."""
    env = {k: v for k, v in os.environ.items() if k != "FLASKFAST_NO_EXTENSIONS"}
    if no_extensions:
        env["FLASKFAST_NO_EXTENSIONS"] = "1"
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p
    )
    code = prelude + (
        "\nimport warnings"
        "\nwith warnings.catch_warnings(record=True) as caught:"
        "\n    warnings.simplefilter('always')"
        "\n    import flaskfast._speedups as s"
        "\nprint(s.IMPLEMENTATION)"
        "\nprint(s.IMPLEMENTATION_REASON)"
        "\nfor w in caught: print(w.category.__name__, w.message)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_reason_when_disabled_by_the_variable() -> None:
    assert _selection("", no_extensions=True) == [
        "python",
        "disabled by FLASKFAST_NO_EXTENSIONS=1",
    ]


def test_no_reason_when_compiled() -> None:
    if not compiled_kernels():
        pytest.skip(f"no compiled kernels in {_speedups_dir()}: pure-Python install")
    assert _selection("") == ["cython", "None"]


def test_reason_when_no_compiled_kernels_are_installed() -> None:
    # No extension suffix matches: as if no kernel had been built.
    prelude = "import importlib.machinery; importlib.machinery.EXTENSION_SUFFIXES[:] = []"
    assert _selection(prelude) == [
        "python",
        "no compiled kernels installed",
    ]


def test_a_kernel_that_fails_to_import_is_reported_and_warned_about() -> None:
    if not compiled_kernels():
        pytest.skip(f"no compiled kernels in {_speedups_dir()}: pure-Python install")
    prelude = (
        "import sys\n"
        "class Broken:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'flaskfast._speedups.router_c':\n"
        "            raise ImportError('undefined symbol: PyFake_Symbol')\n"
        "sys.meta_path.insert(0, Broken())\n"
    )
    implementation, reason, *warned = _selection(prelude)
    assert implementation == "python"
    assert reason == (
        "a compiled kernel failed to import: ImportError: undefined symbol: PyFake_Symbol"
    )
    assert len(warned) == 1
    assert warned[0].startswith("RuntimeWarning flaskfast runs as pure Python: " + reason)
