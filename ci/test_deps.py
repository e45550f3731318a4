"""Run the tests on the oldest and newest allowed dependencies (``make test-deps``).

Usage::

    python ci/test_deps.py              # the whole matrix, fresh environments
    python ci/test_deps.py --reuse      # keep environments whose versions match
    python ci/test_deps.py --list       # print the resolved matrix and stop

flaskfast declares ``Werkzeug>=3.1.0`` and ``itsdangerous>=2.2.0`` (as Flask
3.1.3 does); its ``test`` extra pins the newest Werkzeug. The matrix is
{Werkzeug 3.1.0, newest 3.1.x} x {itsdangerous 2.2.0, newest 2.x}. The
"newest" entries are specifiers (``<3.2``, ``<3``) resolved at run time with
``pip index versions``; combinations that resolve to the same versions run
once.

For each combination a directory ``.venv-deps-<name>`` (git-ignored) is
made beside ``.venv``, holding a fresh virtual environment ``venv/`` and a
copy ``src/`` of the working tree as it was when the run started (tracked
and untracked, not ignored, files; copied once into ``.venv-deps-src``
first). The kernels are built in place in that copy, never in the working
tree, whose ``.so`` files ``.venv`` (same interpreter, same file names)
uses; and the copy is not inside the environment's prefix, which Flask's
``find_package`` would take for an installed package. flaskfast is
installed editable with the ``test``, ``async`` and ``dotenv`` extras, then
the two packages are installed at the combination's versions (a second
``pip install``: the ``test`` extra pins ``werkzeug==3.1.9``, so one
resolution of both would fail; Flask 3.1.3 itself accepts Werkzeug>=3.1.0
and itsdangerous>=2.2.0). The run checks that the versions took, that
Flask is 3.1.3, and that the compiled kernels load.

Then, from that ``src/``: the project tests compiled and pure, and Flask
3.1.3's own suite in both modes (``ci/conformance.py``, baseline gate).
Every step runs even when an earlier one failed; a summary table closes the
run, which exits 1 when any step failed. Each combination's output is also
kept in ``.venv-deps-<name>/test-deps.log``.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import time
import typing as t
from pathlib import Path

from _runs import Log
from _runs import environment
from _runs import run

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / ".venv-deps-src"
EXTRAS = "test,async,dotenv"
FLASK_VERSION = "3.1.3"

#: (distribution, oldest allowed version, specifier whose newest release is
#: the other end). The lower ends are the bounds in pyproject.toml.
MATRIX = (
    ("werkzeug", "3.1.0", "<3.2"),
    ("itsdangerous", "2.2.0", "<3"),
)


class Combination:
    """One point of the matrix and what its run did."""

    def __init__(self, versions: dict[str, str]) -> None:
        self.versions = versions
        self.name = "-".join(f"{dist[:2]}{v}" for dist, v in versions.items())
        self.steps: dict[str, bool] = {}
        self.tests: dict[str, str] = {}
        self.conformance: dict[str, str] = {}
        self.seconds = 0.0

    @property
    def label(self) -> str:
        return ", ".join(f"{dist} {v}" for dist, v in self.versions.items())

    @property
    def ok(self) -> bool:
        return bool(self.steps) and all(self.steps.values())


def release(text: str) -> tuple[int, ...] | None:
    """``"3.1.9"`` -> ``(3, 1, 9)``; ``None`` for a pre-, post- or dev release."""
    if not re.fullmatch(r"\d+(\.\d+)*", text):
        return None
    return tuple(int(part) for part in text.split("."))


def newest_below(dist: str, bound: str) -> str:
    """The newest final release of ``dist`` below ``bound`` (``"<3.2"``),
    from ``pip index versions``."""
    limit = release(bound.lstrip("<"))
    if not bound.startswith("<") or limit is None:
        raise SystemExit(f"test-deps: unsupported specifier {bound!r}")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "index", "versions", dist],
        capture_output=True,
        text=True,
    )
    found = re.search(r"^Available versions: (.*)$", proc.stdout, re.M)
    if proc.returncode or not found:
        raise SystemExit(f"test-deps: pip index versions {dist} failed:\n{proc.stderr}")
    candidates = []
    for text in found.group(1).split(","):
        version = release(text.strip())
        if version is not None and version < limit:
            candidates.append((version, text.strip()))
    if not candidates:
        raise SystemExit(f"test-deps: no {dist} release {bound}")
    return max(candidates)[1]


def resolve_matrix() -> list[Combination]:
    axes = []
    for dist, oldest, bound in MATRIX:
        values = [oldest]
        newest = newest_below(dist, bound)
        if newest != oldest:
            values.append(newest)
        axes.append([(dist, v) for v in values])
    combos: list[Combination] = []
    for werkzeug in axes[0]:
        for itsdangerous in axes[1]:
            combos.append(Combination(dict([werkzeug, itsdangerous])))
    return combos


def snapshot() -> None:
    """Copy the working tree's tracked and untracked (not ignored) files to
    :data:`SOURCE`, plus the extracted Flask suite if there is one."""
    proc = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    )
    if SOURCE.exists():
        shutil.rmtree(SOURCE)
    for name in sorted(set(proc.stdout.decode().split("\0"))):
        path = ROOT / name
        if name and path.is_file():  # a tracked file may be deleted
            target = SOURCE / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
    suite = ROOT / ".cache" / f"flask-{FLASK_VERSION}"
    if (suite / "tests" / "conftest.py").is_file():
        shutil.copytree(suite, SOURCE / ".cache" / suite.name)


def installed(python: Path, src: Path) -> dict[str, str]:
    code = (
        "import importlib.metadata as m, flaskfast._speedups as s;"
        "print('implementation', s.IMPLEMENTATION);"
        "print('flaskfast', s.__file__);"
        + "".join(
            f"print({d!r}, m.version({d!r}));" for d in ("werkzeug", "itsdangerous", "flask")
        )
    )
    proc = subprocess.run(
        [str(python), "-c", code], cwd=src, env=environment(False), capture_output=True, text=True
    )
    if proc.returncode:
        return {"error": proc.stderr.strip()}
    return dict(line.split(" ", 1) for line in proc.stdout.splitlines())


def prepare(log: Log, combo: Combination, reuse: bool) -> tuple[Path, Path] | None:
    """Make the environment; (its python, its source copy) once ready."""
    home = ROOT / f".venv-deps-{combo.name}"
    venv, src = home / "venv", home / "src"
    python = venv / "bin" / "python"
    if venv.exists() and not reuse:
        shutil.rmtree(venv)
    if not python.is_file():
        for command in (
            [sys.executable, "-m", "venv", str(venv)],
            [str(python), "-m", "pip", "install", "--quiet", "--upgrade", "pip"],
        ):
            if run(log, command, ROOT)[0]:
                return None
    # Always the copy taken at the start of this run, built from scratch.
    if src.exists():
        shutil.rmtree(src)
    shutil.copytree(SOURCE, src)
    pins = [f"{dist}=={version}" for dist, version in combo.versions.items()]
    for command in (
        [str(python), "-m", "pip", "install", "--quiet", "-e", f".[{EXTRAS}]"],
        # After the extras, which pin werkzeug==3.1.9: replaces that pin.
        [str(python), "-m", "pip", "install", "--quiet", *pins],
    ):
        if run(log, command, src, environment(False))[0]:
            return None
    found = installed(python, src)
    log.write(f"{home.name}: {found}\n")
    expected = dict(combo.versions, flask=FLASK_VERSION, implementation="cython")
    wrong = {k: found.get(k) for k, v in expected.items() if found.get(k) != v}
    if not str(found.get("flaskfast", "")).startswith(str(src)):
        wrong["flaskfast"] = found.get("flaskfast", found.get("error"))
    if wrong:
        log.write(f"{home.name}: not as expected: {wrong}\n")
        return None
    return python, src


def pytest_counts(output: str) -> str:
    """The counts of pytest's closing line ("12 passed, 1 failed in 3.4s")."""
    for line in reversed(output.splitlines()):
        line = line.strip().strip("=").strip()
        if re.search(r"\d+ (passed|failed|error|errors)\b", line) and " in " in line:
            return line.rsplit(" in ", 1)[0]
    return "no result"


def check(combo: Combination, reuse: bool) -> None:
    started = time.monotonic()
    log = Log(ROOT / f".venv-deps-{combo.name}" / "test-deps.log")
    try:
        log.write(f"\n{'#' * 72}\n# {combo.label}\n{'#' * 72}\n")
        ready = prepare(log, combo, reuse)
        combo.steps["install"] = ready is not None
        if ready is None:
            return
        python, src = ready
        for mode in ("compiled", "pure"):
            log.write(f"\n=== project tests [{mode}] with {combo.label} ===\n")
            code, output = run(
                log,
                [str(python), "-m", "pytest", "-q", "-rfEs", "-p", "no:cacheprovider"],
                src,
                environment(pure=mode == "pure"),
            )
            combo.steps[f"tests {mode}"] = code == 0
            combo.tests[mode] = pytest_counts(output)
        code, output = run(
            log, [str(python), "ci/conformance.py", "--tb=line"], src, environment(False)
        )
        combo.steps["conformance"] = code == 0
        for mode, count in re.findall(r"^conformance \[(\w+)\]: (\d+ passed)", output, re.M):
            combo.conformance[mode] = count
    finally:
        combo.seconds = time.monotonic() - started
        log.close()


def print_summary(combos: list[Combination], seconds: float) -> None:
    header = (
        f"{'werkzeug':<9} {'itsdangerous':<13} {'tests compiled':<26} {'tests pure':<26} "
        f"{'conformance c / p':<18} {'time':>6}  status"
    )
    print(f"\n{'=' * len(header)}\ntest-deps summary\n{header}\n{'-' * len(header)}")
    for c in combos:
        conf = " / ".join(c.conformance.get(m, "-").split()[0] for m in ("compiled", "pure"))
        failed = [name for name, ok in c.steps.items() if not ok]
        status = "ok" if c.ok else "FAILED: " + ", ".join(failed)
        print(
            f"{c.versions['werkzeug']:<9} {c.versions['itsdangerous']:<13} "
            f"{c.tests.get('compiled', '-'):<26} {c.tests.get('pure', '-'):<26} "
            f"{conf:<18} {c.seconds:>5.0f}s  {status}"
        )
    print(f"{'-' * len(header)}\ntotal wall time {seconds:.0f}s;", end=" ")
    print("logs in .venv-deps-*/test-deps.log")


def main(argv: t.Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep an existing environment of the same versions (default: make it"
        " anew); the source copy in it is always made anew",
    )
    parser.add_argument("--list", action="store_true", help="print the matrix and stop")
    options = parser.parse_args(argv)

    started = time.monotonic()
    combos = resolve_matrix()
    print("test-deps matrix: " + "; ".join(c.label for c in combos), flush=True)
    if options.list:
        return 0
    snapshot()
    for combo in combos:
        check(combo, options.reuse)
    print_summary(combos, time.monotonic() - started)
    return 0 if all(c.ok for c in combos) else 1


if __name__ == "__main__":
    sys.exit(main())
