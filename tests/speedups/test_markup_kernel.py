"""The ``markup`` kernel: :func:`escape` is :func:`markupsafe.escape`.

For generated text (with and without the five escaped characters, any code
point), integers, ``Markup``, objects with ``__html__`` and other objects,
each twin returns a ``Markup`` equal to markupsafe's, or raises what
markupsafe raises.
"""

from __future__ import annotations

import enum
import types
import typing as t

import markupsafe
import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

import flaskfast._speedups as speedups

from _twins import implementations

KERNELS = implementations("markup")


@pytest.fixture(scope="module", params=KERNELS, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def kernel(request: pytest.FixtureRequest) -> types.ModuleType:
    return request.param  # type: ignore[no-any-return]


def test_selected_kernel_is_one_of_the_twins() -> None:
    assert speedups.markup.__name__ in {m.__name__ for m in KERNELS}
    assert speedups.markup.__name__.endswith(
        "_c" if speedups.IMPLEMENTATION == "cython" else "_py"
    )


def test_pure_twin_is_markupsafe() -> None:
    from flaskfast._speedups import markup_py

    assert markup_py.escape is markupsafe.escape


class Html:
    def __html__(self) -> str:
        return "<b>safe</b>"


class Text:
    def __str__(self) -> str:
        return "a < b & 'c'"


class BadStr:
    def __str__(self) -> str:
        raise ValueError("no text")


class OwnMarkup(markupsafe.Markup):
    """A Markup subclass with its own ``__html__``: not the ``Markup`` path."""

    def __html__(self) -> str:
        return "own <html>"


class Color(enum.IntEnum):
    RED = 1


class Weird(str):
    """A str subclass: not the plain-``str`` path."""


def outcome(func: t.Callable[[], t.Any]) -> tuple[str, t.Any]:
    try:
        rv = func()
    except Exception as e:
        return ("raised", (type(e), str(e)))
    return ("returned", (type(rv), str(rv)))


SPECIAL = st.sampled_from(["&", "<", ">", "'", '"', "&amp;", "é", "\U0001f600", "\x00"])
TEXT = st.one_of(
    st.text(),
    st.lists(st.one_of(SPECIAL, st.text(max_size=3))).map("".join),
)
VALUES = st.one_of(
    TEXT,
    st.integers(),
    st.booleans(),
    st.floats(allow_nan=False),
    st.none(),
    TEXT.map(markupsafe.Markup),
    TEXT.map(Weird),
    TEXT.map(OwnMarkup),
    st.sampled_from([Html(), Text(), BadStr(), Color.RED, b"<bytes>", ["<x>"]]),
)


@settings(max_examples=300, deadline=None)
@given(value=VALUES)
def test_escape_is_markupsafes(kernel: types.ModuleType, value: t.Any) -> None:
    assert outcome(lambda: kernel.escape(value)) == outcome(lambda: markupsafe.escape(value))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("<a href='x'>&\"</a>", "&lt;a href=&#39;x&#39;&gt;&amp;&#34;&lt;/a&gt;"),
        ("plain", "plain"),
        ("", ""),
        (42, "42"),
        (-7, "-7"),
        (markupsafe.Markup("<i>"), "<i>"),
        (Html(), "<b>safe</b>"),
        (Text(), "a &lt; b &amp; &#39;c&#39;"),
        (OwnMarkup("x"), "own <html>"),
    ],
)
def test_escape_examples(kernel: types.ModuleType, value: t.Any, expected: str) -> None:
    rv = kernel.escape(value)
    assert type(rv) is markupsafe.Markup
    assert str.__str__(rv) == expected
