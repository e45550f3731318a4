"""One fresh interpreter per implementation, each running :mod:`.worker`.

:func:`run_implementation` starts the worker with the environment that
selects the implementation (``FLASKFAST_NO_EXTENSIONS`` on for ``pure``, off
for ``compiled``; ``FLASKFAST_AS_FLASK`` off everywhere, so ``import flask``
in the ``flask`` worker is the real Flask), reads its line-by-line reports as
they come and returns an :class:`Outcome`. The implementations never share a
process, and run one after the other.
"""

from __future__ import annotations

import collections.abc as cabc
import dataclasses
import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
import typing as t
from pathlib import Path

import _flaskfast_flags

from .targets import Target

#: Every implementation, in the order they run and the table shows them.
IMPLEMENTATIONS: tuple[str, ...] = ("compiled", "pure", "flask")
#: Column titles.
LABELS: dict[str, str] = {"compiled": "compiled", "pure": "pure", "flask": "Flask"}

WORKER = Path(__file__).resolve().with_name("worker.py")
# Runs the worker by its path: importing it as flaskfast._bench.worker would
# import flaskfast before the worker chooses the implementation.
_BOOTSTRAP = "import runpy, sys; del sys.argv[0]; runpy.run_path(sys.argv[0], run_name='__main__')"

# Beyond the measuring time: starting the interpreter and loading the app.
_STARTUP_ALLOWANCE = 120.0
_PER_TARGET_ALLOWANCE = 30.0


@dataclasses.dataclass
class Outcome:
    """What one implementation's worker reported.

    ``version`` is set once it started; ``unavailable`` says why the
    implementation cannot run here (no kernels, no Flask); ``failure`` why it
    stopped (the app did not load, the worker crashed or hung). ``results``
    holds each target's ``measured`` event (``None`` when not measured).
    """

    name: str
    version: str | None = None
    unavailable: str | None = None
    failure: str | None = None
    results: list[dict[str, t.Any] | None] = dataclasses.field(default_factory=list)

    @property
    def measured(self) -> bool:
        """Whether it ran to the end (its column is shown)."""
        return self.unavailable is None and self.failure is None


def child_environ(name: str) -> dict[str, str]:
    """This process's environment, set up for implementation ``name``."""
    env = dict(os.environ)
    env.pop(_flaskfast_flags.AS_FLASK, None)
    if name == "pure":
        env[_flaskfast_flags.NO_EXTENSIONS] = "1"
    else:
        env.pop(_flaskfast_flags.NO_EXTENSIONS, None)
    return env


def worker_command(job: dict[str, t.Any]) -> list[str]:
    """The command line that runs :mod:`.worker` on ``job``."""
    return [sys.executable, "-c", _BOOTSTRAP, str(WORKER), json.dumps(job)]


def _read_lines(stream: t.IO[str], lines: queue.Queue[str | None]) -> None:
    for line in stream:
        lines.put(line)
    lines.put(None)


def _tail(stream: t.IO[bytes], limit: int = 4000) -> str:
    stream.seek(0)
    text = stream.read().decode("utf-8", "replace").strip()
    return text[-limit:]


def run_implementation(
    name: str,
    app_import_path: str | None,
    targets: cabc.Sequence[Target],
    duration: float,
    warmup: float,
    on_progress: t.Callable[[int], None] = lambda index: None,
) -> Outcome:
    """Measure ``targets`` on implementation ``name`` in a new process;
    ``on_progress`` gets each target's index once it is measured."""
    job = {
        "implementation": name,
        "app": app_import_path,
        "targets": [target.to_json() for target in targets],
        "duration": duration,
        "warmup": warmup,
    }
    outcome = Outcome(name, results=[None] * len(targets))
    deadline = time.monotonic() + _STARTUP_ALLOWANCE + len(targets) * (
        warmup + duration + _PER_TARGET_ALLOWANCE
    )
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            worker_command(job),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=errors,
            env=child_environ(name),
            encoding="utf-8",
        )
        stdout = t.cast("t.IO[str]", process.stdout)  # stdout=PIPE above
        lines: queue.Queue[str | None] = queue.Queue()
        reader = threading.Thread(target=_read_lines, args=(stdout, lines), daemon=True)
        reader.start()
        finished = False
        while True:
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                process.kill()
                outcome.failure = "the worker did not finish in time (a request hangs?)"
                break
            if line is None:
                break
            event = json.loads(line)
            kind = event.pop("event")
            if kind == "ready":
                outcome.version = event["version"]
            elif kind == "unavailable":
                outcome.unavailable = event["reason"]
            elif kind == "app_error":
                outcome.failure = f"the application did not load:\n{event['message']}"
            elif kind == "measured":
                index = event.pop("index")
                outcome.results[index] = event
                on_progress(index)
            elif kind == "done":
                finished = True
        returncode = process.wait()
        reader.join()
        stdout.close()
        if not finished and outcome.measured:
            outcome.failure = (
                f"the worker stopped (exit code {returncode}) before the end:\n"
                + _tail(errors)
            )
    return outcome
