"""View helpers: responses, URLs, aborting, flashing, files, streaming,
environment flags and root paths.
"""

from __future__ import annotations

import io
import os
import sys
import typing as t
from pathlib import Path

import pytest
import werkzeug.exceptions

from flaskfast import helpers
from flaskfast.helpers import _split_blueprint_path
from flaskfast.helpers import get_debug_flag
from flaskfast.helpers import get_load_dotenv
from flaskfast.helpers import get_root_path

if t.TYPE_CHECKING:  # pragma: no cover
    from flaskfast import Flask


# -- environment flags and paths (no app needed) ----------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, False), ("", False), ("0", False), ("FALSE", False), ("no", False),
     ("1", True), ("yes", True), ("True", True)],
)
def test_get_debug_flag(
    monkeypatch: pytest.MonkeyPatch, value: str | None, expected: bool
) -> None:
    if value is None:
        monkeypatch.delenv("FLASK_DEBUG", raising=False)
    else:
        monkeypatch.setenv("FLASK_DEBUG", value)
    assert get_debug_flag() is expected


@pytest.mark.parametrize(
    ("value", "default", "expected"),
    [(None, True, True), (None, False, False), ("", True, True),
     ("1", True, False), ("0", True, True), ("no", False, True)],
)
def test_get_load_dotenv(
    monkeypatch: pytest.MonkeyPatch, value: str | None, default: bool, expected: bool
) -> None:
    if value is None:
        monkeypatch.delenv("FLASK_SKIP_DOTENV", raising=False)
    else:
        monkeypatch.setenv("FLASK_SKIP_DOTENV", value)
    assert get_load_dotenv(default) is expected


def test_split_blueprint_path() -> None:
    assert _split_blueprint_path("a") == ["a"]
    assert _split_blueprint_path("a.b.c") == ["a.b.c", "a.b", "a"]


def test_get_root_path_of_loaded_and_unloaded_modules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert get_root_path("pytest") == os.path.dirname(os.path.abspath(pytest.__file__))
    pkg = tmp_path / "rootpath_probe_pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("raise RuntimeError('must not be imported')")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert get_root_path("rootpath_probe_pkg") == str(pkg)
    assert "rootpath_probe_pkg" not in sys.modules


def test_get_root_path_unknown_module_is_cwd(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    assert get_root_path("no_such_module_for_root_path") == str(tmp_path)


def test_redirect_and_abort_without_app() -> None:
    rv = helpers.redirect("/elsewhere", 307)
    assert rv.status_code == 307 and rv.location == "/elsewhere"
    with pytest.raises(werkzeug.exceptions.Forbidden):
        helpers.abort(403)
    with pytest.raises(LookupError):
        helpers.abort(799)


def test_stream_with_context_needs_request() -> None:
    with pytest.raises(RuntimeError, match="request context"):
        helpers.stream_with_context(iter(["x"]))


# -- with an app -------------------------------------------------------------


def test_redirect_and_abort_use_the_app(app: Flask) -> None:
    class Teapot(werkzeug.exceptions.HTTPException):
        code = 799

    app.aborter.mapping[799] = Teapot
    calls = []

    def my_redirect(location: str, code: int = 302) -> t.Any:
        calls.append((location, code))
        return "redirected"

    app.redirect = my_redirect  # type: ignore[method-assign]
    with app.app_context():
        assert helpers.redirect("/x", 301) == "redirected"
        with pytest.raises(Teapot):
            helpers.abort(799)
    assert calls == [("/x", 301)]


def test_make_response_variants(app: Flask) -> None:
    with app.test_request_context():
        empty = helpers.make_response()
        assert empty.status_code == 200 and empty.data == b""
        body = helpers.make_response("hi")
        assert body.data == b"hi" and body.mimetype == "text/html"
        full = helpers.make_response("gone", 410, {"X-A": "1"})
        assert full.status_code == 410 and full.headers["X-A"] == "1"
        assert isinstance(empty, app.response_class)


def test_url_for_delegates_to_app(app: Flask) -> None:
    @app.route("/item/<int:n>")
    def item(n: int) -> str:
        return ""

    with app.test_request_context():
        assert helpers.url_for("item", n=3) == "/item/3"
        assert helpers.url_for("item", n=3, q="a b", _anchor="top") == "/item/3?q=a+b#top"
        assert helpers.url_for("item", n=1, _external=True) == "http://localhost/item/1"
        assert helpers.url_for("item", n=1, _scheme="https") == "https://localhost/item/1"


def test_flash_round_trip(app: Flask) -> None:
    from flaskfast import get_flashed_messages
    from flaskfast import session

    @app.route("/add")
    def add() -> str:
        helpers.flash("plain")
        helpers.flash("bad", "error")
        return ""

    @app.route("/show")
    def show() -> dict[str, t.Any]:
        first = get_flashed_messages()
        # Same list on a second call in the same request.
        again = get_flashed_messages(with_categories=True)
        errors = get_flashed_messages(category_filter=["error"])
        return {"first": first, "again": again, "errors": errors,
                "left": "_flashes" in session}

    client = app.test_client()
    client.get("/add")
    data = client.get("/show").json
    assert data == {
        "first": ["plain", "bad"],
        "again": [["message", "plain"], ["error", "bad"]],
        "errors": ["bad"],
        "left": False,
    }
    assert client.get("/show").json["first"] == []  # consumed


def test_flash_sends_signal(app: Flask) -> None:
    from flaskfast.signals import message_flashed

    seen = []

    def record(sender: t.Any, message: str, category: str) -> None:
        seen.append((sender, message, category))

    with message_flashed.connected_to(record, app):
        with app.test_request_context():
            helpers.flash("hello", "info")
    assert seen == [(app, "hello", "info")]


def test_flash_marks_session_modified(app: Flask) -> None:
    from flaskfast import session

    with app.test_request_context():
        helpers.flash("one")
        session.modified = False
        helpers.flash("two")
        assert session.modified
        assert session["_flashes"] == [("message", "one"), ("message", "two")]


def test_send_file_uses_app_defaults(app: Flask, tmp_path: Path) -> None:
    (tmp_path / "static.txt").write_text("file body")
    app.root_path = str(tmp_path)
    with app.test_request_context():
        rv = helpers.send_file("static.txt")
        rv.direct_passthrough = False
        assert rv.data == b"file body"
        assert rv.mimetype == "text/plain"
        assert rv.cache_control.max_age is None
        assert isinstance(rv, app.response_class)
        rv.close()

        app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 60
        rv = helpers.send_file("static.txt")
        assert rv.cache_control.max_age == 60
        rv.close()

        rv = helpers.send_file("static.txt", max_age=5)
        assert rv.cache_control.max_age == 5
        rv.close()


def test_send_file_object_needs_name_or_mimetype(app: Flask) -> None:
    with app.test_request_context():
        with pytest.raises(TypeError):
            helpers.send_file(io.BytesIO(b"x"))
        rv = helpers.send_file(io.BytesIO(b"x"), download_name="a.bin", as_attachment=True)
        assert "attachment" in rv.headers["Content-Disposition"]
        rv.close()


def test_send_file_x_sendfile(app: Flask, tmp_path: Path) -> None:
    (tmp_path / "big.bin").write_bytes(b"\0" * 10)
    app.root_path = str(tmp_path)
    app.config["USE_X_SENDFILE"] = True
    with app.test_request_context():
        rv = helpers.send_file("big.bin")
        assert rv.headers["X-Sendfile"] == str(tmp_path / "big.bin")
        rv.close()


def test_send_from_directory_rejects_escape(app: Flask, tmp_path: Path) -> None:
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "a.txt").write_text("A")
    (tmp_path / "secret.txt").write_text("S")
    app.root_path = str(tmp_path)
    with app.test_request_context():
        rv = helpers.send_from_directory("files", "a.txt")
        rv.direct_passthrough = False
        assert rv.data == b"A"
        rv.close()
        with pytest.raises(werkzeug.exceptions.NotFound):
            helpers.send_from_directory("files", "../secret.txt")


def test_stream_with_context_keeps_request_available(app: Flask) -> None:
    from flaskfast import Response
    from flaskfast import request
    from flaskfast import session

    closed = []

    class Body:
        def __init__(self) -> None:
            self.items = iter(["a", "b"])

        def __iter__(self) -> Body:
            return self

        def __next__(self) -> str:
            return next(self.items) + request.args["s"] + session["x"]

        def close(self) -> None:
            closed.append(True)

    @app.route("/")
    def index() -> Response:
        session["x"] = "!"
        return Response(helpers.stream_with_context(Body()))

    @app.route("/decorated")
    def decorated() -> Response:
        @helpers.stream_with_context
        def gen(prefix: str) -> t.Iterator[str]:
            yield prefix
            yield request.args["s"]

        return Response(gen("p-"))

    client = app.test_client()
    assert client.get("/?s=1").text == "a1!b1!"
    assert closed == [True]
    assert client.get("/decorated?s=2").text == "p-2"


def test_stream_with_context_closed_early_closes_wrapped(app: Flask) -> None:
    closed = []

    def gen() -> t.Iterator[str]:
        try:
            yield "x"
        finally:
            closed.append(True)

    with app.test_request_context():
        stream = helpers.stream_with_context(gen())
        assert next(stream) == "x"  # type: ignore[call-overload]
        stream.close()  # type: ignore[union-attr]
    assert closed == [True]
