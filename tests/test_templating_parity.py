"""The render path of ``flaskfast.templating`` against Flask 3.1.3: the same
app, built on each, renders the same text, gives context processors' values
the same precedence and order, sends the same signals, and leaves the same
context behind when a processor fails.
"""

from __future__ import annotations

import types
import typing as t

import pytest

from _flask_pair import FRAMEWORKS
from _flask_pair import fw_id

FW = pytest.mark.parametrize("fw", FRAMEWORKS, ids=fw_id)

ORDER_TEMPLATE = "{{ a }} {{ b }} {{ i }} {{ shared }} {{ order1 }} {{ pairs }} {{ x }} {{ g }}"


def build(fw: types.ModuleType, log: list[t.Any] | None = None) -> t.Any:
    app = fw.Flask(__name__)
    app.config["SECRET_KEY"] = "s"
    bp = fw.Blueprint("bp", __name__)
    inner = fw.Blueprint("inner", __name__)

    @app.context_processor
    def app_values() -> dict[str, t.Any]:
        if log is not None:
            log.append("app")
        return {"a": "app", "shared": "app", "order1": 1, "g": "app's g"}

    @app.context_processor
    def app_pairs() -> t.Any:
        # dict.update takes an iterable of pairs too.
        if log is not None:
            log.append("pairs")
        return [("pairs", "yes"), ("order2", 2)]

    @bp.context_processor
    def bp_values() -> dict[str, t.Any]:
        if log is not None:
            log.append("bp")
        return {"shared": "bp", "b": "bp", "order1": "bp's"}

    @inner.context_processor
    def inner_values() -> dict[str, t.Any]:
        if log is not None:
            log.append("inner")
        return {"shared": "inner", "i": "inner"}

    @bp.app_context_processor
    def from_bp_for_app() -> dict[str, t.Any]:
        if log is not None:
            log.append("bp-for-app")
        return {"app_wide": "from bp"}

    names = ["a", "b", "i", "shared", "order1", "order2", "pairs", "app_wide", "x", "g"]

    @inner.route("/inner")
    def inner_view() -> str:
        return fw.render_template_string(ORDER_TEMPLATE, names=names, x="caller", shared="caller")

    @bp.route("/bp")
    def bp_view() -> str:
        return fw.render_template_string(ORDER_TEMPLATE, names=names, x="caller")

    @app.route("/app")
    def app_view() -> str:
        return fw.render_template_string(ORDER_TEMPLATE, names=names)

    @app.route("/caller-g")
    def caller_g() -> str:
        return fw.render_template_string("{{ g }}|{{ request.path }}", g="mine")

    bp.register_blueprint(inner, url_prefix="/in")
    app.register_blueprint(bp, url_prefix="/b")
    return app


@pytest.mark.parametrize("path", ["/app", "/b/bp", "/b/in/inner", "/caller-g"])
def test_processor_precedence_and_order_as_flask(path: str) -> None:
    """The body, the processors called (in order) and the context passed to
    the template (keys in order, with values) are Flask's."""
    seen = {}
    for fw in FRAMEWORKS:
        log: list[t.Any] = []
        app = build(fw, log)

        def capture(sender: t.Any, template: t.Any, context: dict[str, t.Any]) -> None:
            log.append([(k, v if isinstance(v, (str, int)) else type(v).__name__) for k, v in context.items()])

        with fw.before_render_template.connected_to(capture, app):
            response = app.test_client().get(path)
        assert response.status_code == 200, response.data
        seen[fw.__name__] = (response.get_data(as_text=True), log)
    assert seen["flaskfast"] == seen["flask"]


@FW
def test_update_template_context_in_place(fw: types.ModuleType) -> None:
    app = build(fw)
    with app.test_request_context("/"):
        context = {"shared": "caller", "z": 0}
        assert app.update_template_context(context) is None
        assert list(context)[:2] == ["shared", "z"]
        assert context["shared"] == "caller"
        assert context["a"] == "app"


def _processor_failure(fw: types.ModuleType, failing: t.Any) -> tuple[t.Any, ...]:
    app = fw.Flask(__name__)
    calls = []

    @app.context_processor
    def first() -> dict[str, t.Any]:
        calls.append("first")
        return {"x": "first", "new": 1}

    app.context_processor(failing)

    @app.context_processor
    def last() -> dict[str, t.Any]:
        calls.append("last")
        return {"late": 2}

    with app.test_request_context("/"):
        context = {"x": "caller"}
        try:
            app.update_template_context(context)
        except Exception as e:
            outcome = (type(e), str(e))
        else:
            outcome = None
    state = [(k, v) for k, v in context.items() if k not in ("g", "request")]
    return outcome, state, calls


def _raises() -> dict[str, t.Any]:
    raise LookupError("processor failed")


def _returns_none() -> None:
    return None


def _bad_pairs() -> list[t.Any]:
    return [("ok", 1), "not a pair"]


@pytest.mark.parametrize("failing", [_raises, _returns_none, _bad_pairs])
def test_failing_processor_leaves_context_as_flask(failing: t.Any) -> None:
    import flask

    import flaskfast

    assert _processor_failure(flaskfast, failing) == _processor_failure(flask, failing)


def test_overridden_ensure_sync_called_per_processor_as_flask() -> None:
    results = {}
    for fw in FRAMEWORKS:
        seen: list[str] = []

        class App(fw.Flask):  # type: ignore[name-defined,misc]
            def ensure_sync(self, func: t.Any) -> t.Any:
                seen.append(func.__name__)
                return super().ensure_sync(func)

        app = App(__name__)

        @app.context_processor
        def mine() -> dict[str, t.Any]:
            return {"m": 1}

        with app.test_request_context("/"):
            for _ in range(2):
                out = fw.render_template_string("{{ m }}{{ request.path }}")
        results[fw.__name__] = (out, seen)
    assert results["flaskfast"] == results["flask"]


def test_async_context_processor_as_flask() -> None:
    pytest.importorskip("asgiref")
    results = {}
    for fw in FRAMEWORKS:
        app = fw.Flask(__name__)

        @app.context_processor
        async def later() -> dict[str, t.Any]:
            return {"late": "async"}

        with app.test_request_context("/"):
            results[fw.__name__] = [fw.render_template_string("{{ late }}") for _ in range(2)]
    assert results["flaskfast"] == results["flask"] == [["async"][0]] * 2


@FW
def test_signals_only_with_receivers(fw: types.ModuleType) -> None:
    app = fw.Flask(__name__)
    events: list[t.Any] = []

    def before(sender: t.Any, template: t.Any, context: dict[str, t.Any]) -> None:
        events.append(("before", sorted(context)))

    def after(sender: t.Any, template: t.Any, context: dict[str, t.Any]) -> None:
        events.append(("after", sorted(context)))

    with app.test_request_context("/"):
        assert fw.render_template_string("{{ v }}", v=1) == "1"
        with fw.before_render_template.connected_to(before, app):
            with fw.template_rendered.connected_to(after, app):
                assert fw.render_template_string("{{ v }}", v=2) == "2"
                assert "".join(fw.stream_template_string("{{ v }}", v=3)) == "3"
    assert events == [
        ("before", ["g", "request", "v"]),
        ("after", ["g", "request", "v"]),
        ("before", ["g", "request", "v"]),
        ("after", ["g", "request", "v"]),
    ]


@pytest.mark.parametrize("auto_reload", [False, True])
def test_template_lookup_asks_loaders_once_as_flask(tmp_path: t.Any, auto_reload: bool) -> None:
    """A cached template is not looked up again (the app's and blueprints'
    loaders are searched on the first render only), with or without
    ``TEMPLATES_AUTO_RELOAD`` while the file is unchanged."""
    (tmp_path / "app").mkdir()
    (tmp_path / "bp").mkdir()
    (tmp_path / "bp" / "page.html").write_text("{% extends 'base.html' %}{% block b %}page{% endblock %}")
    (tmp_path / "app" / "base.html").write_text("[{% block b %}{% endblock %}]")
    results = {}
    for fw in FRAMEWORKS:
        app = fw.Flask(__name__, template_folder=str(tmp_path / "app"))
        app.config["TEMPLATES_AUTO_RELOAD"] = auto_reload
        app.register_blueprint(fw.Blueprint("bp", __name__, template_folder=str(tmp_path / "bp")))
        asked: list[str] = []
        loader = app.jinja_env.loader
        original = loader.get_source

        def counting(environment: t.Any, template: str, original: t.Any = original) -> t.Any:
            asked.append(template)
            return original(environment, template)

        loader.get_source = counting
        with app.test_request_context("/"):
            bodies = [fw.render_template("page.html") for _ in range(3)]
        results[fw.__name__] = (bodies, asked)
    assert results["flaskfast"] == results["flask"]
    assert results["flaskfast"] == (["[page]"] * 3, ["page.html", "base.html"])
