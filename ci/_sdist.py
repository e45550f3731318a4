"""The test suite of a released project, from its sdist.

Shared by ``ci/conformance.py`` (Flask's suite) and ``ci/jinja_suite.py``
(Jinja's suite): the sdist is downloaded once with pip into
``<cache>/download`` and only its ``tests/`` and ``pyproject.toml`` (the
pytest settings) are extracted, so the project's own sources are never what
a run imports.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
from pathlib import Path


def fetch_test_suite(project: str, version: str, cache: Path, label: str) -> Path:
    """Return ``<cache>/<project>-<version>`` holding the ``tests/`` and
    ``pyproject.toml`` of the sdist of ``project==version``; ``label``
    prefixes what is printed."""
    suite = cache / f"{project}-{version}"
    if (suite / "tests" / "conftest.py").is_file() and (suite / "pyproject.toml").is_file():
        return suite

    download = cache / "download"
    download.mkdir(parents=True, exist_ok=True)
    archive = download / f"{project}-{version}.tar.gz"
    if not archive.is_file():
        print(f"{label}: downloading the {project} {version} sdist", flush=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-deps",
                "--no-binary",
                ":all:",
                "--dest",
                str(download),
                f"{project}=={version}",
            ],
            check=True,
        )
    if not archive.is_file():
        raise SystemExit(f"{label}: {archive.name} not found in {download} after pip download")

    top = f"{project}-{version}/"
    with tarfile.open(archive) as tar:
        members = [
            m
            for m in tar.getmembers()
            if m.name.startswith(top + "tests/") or m.name == top + "pyproject.toml"
        ]
        if hasattr(tarfile, "data_filter"):
            tar.extractall(cache, members=members, filter="data")
        else:  # pragma: no cover - Python without extraction filters
            tar.extractall(cache, members=members)
    return suite


def pytest_command(suite: Path, tmp: Path, plugins: list[str]) -> list[str]:
    """The pytest command that runs the extracted ``suite`` with its own
    pytest settings, the given ``-p`` plugins, no cache and no benchmark
    plugin, temporary files under ``tmp`` (test selection is appended by
    the caller)."""
    command = [sys.executable, "-m", "pytest", "-c", str(suite / "pyproject.toml")]
    command += ["--rootdir", str(suite)]
    for plugin in (*plugins, "no:cacheprovider", "no:benchmark"):
        command += ["-p", plugin]
    return command + [f"--basetemp={tmp / 'basetemp'}", "-q", "--tb=short"]
