"""The ``headers`` kernel: the header list for ``start_response``.

Whenever it answers (not ``None``) its list must be exactly what werkzeug's
``Response.get_wsgi_headers(environ).to_wsgi_list()`` gives for the same
headers, status and buffered body.  Every available twin is checked.
"""

from __future__ import annotations

import importlib
import types
import typing as t

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from werkzeug.datastructures import Headers
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Response as WerkzeugResponse

import flaskfast._speedups as speedups


def _implementations(name: str) -> list[types.ModuleType]:
    found = [importlib.import_module(f"flaskfast._speedups.{name}_py")]
    try:
        found.append(importlib.import_module(f"flaskfast._speedups.{name}_c"))
    except ImportError:
        pass
    return found


KERNELS = _implementations("headers")


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
