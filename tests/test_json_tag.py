"""Tests for flaskfast.json.tag: tagged JSON used by the session cookie."""

from __future__ import annotations

import datetime
import typing as t
import uuid

import pytest
from markupsafe import Markup

from flaskfast.json.tag import JSONTag
from flaskfast.json.tag import PassDict
from flaskfast.json.tag import TagDict
from flaskfast.json.tag import TaggedJSONSerializer
from flaskfast.json.tag import TagTuple


@pytest.fixture
def s() -> TaggedJSONSerializer:
    return TaggedJSONSerializer()


UTC = datetime.timezone.utc


@pytest.mark.parametrize(
    "value",
    [
        "text",
        17,
        2.5,
        True,
        None,
        [1, "a", None],
        {"a": 1, "b": [True, False]},
        (1, "a"),
        [(1, 2), (3,)],
        {"tup": (1, (2, 3))},
        b"\x00\xffbytes",
        Markup("<em>hi</em>"),
        uuid.UUID("12345678-1234-5678-1234-567812345678"),
        datetime.datetime(2024, 2, 29, 13, 14, 15, tzinfo=UTC),
        {" t": [1, 2]},
        {" di": {" t": 1}},
        {" b__": "x"},
        {"_flashes": [("message", "saved"), ("error", "oops")]},
    ],
)
def test_round_trip(s: TaggedJSONSerializer, value: t.Any) -> None:
    assert s.loads(s.dumps(value)) == value


@pytest.mark.parametrize(
    ("value", "wire"),
    [
        ((1, 2), '{" t":[1,2]}'),
        (b"hi", '{" b":"aGk="}'),
        (Markup("<b>"), '{" m":"<b>"}'),
        (
            uuid.UUID("12345678-1234-5678-1234-567812345678"),
            '{" u":"12345678123456781234567812345678"}',
        ),
        (
            datetime.datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC),
            '{" d":"Thu, 02 Jan 2020 03:04:05 GMT"}',
        ),
        ({" t": 1}, '{" di":{" t__":1}}'),
        ({"a": (1,), "b": [b"x"]}, '{"a":{" t":[1]},"b":[{" b":"eA=="}]}'),
        ({"x": "plain", "n": 1}, '{"x":"plain","n":1}'),
    ],
)
def test_wire_format(s: TaggedJSONSerializer, value: t.Any, wire: str) -> None:
    # These strings are what Flask writes, so cookies are interchangeable.
    assert s.dumps(value) == wire
    assert s.loads(wire) == value


def test_naive_datetime_comes_back_aware_utc(s: TaggedJSONSerializer) -> None:
    rv = s.loads(s.dumps(datetime.datetime(2020, 1, 2, 3, 4, 5)))
    assert rv == datetime.datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_object_with_html_method_becomes_markup(s: TaggedJSONSerializer) -> None:
    class Widget:
        def __html__(self) -> str:
            return "<i>w</i>"

    rv = s.loads(s.dumps(Widget()))
    assert isinstance(rv, Markup)
    assert rv == Markup("<i>w</i>")


def test_loads_decodes_nested_tags_bottom_up(s: TaggedJSONSerializer) -> None:
    rv = s.loads('{"outer":[{" t":[{" b":"eA=="}]}]}')
    assert rv == {"outer": [(b"x",)]}


def test_unknown_marker_is_left_alone(s: TaggedJSONSerializer) -> None:
    assert s.loads('{" zz":1}') == {" zz": 1}


def test_default_registration() -> None:
    s = TaggedJSONSerializer()
    assert set(s.tags) == {" di", " t", " b", " m", " u", " d"}
    assert [type(tag) for tag in s.order] == TaggedJSONSerializer.default_tags
    assert all(tag.serializer is s for tag in s.order)


def test_duplicate_key_needs_force(s: TaggedJSONSerializer) -> None:
    class OtherTuple(TagTuple):
        __slots__ = ()

    with pytest.raises(KeyError, match="' t' is already registered"):
        s.register(OtherTuple)
    s.register(OtherTuple, force=True, index=0)
    assert isinstance(s.tags[" t"], OtherTuple)
    assert isinstance(s.order[0], OtherTuple)


def test_register_index_positions(s: TaggedJSONSerializer) -> None:
    class First(JSONTag):
        key = " 1"

    class Last(JSONTag):
        key = " 2"

    class Middle(JSONTag):
        key = " 3"

    n = len(s.order)
    s.register(First, index=0)
    s.register(Last)
    s.register(Middle, index=-1)
    assert isinstance(s.order[0], First)
    assert isinstance(s.order[-1], Last)
    assert isinstance(s.order[-2], Middle)
    assert len(s.order) == n + 3


def test_custom_tag_round_trip(s: TaggedJSONSerializer) -> None:
    class Money:
        def __init__(self, cents: int) -> None:
            self.cents = cents

    class TagMoney(JSONTag):
        __slots__ = ()
        key = " $"

        def check(self, value: t.Any) -> bool:
            return isinstance(value, Money)

        def to_json(self, value: t.Any) -> t.Any:
            return value.cents

        def to_python(self, value: t.Any) -> t.Any:
            return Money(value)

    s.register(TagMoney)
    assert s.dumps({"p": Money(250)}) == '{"p":{" $":250}}'
    rv = s.loads(s.dumps({"p": Money(250)}))
    assert isinstance(rv["p"], Money)
    assert rv["p"].cents == 250


def test_custom_tag_for_plain_type_is_honoured(s: TaggedJSONSerializer) -> None:
    # A custom tag may claim values of built-in scalar types.
    class TagBigInt(JSONTag):
        __slots__ = ()
        key = " big"

        def check(self, value: t.Any) -> bool:
            return isinstance(value, int) and value > 2**53

        def to_json(self, value: t.Any) -> t.Any:
            return str(value)

        def to_python(self, value: t.Any) -> t.Any:
            return int(value)

    s.register(TagBigInt, index=0)
    assert s.dumps([2**60, 5]) == '[{" big":"1152921504606846976"},5]'
    assert s.loads(s.dumps([2**60, 5])) == [2**60, 5]


def test_base_tag_methods_are_abstract() -> None:
    tag = JSONTag(None)  # type: ignore[arg-type]
    for method in (tag.check, tag.to_json, tag.to_python):
        with pytest.raises(NotImplementedError):
            method(None)


def test_tag_instances_use_slots(s: TaggedJSONSerializer) -> None:
    tag = s.tags[" t"]
    with pytest.raises(AttributeError):
        tag.extra = 1  # type: ignore[attr-defined]


def test_pass_tags_have_no_key() -> None:
    assert PassDict.key == ""
    assert TagDict.key == " di"


def test_dumps_in_app_context_sorts_keys() -> None:
    import flaskfast

    flask_cls = getattr(flaskfast, "Flask", None)
    if flask_cls is None:
        pytest.skip("flaskfast.Flask is not available yet")
    app = flask_cls("tag_app")
    s = TaggedJSONSerializer()
    with app.app_context():
        assert s.dumps({"b": 1, "a": (1,)}) == '{"a":{" t":[1]},"b":1}'


def test_dict_shortcut_matches_the_tag_order(s: TaggedJSONSerializer) -> None:
    values = [
        {"a": 1, "b": "x", "c": None, "d": 1.5, "e": True},
        {" t": [1, 2]},
        {"k": (1, b"\x01"), "m": Markup("<b>")},
        {"one": 1},
    ]
    for value in values:
        slow = next(tag for tag in s.order if tag.check(value)).tag(value)
        assert s.tag(value) == slow


def test_registered_tag_sees_plain_dicts_and_leaves(s: TaggedJSONSerializer) -> None:
    class TagCounter(JSONTag):
        __slots__ = ()
        key = " c"

        def check(self, value: t.Any) -> bool:
            return isinstance(value, dict) and value.get("kind") == "counter"

        def to_json(self, value: t.Any) -> t.Any:
            return value["n"]

        def to_python(self, value: t.Any) -> t.Any:
            return {"kind": "counter", "n": value}

    s.register(TagCounter, index=0)
    counter = {"kind": "counter", "n": 3}
    assert s.dumps(counter) == '{" c":3}'
    assert s.loads(s.dumps({"x": counter})) == {"x": counter}


@pytest.mark.parametrize(
    "text",
    ['{"a":1}', "[1,2]", " {}", "{} ", '{"a":', "[1,]", "\ufeff{}", "", '"s"', "{}x"],
)
def test_session_json_reader_matches_json_loads(text: str) -> None:
    import json

    from flaskfast.json.tag import _json_loads

    def outcome(func: t.Any) -> t.Any:
        try:
            return ("ok", func(text))
        except ValueError as e:
            return (type(e), str(e))

    assert outcome(_json_loads) == outcome(json.loads)
