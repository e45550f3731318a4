"""``_flaskfast_flags``: one reading of every FLASKFAST_* switch, at build and at run time."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

import _flaskfast_flags as flags

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("value", [None, "", "0", "false", "FALSE", " no ", "off", "Off"])
def test_off_values(value: str | None) -> None:
    assert flags.parse(value) is False


@pytest.mark.parametrize("value", ["1", "true", "yes", "on", "YES", " 1 ", "pure", "2"])
def test_on_values(value: str) -> None:
    assert flags.parse(value) is True


def test_flag_reads_the_given_mapping_or_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(flags.NO_EXTENSIONS, "false")
    assert flags.flag(flags.NO_EXTENSIONS) is False
    monkeypatch.setenv(flags.NO_EXTENSIONS, "1")
    assert flags.flag(flags.NO_EXTENSIONS) is True
    assert flags.flag(flags.NO_EXTENSIONS, {}) is False
    assert flags.flag(flags.NO_EXTENSIONS, {flags.NO_EXTENSIONS: "on"}) is True


@pytest.mark.parametrize(
    ("environ", "required"),
    [
        ({}, False),
        ({"FLASKFAST_REQUIRE_EXTENSIONS": "0"}, False),
        ({"FLASKFAST_REQUIRE_EXTENSIONS": "1"}, True),
        ({"CIBUILDWHEEL": "1"}, True),
        ({"CIBUILDWHEEL": "0"}, False),
    ],
)
def test_extensions_required(environ: dict[str, str], required: bool) -> None:
    assert flags.extensions_required(environ) is required


def test_the_runtime_selector_reads_the_variable_through_the_parser(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from flaskfast import _speedups

    # "false" builds the kernels (setup.py) and uses them (run time) alike.
    monkeypatch.setenv(flags.NO_EXTENSIONS, "false")
    assert _speedups.extensions_disabled() is (not _is_cpython())
    monkeypatch.setenv(flags.NO_EXTENSIONS, "yes")
    assert _speedups.extensions_disabled() is True


def test_the_as_flask_hook_reads_the_variable_through_the_parser(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import _flaskfast_as_flask

    monkeypatch.setenv(flags.AS_FLASK, "off")
    assert _flaskfast_as_flask.enabled() is False
    monkeypatch.setenv(flags.AS_FLASK, "1")
    assert _flaskfast_as_flask.enabled() is True


def test_no_other_module_parses_a_flag_by_itself() -> None:
    # Every reader of a FLASKFAST_* switch goes through the one parser
    # (FLASK_DEBUG and friends keep Flask's own reading, in helpers.py).
    spelled = re.compile(r"""["'](0|false|no|off)["']\s*,\s*["'](0|false|no|off)["']""")
    readers = [ROOT / "setup.py", ROOT / "_flaskfast_as_flask.py"]
    import flaskfast

    # The package imported here: the source tree's, or an installed wheel's.
    readers += sorted(Path(flaskfast.__file__).parent.rglob("*.py"))
    assert len(readers) > 10
    offenders = [
        str(p)
        for p in readers
        if "FLASKFAST_" in p.read_text() and spelled.search(p.read_text())
    ]
    assert offenders == []


def test_setup_py_loads_the_parser_by_path_without_flaskfast() -> None:
    text = (ROOT / "setup.py").read_text()
    assert '"_flaskfast_flags.py"' in text
    assert not re.search(r"^\s*(import|from) flaskfast", text, re.MULTILINE)
    spec = importlib.util.spec_from_file_location("_ff_flags_copy", ROOT / "_flaskfast_flags.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.FALSE_VALUES == flags.FALSE_VALUES


def _is_cpython() -> bool:
    import platform

    return platform.python_implementation() == "CPython"
