"""One implementation's measurements, in a process of its own.

:mod:`.runner` starts a fresh interpreter that runs this file by its path
(:func:`runpy.run_path`), so that nothing of flaskfast is imported before the
implementation is chosen; the job is one JSON argument::

    {"implementation": "compiled" | "pure" | "flask",
     "app": "<--app string>" | null,
     "targets": [{"method", "path", "headers": [[name, value]], "body": str | null}],
     "duration": seconds, "warmup": seconds}

``compiled`` and ``pure`` load the application on flaskfast (the runner sets
``FLASKFAST_NO_EXTENSIONS`` for pure), with flaskfast installed as ``flask``
as the ``flaskfast`` command does. ``flask`` loads it on the real Flask, with
``flaskfast`` (and ``flaskfast.<x>``) resolving to Flask's modules
(:func:`alias_flaskfast_to_flask`, the reverse of ``FLASKFAST_AS_FLASK``), so
an unmodified flaskfast application runs on Flask.

It reports on the original standard output, one JSON object per line (the
application's own output goes to standard error)::

    {"event": "ready", "version": "..."}
    {"event": "unavailable", "reason": "..."}       then nothing more
    {"event": "app_error", "message": "..."}        then nothing more
    {"event": "measured", "index": i, "status": int | null, "requests": n,
     "seconds": s, "error": str | null}             one per target, in order
    {"event": "done"}

A target whose first call raises or answers 5xx is not timed: ``error`` says
why. This module imports only the standard library and Werkzeug at the top:
it must not import flaskfast before the implementation is set up.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import io
import json
import os
import sys
import time
import traceback
import types
import typing as t

if t.TYPE_CHECKING:  # pragma: no cover
    from _typeshed.wsgi import WSGIApplication
    from _typeshed.wsgi import WSGIEnvironment

Emit = t.Callable[[t.Dict[str, t.Any]], None]


class _ModuleLoader(importlib.abc.Loader):
    """Loader whose module is an already imported one (Flask's, under a
    ``flaskfast`` name)."""

    def __init__(self, module: types.ModuleType) -> None:
        self.module = module
        self.spec = module.__spec__

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        return self.module

    def exec_module(self, module: types.ModuleType) -> None:
        # The import system stamped the alias spec on it; give its own back.
        module.__spec__ = self.spec


class _FlaskAsFlaskfast(importlib.abc.MetaPathFinder):
    """Answers ``flaskfast.<x>`` with Flask's ``flask.<x>``; a name Flask does
    not have is a :exc:`ModuleNotFoundError`."""

    def find_spec(
        self,
        fullname: str,
        path: t.Sequence[str] | None = None,
        target: types.ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if not fullname.startswith("flaskfast."):
            return None
        # Flask's module or the error it gives: returning None would let the
        # next finder (an editable install's, say) load flaskfast's own file.
        real = importlib.import_module("flask" + fullname[len("flaskfast") :])
        return importlib.machinery.ModuleSpec(
            fullname, _ModuleLoader(real), is_package=hasattr(real, "__path__")
        )


def alias_flaskfast_to_flask() -> types.ModuleType:
    """Make ``import flaskfast`` (and its submodules) return the real Flask's
    modules in this process; returns Flask's package. Call it before anything
    imports flaskfast."""
    import flask

    sys.modules["flaskfast"] = flask
    sys.meta_path.insert(0, _FlaskAsFlaskfast())
    return flask


def _setup(implementation: str, emit: Emit) -> tuple[t.Any, type[Exception]] | None:
    """Prepare ``implementation``; its ``(ScriptInfo, NoAppException)``, or
    None after reporting it unavailable."""
    if implementation == "flask":
        if importlib.util.find_spec("flask") is None:
            emit({"event": "unavailable", "reason": "Flask is not installed"})
            return None
        from importlib import metadata

        alias_flaskfast_to_flask()
        from flask import cli as flask_cli

        emit({"event": "ready", "version": f"Flask {metadata.version('flask')}"})
        return flask_cli.ScriptInfo, flask_cli.NoAppException

    import flaskfast
    from flaskfast import _speedups
    from flaskfast import cli as flaskfast_cli
    from flaskfast._install import install_as_flask

    if implementation == "compiled" and _speedups.IMPLEMENTATION != "cython":
        reason = _speedups.IMPLEMENTATION_REASON or "the compiled kernels did not load"
        emit({"event": "unavailable", "reason": f"no compiled kernels: {reason}"})
        return None
    install_as_flask()
    version = f"flaskfast {flaskfast.__version__} ({_speedups.IMPLEMENTATION})"
    emit({"event": "ready", "version": version})
    return flaskfast_cli.ScriptInfo, flaskfast_cli.NoAppException


def _base_url(app: t.Any) -> str:
    # As the test client builds it, from the same configuration.
    host = app.config.get("SERVER_NAME") or "localhost"
    root = app.config.get("APPLICATION_ROOT") or "/"
    scheme = app.config.get("PREFERRED_URL_SCHEME") or "http"
    return f"{scheme}://{host}/{root.lstrip('/')}"


def measure(
    app: WSGIApplication, environ: WSGIEnvironment, body: bytes, duration: float, warmup: float
) -> dict[str, t.Any]:
    """Call ``app`` on copies of ``environ`` (each with a fresh input stream
    over ``body``): once, then for ``warmup`` seconds, then for ``duration``
    seconds, counted. The result is the ``measured`` event's fields."""
    status: list[str] = [""]

    def start_response(
        status_line: str, headers: t.Any, exc_info: t.Any = None
    ) -> t.Callable[[bytes], object]:
        status[0] = status_line
        return len

    # PERF: the environ copy and the input stream are part of every call on
    # every implementation alike; they cost well under a microsecond.
    def call() -> None:
        env = environ.copy()
        env["wsgi.input"] = io.BytesIO(body)
        response = app(env, start_response)
        try:
            for _chunk in response:
                pass
        finally:
            close = getattr(response, "close", None)
            if close is not None:
                close()

    result: dict[str, t.Any] = {"status": None, "requests": 0, "seconds": 0.0, "error": None}
    try:
        call()
        code = int(status[0].split(None, 1)[0]) if status[0] else None
        result["status"] = code
        if code is None:
            result["error"] = "the application did not call start_response"
            return result
        if code >= 500:
            result["error"] = f"HTTP {status[0]}"
            return result
        end = time.perf_counter() + warmup
        while time.perf_counter() < end:
            call()
        count = 0
        start = time.perf_counter()
        end = start + duration
        now = start
        while now < end:
            call()
            count += 1
            now = time.perf_counter()
    except Exception as e:
        result["error"] = "".join(traceback.format_exception_only(type(e), e)).strip()
        return result
    result["requests"] = count
    result["seconds"] = now - start
    return result


def run(job: dict[str, t.Any], emit: Emit) -> None:
    """Load the application on the job's implementation and measure every
    target, reporting each step through ``emit``."""
    setup = _setup(job["implementation"], emit)
    if setup is None:
        return
    script_info_class, no_app_exception = setup
    try:
        app = script_info_class(job["app"]).load_app()
    except no_app_exception as e:
        emit({"event": "app_error", "message": e.format_message()})  # type: ignore[attr-defined]
        return
    except Exception:
        emit({"event": "app_error", "message": traceback.format_exc()})
        return

    from werkzeug.test import EnvironBuilder

    base_url = _base_url(app)
    for index, target in enumerate(job["targets"]):
        body = b"" if target["body"] is None else target["body"].encode("latin-1")
        builder = EnvironBuilder(
            path=target["path"],
            base_url=base_url,
            method=target["method"],
            headers=[tuple(pair) for pair in target["headers"]],
            data=body if target["body"] is not None else None,
        )
        try:
            environ = builder.get_environ()
        finally:
            builder.close()
        result = measure(app, environ, body, job["duration"], job["warmup"])
        emit({"event": "measured", "index": index, **result})
    emit({"event": "done"})


def main(argv: list[str]) -> None:
    """Run the job given as ``argv[1]``, reporting on the original stdout."""
    sys.stdout.flush()
    channel = os.fdopen(os.dup(1), "w", encoding="utf-8")
    # The application's prints and logs must not mix with the reports.
    os.dup2(2, 1)

    def emit(event: dict[str, t.Any]) -> None:
        channel.write(json.dumps(event) + "\n")
        channel.flush()

    run(json.loads(argv[1]), emit)
    channel.close()


if __name__ == "__main__":
    main(sys.argv)
