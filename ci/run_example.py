"""``make run``: install flaskfast into ``.venv`` (visibly), create the notes
example's database if it is missing, and serve the example.

Usage (from the repository root; ``make run`` passes ``HOST`` and ``PORT``)::

    python3 ci/run_example.py [--host 127.0.0.1] [--port 5000]

Steps, each announced and timed:

1. ``.venv``: created with the Makefile's own rule when missing;
2. the install: the Makefile's ``.venv/.installed`` rule (``pip install -e
   ".[test,async,dotenv]"``, compiling the kernels when a C compiler is
   there) when ``make -q`` says it is out of date, with pip's output shown;
3. the database: ``flaskfast --app examples.notes init-db --if-missing``;
4. the server: ``flaskfast --app examples.notes run --host HOST --port PORT``
   replaces this process, so Ctrl+C stops it directly.

The port is checked first, so a busy one fails in a second with a hint
instead of after the install. The instance folder (database, generated
``config.py`` with the ``SECRET_KEY``) is ``instance/`` at the repository
root unless ``NOTES_INSTANCE_PATH`` names another.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import threading
import time
import typing as t
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"
FLASKFAST = VENV / "bin" / "flaskfast"
STAMP = VENV / ".installed"
APP = "examples.notes"
STEPS = 4
HEARTBEAT = 20.0


def say(text: str) -> None:
    print(text, flush=True)


def step(number: int, title: str, action: t.Callable[[], object]) -> float:
    """Run ``action`` under a numbered heading; print and return how long it took."""
    say(f"==> [{number}/{STEPS}] {title}")
    start = time.perf_counter()
    action()
    elapsed = time.perf_counter() - start
    say(f"    done in {format_seconds(elapsed)}")
    return elapsed


def format_seconds(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f} s"
    return f"{int(seconds // 60)} min {seconds % 60:.0f} s"


def check(command: list[str], what: str, env: dict[str, str] | None = None) -> None:
    """Run ``command`` from the repository root with its output shown; exit if it fails.

    Every ``HEARTBEAT`` seconds a line says how long it has been running: pip
    prints nothing while the kernels compile.
    """
    start = time.perf_counter()
    done = threading.Event()

    def heartbeat() -> None:
        while not done.wait(HEARTBEAT):
            say(f"    ... {what}: {format_seconds(time.perf_counter() - start)} so far")

    ticker = threading.Thread(target=heartbeat, daemon=True)
    ticker.start()
    try:
        returncode = subprocess.run(command, cwd=ROOT, env=env).returncode
    finally:
        done.set()
        ticker.join()
    if returncode != 0:
        say(f"error: {what} failed (exit status {returncode}): {' '.join(command)}")
        sys.exit(returncode or 1)


def make(*targets: str) -> list[str]:
    """A ``make`` command for ``targets`` that lets pip print its progress."""
    return [os.environ.get("MAKE", "make"), "--no-print-directory", *targets, "PIP_QUIET="]


def install_is_current() -> bool:
    """Whether the Makefile's install stamp is up to date (``make -q``: 0 means yes)."""
    relative = str(STAMP.relative_to(ROOT))
    return subprocess.run(make("-q", relative), cwd=ROOT).returncode == 0


def port_is_free(host: str, port: int) -> bool:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        say(f"error: cannot resolve HOST={host!r}: {exc}")
        sys.exit(2)
    family, _, _, _, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # The dev server sets SO_REUSEADDR too: a port in TIME_WAIT counts as free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError:
            return False
    return True


def parse_port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"PORT must be a number, not {text!r}") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"PORT must be between 1 and 65535, not {port}")
    return port


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1", help="address to serve on (HOST=...)")
    parser.add_argument("--port", type=parse_port, default=5000, help="port (PORT=...)")
    args = parser.parse_args(argv)

    if not port_is_free(args.host, args.port):
        say(
            f"error: {args.host}:{args.port} is already in use; stop what listens there,"
            f" or choose another port: make run PORT={args.port + 1}"
        )
        return 1

    started = time.perf_counter()
    if PYTHON.exists():
        say(f"==> [1/{STEPS}] Virtual environment {VENV.name}/ exists")
    else:
        step(
            1,
            f"Creating the virtual environment {VENV.name}/ (and upgrading pip)",
            lambda: check(make(str(PYTHON.relative_to(ROOT))), "creating .venv"),
        )
    if install_is_current():
        say(f"==> [2/{STEPS}] flaskfast is installed and up to date")
    else:
        step(
            2,
            "Installing flaskfast (editable, compiling its kernels when a C compiler is"
            " there) and the test tools; the first time takes a few minutes",
            lambda: check(make(str(STAMP.relative_to(ROOT))), "installing"),
        )

    env = {k: v for k, v in os.environ.items() if k not in ("FLASK_APP", "FLASKFAST_AS_FLASK")}
    step(
        3,
        "Creating the notes database unless it exists",
        lambda: check([str(FLASKFAST), "--app", APP, "init-db", "--if-missing"], "init-db", env),
    )
    url = f"http://{args.host}:{args.port}"
    say(
        f"==> [4/{STEPS}] Serving the notes example on {url}"
        f" (ready in {format_seconds(time.perf_counter() - started)}; Ctrl+C stops it)"
    )
    command = [str(FLASKFAST), "--app", APP, "run", "--host", args.host, "--port", str(args.port)]
    os.chdir(ROOT)
    os.execve(command[0], command, env)


if __name__ == "__main__":
    sys.exit(main())
