"""Sections 4, 5 and 7 of the table: ``Blueprint.register``'s third
argument, ``request.is_xhr`` / ``module``, ``get_json`` for non-JSON bodies
(opt-in, limit 6), ``on_json_loading_failed(None)``, trailing-slash
redirects (limit 12), ``url_for(_scheme=)``, duplicate blueprint names
(limit 8), ``RequestContext.g`` and ``flask._preserve_context`` (limit 2)."""

from __future__ import annotations

import pytest

import flaskfast
from flaskfast.legacy import LegacyJSONRequest


def test_is_xhr(app, warns_once) -> None:
    with app.test_request_context(headers={"X-Requested-With": "XMLHttpRequest"}):
        with warns_once("request.is_xhr", "X-Requested-With"):
            assert flaskfast.request.is_xhr is True
    with app.test_request_context():
        with warns_once("request.is_xhr"):
            assert flaskfast.request.is_xhr is False


def test_module(app, warns_once) -> None:
    with app.test_request_context():
        with warns_once("request.module", "request.blueprint"):
            assert flaskfast.request.module is None


def test_get_json_non_json_body(app) -> None:
    @app.post("/")
    def index():
        return repr(flaskfast.request.get_json())

    client = app.test_client()
    # Flask 3.1 (and flaskfast by default): 415.
    assert client.post("/", data="a=1").status_code == 415
    # The opt-in request class: None, as in Flask 0.12.
    app.request_class = LegacyJSONRequest
    assert client.post("/", data="a=1").data == b"None"
    assert client.post("/", json={"a": 1}).data == b"{'a': 1}"
    assert client.post("/", data="{", content_type="application/json").status_code == 400


def test_on_json_loading_failed_receives_none_for_non_json(app) -> None:
    """Documented, no shim: overrides must accept ``e=None``."""
    seen = []

    class R(flaskfast.Request):
        def on_json_loading_failed(self, e):
            seen.append(e)
            return "fallback"

    app.request_class = R
    app.add_url_rule("/", "i", lambda: str(flaskfast.request.get_json()), methods=["POST"])
    assert app.test_client().post("/", data="x").data == b"fallback"
    assert seen == [None]


def test_trailing_slash_redirect_is_308(app) -> None:
    """Limit 12: left as is."""
    app.add_url_rule("/dir/", "d", lambda: "ok")
    assert app.test_client().get("/dir").status_code == 308
    assert app.test_client().get("/dir/x").status_code == 404


def test_url_for_scheme_implies_external(app) -> None:
    app.add_url_rule("/p", "p", lambda: "ok")
    with app.test_request_context():
        assert flaskfast.url_for("p", _scheme="https") == "https://localhost/p"


def test_blueprint_register_first_registration_argument(app, warns_once) -> None:
    log = []

    class OldBlueprint(flaskfast.Blueprint):
        def register(self, app, options, first_registration=False):
            log.append(first_registration)
            super().register(app, options, first_registration)

    bp = OldBlueprint("old", __name__)
    bp.add_url_rule("/old", "old", lambda: "old")
    with warns_once("register(app, options, first_registration)", "register(app, options)"):
        app.register_blueprint(bp)
    assert log == [False]
    assert app.test_client().get("/old").data == b"old"
    with pytest.raises(TypeError, match="got 4 arguments"):
        flaskfast.Blueprint("b", __name__).register(app, {}, True, 1)


def test_blueprint_names_limit(app) -> None:
    """Limit 8: the errors say what to write instead."""
    bp = flaskfast.Blueprint("bp", __name__)
    app.register_blueprint(bp)
    with pytest.raises(ValueError, match="'name='"):
        app.register_blueprint(bp)
    app.register_blueprint(bp, name="bp2")
    with pytest.raises(ValueError, match="dot"):
        flaskfast.Blueprint("a.b", __name__)


def test_request_context_g(app, warns_once) -> None:
    with app.test_request_context() as ctx:
        flaskfast.g.x = 1
        with warns_once("RequestContext.g", "flask.g"):
            assert ctx.g.x == 1
        new = app.app_ctx_globals_class()
        with warns_once("RequestContext.g = ..."):
            ctx.g = new
        assert flaskfast.g._get_current_object() is new


def test_preserve_context_environ_flag_is_not_honoured(app) -> None:
    """Limit 2: teardown runs at the end of the request anyway; the test
    client's ``with`` block is the way to keep the context."""
    torn = []
    app.teardown_request(lambda exc: torn.append(1))
    app.add_url_rule("/", "i", lambda: "ok")
    app.test_client().get("/", environ_base={"flask._preserve_context": True})
    assert torn == [1]
    with app.test_client() as client:
        client.get("/")
        assert torn == [1, 1]  # teardown already ran; the context is kept
        assert flaskfast.request.path == "/"
