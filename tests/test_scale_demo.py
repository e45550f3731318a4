"""``make scale-demo`` (``ci/scale_demo.py``), run bounded in time.

Two gunicorn backends serving the realistic app on flaskfast (in this test
run's mode: compiled or pure, from ``FLASKFAST_NO_EXTENSIONS``) behind nginx,
all on 127.0.0.1 with free ports: the session made by logging in through the
balancer is honoured by both backends, and after one backend is killed every
request still succeeds. nginx is installed with apt-get when missing (that step
is bounded separately, as a first install can take a while); when it cannot be
installed this test fails with the script's reason, it is not skipped.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from _processes import child_env

SCRIPT = Path(__file__).resolve().parent.parent / "ci" / "scale_demo.py"
INSTALL_TIMEOUT = 600.0
DEMO_TIMEOUT = 60.0


def run_bounded(args: list[str], timeout: float) -> tuple[int, str]:
    """Run the script; past ``timeout`` it gets SIGTERM (it then stops what it started)."""
    proc = subprocess.Popen(
        [sys.executable, str(SCRIPT), *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=child_env(),
    )
    try:
        output, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGTERM)
        try:
            output, _ = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            output, _ = proc.communicate()
        pytest.fail(f"ci/scale_demo.py {' '.join(args)} did not finish in {timeout:.0f} s:\n{output}")
    return proc.returncode, output


def test_scale_demo_two_backends_behind_nginx(tmp_path: Path) -> None:
    code, output = run_bounded(["--install-only"], INSTALL_TIMEOUT)
    assert code == 0, f"nginx or gunicorn is missing and could not be installed:\n{output}"

    code, output = run_bounded(
        ["--port", "0", "--requests", "10", "--timeout", str(DEMO_TIMEOUT - 10), "--workdir", str(tmp_path)],
        DEMO_TIMEOUT,
    )
    assert code == 0, output
    lines = output.splitlines()
    assert lines[-1].startswith("scale-demo: ok in "), output
    # Each step reported as passed, in order.
    passed = [line for line in lines if line.startswith("[ok] ")]
    expected = [
        "[ok] backend-1: ",
        "[ok] backend-2: ",
        "[ok] nginx: ",
        "[ok] anonymous: GET /items/1/edit -> 302 to /auth/login",
        "[ok] log in: POST /auth/login (username=alice) -> 302",
        "[ok] both backends served the logged-in user",
        "[ok] killed backend-1: SIGKILL",
        "[ok] after the kill: ",
    ]
    assert len(passed) == len(expected), output
    for line, prefix in zip(passed, expected):
        assert line.startswith(prefix), output
    assert "[ok] after the kill: 10/10 requests answered 200, logged in, all by backend-2" in lines, output
    served_by = {line.split(" from ", 1)[1].split(" pid ", 1)[0] for line in lines if " 200 from backend-" in line}
    assert served_by == {"backend-1", "backend-2"}, output


def test_scale_demo_fails_on_a_page_that_does_not_need_a_login(tmp_path: Path) -> None:
    # The demo's own check: an --expect text that an anonymous client also sees
    # proves nothing about sessions, so the run stops there with the reason.
    code, output = run_bounded(
        ["--port", "0", "--page", "/", "--expect", "Items", "--workdir", str(tmp_path)], DEMO_TIMEOUT
    )
    assert code == 1, output
    assert "scale-demo: FAILED: anonymous GET / answered 200" in output, output
    assert "choose a --page/--expect that only a logged-in user sees" in output, output
