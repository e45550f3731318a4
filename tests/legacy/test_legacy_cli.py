"""Section 9 of the table: app factories that take the ``ScriptInfo``
(``FlaskGroup(create_app=cb)``, ``ScriptInfo(create_app=cb)``, module
factories with a ``script_info`` parameter); ``flask run`` threading."""

from __future__ import annotations

import types

import pytest

import flaskfast
from flaskfast.cli import find_app_by_string
from flaskfast.cli import find_best_app
from flaskfast.cli import ScriptInfo


def test_script_info_create_app_taking_the_info(warns_once) -> None:
    seen = []

    def create_app(info):
        seen.append(info)
        return flaskfast.Flask("factory")

    info = ScriptInfo(create_app=create_app)
    with warns_once("taking the ScriptInfo", "find_object(ScriptInfo)"):
        app = info.load_app()
    assert app.name == "factory" and seen == [info]


def test_zero_argument_factory_does_not_warn() -> None:
    info = ScriptInfo(create_app=lambda: flaskfast.Flask("plain"))
    assert info.load_app().name == "plain"


def test_module_factory_with_script_info_keyword(warns_once) -> None:
    module = types.ModuleType("legacy_factory")

    def create_app(script_info=None):
        app = flaskfast.Flask("mod")
        app.config["GOT_INFO"] = isinstance(script_info, ScriptInfo)
        return app

    module.create_app = create_app
    with warns_once("taking the ScriptInfo"):
        app = find_best_app(module)
    assert app.config["GOT_INFO"] is True
    with warns_once("taking the ScriptInfo"):
        app = find_app_by_string(module, "create_app")
    assert app.config["GOT_INFO"] is True


def test_factories_with_other_required_arguments_still_fail() -> None:
    from flaskfast.cli import NoAppException

    module = types.ModuleType("two_args")
    module.create_app = lambda foo, bar: flaskfast.Flask("x")
    with pytest.raises(NoAppException):
        find_best_app(module)
    # One required parameter not named script_info: Flask 3.1's error, not
    # a guess (only ScriptInfo/FlaskGroup callbacks get it positionally).
    module.create_app = lambda config: flaskfast.Flask("x")
    with pytest.raises(NoAppException, match="without arguments"):
        find_best_app(module)


def test_flask_group_create_app(warns_once) -> None:
    from click.testing import CliRunner

    from flaskfast.cli import FlaskGroup

    def create_app(info):
        app = flaskfast.Flask("grouped")

        @app.cli.command()
        def hello():
            print("hello from", flaskfast.current_app.name)

        return app

    cli = FlaskGroup(create_app=create_app)
    with warns_once("taking the ScriptInfo"):
        result = CliRunner().invoke(cli, ["hello"])
    assert result.exit_code == 0, result.output
    assert "hello from grouped" in result.output


def test_run_is_threaded_by_default() -> None:
    """No shim: 'flask run' has been threaded by default since 1.0."""
    from flaskfast.cli import run_command

    threads = [p for p in run_command.params if p.name == "with_threads"]
    assert threads and threads[0].default is True
