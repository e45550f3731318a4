"""Run Flask 3.1.3's own test suite against flaskfast.

Usage::

    python ci/conformance.py                        # both modes, baseline gate
    python ci/conformance.py --mode pure            # one mode
    python ci/conformance.py --mode flask           # the real Flask, for reference
    python ci/conformance.py tests/test_config.py   # a subset (no gate)
    python ci/conformance.py -k session --tb=long   # any pytest arguments
    python ci/conformance.py --record               # store the new pass counts

The Flask sdist is downloaded once with pip into ``.cache/`` and its ``tests/``
directory is run with Flask's pytest settings (warnings are errors) and the
``conformance_plugin`` pytest plugin, which installs flaskfast as ``flask``.
"compiled" runs the package as built (Cython kernels when present), "pure"
sets ``FLASKFAST_NO_EXTENSIONS=1``. Each mode runs in its own subprocess.

A full run fails (exit 1) when a mode passes fewer tests than recorded in
``ci/conformance_baseline.json``. Known failures of Flask itself are listed in
``ci/conformance_exclusions.txt`` (``<test id>  # reason``) and deselected.
The baseline is recorded on a Python that runs every test; Flask's suite skips
some tests on older Pythons (``VERSION_GATED``), and the expected count is
lowered by those there: on Python 3.9 and 3.10 both Flask and flaskfast pass
486, not 487, because ``test_config_from_file_toml`` needs ``tomllib`` (3.11).
``--mode flask`` runs the same suite against the installed Flask 3.1.3 instead
of flaskfast, which is how such a difference is checked to be Flask's own.
Arguments that are not options of this script go to pytest; test paths may be
given relative to the sdist (``tests/test_x.py``) or to its tests directory.
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
from pathlib import Path

from _outcomes import is_subset
from _sdist import fetch_test_suite
from _sdist import pytest_command

FLASK_VERSION = "3.1.3"
CI = Path(__file__).resolve().parent
ROOT = CI.parent
CACHE = ROOT / ".cache"
EXCLUSIONS = CI / "conformance_exclusions.txt"
BASELINE = CI / "conformance_baseline.json"
MODES = ("compiled", "pure")
# Flask tests that Flask 3.1.3 skips by itself before some Python version:
# (test id, first Python that runs it, why). Checked with ``--mode flask``.
VERSION_GATED: tuple[tuple[str, tuple[int, int], str], ...] = (
    (
        "tests/test_config.py::test_config_from_file_toml",
        (3, 11),
        "importorskip('tomllib'), in the standard library from Python 3.11",
    ),
)
COUNTED = ("passed", "failed", "error", "skipped", "xfailed", "xpassed")


def fetch_suite() -> Path:
    """Return the extracted sdist directory (tests/ + pyproject.toml)."""
    return fetch_test_suite("flask", FLASK_VERSION, CACHE, "conformance")


def read_exclusions() -> list[str]:
    ids = []
    if EXCLUSIONS.is_file():
        for line in EXCLUSIONS.read_text(encoding="utf-8").splitlines():
            test_id = line.split("#", 1)[0].strip()
            if test_id:
                ids.append(test_id)
    return ids


def normalize_args(args: list[str], suite: Path) -> list[str]:
    """Let ``test_x.py`` mean ``tests/test_x.py`` (paths are run from the sdist)."""
    out = []
    for arg in args:
        path = arg.split("::", 1)[0]
        if (
            path
            and not arg.startswith("-")
            and not (suite / path).exists()
            and (suite / "tests" / path).exists()
        ):
            arg = f"tests/{arg}"
        out.append(arg)
    return out


def run_mode(mode: str, suite: Path, pytest_args: list[str]) -> dict[str, t.Any]:
    env = dict(os.environ)
    env.pop("FLASKFAST_NO_EXTENSIONS", None)
    env.pop("FLASKFAST_CONFORMANCE_TARGET", None)
    if mode == "pure":
        env["FLASKFAST_NO_EXTENSIONS"] = "1"
    elif mode == "flask":
        env["FLASKFAST_CONFORMANCE_TARGET"] = "flask"
    # The working tree (with in-place built kernels) is what gets tested.
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(CI), str(ROOT), os.environ.get("PYTHONPATH", "")) if p
    )
    env.pop("PYTEST_ADDOPTS", None)

    with tempfile.TemporaryDirectory(prefix="flaskfast-conformance-") as tmp:
        report = Path(tmp) / "report.json"
        env["FLASKFAST_CONFORMANCE_REPORT"] = str(report)
        command = pytest_command(suite, Path(tmp), ["conformance_plugin"])
        for test_id in read_exclusions():
            command += ["--deselect", test_id]
        command += pytest_args

        print(f"\n=== conformance [{mode}] ===", flush=True)
        proc = subprocess.run(command, cwd=suite, env=env)
        if not report.is_file():
            raise SystemExit(
                f"conformance [{mode}]: pytest exited with {proc.returncode} before"
                " writing results (see the output above)"
            )
        data: dict[str, t.Any] = json.loads(report.read_text(encoding="utf-8"))
    data["returncode"] = proc.returncode
    return data


def per_file(outcomes: dict[str, str]) -> dict[str, collections.Counter[str]]:
    files: dict[str, collections.Counter[str]] = collections.defaultdict(
        collections.Counter
    )
    for nodeid, outcome in outcomes.items():
        files[nodeid.split("::", 1)[0]][outcome] += 1
    return files


def print_table(results: dict[str, dict[str, t.Any]]) -> None:
    modes = list(results)
    tables = {mode: per_file(results[mode]["outcomes"]) for mode in modes}
    files = sorted({f for table in tables.values() for f in table})
    width = max([len(f) for f in files] + [len("total")])

    header = f"{'file':<{width}}"
    for mode in modes:
        impl = results[mode]["implementation"]
        header += f" | {mode + ' (' + impl + ')':>26}"
    print("\n" + header)
    print(f"{'':<{width}}" + f" | {'pass  fail  err  skip':>26}" * len(modes))
    print("-" * len(header))

    def cells(counter: collections.Counter[str]) -> str:
        passed = counter["passed"] + counter["xpassed"]
        skipped = counter["skipped"] + counter["xfailed"]
        text = (
            f"{passed:4d}  {counter['failed']:4d}  {counter['error']:3d}  {skipped:4d}"
        )
        return f" | {text:>26}"

    for name in files:
        print(f"{name:<{width}}" + "".join(cells(tables[m][name]) for m in modes))
    print("-" * len(header))
    totals = {m: sum(tables[m].values(), collections.Counter()) for m in modes}
    print(f"{'total':<{width}}" + "".join(cells(totals[m]) for m in modes))


def passed(result: dict[str, t.Any]) -> int:
    return sum(1 for o in result["outcomes"].values() if o in ("passed", "xpassed"))


def load_baseline() -> dict[str, int]:
    """Recorded pass counts per mode; Flask itself is held to the compiled one."""
    counts = {mode: 0 for mode in MODES}
    if BASELINE.is_file():
        data = json.loads(BASELINE.read_text(encoding="utf-8"))
        counts = {mode: int(data.get(mode, 0)) for mode in MODES}
    counts["flask"] = counts["compiled"]
    return counts


def gated_here() -> list[tuple[str, str]]:
    """(test id, reason) of the ``VERSION_GATED`` tests this Python skips."""
    return [
        (test_id, f"needs Python {first[0]}.{first[1]}: {why}")
        for test_id, first, why in VERSION_GATED
        if sys.version_info[:2] < first
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Run Flask's test suite against flaskfast.",
        epilog="Other arguments are passed to pytest.",
        allow_abbrev=False,
    )
    parser.add_argument(
        "--mode",
        choices=("compiled", "pure", "both", "flask"),
        default="both",
        help="flaskfast compiled, pure or both; 'flask' runs the real Flask for reference",
    )
    parser.add_argument(
        "--record",
        action="store_true",
        help="write the pass counts of this (full) run to the baseline file",
    )
    options, pytest_args = parser.parse_known_args(argv)

    suite = fetch_suite()
    pytest_args = normalize_args(pytest_args, suite)
    subset = is_subset(pytest_args, suite)
    modes = list(MODES) if options.mode == "both" else [options.mode]
    gated = gated_here()
    if options.record and (gated or options.mode == "flask"):
        print(
            "conformance: the baseline is flaskfast's count on a Python where"
            " Flask's suite skips nothing by version; not recording"
            + (" the real Flask" if options.mode == "flask" else " on this Python")
        )
        return 2

    results = {mode: run_mode(mode, suite, pytest_args) for mode in modes}
    print_table(results)

    if subset:
        if options.record:
            print("\nconformance: not recording a baseline from a partial run")
            return 2
        print("\nconformance: partial run, baseline not checked")
        return 0

    status = 0
    for mode, result in results.items():
        if result["returncode"] not in (0, 1):  # 1 = some tests failed
            print(f"conformance [{mode}]: pytest error (exit {result['returncode']})")
            status = 1

    baseline = load_baseline()
    print()
    py = f"{sys.version_info[0]}.{sys.version_info[1]}"
    for test_id, reason in gated:
        print(f"conformance: Flask's suite skips {test_id} on Python {py} ({reason})")
    for mode in modes:
        outcomes = results[mode]["outcomes"]
        count, minimum = passed(results[mode]), baseline[mode] - len(gated)
        what = f"baseline {baseline[mode]}"
        if gated:
            what += f" less {len(gated)} skipped on Python {py} = {minimum}"
        if count < minimum:
            verdict = f"REGRESSION ({what})"
            status = 1
        elif count > minimum:
            verdict = f"ok, above {what}"
            if not options.record:
                verdict += ": run with --record to raise it"
        else:
            verdict = f"ok, equals {what}"
        for test_id, _ in gated:
            if outcomes.get(test_id) not in (None, "skipped"):
                verdict += f"; {test_id} was expected to skip: {outcomes[test_id]}"
                status = 1
        print(f"conformance [{mode}]: {count} passed; {verdict}")

    if options.record:
        new = dict(baseline)
        new.update({mode: passed(results[mode]) for mode in modes})
        BASELINE.write_text(json.dumps(new, indent=2) + "\n", encoding="utf-8")
        print(f"conformance: baseline written to {BASELINE.relative_to(ROOT)}")
    return status


if __name__ == "__main__":
    sys.exit(main())
