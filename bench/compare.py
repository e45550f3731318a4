"""Compare flaskfast (compiled and pure) with Flask and Falcon on every scenario.

Usage::

    python bench/compare.py            # full run (about a minute or two)
    python bench/compare.py --quick    # few rounds, for CI (well under 60 s)
    python bench/compare.py --gate     # exit 1 if compiled flaskfast is slower
                                       # than Flask on any scenario
    python bench/compare.py --json out.json   # also save the merged results
    python bench/compare.py --targets  # also print the speed targets, PASS/FAIL
                                       # (information only: the exit code ignores them)

Two pytest-benchmark subprocesses run ``bench/test_bench.py``: one with
flaskfast as built (Cython kernels when present), Flask and Falcon measured
side by side per scenario, and one with ``FLASKFAST_NO_EXTENSIONS=1`` for
flaskfast's pure-Python mode. Throughput is 1 / median time per request.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import typing as t
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent

sys.path.insert(0, str(BENCH))
from apps import SCENARIOS  # noqa: E402

QUICK = ["--benchmark-max-time=0.2", "--benchmark-min-rounds=5", "--benchmark-warmup=off"]
FULL = ["--benchmark-max-time=1.0", "--benchmark-min-rounds=20", "--benchmark-warmup=on"]

# Column key -> (subprocess label, framework inside it)
COLUMNS = {
    "compiled": ("compiled", "flaskfast"),
    "pure": ("pure", "flaskfast"),
    "flask": ("compiled", "flask"),
    "falcon": ("compiled", "falcon"),
}


def run_suite(label: str, frameworks: str, pure: bool, timing: list[str]) -> dict[str, t.Any]:
    env = dict(os.environ)
    env.pop("FLASKFAST_NO_EXTENSIONS", None)
    if pure:
        env["FLASKFAST_NO_EXTENSIONS"] = "1"
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p
    )
    env.pop("PYTEST_ADDOPTS", None)
    with tempfile.TemporaryDirectory(prefix="flaskfast-bench-") as tmp:
        out = Path(tmp) / "bench.json"
        command = [
            sys.executable,
            "-m",
            "pytest",
            str(BENCH / "test_bench.py"),
            "-q",
            "-p",
            "no:cacheprovider",
            f"--rootdir={ROOT}",
            f"--frameworks={frameworks}",
            "--benchmark-only",
            f"--benchmark-json={out}",
            *timing,
        ]
        print(f"bench: running {label} ({frameworks}) ...", flush=True)
        proc = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        if proc.returncode != 0 or not out.is_file():
            sys.stdout.write(proc.stdout)
            sys.stderr.write(proc.stderr)
            raise SystemExit(f"bench: the {label} run failed (exit {proc.returncode})")
        data: dict[str, t.Any] = json.loads(out.read_text(encoding="utf-8"))
    return data


def ops_table(runs: dict[str, dict[str, t.Any]]) -> tuple[dict[str, dict[str, float]], dict[str, str]]:
    """scenario -> column -> ops/s, and column -> implementation label."""
    table: dict[str, dict[str, float]] = {s.name: {} for s in SCENARIOS}
    impls: dict[str, str] = {}
    for column, (label, framework) in COLUMNS.items():
        for bench in runs.get(label, {}).get("benchmarks", []):
            info = bench.get("extra_info", {})
            if info.get("framework") != framework:
                continue
            table[bench["group"]][column] = 1.0 / bench["stats"]["median"]
            impls[column] = info.get("implementation", "-")
    return table, impls


def geomean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")


def ratio(table: dict[str, dict[str, float]], a: str, b: str) -> dict[str, float]:
    return {
        name: cols[a] / cols[b] for name, cols in table.items() if a in cols and b in cols
    }


def ratios(table: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    return {
        "ff/flask": ratio(table, "compiled", "flask"),
        "pure/flask": ratio(table, "pure", "flask"),
        "ff/falcon": ratio(table, "compiled", "falcon"),
    }


def print_report(table: dict[str, dict[str, float]], impls: dict[str, str]) -> None:
    names = {
        "compiled": f"flaskfast[{impls.get('compiled', '?')}]",
        "pure": f"flaskfast[{impls.get('pure', '?')}]",
        "flask": "flask",
        "falcon": "falcon",
    }
    by_key = ratios(table)
    width = max(len(s.name) for s in SCENARIOS) + 2
    header = f"{'scenario (ops/s)':<{width}}" + "".join(
        f"{names[c]:>20}" for c in COLUMNS
    ) + "".join(f"{r:>12}" for r in by_key)
    print()
    print(header)
    print("-" * len(header))
    for scenario in SCENARIOS:
        cols = table[scenario.name]
        line = f"{scenario.name:<{width}}"
        for column in COLUMNS:
            value = cols.get(column)
            line += f"{value:>20,.0f}" if value else f"{'-':>20}"
        for values in by_key.values():
            value = values.get(scenario.name)
            line += f"{value:>11.2f}x" if value else f"{'-':>12}"
        print(line)
    print("-" * len(header))
    line = f"{'geometric mean':<{width}}" + " " * 20 * len(COLUMNS)
    for values in by_key.values():
        line += f"{geomean(list(values.values())):>11.2f}x"
    print(line)
    if impls.get("compiled") == "python":
        print(
            "\nnote: no compiled kernels are loaded, so flaskfast[python] appears in"
            " both flaskfast columns"
        )


# Speed targets of the next issue: (label, ratio key, geomean floor, per-scenario floor).
# Keys are those of ratios(); a None per-scenario floor means only the geomean counts.
TARGETS = (
    ("compiled vs Flask", "ff/flask", 8.0, 3.0),
    ("compiled vs Falcon (shared scenarios)", "ff/falcon", 1.2, None),
    ("pure vs Flask", "pure/flask", 4.0, 2.0),
)


def print_targets(table: dict[str, dict[str, float]]) -> bool:
    """Print each speed target with PASS/FAIL; True when all pass. Never exits."""
    all_ratios = ratios(table)
    print("\nspeed targets (information only; the exit code does not depend on them)")
    ok = True
    for label, key, geo_floor, each_floor in TARGETS:
        values = all_ratios[key]
        if not values:
            print(f"  FAIL  {label}: no results")
            ok = False
            continue
        geo = geomean(list(values.values()))
        passed = geo >= geo_floor
        ok &= passed
        print(f"  {'PASS' if passed else 'FAIL'}  {label}: geomean {geo:.2f}x"
              f" (target >= {geo_floor:g}x)")
        if each_floor is None:
            continue
        ranked = sorted(values.items(), key=lambda kv: kv[1])
        below = [(name, v) for name, v in ranked if v < each_floor]
        shown = below or ranked[:1]  # the failures, or the lowest when all pass
        detail = ", ".join(f"{name} {v:.2f}x" for name, v in shown)
        if not below:
            detail = f"lowest: {detail}"
        ok &= not below
        print(f"  {'FAIL' if below else 'PASS'}  {label}: every scenario >= {each_floor:g}x"
              f" ({detail})")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="few rounds (CI)")
    parser.add_argument(
        "--gate",
        action="store_true",
        help="exit 1 if compiled flaskfast is slower than Flask on any scenario",
    )
    parser.add_argument(
        "--targets",
        action="store_true",
        help="print the speed targets with PASS/FAIL (does not change the exit code)",
    )
    parser.add_argument("--json", type=Path, help="write the merged results here")
    options = parser.parse_args(argv)

    timing = QUICK if options.quick else FULL
    runs = {
        "compiled": run_suite("compiled", "flaskfast,flask,falcon", False, timing),
        "pure": run_suite("pure", "flaskfast", True, timing),
    }
    table, impls = ops_table(runs)
    print_report(table, impls)
    if options.targets:
        print_targets(table)

    if options.json:
        options.json.write_text(
            json.dumps({"ops_per_second": table, "implementations": impls, "runs": runs},
                       indent=1),
            encoding="utf-8",
        )

    if options.gate:
        slower = {
            name: value for name, value in ratio(table, "compiled", "flask").items()
            if value < 1.0
        }
        missing = [s.name for s in SCENARIOS if "compiled" not in table[s.name]]
        if slower or missing:
            for name, value in sorted(slower.items()):
                print(f"bench gate: flaskfast is slower than Flask on {name} ({value:.2f}x)")
            for name in missing:
                print(f"bench gate: no flaskfast result for {name}")
            return 1
        print("\nbench gate: flaskfast is at least as fast as Flask on every scenario")
    return 0


if __name__ == "__main__":
    sys.exit(main())
