"""The compatibility layer loads lazily: ``import flaskfast`` imports only
the seam (``flaskfast._legacy`` itself), an app that uses none of the older
API never loads a legacy module, and the first use of an old attribute
loads its module and replaces every placeholder of its class with the real
descriptor.  Module-level checks are fresh interpreters."""

from __future__ import annotations

import json

import pytest

import flaskfast
from _processes import check_python
from _processes import child_env
from flaskfast import _legacy
from flaskfast.ctx import RequestContext
from flaskfast.sansio.blueprints import Blueprint as SansioBlueprint

_LOADED = "sorted(m for m in sys.modules if m.startswith('flaskfast._legacy.'))"


def test_import_flaskfast_loads_no_legacy_module() -> None:
    out = check_python(f"import sys, flaskfast\nprint({_LOADED})", env=child_env())
    assert out.strip() == "[]"


def test_an_app_without_the_older_api_loads_none_of_it() -> None:
    code = f"""
        import io, sys, warnings
        warnings.simplefilter("error")
        import flaskfast
        from flaskfast import Flask, Blueprint, render_template_string, send_file

        class App(Flask):
            default_config = {{**Flask.default_config, "APPLICATION_ROOT": "/root"}}
            jinja_options = {{"extensions": ["jinja2.ext.do"]}}

        app = App(__name__, static_url_path="/s")
        app.config.from_mapping(SECRET_KEY="k", APPLICATION_ROOT="/r", JSON_X=1)
        app.config["APPLICATION_ROOT"] = "/"
        app.config.setdefault("OTHER", 1)
        bp = Blueprint("bp", __name__)

        @bp.route("/file")
        def file():
            return send_file(io.BytesIO(b"x"), mimetype="text/plain", download_name="x.txt")

        @app.route("/")
        def index():
            flaskfast.session["n"] = 1
            return render_template_string("{{{{ 1 + 1 }}}}")

        @app.errorhandler(404)
        def missing(e):
            return "missing", 404

        app.register_blueprint(bp)
        client = app.test_client()
        assert client.get("/").data == b"2"
        assert client.get("/file").data == b"x"
        assert client.get("/nowhere").data == b"missing"
        assert flaskfast.json.dumps({{"a": 1}}) == '{{"a": 1}}'
        print({_LOADED})
    """
    out = check_python(code, env=child_env())
    assert out.strip() == "[]"


@pytest.mark.parametrize(
    ("use", "module"),
    [
        ("flaskfast.Flask('a').env", "app"),
        ("flaskfast.Flask('a').before_first_request(lambda: None)", "app"),
        ("flaskfast.Flask('a', static_path='/s')", "app"),
        ("flaskfast.Flask('a').config['JSON_SORT_KEYS'] = False", "config"),
        ("flaskfast.Config('.').from_json", "config"),
        ("flaskfast.Flask('a').error_handler_spec[None][404] = print", "errors"),
        ("flaskfast.Blueprint('b', 'a').before_app_first_request(print)", "blueprints"),
        ("flaskfast.Request.is_xhr", "request"),
        ("flaskfast.send_file(flaskfast.__file__, cache_timeout=1)", "send"),
        ("flaskfast.escape", "names"),
        ("flaskfast.json.JSONEncoder", "json"),
    ],
)
def test_first_use_loads_its_module(use: str, module: str) -> None:
    code = f"""
        import sys, warnings
        warnings.simplefilter("ignore", DeprecationWarning)
        import flaskfast
        try:
            {use}
        except RuntimeError:
            pass  # send_file outside a request: the keyword was renamed first
        print({_LOADED})
    """
    loaded = json.loads(check_python(code, env=child_env()).replace("'", '"'))
    assert f"flaskfast._legacy.{module}" in loaded


def _placeholders(cls: type) -> list[str]:
    return [name for name, value in vars(cls).items() if isinstance(value, _legacy._Lazy)]


def test_first_use_replaces_every_placeholder_of_the_class() -> None:
    """The placeholders and the attributes each module provides agree (a
    mismatch would raise on first use)."""
    classes = {
        flaskfast.Flask: "env",
        flaskfast.Request: "is_xhr",
        RequestContext: "g",
        SansioBlueprint: "before_app_first_request",
        flaskfast.Config: "from_json",
    }
    for cls, name in classes.items():
        getattr(cls, name)  # class access: no warning
        assert _placeholders(cls) == [], cls
        assert not isinstance(vars(cls)[name], _legacy._Lazy)


def test_a_placeholder_replaced_before_first_use_stays_replaced() -> None:
    class Owner:
        pass

    group = _legacy._Group(Owner, ("prop",), ("method",), lambda: {
        "prop": property(lambda self: "real"),
        "method": lambda self: "real method",
    })
    Owner.method = lambda self: "patched"  # type: ignore[attr-defined]
    assert Owner().prop == "real"  # type: ignore[attr-defined]
    assert Owner().method() == "patched"  # type: ignore[attr-defined]
    assert group.resolve("method")(Owner()) == "real method"


def test_a_placeholder_table_that_disagrees_with_its_module_fails_loudly() -> None:
    class Owner:
        pass

    _legacy._Group(Owner, ("prop",), (), lambda: {"other": property(lambda self: 1)})
    with pytest.raises(RuntimeError, match="placeholders of Owner"):
        Owner().prop  # type: ignore[attr-defined]  # noqa: B018


def test_the_seam_tables_match_the_modules() -> None:
    from flaskfast._legacy import app as legacy_app
    from flaskfast._legacy import config as legacy_config
    from flaskfast._legacy import send as legacy_send
    from flaskfast._legacy import sessions as legacy_sessions

    assert _legacy.LEGACY_KEYS == {
        "APPLICATION_ROOT",
        *legacy_config.JSON_KEYS,
        *legacy_config._IGNORED_KEYS,
    }
    assert _legacy.OLD_SEND_KEYWORDS == set(legacy_send.FROM_DIRECTORY_RENAMES)
    assert _legacy.SUBCLASS_NAMES == {
        *legacy_app.CONFIG_ATTRIBUTES,
        "request_globals_class",
        "json_encoder",
        "json_decoder",
        *legacy_sessions.METHODS,
    }
