"""flaskfast._bench.worker: calling the app, and Flask under flaskfast's name."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import typing as t

from werkzeug.test import EnvironBuilder

from flaskfast import Flask
from flaskfast import request
from flaskfast._bench import worker

from _processes import child_env

DURATION = 0.02


def _environ(method: str = "GET", path: str = "/", data: bytes | None = None) -> dict[str, t.Any]:
    builder = EnvironBuilder(path=path, method=method, data=data)
    try:
        return builder.get_environ()
    finally:
        builder.close()


def test_measure_counts_requests() -> None:
    app = Flask(__name__)
    app.add_url_rule("/", "index", lambda: "hello")
    result = worker.measure(app, _environ(), b"", DURATION, 0.0)
    assert result["status"] == 200
    assert result["error"] is None
    assert result["requests"] >= 1
    assert result["seconds"] >= DURATION


def test_measure_gives_every_call_the_body() -> None:
    app = Flask(__name__)
    seen: list[bytes] = []

    @app.post("/echo")
    def echo() -> str:
        seen.append(request.get_data())
        return ""

    result = worker.measure(app, _environ("POST", "/echo", b"abc"), b"abc", DURATION, 0.01)
    assert result["status"] == 200
    # The first call, the warm-up and the timed calls.
    assert len(seen) >= result["requests"] + 1
    assert set(seen) == {b"abc"}


def test_measure_does_not_time_a_failing_url() -> None:
    app = Flask(__name__)
    calls: list[int] = []

    @app.route("/boom")
    def boom() -> str:
        calls.append(1)
        raise RuntimeError("broken view")

    app.logger.disabled = True
    result = worker.measure(app, _environ(path="/boom"), b"", DURATION, 0.0)
    assert result == {
        "status": 500, "requests": 0, "seconds": 0.0,
        "error": "HTTP 500 INTERNAL SERVER ERROR",
    }
    assert calls == [1]

    app.testing = True  # the exception now reaches the caller
    result = worker.measure(app, _environ(path="/boom"), b"", DURATION, 0.0)
    assert result["status"] is None
    assert result["error"] == "RuntimeError: broken view"


def test_measure_reports_an_app_that_never_starts_the_response() -> None:
    def app(environ: t.Any, start_response: t.Any) -> list[bytes]:
        return []

    result = worker.measure(app, _environ(), b"", DURATION, 0.0)
    assert result["error"] == "the application did not call start_response"
    assert result["requests"] == 0


def test_alias_makes_flaskfast_import_flask() -> None:
    code = textwrap.dedent(
        f"""
        import runpy, sys
        worker = runpy.run_path({str(worker.__file__)!r})
        flask = worker["alias_flaskfast_to_flask"]()
        import flaskfast, flaskfast.json.tag
        from flaskfast import Flask
        from flaskfast.sansio.app import App
        import flask.json.tag
        assert flaskfast is flask, flaskfast
        assert flaskfast.json.tag is flask.json.tag
        assert sys.modules["flaskfast.json.tag"] is flask.json.tag
        assert flaskfast.json.tag.__spec__.name == "flask.json.tag"
        assert Flask.__module__ == "flask.app" and issubclass(Flask, App)
        try:
            import flaskfast._speedups
        except ModuleNotFoundError:
            pass
        else:
            raise AssertionError("flaskfast._speedups imported on Flask")
        assert not any(name.startswith("flaskfast.") and not
                       getattr(m, "__name__", "").startswith("flask")
                       for name, m in sys.modules.items()), "real flaskfast loaded"
        print("ok")
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=child_env(), capture_output=True, text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
