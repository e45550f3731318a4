"""flaskfast.cli: app discovery, the FlaskGroup options and the built-in commands."""

from __future__ import annotations

import contextvars
import inspect
import os
import ssl
import subprocess
import sys
import textwrap
import types
import typing as t
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from flaskfast import Flask
from flaskfast.cli import AppGroup
from flaskfast.cli import CertParamType
from flaskfast.cli import find_app_by_string
from flaskfast.cli import find_best_app
from flaskfast.cli import FlaskGroup
from flaskfast.cli import load_dotenv
from flaskfast.cli import locate_app
from flaskfast.cli import NoAppException
from flaskfast.cli import prepare_import
from flaskfast.cli import run_command
from flaskfast.cli import ScriptInfo
from flaskfast.cli import with_appcontext
from flaskfast.globals import current_app

_ENV_KEYS = ("FLASK_APP", "FLASK_DEBUG", "FLASK_ENV_FILE", "FLASK_RUN_FROM_CLI",
             "FLASK_SKIP_DOTENV", "WERKZEUG_RUN_MAIN")


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> t.Iterator[None]:
    for key in _ENV_KEYS:
        monkeypatch.delenv(key, raising=False)
    saved_path = sys.path[:]
    saved_modules = set(sys.modules)
    yield
    sys.path[:] = saved_path
    for name in set(sys.modules) - saved_modules:
        del sys.modules[name]


def stderr_runner() -> CliRunner:
    """A runner whose ``result.stderr`` is the error stream alone.

    Click 8.2 always captures it apart; click 8.1 (the last release for Python
    3.9) does only with ``mix_stderr=False``.
    """
    if "mix_stderr" in inspect.signature(CliRunner).parameters:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg, unused-ignore]
    return CliRunner()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A directory with a few importable app modules; it is the cwd."""
    files = {
        "single.py": """
            from flaskfast import Flask
            website = Flask("single")
        """,
        "factories.py": """
            from flaskfast import Flask

            def create_app():
                return Flask("made")

            def build(name, suffix="x"):
                return Flask(name + "-" + suffix)

            def broken():
                return int("a", "b", "c")

            def nothing():
                return None
        """,
        "twoapps.py": """
            from flaskfast import Flask
            one = Flask("one")
            two = Flask("two")
        """,
        "badimport.py": """
            import module_that_does_not_exist_anywhere
        """,
        "pkg/__init__.py": "",
        "pkg/sub/__init__.py": """
            from flaskfast import Flask
            application = Flask("pkg.sub")
        """,
        "withroutes.py": """
            from flaskfast import Flask
            import click

            app = Flask("withroutes")

            @app.route("/hello/<name>", methods=["GET", "POST"])
            def hello(name):
                return name

            @app.route("/about")
            def about():
                return "about"

            @app.cli.command("greet")
            @click.argument("who")
            def greet(who):
                from flaskfast.globals import current_app
                click.echo(f"hi {who} from {current_app.name} debug={current_app.debug}")
        """,
    }
    for name, body in files.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(body))
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


# -- discovery ---------------------------------------------------------------


def test_find_best_app_prefers_conventional_names() -> None:
    mod = types.ModuleType("m")
    mod.other = Flask("other")  # type: ignore[attr-defined]
    mod.app = Flask("conventional")  # type: ignore[attr-defined]
    assert find_best_app(mod).name == "conventional"


def test_find_best_app_single_instance_and_factory() -> None:
    mod = types.ModuleType("m")
    mod.whatever = Flask("only")  # type: ignore[attr-defined]
    assert find_best_app(mod).name == "only"

    mod2 = types.ModuleType("m2")
    mod2.make_app = lambda: Flask("from-factory")  # type: ignore[attr-defined]
    assert find_best_app(mod2).name == "from-factory"


def test_find_best_app_errors_name_the_module() -> None:
    empty = types.ModuleType("emptymod")
    with pytest.raises(NoAppException, match="'emptymod:name'"):
        find_best_app(empty)

    two = types.ModuleType("twomod")
    two.a = Flask("a")  # type: ignore[attr-defined]
    two.b = Flask("b")  # type: ignore[attr-defined]
    with pytest.raises(NoAppException, match="multiple Flask applications"):
        find_best_app(two)

    needs_args = types.ModuleType("argmod")

    def create_app(config: str) -> Flask:
        return Flask(config)

    needs_args.create_app = create_app  # type: ignore[attr-defined]
    with pytest.raises(NoAppException, match=r"'argmod:create_app\(args\)'"):
        find_best_app(needs_args)


def test_factory_internal_type_error_propagates() -> None:
    mod = types.ModuleType("m")

    def create_app() -> Flask:
        raise TypeError("inside the factory")

    mod.create_app = create_app  # type: ignore[attr-defined]
    with pytest.raises(TypeError, match="inside the factory"):
        find_best_app(mod)


def test_find_app_by_string_calls_with_literals(project: Path) -> None:
    import factories  # type: ignore[import-not-found]

    assert find_app_by_string(factories, "create_app").name == "made"
    assert find_app_by_string(factories, "build('a')").name == "a-x"
    assert find_app_by_string(factories, " build('a', suffix='z') ").name == "a-z"


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ("build(", "Failed to parse"),
        ("x.y", "Failed to parse"),
        ("a.b()", "simple name"),
        ("build(name)", "literal values"),
        ("missing_attr", "Failed to find attribute 'missing_attr'"),
        ("build()", "could not be called with the specified arguments"),
        ("nothing", "A valid Flask application was not obtained from 'factories:nothing'"),
    ],
)
def test_find_app_by_string_errors(project: Path, expr: str, message: str) -> None:
    import factories

    with pytest.raises(NoAppException, match=message):
        find_app_by_string(factories, expr)


def test_find_app_by_string_reraises_factory_bug(project: Path) -> None:
    import factories

    with pytest.raises(TypeError):
        find_app_by_string(factories, "broken")


def test_prepare_import_finds_package_root(project: Path) -> None:
    assert prepare_import(str(project / "pkg" / "sub" / "__init__.py")) == "pkg.sub"
    assert sys.path[0] == str(project)
    assert prepare_import("single.py") == "single"


def test_locate_app_variants(project: Path) -> None:
    assert locate_app("single", None).name == "single"
    assert locate_app("pkg.sub", None).name == "pkg.sub"
    assert locate_app("twoapps", "two").name == "two"
    assert locate_app("not_a_module_here", None, raise_if_not_found=False) is None
    with pytest.raises(NoAppException, match="Could not import 'not_a_module_here'"):
        locate_app("not_a_module_here", None)


def test_locate_app_reports_import_errors_inside_module(project: Path) -> None:
    with pytest.raises(NoAppException, match="While importing 'badimport'") as info:
        locate_app("badimport", None, raise_if_not_found=False)
    assert "module_that_does_not_exist_anywhere" in str(info.value)


def test_script_info_load_app_paths(project: Path) -> None:
    info = ScriptInfo(app_import_path=str(project / "twoapps.py") + ":one")
    app = info.load_app()
    assert app.name == "one"
    assert info.load_app() is app

    assert ScriptInfo(app_import_path="factories:build('q')").load_app().name == "q-x"


def test_script_info_default_files(project: Path) -> None:
    with pytest.raises(NoAppException, match="FLASK_APP"):
        ScriptInfo().load_app()
    (project / "app.py").write_text("from flaskfast import Flask\napp = Flask('default')\n")
    assert ScriptInfo().load_app().name == "default"


def test_script_info_sets_debug_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    def debug_app() -> Flask:
        app = Flask("d")
        app.debug = True
        return app

    # FLASK_DEBUG is unset: the flag overrides what the factory chose...
    assert ScriptInfo(create_app=debug_app).load_app().debug is False
    # ...unless the group asked not to touch it.
    assert ScriptInfo(create_app=debug_app, set_debug_flag=False).load_app().debug is True
    monkeypatch.setenv("FLASK_DEBUG", "1")
    assert ScriptInfo(create_app=lambda: Flask("e")).load_app().debug is True


# -- groups and decorators -----------------------------------------------------


def test_with_appcontext_loads_app(runner: CliRunner) -> None:
    @click.command()
    @with_appcontext
    def name() -> None:
        click.echo(current_app.name)

    result = runner.invoke(name, obj=ScriptInfo(create_app=lambda: Flask("ctxapp")))
    assert result.output == "ctxapp\n"


def test_appgroup_bare_decorator_and_opt_out(runner: CliRunner) -> None:
    group = AppGroup("g")

    @group.command
    def inside() -> None:
        click.echo(current_app.name)

    @group.command(with_appcontext=False)
    def outside() -> None:
        click.echo(bool(current_app))

    @group.group()
    def sub() -> None:
        pass

    assert isinstance(sub, AppGroup)
    obj = ScriptInfo(create_app=lambda: Flask("grp"))
    assert runner.invoke(group, ["inside"], obj=obj).output == "grp\n"
    assert runner.invoke(group, ["outside"], obj=obj).output == "False\n"


def test_flask_group_runs_app_commands(project: Path, runner: CliRunner) -> None:
    cli = FlaskGroup()
    result = runner.invoke(cli, ["--app", "withroutes", "greet", "bob"])
    assert result.exit_code == 0, result.output
    assert result.output == "hi bob from withroutes debug=False\n"
    assert os.environ["FLASK_RUN_FROM_CLI"] == "true"

    result = runner.invoke(cli, ["--app", "withroutes", "--debug", "greet", "ann"])
    assert result.output == "hi ann from withroutes debug=True\n"


def test_flask_group_reads_flask_app_env(
    project: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLASK_APP", "withroutes")
    # Click 8.1 (the last for Python 3.9) leaves the app context that listing
    # `greet` pushed when --help exits, as it does for Flask; a copy of the
    # context variables keeps it out of the tests that follow.
    result = contextvars.copy_context().run(runner.invoke, FlaskGroup(), ["--help"])
    assert result.exit_code == 0
    assert "greet" in result.output
    assert "routes" in result.output


def test_flask_group_missing_app_message(project: Path) -> None:
    result = stderr_runner().invoke(FlaskGroup(), ["nosuchcommand"])
    assert result.exit_code == 2
    assert "Could not locate a Flask application" in result.stderr
    assert "No such command 'nosuchcommand'" in result.stderr


def test_flask_group_help_survives_broken_factory() -> None:
    def create_app() -> Flask:
        raise RuntimeError("factory exploded")

    result = stderr_runner().invoke(FlaskGroup(create_app=create_app), ["--help"])
    assert result.exit_code == 0
    assert "RuntimeError: factory exploded" in result.stderr
    assert "Usage:" in result.stdout


def test_version_option(runner: CliRunner) -> None:
    result = runner.invoke(FlaskGroup(), ["--version"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].startswith("Python ")
    assert lines[1].startswith("Flask 3.1.3 (flaskfast ")
    assert lines[2].startswith("Werkzeug ")
    assert lines[3].startswith("flaskfast implementation: ")


@pytest.mark.parametrize(
    ("implementation", "reason", "expected"),
    [
        ("cython", None, "flaskfast implementation: cython"),
        (
            "python",
            "disabled by FLASKFAST_NO_EXTENSIONS=1",
            "flaskfast implementation: python (disabled by FLASKFAST_NO_EXTENSIONS=1)",
        ),
    ],
)
def test_version_option_names_the_implementation(
    runner: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
    implementation: str,
    reason: str | None,
    expected: str,
) -> None:
    import flaskfast._speedups as speedups
    from flaskfast._version import __version__

    monkeypatch.setattr(speedups, "IMPLEMENTATION", implementation)
    monkeypatch.setattr(speedups, "IMPLEMENTATION_REASON", reason)
    result = runner.invoke(FlaskGroup(), ["--version"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[1] == f"Flask 3.1.3 (flaskfast {__version__})"
    assert lines[3] == expected


def test_env_file_option(project: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FF_TEST_VALUE", raising=False)
    (project / "custom.env").write_text("FF_TEST_VALUE=from-file\nFLASK_APP=withroutes\n")
    monkeypatch.setattr(os, "environ", os.environ.copy())
    result = runner.invoke(FlaskGroup(), ["-e", "custom.env", "greet", "x"])
    assert result.exit_code == 0, result.output
    assert "hi x from withroutes" in result.output
    assert os.environ["FF_TEST_VALUE"] == "from-file"


# -- dotenv ------------------------------------------------------------------------


def test_load_dotenv_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "environ", os.environ.copy())
    (tmp_path / ".flaskenv").write_text("FFA=flaskenv\nFFB=flaskenv\nFFC=flaskenv\n")
    (tmp_path / ".env").write_text("FFA=dotenv\nFFB=dotenv\n")
    (tmp_path / "extra").write_text("FFA=extra\n")
    monkeypatch.setenv("FFD", "preset")
    (tmp_path / "more").write_text("FFD=ignored\n")
    monkeypatch.chdir(tmp_path)

    assert load_dotenv("extra") is True
    assert os.environ["FFA"] == "extra"
    assert os.environ["FFB"] == "dotenv"
    assert os.environ["FFC"] == "flaskenv"
    load_dotenv("more", load_defaults=False)
    assert os.environ["FFD"] == "preset"
    assert load_dotenv("absent-file", load_defaults=False) is False


def test_load_dotenv_without_package_prints_tip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "dotenv", None)
    (tmp_path / ".env").write_text("FFX=1\n")
    monkeypatch.chdir(tmp_path)
    assert load_dotenv() is False
    assert "Install python-dotenv" in capsys.readouterr().err
    assert "FFX" not in os.environ


# -- routes --------------------------------------------------------------------------


def test_routes_table(project: Path, runner: CliRunner) -> None:
    result = runner.invoke(FlaskGroup(), ["--app", "withroutes", "routes"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == ["Endpoint", "Methods", "Rule"]
    assert set(lines[1].replace(" ", "")) == {"-"}
    assert [line.split()[0] for line in lines[2:]] == ["about", "hello", "static"]
    hello_row = next(line for line in lines if line.startswith("hello"))
    assert "GET, POST" in hello_row
    assert "HEAD" not in hello_row


def test_routes_sort_and_all_methods(project: Path, runner: CliRunner) -> None:
    out = runner.invoke(
        FlaskGroup(), ["--app", "withroutes", "routes", "-s", "rule", "--all-methods"]
    ).output
    rows = out.splitlines()[2:]
    assert [r.split()[0] for r in rows] == ["about", "hello", "static"]
    assert "GET, HEAD, OPTIONS, POST" in out


def test_routes_empty_and_domain_column(runner: CliRunner) -> None:
    empty = Flask("empty", static_folder=None)
    result = runner.invoke(FlaskGroup(create_app=lambda: empty), ["routes"])
    assert result.output == "No routes were registered.\n"

    sub = Flask("sub", static_folder=None)
    sub.add_url_rule("/x", endpoint="x", subdomain="api")
    result = runner.invoke(FlaskGroup(create_app=lambda: sub), ["routes"])
    assert result.output.splitlines()[0].split() == ["Endpoint", "Methods", "Subdomain", "Rule"]
    assert result.output.splitlines()[2].split() == ["x", "GET", "api", "/x"]


# -- run -------------------------------------------------------------------------------


def test_run_passes_options_to_run_simple(
    project: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[t.Any, ...]] = []

    def fake_run_simple(host: str, port: int, app: t.Any, **kwargs: t.Any) -> None:
        calls.append((host, port, app, kwargs))

    monkeypatch.setattr("flaskfast.cli.run_simple", fake_run_simple)
    result = runner.invoke(
        FlaskGroup(),
        ["--app", "withroutes", "run", "--debug", "-p", "8123", "--without-threads",
         "--extra-files", os.pathsep.join(["single.py", "twoapps.py"])],
    )
    assert result.exit_code == 0, result.output
    assert " * Serving Flask app 'withroutes'" in result.output
    assert " * Debug mode: on" in result.output
    host, port, app, kwargs = calls[0]
    assert (host, port, app.name) == ("127.0.0.1", 8123, "withroutes")
    assert kwargs["use_reloader"] is True and kwargs["use_debugger"] is True
    assert kwargs["threaded"] is False
    assert kwargs["extra_files"] == ["single.py", "twoapps.py"]


def test_run_cert_and_key_validation(monkeypatch: pytest.MonkeyPatch) -> None:
    here = __file__
    ctx = run_command.make_context("run", ["--key", here, "--cert", here])
    assert ctx.params["cert"] == (here, here)
    with pytest.raises(click.BadParameter, match="Required when using"):
        run_command.make_context("run", ["--cert", here])
    with pytest.raises(click.BadParameter, match='"--cert" must also be specified'):
        run_command.make_context("run", ["--key", here])

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    monkeypatch.setitem(sys.modules, "ff_test_sslctx", context)
    assert run_command.make_context("run", ["--cert", "ff_test_sslctx"]).params["cert"] is context
    with pytest.raises(click.BadParameter, match="SSLContext"):
        run_command.make_context("run", ["--cert", "ff_test_sslctx", "--key", here])


def test_cert_adhoc_needs_cryptography(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "cryptography", None)
    with pytest.raises(click.BadParameter, match="cryptography"):
        CertParamType().convert("adhoc", None, None)
    monkeypatch.setitem(sys.modules, "cryptography", types.ModuleType("cryptography"))
    assert CertParamType().convert("ADHOC", None, None) == "adhoc"


# -- shell ---------------------------------------------------------------------------


def test_shell_namespace(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    app = Flask("shellapp")
    app.shell_context_processor(lambda: {"answer": 42})
    seen: dict[str, t.Any] = {}

    def fake_interact(banner: str, local: dict[str, t.Any]) -> None:
        seen.update(banner=banner, local=local)

    monkeypatch.setattr("code.interact", fake_interact)
    monkeypatch.delenv("PYTHONSTARTUP", raising=False)
    monkeypatch.delattr(sys, "__interactivehook__", raising=False)
    result = runner.invoke(FlaskGroup(create_app=lambda: app), ["shell"])
    assert result.exit_code == 0, result.output
    assert "App: shellapp" in seen["banner"]
    assert seen["local"]["app"] is app
    assert seen["local"]["answer"] == 42


def test_python_m_flaskfast_help(project: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in _ENV_KEYS}
    env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).parents[1]), str(project)])
    out = subprocess.run(
        [sys.executable, "-m", "flaskfast", "--app", "withroutes", "greet", "cli"],
        capture_output=True, text=True, env=env, cwd=project, check=False,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout == "hi cli from withroutes debug=False\n"


def test_importing_flaskfast_does_not_import_click() -> None:
    code = "import sys, flaskfast; app = flaskfast.Flask('x'); print('click' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"


def test_cli_groups_are_named_when_made_lazily() -> None:
    from flaskfast import Blueprint
    from flaskfast.blueprints import AppGroup as ReExported

    app = Flask("lazy_cli_app")
    bp = Blueprint("lazy_bp", __name__)
    assert "cli" not in vars(app) and "cli" not in vars(bp)
    assert ReExported is AppGroup
    assert isinstance(app.cli, AppGroup) and app.cli.name == "lazy_cli_app"
    assert app.cli is app.cli
    assert bp.cli.name == "lazy_bp"

    @bp.cli.command("hello")
    def hello() -> None:
        print("hi")

    app.register_blueprint(bp)
    assert "lazy_bp" in app.cli.commands
    runner = app.test_cli_runner()
    assert runner.invoke(args=["lazy_bp", "hello"]).output == "hi\n"


def test_a_cli_group_assigned_before_use_is_kept() -> None:
    app = Flask("assigned")
    group = AppGroup("mine")
    app.cli = group
    assert app.cli is group and app.cli.name == "mine"
