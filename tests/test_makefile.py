"""The Makefile's user-facing targets: each has a ``## description`` that ``make help``
(the default goal) prints, and ``make run`` passes ``HOST``/``PORT`` to
``ci/run_example.py``, which refuses a bad or busy port before installing anything."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAKEFILE = ROOT / "Makefile"
# A rule for a named target (not a variable such as $(STAMP), not an assignment).
RULE = re.compile(r"^([A-Za-z0-9_.-]+):(?![=])(.*)$")

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="GNU make is not installed")


def _targets() -> dict[str, str]:
    """Each named rule's target and the text after its ``##`` (empty when there is none)."""
    targets = {}
    for line in MAKEFILE.read_text().splitlines():
        match = RULE.match(line)
        if match and not match.group(1).startswith("."):
            _, _, description = match.group(2).partition("## ")
            targets[match.group(1)] = description.strip()
    return targets


def _make(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_every_target_has_a_description() -> None:
    targets = _targets()
    assert {"help", "install", "run", "test", "test-browser", "clean"} <= set(targets)
    assert [name for name, text in targets.items() if not text] == []


@pytest.mark.parametrize("goal", [(), ("help",)])
def test_help_lists_every_target(goal: tuple[str, ...]) -> None:
    result = _make(*goal)
    assert result.returncode == 0, result.stderr
    listed = {}
    for line in result.stdout.splitlines()[1:]:
        name, _, text = line.strip().partition(" ")
        listed[name] = text.strip()
    assert listed == _targets()


def test_every_phony_target_is_a_rule() -> None:
    text = MAKEFILE.read_text().replace("\\\n", " ")  # join continued lines
    phony = set()
    for line in text.splitlines():
        if line.startswith(".PHONY:"):
            phony.update(line.split(":", 1)[1].split())
    assert phony and phony - set(_targets()) == set()


def test_run_passes_host_and_port() -> None:
    result = _make("-n", "run", "PORT=8123", "HOST=0.0.0.0")
    assert result.returncode == 0, result.stderr
    assert 'ci/run_example.py --host "0.0.0.0" --port "8123"' in result.stdout


@pytest.mark.parametrize(
    ("port", "message"),
    [("abc", "PORT must be a number, not 'abc'"), ("0", "PORT must be between 1 and 65535, not 0")],
)
def test_run_example_refuses_a_bad_port(port: str, message: str) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "ci" / "run_example.py"), "--port", port],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2
    assert message in result.stderr


def test_run_example_refuses_a_busy_port() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [sys.executable, str(ROOT / "ci" / "run_example.py"), "--port", str(port)],
            capture_output=True, text=True, timeout=60,
        )
    assert result.returncode == 1
    assert f"127.0.0.1:{port} is already in use" in result.stdout
    assert f"make run PORT={port + 1}" in result.stdout
    assert "==>" not in result.stdout  # nothing was installed or started
