"""``MAX_CONTENT_LENGTH`` holds with or without ``Content-Length``
(``flaskfast._input``).

A server that terminates the input itself (``wsgi.input_terminated``:
gunicorn on every request, the werkzeug server and test client for chunked
bodies) may send a body without ``Content-Length``.  Flask 3.1.3 cuts such a
body silently at ``MAX_CONTENT_LENGTH`` and the view answers with the
truncated data; flaskfast answers 413 for every way of reading the body, as
Flask already does when ``Content-Length`` announces the same body.
"""

from __future__ import annotations

import gc
import io
import typing as t
import warnings

import flask
import pytest
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.test import EnvironBuilder

import flaskfast
from flaskfast._input import CappedStream

LIMIT = 100
READS = ["data", "json", "form", "files", "stream", "stream_chunks", "values"]


def _make_app(fw: t.Any) -> t.Any:
    app = fw.Flask("input_limits")
    app.config["MAX_CONTENT_LENGTH"] = LIMIT
    request = fw.request

    @app.post("/<what>")
    def read(what: str) -> t.Any:
        if what == "data":
            return request.get_data()
        if what == "json":
            return {"json": request.get_json()}
        if what == "form":
            return dict(request.form)
        if what == "values":
            return dict(request.values)
        if what == "files":
            return {k: v.read().decode() for k, v in request.files.items()}
        if what == "stream":
            return request.stream.read()
        chunks = []
        while True:  # a view reading the stream piece by piece
            chunk = request.stream.read(5)
            if not chunk:
                return b"|".join(chunks)
            chunks.append(chunk)

    return app


APPS = {fw: _make_app(fw) for fw in (flask, flaskfast)}


def _body(what: str, size: int) -> tuple[bytes, str]:
    """A body of exactly ``size`` bytes that ``what`` reads."""
    if what == "json":
        return b'"' + b"x" * (size - 2) + b'"', "application/json"
    if what in ("form", "values"):
        return b"a=" + b"x" * (size - 2), "application/x-www-form-urlencoded"
    if what == "files":
        head = b'--b\r\nContent-Disposition: form-data; name="f"; filename="f"\r\n\r\n'
        tail = b"\r\n--b--\r\n"
        fill = size - len(head) - len(tail)
        return head + b"y" * max(fill, 0) + tail, "multipart/form-data; boundary=b"
    return b"z" * size, "text/plain"


def _environ(what: str, body: bytes, content_type: str, length: bool, terminated: bool) -> dict[str, t.Any]:
    builder = EnvironBuilder(path=f"/{what}", method="POST", content_type=content_type,
                             input_stream=io.BytesIO(body))  # fmt: skip
    environ = builder.get_environ()
    environ.pop("wsgi.input_terminated", None)
    if length:
        environ["CONTENT_LENGTH"] = str(len(body))
    else:
        environ.pop("CONTENT_LENGTH", None)
        environ["HTTP_TRANSFER_ENCODING"] = "chunked"
    if terminated:
        environ["wsgi.input_terminated"] = True
    return environ


def _answer(app: t.Any, environ: dict[str, t.Any]) -> tuple[int, bytes]:
    status: list[str] = []

    def start_response(line: str, headers: t.Any, exc_info: t.Any = None) -> None:
        status.append(line)

    iterable = app(environ, start_response)
    try:
        body = b"".join(iterable)
    finally:
        iterable.close()
    return int(status[-1][:3]), body


@pytest.mark.parametrize("what", READS)
@pytest.mark.parametrize("over", [1, 200, 70_000])
def test_body_over_the_limit_without_length_is_413(what: str, over: int) -> None:
    """The fault: Flask hands the view the first ``LIMIT`` bytes (or, for
    JSON, answers 400 for the cut document); flaskfast refuses the body."""
    body, kind = _body(what, LIMIT + over)
    environ = _environ(what, body, kind, length=False, terminated=True)
    assert _answer(APPS[flaskfast], environ)[0] == 413


def test_flask_truncates_where_flaskfast_refuses() -> None:
    """Pins the Flask 3.1.3 behaviour listed as a deliberate difference."""
    body, kind = _body("data", LIMIT + 10)
    environ = _environ("data", body, kind, length=False, terminated=True)
    assert _answer(APPS[flaskfast], environ)[0] == 413
    environ = _environ("data", body, kind, length=False, terminated=True)
    assert _answer(APPS[flask], environ) == (200, body[:LIMIT])


@pytest.mark.parametrize("what", READS)
@pytest.mark.parametrize("terminated", [False, True])
def test_body_over_the_limit_with_length_is_413_like_flask(what: str, terminated: bool) -> None:
    body, kind = _body(what, LIMIT + 1)
    answers = {
        fw: _answer(app, _environ(what, body, kind, length=True, terminated=terminated))
        for fw, app in APPS.items()
    }
    assert answers[flaskfast] == answers[flask]
    assert answers[flaskfast][0] == 413


@pytest.mark.parametrize("what", READS)
@pytest.mark.parametrize("length", [False, True])
def test_body_under_the_limit_is_read_whole_like_flask(what: str, length: bool) -> None:
    body, kind = _body(what, LIMIT - 1)
    answers = {
        fw: _answer(app, _environ(what, body, kind, length=length, terminated=True))
        for fw, app in APPS.items()
    }
    assert answers[flaskfast] == answers[flask]
    assert answers[flaskfast][0] == 200


@pytest.mark.parametrize("what", READS)
@pytest.mark.parametrize("length", [False, True])
def test_body_of_exactly_the_limit_is_accepted(what: str, length: bool) -> None:
    """A body of exactly ``MAX_CONTENT_LENGTH`` bytes is allowed.  Flask
    agrees for whole reads (data, JSON, urlencoded form) but answers 413 when
    the body is read in pieces (multipart, a stream loop): werkzeug refuses
    any read at the limit, even one that would find the body ended."""
    body, kind = _body(what, LIMIT)
    environ = _environ(what, body, kind, length=length, terminated=True)
    status, data = _answer(APPS[flaskfast], environ)
    assert status == 200
    environ = _environ(what, body, kind, length=length, terminated=True)
    with warnings.catch_warnings():
        # werkzeug leaves the upload's file open when it gives up mid-body
        # (flaskfast closes it: see the test below).
        warnings.simplefilter("ignore", ResourceWarning)
        flask_status, flask_data = _answer(APPS[flask], environ)
        gc.collect()
    if what in ("files", "stream_chunks"):
        assert flask_status == 413
    else:
        assert (flask_status, flask_data) == (status, data)


def test_body_without_length_or_termination_reads_empty_like_flask() -> None:
    """Without ``Content-Length`` and without ``wsgi.input_terminated`` the
    body is unsafe to read at all: werkzeug reads nothing; so does flaskfast."""
    body, kind = _body("data", LIMIT + 10)
    answers = {
        fw: _answer(app, _environ("data", body, kind, length=False, terminated=False))
        for fw, app in APPS.items()
    }
    assert answers[flaskfast] == answers[flask] == (200, b"")


def test_no_limit_reads_the_whole_terminated_body() -> None:
    app = _make_app(flaskfast)
    app.config["MAX_CONTENT_LENGTH"] = None
    body, kind = _body("data", 100_000)
    assert _answer(app, _environ("data", body, kind, length=False, terminated=True)) == (200, body)


def test_limit_set_on_the_request_is_used(app: flaskfast.Flask) -> None:
    body = b"x" * 50
    environ = _environ("data", body, "text/plain", length=False, terminated=True)
    with app.request_context(environ):
        flaskfast.request.max_content_length = 10
        with pytest.raises(RequestEntityTooLarge):
            flaskfast.request.get_data()


def test_test_client_streamed_body_over_the_limit_is_413(app: flaskfast.Flask) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 8

    @app.post("/")
    def echo() -> bytes:
        return flaskfast.request.get_data()

    client = app.test_client()
    assert client.post("/", input_stream=io.BytesIO(b"x" * 9)).status_code == 413
    response = client.post("/", input_stream=io.BytesIO(b"x" * 8))
    assert (response.status_code, response.data) == (200, b"x" * 8)


# -- the stream itself ------------------------------------------------------------


class _Failing(io.RawIOBase):
    """An input that gives ``data`` and then fails, as a dropped client does."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def readable(self) -> bool:
        return True

    def readinto(self, b: t.Any) -> int:
        if not self.data:
            raise OSError("connection reset")
        chunk, self.data = self.data[: len(b)], self.data[len(b) :]
        b[: len(chunk)] = chunk
        return len(chunk)


def test_capped_stream_refuses_every_read_once_over() -> None:
    stream = CappedStream(io.BytesIO(b"abcdefgh"), 4)
    assert stream.read(4) == b"abcd"
    with pytest.raises(RequestEntityTooLarge):
        stream.read(1)
    with pytest.raises(RequestEntityTooLarge):
        stream.read()
    with pytest.raises(RequestEntityTooLarge):
        stream.readall()


def test_capped_stream_at_exact_end_reads_empty_again() -> None:
    raw = io.BytesIO(b"abcd")
    stream = CappedStream(raw, 4)
    assert stream.read() == b"abcd"
    assert stream.read() == b""
    assert stream.read(3) == b""
    assert raw.tell() == 4


def test_capped_stream_short_body_is_the_end() -> None:
    stream = CappedStream(io.BytesIO(b"ab"), 4)
    assert stream.read() == b"ab"
    assert stream.read() == b""


def test_capped_stream_client_gone_at_the_limit_is_the_end() -> None:
    stream = CappedStream(_Failing(b"abcd"), 4)
    assert stream.read() == b"abcd"


def test_capped_stream_zero_limit() -> None:
    assert CappedStream(io.BytesIO(b""), 0).read() == b""
    with pytest.raises(RequestEntityTooLarge):
        CappedStream(io.BytesIO(b"a"), 0).read()


def test_upload_refused_part_way_is_closed() -> None:
    """An upload refused once its file is open (413 past the limit) leaves
    no file open: the ResourceWarning would be an error in this suite."""
    body, kind = _body("files", 200_000)
    environ = _environ("files", body, kind, length=False, terminated=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ResourceWarning)
        assert _answer(APPS[flaskfast], environ)[0] == 413
        gc.collect()
