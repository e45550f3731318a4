"""Load and soak: the realistic app under real servers, then a long in-process run.

Usage::

    python bench/loadtest.py                       # every server, 10 s each, then 1,000,000 requests
    python bench/loadtest.py --duration 3 --requests 100000
    python bench/loadtest.py --servers gunicorn-sync --no-memory

For each server this starts, on 127.0.0.1 and a free port, the realistic app of
the benchmarks (``bench/realapp`` on flaskfast, compiled kernels unless
``--pure``) under

* ``gunicorn-sync``: gunicorn, 2 sync workers;
* ``gunicorn-gthread``: gunicorn, 2 gthread workers with 4 threads each;
* ``granian``: Granian's WSGI interface, 1 worker, 2 blocking threads;

waits until it serves the logged-in index page, warms up for a second, then
runs ``wrk -t2 -c32 -dNs --latency`` with a Lua script cycling over five pages
of a logged-in user (index, an item, its edit form, an API page, the login
page). It reports requests/s, p50 and p99 latency, wrk's socket errors and
non-2xx/3xx responses, and whether any worker was restarted (gunicorn's
"Booting worker" lines beyond the first ones, Granian's worker pids changing),
then stops the server (its whole process group). A run fails (exit 1) on any
error, bad response or worker restart; the figures themselves are reported,
not asserted.

Then ``bench/memory.py`` performs ``--requests`` in-process requests and
reports the resident memory growth (target < 5 MiB, checked here too).

Everything listens on 127.0.0.1 only and stops by itself. wrk is installed with
apt-get when missing (see ``bench/server.py``).
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import typing as t
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

from server import ensure_wrk  # noqa: E402
from server import free_port  # noqa: E402

ENV_VAR = "FLASKFAST_LOADTEST_FRAMEWORK"
PAGES = ["/", "/items/7", "/items/7/edit", "/api/items?page=2&per_page=10", "/auth/login"]
SERVERS = ("gunicorn-sync", "gunicorn-gthread", "granian")


# -- the served application (imported by the server processes) ----------------


def create_app() -> t.Any:
    """The realistic app on the framework named by ``$FLASKFAST_LOADTEST_FRAMEWORK``."""
    import realpages

    return realpages.build(os.environ.get(ENV_VAR, "flaskfast"))


def session_cookie() -> str:
    """The session cookie of logged-in user 1, signed as the app signs it."""
    import flaskfast
    import realapp

    app = realapp.create_app(flaskfast)
    serializer = app.session_interface.get_signing_serializer(app)
    return f"{app.config['SESSION_COOKIE_NAME']}={serializer.dumps({'user_id': 1})}"


# -- servers ---------------------------------------------------------------------


def command(kind: str, port: int) -> list[str]:
    bin_dir = Path(sys.executable).parent
    bind = f"127.0.0.1:{port}"
    if kind == "gunicorn-sync":
        return [str(bin_dir / "gunicorn"), "--bind", bind, "--workers", "2",
                "--worker-class", "sync", "--log-level", "info", "loadtest:create_app()"]  # fmt: skip
    if kind == "gunicorn-gthread":
        return [str(bin_dir / "gunicorn"), "--bind", bind, "--workers", "2", "--threads", "4",
                "--worker-class", "gthread", "--log-level", "info", "loadtest:create_app()"]  # fmt: skip
    if kind == "granian":
        return [str(bin_dir / "granian"), "--interface", "wsgi", "--host", "127.0.0.1",
                "--port", str(port), "--workers", "1", "--blocking-threads", "2",
                "--no-ws", "--log-level", "info", "--factory", "--working-dir", str(BENCH),
                "loadtest:create_app"]  # fmt: skip
    raise ValueError(f"unknown server {kind!r}; use one of {SERVERS}")


def children(pid: int) -> set[int]:
    """Direct child pids of ``pid`` (the server's workers)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found.update(int(p) for p in (task / "children").read_text().split())
        except OSError:
            pass
    return found


class Server:
    """A server process group on 127.0.0.1, stopped on exit from the ``with``."""

    def __init__(self, kind: str, pure: bool) -> None:
        self.kind = kind
        self.port = free_port()
        env = dict(os.environ)
        env[ENV_VAR] = "flaskfast"
        env.pop("FLASKFAST_NO_EXTENSIONS", None)
        if pure:
            env["FLASKFAST_NO_EXTENSIONS"] = "1"
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(BENCH), str(ROOT), env.get("PYTHONPATH", "")) if p)
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            command(kind, self.port),
            cwd=BENCH,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.base = f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def wait_ready(self, cookie: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.kind} exited early:\n{self.output()[-3000:]}")
            try:
                request = urllib.request.Request(self.base + "/", headers={"Cookie": cookie})
                with urllib.request.urlopen(request, timeout=5) as response:
                    if response.status == 200 and b"Log out" in response.read():
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.kind} not ready after {timeout}s:\n{self.output()[-3000:]}")

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        self.log.close()


# -- wrk ------------------------------------------------------------------------------

LUA = """
local paths = {%(paths)s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1], {["Cookie"] = "%(cookie)s"})
end
"""


def run_wrk(wrk: str, base: str, cookie: str, duration: float, script: str) -> dict[str, t.Any]:
    output = subprocess.run(
        [wrk, "-t2", "-c32", f"-d{max(int(duration), 1)}s", "--latency", "-s", script, base + "/"],
        capture_output=True, text=True, timeout=duration + 60, check=True,
    ).stdout  # fmt: skip
    result: dict[str, t.Any] = {"raw": output}
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    result["rps"] = float(rate.group(1)) if rate else 0.0
    total = re.search(r"(\d+) requests in", output)
    result["requests"] = int(total.group(1)) if total else 0
    for label in ("50%", "99%"):
        found = re.search(rf"^\s+{re.escape(label)}\s+([\d.]+)(us|ms|s)\b", output, re.M)
        if found:
            value, unit = float(found.group(1)), found.group(2)
            result[label] = value * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    result["socket_errors"] = sum(int(n) for n in errors.groups()) if errors else 0
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    result["bad_responses"] = int(bad.group(1)) if bad else 0
    return result


def load(kind: str, wrk: str, cookie: str, duration: float, pure: bool) -> dict[str, t.Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(LUA % {"paths": ", ".join(f'"{p}"' for p in PAGES), "cookie": cookie})
    try:
        with Server(kind, pure) as server:
            server.wait_ready(cookie)
            time.sleep(0.5)  # all workers up
            workers_before = children(server.proc.pid)
            run_wrk(wrk, server.base, cookie, 1, lua.name)  # warm-up
            result = run_wrk(wrk, server.base, cookie, duration, lua.name)
            workers_after = children(server.proc.pid)
            log = server.output()
        boots = log.count("Booting worker")
        result["restarts"] = max(boots - 2, 0) if kind.startswith("gunicorn") else len(workers_after - workers_before)
        result["log_errors"] = [line for line in log.splitlines() if "Traceback" in line or "ERROR" in line or "WORKER TIMEOUT" in line]
    finally:
        os.unlink(lua.name)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--servers", default=",".join(SERVERS))
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of load per server")
    parser.add_argument("--requests", type=int, default=1_000_000, help="in-process requests of the soak")
    parser.add_argument("--pure", action="store_true", help="flaskfast without compiled kernels")
    parser.add_argument("--no-memory", action="store_true", help="skip the in-process soak")
    args = parser.parse_args(argv)

    wrk = ensure_wrk()
    cookie = session_cookie()
    failed = False
    rows = []
    for kind in args.servers.split(","):
        result = load(kind, wrk, cookie, args.duration, args.pure)
        ok = not (result["socket_errors"] or result["bad_responses"] or result["restarts"] or result["log_errors"])
        failed |= not ok
        rows.append((kind, result, ok))
        print(f"{kind:18} {result['rps']:9.0f} req/s  p50 {result.get('50%', 0):7.2f} ms  "
              f"p99 {result.get('99%', 0):7.2f} ms  requests {result['requests']:7d}  "
              f"socket errors {result['socket_errors']}  non-2xx/3xx {result['bad_responses']}  "
              f"worker restarts {result['restarts']}  {'ok' if ok else 'FAILED'}", flush=True)  # fmt: skip
        for line in result["log_errors"][:5]:
            print("    server log:", line)
    if not args.no_memory:
        mode = ["--pure"] if args.pure else []
        proc = subprocess.run(
            [sys.executable, str(BENCH / "memory.py"), "--requests", str(args.requests), *mode],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        print(proc.stdout.strip())
        growth = re.search(r"growth[^\n]*?(-?[\d.]+) MiB", proc.stdout)
        if proc.returncode != 0 or growth is None or float(growth.group(1)) >= 5.0:
            print(proc.stderr[-2000:])
            failed = True
    print("loadtest:", "FAILED" if failed else "ok")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
