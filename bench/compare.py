"""Compare flaskfast (compiled and pure) with Flask and Falcon on every scenario.

Usage::

    python bench/compare.py            # full run (about a minute or two)
    python bench/compare.py --quick    # few rounds, for CI (well under 60 s)
    python bench/compare.py --gate     # exit 1 if compiled flaskfast is slower
                                       # than Flask on any scenario
    python bench/compare.py --json out.json   # also save the merged results

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


def print_report(table: dict[str, dict[str, float]], impls: dict[str, str]) -> None:
    names = {
        "compiled": f"flaskfast[{impls.get('compiled', '?')}]",
        "pure": f"flaskfast[{impls.get('pure', '?')}]",
        "flask": "flask",
        "falcon": "falcon",
    }
    ratios = {
        "ff/flask": ratio(table, "compiled", "flask"),
        "pure/flask": ratio(table, "pure", "flask"),
        "ff/falcon": ratio(table, "compiled", "falcon"),
    }
    width = max(len(s.name) for s in SCENARIOS) + 2
    header = f"{'scenario (ops/s)':<{width}}" + "".join(
        f"{names[c]:>20}" for c in COLUMNS
    ) + "".join(f"{r:>12}" for r in ratios)
    print()
    print(header)
    print("-" * len(header))
    for scenario in SCENARIOS:
        cols = table[scenario.name]
        line = f"{scenario.name:<{width}}"
        for column in COLUMNS:
            value = cols.get(column)
            line += f"{value:>20,.0f}" if value else f"{'-':>20}"
        for values in ratios.values():
            value = values.get(scenario.name)
            line += f"{value:>11.2f}x" if value else f"{'-':>12}"
        print(line)
    print("-" * len(header))
    line = f"{'geometric mean':<{width}}" + " " * 20 * len(COLUMNS)
    for values in ratios.values():
        line += f"{geomean(list(values.values())):>11.2f}x"
    print(line)
    if impls.get("compiled") == "python":
        print(
            "\nnote: no compiled kernels are loaded, so flaskfast[python] appears in"
            " both flaskfast columns"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="few rounds (CI)")
    parser.add_argument(
        "--gate",
        action="store_true",
        help="exit 1 if compiled flaskfast is slower than Flask on any scenario",
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
