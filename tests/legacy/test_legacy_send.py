"""Section 1a of the table: the pre-2.0 keyword names of ``send_file`` and
``send_from_directory``, and ``Config.from_json``."""

from __future__ import annotations

import io
import json
import warnings

import flask
import pytest

import flaskfast
from flaskfast import helpers


@pytest.fixture
def static(app, tmp_path):
    (tmp_path / "hello.txt").write_text("hello")
    app.root_path = str(tmp_path)
    return tmp_path


@pytest.mark.parametrize("module", [flaskfast, helpers], ids=["flask", "helpers"])
def test_filename_or_fp(app, static, module, warns_once) -> None:
    with app.test_request_context():
        with warns_once("send_file(filename_or_fp=...)", "send_file(path_or_file=...)"):
            rv = module.send_file(filename_or_fp=str(static / "hello.txt"))
        rv.direct_passthrough = False
        assert rv.data == b"hello"
        rv.close()
        # Flask 3.1.3 has no such keyword.
        real = flask.Flask(__name__)
        with real.test_request_context(), pytest.raises(TypeError):
            flask.send_file(filename_or_fp=str(static / "hello.txt"))


def test_attachment_filename(app, warns_once) -> None:
    with app.test_request_context():
        with warns_once("attachment_filename", "download_name"):
            rv = flaskfast.send_file(io.BytesIO(b"x"), attachment_filename="a.txt", as_attachment=True)
        assert rv.headers["Content-Disposition"] == "attachment; filename=a.txt"
        # 2.0+: without as_attachment the name is still sent, inline.
        with warns_once("attachment_filename"):
            rv = flaskfast.send_file(io.BytesIO(b"x"), attachment_filename="a.txt")
        assert rv.headers["Content-Disposition"] == "inline; filename=a.txt"
        with pytest.raises(TypeError, match="pass only 'download_name'"):
            flaskfast.send_file(io.BytesIO(b"x"), attachment_filename="a", download_name="b")


def test_cache_timeout_and_add_etags(app, static, warns_once) -> None:
    with app.test_request_context():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            rv = flaskfast.send_file(str(static / "hello.txt"), cache_timeout=60, add_etags=False)
        assert sorted(str(w.message).split(" is ")[0] for w in caught) == [
            "send_file(add_etags=...)",
            "send_file(cache_timeout=...)",
        ]
        assert rv.cache_control.max_age == 60
        assert "ETag" not in rv.headers
        rv.close()


def test_defaults_are_not_changed_back(app, static) -> None:
    """Limit 9: conditional=True and no max age stay the defaults."""
    with app.test_request_context():
        rv = flaskfast.send_file(str(static / "hello.txt"))
        assert rv.cache_control.no_cache and "ETag" in rv.headers
        rv.close()
        assert app.get_send_file_max_age("x") is None
        rv = flaskfast.send_file(str(static / "hello.txt"), conditional=False, max_age=43200)
        assert rv.cache_control.max_age == 43200 and "ETag" in rv.headers
        rv.close()


@pytest.mark.parametrize("module", [flaskfast, helpers], ids=["flask", "helpers"])
def test_send_from_directory_filename(app, static, module, warns_once) -> None:
    with app.test_request_context():
        with warns_once("send_from_directory(filename=...)", "send_from_directory(path=...)"):
            rv = module.send_from_directory(str(static), filename="hello.txt")
        rv.direct_passthrough = False
        assert rv.data == b"hello"
        rv.close()
        with warns_once("send_from_directory(cache_timeout=...)"):
            rv = module.send_from_directory(str(static), "hello.txt", cache_timeout=5)
        assert rv.cache_control.max_age == 5
        rv.close()


def test_static_files_take_no_legacy_path(app, static) -> None:
    (static / "static").mkdir()
    (static / "static" / "s.txt").write_text("s")
    app.static_folder = str(static / "static")
    rv = app.test_client().get("/static/s.txt")
    assert rv.data == b"s"
    rv.close()


def test_config_from_json(app, tmp_path, warns_once) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"SECRET_KEY": "k", "lower": 1}))
    with warns_once("Config.from_json", "Config.from_file(filename, load=json.load)"):
        assert app.config.from_json(str(path)) is True
    assert app.config["SECRET_KEY"] == "k" and "lower" not in app.config
    with warns_once("Config.from_json"):
        assert app.config.from_json(str(tmp_path / "missing.json"), silent=True) is False
    assert not hasattr(flask.Config, "from_json")
