"""``url_for`` through the compiled builder gives Flask's URLs and errors.

Generated ``url_for`` calls (values, ``_anchor``, ``_method``, ``_scheme``,
``_external``, blueprint-relative endpoints, unknown endpoints) run in a view
of the same app built on Flask 3.1.3 and on flaskfast, under several
configurations (``SERVER_NAME``, ``APPLICATION_ROOT``, ``SCRIPT_NAME``,
``PREFERRED_URL_SCHEME``, subdomain matching) and outside requests; each
result, or error type and message, must be equal.  A white-box check proves
the builder answered (not only werkzeug).
"""

from __future__ import annotations

import types
import typing as t

import flask
import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from werkzeug.routing import BaseConverter

import flaskfast
from flaskfast.routing import Map


class ListConverter(BaseConverter):
    """A custom converter: lists joined with '+'."""

    def to_python(self, value: str) -> list[str]:
        return value.split("+")

    def to_url(self, value: t.Any) -> str:
        return "+".join(super(ListConverter, self).to_url(v) for v in value)


def build_app(fw: types.ModuleType, config: dict[str, t.Any]) -> t.Any:
    app = fw.Flask("builder_parity")
    app.config.update(config)
    app.url_map.converters["list"] = ListConverter

    @app.url_defaults
    def add_lang(endpoint: str, values: dict[str, t.Any]) -> None:
        if endpoint == "localized":
            values.setdefault("lang", "en")

    def view(**kwargs: t.Any) -> str:
        return "ok"

    app.add_url_rule("/", "index", view)
    app.add_url_rule("/u/<name>/", "user", view)
    app.add_url_rule("/p/", "page", view, defaults={"n": 1})
    app.add_url_rule("/p/<int:n>", "page", view)
    app.add_url_rule("/f/<path:path>", "file", view, methods=["POST"])
    app.add_url_rule("/f/<path:path>/get", "file", view)
    app.add_url_rule("/<lang>/here", "localized", view)
    app.add_url_rule("/tags/<list:tags>", "tags", view)
    app.add_url_rule("/c/<any(red, 'dark blue'):colour>", "colour", view)
    bp = fw.Blueprint("bp", "builder_parity", url_prefix="/bp")
    bp.add_url_rule("/item/<int:item>", "item", view)
    bp.add_url_rule("/list", "items", view)

    @bp.url_defaults
    def bp_defaults(endpoint: str, values: dict[str, t.Any]) -> None:
        if endpoint == "bp.item":
            values.setdefault("item", 5)

    app.register_blueprint(bp)

    def on_build_error(error: Exception, endpoint: str, values: dict[str, t.Any]) -> str | None:
        return f"/fallback/{endpoint}" if endpoint == "handled" else None

    app.url_build_error_handlers.append(on_build_error)
    return app


TEXT = st.text(alphabet="ab /%ä+?#&=", max_size=4)
VALUE = st.one_of(st.none(), st.integers(-5, 300), TEXT, st.lists(TEXT, max_size=2))


@st.composite
def calls(draw: st.DrawFn) -> tuple[str, dict[str, t.Any]]:
    endpoint = draw(
        st.sampled_from(
            ["index", "user", "page", "file", "localized", "tags", "colour", "bp.item",
             ".item", ".items", "missing", "handled"]
        )
    )
    values: dict[str, t.Any] = {}
    for name in {"user": ["name"], "page": ["n"], "file": ["path"], "tags": ["tags"],
                 "colour": ["colour"], "bp.item": ["item"], ".item": ["item"]}.get(endpoint, []):
        if draw(st.integers(0, 5)):  # mostly present
            if name == "tags":
                values[name] = draw(st.lists(TEXT, min_size=1, max_size=2))
            elif name == "colour":
                values[name] = draw(st.sampled_from(["red", "dark blue", "green"]))
            elif name in ("n", "item"):
                values[name] = draw(st.one_of(st.integers(0, 99), st.just("7")))
            else:
                values[name] = draw(TEXT)
    values.update(draw(st.dictionaries(st.sampled_from(["q", "page", "lang", "n"]), VALUE,
                                       max_size=2)))
    for option, strategy in [
        ("_anchor", st.one_of(st.none(), TEXT)),
        ("_method", st.sampled_from([None, "GET", "POST"])),
        ("_external", st.sampled_from([None, True, False])),
        ("_scheme", st.sampled_from([None, None, "https", "http"])),
    ]:
        option_value = draw(strategy)
        if option_value is not None:
            values[option] = option_value
    return endpoint, values


CONFIGS = [
    ({}, {}),
    ({"SERVER_NAME": "example.test"}, {}),
    ({"APPLICATION_ROOT": "/root"}, {"environ_overrides": {"SCRIPT_NAME": "/mount"}}),
    ({"PREFERRED_URL_SCHEME": "https"}, {"base_url": "https://secure.test/app/"}),
]


def outcome(call: t.Callable[[], t.Any]) -> t.Any:
    try:
        return ("ok", call())
    except Exception as e:  # noqa: BLE001 - the error is the outcome
        return ("error", type(e).__name__, str(e))


def run(fw: types.ModuleType, config: dict[str, t.Any], request: dict[str, t.Any],
        sequence: list[tuple[str, dict[str, t.Any]]], blueprint_path: bool) -> list[t.Any]:
    app = build_app(fw, config)
    path = "/bp/list" if blueprint_path else "/"
    with app.test_request_context(path, **request):
        inside = [outcome(lambda: fw.url_for(e, **dict(v))) for e, v in sequence]
    with app.app_context():
        outside = [outcome(lambda: fw.url_for(e, **dict(v))) for e, v in sequence]
    return inside + outside


@pytest.mark.parametrize("config, request_kwargs", CONFIGS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sequence=st.lists(calls(), min_size=1, max_size=6), blueprint_path=st.booleans())
def test_url_for_matches_flask(
    config: dict[str, t.Any],
    request_kwargs: dict[str, t.Any],
    sequence: list[tuple[str, dict[str, t.Any]]],
    blueprint_path: bool,
) -> None:
    expected = run(flask, config, request_kwargs, sequence, blueprint_path)
    got = run(flaskfast, config, request_kwargs, sequence, blueprint_path)
    assert got == expected


def test_url_for_uses_the_builder(monkeypatch: pytest.MonkeyPatch) -> None:
    """White-box: plain rules are built by the kernel, not by werkzeug."""
    app = build_app(flaskfast, {})
    answered: list[str | None] = []
    fast_build = Map.fast_build

    def spy(self: Map, *args: t.Any) -> str | None:
        answered.append(fast_build(self, *args))
        return answered[-1]

    monkeypatch.setattr(Map, "fast_build", spy)
    with app.test_request_context("/"):
        assert flaskfast.url_for("user", name="a b", q=1) == "/u/a%20b/?q=1"
        assert flaskfast.url_for("page", n=1, _external=True) == "http://localhost/p/"
        assert flaskfast.url_for("tags", tags=["x", "y"]) == "/tags/x+y"
    assert answered == ["/u/a%20b/?q=1", "http://localhost/p/", "/tags/x+y"]


def test_rules_added_later_are_built() -> None:
    app = build_app(flaskfast, {})
    with app.test_request_context("/"):
        assert flaskfast.url_for("user", name="x") == "/u/x/"
        app.add_url_rule("/late/<name>", "late", lambda name: name)
        assert flaskfast.url_for("late", name="y") == "/late/y"
        # Sorted before the existing user rule for building (no variables).
        app.add_url_rule("/people/", "user", defaults={"name": "me"})
        assert flaskfast.url_for("user", name="me") == "/people/"
