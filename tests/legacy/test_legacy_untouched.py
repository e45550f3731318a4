"""Code that uses none of the older API sees no warning and no difference:
stock classes and providers, no per-app dispatcher, no new instance state,
and the names Flask 3.1 removed still missing from ``dir()``."""

from __future__ import annotations

import flask

import flaskfast
from flaskfast.json.provider import DefaultJSONProvider
from flaskfast.sessions import SecureCookieSessionInterface


def test_a_plain_app_stays_stock(app) -> None:
    # pytest turns any warning into an error: this whole test warns nothing.
    app.config.update(SERVER_NAME="localhost", JSONIFY_X=1)
    app.config.from_mapping(OTHER=1)

    @app.route("/")
    def index():
        flaskfast.session["a"] = 1
        return flaskfast.jsonify(a=1)

    rv = app.test_client().get("/")
    assert rv.get_json() == {"a": 1}
    assert type(app.json) is DefaultJSONProvider
    assert type(app.session_interface) is SecureCookieSessionInterface
    assert type(app.request_class) is type(flaskfast.Request) and app.request_class is flaskfast.Request
    assert "full_dispatch_request" not in vars(app)
    assert not [k for k in vars(app) if k.startswith("_legacy")]


def test_removed_names_are_not_listed() -> None:
    for name in ("escape", "Markup", "_app_ctx_stack", "signals_available"):
        assert name not in dir(flaskfast)
        assert not hasattr(flask, name)  # Flask 3.1.3 has none of them


def test_module_getattr_does_not_shadow_real_names() -> None:
    assert flaskfast.json.dumps is flaskfast.json.__dict__["dumps"]
    assert flaskfast.helpers.send_file is flaskfast.send_file
