"""Run five Flask extensions' own test suites on flaskfast (``make test-ext``).

Usage::

    python ci/test_ext.py               # download what is missing, run all suites
    python ci/test_ext.py --if-cached   # run only if every sdist is already cached
    python ci/test_ext.py --only flask-cors --only flask-login
    python ci/test_ext.py --flask       # the same suites on the real Flask 3.1.3

Each extension's sdist (pinned below) is downloaded once with ``pip download``
into ``.cache/ext/sdist/`` (git-ignored) and unpacked in ``.cache/ext/<name>/src``.
Each extension gets its own virtual environment ``.cache/ext/<name>/venv`` with
the extension (built from its sdist, which brings the real Flask as its
dependency), its test dependencies, and flaskfast installed from a wheel built
from the working tree with its compiled kernels (``.cache/ext/wheel/``). The
wheel's ``flaskfast_as_flask.pth`` is what makes ``FLASKFAST_AS_FLASK=1`` work
there, so a normal (non-editable) install is exercised too.

Then each suite runs unmodified, from the sdist's directory with its own
pytest configuration, under ``FLASKFAST_AS_FLASK=1``: compiled, then pure
(``FLASKFAST_NO_EXTENSIONS=1``). Before each run a probe in the environment
checks that ``import flask`` gives flaskfast and which implementation is
loaded. The counts (from pytest's JUnit XML) must equal Flask 3.1.3's, listed
in :data:`EXTENSIONS` (``--flask`` re-derives them: the same suites with the
real Flask, no flaskfast). ``CI`` is removed from the suites' environment:
Flask-Caching fails instead of skipping its redis/memcached tests when
``CI=true`` and no such server runs.

Re-runs are fast: a wheel is built only when the files it is made of changed
(the package, setup.py, pyproject.toml, the start-up hook), an environment is made only when its
sdist, test requirements or interpreter changed, and flaskfast is reinstalled
into it only when the wheel changed. Exits 1 when any suite's counts differ or
any step fails; a table of counts closes the run. The output is also kept in
``.cache/ext/test-ext.log``.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import shutil
import subprocess
import sys
import tarfile
import time
import typing as t
import xml.etree.ElementTree as ET
from pathlib import Path

from _runs import Log
from _runs import environment
from _runs import run

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache" / "ext"
SDISTS = CACHE / "sdist"
WHEELS = CACHE / "wheel"


@dataclasses.dataclass(frozen=True)
class Extension:
    """One extension: its release, what its tests need, and Flask's counts."""

    name: str
    project: str
    version: str
    #: Test dependencies (from the sdist's tox.ini / requirements / dependency
    #: groups, without coverage and linters).
    test_requires: tuple[str, ...]
    #: Passed and skipped tests on Flask 3.1.3 (``--flask``).
    passed: int
    skipped: int = 0
    pytest_args: tuple[str, ...] = ()

    @property
    def requirement(self) -> str:
        return f"{self.project}=={self.version}"


# Every environment gets the project's pinned pytest and Werkzeug; the test
# dependencies are pinned too, so that Flask's counts below stay reproducible.
COMMON = ("pytest==8.4.2", "werkzeug==3.1.9")

EXTENSIONS: tuple[Extension, ...] = (
    Extension(
        "flask-login", "Flask-Login", "0.6.3",
        (*COMMON, "asgiref==3.13.0", "blinker==1.9.0", "semantic-version==2.10.0"),
        passed=114,
    ),
    Extension(
        "flask-wtf", "Flask-WTF", "1.3.0",
        (*COMMON, "WTForms==3.3.2", "Flask-Babel==4.0.0", "Babel==2.19.0",
         "Flask-Reuploaded==1.6.0"),
        passed=85,
    ),
    Extension(
        # One test is skipped on Flask >= 1.1 (it reads flask.__version__).
        "flask-cors", "flask-cors", "6.0.5",
        (*COMMON, "packaging==26.4"),
        passed=98, skipped=1,
        pytest_args=("--doctest-modules", "tests"),
    ),
    Extension(
        # SQLAlchemy as of Flask-SQLAlchemy 3.1.1's release: all 452 pass on
        # Flask. (Newer 2.0.x: 450 pass and test_explicit_table[db2/db4] fail,
        # on Flask too; 2.1 fails 154.)
        "flask-sqlalchemy", "Flask-SQLAlchemy", "3.1.1",
        (*COMMON, "blinker==1.9.0", "SQLAlchemy==2.0.21"),
        passed=452,
    ),
    Extension(
        # The redis and memcached tests (81) are skipped without a redis-server
        # and a memcached executable, as on Flask.
        "flask-caching", "Flask-Caching", "2.5.1",
        (*COMMON, "cachelib==0.17.0", "asgiref==3.13.0", "pytest-asyncio==1.5.0",
         "pytest-xprocess==1.0.2", "pylibmc==1.6.3", "redis==8.1.0"),
        passed=211, skipped=81,
    ),
)


@dataclasses.dataclass
class Outcome:
    extension: Extension
    mode: str
    passed: int = 0
    skipped: int = 0
    failed: int = 0
    note: str = ""

    @property
    def ok(self) -> bool:
        return (
            not self.note
            and self.failed == 0
            and (self.passed, self.skipped) == (self.extension.passed, self.extension.skipped)
        )


def sdist_path(ext: Extension) -> Path | None:
    """The cached sdist of ``ext`` (pip names them either way)."""
    stems = {
        f"{ext.project}-{ext.version}",
        f"{ext.project.replace('-', '_').lower()}-{ext.version}",
    }
    for path in sorted(SDISTS.glob("*.tar.gz")):
        if path.name[: -len(".tar.gz")] in stems:
            return path
    return None


def download(log: Log, missing: list[Extension]) -> bool:
    SDISTS.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
        "--no-binary", ":all:", "--dest", str(SDISTS),
        *(ext.requirement for ext in missing),
    ]
    code, _ = run(log, command, ROOT)
    return code == 0 and all(sdist_path(ext) for ext in missing)


def digest(*parts: bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.hexdigest()


#: What a wheel is built from, besides the package: a change elsewhere (tests,
#: ci/, bench/) does not rebuild it.
WHEEL_INPUTS = (
    "setup.py", "pyproject.toml", "README.md", "_flaskfast_as_flask.py",
    "_flaskfast_flags.py", "flaskfast_as_flask.pth", "MANIFEST.in",
)


def wheel_source_files() -> list[str]:
    """The working tree's files (tracked and untracked, not ignored) a wheel uses."""
    proc = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True,
    )
    names = sorted(set(proc.stdout.decode().split("\0")))
    return [
        name for name in names
        if (name.startswith("flaskfast/") or name in WHEEL_INPUTS
            or name.startswith("LICENSE"))
        and (ROOT / name).is_file()
    ]


def build_wheel(log: Log) -> Path | None:
    """A flaskfast wheel of the working tree as it is now (reused if unchanged)."""
    files = wheel_source_files()
    # README.md is only the wheel's description: an edit does not rebuild it.
    key = digest(
        *(f"{n}\0".encode() + (ROOT / n).read_bytes() for n in files if n != "README.md")
    )
    stamp = WHEELS / "source.sha256"
    wheels = sorted(WHEELS.glob("flaskfast-*.whl"))
    if stamp.is_file() and stamp.read_text() == key and len(wheels) == 1:
        log.write(f"flaskfast wheel: reused {wheels[0].name}\n")
        return wheels[0]
    if WHEELS.exists():
        shutil.rmtree(WHEELS)
    source = WHEELS / "src"
    for name in files:
        target = source / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    env = environment(pure=False)  # compiled kernels
    code, _ = run(
        log,
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
         "--wheel-dir", str(WHEELS), str(source)],
        ROOT, env,
    )
    shutil.rmtree(source)
    wheels = sorted(WHEELS.glob("flaskfast-*.whl"))
    if code != 0 or len(wheels) != 1:
        log.write("flaskfast wheel: build failed\n")
        return None
    import zipfile

    with zipfile.ZipFile(wheels[0]) as archive:
        names = set(archive.namelist())
    for needed in ("flaskfast_as_flask.pth", "_flaskfast_as_flask.py"):
        if needed not in names:
            log.write(f"flaskfast wheel: {needed} is missing from {wheels[0].name}\n")
            return None
    if not any(n.startswith("flaskfast/_speedups/pipeline.") and n.endswith((".so", ".pyd")) for n in names):
        log.write(f"flaskfast wheel: {wheels[0].name} has no compiled pipeline\n")
        return None
    stamp.write_text(key)
    log.write(f"flaskfast wheel: built {wheels[0].name}\n")
    return wheels[0]


def unpack(sdist: Path, dest: Path) -> Path:
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    with tarfile.open(sdist) as archive:
        if sys.version_info >= (3, 12):
            archive.extractall(dest, filter="data")
        else:
            archive.extractall(dest)  # noqa: S202 (a pinned release's sdist)
    [top] = [p for p in dest.iterdir() if p.is_dir()]
    return top


def prepare(log: Log, ext: Extension, wheel: Path) -> tuple[Path, Path] | None:
    """The extension's environment and unpacked source, made or reused."""
    sdist = sdist_path(ext)
    assert sdist is not None
    home = CACHE / ext.name
    venv = home / "venv"
    python = venv / "bin" / "python"
    deps_key = digest(
        sdist.read_bytes(), "\n".join(ext.test_requires).encode(), sys.version.encode()
    )
    deps_stamp = home / "deps.sha256"
    wheel_stamp = home / "flaskfast.sha256"
    wheel_key = digest(wheel.read_bytes())
    src = next((p for p in (home / "src").glob("*") if p.is_dir()), None)

    fresh = not (deps_stamp.is_file() and deps_stamp.read_text() == deps_key
                 and python.exists() and src is not None)
    if fresh:
        log.write(f"{ext.name}: new environment\n")
        if home.exists():
            shutil.rmtree(home)
        home.mkdir(parents=True)
        src = unpack(sdist, home / "src")
        steps = [
            [sys.executable, "-m", "venv", str(venv)],
            [str(python), "-m", "pip", "install", "--quiet", str(sdist), *ext.test_requires],
            [str(python), "-m", "pip", "install", "--quiet", str(wheel)],
        ]
        for command in steps:
            code, _ = run(log, command, home, environment(pure=False))
            if code != 0:
                return None
        deps_stamp.write_text(deps_key)
        wheel_stamp.write_text(wheel_key)
    elif not (wheel_stamp.is_file() and wheel_stamp.read_text() == wheel_key):
        log.write(f"{ext.name}: reinstalling flaskfast\n")
        command = [str(python), "-m", "pip", "install", "--quiet", "--no-deps",
                   "--force-reinstall", str(wheel)]
        code, _ = run(log, command, home, environment(pure=False))
        if code != 0:
            return None
        wheel_stamp.write_text(wheel_key)
    else:
        log.write(f"{ext.name}: environment reused\n")
    assert src is not None
    return python, src


PROBE = (
    "import flask, flaskfast, flaskfast._speedups as s;"
    "print(flask.Flask is flaskfast.Flask, s.IMPLEMENTATION)"
)


def suite_env(mode: str) -> dict[str, str]:
    env = environment(pure=mode == "pure")
    env.pop("CI", None)
    env.pop("FLASKFAST_AS_FLASK", None)
    if mode != "flask":
        env["FLASKFAST_AS_FLASK"] = "1"
    return env


def run_suite(log: Log, ext: Extension, python: Path, src: Path, mode: str) -> Outcome:
    outcome = Outcome(ext, mode)
    env = suite_env(mode)
    expected = {"compiled": "True cython", "pure": "True python", "flask": "False"}[mode]
    probe = subprocess.run(
        [str(python), "-c", PROBE], cwd=src, env=env, capture_output=True, text=True,
        timeout=300,
    )
    got = probe.stdout.strip()
    if mode == "flask":
        got = got.split()[0] if got else got
    if probe.returncode != 0 or got != expected:
        outcome.note = f"probe gave {got or probe.stderr.strip()[-300:]!r}, expected {expected!r}"
        log.write(f"{ext.name} [{mode}]: {outcome.note}\n")
        return outcome
    report = CACHE / ext.name / f"junit-{mode}.xml"
    report.unlink(missing_ok=True)
    command = [
        str(python), "-m", "pytest", "-q", f"--junitxml={report}", *ext.pytest_args,
    ]
    run(log, command, src, env)
    if not report.is_file():
        outcome.note = "pytest wrote no report"
        return outcome
    suites = ET.parse(report).getroot()
    nodes = [suites] if suites.tag == "testsuite" else list(suites.iter("testsuite"))
    for node in nodes:
        tests = int(node.get("tests", 0))
        failed = int(node.get("failures", 0)) + int(node.get("errors", 0))
        skipped = int(node.get("skipped", 0))
        outcome.passed += tests - failed - skipped
        outcome.failed += failed
        outcome.skipped += skipped
    log.write(
        f"{ext.name} [{mode}]: {outcome.passed} passed, {outcome.failed} failed,"
        f" {outcome.skipped} skipped (Flask 3.1.3: {ext.passed} passed,"
        f" {ext.skipped} skipped)\n"
    )
    return outcome


def summary(log: Log, outcomes: list[Outcome], seconds: float) -> None:
    target = "the real Flask" if any(o.mode == "flask" for o in outcomes) else "flaskfast"
    log.write(f"\nExtension suites on {target} ({seconds:.0f} s)\n")
    header = f"{'extension':<24}{'mode':<10}{'passed':>8}{'skipped':>9}{'failed':>8}  Flask 3.1.3"
    log.write(header + "\n" + "-" * len(header) + "\n")
    for o in outcomes:
        verdict = "same" if o.ok else "DIFFERENT"
        name = f"{o.extension.project} {o.extension.version}"
        log.write(
            f"{name:<24}{o.mode:<10}{o.passed:>8}{o.skipped:>9}{o.failed:>8}"
            f"  {o.extension.passed}/{o.extension.skipped} {verdict}"
            + (f" ({o.note})" if o.note else "")
            + "\n"
        )
    passed = sum(o.passed for o in outcomes)
    failed = sum(o.failed for o in outcomes) + sum(1 for o in outcomes if not o.ok)
    skipped = sum(o.skipped for o in outcomes)
    log.write(f"test-ext: {passed} passed, {failed} failed, {skipped} skipped\n")


def main(argv: t.Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--if-cached", action="store_true",
        help="do nothing (exit 0) unless every sdist is already in .cache/ext/sdist",
    )
    parser.add_argument(
        "--only", action="append", metavar="NAME",
        choices=[ext.name for ext in EXTENSIONS], help="run only this extension",
    )
    parser.add_argument(
        "--flask", action="store_true",
        help="run the suites on the real Flask 3.1.3 instead (reference counts)",
    )
    args = parser.parse_args(argv)
    chosen = [e for e in EXTENSIONS if not args.only or e.name in args.only]
    missing = [e for e in chosen if sdist_path(e) is None]
    if missing and args.if_cached:
        print(
            "test-ext: skipped, the extensions' sdists are not cached"
            f" ({', '.join(e.requirement for e in missing)}); `make test-ext` downloads them"
        )
        return 0

    started = time.monotonic()
    CACHE.mkdir(parents=True, exist_ok=True)
    log = Log(CACHE / "test-ext.log")
    try:
        if missing and not download(log, missing):
            log.write("test-ext: could not download the sdists\n")
            return 1
        wheel = build_wheel(log)
        if wheel is None:
            return 1
        modes = ["flask"] if args.flask else ["compiled", "pure"]
        outcomes: list[Outcome] = []
        for ext in chosen:
            ready = prepare(log, ext, wheel)
            for mode in modes:
                if ready is None:
                    outcomes.append(Outcome(ext, mode, note="environment failed"))
                else:
                    outcomes.append(run_suite(log, ext, *ready, mode))
        summary(log, outcomes, time.monotonic() - started)
        return 0 if all(o.ok for o in outcomes) else 1
    finally:
        log.close()


if __name__ == "__main__":
    sys.exit(main())
