"""Run the installed Jinja2's own test suite on flaskfast's template environment.

Usage::

    python ci/jinja_suite.py                      # compiled and pure, gated
    python ci/jinja_suite.py --mode pure          # one mode
    python ci/jinja_suite.py --mode jinja         # plain Jinja, for reference
    python ci/jinja_suite.py tests/test_api.py -x # a subset, any pytest arguments

The sdist of the *installed* Jinja2 version (3.1.x) is downloaded once with pip
into ``.cache/`` (git-ignored); its ``tests/`` run with Jinja's pytest settings
(warnings are errors) and the ``jinja_suite_plugin`` pytest plugin, which puts
:class:`flaskfast.templating.Environment` in place of ``jinja2.Environment``
and checks that every environment the tests construct is flaskfast's (see the
plugin). "compiled" runs flaskfast as built, "pure" sets
``FLASKFAST_NO_EXTENSIONS=1``; each mode runs in its own subprocess.

A full run fails (exit 1) when a mode has a failing test or error, passes no
test, or constructed an environment that was not flaskfast's. Jinja's async
tests need ``trio`` (in the ``test`` extra).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import typing as t
from importlib.metadata import version
from pathlib import Path

from _outcomes import is_subset
from _sdist import fetch_test_suite
from _sdist import pytest_command

CI = Path(__file__).resolve().parent
ROOT = CI.parent
CACHE = ROOT / ".cache"
MODES = ("compiled", "pure")


def installed_version() -> str:
    """The installed Jinja2 version; only 3.1.x is supported."""
    installed = version("jinja2")
    if not installed.startswith("3.1."):
        raise SystemExit(f"jinja suite: Jinja2 3.1.x expected, {installed} is installed")
    return installed


def fetch_suite(jinja_version: str) -> Path:
    """Return the extracted sdist directory (tests/ + pyproject.toml)."""
    return fetch_test_suite("jinja2", jinja_version, CACHE, "jinja suite")


def run_mode(mode: str, suite: Path, pytest_args: list[str], full: bool) -> dict[str, t.Any]:
    env = dict(os.environ)
    for name in ("FLASKFAST_NO_EXTENSIONS", "FLASKFAST_AS_FLASK", "PYTEST_ADDOPTS"):
        env.pop(name, None)
    if mode == "pure":
        env["FLASKFAST_NO_EXTENSIONS"] = "1"
    env["FLASKFAST_JINJA_SUITE_FULL"] = "1" if full else "0"
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(CI), str(ROOT), os.environ.get("PYTHONPATH", "")) if p
    )

    with tempfile.TemporaryDirectory(prefix="flaskfast-jinja-") as tmp:
        report = Path(tmp) / "report.json"
        env["FLASKFAST_JINJA_SUITE_REPORT"] = str(report)
        plugins = [] if mode == "jinja" else ["jinja_suite_plugin"]
        command = pytest_command(suite, Path(tmp), plugins)
        command += pytest_args or ["tests"]

        print(f"\n=== jinja suite [{mode}] ===", flush=True)
        proc = subprocess.run(command, cwd=suite, env=env)
        data: dict[str, t.Any] = {"outcomes": None}
        if report.is_file():
            data = json.loads(report.read_text(encoding="utf-8"))
    data["returncode"] = proc.returncode
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Run Jinja2's test suite on flaskfast's template environment.",
        epilog="Other arguments are passed to pytest (paths relative to the sdist).",
        allow_abbrev=False,
    )
    parser.add_argument(
        "--mode",
        choices=("compiled", "pure", "both", "jinja"),
        default="both",
        help="flaskfast compiled, pure or both; 'jinja' runs plain Jinja for reference",
    )
    options, pytest_args = parser.parse_known_args(argv)

    suite = fetch_suite(installed_version())
    subset = is_subset(pytest_args, suite)
    modes = list(MODES) if options.mode == "both" else [options.mode]
    results = {mode: run_mode(mode, suite, pytest_args, not subset) for mode in modes}

    status = 0
    print()
    for mode, result in results.items():
        if result["returncode"] != 0:
            status = 1
        if mode == "jinja":
            print(f"jinja suite [jinja]: plain Jinja, pytest exit {result['returncode']}")
            continue
        if result["outcomes"] is None:
            print(f"jinja suite [{mode}]: pytest exited {result['returncode']} without a report")
            status = 1
            continue
        counted = collections.Counter(result["outcomes"].values())
        made = result["constructions"]
        summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counted.items()))
        print(
            f"jinja suite [{mode}] ({result['implementation']}, jinja2 {result['jinja2']}):"
            f" {summary}; environments constructed: {made['substituted']} flaskfast,"
            f" {made['original']} other"
        )
        if result["substitution_problem"]:
            print(f"jinja suite [{mode}]: SUBSTITUTION FAILED: {result['substitution_problem']}")
            status = 1
        if counted["failed"] or counted["error"] or not counted["passed"]:
            status = 1
    if subset:
        print("jinja suite: partial run")
    return status


if __name__ == "__main__":
    sys.exit(main())
