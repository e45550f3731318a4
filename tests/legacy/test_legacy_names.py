"""Section 1 of the table: module-level names (``flask.X``, ``flask.json.X``,
``flask.helpers.X``, ``flask.globals.X``, ``flask.signals.X``, ``flask.ext``,
``flask.scaffold``), each warning once and naming the 3.1 replacement."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import warnings
from pathlib import Path

import markupsafe
import pytest
import werkzeug.utils
from werkzeug.exceptions import NotFound

import flaskfast
from flaskfast import globals as ff_globals
from flaskfast import helpers as ff_helpers
from flaskfast import signals as ff_signals
from flaskfast._legacy.warn import LegacyAPIError

ROOT = Path(__file__).resolve().parents[2]


def test_escape_is_markupsafe_escape(warns_once) -> None:
    with warns_once("flask.escape", "markupsafe.escape") as caught:
        escape = flaskfast.escape
    assert escape is markupsafe.escape
    assert escape("<b>") == "&lt;b&gt;"
    # The warning points at the line that used the old name.
    assert caught[0].filename == __file__


def test_from_import_warns_once(warns_once) -> None:
    with warns_once("flask.Markup", "markupsafe.Markup"):
        from flaskfast import Markup  # noqa: F401


def test_markup_methods(warns_once) -> None:
    with warns_once("flask.Markup"):
        Markup = flaskfast.Markup
    assert Markup is markupsafe.Markup
    assert Markup.escape("<i>") == "&lt;i&gt;"
    assert Markup("<em>a</em> b").striptags() == "a b"
    assert Markup("&lt;x&gt;").unescape() == "<x>"


@pytest.mark.parametrize("module", [flaskfast, ff_helpers], ids=["flask", "helpers"])
def test_safe_join_keeps_the_old_not_found_contract(module, warns_once, tmp_path) -> None:
    with warns_once("safe_join", "werkzeug.utils.safe_join"):
        safe_join = module.safe_join
    assert safe_join(str(tmp_path), "a", "b.txt") == os.path.join(str(tmp_path), "a", "b.txt")
    # Werkzeug returns None where the old Flask function raised NotFound.
    assert werkzeug.utils.safe_join(str(tmp_path), "../x") is None
    with pytest.raises(NotFound):
        safe_join(str(tmp_path), "../x")


@pytest.mark.parametrize("module", [flaskfast, ff_globals], ids=["flask", "globals"])
def test_app_ctx_stack_top(module, app, warns_once) -> None:
    with warns_once("_app_ctx_stack", "flask.globals.app_ctx"):
        stack = module._app_ctx_stack
    assert stack.top is None
    with app.app_context() as ctx:
        assert stack.top is ctx
        # The 0.x extension pattern: state stored on the top context.
        stack.top.sqlite_db = "conn"
        assert ctx.sqlite_db == "conn"
    assert stack.top is None


@pytest.mark.parametrize("module", [flaskfast, ff_globals], ids=["flask", "globals"])
def test_request_ctx_stack_top(module, app, warns_once) -> None:
    with warns_once("_request_ctx_stack", "flask.globals.request_ctx"):
        stack = module._request_ctx_stack
    assert stack.top is None
    with app.test_request_context("/x") as ctx:
        assert stack.top is ctx
        assert stack.top.request.path == "/x"


def test_ctx_stack_push_and_pop_are_refused(app) -> None:
    """Limit 1: only ``top`` can be offered."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        stack = flaskfast._app_ctx_stack
    with pytest.raises(LegacyAPIError, match=r"app_context\(\)\.push\(\)"):
        stack.push(app.app_context())
    with pytest.raises(LegacyAPIError, match="ctx.pop"):
        stack.pop()


@pytest.mark.parametrize("module", [flaskfast, ff_signals], ids=["flask", "signals"])
def test_signals_available(module, warns_once) -> None:
    with warns_once("signals_available", "blinker"):
        assert module.signals_available is True


def test_get_env_is_informational(monkeypatch, warns_once) -> None:
    monkeypatch.delenv("FLASK_ENV", raising=False)
    with warns_once("get_env", "FLASK_DEBUG"):
        get_env = ff_helpers.get_env
    assert get_env() == "production"
    monkeypatch.setenv("FLASK_ENV", "development")
    assert get_env() == "development"
    # Limit 3: FLASK_ENV never turns debug on.
    assert ff_helpers.get_debug_flag() is False


def test_locked_cached_property(warns_once) -> None:
    locked_cached_property = ff_helpers.locked_cached_property  # no warning yet
    calls = []

    with warns_once("locked_cached_property", "werkzeug.utils.cached_property"):

        class Thing:
            @locked_cached_property
            def value(self) -> int:
                calls.append(1)
                return 42

    assert isinstance(Thing.__dict__["value"], werkzeug.utils.cached_property)
    thing = Thing()
    threads = [threading.Thread(target=lambda: thing.value) for _ in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert thing.value == 42 and calls == [1]
    thing.value = 7
    assert thing.value == 7
    del thing.value
    assert thing.value == 42 and calls == [1, 1]


def test_scaffold_module_forwards_to_sansio(warns_once) -> None:
    import flaskfast.scaffold as old_scaffold
    from flaskfast.sansio import scaffold

    for name in ("Scaffold", "setupmethod", "find_package", "_endpoint_from_view_func", "_sentinel"):
        with warns_once(f"flask.scaffold.{name}", f"flask.sansio.scaffold.{name}"):
            assert getattr(old_scaffold, name) is getattr(scaffold, name)


def test_unknown_names_still_raise_attribute_error() -> None:
    for module in (flaskfast, ff_helpers, ff_globals, ff_signals, flaskfast.json):
        with pytest.raises(AttributeError):
            module.no_such_name  # noqa: B018


def test_abort_stays_a_function_and_the_mapping_lives_on_the_app(app) -> None:
    """Optional row, not implemented: replacing the 3.1 ``abort`` function
    with an object would change its type for 3.1 code; the mapping is at
    ``app.aborter.mapping``, as in Flask 3.1."""
    import flask
    import inspect

    assert inspect.isfunction(flaskfast.abort) and inspect.isfunction(flask.abort)
    assert app.aborter.mapping[404] is NotFound


def test_redirect_uses_the_app_response_class_and_keeps_location_relative(app) -> None:
    """``redirect`` needs no shim; an absolute Location is opt-in (limit 12)."""

    class Absolute(flaskfast.Response):
        autocorrect_location_header = True

    @app.route("/r")
    def r():
        return flaskfast.redirect("/target")

    rv = app.test_client().get("/r")
    assert rv.status_code == 302 and rv.headers["Location"] == "/target"
    app.response_class = Absolute
    rv = app.test_client().get("/r")
    assert rv.headers["Location"] == "http://localhost/target"


def _run(code: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-W", "error::DeprecationWarning", "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}", **env},
    )


def test_flask_ext_imports_flask_foo(tmp_path) -> None:
    (tmp_path / "flask_legacydemo.py").write_text("VALUE = 1\n")
    (tmp_path / "flaskext").mkdir()
    (tmp_path / "flaskext" / "__init__.py").write_text("")
    (tmp_path / "flaskext" / "olddemo.py").write_text("VALUE = 2\n")
    code = """
        import warnings
        import flaskfast
        flaskfast.install_as_flask()
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            from flask.ext import legacydemo
            import flask.ext.olddemo
        import flask_legacydemo, flaskext.olddemo
        assert legacydemo is flask_legacydemo, legacydemo
        assert flask.ext.olddemo is flaskext.olddemo
        assert flask_legacydemo.__spec__.name == "flask_legacydemo"
        msgs = [str(x.message) for x in w]
        assert len(msgs) == 2, msgs
        assert "import flask_legacydemo directly" in msgs[0], msgs
        assert "import flaskext.olddemo directly" in msgs[1], msgs
        try:
            from flask.ext import missing
        except ImportError as e:
            print("missing:", e)
        from flaskfast.ext import legacydemo as again  # cached: no new warning
        assert again is flask_legacydemo
        print("ok")
    """
    result = _run(code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "ok" in result.stdout
    assert "missing:" in result.stdout


def test_flaskfast_ext_without_install_as_flask(tmp_path, warns_once) -> None:
    (tmp_path / "flask_legacydemo2.py").write_text("VALUE = 3\n")
    sys.path.insert(0, str(tmp_path))
    try:
        with warns_once("flask.ext.legacydemo2", "import flask_legacydemo2 directly"):
            from flaskfast.ext import legacydemo2
        assert legacydemo2.VALUE == 3
        with pytest.raises(ImportError, match="flask_nothere"):
            from flaskfast.ext import nothere  # noqa: F401
    finally:
        sys.path.remove(str(tmp_path))
        for name in ("flask_legacydemo2", "flaskfast.ext.legacydemo2"):
            sys.modules.pop(name, None)


def test_flask_scaffold_resolves_after_install_as_flask(tmp_path) -> None:
    code = """
        import warnings
        import flaskfast
        flaskfast.install_as_flask()
        import flask.scaffold
        from flask.sansio.scaffold import Scaffold
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            assert flask.scaffold.Scaffold is Scaffold
        assert len(w) == 1 and "flask.sansio.scaffold.Scaffold" in str(w[0].message)
        print("ok")
    """
    result = _run(code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "ok" in result.stdout


def test_show_server_banner_accepts_the_four_argument_call(capsys, warns_once) -> None:
    from flaskfast.cli import show_server_banner

    with warns_once("show_server_banner(env, debug", "show_server_banner(debug, app_import_path)"):
        show_server_banner("production", True, "hello.py", True)
    assert capsys.readouterr().out == " * Serving Flask app 'hello.py'\n * Debug mode: on\n"
    show_server_banner(False, "app")  # the 3.1 call: no warning
    assert "Debug mode: off" in capsys.readouterr().out
