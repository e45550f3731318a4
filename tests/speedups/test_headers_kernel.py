"""The ``headers`` kernel: the header list for ``start_response``.

Whenever it answers (not ``None``) its list must be exactly what werkzeug's
``Response.get_wsgi_headers(environ).to_wsgi_list()`` gives for the same
headers, status and buffered body.  Every available twin is checked.
"""

from __future__ import annotations

import types
import typing as t

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from werkzeug.datastructures import EnvironHeaders
from werkzeug.datastructures import Headers
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Response as WerkzeugResponse

from _twins import implementations

import flaskfast._speedups as speedups


KERNELS = implementations("headers")


@pytest.fixture(params=KERNELS, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def kernel(request: pytest.FixtureRequest) -> types.ModuleType:
    return request.param  # type: ignore[no-any-return]


def test_selected_kernel_is_one_of_the_twins() -> None:
    assert speedups.headers.__name__ in {m.__name__ for m in KERNELS}
    assert speedups.headers.__name__.endswith("_c" if speedups.IMPLEMENTATION == "cython" else "_py")


def _werkzeug_list(
    items: list[tuple[str, str]], status: int, body: list[bytes] | None
) -> list[tuple[str, str]]:
    rv = WerkzeugResponse(body if body is not None else iter([b""]), status=status)
    rv.headers = Headers(items)
    environ = EnvironBuilder().get_environ()
    return rv.get_wsgi_headers(environ).to_wsgi_list()  # type: ignore[no-any-return]


header_items = st.lists(
    st.one_of(
        st.tuples(
            st.sampled_from(["X-A", "x-a", "Vary", "Content-Type", "Set-Cookie", "ETag"]),
            st.sampled_from(["1", "text/plain", "a=b; Path=/", ""]),
        ),
        st.tuples(
            st.sampled_from(["Content-Length", "content-length", "CONTENT-LENGTH"]),
            st.sampled_from(["0", "7", "123"]),
        ),
        st.tuples(
            st.sampled_from(["Location", "location", "Content-Location"]),
            st.sampled_from(["/a", "http://h.test/ü"]),
        ),
        st.tuples(
            st.sampled_from(["Expires", "Last-Modified", "Content-Encoding", "Allow"]),
            st.just("x"),
        ),
    ),
    max_size=7,
)
status_codes = st.sampled_from([100, 101, 102, 199, 200, 201, 204, 205, 206, 299, 301, 302, 304, 400, 404, 500, 599])
buffered_bodies = st.one_of(st.none(), st.lists(st.binary(max_size=9), max_size=4))


@settings(max_examples=250, deadline=None)
@given(items=header_items, status=status_codes, body=buffered_bodies)
def test_matches_werkzeug_whenever_it_answers(
    items: list[tuple[str, str]],
    status: int,
    body: list[bytes] | None,
) -> None:
    length = None if body is None else sum(len(chunk) for chunk in body)
    original = list(items)
    lowered = {name.lower() for name, _ in items}
    general_path = status == 304 or bool(lowered & {"location", "content-location"})
    for kernel in KERNELS:
        result = kernel.wsgi_header_list(items, status, length)
        assert items == original, "the input must not be modified"
        if general_path:
            assert result is None
        else:
            assert result == _werkzeug_list(items, status, body)


@pytest.mark.parametrize(
    "container",
    [list, tuple, Headers],
    ids=["list", "tuple", "Headers"],
)
def test_accepts_any_iterable_of_pairs(kernel: types.ModuleType, container: t.Any) -> None:
    items = container([("Content-Type", "text/plain"), ("X-Y", "z")])
    assert kernel.wsgi_header_list(items, 200, 4) == [
        ("Content-Type", "text/plain"),
        ("X-Y", "z"),
        ("Content-Length", "4"),
    ]


def test_returns_a_fresh_list(kernel: types.ModuleType) -> None:
    items = [("X-A", "1")]
    result = kernel.wsgi_header_list(items, 200, None)
    assert result == items
    assert result is not items


@pytest.mark.parametrize("status", [100, 101, 150, 199, 204])
def test_no_content_length_for_bodyless_statuses(kernel: types.ModuleType, status: int) -> None:
    items = [("Content-Length", "5"), ("X-A", "1"), ("content-length", "6")]
    assert kernel.wsgi_header_list(items, status, 5) == [("X-A", "1")]


def test_existing_content_length_is_kept_not_duplicated(kernel: types.ModuleType) -> None:
    items = [("content-length", "99"), ("X", "y")]
    assert kernel.wsgi_header_list(items, 200, 3) == items


def test_zero_length_body_gets_zero_length(kernel: types.ModuleType) -> None:
    assert kernel.wsgi_header_list([], 200, 0) == [("Content-Length", "0")]
    assert kernel.wsgi_header_list([], 200, None) == []


@pytest.mark.parametrize("name", ["Location", "LOCATION", "Content-Location", "content-location"])
def test_location_headers_need_the_general_path(kernel: types.ModuleType, name: str) -> None:
    assert kernel.wsgi_header_list([(name, "/x")], 302, 0) is None


def test_not_modified_needs_the_general_path(kernel: types.ModuleType) -> None:
    assert kernel.wsgi_header_list([], 304, 0) is None


def test_twins_agree() -> None:
    cases = [
        ([("A", "1"), ("Content-Length", "2")], 200, 2),
        ([("Content-Length", "2")], 204, 2),
        ([("Location", "/")], 301, 0),
        ([], 304, None),
        ([("A", "1")], 101, 10),
    ]
    for items, status, length in cases:
        results = {repr(k.wsgi_header_list(items, status, length)) for k in KERNELS}
        assert len(results) == 1


# -- locations ----------------------------------------------------------------


@settings(max_examples=250, deadline=None)
@given(items=header_items, status=status_codes, body=buffered_bodies)
def test_rewriting_locations_matches_werkzeug(
    items: list[tuple[str, str]],
    status: int,
    body: list[bytes] | None,
) -> None:
    length = None if body is None else sum(len(chunk) for chunk in body)
    for kernel in KERNELS:
        result = kernel.wsgi_header_list(items, status, length, True)
        if status == 304:
            assert result is None
        else:
            assert result == _werkzeug_list(items, status, body)


def test_last_location_wins_in_place_of_the_first(kernel: types.ModuleType) -> None:
    items = [("location", "/a"), ("X", "1"), ("Location", "/\u00e9"), ("Y", "2")]
    assert kernel.wsgi_header_list(items, 302, 0, True) == [
        ("Location", "/%C3%A9"),
        ("X", "1"),
        ("Y", "2"),
        ("Content-Length", "0"),
    ]


@pytest.mark.parametrize("value", ["http://[bad", "/a\r\nb", "http://a\x00b/"])
def test_locations_werkzeug_must_judge(kernel: types.ModuleType, value: str) -> None:
    assert kernel.wsgi_header_list([("Location", value)], 302, 0, True) is None


# -- validation ---------------------------------------------------------------

BAD_ITEMS = [
    ("X-A", "a\x00"),
    ("X-A", "a\r"),
    ("X-A", "\x7f"),
    ("X-A", "\u0100"),
    ("X-A", 5),
    ("Bad Name", "v"),
    ("", "v"),
    ("X\u00e9", "v"),
    (b"X-A", "v"),
    ("X-A\n", "v"),
]


@pytest.mark.parametrize("item", BAD_ITEMS)
def test_unsendable_items_take_the_general_path(
    kernel: types.ModuleType, item: tuple[t.Any, t.Any]
) -> None:
    assert kernel.wsgi_header_list([("X-Ok", "1"), item], 200, 3) is None


@pytest.mark.parametrize("item", BAD_ITEMS)
def test_check_header_list_names_the_first_bad_header(
    kernel: types.ModuleType, item: tuple[t.Any, t.Any]
) -> None:
    items = [("X-Ok", "1"), item, ("Bad Too", "\x00")]
    with pytest.raises(kernel.InvalidHeaderError) as info:
        kernel.check_header_list(items)
    assert isinstance(info.value, ValueError)
    assert info.value.name == item[0]
    assert repr(item[0]) in str(info.value)


@pytest.mark.parametrize("item", [["X-A", "v"], ("X-A",), ("X-A", "v", "w")])
def test_check_header_list_wants_pairs(kernel: types.ModuleType, item: t.Any) -> None:
    with pytest.raises(kernel.InvalidHeaderError, match="tuple"):
        kernel.check_header_list([item])


def test_check_header_list_accepts_what_werkzeug_sends(kernel: types.ModuleType) -> None:
    items = [("Content-Type", "text/html; charset=utf-8"), ("X", "\t\u00ff\u0080 ~")]
    kernel.check_header_list(items)
    kernel.check_header_list(iter(items))
    kernel.check_header_list([])


@pytest.mark.parametrize("status", ["200 OK", "299 UNKNOWN", "0 caf\u00e9", "404\tx"])
def test_good_status_lines(kernel: types.ModuleType, status: str) -> None:
    kernel.check_status(status)


@pytest.mark.parametrize("status", ["200 OK\r\n", "200 \u2603", "200\x00", 200, b"200 OK"])
def test_bad_status_lines(kernel: types.ModuleType, status: t.Any) -> None:
    with pytest.raises(kernel.InvalidHeaderError, match="status line") as info:
        kernel.check_status(status)
    assert info.value.name is None


def test_both_twins_raise_the_same_class() -> None:
    assert len({k.InvalidHeaderError for k in KERNELS}) == 1


# -- request headers from the environ -----------------------------------------

# Keys near "HTTP_COOKIE": other letter cases, other lengths, non-ASCII letters
# whose lower case is ASCII (KELVIN SIGN), and unrelated keys.
environ_keys = st.one_of(
    st.sampled_from(
        [
            "HTTP_COOKIE",
            "HTTP_Cookie",
            "HTTP_cookie",
            "HTTP_COOKIES",
            "HTTP_COOK\u212aE",
            "HTTP_COO\u212aIE",
            "HTTPSCOOKIE",
            "http_COOKIE",
            "HTTP_CO_KIE",
            "CONTENT_TYPE",
            "HTTP_ACCEPT",
            "PATH_INFO",
        ]
    ),
    st.text(min_size=0, max_size=12),
)


@settings(max_examples=300, deadline=None)
@given(pairs=st.lists(st.tuples(environ_keys, st.text(max_size=5)), max_size=8))
def test_environ_header_values_match_werkzeug(pairs: list[tuple[str, str]]) -> None:
    environ = dict(pairs)
    expected = EnvironHeaders(environ).getlist("Cookie")
    for kernel in KERNELS:
        assert kernel.environ_header_values(environ, "cookie") == expected


def test_environ_header_values_other_mappings(kernel: types.ModuleType) -> None:
    class Environ(dict):  # type: ignore[type-arg]
        pass

    environ = Environ(HTTP_COOKIE="a=1", HTTP_Cookie="b=2", HTTP_ACCEPT="x")
    assert kernel.environ_header_values(environ, "cookie") == ["a=1", "b=2"]
    assert kernel.environ_header_values(environ, "accept") == ["x"]
    assert kernel.environ_header_values({}, "cookie") == []


def test_environ_header_values_non_str_keys(kernel: types.ModuleType) -> None:
    # As werkzeug's own iteration does, a key without len() is an error.
    with pytest.raises((TypeError, AttributeError)):
        kernel.environ_header_values({1: "x"}, "cookie")
