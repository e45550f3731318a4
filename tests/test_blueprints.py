"""Blueprint registration: names, prefixes, nesting, scoped hooks and
handlers, app-wide registrations, static files, resources and CLI groups."""

from __future__ import annotations

import typing as t
from datetime import timedelta
from pathlib import Path

import click
import pytest

import flaskfast
from flaskfast.blueprints import Blueprint
from flaskfast.sansio.blueprints import BlueprintSetupState

if t.TYPE_CHECKING:  # pragma: no cover
    from flaskfast import Flask
    from flaskfast.testing import FlaskClient


def test_public_class_is_reexported() -> None:
    assert flaskfast.Blueprint is Blueprint


@pytest.mark.parametrize("bad", ["", "api.v1"])
def test_invalid_names_rejected(bad: str) -> None:
    with pytest.raises(ValueError, match="'name' may not"):
        Blueprint(bad, __name__)


def test_endpoints_are_prefixed_with_blueprint_name(
    app: Flask, client: FlaskClient
) -> None:
    shop = Blueprint("shop", __name__, url_prefix="/shop")

    @shop.route("/cart")
    def cart() -> str:
        return flaskfast.request.endpoint or ""

    @shop.route("/pay", endpoint="checkout")
    def pay() -> str:
        return flaskfast.url_for(".cart")

    app.register_blueprint(shop)
    assert client.get("/shop/cart").data == b"shop.cart"
    assert client.get("/shop/pay").data == b"/shop/cart"
    assert "shop.checkout" in app.view_functions


@pytest.mark.parametrize(
    ("prefix", "rule", "path"),
    [("/a/", "/b", "/a/b"), ("/a", "b", "/a/b"), ("/a", "", "/a"), ("", "/b", "/b")],
)
def test_prefix_and_rule_joined_with_one_slash(
    app: Flask, client: FlaskClient, prefix: str, rule: str, path: str
) -> None:
    bp = Blueprint("p", __name__)
    bp.add_url_rule(rule, "v", lambda: "joined")
    app.register_blueprint(bp, url_prefix=prefix)
    assert client.get(path).data == b"joined"


def test_dotted_endpoint_or_view_name_rejected() -> None:
    bp = Blueprint("bp", __name__)
    with pytest.raises(ValueError, match="'endpoint' may not contain a dot"):
        bp.add_url_rule("/", endpoint="x.y")

    def view() -> str:
        return ""

    view.__name__ = "x.y"
    with pytest.raises(ValueError, match="'view_func' name may not contain a dot"):
        bp.add_url_rule("/", view_func=view)


def test_registering_same_name_twice_fails(app: Flask) -> None:
    first = Blueprint("dup", __name__)
    other = Blueprint("dup", __name__)
    app.register_blueprint(first)
    with pytest.raises(ValueError, match="already registered for this blueprint"):
        app.register_blueprint(first)
    with pytest.raises(ValueError, match="already registered for a different blueprint"):
        app.register_blueprint(other)
    app.register_blueprint(other, name="dup2")
    assert app.blueprints == {"dup": first, "dup2": other}


def test_same_blueprint_under_two_names(app: Flask, client: FlaskClient) -> None:
    bp = Blueprint("lang", __name__, url_defaults={"lang": "en"})

    @bp.route("/hello")
    def hello(lang: str) -> str:
        return f"{lang}:{flaskfast.request.endpoint}"

    app.register_blueprint(bp, url_prefix="/en")
    app.register_blueprint(bp, url_prefix="/fr", name="fr", url_defaults={"lang": "fr"})
    assert client.get("/en/hello").data == b"en:lang.hello"
    assert client.get("/fr/hello").data == b"fr:fr.hello"


def test_setup_after_registration_is_an_error(app: Flask) -> None:
    bp = Blueprint("done", __name__)
    app.register_blueprint(bp)
    with pytest.raises(AssertionError) as info:
        bp.before_request(lambda: None)
    message = str(info.value)
    assert "'before_request'" in message
    assert "'done'" in message
    assert "already been registered" in message


def test_cannot_nest_blueprint_in_itself() -> None:
    bp = Blueprint("loop", __name__)
    with pytest.raises(ValueError, match="on itself"):
        bp.register_blueprint(bp)


def test_nested_names_prefixes_and_handlers(app: Flask, client: FlaskClient) -> None:
    outer = Blueprint("outer", __name__, url_prefix="/o")
    inner = Blueprint("inner", __name__, url_prefix="/i")
    innermost = Blueprint("innermost", __name__)

    @outer.errorhandler(404)
    def outer_missing(e: Exception) -> tuple[str, int]:
        return "outer handled", 404

    @inner.route("/boom")
    def boom() -> str:
        flaskfast.abort(404)

    @innermost.route("/where")
    def where() -> str:
        return flaskfast.request.endpoint or ""

    inner.register_blueprint(innermost, url_prefix="/deep")
    outer.register_blueprint(inner)
    app.register_blueprint(outer)

    assert set(app.blueprints) == {"outer", "outer.inner", "outer.inner.innermost"}
    assert client.get("/o/i/deep/where").data == b"outer.inner.innermost.where"
    # No handler on inner: the parent's handler applies.
    assert client.get("/o/i/boom").data == b"outer handled"


def test_nested_hooks_run_outside_in(app: Flask, client: FlaskClient) -> None:
    order: list[str] = []
    outer = Blueprint("outer", __name__)
    inner = Blueprint("inner", __name__)

    app.before_request(lambda: order.append("app") and None)
    outer.before_request(lambda: order.append("outer") and None)
    inner.before_request(lambda: order.append("inner") and None)

    @inner.route("/")
    def index() -> str:
        return ",".join(order)

    outer.register_blueprint(inner)
    app.register_blueprint(outer)
    assert client.get("/").data == b"app,outer,inner"


def test_nested_subdomains_are_joined() -> None:
    app = flaskfast.Flask(__name__, subdomain_matching=True)
    app.config["SERVER_NAME"] = "site.test"
    outer = Blueprint("outer", __name__, subdomain="eu")
    inner = Blueprint("inner", __name__, subdomain="api")

    @inner.route("/")
    def index() -> str:
        return "inner"

    outer.register_blueprint(inner)
    app.register_blueprint(outer)
    client = app.test_client()
    assert client.get("/", base_url="http://api.eu.site.test").data == b"inner"
    assert client.get("/", base_url="http://eu.site.test").status_code == 404


def test_blueprint_hooks_only_apply_to_its_routes(app: Flask, client: FlaskClient) -> None:
    bp = Blueprint("scoped", __name__)

    @bp.after_request
    def tag(response: t.Any) -> t.Any:
        response.headers["X-Scoped"] = "yes"
        return response

    @bp.route("/in")
    def inside() -> str:
        return "in"

    @app.route("/out")
    def outside() -> str:
        return "out"

    app.register_blueprint(bp)
    assert client.get("/in").headers.get("X-Scoped") == "yes"
    assert "X-Scoped" not in client.get("/out").headers


def test_app_wide_registrations(app: Flask, client: FlaskClient) -> None:
    calls: list[str] = []
    bp = Blueprint("ext", __name__)

    @bp.before_app_request
    def before() -> None:
        calls.append("before")

    @bp.teardown_app_request
    def teardown(exc: BaseException | None) -> None:
        calls.append("teardown")

    @bp.app_context_processor
    def extra() -> dict[str, t.Any]:
        return {"site": "Example"}

    @bp.app_template_filter("shout")
    def shout(s: str) -> str:
        return s.upper() + "!"

    @bp.app_template_test()
    def even(n: int) -> bool:
        return n % 2 == 0

    @bp.app_template_global()
    def answer() -> int:
        return 42

    @bp.app_errorhandler(404)
    def missing(e: Exception) -> tuple[str, int]:
        return "nothing here", 404

    @app.route("/")
    def index() -> str:
        return flaskfast.render_template_string(
            "{{ site|shout }} {{ 4 is even }} {{ answer() }}"
        )

    app.register_blueprint(bp)
    # Registering again under another name must not duplicate app-wide hooks.
    app.register_blueprint(bp, name="ext2")

    assert client.get("/").data == b"EXAMPLE! True 42"
    assert calls == ["before", "teardown"]
    assert client.get("/nope").data == b"nothing here"


def test_app_url_processors(app: Flask, client: FlaskClient) -> None:
    bp = Blueprint("i18n", __name__)

    @bp.app_url_value_preprocessor
    def pull(endpoint: str | None, values: dict[str, t.Any] | None) -> None:
        assert values is not None
        flaskfast.g.lang = values.pop("lang")

    @bp.app_url_defaults
    def push(endpoint: str, values: dict[str, t.Any]) -> None:
        values.setdefault("lang", flaskfast.g.lang)

    @app.route("/<lang>/home")
    def home() -> str:
        return flaskfast.url_for("home")

    app.register_blueprint(bp)
    assert client.get("/nl/home").data == b"/nl/home"


def test_endpoint_decorator_is_not_prefixed(app: Flask, client: FlaskClient) -> None:
    app.add_url_rule("/plain", endpoint="plain")
    bp = Blueprint("bp", __name__)

    @bp.endpoint("plain")
    def plain() -> str:
        return "from blueprint"

    app.register_blueprint(bp)
    assert client.get("/plain").data == b"from blueprint"


def test_record_and_record_once(app: Flask) -> None:
    seen: list[tuple[str, bool]] = []
    bp = Blueprint("rec", __name__)
    bp.record(lambda s: seen.append(("always", s.first_registration)))
    bp.record_once(lambda s: seen.append(("once", s.first_registration)))
    app.register_blueprint(bp)
    app.register_blueprint(bp, name="rec2")
    assert seen == [("always", True), ("once", True), ("always", False)]


def test_setup_state_values(app: Flask) -> None:
    states: list[BlueprintSetupState] = []
    bp = Blueprint("st", __name__, url_prefix="/own", url_defaults={"a": 1})
    bp.record(states.append)
    app.register_blueprint(bp, url_prefix="/given", url_defaults={"b": 2})
    (state,) = states
    assert state.app is app
    assert state.blueprint is bp
    assert state.url_prefix == "/given"
    assert state.name == "st"
    assert state.name_prefix == ""
    assert state.url_defaults == {"a": 1, "b": 2}
    assert state.subdomain is None


def test_custom_setup_state_class(app: Flask) -> None:
    class TaggedState(BlueprintSetupState):
        pass

    class TaggedBlueprint(Blueprint):
        def make_setup_state(
            self, app: t.Any, options: dict[str, t.Any], first_registration: bool = False
        ) -> BlueprintSetupState:
            return TaggedState(self, app, options, first_registration)

    states: list[BlueprintSetupState] = []
    bp = TaggedBlueprint("tagged", __name__)
    bp.record(states.append)
    app.register_blueprint(bp)
    assert isinstance(states[0], TaggedState)


def _static_blueprint(root: Path, **kwargs: t.Any) -> Blueprint:
    (root / "static").mkdir(exist_ok=True)
    (root / "static" / "site.css").write_text("body {}")
    return Blueprint("assets", __name__, root_path=str(root), static_folder="static", **kwargs)


def test_static_route_serves_files(app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    bp = _static_blueprint(tmp_path)
    app.register_blueprint(bp, url_prefix="/ui")
    rv = client.get("/ui/static/site.css")
    assert rv.data == b"body {}"
    rv.close()
    with app.test_request_context():
        assert flaskfast.url_for("assets.static", filename="site.css") == "/ui/static/site.css"


def test_static_max_age_from_config(app: Flask, tmp_path: Path) -> None:
    bp = _static_blueprint(tmp_path)
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = timedelta(minutes=2)
    with app.app_context():
        assert bp.get_send_file_max_age("site.css") == 120
        app.config["SEND_FILE_MAX_AGE_DEFAULT"] = None
        assert bp.get_send_file_max_age("site.css") is None


def test_static_max_age_override(app: Flask, tmp_path: Path) -> None:
    class Cached(Blueprint):
        def get_send_file_max_age(self, filename: str | None) -> int | None:
            return 99

    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "a.txt").write_text("a")
    bp = Cached("c", __name__, root_path=str(tmp_path), static_folder="static")
    with app.test_request_context():
        rv = bp.send_static_file("a.txt")
        assert rv.cache_control.max_age == 99
        rv.close()


def test_send_static_file_without_folder(app: Flask) -> None:
    with app.test_request_context(), pytest.raises(RuntimeError, match="static_folder"):
        Blueprint("bare", __name__).send_static_file("x")


def test_open_resource_modes(tmp_path: Path) -> None:
    (tmp_path / "data.txt").write_text("héllo", encoding="utf-8")
    bp = Blueprint("res", __name__, root_path=str(tmp_path))
    with bp.open_resource("data.txt") as f:
        assert f.read() == "héllo".encode()
    with bp.open_resource("data.txt", "r") as f:
        assert f.read() == "héllo"
    with pytest.raises(ValueError, match="only be opened for reading"):
        bp.open_resource("data.txt", "w")


def test_blueprint_templates_found_via_app(app: Flask, tmp_path: Path) -> None:
    (tmp_path / "tpl" / "pages").mkdir(parents=True)
    (tmp_path / "tpl" / "pages" / "card.html").write_text("card {{ n }}")
    bp = Blueprint("pages", __name__, template_folder="tpl", root_path=str(tmp_path))
    app.register_blueprint(bp)
    with app.app_context():
        assert flaskfast.render_template("pages/card.html", n=3) == "card 3"


def _cli_blueprint(name: str, **kwargs: t.Any) -> Blueprint:
    bp = Blueprint(name, __name__, **kwargs)

    @bp.cli.command("hi")
    def hi() -> None:
        click.echo(f"hi from {name}")

    return bp


def test_cli_group_defaults_to_blueprint_name(app: Flask) -> None:
    app.register_blueprint(_cli_blueprint("tools"))
    result = app.test_cli_runner().invoke(args=["tools", "hi"])
    assert "hi from tools" in result.output


def test_cli_group_custom_none_and_override(app: Flask) -> None:
    app.register_blueprint(_cli_blueprint("a", cli_group="alpha"))
    app.register_blueprint(_cli_blueprint("b", cli_group=None))
    app.register_blueprint(_cli_blueprint("c"), cli_group="gamma")
    runner = app.test_cli_runner()
    assert "hi from a" in runner.invoke(args=["alpha", "hi"]).output
    assert "hi from b" in runner.invoke(args=["hi"]).output
    assert "hi from c" in runner.invoke(args=["gamma", "hi"]).output


def test_blueprint_without_commands_adds_no_group(app: Flask) -> None:
    app.register_blueprint(Blueprint("quiet", __name__))
    assert "quiet" not in app.cli.commands
