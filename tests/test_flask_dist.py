"""flaskfast._flask_dist: ``importlib.metadata`` sees Flask 3.1.3 where flaskfast
stands in for a Flask that is not installed, and an installed Flask as itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from _processes import check_python


def test_version_of_flask_is_3_1_3_without_a_flask_distribution(
    flaskless_python: Path,
) -> None:
    out = check_python(
        """
        import importlib.metadata as md
        import flaskfast
        flaskfast.install_as_flask()
        dist = md.distribution("Flask")
        print(md.version("flask"), md.version("Flask"), dist.metadata["Name"])
        # Enumerations are left to the real finders (plugin discovery).
        print(sum(1 for d in md.distributions() if d.metadata["Name"] == "Flask"))
        print(dist.entry_points == [] or list(dist.entry_points) == [], dist.files)
        """,
        python=flaskless_python,
    )
    assert out.splitlines() == ["3.1.3 3.1.3 Flask", "0", "True None"]


def test_not_answered_before_install_as_flask(flaskless_python: Path) -> None:
    out = check_python(
        """
        import importlib.metadata as md
        import flaskfast
        try:
            md.version("flask")
        except md.PackageNotFoundError:
            print("not found")
        """,
        python=flaskless_python,
    )
    assert out.strip() == "not found"


def test_an_installed_flask_is_reported_as_itself_and_once() -> None:
    out = check_python(
        """
        import importlib.metadata as md
        real = md.distribution("flask")
        import flaskfast
        flaskfast.install_as_flask()
        dists = [d for d in md.distributions() if d.metadata["Name"].lower() == "flask"]
        assert len(dists) == 1, dists
        assert md.distribution("flask")._path == real._path
        assert md.version("flask") == real.version
        print("ok")
        """
    )
    assert out.strip() == "ok"


def test_other_names_are_not_answered(flaskless_python: Path) -> None:
    out = check_python(
        """
        import importlib.metadata as md
        import flaskfast
        flaskfast.install_as_flask()
        for name in ("flask-login", "flask_sqlalchemy", "flasks"):
            try:
                md.version(name)
            except md.PackageNotFoundError:
                print("not found")
        """,
        python=flaskless_python,
    )
    assert out.splitlines() == ["not found"] * 3
