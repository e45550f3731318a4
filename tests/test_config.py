"""Tests for flaskfast.config: Config loaders and ConfigAttribute."""

from __future__ import annotations

import datetime
import json
import os
import types
import typing as t
from pathlib import Path

import pytest

from flaskfast.config import Config
from flaskfast.config import ConfigAttribute


@pytest.fixture
def cfg(tmp_path: Path) -> Config:
    return Config(tmp_path)


# --- from_pyfile -----------------------------------------------------------


def test_from_pyfile_takes_only_uppercase_names(cfg: Config, tmp_path: Path) -> None:
    (tmp_path / "settings.py").write_text(
        "import os\nDEBUG = True\nPORT = 8000\nlower = 'x'\nMixed_Case = 1\n"
        "def helper():\n    return 1\nSECRET = str(helper())\n"
    )
    assert cfg.from_pyfile("settings.py") is True
    assert dict(cfg) == {"DEBUG": True, "PORT": 8000, "SECRET": "1"}


def test_from_pyfile_sets_dunder_file(cfg: Config, tmp_path: Path) -> None:
    (tmp_path / "where.cfg").write_text("WHERE = __file__\n")
    cfg.from_pyfile("where.cfg")
    assert cfg["WHERE"] == os.path.join(str(tmp_path), "where.cfg")


def test_from_pyfile_absolute_path_ignores_root(tmp_path: Path) -> None:
    target = tmp_path / "abs.cfg"
    target.write_text("ANSWER = 42\n")
    cfg = Config("/somewhere/else")
    cfg.from_pyfile(str(target))
    assert cfg["ANSWER"] == 42


@pytest.mark.parametrize("encoding", ["utf-8", "latin-1", "iso-8859-15"])
def test_from_pyfile_honours_coding_declaration(
    cfg: Config, tmp_path: Path, encoding: str
) -> None:
    (tmp_path / "enc.cfg").write_text(
        f"# -*- coding: {encoding} -*-\nNAME = 'Jürgen'\n", encoding=encoding
    )
    cfg.from_pyfile("enc.cfg")
    assert cfg["NAME"] == "Jürgen"


def test_from_pyfile_missing_raises_annotated_oserror(cfg: Config) -> None:
    with pytest.raises(FileNotFoundError) as info:
        cfg.from_pyfile("nope.cfg")
    text = str(info.value)
    assert text.startswith(
        "[Errno 2] Unable to load configuration file (No such file or directory):"
    )
    assert text.endswith("nope.cfg'")
    assert info.value.filename == os.path.join(cfg.root_path, "nope.cfg")


def test_from_pyfile_silent_missing_returns_false(cfg: Config) -> None:
    assert cfg.from_pyfile("nope.cfg", silent=True) is False
    assert dict(cfg) == {}


def test_from_pyfile_silent_on_directory_returns_false(
    cfg: Config, tmp_path: Path
) -> None:
    (tmp_path / "adir").mkdir()
    assert cfg.from_pyfile("adir", silent=True) is False


def test_from_pyfile_syntax_error_is_not_silenced(cfg: Config, tmp_path: Path) -> None:
    (tmp_path / "broken.cfg").write_text("X = (\n")
    with pytest.raises(SyntaxError):
        cfg.from_pyfile("broken.cfg", silent=True)


# --- from_envvar -----------------------------------------------------------


def test_from_envvar_unset_raises_runtime_error(
    cfg: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MYAPP_SETTINGS", raising=False)
    with pytest.raises(RuntimeError, match="'MYAPP_SETTINGS' is not set"):
        cfg.from_envvar("MYAPP_SETTINGS")
    assert cfg.from_envvar("MYAPP_SETTINGS", silent=True) is False


def test_from_envvar_empty_counts_as_unset(
    cfg: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MYAPP_SETTINGS", "")
    with pytest.raises(RuntimeError):
        cfg.from_envvar("MYAPP_SETTINGS")


def test_from_envvar_loads_named_file(
    cfg: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "prod.cfg").write_text("LEVEL = 'prod'\n")
    monkeypatch.setenv("MYAPP_SETTINGS", str(tmp_path / "prod.cfg"))
    assert cfg.from_envvar("MYAPP_SETTINGS") is True
    assert cfg["LEVEL"] == "prod"


def test_from_envvar_missing_file(cfg: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MYAPP_SETTINGS", "gone.cfg")
    with pytest.raises(OSError, match="Unable to load configuration file"):
        cfg.from_envvar("MYAPP_SETTINGS")
    assert cfg.from_envvar("MYAPP_SETTINGS", silent=True) is False


# --- from_object -----------------------------------------------------------


def test_from_object_class_with_inheritance(cfg: Config) -> None:
    class Base:
        HOST = "localhost"
        hidden = "no"

    class Prod(Base):
        DEBUG = False

    cfg.from_object(Prod)
    assert dict(cfg) == {"HOST": "localhost", "DEBUG": False}


def test_from_object_instance_and_module(cfg: Config) -> None:
    mod = types.ModuleType("fake_settings")
    mod.TOKEN = "abc"  # type: ignore[attr-defined]
    mod.not_me = 1  # type: ignore[attr-defined]
    cfg.from_object(mod)

    class Obj:
        def __init__(self) -> None:
            self.RUNTIME = 5

    cfg.from_object(Obj())
    assert dict(cfg) == {"TOKEN": "abc", "RUNTIME": 5}


def test_from_object_import_string(cfg: Config) -> None:
    cfg.from_object("tests.test_config.ImportableSettings")
    assert cfg["FROM_STRING"] == "yes"


class ImportableSettings:
    FROM_STRING = "yes"


def test_from_object_bad_import_string(cfg: Config) -> None:
    with pytest.raises(ImportError):
        cfg.from_object("tests.no_such_module_here")


# --- from_file -------------------------------------------------------------


def test_from_file_json(cfg: Config, tmp_path: Path) -> None:
    (tmp_path / "c.json").write_text(json.dumps({"A": 1, "b": 2, "NESTED": {"x": 1}}))
    assert cfg.from_file("c.json", load=json.load) is True
    assert dict(cfg) == {"A": 1, "NESTED": {"x": 1}}


def test_from_file_toml_binary(cfg: Config, tmp_path: Path) -> None:
    tomllib = pytest.importorskip(
        "tomllib", reason="tomllib is in the standard library from Python 3.11"
    )
    (tmp_path / "c.toml").write_text('NAME = "svc"\nPORT = 9\n')
    cfg.from_file("c.toml", load=tomllib.load, text=False)
    assert cfg["NAME"] == "svc"
    assert cfg["PORT"] == 9


def test_from_file_passes_text_stream_by_default(cfg: Config, tmp_path: Path) -> None:
    (tmp_path / "c.txt").write_text("X")
    seen: list[t.Any] = []

    def load(fh: t.IO[t.Any]) -> dict[str, t.Any]:
        seen.append(fh.read())
        return {}

    cfg.from_file("c.txt", load=load)
    cfg.from_file("c.txt", load=load, text=False)
    assert seen == ["X", b"X"]


def test_from_file_missing(cfg: Config) -> None:
    with pytest.raises(OSError) as info:
        cfg.from_file("nope.json", load=json.load)
    assert str(info.value).startswith(
        "[Errno 2] Unable to load configuration file (No such file or directory):"
    )
    assert str(info.value).endswith("nope.json'")
    assert cfg.from_file("nope.json", load=json.load, silent=True) is False


# --- from_mapping ----------------------------------------------------------


def test_from_mapping_forms(cfg: Config) -> None:
    assert cfg.from_mapping({"A": 1, "low": 0}) is True
    cfg.from_mapping([("B", 2)])  # type: ignore[arg-type]
    cfg.from_mapping(C=3, skip=4)
    cfg.from_mapping({"D": 4}, E=5)
    assert dict(cfg) == {"A": 1, "B": 2, "C": 3, "D": 4, "E": 5}


def test_from_mapping_keyword_wins_over_mapping(cfg: Config) -> None:
    cfg.from_mapping({"A": 1}, A=2)
    assert cfg["A"] == 2


def test_from_mapping_rejects_two_positionals(cfg: Config) -> None:
    with pytest.raises(TypeError):
        cfg.from_mapping({}, {})  # type: ignore[call-arg]


# --- from_prefixed_env -----------------------------------------------------


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for key in list(os.environ):
        if key.startswith(("FLASK_", "APP_")):
            monkeypatch.delenv(key)
    return monkeypatch


def test_from_prefixed_env_parses_json_values(
    cfg: Config, clean_env: pytest.MonkeyPatch
) -> None:
    clean_env.setenv("FLASK_NAME", "plain text")
    clean_env.setenv("FLASK_ON", "true")
    clean_env.setenv("FLASK_N", "12")
    clean_env.setenv("FLASK_F", "0.5")
    clean_env.setenv("FLASK_L", '["a", 1]')
    clean_env.setenv("FLASK_NUL", "null")
    clean_env.setenv("OTHER_X", "1")
    assert cfg.from_prefixed_env() is True
    assert dict(cfg) == {
        "NAME": "plain text",
        "ON": True,
        "N": 12,
        "F": 0.5,
        "L": ["a", 1],
        "NUL": None,
    }


def test_from_prefixed_env_custom_prefix_and_loads(
    cfg: Config, clean_env: pytest.MonkeyPatch
) -> None:
    clean_env.setenv("APP_SIZE", "10")
    clean_env.setenv("FLASK_SIZE", "20")
    cfg.from_prefixed_env("APP", loads=lambda s: f"<{s}>")
    assert dict(cfg) == {"SIZE": "<10>"}


def test_from_prefixed_env_nested_keys(
    cfg: Config, clean_env: pytest.MonkeyPatch
) -> None:
    cfg["DB"] = {"host": "old", "port": 1, "opts": {"ssl": False}}
    clean_env.setenv("FLASK_DB__host", "new")
    clean_env.setenv("FLASK_DB__opts__ssl", "true")
    clean_env.setenv("FLASK_DB__extra__deep__x", "3")
    clean_env.setenv("FLASK_CACHE__TTL", "60")
    cfg.from_prefixed_env()
    assert cfg["DB"] == {
        "host": "new",
        "port": 1,
        "opts": {"ssl": True},
        "extra": {"deep": {"x": 3}},
    }
    assert cfg["CACHE"] == {"TTL": 60}


def test_from_prefixed_env_applies_in_sorted_order(
    cfg: Config, clean_env: pytest.MonkeyPatch
) -> None:
    # FLASK_A is applied before FLASK_A__B, so the nested key survives.
    clean_env.setenv("FLASK_A__B", "2")
    clean_env.setenv("FLASK_A", "{}")
    cfg.from_prefixed_env()
    assert cfg["A"] == {"B": 2}


# --- get_namespace / repr ---------------------------------------------------


def test_get_namespace_variants() -> None:
    cfg = Config(".", {"MAIL_HOST": "h", "MAIL_PORT": 25, "DB_URL": "u"})
    assert cfg.get_namespace("MAIL_") == {"host": "h", "port": 25}
    assert cfg.get_namespace("MAIL_", lowercase=False) == {"HOST": "h", "PORT": 25}
    assert cfg.get_namespace("MAIL_", trim_namespace=False) == {
        "mail_host": "h",
        "mail_port": 25,
    }
    assert cfg.get_namespace("MAIL_", lowercase=False, trim_namespace=False) == {
        "MAIL_HOST": "h",
        "MAIL_PORT": 25,
    }
    assert cfg.get_namespace("NOPE_") == {}


def test_defaults_and_repr() -> None:
    defaults = {"A": 1}
    cfg = Config("/root", defaults)
    cfg["B"] = 2
    assert defaults == {"A": 1}  # the defaults dict is copied, not aliased
    assert cfg.root_path == "/root"
    assert repr(cfg) == "<Config {'A': 1, 'B': 2}>"

    class MyConfig(Config):
        pass

    assert repr(MyConfig(".")) == "<MyConfig {}>"


# --- ConfigAttribute --------------------------------------------------------


class _Holder:
    name = ConfigAttribute[str]("NAME")
    lifetime = ConfigAttribute[datetime.timedelta](
        "LIFETIME", get_converter=lambda v: datetime.timedelta(seconds=v)
    )

    def __init__(self) -> None:
        self.config = Config(".", {"NAME": "n", "LIFETIME": 30})


def test_config_attribute_reads_and_writes_config() -> None:
    h = _Holder()
    assert h.name == "n"
    h.name = "changed"
    assert h.config["NAME"] == "changed"
    h.config["NAME"] = "direct"
    assert h.name == "direct"


def test_config_attribute_converter_applies_on_read_only() -> None:
    h = _Holder()
    assert h.lifetime == datetime.timedelta(seconds=30)
    h.lifetime = 5  # type: ignore[assignment]
    assert h.config["LIFETIME"] == 5
    assert h.lifetime == datetime.timedelta(seconds=5)


def test_config_attribute_on_class_returns_descriptor() -> None:
    assert isinstance(_Holder.__dict__["name"], ConfigAttribute)
    assert _Holder.name is _Holder.__dict__["name"]


# --- through the application ------------------------------------------------


def _flask_or_skip() -> t.Any:
    import flaskfast

    flask_cls = getattr(flaskfast, "Flask", None)
    if flask_cls is None:
        pytest.skip("flaskfast.Flask is not available yet")
    return flask_cls


def test_app_config_class_and_attributes(tmp_path: Path) -> None:
    Flask = _flask_or_skip()

    class MyConfig(Config):
        pass

    class MyFlask(Flask):  # type: ignore[misc,valid-type]
        config_class = MyConfig

    app = MyFlask("cfgapp", root_path=str(tmp_path))
    assert isinstance(app.config, MyConfig)
    assert app.config.root_path == str(tmp_path)
    app.config["PERMANENT_SESSION_LIFETIME"] = 90
    assert app.permanent_session_lifetime == datetime.timedelta(seconds=90)
    app.testing = True
    assert app.config["TESTING"] is True
    app.config["SECRET_KEY"] = "k"
    assert app.secret_key == "k"
