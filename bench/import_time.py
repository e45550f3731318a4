"""Import time of flaskfast against Flask, from ``python -X importtime``.

Usage::

    python bench/import_time.py               # median of 9 fresh runs each
    python bench/import_time.py --runs 5

Each run is a fresh interpreter, ``python -X importtime -c "import <name>"``;
the figure is the cumulative time of the top-level ``<name>`` import (every
module it pulls in, interpreter start-up excluded). Runs of the two packages
alternate and the report gives the medians and flaskfast/flask. Both read
bytecode from one temporary ``PYTHONPYCACHEPREFIX`` that an unmeasured first
run of each fills (``PYTHONDONTWRITEBYTECODE`` is dropped), so neither compiles
its sources in a measured run and no cache file is left behind. Target
(reported, not asserted): flaskfast no slower than Flask (ratio <= 1.0).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("flaskfast", "flask")
# "import time: <self us> | <cumulative us> | <name>", top level = no indent.
LINE = re.compile(r"^import time:\s+(\d+)\s+\|\s+(\d+)\s+\|\s(\S.*)$")


def import_us(package: str, pure: bool, pycache: str) -> int:
    """Cumulative microseconds of ``import package`` in a fresh interpreter."""
    env = dict(os.environ)
    # PERF: an editable checkout without .pyc files would be timed compiling.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = pycache
    env.pop("FLASKFAST_NO_EXTENSIONS", None)
    if pure:
        env["FLASKFAST_NO_EXTENSIONS"] = "1"
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p
    )
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {package}"],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=60,
    )
    if proc.returncode != 0:
        raise SystemExit(f"import_time: `import {package}` failed:\n{proc.stderr[-3000:]}")
    for line in proc.stderr.splitlines():
        match = LINE.match(line)
        if match and match.group(3) == package:
            return int(match.group(2))
    raise SystemExit(f"import_time: no top-level '{package}' line in -X importtime output")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=9, help="measured runs per package")
    parser.add_argument("--pure", action="store_true", help="flaskfast without compiled kernels")
    options = parser.parse_args(argv)
    if options.runs < 1:
        parser.error("--runs must be at least 1")

    samples: dict[str, list[int]] = {p: [] for p in PACKAGES}
    with tempfile.TemporaryDirectory(prefix="flaskfast-pycache-") as pycache:
        for package in PACKAGES:
            import_us(package, options.pure, pycache)  # fills the cache; not measured
        for _ in range(options.runs):
            for package in PACKAGES:
                samples[package].append(import_us(package, options.pure, pycache))

    medians = {p: statistics.median(v) for p, v in samples.items()}
    print(f"import time, median of {options.runs} fresh interpreters (python -X importtime)")
    for package in PACKAGES:
        values = samples[package]
        print(f"  {package:<10}{medians[package] / 1000:>8.1f} ms   "
              f"(min {min(values) / 1000:.1f}, max {max(values) / 1000:.1f})")
    value = medians["flaskfast"] / medians["flask"]
    verdict = "met" if value <= 1.0 else "NOT met"
    print(f"flaskfast/flask: {value:.2f} (target <= 1.0, no slower: {verdict})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
