"""Route scaling: requests/s on the last of 10 routes against the last of 5000.

Usage::

    python bench/scaling.py                   # 10 and 5000 routes, all frameworks
    python bench/scaling.py --sizes 10,1000 --repeat 3 --frameworks flaskfast
    python bench/scaling.py --pure            # flaskfast without compiled kernels

Each app has N routes ``/r{i}/<int:x>/item/<name>`` (Falcon:
``/r{i}/{x:int}/item/{name}``) and nothing else. The request is
``GET /r{N-1}/7/item/widget`` through plain WSGI with a prepared environ, as in
``bench/apps.py``; the response is checked before timing. The sizes of one
framework are timed in alternation, so machine-load drift hits them alike;
each figure is the median of ``--repeat`` timed batches. The report gives the
ratio last-of-largest / last-of-smallest per framework. Target (reported, not
asserted): flaskfast >= 0.8.
"""

# The app is built from a framework module chosen at run time, so its decorators are untyped.
# mypy: disable-error-code="untyped-decorator"
from __future__ import annotations

import argparse
import importlib
import os
import statistics
import sys
import time
import typing as t
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

FRAMEWORKS = ("flaskfast", "flask", "falcon")
TARGET = 0.8  # flaskfast: last-of-5000 / last-of-10


def build(framework: str, n_routes: int) -> t.Any:
    """An app of ``framework`` with ``n_routes`` numbered routes."""
    if framework == "falcon":
        import falcon

        class Numbered:
            def __init__(self, i: int) -> None:
                self.i = i

            def on_get(self, req: t.Any, resp: t.Any, x: int, name: str) -> None:
                resp.content_type = falcon.MEDIA_HTML
                resp.text = f"route {self.i}: {x} {name}"

        app = falcon.App()
        for i in range(n_routes):
            app.add_route(f"/r{i}/{{x:int}}/item/{{name}}", Numbered(i))
        return app
    if framework not in ("flask", "flaskfast"):
        raise ValueError(f"unknown framework {framework!r}; use one of {FRAMEWORKS}")
    fw = importlib.import_module(framework)
    flask_app = fw.Flask("bench_scaling")

    def make_view(i: int) -> t.Callable[..., str]:
        def view(x: int, name: str) -> str:
            return f"route {i}: {x} {name}"

        return view

    for i in range(n_routes):
        flask_app.add_url_rule(
            f"/r{i}/<int:x>/item/<name>", endpoint=f"r{i}", view_func=make_view(i)
        )
    return flask_app


def last_route_call(framework: str, n_routes: int) -> t.Callable[[], t.Any]:
    """A checked zero-argument callable requesting the app's last route."""
    from apps import Scenario
    from apps import check
    from apps import make_call

    last = n_routes - 1
    scenario = Scenario(
        f"last_of_{n_routes}", "GET", f"/r{last}/7/item/widget", 200,
        body=f"route {last}: 7 widget".encode(),
    )
    call = make_call(build(framework, n_routes), scenario)
    check(scenario, call(), framework)  # also compiles lazily built routers
    return call


def calibrate(call: t.Callable[[], t.Any], seconds: float) -> int:
    """Calls per batch so that one batch takes about ``seconds``."""
    number = 1
    while True:
        start = time.perf_counter()
        for _ in range(number):
            call()
        elapsed = time.perf_counter() - start
        if elapsed >= seconds / 4 or number >= 1 << 22:
            return max(1, int(number * seconds / max(elapsed, 1e-9)))
        number *= 4


def measure(
    framework: str, sizes: list[int], repeat: int, batch_seconds: float
) -> dict[int, float]:
    """Median requests/s on the last route, per app size."""
    calls = {n: last_route_call(framework, n) for n in sizes}
    numbers = {n: calibrate(call, batch_seconds) for n, call in calls.items()}
    samples: dict[int, list[float]] = {n: [] for n in sizes}
    for _ in range(repeat):
        for n, call in calls.items():
            number = numbers[n]
            start = time.perf_counter()
            for _ in range(number):
                call()
            samples[n].append(number / (time.perf_counter() - start))
    return {n: statistics.median(values) for n, values in samples.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--frameworks", default=",".join(FRAMEWORKS))
    parser.add_argument("--sizes", default="10,5000", help="comma-separated route counts")
    parser.add_argument("--repeat", type=int, default=5, help="timed batches per size")
    parser.add_argument("--batch", type=float, default=0.3, help="seconds per batch")
    parser.add_argument("--pure", action="store_true", help="flaskfast without compiled kernels")
    options = parser.parse_args(argv)

    if options.pure:
        os.environ["FLASKFAST_NO_EXTENSIONS"] = "1"  # before flaskfast is imported
    frameworks = [f.strip() for f in options.frameworks.split(",") if f.strip()]
    unknown = sorted(set(frameworks) - set(FRAMEWORKS))
    if unknown:
        parser.error(f"unknown framework(s) {unknown}; use {FRAMEWORKS}")
    try:
        sizes = sorted({int(s) for s in options.sizes.split(",") if s.strip()})
    except ValueError:
        parser.error(f"--sizes must be comma-separated integers, got {options.sizes!r}")
    if len(sizes) < 2 or sizes[0] < 1:
        parser.error("--sizes needs at least two positive route counts")
    if options.repeat < 1:
        parser.error("--repeat must be at least 1")

    results: dict[str, dict[int, float]] = {}
    for framework in frameworks:
        print(f"bench-scaling: {framework} ...", flush=True)
        results[framework] = measure(framework, sizes, options.repeat, options.batch)

    labels = {}
    if "flaskfast" in results:
        import flaskfast._speedups

        labels["flaskfast"] = f"flaskfast[{flaskfast._speedups.IMPLEMENTATION}]"
    small, large = sizes[0], sizes[-1]
    ratio_name = f"{large}/{small}"
    print()
    print("GET /r{N-1}/7/item/widget, in-process WSGI, requests/s (median of batches)")
    header = f"{'framework':<20}" + "".join(f"{f'{n} routes':>14}" for n in sizes)
    header += f"{ratio_name:>12}"
    print(header)
    print("-" * len(header))
    for framework, by_size in results.items():
        line = f"{labels.get(framework, framework):<20}"
        line += "".join(f"{by_size[n]:>14,.0f}" for n in sizes)
        line += f"{by_size[large] / by_size[small]:>11.2f}x"
        print(line)
    print("-" * len(header))
    if "flaskfast" in results:
        value = results["flaskfast"][large] / results["flaskfast"][small]
        verdict = "met" if value >= TARGET else "NOT met"
        print(f"flaskfast last-of-{large} / last-of-{small}: {value:.2f} "
              f"(target >= {TARGET}: {verdict})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
