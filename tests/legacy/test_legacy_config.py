"""Section 8 of the table: configuration keys Flask 3.1 no longer reads or
whose defaults changed, and ``FLASK_ENV`` (section 9)."""

from __future__ import annotations

import warnings

import pytest

import flaskfast
from flaskfast.legacy import OLD_DEFAULTS
from flaskfast.legacy import use_old_defaults


def test_application_root_none_is_coerced(warns_once) -> None:
    app = flaskfast.Flask(__name__)
    with warns_once("APPLICATION_ROOT = None", "APPLICATION_ROOT = '/'") as caught:
        app.config["APPLICATION_ROOT"] = None
    assert caught[0].filename == __file__
    assert app.config["APPLICATION_ROOT"] == "/"
    app.add_url_rule("/", "i", lambda: "ok")
    assert app.test_client().get("/").data == b"ok"
    with warns_once("APPLICATION_ROOT = None"):
        app.config.from_mapping(APPLICATION_ROOT=None)
    with warns_once("APPLICATION_ROOT = None"):
        app.config |= {"APPLICATION_ROOT": None}
    assert app.config["APPLICATION_ROOT"] == "/"


def test_application_root_none_in_a_subclass_default_config(warns_once) -> None:
    class OldApp(flaskfast.Flask):
        default_config = {**flaskfast.Flask.default_config, "APPLICATION_ROOT": None}

    with warns_once("APPLICATION_ROOT = None"):
        app = OldApp(__name__)
    assert app.config["APPLICATION_ROOT"] == "/"


@pytest.mark.parametrize(
    ("key", "fragment"),
    [
        ("LOGGER_NAME", "logging.getLogger(app.name)"),
        ("LOGGER_HANDLER_POLICY", "default_handler"),
        ("PRESERVE_CONTEXT_ON_EXCEPTION", "teardown functions always run"),
        ("ENV", "FLASK_DEBUG"),
    ],
)
def test_ignored_keys_warn(app, key, fragment, warns_once) -> None:
    with warns_once(f"config['{key}']", fragment):
        app.config[key] = "development" if key == "ENV" else True
    with warns_once(f"config['{key}']"):
        app.config.update({key: 1})
    assert app.config[key] == 1
    assert app.debug is False


def test_logger_keys_change_nothing(app) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        app.config["LOGGER_NAME"] = "custom"
    assert app.logger.name == app.name


def test_other_keys_do_not_warn(app) -> None:
    app.config["MY_KEY"] = 1
    app.config.update(OTHER=2, APPLICATION_ROOT="/x")
    app.config.setdefault("THIRD", 3)
    app.config |= {"FOURTH": 4}
    assert app.config["APPLICATION_ROOT"] == "/x"


def test_old_defaults_are_opt_in(app) -> None:
    """Limit 9 and the TRAP_BAD_REQUEST_ERRORS row."""
    assert app.config["SEND_FILE_MAX_AGE_DEFAULT"] is None
    assert app.config["TRAP_BAD_REQUEST_ERRORS"] is None
    app.config["TRAP_BAD_REQUEST_ERRORS"] = True
    use_old_defaults(app)
    assert app.config["SEND_FILE_MAX_AGE_DEFAULT"] == OLD_DEFAULTS["SEND_FILE_MAX_AGE_DEFAULT"]
    assert app.config["TRAP_BAD_REQUEST_ERRORS"] is True  # explicit value kept
    with app.app_context():
        assert app.get_send_file_max_age("x") == 43200


def test_trap_bad_request_errors_false_answers_400_in_debug(app) -> None:
    app.debug = True
    app.add_url_rule("/", "i", lambda: flaskfast.request.args["missing"])
    with pytest.raises(KeyError):
        app.test_client().get("/")
    use_old_defaults(app)
    assert app.test_client().get("/").status_code == 400


def test_flask_env_warns_at_app_creation_and_fills_env(monkeypatch, warns_once) -> None:
    monkeypatch.setenv("FLASK_ENV", "development")
    with warns_once("FLASK_ENV environment variable", "FLASK_DEBUG=1"):
        app = flaskfast.Flask(__name__)
    assert app.debug is False
    with warns_once("app.env"):
        assert app.env == "development"
