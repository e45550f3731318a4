"""Tests for flaskfast.debughelpers."""

from __future__ import annotations

import logging
import typing as t

import pytest
from jinja2 import DictLoader
from jinja2 import FileSystemLoader
from werkzeug.routing import RequestRedirect
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from flaskfast import debughelpers
from flaskfast.debughelpers import DebugFilesKeyError
from flaskfast.debughelpers import FormDataRoutingRedirect
from flaskfast.debughelpers import UnexpectedUnicodeError
from flaskfast.debughelpers import attach_enctype_error_multidict
from flaskfast.debughelpers import explain_template_loading_attempts


def _form_request(data: dict[str, str], **kw: t.Any) -> Request:
    return Request(EnvironBuilder(method="POST", data=data, **kw).get_environ())


def test_exception_hierarchy() -> None:
    assert issubclass(UnexpectedUnicodeError, AssertionError)
    assert issubclass(UnexpectedUnicodeError, UnicodeError)
    assert issubclass(DebugFilesKeyError, KeyError)
    assert issubclass(DebugFilesKeyError, AssertionError)
    assert issubclass(FormDataRoutingRedirect, AssertionError)


def test_debug_files_key_error_explains_enctype() -> None:
    req = _form_request({"upload": "report.pdf"})
    err = DebugFilesKeyError(req, "upload")  # type: ignore[arg-type]
    text = str(err)
    assert "'upload'" in text
    assert "application/x-www-form-urlencoded" in text
    assert "no file contents were transmitted" in text
    assert 'enctype="multipart/form-data"' in text
    assert "This was submitted: 'report.pdf'" in text


def test_attach_enctype_error_multidict() -> None:
    req = _form_request({"upload": "report.pdf"})
    attach_enctype_error_multidict(req)  # type: ignore[arg-type]
    files_type = type(req.files)
    assert files_type.__name__ == "ImmutableMultiDict"
    with pytest.raises(DebugFilesKeyError, match="This was submitted: 'report.pdf'"):
        req.files["upload"]
    # A key absent from the form as well stays a plain KeyError.
    with pytest.raises(KeyError) as info:
        req.files["other"]
    assert not isinstance(info.value, DebugFilesKeyError)
    assert req.files.get("upload") is None


def test_form_data_routing_redirect_message() -> None:
    req = _form_request({"a": "1"}, path="/user")
    req.routing_exception = RequestRedirect("http://localhost/user/")  # type: ignore[attr-defined]
    err = FormDataRoutingRedirect(req)  # type: ignore[arg-type]
    text = str(err)
    assert "'http://localhost/user'" in text
    assert "canonical URL 'http://localhost/user/'" in text
    assert "trailing slash" in text
    assert "307 or 308" in text


def test_form_data_routing_redirect_other_target() -> None:
    req = _form_request({"a": "1"}, path="/old")
    req.routing_exception = RequestRedirect("http://localhost/new")  # type: ignore[attr-defined]
    text = str(FormDataRoutingRedirect(req))  # type: ignore[arg-type]
    assert "canonical URL 'http://localhost/new'" in text
    assert "trailing slash" not in text


def test_dump_loader_info_lists_simple_attributes() -> None:
    loader = FileSystemLoader(["/a", "/b"], encoding="utf-8")
    lines = list(debughelpers._dump_loader_info(loader))
    assert lines[0] == "class: jinja2.loaders.FileSystemLoader"
    assert "encoding: 'utf-8'" in lines
    assert lines[lines.index("searchpath:") + 1 :][:2] == ["  - /a", "  - /b"]
    assert "followlinks: False" in lines


class _FakeApp:
    def __init__(self, name: str) -> None:
        self.logger = logging.getLogger(name)
        self.records: list[str] = []

        class Capture(logging.Handler):
            def emit(inner, record: logging.LogRecord) -> None:  # noqa: N805
                self.records.append(record.getMessage())

        self.logger.handlers = [Capture()]
        self.logger.setLevel(logging.INFO)
        self.logger.propagate = False


def test_explain_template_loading_not_found() -> None:
    app = _FakeApp("ff_explain_missing")
    explain_template_loading_attempts(
        app,  # type: ignore[arg-type]
        "index.html",
        [(DictLoader({}), "some source", None)],  # type: ignore[list-item]
    )
    (text,) = app.records
    assert text.startswith("Locating template 'index.html':")
    assert "    1: trying loader of 'some source'" in text
    assert "class: jinja2.loaders.DictLoader" in text
    assert "-> no match" in text
    assert "Error: the template could not be found." in text


def test_explain_template_loading_found_twice() -> None:
    app = _FakeApp("ff_explain_twice")
    hit = ("src", "/t/index.html", None)
    explain_template_loading_attempts(
        app,  # type: ignore[arg-type]
        "index.html",
        [(DictLoader({}), "a", hit), (DictLoader({}), "b", ("src", None, None))],  # type: ignore[list-item]
    )
    (text,) = app.records
    assert "-> found ('/t/index.html')" in text
    assert "-> found ('<string>')" in text
    assert "Warning:" in text


def test_app_and_blueprint_names_resolve() -> None:
    try:
        app_cls = debughelpers.App  # type: ignore[attr-defined]
        bp_cls = debughelpers.Blueprint  # type: ignore[attr-defined]
    except ImportError:
        pytest.skip("flaskfast.sansio is not importable yet")
    assert app_cls.__name__ == "App"
    assert bp_cls.__name__ == "Blueprint"
    assert "App" in dir(debughelpers)
    with pytest.raises(AttributeError):
        debughelpers.NoSuchName  # type: ignore[attr-defined]  # noqa: B018
