"""Run every check of ``make test`` on each supported Python (``make test-pythons``).

Usage::

    python ci/test_pythons.py                  # Python 3.9, 3.11 and 3.13
    python ci/test_pythons.py 3.9 3.13         # some of them
    make test-pythons PYTHONS="3.10 3.12"      # the same through make

For each version the interpreter is found with pyenv (``pyenv prefix X``, then
``$(pyenv root)/versions/X.*``, then ``pythonX`` on PATH), and a virtual
environment ``.venv-pyX`` is created beside ``.venv`` (git-ignored). flaskfast
is installed into it editable with the ``test``, ``async`` and ``dotenv``
extras, which builds the Cython kernels in place for that interpreter (the
``.so`` names carry the ABI tag, so the kernels of several Pythons coexist in
the tree); the install is redone when ``pyproject.toml``, ``setup.py`` or a
``.pyx`` changes. The run fails unless ``flaskfast._speedups.IMPLEMENTATION``
is ``"cython"`` there: an optional extension that failed to build would
otherwise pass every check in pure mode twice.

Then, in that environment: the project tests compiled and pure, Flask
3.1.3's own suite in both modes (``ci/conformance.py``, baseline gate), the
same suite against the real Flask 3.1.3 (``--mode flask``; flaskfast must pass
as many tests as Flask does on that Python, in both modes), Jinja's own
suite on flaskfast's environment (``ci/jinja_suite.py``, both modes), and
``bench/compare.py --quick --gate --suites basic``. Every step runs even when an earlier one
failed; a summary table closes the run, and the exit status is 1 when any
step failed. The output of each Python is also kept in
``.cache/test-pythons/pyX.log``.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
import typing as t
from pathlib import Path

import _runs
from _runs import Log
from _runs import environment

ROOT = Path(__file__).resolve().parent.parent
LOGS = ROOT / ".cache" / "test-pythons"
DEFAULT_PYTHONS = ("3.9", "3.11", "3.13")
EXTRAS = "test,async,dotenv"
# Files whose change means the environment must be reinstalled (and rebuilt).
BUILD_INPUTS = ("pyproject.toml", "setup.py", "_flaskfast_flags.py")
STAMP_NAME = ".flaskfast-installed"


class Result:
    """What one Python did: one entry per step, plus the numbers for the summary."""

    def __init__(self, version: str) -> None:
        self.version = version
        self.executable = "-"
        self.steps: dict[str, bool] = {}
        self.tests: dict[str, dict[str, int]] = {}  # mode -> {"passed": N, ...}
        self.conformance: dict[str, int] = {}  # compiled / pure / flask -> passed
        self.geomeans: dict[str, str] = {}  # "ff/flask" ... -> "9.15x"
        self.seconds = 0.0

    @property
    def ok(self) -> bool:
        return bool(self.steps) and all(self.steps.values())


def pyenv_root() -> Path | None:
    pyenv = shutil.which("pyenv")
    if pyenv:
        proc = subprocess.run([pyenv, "root"], capture_output=True, text=True)
        if proc.returncode == 0 and proc.stdout.strip():
            return Path(proc.stdout.strip())
    root = os.environ.get("PYENV_ROOT") or str(Path.home() / ".pyenv")
    return Path(root) if Path(root).is_dir() else None


def find_python(version: str) -> Path | None:
    """The newest installed CPython ``version`` (``"3.9"``), or None."""
    pyenv = shutil.which("pyenv")
    if pyenv:
        proc = subprocess.run([pyenv, "prefix", version], capture_output=True, text=True)
        prefix = proc.stdout.strip().splitlines()[:1]
        if proc.returncode == 0 and prefix:
            candidate = Path(prefix[0]) / "bin" / "python"
            if candidate.is_file():
                return candidate
    root = pyenv_root()
    if root is not None:
        pattern = re.compile(rf"{re.escape(version)}\.(\d+)")
        found = []
        for path in (root / "versions").glob(f"{version}.*"):
            match = pattern.fullmatch(path.name)
            if match and (path / "bin" / "python").is_file():
                found.append((int(match.group(1)), path / "bin" / "python"))
        if found:
            return max(found)[1]
    on_path = shutil.which(f"python{version}")
    return Path(on_path) if on_path else None


def build_hash() -> str:
    digest = hashlib.sha256()
    inputs = [ROOT / name for name in BUILD_INPUTS]
    inputs += sorted((ROOT / "flaskfast" / "_speedups").glob("*_c.pyx"))
    for path in inputs:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def run(log: Log, command: list[str], env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run ``command`` in the repository (see ``_runs.run``)."""
    return _runs.run(log, command, ROOT, env)


def implementation(python: Path) -> str:
    proc = subprocess.run(
        [str(python), "-c", "import flaskfast._speedups as s; print(s.IMPLEMENTATION)"],
        cwd=ROOT,
        env=environment(pure=False),
        capture_output=True,
        text=True,
    )
    return proc.stdout.strip() if proc.returncode == 0 else f"error: {proc.stderr.strip()}"


def prepare(log: Log, interpreter: Path, venv: Path) -> Path | None:
    """Create/refresh ``venv``; its python when flaskfast's kernels load there."""
    python = venv / "bin" / "python"
    if not python.is_file():
        code, _ = run(log, [str(interpreter), "-m", "venv", str(venv)])
        if code:
            return None
        code, _ = run(log, [str(python), "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
        if code:
            return None

    stamp = venv / STAMP_NAME
    wanted = build_hash()
    current = stamp.read_text(encoding="utf-8") if stamp.is_file() else ""
    if current == wanted and implementation(python) == "cython":
        log.write(f"{venv.name}: up to date (build inputs unchanged)\n")
    else:
        stamp.unlink(missing_ok=True)
        code, _ = run(
            log,
            [str(python), "-m", "pip", "install", "--quiet", "-e", f".[{EXTRAS}]"],
            env=environment(pure=False),
        )
        if code:
            return None
    impl = implementation(python)
    log.write(f"{venv.name}: flaskfast._speedups.IMPLEMENTATION = {impl!r}\n")
    if impl != "cython":
        log.write(f"{venv.name}: the compiled kernels do not load; see the build output above\n")
        return None
    stamp.write_text(wanted, encoding="utf-8")
    return python


def pytest_counts(output: str) -> dict[str, int]:
    """The counts of pytest's closing line ("12 passed, 1 failed in 3.4s")."""
    for line in reversed(output.splitlines()):
        line = line.strip().strip("=").strip()
        if re.search(r"\d+ (passed|failed|error|errors)\b", line) and " in " in line:
            counts = {"passed": 0, "failed": 0, "skipped": 0, "error": 0}
            for number, word in re.findall(r"(\d+) (\w+)", line.rsplit(" in ", 1)[0]):
                word = "error" if word == "errors" else word
                counts[word] = counts.get(word, 0) + int(number)
            return counts
    return {}


def conformance_counts(output: str) -> dict[str, int]:
    found = re.findall(r"^conformance \[(\w+)\]: (\d+) passed", output, re.M)
    return {mode: int(count) for mode, count in found}


def check_python(version: str, bench: bool) -> Result:
    result = Result(version)
    started = time.monotonic()
    log = Log(LOGS / f"py{version}.log")
    try:
        log.write(f"\n{'#' * 72}\n# Python {version}\n{'#' * 72}\n")
        interpreter = find_python(version)
        if interpreter is None:
            log.write(f"Python {version}: not found (pyenv install {version}?)\n")
            result.steps["install"] = False
            return result
        venv = ROOT / f".venv-py{version}"
        python = prepare(log, interpreter, venv)
        result.steps["install"] = python is not None
        if python is None:
            return result
        result.executable = subprocess.run(
            [str(python), "-c", "import platform; print(platform.python_version())"],
            capture_output=True,
            text=True,
        ).stdout.strip()

        for mode in ("compiled", "pure"):
            log.write(f"\n=== project tests [{mode}] on Python {result.executable} ===\n")
            code, output = run(
                log,
                [str(python), "-m", "pytest", "-q", "-rfEs", "-p", "no:cacheprovider"],
                env=environment(pure=mode == "pure"),
            )
            result.steps[f"tests {mode}"] = code == 0
            result.tests[mode] = pytest_counts(output)

        code, output = run(
            log, [str(python), "ci/conformance.py", "--tb=line"], env=environment(False)
        )
        result.steps["conformance"] = code == 0
        result.conformance.update(conformance_counts(output))
        # The reference: the same suite against the real Flask on this Python.
        code, output = run(
            log,
            [str(python), "ci/conformance.py", "--mode", "flask", "--tb=line"],
            env=environment(False),
        )
        result.conformance.update(conformance_counts(output))
        flask = result.conformance.get("flask")
        same = flask is not None and all(
            result.conformance.get(mode) == flask for mode in ("compiled", "pure")
        )
        result.steps["conformance = flask"] = same
        if not same:
            log.write(
                f"test-pythons: flaskfast passes {result.conformance} of Flask's suite,"
                f" the real Flask {flask}\n"
            )

        code, output = run(log, [str(python), "ci/jinja_suite.py"], env=environment(False))
        result.steps["jinja suite"] = code == 0

        if bench:
            code, output = run(
                log,
                [str(python), "bench/compare.py", "--quick", "--gate", "--suites", "basic"],
                env=environment(False),
            )
            result.steps["bench"] = code == 0
            geo = re.search(r"^geometric mean\s+(.*)$", output, re.M)
            if geo:
                values = geo.group(1).split()
                for key, value in zip(("ff/flask", "pure/flask", "ff/falcon"), values):
                    result.geomeans[key] = value
        return result
    finally:
        result.seconds = time.monotonic() - started
        log.close()


def print_summary(results: list[Result], seconds: float) -> None:
    """One line per Python; test counts are passed/failed/skipped(/errors)."""

    def tests(counts: dict[str, int] | None) -> str:
        if not counts:
            return "-"
        text = f"{counts['passed']}/{counts['failed']}/{counts['skipped']}"
        return text + (f"/{counts['error']}E" if counts["error"] else "")

    def conformance(r: Result) -> str:
        return "/".join(str(r.conformance.get(m, "-")) for m in ("compiled", "pure", "flask"))

    header = (
        f"{'python':<8} {'tests compiled':>15} {'tests pure':>15} {'Flask suite':>13}"
        f" {'bench c/Flask':>13} {'p/Flask':>8} {'c/Falcon':>9} {'time':>6}  status"
    )
    legend = (
        "tests: passed/failed/skipped; Flask suite: passed by flaskfast compiled/pure"
        " and by Flask itself; bench: quick-bench geometric means"
    )
    print(f"\n{'=' * len(header)}\ntest-pythons summary ({legend})")
    print(f"{header}\n{'-' * len(header)}")
    for r in results:
        failed = [name for name, ok in r.steps.items() if not ok]
        status = "ok" if r.ok else "FAILED: " + ", ".join(failed)
        print(
            f"{r.executable if r.executable != '-' else r.version:<8}"
            f" {tests(r.tests.get('compiled')):>15} {tests(r.tests.get('pure')):>15}"
            f" {conformance(r):>13} {r.geomeans.get('ff/flask', '-'):>13}"
            f" {r.geomeans.get('pure/flask', '-'):>8} {r.geomeans.get('ff/falcon', '-'):>9}"
            f" {r.seconds:>5.0f}s  {status}"
        )
    print(f"{'-' * len(header)}\ntotal wall time {seconds:.0f}s; logs in {LOGS.relative_to(ROOT)}/")


def main(argv: t.Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "pythons",
        nargs="*",
        help=f"versions to check (default: {' '.join(DEFAULT_PYTHONS)})",
    )
    parser.add_argument("--no-bench", action="store_true", help="skip the quick benchmark")
    options = parser.parse_args(argv)
    versions = options.pythons or list(DEFAULT_PYTHONS)

    started = time.monotonic()
    results = [check_python(version, bench=not options.no_bench) for version in versions]
    print_summary(results, time.monotonic() - started)
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
