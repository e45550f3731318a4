"""What the pieces of a real page cost: session reads, flashed messages and
request/response bodies, on Flask and on flaskfast (issue 10, items 3 and 4).

Run: ``python bench/bench_pieces.py`` (compiled kernels) and
``FLASKFAST_NO_EXTENSIONS=1 python bench/bench_pieces.py`` (pure).

Each scenario is one WSGI request served in-process from a prepared environ
(with a fresh ``wsgi.input``); both apps must answer with the same body. The
table gives µs per request (best of several rounds, the apps taking turns),
the ratio, and for the session scenarios the cost *over* a bare text view of
the same app, Flask's and flaskfast's, which is what the session and the
flashed messages themselves cost.
"""

from __future__ import annotations

import io
import json
import types
import typing as t

import flask
from werkzeug.test import EnvironBuilder

import flaskfast
from flaskfast._speedups import IMPLEMENTATION

from bench_url_for import best

ITEMS = [
    {"id": i, "name": f"item {i}", "price": i * 1.5, "tags": ["a", "b"], "active": i % 2 == 0}
    for i in range(100)
]
UPLOAD = bytes(range(256)) * 80  # 20 KiB


def make_app(fw: types.ModuleType) -> t.Any:
    app = fw.Flask("bench_pieces")
    app.secret_key = "bench"
    session, request = fw.session, fw.request

    @app.get("/bare")
    def bare() -> str:
        return "x"

    @app.get("/read")
    def read() -> str:
        return f"user={session.get('user')}"

    @app.get("/flashes")
    def flashes() -> str:
        return ",".join(fw.get_flashed_messages())

    @app.post("/upload")
    def upload() -> str:
        data = request.files["file"].read()
        return f"{request.form['title']}:{len(data)}"

    @app.post("/json")
    def json_body() -> str:
        return str(len(request.get_json()))

    @app.get("/list")
    def json_list() -> t.Any:
        return fw.jsonify(ITEMS)

    return app


def _environ(app: t.Any, path: str, session: dict[str, t.Any] | None = None, **kw: t.Any) -> tuple[dict[str, t.Any], bytes]:
    headers = {}
    if session is not None:
        with app.test_request_context():
            cookie = app.session_interface.get_signing_serializer(app).dumps(session)
        headers["Cookie"] = f"session={cookie}"
    builder = EnvironBuilder(path=path, headers=headers, **kw)
    try:
        environ = builder.get_environ()
        body = environ["wsgi.input"].read()
    finally:
        builder.close()
    return environ, body


LOGGED_IN = {"user": "bob", "_fresh": True, "csrf_token": "0123456789abcdef"}
SCENARIOS: dict[str, dict[str, t.Any]] = {
    "bare": {"path": "/bare"},
    "session_read": {"path": "/read", "session": LOGGED_IN},
    "flashes_no_cookie": {"path": "/flashes"},
    "flashes_empty": {"path": "/flashes", "session": LOGGED_IN},
    "flashes_one": {"path": "/flashes", "session": {**LOGGED_IN, "_flashes": [("message", "Saved.")]}},
    "multipart_upload": {
        "path": "/upload",
        "method": "POST",
        "data": {"title": "hello", "file": (io.BytesIO(UPLOAD), "a.bin")},
    },
    "json_body_100": {
        "path": "/json",
        "method": "POST",
        "data": json.dumps(ITEMS),
        "content_type": "application/json",
    },
    "jsonify_100": {"path": "/list"},
}


def request_timer(app: t.Any, scenario: dict[str, t.Any]) -> t.Callable[[], bytes]:
    kw = dict(scenario)
    if "data" in kw and isinstance(kw["data"], dict):  # a new file object per app
        kw["data"] = {
            k: (io.BytesIO(UPLOAD), v[1]) if isinstance(v, tuple) else v
            for k, v in kw["data"].items()
        }
    environ, body = _environ(app, **kw)

    def start_response(status: str, headers: t.Any, exc_info: t.Any = None) -> None:
        return None

    def once() -> bytes:
        env = dict(environ)
        env["wsgi.input"] = io.BytesIO(body)
        result = app(env, start_response)
        try:
            return b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()

    return once


def main() -> None:
    apps = {fw.__name__: make_app(fw) for fw in (flask, flaskfast)}
    print(f"flaskfast kernels: {IMPLEMENTATION}")
    print(f"{'scenario':20} {'flask us':>9} {'flaskfast us':>13} {'ratio':>7} {'over bare (flask / ff)':>24}")
    bare: dict[str, float] = {}
    for name, scenario in SCENARIOS.items():
        timers = {fw: request_timer(app, scenario) for fw, app in apps.items()}
        bodies = {fw: timer() for fw, timer in timers.items()}
        if bodies["flask"] != bodies["flaskfast"]:
            raise SystemExit(f"{name}: the apps answered differently")
        times = best({fw: (lambda f=timer: f() and None) for fw, timer in timers.items()}, 300, rounds=7)
        if name == "bare":
            bare = times
        extra = ""
        if "session" in scenario or name.startswith("flashes"):
            over = {fw: times[fw] - bare[fw] for fw in times}
            extra = f"{over['flask']:9.1f} / {over['flaskfast']:.1f} ({over['flaskfast'] / over['flask']:.0%})"
        print(
            f"{name:20} {times['flask']:9.1f} {times['flaskfast']:13.1f}"
            f" {times['flask'] / times['flaskfast']:6.2f}x {extra:>24}"
        )


if __name__ == "__main__":
    main()
