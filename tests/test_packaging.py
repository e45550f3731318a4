"""The distribution's configuration, checked offline: cibuildwheel's build
matrix, package data, version and licence (``make wheel`` and
``make test-wheels`` build and test the files themselves)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CPYTHONS = ("cp39", "cp310", "cp311", "cp312", "cp313", "cp314")
EXPECTED = {
    "linux": {
        f"{cp}-{libc}_{arch}"
        for cp in CPYTHONS
        for libc in ("manylinux", "musllinux")
        for arch in ("x86_64", "aarch64")
    },
    "macos": {f"{cp}-macosx_{arch}" for cp in CPYTHONS for arch in ("x86_64", "arm64")},
    "windows": {f"{cp}-win_amd64" for cp in CPYTHONS},
}


def _pyproject() -> dict[str, object]:
    tomllib = pytest.importorskip("tomllib", reason="tomllib is in the standard library from 3.11")
    with (ROOT / "pyproject.toml").open("rb") as f:
        data: dict[str, object] = tomllib.load(f)
    return data


@pytest.mark.parametrize("platform", sorted(EXPECTED))
def test_cibuildwheel_builds_every_cpython_on_every_platform(platform: str) -> None:
    pytest.importorskip("cibuildwheel", reason="cibuildwheel (test extra) needs Python 3.11+")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIBW_")}
    result = subprocess.run(
        [sys.executable, "-m", "cibuildwheel", "--print-build-identifiers",
         "--platform", platform, str(ROOT)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert set(result.stdout.split()) == EXPECTED[platform]


def test_cibuildwheel_tests_each_wheel_as_installed() -> None:
    config = _pyproject()["tool"]["cibuildwheel"]  # type: ignore[index]
    assert "ci/test_installed.py --expect cython" in config["test-command"]
    assert config["environment"] == {"FLASKFAST_REQUIRE_EXTENSIONS": "1"}
    assert (ROOT / "ci" / "test_installed.py").is_file()


def test_package_data_names_existing_files() -> None:
    # The package imported here: the source tree, or the installed wheel
    # (ci/test_installed.py), which must then carry every file.
    import flaskfast

    package = Path(flaskfast.__file__).parent
    tool = _pyproject()["tool"]
    patterns = tool["setuptools"]["package-data"]["flaskfast"]  # type: ignore[index]
    assert patterns
    for pattern in patterns:
        assert list(package.glob(pattern)), f"package-data {pattern!r} matches nothing in {package}"


def test_the_version_is_written_once() -> None:
    project = _pyproject()["project"]
    assert "version" not in project  # type: ignore[operator]
    assert project["dynamic"] == ["version"]  # type: ignore[index]
    attr = _pyproject()["tool"]["setuptools"]["dynamic"]["version"]["attr"]  # type: ignore[index]
    assert attr == "flaskfast._version.__version__"
    from flaskfast._version import __version__

    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)
    assert f"## {__version__}" in (ROOT / "CHANGES.md").read_text(encoding="utf-8")


def test_licence_file_matches_the_metadata() -> None:
    project = _pyproject()["project"]
    assert project["license"] == "BSD-3-Clause"  # type: ignore[index]
    assert project["license-files"] == ["LICENSE"]  # type: ignore[index]
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("BSD 3-Clause License")
    assert "Copyright (c) 2026 flaskfast contributors" in text
