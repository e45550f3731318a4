"""Build the optional Cython kernels; all other metadata lives in pyproject.toml.

Every ``flaskfast/_speedups/<name>_c.pyx`` becomes the extension module
``flaskfast._speedups.<name>_c``, and ``flaskfast/_speedups/pipeline.py``
(Cython's pure-Python mode, typed by ``pipeline.pxd``) is compiled into the
extension module ``flaskfast._speedups.pipeline`` beside it. The extensions are optional: without a C
compiler (or without Cython) the install still succeeds and flaskfast runs on
the pure-Python twins.

Environment variables read at build time:

``FLASKFAST_NO_EXTENSIONS=1``
    Do not build any extension (pure-Python install).
``FLASKFAST_DEBUG_BUILD=1``
    Build with ``-O0 -g`` and Cython line tracing (for profilers and coverage).

The build also puts ``flaskfast_as_flask.pth`` at the root of the install
(site-packages), for wheels and for editable installs alike: the start-up hook
behind ``FLASKFAST_AS_FLASK=1`` (see ``_flaskfast_as_flask.py``).
"""

from __future__ import annotations

import os
import platform
import sys
import typing as t
from pathlib import Path

from setuptools import Command
from setuptools import Extension
from setuptools import setup
from setuptools.command.build import build
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent
SPEEDUPS = Path("flaskfast") / "_speedups"
PTH = "flaskfast_as_flask.pth"


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() not in ("", "0", "false", "no", "off")


def _warn(message: str) -> None:
    print(f"flaskfast setup: {message}", file=sys.stderr)


def _extensions() -> list[Extension]:
    if _flag("FLASKFAST_NO_EXTENSIONS"):
        _warn("FLASKFAST_NO_EXTENSIONS is set; building the pure-Python package")
        return []
    if platform.python_implementation() != "CPython":
        # The kernels target the CPython C API; other interpreters use the twins.
        return []

    sources = sorted((HERE / SPEEDUPS).glob("*_c.pyx")) + [HERE / SPEEDUPS / "pipeline.py"]
    if not sources:
        return []

    try:
        from Cython.Build import cythonize
    except ImportError:
        _warn("Cython is not installed; building the pure-Python package")
        return []

    debug = _flag("FLASKFAST_DEBUG_BUILD")
    directives: dict[str, t.Any] = {"language_level": "3", "embedsignature": True}
    macros: list[tuple[str, str | None]] = []
    compile_args: list[str] = []
    link_args: list[str] = []
    if debug:
        directives["linetrace"] = True
        macros = [("CYTHON_TRACE", "1"), ("CYTHON_TRACE_NOGIL", "1")]
        compile_args = ["-O0", "-g"]
        link_args = ["-g"]

    extensions = [
        Extension(
            f"flaskfast._speedups.{source.stem}",
            # setuptools wants paths relative to this file.
            [str(SPEEDUPS / source.name)],
            define_macros=macros,
            extra_compile_args=compile_args,
            extra_link_args=link_args,
            optional=True,
        )
        for source in sources
    ]
    # A .pyx that Cython rejects is a bug in the source tree, so this fails loudly;
    # only the C compilation step is allowed to fall back to pure Python.
    return t.cast(
        "list[Extension]",
        cythonize(
            extensions,
            compiler_directives=directives,
            force=debug,
            quiet=True,
        ),
    )


class OptionalBuildExt(build_ext):  # type: ignore[misc]  # untyped base
    """``build_ext`` that degrades to a pure-Python install without a compiler."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # no compiler / broken toolchain
            self._skip(exc)

    def build_extension(self, ext: Extension) -> None:
        try:
            super().build_extension(ext)
        except Exception as exc:
            self._skip(exc, ext.name)

    @staticmethod
    def _skip(exc: BaseException, name: str | None = None) -> None:
        what = f"extension {name!r}" if name else "the C extensions"
        _warn(
            f"could not build {what} ({type(exc).__name__}: {exc}); "
            "flaskfast will use its pure-Python implementation"
        )


class BuildPth(Command):
    """Build step that ships ``flaskfast_as_flask.pth`` beside the packages.

    A wheel's root is installed into site-packages, so the file goes to the
    root of ``build_lib``. In an editable install (PEP 660) setuptools builds
    into a throw-away ``build_lib`` and ships only a path hook, so the file
    goes straight to the root of the editable wheel being assembled, which is
    where the ``install`` command was pointed (its ``install_lib``).
    """

    description = "add flaskfast_as_flask.pth (the FLASKFAST_AS_FLASK hook)"
    user_options: t.ClassVar[list[tuple[str, str | None, str]]] = []

    def initialize_options(self) -> None:
        self.build_lib: str | None = None
        self.editable_mode = False

    def finalize_options(self) -> None:
        self.set_undefined_options("build", ("build_lib", "build_lib"))

    def _target_dir(self) -> str:
        if self.editable_mode:
            return str(self.get_finalized_command("install").install_lib)
        return str(self.build_lib)

    def run(self) -> None:
        target = self._target_dir()
        self.mkpath(target)
        self.copy_file(str(HERE / PTH), os.path.join(target, PTH))

    def get_outputs(self) -> list[str]:
        return [os.path.join(str(self.build_lib), PTH)]

    def get_source_files(self) -> list[str]:
        return [PTH]

    def get_output_mapping(self) -> dict[str, str]:
        return {}


class Build(build):  # type: ignore[misc]  # untyped base
    """``build`` with :class:`BuildPth` as its last step."""

    sub_commands = [*build.sub_commands, ("build_pth", None)]


setup(
    ext_modules=_extensions(),
    cmdclass={"build": Build, "build_ext": OptionalBuildExt, "build_pth": BuildPth},
)
