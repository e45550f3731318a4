"""Install flaskfast's wheels and sdist in fresh environments and test them (``make test-wheels``).

Usage::

    python ci/test_wheels.py                # every CPython 3.9 - 3.13 pyenv has
    python ci/test_wheels.py 3.11 3.13      # some of them
    python ci/test_wheels.py --no-sdist     # wheels only
    make test-wheels PYTHONS="3.11 3.12"

First ``ci/wheels.py`` builds the sdist (and checks it) into
``.cache/test-wheels/dist``. Then, for each Python (found as
``$(pyenv root)/versions/X.*``):

1. a wheel is built from the sdist with that interpreter as a release build
   (``FLASKFAST_REQUIRE_EXTENSIONS=1``), checked (every kernel compiled,
   stripped) and, on Linux, ``auditwheel repair``-ed into a manylinux wheel;
2. a fresh virtual environment (in a temporary directory, outside the source
   tree) installs that wheel with the ``test``, ``async`` and ``dotenv``
   extras, and must report ``IMPLEMENTATION == "cython"`` with
   ``flaskfast`` imported from its site-packages;
3. the sdist is unpacked into a temporary directory and its
   ``ci/test_installed.py`` runs with the environment's Python: from a copy
   without the ``flaskfast/`` package, the project tests (compiled, then
   pure) and Flask 3.1.3's own suite (``ci/conformance.py``, both modes,
   baseline gate) test the installed wheel only: a broken wheel cannot pass
   on the source tree's files.

Then the sdist (unless ``--no-sdist``), with the first Python: installed
with no C compiler (``CC=false``) in a fresh environment, under a pseudo
terminal as a person would run pip, it must succeed, print its one warning
exactly once in pip's normal output, and report ``"python"`` (no compiled
kernels installed); the project tests and Flask's suite run against it. The
same sdist built with ``CC=false FLASKFAST_REQUIRE_EXTENSIONS=1`` must fail.

Every step runs even when an earlier one failed; a summary closes the run,
which exits 1 when any step failed. Output is kept in
``.cache/test-wheels/<name>.log``. Slow (several minutes per Python): not
part of ``make test``.
"""

from __future__ import annotations

import argparse
import os
import pty
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _runs
import wheels
from _runs import Log

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache" / "test-wheels"
SUPPORTED = ("3.9", "3.10", "3.11", "3.12", "3.13")
EXTRAS = "test,async,dotenv"
FLASK_SDIST = ROOT / ".cache" / "download" / "flask-3.1.3.tar.gz"
#: The first words of setup.py's warning for a build that fell back to pure Python.
PURE_WARNING = "WARNING: flaskfast: the compiled kernels were not built"


def find_python(version: str) -> Path | None:
    """``$(pyenv root)/versions/<version>.*/bin/python``, newest patch release."""
    try:
        root = subprocess.run(
            ["pyenv", "root"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    candidates = sorted(
        Path(root, "versions").glob(f"{version}.*"),
        key=lambda p: [int(x) if x.isdigit() else 0 for x in p.name.split(".")],
    )
    for candidate in reversed(candidates):
        python = candidate / "bin" / "python"
        if python.is_file():
            return python
    return None


def run_in_terminal(
    log: Log, command: list[str], cwd: Path, env: dict[str, str]
) -> tuple[int, str]:
    """Run ``command`` with a pseudo terminal as its controlling terminal (as
    a person runs pip), streaming its output to ``log``."""
    log.write(f"$ (terminal) {' '.join(command)}\n")
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.chdir(cwd)
            os.execvpe(command[0], command, env)
        finally:
            os._exit(127)
    chunks = []
    while True:
        try:
            data = os.read(fd, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        text = data.decode("utf-8", "replace")
        log.write(text)
        chunks.append(text)
    os.close(fd)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), "".join(chunks)


class Target:
    """One install to test: its steps' outcomes for the summary."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.steps: list[tuple[str, bool, str]] = []

    def record(self, step: str, ok: bool, detail: str = "") -> bool:
        self.steps.append((step, ok, detail))
        return ok

    @property
    def ok(self) -> bool:
        return bool(self.steps) and all(ok for _, ok, _ in self.steps)


def make_venv(log: Log, python: Path, where: Path) -> Path | None:
    code, _ = _runs.run(log, [str(python), "-m", "venv", str(where)], ROOT)
    if code != 0:
        return None
    venv_python = where / "bin" / "python"
    code, _ = _runs.run(
        log, [str(venv_python), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], ROOT
    )
    return venv_python if code == 0 else None


def test_installed(
    log: Log, target: Target, venv_python: Path, sdist: Path, where: Path, expect: str
) -> None:
    """``ci/test_installed.py`` of the unpacked sdist, with the environment's
    Python: the implementation, the project tests (compiled and pure) and
    Flask's suite, from a copy without the ``flaskfast`` package."""
    source = wheels.unpack(sdist, where)
    if FLASK_SDIST.is_file():  # spare the conformance run a download
        (source / ".cache" / "download").mkdir(parents=True)
        shutil.copy2(FLASK_SDIST, source / ".cache" / "download" / FLASK_SDIST.name)
    code, out = _runs.run(
        log,
        [str(venv_python), "ci/test_installed.py", "--expect", expect],
        source,
        _runs.environment(pure=False),
    )
    lines = out.splitlines()
    found = [line for line in lines if line.startswith("test-installed: IMPLEMENTATION=")]
    target.record("implementation", bool(found) and f"={expect!r}" in found[0],
                  found[0].split(": ", 1)[1] if found else "not reported")
    totals = [line.strip() for line in lines if " passed" in line and " in " in line]
    target.record("tests + conformance", code == 0, " | ".join(totals))


def test_wheel(python: Path, version: str, sdist: Path, results: list[Target]) -> None:
    target = Target(f"wheel py{version}")
    results.append(target)
    log = Log(CACHE / f"wheel-py{version}.log")
    try:
        _test_wheel(log, target, python, version, sdist)
    finally:
        log.close()


def _test_wheel(log: Log, target: Target, python: Path, version: str, sdist: Path) -> None:
    with tempfile.TemporaryDirectory(prefix=f"flaskfast-wheel-py{version}-") as tmp_name:
        tmp = Path(tmp_name)
        venv_python = make_venv(log, python, tmp / "venv")
        if venv_python is None:
            target.record("venv", False)
            return
        built = tmp / "built"
        code, _ = _runs.run(
            log,
            [str(venv_python), "-m", "pip", "wheel", "--no-deps", "--wheel-dir", str(built),
             str(sdist)],
            ROOT,
            wheels.clean_env(FLASKFAST_REQUIRE_EXTENSIONS="1"),
        )
        if not target.record("build", code == 0):
            return
        try:
            wheel = wheels.only(built, "flaskfast-*.whl")
            wheels.check_platform_wheel(wheel)
            if sys.platform.startswith("linux"):
                wheel = wheels.repair(wheel, built)
                wheels.check_platform_wheel(wheel)
        except wheels.BuildError as e:
            target.record("wheel", False, str(e))
            return
        target.record("wheel", True, wheel.name)
        keep = CACHE / "wheels"
        keep.mkdir(parents=True, exist_ok=True)
        shutil.copy2(wheel, keep / wheel.name)
        code, _ = _runs.run(
            log,
            [str(venv_python), "-m", "pip", "install", "--quiet", f"{wheel}[{EXTRAS}]"],
            ROOT,
            wheels.clean_env(),
        )
        if not target.record("install", code == 0):
            return
        test_installed(log, target, venv_python, sdist, tmp / "src", "cython")


def test_sdist_without_compiler(
    python: Path, version: str, sdist: Path, results: list[Target]
) -> None:
    target = Target(f"sdist CC=false py{version}")
    results.append(target)
    log = Log(CACHE / f"sdist-py{version}.log")
    try:
        _test_sdist(log, target, python, version, sdist)
    finally:
        log.close()


def _test_sdist(log: Log, target: Target, python: Path, version: str, sdist: Path) -> None:
    with tempfile.TemporaryDirectory(prefix=f"flaskfast-sdist-py{version}-") as tmp_name:
        tmp = Path(tmp_name)
        venv_python = make_venv(log, python, tmp / "venv")
        if venv_python is None:
            target.record("venv", False)
            return
        # A release build without a compiler fails.
        code, out = _runs.run(
            log,
            [str(venv_python), "-m", "pip", "wheel", "--no-deps", "--no-cache-dir",
             "--wheel-dir", str(tmp / "required"), str(sdist)],
            ROOT,
            wheels.clean_env(CC="false", FLASKFAST_REQUIRE_EXTENSIONS="1"),
        )
        target.record("required build fails", code != 0, f"pip exit {code}")
        # pip's normal output, in a terminal: one warning.
        code, out = run_in_terminal(
            log,
            [str(venv_python), "-m", "pip", "install", "--no-cache-dir", f"{sdist}[{EXTRAS}]"],
            ROOT,
            wheels.clean_env(CC="false"),
        )
        if not target.record("install", code == 0, f"pip exit {code}"):
            return
        count = out.count(PURE_WARNING)
        target.record("one warning", count == 1, f"{count} in pip's output")
        test_installed(log, target, venv_python, sdist, tmp / "src", "python")


def summary(results: list[Target], seconds: float) -> int:
    print(f"\n=== test-wheels summary ({seconds / 60:.1f} min) ===")
    for target in results:
        print(f"{target.name}: {'ok' if target.ok else 'FAILED'}")
        for step, ok, detail in target.steps:
            print(f"  {'ok  ' if ok else 'FAIL'} {step:22} {detail}")
    return 0 if results and all(t.ok for t in results) else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("versions", nargs="*", help=f"Python versions (default {SUPPORTED})")
    parser.add_argument("--no-sdist", action="store_true", help="skip the CC=false sdist run")
    args = parser.parse_args()
    started = time.monotonic()

    pythons: list[tuple[str, Path]] = []
    for version in args.versions or SUPPORTED:
        python = find_python(version)
        if python is None:
            if args.versions:
                print(f"test-wheels: no Python {version} under pyenv", file=sys.stderr)
                return 1
            continue
        pythons.append((version, python))
    if not pythons:
        print("test-wheels: no CPython 3.9 - 3.13 found with pyenv", file=sys.stderr)
        return 1
    print("test-wheels: " + ", ".join(f"{v} ({p})" for v, p in pythons), flush=True)

    try:
        built = wheels.build_all(CACHE / "dist")
    except wheels.BuildError as e:
        print(f"test-wheels: building the sdist failed: {e}", file=sys.stderr)
        return 1
    sdist = built["sdist"]

    results: list[Target] = []
    for version, python in pythons:
        test_wheel(python, version, sdist, results)
    if not args.no_sdist:
        version, python = pythons[0]
        test_sdist_without_compiler(python, version, sdist, results)
    return summary(results, time.monotonic() - started)


if __name__ == "__main__":
    sys.exit(main())
