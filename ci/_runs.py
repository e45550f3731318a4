"""What ci/test_pythons.py and ci/test_deps.py share: a log that prints and
keeps a file, running a command with its output streamed to it, and the
environment of a child test run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


class Log:
    """Print to stdout and to a log file."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.file = path.open("w", encoding="utf-8")

    def write(self, text: str) -> None:
        sys.stdout.write(text)
        sys.stdout.flush()
        self.file.write(text)
        self.file.flush()

    def close(self) -> None:
        self.file.close()


def run(
    log: Log, command: list[str], cwd: Path, env: dict[str, str] | None = None
) -> tuple[int, str]:
    """Run ``command`` in ``cwd``, streaming its output to ``log``; returns
    (exit code, output)."""
    log.write(f"$ {' '.join(command)}\n")
    proc = subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        errors="replace",
    )
    assert proc.stdout is not None
    lines = []
    for line in proc.stdout:
        log.write(line)
        lines.append(line)
    return proc.wait(), "".join(lines)


def environment(pure: bool) -> dict[str, str]:
    """This process's environment for a child run: no implementation switch,
    pytest options, activated virtualenv or PYTHONPATH leaking in; with
    ``pure``, ``FLASKFAST_NO_EXTENSIONS=1``."""
    env = dict(os.environ)
    for name in ("FLASKFAST_NO_EXTENSIONS", "PYTEST_ADDOPTS", "VIRTUAL_ENV", "PYTHONPATH"):
        env.pop(name, None)
    if pure:
        env["FLASKFAST_NO_EXTENSIONS"] = "1"
    return env
