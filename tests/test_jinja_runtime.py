"""flaskfast's template evaluation (``flaskfast.jinja_runtime``) gives Jinja's
results: the same templates render the same text, raise the same errors and
show the same template frames in tracebacks on flaskfast's environment and on
a plain ``jinja2.Environment`` with the same options.
"""

from __future__ import annotations

import collections
import traceback
import typing as t

import jinja2
import markupsafe
import pytest
from jinja2 import pass_context
from jinja2 import pass_environment
from jinja2 import pass_eval_context

import flaskfast
from flaskfast import jinja_runtime
from flaskfast._speedups import markup
from flaskfast.templating import Environment


def plain(*args: t.Any, **kwargs: t.Any) -> str:
    return f"plain{args}{sorted(kwargs.items())}"


@pass_context
def with_context(context: t.Any, *args: t.Any, **kwargs: t.Any) -> str:
    return f"ctx:{context.get('x')}:{args}{sorted(kwargs)}"


@pass_environment
def with_environment(environment: t.Any, *args: t.Any) -> str:
    return f"env:{type(environment).__name__ in ('Environment', 'SuiteEnvironment')}:{args}"


@pass_eval_context
def with_eval_context(eval_ctx: t.Any, *args: t.Any) -> str:
    return f"eval:{eval_ctx.autoescape}:{args}"


class Holder:
    def method(self, *args: t.Any, **kwargs: t.Any) -> str:
        return f"method{args}{sorted(kwargs.items())}"

    @pass_context
    def context_method(self, context: t.Any, *args: t.Any) -> str:
        return f"cmethod:{context.get('x')}:{args}"

    def __call__(self, *args: t.Any) -> str:
        return f"instance{args}"


class ContextCallable:
    @pass_context
    def __call__(self, context: t.Any, *args: t.Any) -> str:
        return f"ccall:{context.get('x')}:{args}"


def raises_stop() -> None:
    raise StopIteration


def raises_value_error(*args: t.Any) -> None:
    raise ValueError("from a global")


def redirected() -> str:
    return "not called"


# A function whose ``__call__`` attribute (instance dict) is what Jinja calls.
redirected.__call__ = with_context  # type: ignore[attr-defined]


def marked_none() -> str:
    return "marked none"


marked_none.jinja_pass_arg = None  # type: ignore[attr-defined]

GLOBALS: dict[str, t.Any] = {
    "plain": plain,
    "with_context": with_context,
    "with_environment": with_environment,
    "with_eval_context": with_eval_context,
    "method": Holder().method,
    "context_method": Holder().context_method,
    "instance": Holder(),
    "context_callable": ContextCallable(),
    "builtin": len,
    "bound_builtin": {"k": "v"}.get,
    "raises_stop": raises_stop,
    "raises_value_error": raises_value_error,
    "redirected": redirected,
    "marked_none": marked_none,
    "a_type": dict,
    "a_lambda": lambda *a, **k: f"lambda{a}{sorted(k)}",
}

TEMPLATES = [
    "{{ plain() }}|{{ plain(1, 'a', k=2) }}",
    "{% for i in [1, 2] %}{{ plain(i, k=i) }}{{ with_context(i, k=i) }}{% endfor %}",
    "{% set x = 5 %}{{ with_context() }}",
    "{% for x in [7] %}{{ with_context(x) }}{% endfor %}",
    "{{ with_environment(1) }}{{ with_eval_context(2) }}",
    "{% autoescape false %}{{ with_eval_context(2) }}{% endautoescape %}",
    "{{ method(1, b=2) }}{{ context_method(3) }}{{ instance(4) }}{{ context_callable(5) }}",
    "{{ builtin('abc') }}{{ bound_builtin('k') }}{{ bound_builtin('z', 'dflt') }}",
    "[{{ raises_stop() }}]",
    "{{ redirected() }}{{ marked_none() }}",
    "{{ a_type(a=1) }}{{ a_lambda(1, z=2) }}",
    "{% macro m(v) %}<{{ v }}>{% endmacro %}{{ m('&') }}{{ plain(m('x')) }}",
    "{% for k in ['_loop_vars', '_block_vars'] %}{{ plain(k) }}{% endfor %}",
    "{% block b %}{{ plain(1) }}{{ with_context(2) }}{% endblock %}",
    "{{ '<&>' }}{{ 5 }}{{ none }}{{ 'x'|safe }}{{ '<i>'|e }}{{ 1.5 }}{{ True }}",
    "{{ undefined_name }}|{{ plain.attr }}",
    "{% set v %}<{{ '&' }}>{% endset %}{{ v }}{{ v|length }}",
    "{% for i in range(3) %}{{ loop.index }}:{{ i * 2 }}{% if not loop.last %},{% endif %}{% endfor %}",
]


def environments(**options: t.Any) -> tuple[jinja2.Environment, jinja2.Environment]:
    app = flaskfast.Flask(__name__)
    ours = Environment(app, loader=None, **options)
    theirs = jinja2.Environment(**options)
    for env in (ours, theirs):
        env.globals.update(GLOBALS)
    return ours, theirs


def outcome(render: t.Callable[[], t.Any]) -> tuple[str, t.Any]:
    try:
        rv = render()
    except Exception as e:
        return ("raised", (type(e), str(e)))
    return ("returned", (type(rv), rv))


@pytest.mark.parametrize("autoescape", [True, False])
@pytest.mark.parametrize("source", TEMPLATES)
def test_render_as_jinja(source: str, autoescape: bool) -> None:
    ours, theirs = environments(autoescape=autoescape)
    assert type(ours.from_string(source).new_context()) is jinja_runtime.Context
    expected = outcome(lambda: theirs.from_string(source).render(x=1))
    assert outcome(lambda: ours.from_string(source).render(x=1)) == expected


@pytest.mark.parametrize("source", TEMPLATES[:6])
def test_stream_chunks_as_jinja(source: str) -> None:
    """Streamed chunks are the same objects' types (``Markup`` when escaped)."""
    ours, theirs = environments(autoescape=True)

    def chunks(env: jinja2.Environment) -> list[tuple[type, str]]:
        return [(type(c), c) for c in env.from_string(source).generate(x=1)]

    assert chunks(ours) == chunks(theirs)


def test_own_parameter_names_raise_as_in_jinja() -> None:
    ours, theirs = environments()
    source = "{{ plain(_Context__obj=1) }}"
    expected = outcome(lambda: theirs.from_string(source).render())
    assert expected[0] == "raised"
    assert outcome(lambda: ours.from_string(source).render()) == expected


def _template_frames(env: jinja2.Environment, source: str) -> list[tuple[str, str]]:
    try:
        env.from_string(source).render()
    except ValueError as e:
        return [(f.filename, f.name) for f in traceback.extract_tb(e.__traceback__)]
    raise AssertionError("the template did not raise")


def test_traceback_hides_the_context_call_frame_as_jinja() -> None:
    ours, theirs = environments()
    source = "line 1\n{{ raises_value_error(1) }}"
    ours_frames = _template_frames(ours, source)
    theirs_frames = _template_frames(theirs, source)
    assert ours_frames == theirs_frames
    assert ("<template>", "top-level template code") in ours_frames
    assert jinja_runtime.__file__ not in {path for path, _ in ours_frames}


def test_generated_module_escapes_with_the_kernel() -> None:
    ours, theirs = environments(autoescape=True)
    source = ours.compile("{{ a }}", raw=True)
    if markup.escape is markupsafe.escape:
        assert source == theirs.compile("{{ a }}", raw=True)
    else:
        assert source.endswith("\nfrom flaskfast.jinja_runtime import escape")
        # Everything above the last line, debug line numbers included, is Jinja's.
        assert source.rsplit("\n", 1)[0] == theirs.compile("{{ a }}", raw=True)
    namespace = ours.from_string("{{ a }}").root_render_func.__globals__
    assert namespace["escape"] is markup.escape


def test_subclass_overriding_call_is_used() -> None:
    class Recording(jinja_runtime.Context):
        calls: t.ClassVar[list[t.Any]] = []

        def call(self, obj: t.Any, /, *args: t.Any, **kwargs: t.Any) -> t.Any:
            self.calls.append(obj)
            return super().call(obj, *args, **kwargs)

    ours, _ = environments()
    ours.context_class = Recording
    assert ours.from_string("{{ plain(1) }}").render() == "plain(1,)[]"
    assert Recording.calls == [plain]


def _context_state(context: t.Any) -> tuple[t.Any, ...]:
    return (
        type(context.parent),
        list(context.parent.items()),
        context.globals_keys,
        context.vars,
        context.name,
        sorted(context.blocks),
    )


@pytest.mark.parametrize(
    "vars", [None, {}, {"x": 1}, {"range": "shadowed", "new": 2}, {"tg": "over template global"}]
)
@pytest.mark.parametrize("template_globals", [None, {"tg": 1, "range": "template's"}])
def test_new_context_as_jinja(vars: t.Any, template_globals: t.Any) -> None:
    ours, theirs = environments()
    for env in (ours, theirs):
        env.loader = jinja2.DictLoader({"t.html": "{% block b %}{{ x }}{% endblock %}"})
    ours_template = ours.get_template("t.html", globals=template_globals)
    theirs_template = theirs.get_template("t.html", globals=template_globals)
    assert type(ours_template) is jinja_runtime.Template
    ours_context = ours_template.new_context(vars)
    assert type(ours_context) is jinja_runtime.Context
    assert _context_state(ours_context) == _context_state(theirs_template.new_context(vars))
    expected = outcome(lambda: theirs_template.render(vars or {}))
    assert outcome(lambda: ours_template.render(vars or {})) == expected


@pytest.mark.parametrize(
    ("vars", "shared", "locals"),
    [
        ({"x": 1}, True, None),
        ({"x": 1}, False, {"y": 2, "z": jinja2.utils.missing}),
        ({"x": 1}, True, {"y": 2}),
        ({1: "not a str key"}, False, None),
        (jinja2.utils.LRUCache(2), False, None),
    ],
)
def test_new_context_other_arguments_as_jinja(vars: t.Any, shared: bool, locals: t.Any) -> None:
    ours, theirs = environments()
    expected = outcome(lambda: _context_state(theirs.from_string("x").new_context(vars, shared, locals)))
    got = outcome(lambda: _context_state(ours.from_string("x").new_context(vars, shared, locals)))
    assert got == expected


def test_new_context_with_other_globals_mappings_as_jinja() -> None:
    ours, theirs = environments()
    for env in (ours, theirs):
        env.globals = collections.OrderedDict(a=1, b=2)  # not a dict: Jinja's path
    assert _context_state(ours.from_string("x").new_context({"c": 3})) == _context_state(
        theirs.from_string("x").new_context({"c": 3})
    )


def test_the_apps_url_for_is_called_directly_and_as_jinja() -> None:
    """``url_for`` in the globals is a bound method of the pipeline's
    function (compiled or not): templates call it as Jinja would, and a
    ``pass_context`` mark on that function is honoured."""
    from flaskfast._speedups import pipeline

    assert jinja_runtime._COMPILED_FUNCTION is type(pipeline.app_url_for)
    app = flaskfast.Flask(__name__)
    app.add_url_rule("/item/<int:n>", "item", lambda n: "")
    source = "{{ url_for('item', n=3, q='x') }}"
    with app.test_request_context("/"):
        assert flaskfast.render_template_string(source) == "/item/3?q=x"
        jinja_env = jinja2.Environment()
        jinja_env.globals.update(url_for=app.url_for)
        assert jinja_env.from_string(source).render() == "/item/3?q=x"
        func = pipeline.app_url_for
        pass_context(func)  # sets jinja_pass_arg on the function itself
        try:
            with pytest.raises(TypeError) as ours:
                flaskfast.render_template_string(source)
            with pytest.raises(TypeError) as theirs:
                jinja_env.from_string(source).render()
        finally:
            del func.jinja_pass_arg
        assert str(ours.value) == str(theirs.value)
