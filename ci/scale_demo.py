"""Two flaskfast backends behind a real load balancer (``make scale-demo``).

Usage::

    python ci/scale_demo.py                      # balancer on http://127.0.0.1:8080
    python ci/scale_demo.py --port 0             # any free port
    python ci/scale_demo.py --worker-class gthread --requests 50
    python ci/scale_demo.py --app 'examples.notes:create_app()' --login-path /auth/login \\
        --form username=alice --form password=secret --page /notes --expect alice
    python ci/scale_demo.py --install-only       # only make sure nginx and gunicorn are there

What it does, printing each step:

1. starts two gunicorn servers (``backend-1``, ``backend-2``; two workers each,
   ``sync`` unless ``--worker-class gthread``) on free ports of 127.0.0.1, both
   serving ``--app`` (gunicorn's ``module:callable`` syntax; by default
   ``ci/scale_demo_realapp.py``: the benchmarks' realistic app on flaskfast)
   with the same freshly generated ``SECRET_KEY``. A gunicorn server hook
   (``ci/scale_demo_hooks.py``) adds ``X-Backend: backend-N pid P`` to every
   response, so each answer shows which backend and worker served it;
2. starts nginx (Debian's package, installed with apt-get when missing; as the
   current user, with a generated configuration, pid and log files in a
   temporary directory, no system service) on 127.0.0.1:``--port``,
   round-robin over both backends, with passive health checks
   (``max_fails=1 fail_timeout=10s``) and retries on the other backend
   (``proxy_next_upstream error timeout http_502``);
3. checks that ``--page`` does not show ``--expect`` to an anonymous client
   (by default the realistic app's edit form of alice's item 1, which redirects
   to the login page), then logs in through the balancer (POST ``--login-path``
   with the ``--form`` fields; a cookie jar keeps the signed session cookie);
4. requests ``--page`` until both backends answered, and checks that every
   answer is a 200 showing the logged-in user (``--expect``): the session lives
   in the signed cookie, so any worker of any backend can serve any request;
5. kills backend-1 (SIGKILL to its gunicorn master and workers) and sends
   ``--requests`` more requests through the balancer: every one must succeed,
   logged in, served by backend-2 (nginx retries the one that hits the dead
   backend and then leaves it out);

and exits 0 only if every step passed (1 otherwise, with the reason). All
processes it started are stopped on exit, also on failure, Ctrl-C or SIGTERM;
each also gets a parent-death signal, so none outlives the script. Everything
listens on 127.0.0.1 only, and the whole run is bounded by ``--timeout``.
"""

from __future__ import annotations

import argparse
import ctypes
import http.cookiejar
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import typing as t
import urllib.parse
import urllib.request
from pathlib import Path

CI = Path(__file__).resolve().parent
sys.path.insert(0, str(CI))

from scale_demo_nginx import FAIL_TIMEOUT  # noqa: E402
from scale_demo_nginx import NginxUnavailable  # noqa: E402
from scale_demo_nginx import ensure_nginx  # noqa: E402
from scale_demo_nginx import nginx_conf  # noqa: E402
from scale_demo_nginx import nginx_version  # noqa: E402

ROOT = CI.parent
HOOKS = CI / "scale_demo_hooks.py"
DEFAULT_APP = "scale_demo_realapp:app"
BACKEND_HEADER = "X-Backend"


class DemoFailed(Exception):
    """A step of the demo did not give the expected result (the message says which)."""


def say(text: str = "") -> None:
    print(text, flush=True)


# -- what the demo runs ---------------------------------------------------------


def gunicorn_path() -> str:
    found = Path(sys.executable).with_name("gunicorn")
    if found.exists():
        return str(found)
    raise DemoFailed(
        f"gunicorn is not installed next to {sys.executable}; run `make install` "
        "(or `pip install gunicorn`) and run again"
    )


def implementation() -> str:
    """Which flaskfast kernels the backends load (they inherit this environment)."""
    try:
        from flaskfast import _speedups
    except ImportError:
        return "flaskfast not importable here"
    return {"cython": "compiled kernels", "python": "pure Python"}.get(_speedups.IMPLEMENTATION, "?")


# -- processes ------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def check_port_free(port: int) -> None:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError as exc:
            raise DemoFailed(
                f"127.0.0.1:{port} is already in use ({exc.strerror}); choose another port with "
                "--port N (make scale-demo LB_PORT=N), or --port 0 for any free one"
            ) from None


def _die_with_parent() -> None:
    # Runs in the child between fork and exec: ask the kernel to send SIGTERM when
    # this script dies, even by SIGKILL (e.g. a test's timeout), so nothing is left over.
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the finally-cleanup still applies
        pass


class Process:
    """A child process in its own process group, with its output in a log file."""

    def __init__(self, name: str, command: list[str], log: Path, env: dict[str, str], cwd: Path) -> None:
        self.name = name
        self.log = log
        with log.open("wb") as out:
            self.proc = subprocess.Popen(
                command,
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,  # noqa: PLW1509
            )
        self.pid = self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def output(self, tail: int = 3000) -> str:
        try:
            return self.log.read_text(errors="replace")[-tail:]
        except OSError:
            return ""

    def children(self) -> list[int]:
        found: list[int] = []
        for task in Path(f"/proc/{self.pid}/task").glob("*"):
            try:
                found.extend(int(p) for p in (task / "children").read_text().split())
            except OSError:
                pass
        return sorted(found)

    def kill_group(self, sig: int) -> None:
        try:
            os.killpg(self.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass

    def stop(self, grace: float = 5.0) -> None:
        """Stop the whole group: ``SIGTERM``, then ``SIGKILL`` after ``grace`` seconds."""
        if self.alive():
            self.kill_group(signal.SIGTERM)
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                pass
        self.kill_group(signal.SIGKILL)  # also any worker that outlived its master
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            pass


def wait_until(check: t.Callable[[], bool], what: str, deadline: float, proc: Process) -> None:
    while time.monotonic() < deadline:
        if not proc.alive():
            raise DemoFailed(f"{proc.name} exited early (exit {proc.proc.returncode}):\n{proc.output()}")
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise DemoFailed(f"{what}: not ready before the deadline\n{proc.output()}")


def http_ok(url: str) -> bool:
    with urllib.request.urlopen(url, timeout=5) as response:
        return bool(response.status < 500)


# -- the HTTP client ------------------------------------------------------------


class _KeepStatus(urllib.request.HTTPErrorProcessor):
    """Return every response as it is: no redirect following, no HTTPError for 4xx/5xx."""

    def http_response(self, request: urllib.request.Request, response: t.Any) -> t.Any:
        return response

    https_response = http_response


class Answer(t.NamedTuple):
    status: int
    backend: str
    location: str
    body: str


class Browser:
    """A client with a cookie jar, talking to one base URL."""

    def __init__(self, base: str, deadline: float) -> None:
        self.base = base
        self.deadline = deadline
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _KeepStatus())

    def request(self, path: str, form: dict[str, str] | None = None) -> Answer:
        if time.monotonic() > self.deadline:
            raise DemoFailed("the run took longer than --timeout")
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        try:
            with self.opener.open(self.base + path, data=data, timeout=15) as response:
                body = response.read().decode("utf-8", errors="replace")
                return Answer(
                    response.status,
                    response.headers.get(BACKEND_HEADER, "?"),
                    response.headers.get("Location", ""),
                    body,
                )
        except OSError as exc:
            return Answer(0, "-", "", f"connection failed: {exc}")

    def cookie_names(self) -> list[str]:
        return [cookie.name for cookie in self.jar]


# -- the demo -------------------------------------------------------------------


def parse_form(items: list[str]) -> dict[str, str]:
    form: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise SystemExit(f"scale-demo: --form takes KEY=VALUE, got {item!r}")
        form[key] = value
    return form


def backend_name(label: str) -> str:
    return label.split(" ", 1)[0]


class Demo:
    def __init__(self, args: argparse.Namespace, tmp: Path) -> None:
        self.args = args
        self.tmp = tmp
        self.deadline = time.monotonic() + args.timeout
        self.processes: list[Process] = []
        self.form = parse_form(args.form or ["username=alice"])

    def start_backend(self, name: str, gunicorn: str, secret_key: str) -> tuple[Process, int]:
        port = free_port()
        env = {k: v for k, v in os.environ.items() if k not in ("FLASKFAST_AS_FLASK", "PYTHONPATH")}
        env["PYTHONPATH"] = os.pathsep.join([str(CI), str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
        env["SECRET_KEY"] = secret_key
        env["SCALE_DEMO_BACKEND"] = name
        command = [
            gunicorn, "--config", str(HOOKS), "--bind", f"127.0.0.1:{port}",
            "--workers", "2", "--worker-class", self.args.worker_class,
            *(["--threads", "2"] if self.args.worker_class == "gthread" else []),
            "--graceful-timeout", "3", "--log-level", "warning", "--chdir", str(ROOT),
            self.args.app,
        ]  # fmt: skip
        proc = Process(name, command, self.tmp / f"{name}.log", env, ROOT)
        self.processes.append(proc)
        return proc, port

    def run(self) -> None:
        """Every step in order; the first that fails raises :class:`DemoFailed`."""
        started = time.monotonic()
        nginx = ensure_nginx()
        gunicorn = gunicorn_path()
        port = free_port() if self.args.port == 0 else self.args.port
        check_port_free(port)
        base = f"http://127.0.0.1:{port}"
        say(f"scale-demo: two flaskfast backends behind nginx {nginx_version(nginx)} on {base} ({implementation()})")
        say(f"  files of this run: {self.tmp}")
        backends = self.start_backends(gunicorn)
        self.start_balancer(nginx, port, backends)
        browser = Browser(base, self.deadline)
        self.log_in(browser)
        self.served_by_both(browser)
        self.survives_a_dead_backend(browser, *backends[0])
        say(f"scale-demo: ok in {time.monotonic() - started:.1f} s")

    def start_backends(self, gunicorn: str) -> list[tuple[Process, int]]:
        """Step 1: two gunicorn servers signing sessions with one generated key."""
        args = self.args
        secret_key = secrets.token_hex(32)
        backends = [self.start_backend(f"backend-{i}", gunicorn, secret_key) for i in (1, 2)]
        for proc, port in backends:
            wait_until(lambda: http_ok(f"http://127.0.0.1:{port}{args.page}"), proc.name, self.deadline, proc)
            wait_until(lambda: len(proc.children()) >= 2, f"{proc.name}'s workers", self.deadline, proc)
            say(
                f"[ok] {proc.name}: gunicorn {args.app} on 127.0.0.1:{port}, 2 {args.worker_class} "
                f"workers (master pid {proc.pid}, workers {', '.join(map(str, proc.children()))})"
            )
        say("     both sign sessions with the same SECRET_KEY (generated for this run)")
        return backends

    def start_balancer(self, nginx: str, port: int, backends: list[tuple[Process, int]]) -> None:
        """Step 2: nginx on 127.0.0.1:``port``, round robin over the backends."""
        conf = self.tmp / "nginx.conf"
        conf.write_text(nginx_conf(self.tmp, port, [bport for _, bport in backends]))
        command = [nginx, "-p", str(self.tmp), "-c", str(conf), "-e", str(self.tmp / "error.log")]
        balancer = Process("nginx", command, self.tmp / "nginx.out", dict(os.environ), self.tmp)
        self.processes.append(balancer)
        wait_until(lambda: http_ok(f"http://127.0.0.1:{port}{self.args.page}"), "nginx", self.deadline, balancer)
        say(
            f"[ok] nginx: http://127.0.0.1:{port} -> "
            + ", ".join(f"127.0.0.1:{bport}" for _, bport in backends)
            + f" (round robin, max_fails=1 fail_timeout={FAIL_TIMEOUT}s, proxy_next_upstream error timeout http_502)"
        )

    def log_in(self, browser: Browser) -> None:
        """Step 3: ``--page`` hides ``--expect`` from an anonymous client; then log in."""
        args = self.args
        anonymous = browser.request(args.page)
        if anonymous.status == 0 or anonymous.status >= 500 or (
            anonymous.status == 200 and args.expect in anonymous.body
        ):
            raise DemoFailed(
                f"anonymous GET {args.page} answered {anonymous.status} from {anonymous.backend}"
                + (f" and shows {args.expect!r} without a login: choose a --page/--expect that only a "
                   "logged-in user sees" if anonymous.status == 200 else "")
            )  # fmt: skip
        after = f" to {anonymous.location}" if anonymous.location else ""
        say(f"[ok] anonymous: GET {args.page} -> {anonymous.status}{after}, served by {anonymous.backend}; "
            f"no {args.expect!r} on it")  # fmt: skip
        fields = ", ".join(f"{k}={'***' if 'pass' in k.lower() else v}" for k, v in self.form.items())
        login = browser.request(args.login_path, self.form)
        if login.status not in (302, 303) or not browser.cookie_names():
            raise DemoFailed(
                f"log in: POST {args.login_path} ({fields}) answered {login.status} from {login.backend}, "
                f"cookies {browser.cookie_names()}, expected a redirect that sets the session cookie\n"
                f"{login.body[:500]}"
            )
        say(
            f"[ok] log in: POST {args.login_path} ({fields}) -> {login.status} to {login.location or '?'}, "
            f"served by {login.backend}; cookie jar now holds {', '.join(browser.cookie_names())}"
        )

    def served_by_both(self, browser: Browser) -> None:
        """Step 4: the logged-in page, until each backend has served it at least once."""
        args = self.args
        say(f"     GET {args.page} with that cookie until both backends have answered ({args.expect!r} on it):")
        seen: dict[str, int] = {}
        for i in range(1, 11):
            answer = browser.request(args.page)
            ok = answer.status == 200 and args.expect in answer.body
            say(f"       {i:2}. {answer.status} from {answer.backend:24} {'logged in' if ok else 'NOT logged in'}")
            if not ok:
                raise DemoFailed(
                    f"GET {args.page} through nginx answered {answer.status} from {answer.backend} without "
                    f"{args.expect!r}: the session was not honoured\n{answer.body[:500]}"
                )
            name = backend_name(answer.backend)
            seen[name] = seen.get(name, 0) + 1
            if len(seen) >= 2 and i >= 4:
                break
        if set(seen) != {"backend-1", "backend-2"}:
            raise DemoFailed(f"expected answers from backend-1 and backend-2, got only {seen}")
        say(f"[ok] both backends served the logged-in user ({', '.join(f'{k}: {v}' for k, v in sorted(seen.items()))}): "
            "the signed cookie carries the session, so no worker keeps state")  # fmt: skip

    def survives_a_dead_backend(self, browser: Browser, victim: Process, victim_port: int) -> None:
        """Step 5: SIGKILL ``victim``'s whole group, then ``--requests`` requests must all succeed."""
        args = self.args
        workers = victim.children()
        victim.kill_group(signal.SIGKILL)
        victim.proc.wait(10)
        time.sleep(0.2)  # let the kernel reap the workers and close their sockets
        try:
            socket.create_connection(("127.0.0.1", victim_port), timeout=2).close()
        except OSError:
            pass
        else:
            raise DemoFailed(f"{victim.name} still accepts connections on 127.0.0.1:{victim_port} after SIGKILL")
        say(f"[ok] killed {victim.name}: SIGKILL to master {victim.pid} and workers "
            f"{', '.join(map(str, workers))}; 127.0.0.1:{victim_port} now refuses connections")  # fmt: skip

        access_log = self.tmp / "access.log"
        log_mark = access_log.stat().st_size
        served: dict[str, int] = {}
        failures: list[str] = []
        for i in range(args.requests):
            answer = browser.request(args.page)
            if answer.status != 200 or args.expect not in answer.body:
                failures.append(f"request {i + 1}: {answer.status} from {answer.backend}: {answer.body[:200]}")
            name = backend_name(answer.backend)
            served[name] = served.get(name, 0) + 1
        with access_log.open() as log:
            log.seek(log_mark)
            # $upstream_addr lists every backend tried: "A, B" is a retried request.
            retried = [line.strip() for line in log if ", " in line.split("upstream=", 1)[-1]]
        by = ", ".join(f"{k}: {v}" for k, v in sorted(served.items()))
        if failures or set(served) != {"backend-2"}:
            raise DemoFailed(
                f"after the kill, {len(failures)} of {args.requests} requests failed (served by {by}):\n"
                + "\n".join(failures[:5])
            )
        say(f"[ok] after the kill: {args.requests}/{args.requests} requests answered 200, logged in, "
            "all by backend-2")  # fmt: skip
        if retried:
            count = f"{len(retried)} request{'s' if len(retried) > 1 else ''}"
            say(f"     nginx retried {count} on backend-2 after {victim.name} refused the connection, e.g.")
            say(f"       {retried[0]}")
        say(f"     and then left {victim.name} out (max_fails=1: down for {FAIL_TIMEOUT} s, then tried again)")

    def cleanup(self) -> None:
        for proc in reversed(self.processes):
            proc.stop()


def _terminate(signum: int, frame: t.Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8080, help="the balancer's port on 127.0.0.1 (0: any free one)")
    parser.add_argument("--app", default=DEFAULT_APP,
                        help=f"what each backend serves, in gunicorn's module:callable syntax (default {DEFAULT_APP})")  # fmt: skip
    parser.add_argument("--worker-class", choices=("sync", "gthread"), default="sync")
    parser.add_argument("--login-path", default="/auth/login", help="the login form's URL (POSTed)")
    parser.add_argument("--form", action="append", metavar="KEY=VALUE",
                        help="a login form field, repeatable (default: username=alice)")  # fmt: skip
    parser.add_argument("--page", default="/items/1/edit",
                        help="a page that needs a login and shows who is logged in (default: alice's item's edit form)")
    parser.add_argument("--expect", default="<span>Alice Liddell</span>",
                        help="text on --page when logged in, absent otherwise (default: the navigation's user name)")
    parser.add_argument("--requests", type=int, default=20, help="requests through the balancer after the kill")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds the whole run may take")
    parser.add_argument("--workdir", type=Path,
                        help="where the run's directory (configuration, logs) is made; kept when the run fails")  # fmt: skip
    parser.add_argument("--install-only", action="store_true", help="only install what is missing (nginx)")
    args = parser.parse_args(argv)
    if args.requests < 1:
        parser.error("--requests must be at least 1")

    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGHUP, _terminate)
    if args.install_only:
        try:
            nginx = ensure_nginx()
            say(f"scale-demo: nginx {nginx_version(nginx)} at {nginx}, gunicorn at {gunicorn_path()}")
        except (DemoFailed, NginxUnavailable) as exc:
            say(f"scale-demo: FAILED: {exc}")
            return 1
        return 0

    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="flaskfast-scale-demo-", dir=args.workdir))
    # nginx creates its temporary directories in here and hands them to its workers
    # (nobody, when run as root), who must be able to reach them.
    tmp.chmod(0o755)
    demo = Demo(args, tmp)
    code = 1
    try:
        demo.run()
        code = 0
    except (DemoFailed, NginxUnavailable) as exc:
        say(f"scale-demo: FAILED: {exc}")
    except KeyboardInterrupt:
        say("scale-demo: interrupted")
        code = 130
    finally:
        demo.cleanup()
        if code == 0:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            say(f"scale-demo: logs kept in {tmp}")
    return code


if __name__ == "__main__":
    sys.exit(main())
