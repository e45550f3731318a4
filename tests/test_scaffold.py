"""Scaffold behaviour shared by the app and blueprints: paths, static and
template settings, route shortcuts, hook registries, error handler keys."""

from __future__ import annotations

import os
import sys
import typing as t
from pathlib import Path

import pytest
from werkzeug.exceptions import Conflict
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import NotFound

from flaskfast import abort
from flaskfast.blueprints import Blueprint
from flaskfast.sansio.scaffold import _endpoint_from_view_func
from flaskfast.sansio.scaffold import find_package
from flaskfast.sansio.scaffold import Scaffold

if t.TYPE_CHECKING:  # pragma: no cover
    from flaskfast import Flask
    from flaskfast.testing import FlaskClient


class Teapot(HTTPException):
    code = 418


def test_static_folder_resolved_against_root_path(tmp_path: Path) -> None:
    bp = Blueprint("b", __name__, static_folder="assets/", root_path=str(tmp_path))
    assert bp.static_folder == os.path.join(str(tmp_path), "assets")
    assert bp.static_url_path == "/assets"
    assert bp.has_static_folder


def test_static_folder_accepts_pathlike(tmp_path: Path) -> None:
    bp = Blueprint("b", __name__, static_folder=Path("files"), root_path=str(tmp_path))
    assert bp.static_folder == os.path.join(str(tmp_path), "files")


def test_no_static_folder_means_no_url_path() -> None:
    bp = Blueprint("b", __name__, static_url_path="/ignored-without-folder")
    assert bp.static_folder is None
    assert not bp.has_static_folder
    # An explicit URL path is kept even without a folder.
    assert bp.static_url_path == "/ignored-without-folder"
    assert Blueprint("c", __name__).static_url_path is None


def test_static_url_path_trailing_slash_removed() -> None:
    bp = Blueprint("b", __name__, static_folder="s", static_url_path="/media/")
    assert bp.static_url_path == "/media"
    bp.static_url_path = "/other/"
    assert bp.static_url_path == "/other"


def test_jinja_loader_created_once(tmp_path: Path) -> None:
    (tmp_path / "tpl").mkdir()
    (tmp_path / "tpl" / "hello.txt").write_text("hi")
    bp = Blueprint("b", __name__, template_folder="tpl", root_path=str(tmp_path))
    loader = bp.jinja_loader
    assert loader is not None
    assert loader is bp.jinja_loader
    assert loader.list_templates() == ["hello.txt"]  # type: ignore[no-untyped-call]
    assert Blueprint("c", __name__).jinja_loader is None


def test_root_path_defaults_to_module_directory() -> None:
    bp = Blueprint("b", __name__)
    assert bp.root_path == os.path.dirname(os.path.abspath(__file__))


def test_repr_names_class_and_name() -> None:
    assert repr(Blueprint("front", __name__)) == "<Blueprint 'front'>"


def test_method_shortcuts_register_single_method(app: Flask, client: FlaskClient) -> None:
    @app.get("/thing")
    def read() -> str:
        return "read"

    @app.post("/thing")
    def create() -> str:
        return "created"

    @app.put("/thing")
    def replace() -> str:
        return "replaced"

    @app.patch("/thing")
    def change() -> str:
        return "changed"

    @app.delete("/thing")
    def remove() -> str:
        return "removed"

    assert client.get("/thing").data == b"read"
    assert client.post("/thing").data == b"created"
    assert client.put("/thing").data == b"replaced"
    assert client.patch("/thing").data == b"changed"
    assert client.delete("/thing").data == b"removed"


def test_method_shortcut_rejects_methods_argument(app: Flask) -> None:
    with pytest.raises(TypeError, match="'route' decorator"):
        app.get("/", methods=["POST"])


def test_route_returns_function_unchanged(app: Flask) -> None:
    def view() -> str:
        return ""

    assert app.route("/", endpoint="home")(view) is view
    assert app.view_functions["home"] is view


def test_endpoint_decorator_only_stores_view(app: Flask, client: FlaskClient) -> None:
    app.add_url_rule("/late", endpoint="late")

    @app.endpoint("late")
    def late() -> str:
        return "bound later"

    assert app.view_functions["late"] is late
    assert client.get("/late").data == b"bound later"


def test_hooks_land_in_app_scope(app: Flask) -> None:
    def before() -> None:
        return None

    def after(response: t.Any) -> t.Any:
        return response

    def teardown(exc: BaseException | None) -> None:
        return None

    def ctx() -> dict[str, t.Any]:
        return {}

    def preprocess(endpoint: str | None, values: dict[str, t.Any] | None) -> None:
        return None

    def defaults(endpoint: str, values: dict[str, t.Any]) -> None:
        return None

    assert app.before_request(before) is before
    assert app.after_request(after) is after
    assert app.teardown_request(teardown) is teardown
    assert app.context_processor(ctx) is ctx
    assert app.url_value_preprocessor(preprocess) is preprocess
    assert app.url_defaults(defaults) is defaults

    assert app.before_request_funcs[None] == [before]
    assert app.after_request_funcs[None] == [after]
    assert app.teardown_request_funcs[None] == [teardown]
    assert app.template_context_processors[None][-1] is ctx
    assert app.url_value_preprocessors[None] == [preprocess]
    assert app.url_default_functions[None] == [defaults]


def test_error_handler_spec_keyed_by_code_and_class(app: Flask) -> None:
    def h(e: Exception) -> str:
        return ""

    app.register_error_handler(404, h)
    app.register_error_handler(KeyError, h)
    app.register_error_handler(Teapot, h)
    spec = app.error_handler_spec[None]
    assert spec[404] == {NotFound: h}
    assert spec[None] == {KeyError: h}
    assert spec[418] == {Teapot: h}


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        (409, (Conflict, 409)),
        (Conflict, (Conflict, 409)),
        (Teapot, (Teapot, 418)),
        (HTTPException, (HTTPException, None)),
        (LookupError, (LookupError, None)),
    ],
)
def test_exc_class_and_code(key: t.Any, expected: tuple[t.Any, t.Any]) -> None:
    assert Scaffold._get_exc_class_and_code(key) == expected


def test_exc_key_unknown_code() -> None:
    with pytest.raises(ValueError, match="'299' is not a recognized HTTP error code"):
        Scaffold._get_exc_class_and_code(299)


def test_exc_key_instance_rejected() -> None:
    with pytest.raises(TypeError, match=r"KeyError\('k'\) is an instance, not a class"):
        Scaffold._get_exc_class_and_code(KeyError("k"))  # type: ignore[arg-type]


def test_exc_key_non_exception_class_rejected(app: Flask) -> None:
    with pytest.raises(ValueError, match="'dict' is not a subclass of Exception"):
        app.register_error_handler(dict, lambda e: "")  # type: ignore[arg-type]


def test_error_handler_decorator_handles_code(app: Flask, client: FlaskClient) -> None:
    @app.errorhandler(418)
    def brew(e: HTTPException) -> tuple[str, int]:
        return f"short and stout {e.code}", 418

    @app.route("/pot")
    def pot() -> str:
        abort(418)

    rv = client.get("/pot")
    assert rv.status_code == 418
    assert rv.data == b"short and stout 418"


def test_endpoint_from_view_func_uses_name() -> None:
    def some_view() -> None:
        return None

    assert _endpoint_from_view_func(some_view) == "some_view"
    with pytest.raises(AssertionError, match="expected view func"):
        _endpoint_from_view_func(None)


def test_find_package_for_plain_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "lonely_mod_for_scaffold.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert find_package("lonely_mod_for_scaffold") == (None, str(tmp_path))


def test_find_package_for_package_under_prefix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "lib" / "python3.x" / "site-packages"
    pkg = site / "installed_pkg_for_scaffold"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setattr(sys, "prefix", str(tmp_path))
    assert find_package("installed_pkg_for_scaffold.sub") == (str(tmp_path), str(site))


def test_find_package_for_site_packages_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "venv" / "lib" / "python3.x" / "site-packages"
    (site / "far_pkg_for_scaffold").mkdir(parents=True)
    (site / "far_pkg_for_scaffold" / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "elsewhere"))
    assert find_package("far_pkg_for_scaffold") == (str(tmp_path / "venv"), str(site))


def test_find_package_unknown_name_uses_cwd() -> None:
    assert find_package("no_such_module_anywhere_123") == (None, os.getcwd())
