"""Cheaper evaluation of Jinja templates, through Jinja's documented extension
points, with exactly Jinja's results.

:class:`Context` and :class:`CodeGenerator` are the ``context_class`` and
``code_generator_class`` of flaskfast's template environment
(:class:`flaskfast.templating.Environment`). Each fast path here recognises the
common case by exact types and otherwise defers to Jinja's own code, so the
output and the exceptions are Jinja's, and so are the template tracebacks,
with one exception: when an object's ``__html__`` or ``__str__`` raises while
the compiled :func:`escape` escapes it, the traceback has that function's
frame above markupsafe's. Jinja's own test suite runs on this environment
(``ci/jinja_suite.py``).
"""

from __future__ import annotations

import typing as t
from collections import ChainMap
from types import BuiltinFunctionType
from types import FunctionType
from types import MethodType

import markupsafe
from jinja2.compiler import CodeGenerator as JinjaCodeGenerator
from jinja2.compiler import Frame
from jinja2.environment import Template as JinjaTemplate
from jinja2.nodes import Template as TemplateNode
from jinja2.runtime import Context as JinjaContext
from jinja2.utils import internalcode

from ._speedups import markup
from ._speedups import pipeline as _pipeline

#: :func:`markupsafe.escape`, compiled when flaskfast's kernels are.
escape = markup.escape

_jinja_call = JinjaContext.call
# The type of the pipeline's functions: Cython's function type when it is
# compiled (its functions carry a __dict__ and no other attribute Jinja looks
# for), FunctionType otherwise.
_COMPILED_FUNCTION: type = type(_pipeline.app_url_for)
_STOP_ITERATION_MESSAGE = (
    "value was undefined because a callable raised a StopIteration exception"
)


def _two_dicts(globals: t.Any) -> tuple[dict[str, t.Any], dict[str, t.Any]] | None:
    """``(template globals, environment globals)`` when ``globals`` is the
    ``ChainMap`` of two plain dicts that ``Environment.make_globals`` makes."""
    if type(globals) is ChainMap:
        maps = globals.maps
        if len(maps) == 2:
            first, second = maps
            if type(first) is dict and type(second) is dict:
                return first, second
    return None


class Context(JinjaContext):
    """Jinja's template context, cheaper to create and to :meth:`call`
    through."""

    def __init__(
        self,
        environment: t.Any,
        parent: dict[str, t.Any],
        name: str | None,
        blocks: dict[str, t.Callable[[JinjaContext], t.Iterator[str]]],
        globals: t.MutableMapping[str, t.Any] | None = None,
    ) -> None:
        """Jinja's ``Context.__init__``.

        PERF: Jinja's ``set(globals)`` iterates the template's globals
        ``ChainMap`` through its Python ``__iter__``; the same key set is
        made from its two dicts directly.
        """
        maps = _two_dicts(globals)
        if maps is None:
            super().__init__(environment, parent, name, blocks, globals)
            return
        super().__init__(environment, parent, name, blocks, None)
        self.globals_keys = set(maps[1])
        self.globals_keys.update(maps[0])

    @internalcode
    def call(
        self, obj: t.Callable[..., t.Any], /, *args: t.Any, **kwargs: t.Any
    ) -> t.Any:
        """Call ``obj`` as Jinja's ``Context.call`` does.

        PERF: Jinja looks up ``__call__`` and ``jinja_pass_arg`` (twice each,
        through ``hasattr``) on every call of a global such as ``url_for`` or
        ``get_flashed_messages`` from a template. For a plain Python function,
        a bound method of one, or a builtin, those lookups have a known answer
        unless the function's ``__dict__`` says otherwise: such a callable is
        called directly. Anything else (callable objects, functions marked
        with ``pass_context`` and the like) goes through Jinja's code.
        A function called with one positional and one keyword argument in a
        loop: 13.7k -> 6.4k instructions (callgrind; calling it directly
        costs 1.3k). The method stays Python: it is ``internalcode``, so
        template tracebacks skip its frame exactly as they skip Jinja's (a
        compiled method would add a frame of its own).
        """
        if __debug__:
            __traceback_hide__ = True  # noqa: F841
        kind = type(obj)
        if kind is FunctionType:
            attributes = obj.__dict__
            if attributes and (
                "__call__" in attributes or attributes.get("jinja_pass_arg") is not None
            ):
                return _jinja_call(self, obj, *args, **kwargs)
        elif kind is MethodType:
            # The method's own ``__call__`` is its type's; its other
            # attributes are its function's (a compiled function, such as
            # Flask.url_for, keeps them in a __dict__ as a Python one does).
            func = obj.__func__  # type: ignore[attr-defined]
            if type(func) is not FunctionType and type(func) is not _COMPILED_FUNCTION:
                return _jinja_call(self, obj, *args, **kwargs)
            attributes = func.__dict__
            if attributes and attributes.get("jinja_pass_arg") is not None:
                return _jinja_call(self, obj, *args, **kwargs)
        elif kind is not BuiltinFunctionType:
            return _jinja_call(self, obj, *args, **kwargs)
        if kwargs:
            # PERF: membership tests and ``del`` instead of a frozenset
            # test and two ``pop`` calls: 7.0k -> 6.4k instructions a call.
            if "_Context__obj" in kwargs or "_Context__self" in kwargs:
                # Jinja's own (mangled) parameter names: its TypeError.
                return _jinja_call(self, obj, *args, **kwargs)
            if "_loop_vars" in kwargs:
                del kwargs["_loop_vars"]
            if "_block_vars" in kwargs:
                del kwargs["_block_vars"]
        try:
            return obj(*args, **kwargs)
        except StopIteration:
            return self.environment.undefined(_STOP_ITERATION_MESSAGE)


class Template(JinjaTemplate):
    """Jinja's ``Template`` with a cheaper :meth:`new_context`."""

    def new_context(
        self,
        vars: dict[str, t.Any] | None = None,
        shared: bool = False,
        locals: t.Mapping[str, t.Any] | None = None,
    ) -> JinjaContext:
        """Jinja's ``Template.new_context``.

        PERF: Jinja builds the context's parent as ``dict(globals, **vars)``
        with ``globals`` the template's ``ChainMap`` (its globals over the
        environment's), read key by key through ``ChainMap.__getitem__``:
        most of the cost of rendering a small template. Here the same dict
        (same keys, order and values) is made from the two dicts; shared
        and ``locals`` contexts (imports, includes) are Jinja's.
        """
        globals = self.globals
        maps = _two_dicts(globals)
        if shared or locals or maps is None or (vars is not None and type(vars) is not dict):
            return super().new_context(vars, shared, locals)
        # dict(ChainMap(first, second)): second's keys, then first's new
        # keys; first's values win.
        parent = maps[1].copy()
        parent.update(maps[0])
        if vars:
            # ``**`` as in Jinja: a key that is not a str raises its TypeError.
            parent.update(**vars)
        environment = self.environment
        return environment.context_class(
            environment, parent, self.name, self.blocks, globals=globals
        )


class CodeGenerator(JinjaCodeGenerator):
    """Jinja's code generator; the module it writes escapes output with
    the compiled :func:`escape` when flaskfast's kernels are compiled.

    PERF: every autoescaped ``{{ ... }}`` calls ``escape``; markupsafe's
    runs two Python frames (see ``_speedups/markup_c.pyx``). The generated
    module imports Jinja's runtime names first; a last line rebinds
    ``escape``, which the template's functions look up when they run. The
    lines above it, and so the template's debug line numbers, are Jinja's.
    """

    def visit_Template(self, node: TemplateNode, frame: Frame | None = None) -> None:
        """Write the template module as Jinja does, then, when the compiled
        escape is in use, one last line importing it as ``escape``."""
        super().visit_Template(node, frame)
        if escape is not markupsafe.escape:
            self.writeline(f"from {__name__} import escape")
