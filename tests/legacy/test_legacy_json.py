"""Sections 1 and 2 of the table: the older JSON API.  ``JSONEncoder`` /
``JSONDecoder``, ``htmlsafe_dump(s)``, ``app.json_encoder`` /
``json_decoder``, the ``JSON_*`` keys (building block M3), and the rows
that stay as in Flask 3.1 (limit 9, 13, 14)."""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import io
import json
import sys
import uuid
import warnings

import flask
import pytest
from markupsafe import Markup

import flaskfast
from flaskfast.json.provider import DefaultJSONProvider
from flaskfast.legacy import LegacyJSONProvider
from flaskfast.legacy import SimpleJSONProvider


class Point:
    def __init__(self, x: int, y: int) -> None:
        self.x, self.y = x, y


def _quiet(name: str):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return getattr(flaskfast.json, name)


def test_json_encoder_knows_flask_types(warns_once) -> None:
    JSONEncoder = flaskfast.json.JSONEncoder  # importing does not warn
    with warns_once("flask.json.JSONEncoder", "DefaultJSONProvider"):
        encoder = JSONEncoder()
    assert isinstance(encoder, json.JSONEncoder)

    @dataclasses.dataclass
    class D:
        a: int

    u = uuid.UUID(int=1)
    value = {
        "d": datetime.datetime(2020, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc),
        "u": u,
        "m": Markup("<b>"),
        "n": decimal.Decimal("1.5"),
        "dc": D(1),
    }
    assert json.loads(encoder.encode(value)) == {
        "d": "Thu, 02 Jan 2020 03:04:05 GMT",
        "u": str(u),
        "m": "<b>",
        "n": "1.5",
        "dc": {"a": 1},
    }


def test_json_encoder_subclass_default_wins_in_dumps(app, warns_once) -> None:
    """``flask.json.dumps(obj, cls=Encoder)`` with a custom ``default``:
    Flask 3.1 raises TypeError (the provider's ``default=`` wins); the
    layer makes the subclass's method win, as the 0.12 docs show."""
    with warns_once("Subclassing flask.json.JSONEncoder"):

        class Encoder(flaskfast.json.JSONEncoder):
            def default(self, o):
                if isinstance(o, Point):
                    return [o.x, o.y]
                return super().default(o)

    with app.app_context():
        assert flaskfast.json.dumps({"p": Point(1, 2)}, cls=Encoder) == '{"p": [1, 2]}'
        # Flask's own types still go through the base class.
        assert flaskfast.json.dumps(uuid.UUID(int=0), cls=Encoder) == '"%s"' % uuid.UUID(int=0)
    assert flaskfast.json.dumps(Point(3, 4), cls=Encoder) == "[3, 4]"

    # What Flask 3.1.3 does with a plain json.JSONEncoder subclass.
    class Plain(json.JSONEncoder):
        def default(self, o):
            return [o.x, o.y]

    real = flask.Flask(__name__)
    with real.app_context(), pytest.raises(TypeError):
        flask.json.dumps(Point(1, 2), cls=Plain)


def test_json_decoder(warns_once) -> None:
    with warns_once("flask.json.JSONDecoder", "loads()"):
        decoder = flaskfast.json.JSONDecoder()
    assert decoder.decode('{"a": 1}') == {"a": 1}
    with warns_once("Subclassing flask.json.JSONDecoder"):

        class Decoder(flaskfast.json.JSONDecoder):
            pass

    assert json.loads("[1]", cls=Decoder) == [1]


def test_htmlsafe_dumps(app, warns_once) -> None:
    with warns_once("htmlsafe_dumps", "htmlsafe_json_dumps"):
        htmlsafe_dumps = flaskfast.json.htmlsafe_dumps
    rv = htmlsafe_dumps({"a": "</script>&'"})
    assert isinstance(rv, Markup)
    assert rv == '{"a": "\\u003c/script\\u003e\\u0026\\u0027"}'
    with warns_once("htmlsafe_dump", "htmlsafe_json_dumps"):
        htmlsafe_dump = flaskfast.json.htmlsafe_dump
    buf = io.StringIO()
    htmlsafe_dump(["<"], buf)
    assert buf.getvalue() == '["\\u003c"]'


def test_app_json_encoder_assignment(app, warns_once) -> None:
    class Encoder(json.JSONEncoder):
        def default(self, o):
            if isinstance(o, Point):
                return {"x": o.x, "y": o.y}
            return super().default(o)

    assert type(app.json) is DefaultJSONProvider
    with warns_once("app.json_encoder = ...", "app.json = MyProvider(app)"):
        app.json_encoder = Encoder
    assert isinstance(app.json, LegacyJSONProvider)
    with warns_once("app.json_encoder"):
        assert app.json_encoder is Encoder

    @app.route("/")
    def index():
        return flaskfast.jsonify(p=Point(1, 2))

    assert app.test_client().get("/").get_json() == {"p": {"x": 1, "y": 2}}
    # 2.2's rule: an encoder with its own default() is not given default=,
    # so a plain json.JSONEncoder subclass knows no Flask types.
    with app.app_context(), pytest.raises(TypeError, match="date"):
        flaskfast.json.dumps(datetime.date(2020, 1, 2))


def test_app_json_encoder_keeps_flask_types_when_subclassing_flask_encoder(app) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)

        class Encoder(flaskfast.json.JSONEncoder):
            def default(self, o):
                if isinstance(o, Point):
                    return {"x": o.x}
                return super().default(o)

        app.json_encoder = Encoder

    @app.route("/")
    def index():
        return flaskfast.jsonify(p=Point(1, 2), when=datetime.date(2020, 1, 2))

    assert app.test_client().get("/").get_json() == {
        "p": {"x": 1},
        "when": "Thu, 02 Jan 2020 00:00:00 GMT",
    }


def test_app_json_decoder(app, warns_once) -> None:
    class Decoder(json.JSONDecoder):
        def __init__(self, **kwargs):
            kwargs["parse_int"] = lambda s: int(s) * 10
            super().__init__(**kwargs)

    with warns_once("app.json_decoder = ..."):
        app.json_decoder = Decoder

    @app.post("/")
    def index():
        return repr(flaskfast.request.get_json())

    assert app.test_client().post("/", json={"n": 2}).text == "{'n': 20}"
    with app.app_context():
        assert flaskfast.json.loads("[1]") == [10]


def test_default_json_encoder_class_reads_as_the_legacy_encoder(app, warns_once) -> None:
    with warns_once("app.json_encoder"):
        assert app.json_encoder is _quiet("JSONEncoder")
    with warns_once("app.json_decoder"):
        assert app.json_decoder is _quiet("JSONDecoder")
    assert type(app.json) is DefaultJSONProvider  # reading switches nothing


def test_subclass_json_encoder_class_attribute(warns_once) -> None:
    class Encoder(json.JSONEncoder):
        def default(self, o):
            return "point"

    with warns_once("MyApp.json_encoder", "json_provider_class"):

        class MyApp(flaskfast.Flask):
            json_encoder = Encoder

    assert MyApp.json_provider_class is LegacyJSONProvider
    app = MyApp(__name__)
    with app.app_context():
        assert flaskfast.json.dumps(Point(0, 0)) == '"point"'


def test_custom_provider_wins_over_legacy_encoder_with_a_warning(app) -> None:
    """Limit 14: with a 3.x custom provider, the legacy encoder is ignored
    and says so."""

    class Provider(DefaultJSONProvider):
        pass

    app.json = Provider(app)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        app.json_encoder = json.JSONEncoder
    assert [str(w.message) for w in caught if "custom provider (Provider)" in str(w.message)]
    assert type(app.json) is Provider


@pytest.mark.parametrize(
    ("key", "value", "check"),
    [
        ("JSON_AS_ASCII", False, lambda rv: rv.data == '{"a":"é"}\n'.encode()),
        ("JSON_SORT_KEYS", False, lambda rv: rv.data == b'{"b":1,"a":"\\u00e9"}\n'),
        ("JSONIFY_PRETTYPRINT_REGULAR", True, lambda rv: b'\n  "a"' in rv.data),
        ("JSONIFY_MIMETYPE", "application/vnd.x+json", lambda rv: rv.mimetype == "application/vnd.x+json"),
    ],
)
def test_json_config_keys(app, warns_once, key, value, check) -> None:
    @app.route("/")
    def index():
        if key == "JSON_SORT_KEYS":
            return flaskfast.jsonify({"b": 1, "a": "é"})
        return flaskfast.jsonify(a="é")

    with warns_once(f"config['{key}']", "app.json."):
        app.config[key] = value
    assert isinstance(app.json, LegacyJSONProvider)
    assert check(app.test_client().get("/"))


def test_json_keys_through_update_and_from_mapping(app, warns_once) -> None:
    with warns_once("JSON_SORT_KEYS"):
        app.config.update(JSON_SORT_KEYS=False)
    with app.app_context():
        assert flaskfast.json.dumps({"b": 1, "a": 2}) == '{"b": 1, "a": 2}'
    other = flaskfast.Flask("other")
    with warns_once("JSON_AS_ASCII"):
        other.config.from_mapping({"JSON_AS_ASCII": False})
    with other.app_context():
        assert flaskfast.json.dumps("é") == '"é"'


def test_json_keys_have_no_effect_on_flask_without_the_layer() -> None:
    """What Flask 3.1.3 does: the key is silently ignored."""
    real = flask.Flask(__name__)
    real.config["JSON_SORT_KEYS"] = False
    with real.app_context():
        assert flask.json.dumps({"b": 1, "a": 2}) == '{"a": 2, "b": 1}'


def test_jsonify_format_defaults_unchanged(app) -> None:
    """Limit 9: compact unless debug, whatever the X-Requested-With header."""

    @app.route("/")
    def index():
        return flaskfast.jsonify(a=1)

    headers = {"X-Requested-With": "XMLHttpRequest"}
    assert app.test_client().get("/").data == b'{"a":1}\n'
    assert app.test_client().get("/", headers=headers).data == b'{"a":1}\n'
    app.debug = True
    assert app.test_client().get("/").data == b'{\n  "a": 1\n}\n'


def test_dumps_outside_a_context_is_unsorted_as_in_flask() -> None:
    """Limit 9: no automatic shim; pass sort_keys=True."""
    assert flaskfast.json.dumps({"b": 1, "a": 2}) == flask.json.dumps({"b": 1, "a": 2})
    assert flaskfast.json.dumps({"b": 1, "a": 2}, sort_keys=True) == '{"a": 2, "b": 1}'


def test_simplejson_is_opt_in_only(app, monkeypatch) -> None:
    """Limit 13: never auto-detected; the opt-in provider needs the package."""
    monkeypatch.setitem(sys.modules, "simplejson", None)
    assert type(app.json) is DefaultJSONProvider
    with pytest.raises(ImportError, match="pip install simplejson"):
        SimpleJSONProvider(app)


def test_simplejson_provider_uses_simplejson(app, monkeypatch) -> None:
    import types

    fake = types.ModuleType("simplejson")
    calls = []

    def dumps(obj, **kwargs):
        calls.append(kwargs)
        return json.dumps(obj, **kwargs)

    fake.dumps = dumps
    fake.loads = json.loads
    monkeypatch.setitem(sys.modules, "simplejson", fake)
    app.json = SimpleJSONProvider(app)
    with app.app_context():
        assert flaskfast.json.dumps({"b": decimal.Decimal("1")}) == '{"b": "1"}'
        assert flaskfast.json.loads("[1]") == [1]
    assert calls and calls[0]["sort_keys"] is True
