"""Requests/s through a real HTTP server: flaskfast against Flask and Falcon.

Usage::

    python bench/server.py                    # 5 alternating rounds of 4 s each
    python bench/server.py --duration 2 --rounds 1 --frameworks flaskfast,flask
    python bench/server.py --app full         # the whole bench app, not one route

``ceiling`` is a constant WSGI callable (no routing, no request object): its
rate is what Granian and wrk allow on this machine, so ceiling/Flask is about
the most any framework could show over Flask here.

For each framework this starts Granian (WSGI interface, one worker process,
one blocking thread) on 127.0.0.1 serving the path-parameter app
(``/users/<int:user_id>``, Falcon's ``/users/{user_id:int}``), waits until it
answers ``GET /users/42`` with ``user 42`` and runs a short wrk warm-up. Then
``wrk -t2 -c64 -dNs`` runs against each server in turn, ``--rounds`` times;
the servers are all up meanwhile (idle ones cost nothing) so that load drift on
a shared machine hits every framework alike, each round starts with the next
framework, and the median round counts. All
servers are stopped at the end, also after an error or Ctrl-C. ``--app full``
serves the complete application of ``bench/apps.py`` instead (500 more
routes, which Falcon's router compares one by one).

The load: wrk with two threads and 64 connections by default. One wrk thread
with 16 connections (this script's default until November 2026) does not keep
the server busy: the ceiling app's rate rises by a fifth from 16 to 128
connections, and the fixed cost of the idle gaps compresses every ratio
(flaskfast/Flask 3.5-3.9x there, 4.7-5.1x from 64 to 256 connections on two
threads). ``--threads`` and ``--connections`` choose another load.

wrk comes from Debian's package: when it is missing, this script runs
``apt-get update`` and ``apt-get install -y wrk`` (as root), or says how to
install it. The report gives requests/s and the ratios flaskfast/Flask and
flaskfast/Falcon next to the targets (>= 4.5x Flask, >= 1.0x Falcon); targets
are reported, never asserted.

The module also serves as Granian's target: :func:`create_app` builds the app
named by the ``FLASKFAST_BENCH_SERVER`` environment variable.
"""

# The app is built from a framework module chosen at run time, so its decorators are untyped.
# mypy: disable-error-code="untyped-decorator"
from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import typing as t
import urllib.error
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
ENV_VAR = "FLASKFAST_BENCH_SERVER"  # "<framework>:<minimal|full>"
FRAMEWORKS = ("flaskfast", "flask", "falcon", "ceiling")
TARGETS = {"flask": 4.5, "falcon": 1.0}  # flaskfast / other, from the issue
PATH = "/users/42"
EXPECTED = b"user 42"


# -- the served application (runs inside the server process) ---------------


def _ceiling_app(environ: t.Any, start_response: t.Any) -> list[bytes]:
    """The cheapest WSGI app that gives the expected answer: no routing, no
    request object.  What the server and wrk cost on their own."""
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", "7")])
    return [EXPECTED]


def build_minimal(framework: str) -> t.Any:
    """An app with the single path-parameter route of the bench app."""
    if framework == "ceiling":
        return _ceiling_app
    if framework == "falcon":
        import falcon

        class User:
            def on_get(self, req: t.Any, resp: t.Any, user_id: int) -> None:
                resp.content_type = falcon.MEDIA_HTML
                resp.text = f"user {user_id}"

        app = falcon.App()
        app.add_route("/users/{user_id:int}", User())
        return app
    if framework not in ("flask", "flaskfast"):
        raise ValueError(f"unknown framework {framework!r}; use one of {FRAMEWORKS}")
    fw = importlib.import_module(framework)
    flask_app = fw.Flask("bench_server")

    @flask_app.route("/users/<int:user_id>")
    def user(user_id: int) -> str:
        return f"user {user_id}"

    return flask_app


def create_app() -> t.Any:
    """Granian factory: the app named by ``$FLASKFAST_BENCH_SERVER``."""
    spec = os.environ.get(ENV_VAR, "")
    framework, _, kind = spec.partition(":")
    if kind == "full" and framework != "ceiling":
        sys.path.insert(0, str(BENCH))
        import apps

        return apps.build(framework)
    if kind != "minimal":
        raise RuntimeError(f"{ENV_VAR}={spec!r}: expected '<framework>:minimal' or ':full'")
    return build_minimal(framework)


# -- tools -----------------------------------------------------------------


def ensure_wrk() -> str:
    """Path of wrk, installing Debian's package when possible."""
    found = shutil.which("wrk")
    if found:
        return found
    apt = shutil.which("apt-get")
    if apt is None or os.geteuid() != 0:
        raise SystemExit(
            "bench-server: wrk is not installed and cannot be installed from here "
            "(needs apt-get as root). Install it with your package manager, e.g. "
            "`sudo apt-get install wrk` on Debian/Ubuntu or `brew install wrk` on macOS."
        )
    print("bench-server: wrk is missing; installing Debian's package ...", flush=True)
    for command in ([apt, "update", "-qq"], [apt, "install", "-y", "-qq", "wrk"]):
        proc = subprocess.run(command, capture_output=True, text=True, timeout=600)
        if proc.returncode != 0:
            sys.stderr.write(proc.stdout[-2000:] + proc.stderr[-2000:])
            raise SystemExit(
                f"bench-server: `{' '.join(command)}` failed (exit {proc.returncode}); "
                "install wrk by hand and run again."
            )
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("bench-server: apt-get reported success but wrk is not on PATH")
    return found


def server_command(port: int) -> list[str]:
    granian = Path(sys.executable).with_name("granian")
    if not granian.exists():
        try:
            import granian as _granian  # noqa: F401
        except ImportError:
            raise SystemExit(
                "bench-server: granian is not installed; run `make bench-server` or "
                "`pip install -e '.[test,bench]'`."
            ) from None
        launcher = [sys.executable, "-m", "granian"]
    else:
        launcher = [str(granian)]
    return [
        *launcher,
        "--interface", "wsgi",
        "--host", "127.0.0.1",
        "--port", str(port),
        "--workers", "1",
        "--blocking-threads", "1",
        "--runtime-threads", "1",
        "--no-ws",
        "--log-level", "warning",
        "--factory",
        "--working-dir", str(BENCH),
        "server:create_app",
    ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- one measurement ---------------------------------------------------------


class Server:
    """A Granian process group on 127.0.0.1, stopped on exit from the ``with``."""

    def __init__(self, framework: str, app_kind: str, pure: bool) -> None:
        self.port = free_port()
        env = dict(os.environ)
        env[ENV_VAR] = f"{framework}:{app_kind}"
        env.pop("FLASKFAST_NO_EXTENSIONS", None)
        if pure:
            env["FLASKFAST_NO_EXTENSIONS"] = "1"
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(BENCH), str(ROOT), os.environ.get("PYTHONPATH", "")) if p
        )
        # A file, not a pipe: a chatty server must never block on a full pipe.
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            server_command(self.port),
            cwd=BENCH,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the workers stop with it
        )
        self.url = f"http://127.0.0.1:{self.port}{PATH}"

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        last: Exception | None = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.log.seek(0)
                err = self.log.read().decode(errors="replace")
                raise RuntimeError(f"server exited with {self.proc.returncode}:\n{err[-3000:]}")
            try:
                with urllib.request.urlopen(self.url, timeout=2) as response:
                    body = response.read()
                if body != EXPECTED:
                    raise RuntimeError(f"GET {PATH} answered {body[:200]!r}, want {EXPECTED!r}")
                return
            except urllib.error.HTTPError as exc:  # it answers, but wrongly
                raise RuntimeError(f"GET {PATH} answered {exc.code}: {exc.read()[:300]!r}")
            except OSError as exc:
                last = exc
                time.sleep(0.1)
        raise RuntimeError(f"server did not answer {self.url} within {timeout:.0f} s ({last})")

    def stop(self) -> None:
        if self.proc.poll() is None:
            for sig, grace in ((signal.SIGINT, 10.0), (signal.SIGKILL, 5.0)):
                try:
                    os.killpg(self.proc.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    self.proc.wait(timeout=grace)
                    break
                except subprocess.TimeoutExpired:
                    continue
        # Reap any worker left in the group (Granian normally stops them itself).
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.log.close()


WRK_RPS = re.compile(r"^Requests/sec:\s+([\d.]+)", re.M)
WRK_ERRORS = re.compile(r"^\s*(Socket errors:.*|Non-2xx or 3xx responses:.*)$", re.M)
WRK_LATENCY = re.compile(r"^\s*Latency\s+(\S+)", re.M)


def run_wrk(wrk: str, url: str, threads: int, connections: int, seconds: int) -> dict[str, t.Any]:
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", url]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    match = WRK_RPS.search(proc.stdout)
    if proc.returncode != 0 or match is None:
        raise RuntimeError(f"`{' '.join(command)}` failed:\n{proc.stdout}{proc.stderr}")
    latency = WRK_LATENCY.search(proc.stdout)
    return {
        "rps": float(match.group(1)),
        "latency": latency.group(1) if latency else "-",
        "errors": "; ".join(m.strip() for m in WRK_ERRORS.findall(proc.stdout)),
    }


def measure(frameworks: list[str], options: argparse.Namespace, wrk: str) -> dict[str, t.Any]:
    """Median wrk result per framework over ``options.rounds`` alternating rounds.

    All servers are up together (an idle one costs nothing) so that the rounds
    can alternate between frameworks: load drift on a shared machine then hits
    them alike. Every server is stopped on the way out, also on errors.
    """
    samples: dict[str, list[dict[str, t.Any]]] = {f: [] for f in frameworks}
    with contextlib.ExitStack() as stack:
        servers = {}
        for framework in frameworks:
            print(f"bench-server: starting {framework} ...", flush=True)
            server = stack.enter_context(Server(framework, options.app, options.pure))
            server.wait_ready(options.startup_timeout)
            if options.warmup > 0:
                run_wrk(wrk, server.url, options.threads, options.connections, options.warmup)
            servers[framework] = server
        order = list(servers.items())
        for round_no in range(1, options.rounds + 1):
            # Each round starts with the next framework, so that no framework
            # always runs first (or last) in a round.
            shift = (round_no - 1) % len(order)
            for framework, server in order[shift:] + order[:shift]:
                result = run_wrk(
                    wrk, server.url, options.threads, options.connections, options.duration
                )
                samples[framework].append(result)
                print(f"bench-server: round {round_no} {framework}: "
                      f"{result['rps']:,.0f} requests/s", flush=True)
    results = {}
    for framework, runs in samples.items():
        runs.sort(key=lambda r: r["rps"])
        median = dict(runs[len(runs) // 2])  # an actual run, not an average
        median["rps"] = statistics.median(r["rps"] for r in runs)
        median["errors"] = "; ".join(r["errors"] for r in runs if r["errors"])
        median["all"] = [r["rps"] for r in runs]
        results[framework] = median
    return results


# -- report ------------------------------------------------------------------


def implementation(pure: bool) -> str:
    if pure:
        return "python"
    try:
        import flaskfast._speedups as speedups
    except ImportError:
        return "?"
    return str(speedups.IMPLEMENTATION)


def print_report(results: dict[str, dict[str, t.Any]], options: argparse.Namespace) -> None:
    label = {"flaskfast": f"flaskfast[{implementation(options.pure)}]"}
    print()
    print(
        f"GET {PATH} via Granian (1 worker, 1 thread), {options.app} app, "
        f"wrk -t{options.threads} -c{options.connections} -d{options.duration}s,"
        f" median of {options.rounds} alternating round(s)"
    )
    header = f"{'framework':<20}{'requests/s':>14}{'avg latency':>14}  {'all rounds':<26}  errors"
    print(header)
    print("-" * len(header))
    for framework, result in results.items():
        print(
            f"{label.get(framework, framework):<20}{result['rps']:>14,.0f}"
            f"{result['latency']:>14}  {' '.join(f'{v:,.0f}' for v in result['all']):<26}"
            f"  {result['errors'] or '-'}"
        )
    print("-" * len(header))
    ours = results.get("flaskfast")
    if ours is not None:
        for other, target in TARGETS.items():
            if other not in results:
                continue
            value = ours["rps"] / results[other]["rps"]
            verdict = "met" if value >= target else "NOT met"
            print(f"flaskfast/{other:<8}{value:>7.2f}x   (target >= {target:g}x: {verdict})")
    ceiling = results.get("ceiling")
    if ceiling is not None and "flask" in results:
        value = ceiling["rps"] / results["flask"]["rps"]
        print(
            f"ceiling/flask   {value:>7.2f}x   (a constant WSGI app: about the most any"
            " framework could show over Flask with this server, wrk and machine)"
        )


def _exit_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--frameworks", default=",".join(FRAMEWORKS), help="comma-separated subset"
    )
    parser.add_argument("--duration", type=int, default=4, help="seconds of wrk load")
    parser.add_argument(
        "--warmup", type=int, default=1, help="seconds of unmeasured load (0: none)"
    )
    parser.add_argument(
        "--rounds", type=int, default=5, help="measured runs per framework, alternating"
    )
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=64, help="wrk connections")
    parser.add_argument(
        "--app", choices=("minimal", "full"), default="minimal",
        help="only the /users route (default) or the whole bench app",
    )
    parser.add_argument("--pure", action="store_true", help="flaskfast without compiled kernels")
    parser.add_argument("--startup-timeout", type=float, default=30.0)
    options = parser.parse_args(argv)

    frameworks = [f.strip() for f in options.frameworks.split(",") if f.strip()]
    unknown = sorted(set(frameworks) - set(FRAMEWORKS))
    if unknown:
        parser.error(f"unknown framework(s) {unknown}; use {FRAMEWORKS}")
    if not 1 <= options.rounds <= 20:
        parser.error("--rounds must be 1 to 20")
    if options.threads < 1 or options.connections < options.threads:
        parser.error("--threads must be >= 1 and --connections >= --threads (wrk needs both)")
    if not 1 <= options.duration <= 120:
        parser.error("--duration must be 1 to 120 seconds (wrk takes whole seconds)")

    wrk = ensure_wrk()
    # The servers run in their own sessions: turn SIGTERM/SIGHUP into SystemExit
    # so that the ExitStack in measure() still stops them.
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _exit_on_signal)
    try:
        results = measure(frameworks, options, wrk)
    except RuntimeError as exc:
        print(f"bench-server: failed: {exc}", file=sys.stderr)
        return 1
    print_report(results, options)
    return 0


if __name__ == "__main__":
    sys.exit(main())
