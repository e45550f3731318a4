"""``url_for`` and ``redirect`` give what Flask gives, request after request.

The same application is built on real Flask and on flaskfast, and the same
sequence of WSGI requests is sent to both; every response (status, headers,
body) must be equal.  Requests repeat and vary the environ (script name,
host, method) so that URLs remembered from earlier requests are exercised
next to freshly built ones.
"""

from __future__ import annotations

import types
import typing as t

import flask
import flask.globals
import pytest
from werkzeug.routing import Rule
from werkzeug.test import EnvironBuilder
from werkzeug.test import run_wsgi_app

import flaskfast
import flaskfast.globals

Outcome = t.Tuple[str, t.List[t.Tuple[str, str]], bytes]


def serve(app: t.Any, requests: list[dict[str, t.Any]]) -> list[Outcome]:
    results = []
    for spec in requests:
        spec = dict(spec)
        extra = spec.pop("environ", {})
        environ = EnvironBuilder(**spec).get_environ()
        environ.update(extra)
        app_iter, status, headers = run_wsgi_app(app, environ)
        try:
            body = b"".join(app_iter)
        finally:
            close = getattr(app_iter, "close", None)
            if close is not None:
                close()
        results.append((status, list(headers.items()), body))
    return results


def show(fw: types.ModuleType, make: t.Callable[[], t.Any]) -> str:
    """The URL ``make`` builds, or the error it raises, as text."""
    try:
        return str(make())
    except Exception as e:  # noqa: BLE001 - the error is the outcome
        return f"{type(e).__name__}: {e}"


def build_app(fw: types.ModuleType, subdomain_rule: bool = False) -> t.Any:
    """The app under test; a subdomain rule makes flaskfast route through a
    bound adapter (so url_for finds it built) instead of its compiled router."""
    app = fw.Flask("parity")
    app.logger.disabled = True  # 500s are compared, not logged
    calls = []

    @app.url_defaults
    def count_defaults(endpoint: str, values: dict[str, t.Any]) -> None:
        calls.append(endpoint)
        if endpoint == "localized" and "lang" not in values:
            values["lang"] = "en"

    @app.route("/")
    def index() -> str:
        return "index"

    @app.route("/plain/page")
    def page() -> str:
        return "page"

    @app.route("/<lang>/localized")
    def localized(lang: str) -> str:
        return lang

    @app.route("/items/", defaults={"n": 1})
    @app.route("/items/<int:n>")
    def items(n: int) -> str:
        return str(n)

    def multi() -> str:
        return "multi"

    app.add_url_rule("/multi-get", "multi", multi, methods=["GET"])
    app.add_url_rule("/multi-post", "multi", multi, methods=["POST"])
    if subdomain_rule:
        app.add_url_rule("/sub", "sub", multi, subdomain="api")

    bp = fw.Blueprint("bp", "parity", url_prefix="/bp")

    @bp.route("/")
    def bp_index() -> str:
        return "bp"

    @bp.route("/rel")
    def rel() -> t.Any:
        return fw.redirect(fw.url_for(".bp_index"))

    app.register_blueprint(bp)

    @app.route("/go/<kind>", methods=["GET", "POST"])
    def go(kind: str) -> t.Any:
        url_for = fw.url_for
        if kind == "plain":
            return fw.redirect(url_for("index"))
        if kind == "code":
            return fw.redirect(url_for("page"), code=int(fw.request.args["code"]))
        if kind == "external":
            return fw.redirect(url_for("page", _external=True))
        if kind == "scheme":
            return fw.redirect(url_for("index", _external=True, _scheme="https"))
        if kind == "anchor":
            return fw.redirect(url_for("page", _anchor="a b#c/é"))
        if kind == "method":
            return fw.redirect(url_for("multi", _method="POST"))
        if kind == "relative_app":
            return fw.redirect(url_for(".page"))
        if kind == "query":
            return fw.redirect(url_for("index", q="x y", page=2))
        if kind == "none_value":
            return fw.redirect(url_for("index", q=None))
        if kind == "defaults":
            return fw.redirect(url_for("localized"))
        if kind == "rule_defaults":
            return fw.redirect(url_for("items"))
        if kind == "location":
            return fw.redirect(fw.request.args["to"])
        # "text": every URL variant as the body, errors included.
        made = [
            show(fw, lambda: url_for("index")),
            show(fw, lambda: url_for("multi")),
            show(fw, lambda: url_for("sub")),
            show(fw, lambda: url_for("sub", _external=True)),
            show(fw, lambda: url_for("bp.bp_index")),
            show(fw, lambda: url_for("nowhere")),
            show(fw, lambda: url_for("localized", lang=None)),
            show(fw, lambda: url_for("index", _scheme="https")),
            show(fw, lambda: url_for("index", _anchor="x")),
            show(fw, lambda: url_for("index", _method="DELETE")),
            show(fw, lambda: url_for("index", _external=[])),
            show(fw, lambda: url_for("index", _method=["GET"])),
            show(fw, lambda: url_for("index", _external=1)),
            str(len(calls)),
        ]
        return "\n".join(made)

    @app.route("/adapter")
    def adapter() -> str:
        first = fw.url_for("index")
        bound = fw.globals.request_ctx.url_adapter
        return f"{first} {type(bound).__name__} {bound.script_name} {bound.build('page')}"

    return app


GO = ["plain", "code", "external", "scheme", "anchor", "method", "relative_app",
      "query", "none_value", "defaults", "rule_defaults", "text"]


def requests() -> list[dict[str, t.Any]]:
    found: list[dict[str, t.Any]] = []
    for base in ["http://localhost/", "http://localhost/app", "https://example.org:8443/x/",
                 "http://api.localhost/"]:
        for method in ["GET", "POST"]:
            for kind in GO:
                for _ in range(2):
                    found.append({"path": f"/go/{kind}", "base_url": base, "method": method,
                                  "query_string": {"code": "301"}})
            found.append({"path": "/bp/rel", "base_url": base})
            found.append({"path": "/adapter", "base_url": base})
    for code in ["302", "303", "307", "308", "399", "200"]:
        found.append({"path": "/go/code", "query_string": {"code": code}})
    for to in ["/x", "/a b?c=<'\">&d", "http://ex.com/été", "", "\ue000", "/x\ny"]:
        found.append({"path": "/go/location", "query_string": {"to": to}})
    # Raw environ variants: latin-1 script name, websocket upgrade, odd host.
    found.append({"path": "/go/plain", "environ": {"SCRIPT_NAME": "/\xc3\xa4pp"}})
    found.append({"path": "/go/text", "environ": {"SCRIPT_NAME": "/\xc3\xa4pp"}})
    found.append({"path": "/go/plain", "environ": {"SCRIPT_NAME": "/"}})
    found.append({"path": "/go/plain", "environ": {"SCRIPT_NAME": "/s/"}})
    found.append({"path": "/go/text", "environ": {"HTTP_HOST": "Other.Example:80"}})
    found.append({"path": "/go/plain",
                  "environ": {"HTTP_CONNECTION": "Upgrade", "HTTP_UPGRADE": "websocket"}})
    return found


@pytest.mark.parametrize("subdomain_rule", [False, True], ids=["router", "adapter"])
@pytest.mark.parametrize(
    "config",
    [{}, {"SERVER_NAME": "localhost"}, {"APPLICATION_ROOT": "/root"},
     {"PREFERRED_URL_SCHEME": "https"}],
    ids=["default", "server_name", "application_root", "scheme"],
)
def test_responses_match_flask(config: dict[str, t.Any], subdomain_rule: bool) -> None:
    apps = []
    for fw in (flask, flaskfast):
        app = build_app(fw, subdomain_rule)
        app.config.update(config)
        apps.append(app)
    sequence = requests()
    expected = serve(apps[0], sequence)
    got = serve(apps[1], sequence)
    for spec, want, have in zip(sequence, expected, got):
        assert have == want, spec
    if not subdomain_rule:
        # The remembered-URL path was taken (white-box: proves the coverage).
        assert any(apps[1]._url_memos.values())


def test_url_map_changes_are_seen() -> None:
    """URLs remembered for an endpoint follow later changes to the map."""
    results = []
    for fw in (flask, flaskfast):
        app = build_app(fw)
        first = serve(app, [{"path": "/go/plain"}] * 2)
        # Sorted before the existing rule for building (it has defaults).
        app.url_map.add(Rule("/moved", endpoint="index", defaults={"v": 1}))
        second = serve(app, [{"path": "/go/plain"}] * 2)
        app.url_map = app.url_map_class()
        app.url_map.add(Rule("/go/<kind>", endpoint="go"))
        app.url_map.add(Rule("/elsewhere", endpoint="index"))
        third = serve(app, [{"path": "/go/plain"}] * 2)
        results.append((first, second, third))
    assert results[1] == results[0]
    assert results[1][1][0][1] != results[1][0][0][1]  # the Location changed


def test_build_error_handlers_match_flask() -> None:
    results = []
    for fw in (flask, flaskfast):
        app = build_app(fw)

        def fallback(error: Exception, endpoint: str, values: dict[str, t.Any]) -> str | None:
            return f"/fallback/{endpoint}/{sorted(values.items())}"

        app.url_build_error_handlers.append(fallback)
        results.append(serve(app, [{"path": "/go/text"}] * 2))
    assert results[1] == results[0]


def test_outside_requests_match_flask() -> None:
    results = []
    for fw in (flask, flaskfast):
        app = build_app(fw)
        seen = []
        app.add_url_rule("/sub", "sub", lambda: "s", subdomain="api")
        for config in [{"SERVER_NAME": "a.test"}, {"SERVER_NAME": "b.test:8080"},
                       {"SERVER_NAME": None}, {"SERVER_NAME": "a.test",
                                               "APPLICATION_ROOT": "/r/"}]:
            app.config.update(config)
            for _ in range(2):
                with app.app_context():
                    seen.append(show(fw, lambda: fw.url_for("index")))
                    seen.append(show(fw, lambda: fw.url_for("page", _external=False)))
                    seen.append(show(fw, lambda: fw.url_for("sub")))
                    seen.append(show(fw, lambda: fw.url_for("nowhere")))
        with app.app_context():
            app.config["SERVER_NAME"] = "changed.test"
            seen.append(show(fw, lambda: fw.url_for("index")))
        # No app context: the proxy's error (its wording is flaskfast's own).
        seen.append(show(fw, lambda: fw.url_for("index")).partition(":")[0])
        seen.append(show(fw, lambda: fw.redirect("/x").headers["Location"]))
        results.append(seen)
    assert results[1] == results[0]


def test_url_adapter_is_a_real_adapter_after_url_for(app: flaskfast.Flask) -> None:
    @app.route("/")
    def index() -> str:
        for _ in range(2):
            assert flaskfast.url_for("index") == "/"
        adapter = flaskfast.globals.request_ctx.url_adapter
        assert adapter is not None
        assert adapter.match() == ("index", {})
        return "ok"

    client = app.test_client()
    assert client.get("/").data == b"ok"
    assert client.get("/").data == b"ok"


def test_url_defaults_run_on_every_call(app: flaskfast.Flask) -> None:
    calls: list[str] = []

    @app.url_defaults
    def record(endpoint: str, values: dict[str, t.Any]) -> None:
        calls.append(endpoint)

    @app.route("/")
    def index() -> str:
        return flaskfast.url_for("index") + flaskfast.url_for("index")

    client = app.test_client()
    client.get("/")
    client.get("/")
    assert calls == ["index"] * 4
