"""Each compiled kernel against its pure twin, on representative input.

Run: ``pytest bench/test_kernels.py --benchmark-group-by=group``.  Every group
holds one ``py`` and one ``c`` benchmark; the ``c`` ones skip when the
kernels are not built.  The request pipeline (one module, compiled or not)
has no twin here: ``bench/test_bench.py`` measures whole requests.
"""

from __future__ import annotations

import importlib
import typing as t
from types import ModuleType

import pytest
from werkzeug.datastructures import Headers
from werkzeug.exceptions import NotFound

import flaskfast

TWINS = ("py", "c")


def kernel(name: str, twin: str) -> ModuleType:
    if twin == "c":
        return pytest.importorskip(f"flaskfast._speedups.{name}_c")
    return importlib.import_module(f"flaskfast._speedups.{name}_py")


@pytest.fixture(scope="module")
def app() -> flaskfast.Flask:
    app = flaskfast.Flask("bench_kernels")
    app.add_url_rule("/", "index", lambda: "")
    return app


HEADER_CASES = {
    "plain": Headers([("Content-Type", "text/html; charset=utf-8"), ("Content-Length", "13")]),
    "five": Headers([
        ("Content-Type", "text/html; charset=utf-8"), ("Set-Cookie", "session=abc; Path=/"),
        ("Vary", "Cookie"), ("Cache-Control", "no-cache"), ("X-Item-Id", "42"),
    ]),
}


@pytest.mark.parametrize("twin", TWINS)
@pytest.mark.parametrize("case", sorted(HEADER_CASES))
def test_headers(benchmark: t.Any, case: str, twin: str) -> None:
    mod = kernel("headers", twin)
    items = HEADER_CASES[case]
    benchmark.group = f"headers-{case}"
    result = benchmark(mod.wsgi_header_list, items, 200, 13)
    assert result is not None and len(result) >= 2


VIEW_RETURNS: dict[str, t.Callable[[], t.Any]] = {
    "str": lambda: "Hello, World!",
    "str_status": lambda: ("created", 201),
    "str_status_headers": lambda: ("created", 201, {"X-Item-Id": "42"}),
    "dict": lambda: {"message": "hi", "items": [1, 2, 3]},
    "not_found": NotFound,
}


@pytest.mark.parametrize("twin", TWINS)
@pytest.mark.parametrize("case", sorted(VIEW_RETURNS))
def test_response(benchmark: t.Any, app: flaskfast.Flask, case: str, twin: str) -> None:
    mod = kernel("response", twin)
    make = VIEW_RETURNS[case]
    benchmark.group = f"response-{case}"
    with app.test_request_context("/"):
        rv = benchmark(lambda: mod.make_response(app, make()))
    assert rv.status_code in (200, 201, 404)


PLAIN_BINDING_CASES = {
    "host": ("localhost:5000", None, "http"),
    "server_name": (None, "localhost", "http"),
    "long_host": ("a" * 60 + ".example.com", None, "https"),
}


@pytest.mark.parametrize("twin", TWINS)
@pytest.mark.parametrize("case", sorted(PLAIN_BINDING_CASES))
def test_plain_binding(benchmark: t.Any, case: str, twin: str) -> None:
    mod = kernel("router", twin)
    benchmark.group = f"router-plain-binding-{case}"
    assert benchmark(mod.plain_binding, *PLAIN_BINDING_CASES[case]) is True


BUILD_CASES = {
    "static": ("index", {}),
    "int": ("item", {"item_id": 42}),
    "string_and_query": ("user", {"name": "alice", "tab": "posts"}),
}


@pytest.mark.parametrize("twin", TWINS)
@pytest.mark.parametrize("case", sorted(BUILD_CASES))
def test_build(benchmark: t.Any, case: str, twin: str) -> None:
    from werkzeug.routing import Rule

    from flaskfast.routing import Map

    mod = kernel("builder", twin)
    url_map = Map([
        Rule("/", endpoint="index"),
        Rule("/item/<int:item_id>", endpoint="item"),
        Rule("/user/<name>", endpoint="user"),
    ])
    adapter = url_map.bind("localhost")
    builder = url_map._ff_compile_builder(mod)
    endpoint, values = BUILD_CASES[case]
    benchmark.group = f"builder-{case}"
    url = benchmark(builder.build, adapter, endpoint, values)
    assert url == adapter.build(endpoint, values)
