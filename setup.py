"""Build the optional Cython kernels; all other metadata lives in pyproject.toml.

Every ``flaskfast/_speedups/<name>_c.pyx`` becomes the extension module
``flaskfast._speedups.<name>_c``, and ``flaskfast/_speedups/pipeline.py``
(Cython's pure-Python mode, typed by ``pipeline.pxd``) is compiled into the
extension module ``flaskfast._speedups.pipeline`` beside it. Cython runs when
the extensions are built, not when the sdist is made: the sdist carries the
``.pyx``/``.py``/``.pxd`` sources and no generated C.

The extensions are optional: without a C compiler (or without Cython) the
build still succeeds and gives a pure ``py3-none-any`` wheel, running on the
pure-Python twins. It says so once, in a warning a user of ``pip install``
sees: pip shows a build backend's output only with ``-v``, so the warning is
written to the terminal (``/dev/tty``) when there is one, and otherwise to
stderr and as a :class:`UserWarning`, which pip shows when it builds a local
directory. The kernels are built all or none: a kernel that fails to compile
drops every compiled module from the build.

Environment variables read at build time (parsed by ``_flaskfast_flags.py``,
exactly as flaskfast reads them at run time):

``FLASKFAST_NO_EXTENSIONS=1``
    Do not build any extension (pure-Python ``py3-none-any`` wheel).
``FLASKFAST_REQUIRE_EXTENSIONS=1`` (also ``CIBUILDWHEEL=1``)
    A release build: a kernel that does not compile, or a missing Cython,
    fails the build instead of falling back to pure Python.
``FLASKFAST_DEBUG_BUILD=1``
    Build with ``-O0 -g`` and Cython line tracing (for profilers and coverage).
    Otherwise the modules are built without debug information and stripped.

The build also puts ``flaskfast_as_flask.pth`` at the root of the install
(site-packages), for wheels and for editable installs alike: the start-up hook
behind ``FLASKFAST_AS_FLASK=1`` (see ``_flaskfast_as_flask.py``).
"""

from __future__ import annotations

import importlib.util
import os
import platform
import sys
import typing as t
import warnings
from pathlib import Path
from types import ModuleType

from setuptools import Command
from setuptools import Extension
from setuptools import setup
from setuptools.command.bdist_wheel import bdist_wheel
from setuptools.command.build import build
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent
SPEEDUPS = Path("flaskfast") / "_speedups"
PTH = "flaskfast_as_flask.pth"


def _load_flags() -> ModuleType:
    """``_flaskfast_flags``, loaded from its file: building imports no flaskfast."""
    path = HERE / "_flaskfast_flags.py"
    spec = importlib.util.spec_from_file_location("_flaskfast_flags", path)
    if spec is None or spec.loader is None:
        raise RuntimeError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


flags = _load_flags()


class PureBuildWarning(UserWarning):
    """The build fell back to pure Python (pip shows UserWarnings of a backend)."""


def _note(message: str) -> None:
    print(f"flaskfast setup: {message}", file=sys.stderr, flush=True)


def _announce(message: str) -> None:
    """Tell the person installing, once, in pip's normal output."""
    text = f"WARNING: flaskfast: {message}"
    if not sys.stderr.isatty():
        # pip (and build) capture the backend's output; the terminal is the
        # one place a user of plain `pip install` sees it.
        try:
            with open("/dev/tty", "w", encoding="utf-8") as tty:
                tty.write(f"\n{text}\n")
            return
        except OSError:  # no controlling terminal (CI, Windows)
            pass
    print(text, file=sys.stderr, flush=True)
    # pyproject-hooks records this and pip shows it for a local directory.
    warnings.warn(message, PureBuildWarning, stacklevel=2)


def _short(exc: BaseException, limit: int = 120) -> str:
    """An error's first line, cut to ``limit`` characters (a failed compiler
    command line runs to thousands)."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _required() -> bool:
    return bool(flags.extensions_required())


def _strip_args() -> tuple[list[str], list[str]]:
    """(compile, link) arguments for small release modules: no debug
    information, symbols stripped. Python's own CFLAGS usually carry ``-g``;
    later arguments win."""
    if sys.platform == "win32":
        return [], []  # MSVC release builds carry no debug information
    if sys.platform == "darwin":
        return ["-g0"], ["-Wl,-S,-x"]
    return ["-g0"], ["-s"]


def _extensions() -> list[Extension]:
    if flags.flag(flags.NO_EXTENSIONS):
        if _required():
            raise SystemExit(
                f"flaskfast setup: {flags.NO_EXTENSIONS} and a required build"
                f" ({flags.REQUIRE_EXTENSIONS} or {flags.CIBUILDWHEEL}) contradict"
                " each other; unset one of them"
            )
        return []
    if platform.python_implementation() != "CPython":
        # The kernels target the CPython C API; other interpreters use the twins.
        if _required():
            raise SystemExit(
                "flaskfast setup: the compiled kernels need CPython, this is"
                f" {platform.python_implementation()}; unset {flags.REQUIRE_EXTENSIONS}"
            )
        return []

    sources = sorted((HERE / SPEEDUPS).glob("*_c.pyx")) + [HERE / SPEEDUPS / "pipeline.py"]
    debug = flags.flag(flags.DEBUG_BUILD)
    macros: list[tuple[str, str | None]] = []
    if debug:
        macros = [("CYTHON_TRACE", "1"), ("CYTHON_TRACE_NOGIL", "1")]
        compile_args, link_args = ["-O0", "-g"], ["-g"]
    else:
        compile_args, link_args = _strip_args()
    return [
        Extension(
            f"flaskfast._speedups.{source.stem}",
            # setuptools wants paths relative to this file.
            [str(SPEEDUPS / source.name)],
            define_macros=macros,
            extra_compile_args=compile_args,
            extra_link_args=link_args,
        )
        for source in sources
    ]


class OptionalBuildExt(build_ext):  # type: ignore[misc]  # untyped base
    """``build_ext`` that runs Cython, then compiles every kernel or none.

    When a kernel does not compile (no compiler, a broken toolchain, no
    Cython), a required build fails; otherwise the modules built so far are
    removed, the distribution is marked pure (``py3-none-any``) and the
    person installing is told once.
    """

    def run(self) -> None:
        if not self.extensions:
            return
        try:
            self._cythonize()
            super().run()
        except Exception as exc:
            if _required():
                raise
            self._fall_back(exc)

    def _cythonize(self) -> None:
        # A .pyx that Cython rejects is a bug in the source tree; it fails
        # even an optional build (only the C step may fall back).
        try:
            from Cython.Build import cythonize
        except ImportError as exc:
            raise RuntimeError("Cython is not installed") from exc
        debug = flags.flag(flags.DEBUG_BUILD)
        directives: dict[str, t.Any] = {"language_level": "3", "embedsignature": True}
        if debug:
            directives["linetrace"] = True
        generated = cythonize(
            self.extensions, compiler_directives=directives, force=debug, quiet=True
        )
        # Keep setuptools' own Extension objects (finalize_options prepared
        # them); only their sources become the generated C.
        sources = {ext.name: ext.sources for ext in generated}
        for ext in self.extensions:
            ext.sources = sources[ext.name]

    def build_extension(self, ext: Extension) -> None:
        try:
            super().build_extension(ext)
        except Exception as exc:
            raise RuntimeError(f"{ext.name}: {type(exc).__name__}: {_short(exc)}") from exc

    def _fall_back(self, exc: BaseException) -> None:
        for ext in self.extensions:
            built = Path(self.get_ext_fullpath(ext.name))
            if built.is_file():
                built.unlink()
        self.extensions = []
        self.distribution.ext_modules = []
        _announce(
            f"the compiled kernels were not built ({exc}); flaskfast is installed as"
            " pure Python, which works the same but runs slower. Install a C"
            " compiler and reinstall for the compiled kernels, or set"
            f" {flags.NO_EXTENSIONS}=1 to choose pure Python without this warning."
        )

    def get_outputs(self) -> list[str]:
        return list(super().get_outputs()) if self.extensions else []


class BdistWheel(bdist_wheel):  # type: ignore[misc]  # untyped base
    """``bdist_wheel`` that tags the wheel ``py3-none-any`` when the kernels
    fell back to pure Python during the build (the tag is otherwise fixed
    before anything is compiled)."""

    def run(self) -> None:
        if not self.skip_build:
            self.run_command("build")
        if not self.distribution.has_ext_modules():
            self.root_is_pure = True
        super().run()


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
    """``build`` with :class:`BuildPth` as its last step; says when the build
    is pure by choice."""

    sub_commands = [*build.sub_commands, ("build_pth", None)]

    def run(self) -> None:
        if flags.flag(flags.NO_EXTENSIONS):
            _note(f"{flags.NO_EXTENSIONS} is set; building the pure-Python package")
        super().run()


setup(
    ext_modules=_extensions(),
    cmdclass={
        "bdist_wheel": BdistWheel,
        "build": Build,
        "build_ext": OptionalBuildExt,
        "build_pth": BuildPth,
    },
)
