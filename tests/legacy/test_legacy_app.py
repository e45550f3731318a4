"""Section 3 of the table: the ``Flask`` object (constructor argument,
attributes, methods), and the rows kept as in Flask 3.1 (limits 5, 9, 10,
11)."""

from __future__ import annotations

import datetime
import logging
import warnings

import flask
import pytest

import flaskfast
from flaskfast._legacy.warn import LegacyAPIError
from flaskfast.ctx import _AppCtxGlobals


def test_static_path(warns_once) -> None:
    with warns_once("Flask(static_path=...)", "Flask(static_url_path=...)"):
        app = flaskfast.Flask(__name__, static_path="/assets")
    assert app.static_url_path == "/assets"
    assert app.url_map.bind("").build("static", {"filename": "a.css"}) == "/assets/a.css"
    with pytest.raises(TypeError, match="pass only 'static_url_path'"):
        flaskfast.Flask(__name__, static_path="/a", static_url_path="/b")
    with pytest.raises(TypeError):
        flask.Flask(__name__, static_path="/assets")  # Flask 3.1.3


def test_constructor_signature_is_unchanged() -> None:
    import inspect

    ours = inspect.signature(flaskfast.Flask).parameters
    assert list(ours) == list(inspect.signature(flask.Flask).parameters)
    assert "static_path" not in ours


def test_request_globals_class(app, warns_once) -> None:
    class G(_AppCtxGlobals):
        pass

    with warns_once("app.request_globals_class", "app_ctx_globals_class"):
        assert app.request_globals_class is _AppCtxGlobals
    with warns_once("app.request_globals_class = ...", "app_ctx_globals_class"):
        app.request_globals_class = G
    assert app.app_ctx_globals_class is G
    with app.app_context():
        assert isinstance(flaskfast.g._get_current_object(), G)


def test_request_globals_class_on_a_subclass(warns_once) -> None:
    class G(_AppCtxGlobals):
        pass

    with warns_once("MyApp.request_globals_class"):

        class MyApp(flaskfast.Flask):
            request_globals_class = G

    assert MyApp.app_ctx_globals_class is G


def test_init_jinja_globals_is_a_no_op(app, warns_once) -> None:
    with warns_once("init_jinja_globals", "create_jinja_environment"):
        assert app.init_jinja_globals() is None


def test_logger_name(app, warns_once) -> None:
    with warns_once("app.logger_name", "app.logger.name"):
        assert app.logger_name == app.name == app.logger.name
    # Limit 7: the logger cannot be renamed; 3.1 silently ignored this.
    with pytest.raises(LegacyAPIError, match="logging.getLogger"):
        app.logger_name = "other"


def test_preserve_context_on_exception(app, warns_once) -> None:
    with warns_once("preserve_context_on_exception", "test client"):
        assert app.preserve_context_on_exception is False
    app.debug = True
    with warns_once("preserve_context_on_exception"):
        assert app.preserve_context_on_exception is True
    with pytest.raises(LegacyAPIError, match="limit 2"):
        app.preserve_context_on_exception = True


def test_propagate_exceptions(app, warns_once) -> None:
    with warns_once("app.propagate_exceptions", "PROPAGATE_EXCEPTIONS"):
        assert app.propagate_exceptions is True  # testing
    app.testing = False
    with warns_once("app.propagate_exceptions"):
        assert app.propagate_exceptions is False
    app.config["PROPAGATE_EXCEPTIONS"] = True
    with warns_once("app.propagate_exceptions"):
        assert app.propagate_exceptions is True
    with pytest.raises(LegacyAPIError, match="PROPAGATE_EXCEPTIONS"):
        app.propagate_exceptions = False


def test_session_cookie_name(app, warns_once) -> None:
    """The most important M2 property: on Flask 3.1.3 the assignment is
    silently ignored and the cookie is still called ``session``."""
    with warns_once("app.session_cookie_name = ...", "SESSION_COOKIE_NAME"):
        app.session_cookie_name = "legacy"
    assert app.config["SESSION_COOKIE_NAME"] == "legacy"
    with warns_once("app.session_cookie_name"):
        assert app.session_cookie_name == "legacy"

    @app.route("/")
    def index():
        flaskfast.session["a"] = 1
        return "ok"

    rv = app.test_client().get("/")
    assert rv.headers["Set-Cookie"].startswith("legacy=")

    real = flask.Flask(__name__)
    real.secret_key = "k"
    real.session_cookie_name = "legacy"
    real.add_url_rule("/", "i", lambda: flask.session.update(a=1) or "ok")
    assert real.test_client().get("/").headers["Set-Cookie"].startswith("session=")


def test_send_file_max_age_default(app, warns_once) -> None:
    with warns_once("app.send_file_max_age_default = ..."):
        app.send_file_max_age_default = 3600
    with warns_once("app.send_file_max_age_default"):
        assert app.send_file_max_age_default == datetime.timedelta(hours=1)
    with app.app_context():
        assert app.get_send_file_max_age("x") == 3600


def test_use_x_sendfile_and_templates_auto_reload(app, warns_once) -> None:
    with warns_once("app.use_x_sendfile = ..."):
        app.use_x_sendfile = True
    assert app.config["USE_X_SENDFILE"] is True
    with warns_once("app.templates_auto_reload = ...", "read when app.jinja_env is built"):
        app.templates_auto_reload = True
    assert app.config["TEMPLATES_AUTO_RELOAD"] is True
    assert app.jinja_env.auto_reload is True
    with warns_once("app.templates_auto_reload"):
        assert app.templates_auto_reload is True


def test_config_attributes_on_a_subclass(warns_once) -> None:
    with warns_once("MyApp.session_cookie_name"):

        class MyApp(flaskfast.Flask):
            session_cookie_name = "mine"

    app = MyApp(__name__)
    assert app.config["SESSION_COOKIE_NAME"] == "mine"


def test_env_is_informational(app, monkeypatch, warns_once) -> None:
    monkeypatch.delenv("FLASK_ENV", raising=False)
    with warns_once("app.env", "FLASK_DEBUG"):
        assert app.env == "production"
    with warns_once("config['ENV']", "FLASK_DEBUG"):
        app.env = "development"
    with warns_once("app.env"):
        assert app.env == "development"
    assert app.debug is False  # limit 3


def test_jinja_options_with_removed_extensions(warns_once) -> None:
    class OldApp(flaskfast.Flask):
        jinja_options = {"extensions": ["jinja2.ext.autoescape", "jinja2.ext.with_", "jinja2.ext.do"]}

    app = OldApp(__name__)
    with warns_once("jinja2.ext.autoescape", "built into Jinja"):
        env = app.jinja_env
    assert "jinja2.ext.ExprStmtExtension" in env.extensions
    assert app.jinja_env.from_string("{% with a = 1 %}{{ a }}{% endwith %}").render() == "1"
    with pytest.raises(AttributeError):
        # Flask 3.1.3 with the 0.12 value.
        type("Real", (flask.Flask,), {"jinja_options": OldApp.jinja_options})(__name__).jinja_env  # noqa: B018


def test_error_handler_spec_hand_written(app, warns_once) -> None:
    def not_found(e):
        return "custom 404", 404

    with warns_once("error_handler_spec[...][404]", "register_error_handler(404, handler)"):
        app.error_handler_spec[None][404] = not_found
    rv = app.test_client().get("/missing")
    assert rv.status_code == 404 and rv.data == b"custom 404"
    # Limit 15: reads keep the 3.1 shape.
    from werkzeug.exceptions import NotFound

    assert app.error_handler_spec[None][404] == {NotFound: not_found}
    with pytest.raises(TypeError, match="register_error_handler"):
        app.error_handler_spec[None][500] = "not callable"


def test_error_handler_spec_0_10_list_form(app, warns_once) -> None:
    class Oops(Exception):
        pass

    with warns_once("error_handler_spec[None][None]"):
        app.error_handler_spec[None][None] = [(Oops, lambda e: ("handled", 200))]

    @app.route("/")
    def index():
        raise Oops()

    assert app.test_client().get("/").data == b"handled"


def test_500_handler_receives_wrapped_error_unless_opted_in(app) -> None:
    """Limit 4: opt-in per handler."""
    from flaskfast.legacy import receives_original_exception

    app.testing = False
    seen = []

    @app.errorhandler(500)
    def new_style(e):
        seen.append(type(e).__name__)
        return "x", 500

    @app.route("/")
    def index():
        raise KeyError("k")

    app.test_client().get("/")
    other = flaskfast.Flask(__name__)
    other.register_error_handler(500, receives_original_exception(new_style))
    other.add_url_rule("/", "index", index)
    other.test_client().get("/")
    assert seen == ["InternalServerError", "KeyError"]


def test_tuple_headers_replace_as_in_flask(app) -> None:
    """Limit 5: no shim; headers of the tuple replace, as in Flask 3.1."""

    @app.route("/")
    def index():
        rv = flaskfast.make_response("x")
        rv.headers["X-A"] = "1"
        return rv, {"X-A": "2"}

    assert app.test_client().get("/").headers.getlist("X-A") == ["2"]


def test_select_jinja_autoescape_keeps_svg(app) -> None:
    """Limit 11."""
    assert app.select_jinja_autoescape("a.svg") is True


def test_server_name_no_host_restriction_and_check_app(app) -> None:
    """Limit 10: 3.1 answers other hosts; check_app() (opt-in) says how to
    restrict them."""
    from flaskfast.legacy import check_app

    app.config["SERVER_NAME"] = "example.test"
    app.add_url_rule("/", "index", lambda: "ok")
    assert app.test_client().get("/", base_url="http://other.test").status_code == 200
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        messages = check_app(app)
    assert len(caught) == len(messages) == 3
    assert "TRUSTED_HOSTS" in messages[0]
    assert "SESSION_COOKIE_DOMAIN" in messages[1]
    assert "subdomain_matching=True" in messages[2]
    app.config.update(TRUSTED_HOSTS=["example.test"], SESSION_COOKIE_DOMAIN="example.test")
    app.subdomain_matching = True
    assert check_app(app) == []


def test_logger_setup_is_flask_3(app) -> None:
    """Limit 7: the logger is logging.getLogger(app.name) and propagates."""
    assert app.logger is logging.getLogger(app.name)
    assert app.logger.propagate is True
