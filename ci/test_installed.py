"""Test the flaskfast installed in this interpreter, not a source tree's.

Usage (with the Python of the environment that installed flaskfast)::

    python ci/test_installed.py --expect cython          # tests + Flask's suite
    python ci/test_installed.py --expect python          # a pure install
    python ci/test_installed.py --expect cython --bench ratios.json
    python ci/test_installed.py --expect cython --no-conformance
    python ci/test_installed.py --expect cython --bench-only --bench ratios.json

Used by ``ci/test_wheels.py`` and by cibuildwheel's ``test-command``. The
project directory holding this script (a checkout or an unpacked sdist) is
copied to a temporary directory **without** its ``flaskfast/`` package (and
without virtual environments, caches other than the Flask sdist download,
and build products), and everything runs there: the tests put that
directory on ``PYTHONPATH`` for their child processes, and a copy without
the package makes every ``import flaskfast`` find the installed one, so a
broken wheel cannot pass on the source files.

Steps, all run even when one fails (exit 1 if any did):

1. ``flaskfast._speedups.IMPLEMENTATION`` is ``--expect``, and ``flaskfast``
   is imported from this interpreter's site-packages;
2. the project tests, compiled and pure (``FLASKFAST_NO_EXTENSIONS=1``);
3. Flask 3.1.3's own suite in both modes (``ci/conformance.py``, baseline
   gate), unless ``--no-conformance``;
4. with ``--bench FILE``: ``bench/compare.py --quick --json FILE`` (the
   ratio table against Flask, Falcon and Bottle), reported, not gated;
   ``--bench-only`` skips steps 2 and 3.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Top-level entries of the project that the copy leaves out.
LEFT_OUT = {"flaskfast", "build", "dist", "wheelhouse", ".git", ".cache", ".tox"}
FLASK_SDIST = Path(".cache") / "download" / "flask-3.1.3.tar.gz"
PROBE = (
    "import flaskfast, flaskfast._speedups as s;"
    "print(s.IMPLEMENTATION); print(s.IMPLEMENTATION_REASON); print(flaskfast.__file__)"
)


def copy_without_package(root: Path, target: Path) -> Path:
    """``root`` without its package, environments and build products."""
    def ignore(directory: str, names: list[str]) -> set[str]:
        skipped = {n for n in names if n == "__pycache__" or n.endswith((".egg-info", ".so", ".pyd"))}
        if Path(directory).resolve() == root:
            skipped |= {n for n in names if n in LEFT_OUT or n.startswith(".venv")}
        return skipped

    shutil.copytree(root, target, ignore=ignore)
    if (root / FLASK_SDIST).is_file():
        (target / FLASK_SDIST).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / FLASK_SDIST, target / FLASK_SDIST)
    return target


def environment(pure: bool) -> dict[str, str]:
    """This environment for a child run: no switches, pytest options or
    PYTHONPATH leaking in; with ``pure``, ``FLASKFAST_NO_EXTENSIONS=1``."""
    env = dict(os.environ)
    for name in ("FLASKFAST_NO_EXTENSIONS", "FLASKFAST_AS_FLASK", "PYTEST_ADDOPTS", "PYTHONPATH"):
        env.pop(name, None)
    if pure:
        env["FLASKFAST_NO_EXTENSIONS"] = "1"
    return env


def step(name: str, command: list[str], cwd: Path, env: dict[str, str]) -> bool:
    print(f"\n=== test-installed: {name} ===\n$ {' '.join(command)}", flush=True)
    ok = subprocess.run(command, cwd=cwd, env=env).returncode == 0
    print(f"=== test-installed: {name}: {'ok' if ok else 'FAILED'} ===", flush=True)
    return ok


def check_implementation(expect: str, cwd: Path) -> bool:
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=cwd,
        env=environment(pure=False),
        capture_output=True,
        text=True,
    )
    lines = out.stdout.splitlines()
    if out.returncode != 0 or len(lines) != 3:
        print(f"test-installed: importing flaskfast failed:\n{out.stderr}", flush=True)
        return False
    implementation, reason, module_file = lines
    purelib = Path(sysconfig.get_path("purelib")).resolve()
    platlib = Path(sysconfig.get_path("platlib")).resolve()
    where = Path(module_file).resolve()
    installed = any(lib in where.parents for lib in (purelib, platlib))
    print(
        f"test-installed: IMPLEMENTATION={implementation!r}"
        f" (reason: {reason}), flaskfast from {where}",
        flush=True,
    )
    if not installed:
        print(f"test-installed: flaskfast is not imported from {purelib}", flush=True)
    if implementation != expect:
        print(f"test-installed: expected {expect!r}", flush=True)
    return installed and implementation == expect


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--expect", choices=("cython", "python"), required=True)
    parser.add_argument("--no-conformance", action="store_true", help="skip Flask's suite")
    parser.add_argument("--no-pure", action="store_true", help="project tests compiled only")
    parser.add_argument("--bench", type=Path, help="run bench/compare.py --quick --json FILE")
    parser.add_argument("--bench-only", action="store_true", help="no tests, only --bench")
    options = parser.parse_args(argv)
    if options.bench_only and not options.bench:
        parser.error("--bench-only needs --bench FILE")

    results: dict[str, bool] = {}
    with tempfile.TemporaryDirectory(prefix="flaskfast-installed-") as tmp:
        source = copy_without_package(ROOT, Path(tmp) / "project")
        results["implementation"] = check_implementation(options.expect, source)
        pytest = [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider"]
        if not options.bench_only:
            results["tests compiled"] = step("tests compiled", pytest, source, environment(False))
        if not (options.no_pure or options.bench_only):
            results["tests pure"] = step("tests pure", pytest, source, environment(True))
        if not (options.no_conformance or options.bench_only):
            results["conformance"] = step(
                "conformance",
                [sys.executable, "ci/conformance.py", "--tb=line"],
                source,
                environment(False),
            )
        if options.bench:
            bench = options.bench.resolve()
            # Reported, not gated: shared CI machines are too noisy for a floor.
            results["bench"] = step(
                "bench",
                [sys.executable, "bench/compare.py", "--quick", "--json", str(bench)],
                source,
                environment(False),
            )
    print("\ntest-installed summary:")
    for name, ok in results.items():
        print(f"  {'ok  ' if ok else 'FAIL'} {name}")
    return 0 if all(results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
