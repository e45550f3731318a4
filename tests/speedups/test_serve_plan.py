"""The fused cycle keeps what it reads from an app between requests (the
compiled kernel's plan, on Pythons whose dicts carry version tags).  Every
change to the app, its class or its config must still be seen by the very
next request, or by the rest of the current one, exactly as on the generic
pipeline."""

from __future__ import annotations

import sys
import typing as t

import pytest

import flaskfast
from _serving import Spy
from _serving import call_wsgi
from _serving import environ_for
from _serving import install_spy
from _twins import implementations
from flaskfast import request


@pytest.fixture(params=implementations("context"), ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def spy(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Spy:
    return install_spy(request.param, monkeypatch)


def make_app(fused: bool, cls: type[flaskfast.Flask] = flaskfast.Flask) -> flaskfast.Flask:
    app = cls("plan_test")
    if not fused:
        app._ff_fuse = False  # type: ignore[attr-defined]

    @app.route("/")
    def index() -> str:
        return f"json={type(request.json_module).__name__}"

    @app.route("/reassign-after")
    def reassign_after() -> str:
        def tag(response: flaskfast.Response) -> flaskfast.Response:
            response.headers["X-Late"] = "1"
            return response

        app.after_request_funcs = {None: [tag]}
        return "late"

    return app


def get(app: flaskfast.Flask, path: str = "/", **kwargs: t.Any) -> tuple[t.Any, ...]:
    return call_wsgi(app, environ_for("GET", path, **kwargs))


def changes(app: flaskfast.Flask) -> list[tuple[t.Any, ...]]:
    """Serve, change something, serve again, for each kind of change."""
    seen = [get(app), get(app)]

    class Csv(flaskfast.Response):
        default_mimetype = "text/csv"

    app.response_class = Csv
    seen.append(get(app))

    class OtherJSON(flaskfast.json.provider.DefaultJSONProvider):
        pass

    app.json = OtherJSON(app)
    seen.append(get(app))

    app.config["TRUSTED_HOSTS"] = ["only.example"]
    seen.append(get(app))
    seen.append(get(app, headers={"Host": "only.example"}))
    app.config["TRUSTED_HOSTS"] = None
    seen.append(get(app))

    def before() -> str:
        return "before answered"

    app.before_request_funcs = {None: [before]}
    seen.append(get(app))
    app.before_request_funcs = {}
    seen.append(get(app))

    torn: list[t.Any] = []
    app.teardown_request_funcs = {None: [torn.append]}
    app.teardown_appcontext_funcs = [torn.append]
    seen.append(get(app))
    seen.append(("torn", len(torn)))

    seen.append(get(app, "/reassign-after"))
    app.after_request_funcs = {}
    seen.append(get(app))

    app.view_functions["index"] = lambda: "replaced view"
    seen.append(get(app))
    return seen


def test_changes_to_the_app_are_seen_at_once(spy: Spy) -> None:
    generic = changes(make_app(False))
    fused = changes(make_app(True))
    assert fused == generic
    assert generic[0][2] == b"json=DefaultJSONProvider"
    assert generic[2][1][0][1][0] == ("Content-Type", "text/csv; charset=utf-8")
    assert generic[3][2] == b"json=OtherJSON"
    assert generic[4][1][0][0] == "400 BAD REQUEST"
    assert generic[5][2] == b"json=OtherJSON"
    assert generic[7][2] == b"before answered"
    assert generic[10] == ("torn", 2)
    assert ("X-Late", "1") in generic[11][1][0][1]
    assert generic[13][2] == b"replaced view"
    assert spy.calls == len(generic) - 1  # every request of the fused app


def test_changes_to_the_class_are_seen_at_once(spy: Spy) -> None:
    outcomes = []
    for fused in (False, True):
        cls = type("Sub", (flaskfast.Flask,), {})
        app = make_app(fused, cls)
        seen = [get(app), get(app)]

        class Plain(flaskfast.Response):
            default_mimetype = "text/plain"

        cls.response_class = Plain
        seen.append(get(app))
        outcomes.append(seen)
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][2][1][0][1][0] == ("Content-Type", "text/plain; charset=utf-8")


def test_attributes_given_by_properties_are_read_every_time(spy: Spy) -> None:
    flips: list[type] = []

    class Flipping(flaskfast.Flask):
        @property
        def response_class(self) -> type:  # type: ignore[override]
            class Csv(flaskfast.Response):
                default_mimetype = "text/csv"

            chosen = Csv if len(flips) % 2 else flaskfast.Response
            flips.append(chosen)
            return chosen

    app = make_app(True, Flipping)
    types_seen = [get(app)[1][0][1][0][1] for _ in range(4)]
    assert types_seen == [
        "text/html; charset=utf-8",
        "text/csv; charset=utf-8",
        "text/html; charset=utf-8",
        "text/csv; charset=utf-8",
    ]


def test_a_config_subclass_is_asked_every_time(spy: Spy) -> None:
    asked: list[str] = []

    class Recording(flaskfast.Config):
        def __getitem__(self, key: str) -> t.Any:
            asked.append(key)
            return super().__getitem__(key)

    class App(flaskfast.Flask):
        config_class = Recording

    app = make_app(True, App)
    get(app)
    before = asked.count("TRUSTED_HOSTS")
    get(app)
    assert asked.count("TRUSTED_HOSTS") == before + 1


def test_two_apps_served_in_turn(spy: Spy) -> None:
    first = make_app(True)
    second = make_app(True)
    second.view_functions["index"] = lambda: "second"
    bodies = [get(app)[2] for app in (first, second, first, second)]
    assert bodies == [b"json=DefaultJSONProvider", b"second"] * 2


def test_the_plan_is_used_and_dropped_on_change(spy: Spy) -> None:
    app = make_app(True)
    get(app)
    get(app)
    if spy.kernel.__name__.endswith("_py"):
        assert spy.kernel.plan_ready(app) is None  # the pure twin keeps no plan
        return

    if sys.version_info >= (3, 12):
        # No dict version tags: the plan is never trusted.
        assert spy.kernel.plan_ready(app) is False
        return
    assert spy.kernel.plan_ready(app) is True
    app.config["SERVER_NAME"] = "example.org"
    assert spy.kernel.plan_ready(app) is False
    get(app, headers={"Host": "example.org"})
    assert spy.kernel.plan_ready(app) is True
    app.response_class = flaskfast.Response
    assert spy.kernel.plan_ready(app) is False


def test_a_class_with_its_own_getattribute_is_asked_every_time(spy: Spy) -> None:
    reads: list[str] = []

    class Watched(flaskfast.Flask):
        def __getattribute__(self, name: str) -> t.Any:
            if name == "response_class":
                reads.append(name)
            return super().__getattribute__(name)

    app = make_app(True, Watched)
    get(app)
    first = len(reads)
    get(app)
    assert len(reads) == 2 * first > 0
    assert spy.kernel.plan_ready(app) in (None, False)
