"""flaskfast.testing: the test client, its EnvironBuilder and the CLI runner."""

from __future__ import annotations

import importlib.metadata

import click
import pytest
from werkzeug.wrappers import Request as BaseRequest

from flaskfast import Flask
from flaskfast.cli import ScriptInfo
from flaskfast.globals import _cv_request
from flaskfast.globals import current_app
from flaskfast.globals import g
from flaskfast.globals import request
from flaskfast.globals import session
from flaskfast.testing import EnvironBuilder
from flaskfast.testing import FlaskCliRunner
from flaskfast.testing import FlaskClient


@pytest.fixture
def echo_app(app: Flask) -> Flask:
    @app.route("/", methods=["GET", "POST"])
    def url() -> str:
        return request.url

    @app.route("/remote")
    def remote() -> str:
        return f"{request.remote_addr}|{request.user_agent.string}"

    return app


def test_builder_uses_app_config(app: Flask) -> None:
    app.config.update(SERVER_NAME="site.test:8080", APPLICATION_ROOT="/root",
                      PREFERRED_URL_SCHEME="https")
    builder = EnvironBuilder(app, "/page?q=1")
    try:
        assert builder.base_url == "https://site.test:8080/root/"
        assert builder.path == "/page"
        assert builder.query_string == "q=1"
    finally:
        builder.close()


def test_builder_subdomain_scheme_and_full_url(app: Flask) -> None:
    app.config["SERVER_NAME"] = "site.test"
    b1 = EnvironBuilder(app, subdomain="api", url_scheme="ftp")
    assert b1.base_url == "ftp://api.site.test/"
    b2 = EnvironBuilder(app, "https://other.test/x")
    assert (b2.url_scheme, b2.host, b2.path) == ("https", "other.test", "/x")
    with pytest.raises(AssertionError, match="base_url"):
        EnvironBuilder(app, base_url="http://x/", subdomain="a")
    b1.close()
    b2.close()


def test_builder_json_uses_app_provider(app: Flask) -> None:
    app.json.sort_keys = False  # type: ignore[attr-defined]
    builder = EnvironBuilder(app, json={"b": 1, "a": 2})
    assert builder.input_stream is not None
    assert builder.input_stream.read() == b'{"b": 1, "a": 2}'
    builder.close()


def test_client_class_and_url(echo_app: Flask, client: FlaskClient) -> None:
    assert isinstance(client, FlaskClient)
    assert client.application is echo_app
    assert client.get("/").text == "http://localhost/"
    assert client.get("/", url_scheme="https").text == "https://localhost/"
    assert client.get("http://example.org/?a=b").text == "http://example.org/?a=b"


def test_client_default_environ_base(echo_app: Flask, client: FlaskClient) -> None:
    version = importlib.metadata.version("werkzeug")
    assert client.get("/remote").text == f"127.0.0.1|Werkzeug/{version}"
    client.environ_base["REMOTE_ADDR"] = "10.0.0.9"
    assert client.get("/remote").text.startswith("10.0.0.9|")


def test_open_accepts_builder_environ_and_request(echo_app: Flask, client: FlaskClient) -> None:
    builder = EnvironBuilder(echo_app, "/remote")
    assert client.open(builder).text.startswith("127.0.0.1|")
    environ = builder.get_environ()
    builder.close()
    client.environ_base["REMOTE_ADDR"] = "10.1.1.1"
    assert client.open(environ).text.startswith("10.1.1.1|")

    req = BaseRequest(EnvironBuilder(echo_app, "/remote").get_environ())
    client.environ_base["REMOTE_ADDR"] = "10.2.2.2"
    assert client.open(req).text.startswith("10.2.2.2|")


def test_context_preserved_inside_with_block(app: Flask, client: FlaskClient) -> None:
    @app.route("/set")
    def set_value() -> str:
        g.value = "kept"
        session["user"] = "ann"
        return ""

    with client:
        client.get("/set?x=1")
        assert request.args["x"] == "1"
        assert g.value == "kept"
        assert session["user"] == "ann"
        assert current_app._get_current_object() is app  # type: ignore[attr-defined]
    assert _cv_request.get(None) is None
    assert not current_app


def test_next_request_replaces_preserved_context(app: Flask, client: FlaskClient) -> None:
    @app.route("/<n>")
    def number(n: str) -> str:
        return n

    with client:
        client.get("/1")
        first = _cv_request.get()
        client.get("/2")
        assert _cv_request.get() is not first
        assert request.path == "/2"
    assert _cv_request.get(None) is None


def test_follow_redirects_keeps_last_context(app: Flask, client: FlaskClient) -> None:
    from werkzeug.utils import redirect

    @app.route("/start")
    def start() -> object:
        session["hop"] = 1
        return redirect("/end")

    @app.route("/end")
    def end() -> str:
        return "end"

    with client:
        resp = client.get("/start", follow_redirects=True)
        assert resp.text == "end"
        assert request.path == "/end"
        assert session["hop"] == 1
    assert _cv_request.get(None) is None


def test_nested_with_is_an_error(client: FlaskClient) -> None:
    with client:
        with pytest.raises(RuntimeError, match="nest"):
            with client:
                pass
    # The client is reusable after the block.
    with client:
        assert client.get("/missing").status_code == 404


def test_no_context_outside_with_block(echo_app: Flask, client: FlaskClient) -> None:
    client.get("/")
    assert _cv_request.get(None) is None


def test_session_transaction_round_trip(app: Flask, client: FlaskClient) -> None:
    @app.route("/read")
    def read() -> str:
        return repr(session.get("cart"))

    with client.session_transaction() as sess:
        assert dict(sess) == {}
        sess["cart"] = ["apple"]
    assert client.get("/read").text == "['apple']"
    with client.session_transaction() as sess:
        assert sess["cart"] == ["apple"]
        sess.clear()
    assert client.get("/read").text == "None"


def test_session_transaction_errors(app: Flask) -> None:
    with pytest.raises(TypeError, match="Cookies are disabled"):
        with app.test_client(use_cookies=False).session_transaction():
            pass

    no_secret = Flask("nosecret")
    with pytest.raises(RuntimeError, match="did not open a session"):
        with no_secret.test_client().session_transaction():
            pass


def test_json_response_uses_app_json(app: Flask, client: FlaskClient) -> None:
    @app.route("/echo", methods=["POST"])
    def echo() -> object:
        return request.get_json()

    resp = client.post("/echo", json={"k": [1, 2]})
    assert resp.get_json() == {"k": [1, 2]}
    assert resp.json_module is app.json  # type: ignore[attr-defined]


def test_cli_runner_defaults_to_app(app: Flask) -> None:
    @app.cli.command("whoami")
    def whoami() -> None:
        click.echo(current_app.name)

    runner = app.test_cli_runner()
    assert isinstance(runner, FlaskCliRunner)
    assert runner.invoke(args=["whoami"]).output == "flaskfast_test\n"
    assert runner.invoke(whoami).output == "flaskfast_test\n"

    other = Flask("other")
    result = runner.invoke(whoami, obj=ScriptInfo(create_app=lambda: other))
    assert result.output == "other\n"
