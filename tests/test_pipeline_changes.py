"""Changes to an app, its class or its config made between requests (or in
the middle of one) count from the very next request on, exactly as in
Flask 3.1.3: flaskfast may remember what it read from an app only as long
as nothing it depends on changed.

Each test makes the same changes to an app built with ``flask`` and one
built with ``flaskfast`` and compares every answer.
"""

from __future__ import annotations

import types
import typing as t

import pytest

from _flask_pair import FRAMEWORKS
from _flask_pair import call_wsgi
from _flask_pair import environ_for
from _flask_pair import fw_id
from _flask_pair import same_as_flask


def make_app(fw: types.ModuleType, cls: type | None = None) -> t.Any:
    app = (cls or fw.Flask)("plan_test")

    @app.route("/")
    def index() -> str:
        return f"json={type(fw.request.json_module).__name__}"

    @app.route("/reassign-after")
    def reassign_after() -> str:
        def tag(response: t.Any) -> t.Any:
            response.headers["X-Late"] = "1"
            return response

        app.after_request_funcs = {None: [tag]}
        return "late"

    return app


def get(fw: types.ModuleType, app: t.Any, path: str = "/", **kwargs: t.Any) -> tuple[t.Any, ...]:
    return call_wsgi(fw, app, environ_for("GET", path, **kwargs))


def changes(fw: types.ModuleType, app: t.Any) -> list[tuple[t.Any, ...]]:
    """Serve, change something, serve again, for each kind of change."""
    seen = [get(fw, app), get(fw, app)]

    class Csv(fw.Response):  # type: ignore[name-defined,misc]
        default_mimetype = "text/csv"

    app.response_class = Csv
    seen.append(get(fw, app))

    class OtherJSON(fw.json.provider.DefaultJSONProvider):  # type: ignore[name-defined,misc]
        pass

    app.json = OtherJSON(app)
    seen.append(get(fw, app))

    app.config["TRUSTED_HOSTS"] = ["only.example"]
    seen.append(get(fw, app))
    seen.append(get(fw, app, headers={"Host": "only.example"}))
    app.config["TRUSTED_HOSTS"] = None
    seen.append(get(fw, app))

    def before() -> str:
        return "before answered"

    app.before_request_funcs = {None: [before]}
    seen.append(get(fw, app))
    app.before_request_funcs = {}
    seen.append(get(fw, app))

    torn: list[t.Any] = []
    app.teardown_request_funcs = {None: [torn.append]}
    app.teardown_appcontext_funcs = [torn.append]
    seen.append(get(fw, app))
    seen.append(("torn", len(torn)))

    seen.append(get(fw, app, "/reassign-after"))
    app.after_request_funcs = {}
    seen.append(get(fw, app))

    app.view_functions["index"] = lambda: "replaced view"
    seen.append(get(fw, app))

    app.config["SERVER_NAME"] = "example.org"
    seen.append(get(fw, app))
    seen.append(get(fw, app, headers={"Host": "example.org"}))
    return seen


def test_changes_to_the_app_are_seen_at_once() -> None:
    seen = same_as_flask({fw: changes(fw, make_app(fw)) for fw in FRAMEWORKS})
    assert seen[0][2] == b"json=DefaultJSONProvider"
    assert seen[2][1][0][1][0] == ("Content-Type", "text/csv; charset=utf-8")
    assert seen[3][2] == b"json=OtherJSON"
    assert seen[4][1][0][0] == "400 BAD REQUEST"
    assert seen[5][2] == b"json=OtherJSON"
    assert seen[7][2] == b"before answered"
    assert seen[10] == ("torn", 2)
    assert ("X-Late", "1") in seen[11][1][0][1]
    assert seen[13][2] == b"replaced view"
    # Flask 3.1: SERVER_NAME no longer restricts the hosts served.
    assert seen[14][2] == seen[15][2] == b"replaced view"


def test_changes_to_the_class_are_seen_at_once() -> None:
    outcomes = {}
    for fw in FRAMEWORKS:
        cls = type("Sub", (fw.Flask,), {})
        app = make_app(fw, cls)
        seen = [get(fw, app), get(fw, app)]

        class Plain(fw.Response):  # type: ignore[name-defined,misc]
            default_mimetype = "text/plain"

        cls.response_class = Plain
        seen.append(get(fw, app))
        outcomes[fw] = seen
    seen = same_as_flask(outcomes)
    assert seen[2][1][0][1][0] == ("Content-Type", "text/plain; charset=utf-8")


def test_attributes_given_by_properties_are_read_as_flask_reads_them() -> None:
    outcomes = {}
    for fw in FRAMEWORKS:
        flips: list[str] = []

        class Csv(fw.Response):  # type: ignore[name-defined,misc]
            default_mimetype = "text/csv"

        class Flipping(fw.Flask):  # type: ignore[name-defined,misc]
            @property
            def response_class(self, _flips: list[str] = flips) -> type:  # type: ignore[override]
                chosen = Csv if len(_flips) % 2 else fw.Response
                _flips.append(chosen.__name__)
                return chosen

        app = make_app(fw, Flipping)
        types_seen = [get(fw, app)[1][0][1][0][1] for _ in range(4)]
        outcomes[fw] = (types_seen, flips)
    types_seen, flips = same_as_flask(outcomes)
    # The property was read on every request (Flask reads it twice for a
    # text view: for the isinstance check and to build the response).
    assert len(flips) >= len(types_seen)


def test_a_config_subclass_is_asked_as_flask_asks_it() -> None:
    outcomes = {}
    for fw in FRAMEWORKS:
        asked: list[str] = []

        class Recording(fw.Config):  # type: ignore[name-defined,misc]
            def __getitem__(self, key: str) -> t.Any:
                asked.append(key)
                return super().__getitem__(key)

        class App(fw.Flask):  # type: ignore[name-defined,misc]
            config_class = Recording

        app = make_app(fw, App)
        get(fw, app)
        before = asked.count("TRUSTED_HOSTS")
        get(fw, app)
        outcomes[fw] = asked.count("TRUSTED_HOSTS") - before
    # Each request reads TRUSTED_HOSTS through the subclass again.
    assert same_as_flask(outcomes) >= 1


@pytest.mark.parametrize("fw", FRAMEWORKS, ids=fw_id)
def test_two_apps_served_in_turn(fw: types.ModuleType) -> None:
    first = make_app(fw)
    second = make_app(fw)
    second.view_functions["index"] = lambda: "second"
    bodies = [get(fw, app)[2] for app in (first, second, first, second)]
    assert bodies == [b"json=DefaultJSONProvider", b"second"] * 2


@pytest.mark.parametrize("fw", FRAMEWORKS, ids=fw_id)
def test_a_class_with_its_own_getattribute_is_asked_every_time(fw: types.ModuleType) -> None:
    reads: list[str] = []

    class Watched(fw.Flask):  # type: ignore[name-defined,misc]
        def __getattribute__(self, name: str) -> t.Any:
            if name == "response_class":
                reads.append(name)
            return super().__getattribute__(name)

    app = make_app(fw, Watched)
    get(fw, app)
    first = len(reads)
    get(fw, app)
    assert len(reads) == 2 * first > 0
