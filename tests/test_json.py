"""Tests for flaskfast.json and flaskfast.json.provider."""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import io
import json as stdjson
import typing as t
import uuid

import pytest
from markupsafe import Markup
from werkzeug.wrappers import Response

from flaskfast import json as ffjson
from flaskfast.json.provider import DefaultJSONProvider
from flaskfast.json.provider import JSONProvider


class FakeApp:
    """The two attributes a provider reads from its app."""

    response_class = Response

    def __init__(self, debug: bool = False) -> None:
        self.debug = debug


@dataclasses.dataclass
class Point:
    x: int
    y: int


# --- module functions outside an app context ---------------------------------


def test_dumps_without_app_keeps_key_order_and_escapes() -> None:
    assert ffjson.dumps({"b": 1, "a": "\u2603"}) == '{"b": 1, "a": "\\u2603"}'


def test_dumps_without_app_handles_extra_types() -> None:
    value = {
        "when": datetime.datetime(2021, 2, 1, 7, 15),
        "day": datetime.date(1975, 1, 5),
        "price": decimal.Decimal("0.003"),
        "id": uuid.UUID(int=1),
        "pt": Point(1, 2),
        "html": Markup("<b>x</b>"),
    }
    assert stdjson.loads(ffjson.dumps(value)) == {
        "when": "Mon, 01 Feb 2021 07:15:00 GMT",
        "day": "Sun, 05 Jan 1975 00:00:00 GMT",
        "price": "0.003",
        "id": "00000000-0000-0000-0000-000000000001",
        "pt": {"x": 1, "y": 2},
        "html": "<b>x</b>",
    }


def test_aware_datetime_is_converted_to_gmt() -> None:
    tz = datetime.timezone(datetime.timedelta(hours=-8))
    dt = datetime.datetime(2017, 1, 1, 12, 34, 56, tzinfo=tz)
    assert ffjson.dumps(dt) == '"Sun, 01 Jan 2017 20:34:56 GMT"'


def test_unknown_type_raises_type_error() -> None:
    class Thing:
        pass

    with pytest.raises(TypeError, match="Object of type Thing is not JSON serializable"):
        ffjson.dumps(Thing())


def test_kwargs_reach_the_encoder_without_app() -> None:
    assert ffjson.dumps({"b": 1, "a": 2}, sort_keys=True) == '{"a": 2, "b": 1}'
    assert ffjson.dumps(object(), default=lambda o: "custom") == '"custom"'


def test_dump_load_roundtrip_without_app() -> None:
    buf = io.StringIO()
    ffjson.dump({"k": [1, 2]}, buf)
    buf.seek(0)
    assert ffjson.load(buf) == {"k": [1, 2]}
    assert ffjson.loads(b'{"x": 1}') == {"x": 1}


def test_loads_without_app_accepts_kwargs() -> None:
    assert ffjson.loads("1.5", parse_float=decimal.Decimal) == decimal.Decimal("1.5")


# --- provider ----------------------------------------------------------------


def test_base_provider_requires_dumps_and_loads() -> None:
    app = FakeApp()
    p = JSONProvider(app)  # type: ignore[arg-type]
    with pytest.raises(NotImplementedError):
        p.dumps(1)
    with pytest.raises(NotImplementedError):
        p.loads("1")


def test_base_provider_file_helpers_use_dumps_loads() -> None:
    class Upper(JSONProvider):
        def dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
            return stdjson.dumps(obj).upper()

        def loads(self, s: str | bytes, **kwargs: t.Any) -> t.Any:
            return ("loaded", s)

    app = FakeApp()

    p = Upper(app)  # type: ignore[arg-type]
    buf = io.StringIO()
    p.dump("abc", buf)
    assert buf.getvalue() == '"ABC"'
    assert p.load(io.StringIO("data")) == ("loaded", "data")
    rv = p.response(x="y")
    assert rv.mimetype == "application/json"
    assert rv.get_data() == b'{"X": "Y"}'


def test_provider_holds_app_weakly() -> None:
    import gc
    import weakref

    app = FakeApp()
    ref = weakref.ref(app)
    provider = DefaultJSONProvider(app)  # type: ignore[arg-type]
    del app
    gc.collect()
    assert ref() is None
    assert provider is not None


def test_default_provider_sorts_and_escapes_by_default() -> None:
    app = FakeApp()
    p = DefaultJSONProvider(app)  # type: ignore[arg-type]
    assert p.dumps({"b": 1, "a": "\u2603"}) == '{"a": "\\u2603", "b": 1}'
    p.ensure_ascii = False
    p.sort_keys = False
    assert p.dumps({"b": 1, "a": "\u2603"}) == '{"b": 1, "a": "\u2603"}'


def test_default_provider_default_can_be_replaced_per_instance() -> None:
    app = FakeApp()
    p = DefaultJSONProvider(app)  # type: ignore[arg-type]

    def default(o: t.Any) -> t.Any:
        if isinstance(o, set):
            return sorted(o)
        return DefaultJSONProvider.default(o)

    p.default = default  # type: ignore[method-assign]
    assert p.dumps({"s": {3, 1}, "d": decimal.Decimal("2")}) == '{"d": "2", "s": [1, 3]}'


@pytest.mark.parametrize(
    ("args", "kwargs", "body"),
    [
        ((), {}, b"null\n"),
        ((5,), {}, b"5\n"),
        ((1, "a"), {}, b'[1,"a"]\n'),
        (([1, 2],), {}, b"[1,2]\n"),
        ((), {"b": 2, "a": 1}, b'{"a":1,"b":2}\n'),
    ],
)
def test_response_compact_outside_debug(
    args: tuple[t.Any, ...], kwargs: dict[str, t.Any], body: bytes
) -> None:
    app = FakeApp(debug=False)
    p = DefaultJSONProvider(app)  # type: ignore[arg-type]
    rv = p.response(*args, **kwargs)
    assert isinstance(rv, Response)
    assert rv.mimetype == "application/json"
    assert rv.get_data() == body


def test_response_indented_in_debug() -> None:
    app = FakeApp(debug=True)
    p = DefaultJSONProvider(app)  # type: ignore[arg-type]
    assert p.response({"a": [1]}).get_data() == b'{\n  "a": [\n    1\n  ]\n}\n'


@pytest.mark.parametrize(
    ("compact", "debug", "body"),
    [
        (True, True, b'{"a":1}\n'),
        (False, False, b'{\n  "a": 1\n}\n'),
        (None, False, b'{"a":1}\n'),
    ],
)
def test_response_compact_setting(compact: bool | None, debug: bool, body: bytes) -> None:
    app = FakeApp(debug=debug)
    p = DefaultJSONProvider(app)  # type: ignore[arg-type]
    p.compact = compact
    assert p.response(a=1).get_data() == body


def test_response_mimetype_setting() -> None:
    app = FakeApp()
    p = DefaultJSONProvider(app)  # type: ignore[arg-type]
    p.mimetype = "application/vnd.api+json"
    assert p.response(1).mimetype == "application/vnd.api+json"


def test_response_rejects_args_and_kwargs() -> None:
    app = FakeApp()
    p = DefaultJSONProvider(app)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="either args or kwargs, not both"):
        p.response(1, a=2)


def test_response_uses_app_response_class() -> None:
    class MyResponse(Response):
        pass

    app = FakeApp()
    app.response_class = MyResponse
    p = DefaultJSONProvider(app)  # type: ignore[arg-type]
    assert type(p.response(1)) is MyResponse


# --- through the application ------------------------------------------------


def _app_or_skip() -> t.Any:
    import flaskfast

    flask_cls = getattr(flaskfast, "Flask", None)
    if flask_cls is None:
        pytest.skip("flaskfast.Flask is not available yet")
    app = flask_cls("json_app")
    app.config["TESTING"] = True
    return app


def test_module_functions_follow_app_provider() -> None:
    app = _app_or_skip()

    class Shouting(DefaultJSONProvider):
        def dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
            return super().dumps(obj, **kwargs).upper()

        def loads(self, s: str | bytes, **kwargs: t.Any) -> t.Any:
            return ["custom", super().loads(s, **kwargs)]

    app.json = Shouting(app)
    with app.app_context():
        assert ffjson.dumps({"b": "x", "a": 1}) == '{"A": 1, "B": "X"}'
        assert ffjson.loads("1") == ["custom", 1]
        buf = io.StringIO()
        ffjson.dump("q", buf)
        assert buf.getvalue() == '"Q"'
        assert ffjson.load(io.StringIO("2")) == ["custom", 2]
    # Outside the context the plain behaviour is back.
    assert ffjson.dumps({"b": "x"}) == '{"b": "x"}'


def test_app_json_is_default_provider_sorted() -> None:
    app = _app_or_skip()
    assert isinstance(app.json, DefaultJSONProvider)
    with app.app_context():
        assert ffjson.dumps({"b": 1, "a": 2}) == '{"a": 2, "b": 1}'


def test_jsonify_requires_app_context() -> None:
    _app_or_skip()
    with pytest.raises(RuntimeError, match="application context"):
        ffjson.jsonify(1)


def test_jsonify_in_views() -> None:
    app = _app_or_skip()

    @app.route("/kw")
    def kw() -> t.Any:
        return ffjson.jsonify(when=datetime.date(2020, 5, 17), n=decimal.Decimal("1.5"))

    @app.route("/args")
    def args() -> t.Any:
        return ffjson.jsonify(1, "two", None)

    client = app.test_client()
    rv = client.get("/kw")
    assert rv.status_code == 200
    assert rv.mimetype == "application/json"
    assert rv.get_json() == {"n": "1.5", "when": "Sun, 17 May 2020 00:00:00 GMT"}
    assert rv.get_data() == b'{"n":"1.5","when":"Sun, 17 May 2020 00:00:00 GMT"}\n'
    assert client.get("/args").get_json() == [1, "two", None]


def test_jsonify_indents_in_debug() -> None:
    app = _app_or_skip()
    app.debug = True

    @app.route("/")
    def index() -> t.Any:
        return ffjson.jsonify(b=1, a=2)

    assert app.test_client().get("/").get_data() == b'{\n  "a": 2,\n  "b": 1\n}\n'


def test_request_json_uses_custom_loads() -> None:
    app = _app_or_skip()

    class Tagged(DefaultJSONProvider):
        def loads(self, s: str | bytes, **kwargs: t.Any) -> t.Any:
            kwargs.setdefault("parse_float", decimal.Decimal)
            return super().loads(s, **kwargs)

    app.json = Tagged(app)

    from flaskfast.globals import request

    @app.route("/", methods=["POST"])
    def index() -> t.Any:
        return type(request.get_json()["v"]).__name__

    rv = app.test_client().post("/", data='{"v": 0.1}', content_type="application/json")
    assert rv.get_data() == b"Decimal"
