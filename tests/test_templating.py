"""Template loading and rendering."""

from __future__ import annotations

import logging
import typing as t
from pathlib import Path

import pytest
from jinja2 import DictLoader
from jinja2 import TemplateNotFound
from markupsafe import Markup

if t.TYPE_CHECKING:  # pragma: no cover
    from flaskfast import Flask


@pytest.fixture
def tpl_app(tmp_path: Path) -> Flask:
    """An app whose root path holds a templates/ folder."""
    from flaskfast import Flask

    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "hello.html").write_text("Hello {{ name }}!")
    (tmp_path / "templates" / "plain.txt").write_text("{{ name }}")
    (tmp_path / "templates" / "macros.html").write_text(
        "{% macro shout(x) %}{{ x|upper }}{% endmacro %}{% set answer = 42 %}"
    )
    app = Flask("tpl_app", root_path=str(tmp_path))
    app.config.update(TESTING=True, SECRET_KEY="s")
    return app


def test_render_template_with_context_processor(tpl_app: Flask) -> None:
    from flaskfast import render_template

    @tpl_app.context_processor
    def extra() -> dict[str, t.Any]:
        return {"name": "processor"}

    with tpl_app.test_request_context():
        assert render_template("hello.html") == "Hello processor!"
        # Explicit arguments win over context processors.
        assert render_template("hello.html", name="arg") == "Hello arg!"


def test_autoescape_depends_on_extension(tpl_app: Flask) -> None:
    from flaskfast import render_template
    from flaskfast import render_template_string

    with tpl_app.app_context():
        assert render_template("hello.html", name="<b>") == "Hello &lt;b&gt;!"
        assert render_template("plain.txt", name="<b>") == "<b>"
        assert render_template("hello.html", name=Markup("<b>")) == "Hello <b>!"
        assert render_template_string("{{ v }}", v="<i>") == "&lt;i&gt;"


def test_first_existing_template_from_list(tpl_app: Flask) -> None:
    from flaskfast import render_template

    with tpl_app.app_context():
        assert render_template(["missing.html", "hello.html"], name="x") == "Hello x!"
        with pytest.raises(TemplateNotFound):
            render_template("missing.html")


def test_default_context_has_request_g_session_config(tpl_app: Flask) -> None:
    from flaskfast import g
    from flaskfast import render_template_string
    from flaskfast import session

    tpl_app.config["MARK"] = "cfg"
    with tpl_app.test_request_context("/?q=1"):
        g.value = "gee"
        session["user"] = "ada"
        out = render_template_string(
            "{{ request.args.q }} {{ g.value }} {{ session.user }} {{ config.MARK }}"
        )
    assert out == "1 gee ada cfg"


def test_default_template_ctx_processor_depends_on_active_contexts(
    tpl_app: Flask,
) -> None:
    from flaskfast.templating import _default_template_ctx_processor

    assert _default_template_ctx_processor() == {}
    with tpl_app.app_context():
        assert set(_default_template_ctx_processor()) == {"g"}
    with tpl_app.test_request_context():
        assert set(_default_template_ctx_processor()) == {"g", "request"}


def test_rendering_without_session_does_not_mark_it_accessed(
    tpl_app: Flask,
) -> None:
    from flaskfast import render_template_string

    @tpl_app.route("/")
    def index() -> str:
        return render_template_string("plain {{ 1 + 1 }}")

    rv = tpl_app.test_client().get("/")
    assert rv.text == "plain 2"
    assert "Vary" not in rv.headers


def test_render_template_string_compiles_once(tpl_app: Flask) -> None:
    from flaskfast import render_template_string

    calls = []
    with tpl_app.app_context():
        env = tpl_app.jinja_env
        original = env.from_string

        def counting(source: t.Any, *args: t.Any, **kwargs: t.Any) -> t.Any:
            calls.append(source)
            return original(source, *args, **kwargs)

        env.from_string = counting  # type: ignore[method-assign]
        for n in range(3):
            assert render_template_string("n={{ n }}", n=n) == f"n={n}"
        assert render_template_string("other") == "other"
    assert calls == ["n={{ n }}", "other"]


def test_string_cache_sees_later_globals_and_filters(tpl_app: Flask) -> None:
    from flaskfast import render_template_string

    source = "{{ late() if late is defined else 'none' }}"
    with tpl_app.app_context():
        assert render_template_string(source) == "none"
        tpl_app.jinja_env.globals["late"] = lambda: "late"
        assert render_template_string(source) == "late"


def test_string_cache_is_bounded(tpl_app: Flask) -> None:
    from flaskfast import render_template_string
    from flaskfast import templating

    with tpl_app.app_context():
        for i in range(templating._STRING_CACHE_SIZE + 50):
            assert render_template_string(f"{i}") == str(i)
        cache = tpl_app.jinja_env.__dict__["_ff_string_templates"]
        assert len(cache.templates) == templating._STRING_CACHE_SIZE


def test_overlay_env_does_not_reuse_parent_templates(tpl_app: Flask) -> None:
    from flaskfast.templating import _template_from_string

    with tpl_app.app_context():
        env = tpl_app.jinja_env
        parent = _template_from_string(env, "{{ x }}")
        overlay = env.overlay(autoescape=False)
        child = _template_from_string(overlay, "{{ x }}")
        assert child is not parent
        assert child.render(x="<a>") == "<a>"
        assert parent.render(x="<a>") == "&lt;a&gt;"


def test_signals_around_rendering(tpl_app: Flask) -> None:
    from flaskfast import render_template
    from flaskfast.signals import before_render_template
    from flaskfast.signals import template_rendered

    seen: list[tuple[str, str | None, dict[str, t.Any]]] = []

    def before(sender: t.Any, template: t.Any, context: dict[str, t.Any]) -> None:
        context["name"] = "changed"
        seen.append(("before", template.name, dict(context)))

    def after(sender: t.Any, template: t.Any, context: dict[str, t.Any]) -> None:
        seen.append(("after", template.name, dict(context)))

    with before_render_template.connected_to(before, tpl_app):
        with template_rendered.connected_to(after, tpl_app):
            with tpl_app.app_context():
                assert render_template("hello.html", name="x") == "Hello changed!"
    assert [s[0] for s in seen] == ["before", "after"]
    assert seen[1][1] == "hello.html"
    assert seen[1][2]["name"] == "changed"


def test_stream_template_in_response(tpl_app: Flask) -> None:
    from flaskfast import request
    from flaskfast import stream_template
    from flaskfast import stream_template_string

    @tpl_app.route("/file")
    def file() -> t.Any:
        return stream_template("hello.html", name=request.args["n"])

    @tpl_app.route("/string")
    def string() -> t.Any:
        return stream_template_string("{% for i in r %}{{ i }}{% endfor %}", r=range(3))

    client = tpl_app.test_client()
    assert client.get("/file?n=ada").text == "Hello ada!"
    assert client.get("/string").text == "012"


def test_stream_template_outside_request_is_plain_iterator(tpl_app: Flask) -> None:
    from flaskfast import stream_template_string

    with tpl_app.app_context():
        assert "".join(stream_template_string("{{ 2 * 3 }}")) == "6"


def test_get_template_attribute_macro_and_variable(tpl_app: Flask) -> None:
    from flaskfast import get_template_attribute

    with tpl_app.app_context():
        assert get_template_attribute("macros.html", "shout")("hey") == "HEY"
        assert get_template_attribute("macros.html", "answer") == 42


def test_blueprint_templates_searched_after_app(tmp_path: Path, tpl_app: Flask) -> None:
    from flaskfast import Blueprint
    from flaskfast import render_template

    bp_dir = tmp_path / "bp"
    (bp_dir / "tpl").mkdir(parents=True)
    (bp_dir / "tpl" / "hello.html").write_text("from blueprint")
    (bp_dir / "tpl" / "only_bp.html").write_text("only in blueprint")
    bp = Blueprint("bp", "bp_mod", root_path=str(bp_dir), template_folder="tpl")
    tpl_app.register_blueprint(bp)

    with tpl_app.app_context():
        assert render_template("hello.html", name="app") == "Hello app!"
        assert render_template("only_bp.html") == "only in blueprint"
        names = tpl_app.jinja_env.list_templates()
    assert {"hello.html", "only_bp.html", "plain.txt"} <= set(names)


def test_explain_template_loading_logs_attempts(tpl_app: Flask) -> None:
    from flaskfast import render_template

    records: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    tpl_app.config["EXPLAIN_TEMPLATE_LOADING"] = True
    handler = Collect()
    tpl_app.logger.addHandler(handler)
    old_level = tpl_app.logger.level
    tpl_app.logger.setLevel(logging.INFO)
    try:
        with tpl_app.app_context():
            assert render_template("hello.html", name="x") == "Hello x!"
            with pytest.raises(TemplateNotFound):
                render_template("nope.html")
    finally:
        tpl_app.logger.removeHandler(handler)
        tpl_app.logger.setLevel(old_level)
    text = "\n".join(str(r.msg) for r in records)
    assert "hello.html" in text
    assert "nope.html" in text


def test_custom_loader_option_is_respected(tpl_app: Flask) -> None:
    from flaskfast.templating import Environment

    env = Environment(tpl_app, loader=DictLoader({"a.html": "A"}))
    assert env.app is tpl_app
    assert env.get_template("a.html").render() == "A"
