"""Memory growth of flaskfast under a long run of mixed requests.

Usage::

    python bench/memory.py                    # 1,000,000 requests
    python bench/memory.py --requests 100000  # shorter
    python bench/memory.py --pure             # flaskfast without compiled kernels

Builds the benchmark app of ``bench/apps.py`` on flaskfast (or ``--framework
flask`` for comparison), checks every scenario once, warms up, then performs
the requests cycling over the 14 scenarios' prepared environs (through
:func:`apps.make_call`, plain WSGI). The resident set size is read from
``/proc/self/statm`` (``resource.getrusage`` peak RSS where /proc is missing)
after a ``gc.collect()`` at the baseline and every ``--every`` requests. The
report gives the growth after warm-up; target (reported, not asserted):
< 5 MiB.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import sys
import time
import typing as t
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

MIB = 1024 * 1024
TARGET_MIB = 5.0
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def rss_bytes() -> int:
    """Current resident set size (peak RSS where /proc is unavailable)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * PAGE
    except OSError:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return int(peak) * (1 if sys.platform == "darwin" else 1024)


def sample() -> int:
    gc.collect()
    return rss_bytes()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--requests", type=int, default=1_000_000, help="measured requests")
    parser.add_argument("--warmup", type=int, default=28_000, help="requests before the baseline")
    parser.add_argument("--every", type=int, default=100_000, help="RSS sample interval")
    parser.add_argument("--framework", choices=("flaskfast", "flask"), default="flaskfast")
    parser.add_argument("--pure", action="store_true", help="flaskfast without compiled kernels")
    options = parser.parse_args(argv)
    if options.requests < 1 or options.every < 1 or options.warmup < 0:
        parser.error("--requests and --every must be positive, --warmup not negative")

    if options.pure:
        os.environ["FLASKFAST_NO_EXTENSIONS"] = "1"  # before flaskfast is imported
    from apps import SCENARIOS
    from apps import build
    from apps import check
    from apps import make_call

    framework = options.framework
    app = build(framework)
    calls: list[t.Callable[[], t.Any]] = []
    for scenario in SCENARIOS:
        call = make_call(app, scenario)
        check(scenario, call(), framework)
        calls.append(call)
    label = framework
    if framework == "flaskfast":
        import flaskfast._speedups

        label = f"flaskfast[{flaskfast._speedups.IMPLEMENTATION}]"

    n_calls = len(calls)

    def run(count: int, offset: int) -> None:
        for i in range(offset, offset + count):
            calls[i % n_calls]()

    print(f"bench-memory: {label}, warm-up {options.warmup:,} requests ...", flush=True)
    run(options.warmup, 0)
    before = sample()
    print(f"{'requests':>12}{'RSS MiB':>10}{'growth MiB':>12}{'requests/s':>12}")
    print(f"{0:>12,}{before / MIB:>10.2f}{0.0:>12.2f}{'-':>12}", flush=True)
    done = 0
    peak = before
    start = time.perf_counter()
    while done < options.requests:
        step = min(options.every, options.requests - done)
        t0 = time.perf_counter()
        run(step, options.warmup + done)
        rate = step / (time.perf_counter() - t0)
        done += step
        now = sample()
        peak = max(peak, now)
        print(f"{done:>12,}{now / MIB:>10.2f}{(now - before) / MIB:>12.2f}{rate:>12,.0f}",
              flush=True)
    elapsed = time.perf_counter() - start
    growth = (now - before) / MIB
    verdict = "met" if growth < TARGET_MIB else "NOT met"
    print()
    print(f"{label}: {done:,} mixed requests over {n_calls} scenarios in {elapsed:.1f} s")
    print(f"RSS after warm-up {before / MIB:.2f} MiB, at end {now / MIB:.2f} MiB, "
          f"peak sample {peak / MIB:.2f} MiB")
    print(f"growth after warm-up: {growth:.2f} MiB (target < {TARGET_MIB:g} MiB: {verdict})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
