"""No cross-talk between concurrent requests: many clients at once against a
threaded werkzeug server on 127.0.0.1 (``request``, ``g``, ``session`` and
flashed messages each stay with their own request), asyncio tasks of async
views, and a streamed response closed part way through (its clean-up runs
and its contexts are popped)."""

from __future__ import annotations

import asyncio
import http.client
import json
import socket
import threading
import typing as t
from concurrent.futures import ThreadPoolExecutor

import pytest
from werkzeug.serving import make_server
from werkzeug.test import EnvironBuilder

import flaskfast
from flaskfast import flash
from flaskfast import g
from flaskfast import get_flashed_messages
from flaskfast import request
from flaskfast import session
from flaskfast import stream_with_context

CLIENTS = 16
REQUESTS_PER_CLIENT = 12


def _make_app() -> flaskfast.Flask:
    app = flaskfast.Flask("concurrency")
    app.config["SECRET_KEY"] = "concurrency key"
    app.logger.disabled = True
    # A barrier-free way to interleave: every request sleeps a little
    # between writing and reading its own state, so threads overlap.
    pause = threading.Event()

    @app.before_request
    def before() -> None:
        g.client = request.args["client"]

    @app.route("/echo")
    def echo() -> t.Any:
        client = request.args["client"]
        count = int(request.args["n"])
        session["client"] = client
        session["count"] = session.get("count", 0) + 1
        flash(f"{client}-{count}")
        pause.wait(0.002)
        return {
            "client": client,
            "request_client": request.args["client"],
            "g_client": g.client,
            "session_client": session["client"],
            "session_count": session["count"],
            "path": request.path,
            "n": count,
        }

    @app.route("/flashes")
    def flashes() -> t.Any:
        pause.wait(0.002)
        return {"client": g.client, "messages": get_flashed_messages()}

    @app.route("/async")
    async def async_view() -> t.Any:
        client = request.args["client"]

        async def look(i: int) -> tuple[str, str, int]:
            await asyncio.sleep(0.001 * (i % 3))
            return request.args["client"], g.client, i

        seen = await asyncio.gather(*(look(i) for i in range(5)))
        return {"client": client, "seen": [list(s) for s in seen]}

    return app


@pytest.fixture(scope="module")
def server() -> t.Iterator[tuple[str, int]]:
    srv = make_server("127.0.0.1", 0, _make_app(), threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield "127.0.0.1", srv.server_port
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join(5)


def _client(address: tuple[str, int], client: str) -> list[str]:
    """One browser-like client: its own cookie jar, a run of requests on
    one connection; the problems it saw."""
    problems: list[str] = []
    connection = http.client.HTTPConnection(*address, timeout=30)
    cookie = None
    try:
        for n in range(1, REQUESTS_PER_CLIENT + 1):
            headers = {"Cookie": cookie} if cookie else {}
            connection.request("GET", f"/echo?client={client}&n={n}", headers=headers)
            response = connection.getresponse()
            data = json.loads(response.read())
            set_cookie = response.getheader("Set-Cookie")
            if set_cookie:
                cookie = set_cookie.split(";")[0]
            want = {"client": client, "request_client": client, "g_client": client,
                    "session_client": client, "session_count": n, "path": "/echo", "n": n}  # fmt: skip
            if data != want:
                problems.append(f"echo {n}: {data}")
        connection.request("GET", f"/flashes?client={client}", headers={"Cookie": cookie or ""})
        data = json.loads(connection.getresponse().read())
        want_flashes = [f"{client}-{n}" for n in range(1, REQUESTS_PER_CLIENT + 1)]
        if data != {"client": client, "messages": want_flashes}:
            problems.append(f"flashes: {data}")
        for _ in range(3):
            connection.request("GET", f"/async?client={client}")
            data = json.loads(connection.getresponse().read())
            if data != {"client": client, "seen": [[client, client, i] for i in range(5)]}:
                problems.append(f"async: {data}")
    finally:
        connection.close()
    return problems


def test_concurrent_clients_see_only_their_own_state(server: tuple[str, int]) -> None:
    with ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(lambda i: _client(server, f"c{i}"), range(CLIENTS)))
    assert [p for problems in results for p in problems] == []


def test_async_views_in_many_threads_keep_their_request() -> None:
    app = _make_app()

    def call(i: int) -> t.Any:
        with app.test_client() as client:
            return client.get(f"/async?client=t{i}").json

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(call, range(40)))
    assert results == [{"client": f"t{i}", "seen": [[f"t{i}", f"t{i}", j] for j in range(5)]} for i in range(40)]


# -- a streamed response closed part way -------------------------------------------


def _stream_app(events: list[str]) -> flaskfast.Flask:
    app = flaskfast.Flask("streaming")
    app.logger.disabled = True

    @app.teardown_request
    def teardown(exc: BaseException | None) -> None:
        events.append("teardown_request")

    @app.teardown_appcontext
    def teardown_app(exc: BaseException | None) -> None:
        events.append("teardown_appcontext")

    @app.route("/stream")
    def stream() -> t.Any:
        @stream_with_context
        def generate() -> t.Iterator[str]:
            try:
                for i in range(1000):
                    yield f"chunk {i} for {request.args.get('who', '?')}\n"
            finally:
                events.append("generator cleanup")

        return generate()

    @app.route("/plain")
    def plain() -> t.Any:
        def generate() -> t.Iterator[bytes]:
            try:
                while True:
                    yield b"x" * 1024
            finally:
                events.append("generator cleanup")

        return generate()

    return app


@pytest.mark.parametrize("path", ["/stream", "/plain"])
def test_stream_closed_mid_way_runs_cleanup_and_pops(path: str) -> None:
    """What a server does when the client goes away: ``close()`` after the
    first chunk.  The generator's clean-up runs, then the teardown functions
    of the context it kept (``stream_with_context``; Flask 3.1.3 also tears
    down once when ``wsgi_app`` returns, and so does flaskfast), and no
    context stays pushed."""
    events: list[str] = []
    app = _stream_app(events)
    environ = EnvironBuilder(path=path, query_string="who=me").get_environ()
    iterable = app(environ, lambda status, headers, exc_info=None: None)
    events.append("returned")
    assert next(iter(iterable))
    iterable.close()
    returned = ["teardown_request", "teardown_appcontext", "returned"]
    if path == "/stream":
        assert events == [*returned, "generator cleanup", "teardown_request", "teardown_appcontext"]
    else:
        assert events == [*returned, "generator cleanup"]
    assert flaskfast.globals._cv_request.get(None) is None
    assert flaskfast.globals._cv_app.get(None) is None


def test_stream_closed_by_a_real_client_runs_cleanup() -> None:
    events: list[str] = []
    done = threading.Event()
    app = _stream_app(events)

    @app.route("/watched")
    def watched() -> t.Any:
        def generate() -> t.Iterator[bytes]:
            try:
                while True:
                    yield b"x" * 65536
            finally:
                events.append("generator cleanup")
                done.set()

        return generate()

    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        with socket.create_connection(("127.0.0.1", srv.server_port), timeout=10) as sock:
            sock.sendall(b"GET /watched HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            assert sock.recv(4096).startswith(b"HTTP/1.")
        # The client is gone; the server's next write fails and it closes
        # the response.
        assert done.wait(10), events
        assert "generator cleanup" in events
        # The server thread is free again: the next request is served.
        connection = http.client.HTTPConnection("127.0.0.1", srv.server_port, timeout=10)
        connection.request("GET", "/stream?who=next")
        assert connection.getresponse().read(20).startswith(b"chunk 0 for next")
        connection.close()
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join(5)
