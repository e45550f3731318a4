"""Pins on the private werkzeug details the response kernel's shortcuts use.

The kernel assembles responses without werkzeug's constructor (setting the
attributes it would set, and ``Headers._list``), and pastes locations into
werkzeug's redirect page cut at the location.  These tests compare, for the
installed werkzeug, objects built that way with objects built by werkzeug's
public API, attribute by attribute, so that a werkzeug release changing any
of it fails here instead of making flaskfast silently diverge.  The kernel
makes the same comparison when it is imported and takes no shortcut whose
comparison fails; the last tests check that decision.
"""

from __future__ import annotations

import ast
import importlib.util
import pathlib
import types
import typing as t

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from werkzeug.datastructures import Headers
from werkzeug.exceptions import BadRequest
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import MethodNotAllowed
from werkzeug.exceptions import NotFound
from werkzeug.utils import redirect as werkzeug_redirect
from werkzeug.wrappers import Response as WerkzeugResponse

from _twins import implementations

import flaskfast

KERNELS = implementations("response")
SPEEDUPS = pathlib.Path(flaskfast.__file__).parent / "_speedups"


@pytest.fixture(params=KERNELS, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def kernel(request: pytest.FixtureRequest) -> types.ModuleType:
    return request.param  # type: ignore[no-any-return]


def assert_same_state(fast: t.Any, slow: t.Any) -> None:
    """``fast`` (assembled by the kernel) holds exactly what ``slow`` (built
    by werkzeug's public API) holds.  Two differences are the kernel's own
    and allowed: the ``_ff_plain`` send marker, and headers of the kernel's
    ``Headers`` subclass (which adds no instance attributes)."""
    assert type(fast) is type(slow)
    mine = {k: v for k, v in vars(fast).items() if k != "_ff_plain"}
    theirs = vars(slow)
    assert sorted(mine) == sorted(theirs)
    for name, value in mine.items():
        other = theirs[name]
        if name == "headers":
            assert type(other) is Headers
            assert type(value).__mro__[1] is Headers
            assert vars(value).keys() == vars(other).keys() == {"_list"}
            assert value._list == other._list
            assert [tuple(map(type, pair)) for pair in value._list] == [
                tuple(map(type, pair)) for pair in other._list
            ]
        else:
            assert type(value) is type(other), name
            assert value == other, name


CLASSES = [WerkzeugResponse, flaskfast.Response]


def test_every_shortcut_holds_for_the_installed_werkzeug(kernel: types.ModuleType) -> None:
    assert kernel.fast_paths() == {"build": True, "errors": True, "redirect": True}


def test_headers_keep_their_pairs_in_list() -> None:
    items = [("Content-Type", "text/plain"), ("X-A", "1")]
    headers = Headers(items)
    assert vars(headers) == {"_list": items}
    assert headers._list is not items


@pytest.mark.parametrize("cls", CLASSES)
@settings(max_examples=60, deadline=None)
@given(body=st.one_of(st.text(max_size=10), st.binary(max_size=10)))
def test_plain_response_is_the_constructed_object(cls: type, body: t.Any) -> None:
    for kernel in KERNELS:
        fast = kernel.plain_response(cls, body)
        assert "_ff_plain" in vars(fast)  # the shortcut was taken
        assert_same_state(fast, cls(body))


@pytest.mark.parametrize("cls", CLASSES)
@pytest.mark.parametrize("status", [200, 201, 204, 299, 404, 999])
@pytest.mark.parametrize("headers", [None, {"X-A": "1"}, [("X-B", "2"), ("X-B", "3")]])
def test_text_response_is_the_constructed_object(
    kernel: types.ModuleType, cls: type, status: int, headers: t.Any
) -> None:
    fast = kernel.text_response(cls, "body \u00e9", status, headers)
    assert fast is not None
    assert_same_state(fast, cls("body \u00e9", status=status, headers=headers))


@pytest.mark.parametrize("cls", CLASSES)
@pytest.mark.parametrize("mimetype", ["application/json", "text/csv", "application/x+json"])
def test_mimetype_response_is_the_constructed_object(
    kernel: types.ModuleType, cls: type, mimetype: str
) -> None:
    fast = kernel.mimetype_response(cls, '{"a": "\u00e9"}\n', mimetype)
    assert "_ff_plain" in vars(fast)
    assert_same_state(fast, cls('{"a": "\u00e9"}\n', mimetype=mimetype))


@pytest.mark.parametrize("cls", CLASSES)
@settings(max_examples=60, deadline=None)
@given(
    location=st.text(max_size=12).filter(lambda s: "\n" not in s and "\r" not in s),
    code=st.sampled_from([301, 302, 303, 307, 308, 200, 399]),
)
def test_redirect_response_is_werkzeugs_redirect(cls: type, location: str, code: int) -> None:
    for kernel in KERNELS:
        fast = kernel.redirect_response(cls, location, code)
        assert fast is not None
        try:
            slow = werkzeug_redirect(location, code, Response=cls)
        except UnicodeEncodeError:
            continue  # a lone surrogate: the kernel raised the same while encoding
        assert_same_state(fast, slow)


class Teapot(HTTPException):
    code = 418


ERRORS: list[t.Callable[[], HTTPException]] = [
    NotFound,
    lambda: NotFound("custom <description>\nsecond line"),
    lambda: MethodNotAllowed(["GET", "HEAD"]),
    MethodNotAllowed,
    BadRequest,
    Teapot,
]


@pytest.mark.parametrize("make", ERRORS)
def test_error_response_is_werkzeugs_page(kernel: types.ModuleType, make: t.Any) -> None:
    error = make()
    fast = kernel.error_response(WerkzeugResponse, error)
    assert fast is not None
    # force_type only relabels a werkzeug Response as the app's class.
    assert_same_state(fast, error.get_response())
    as_app_class = kernel.error_response(flaskfast.Response, error)
    assert_same_state(as_app_class, flaskfast.Response.force_type(error.get_response()))


# -- the kernels are leaves ----------------------------------------------------


def _imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            found.append((node.level, node.module or ""))
        elif isinstance(node, ast.Import):
            found.extend((0, alias.name) for alias in node.names)
    return found


def test_the_pure_kernel_imports_nothing_from_flaskfast() -> None:
    tree = ast.parse((SPEEDUPS / "response_py.py").read_text())
    for level, module in _imported_modules(tree):
        assert level == 0 and not module.startswith("flaskfast"), module


def test_the_compiled_kernel_source_imports_nothing_from_flaskfast() -> None:
    for line in (SPEEDUPS / "response_c.pyx").read_text().splitlines():
        stripped = line.strip()
        if stripped.startswith(("from ", "import ", "cimport ")):
            assert not stripped.startswith("from .") and "flaskfast" not in stripped, line


# -- the import-time decision ------------------------------------------------------


def _fresh_pure_kernel() -> types.ModuleType:
    """A separate copy of the pure kernel, imported now (it is a leaf, so it
    loads on its own)."""
    spec = importlib.util.spec_from_file_location(
        "_response_py_copy", SPEEDUPS / "response_py.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_changed_constructor_turns_the_shortcuts_off(monkeypatch: pytest.MonkeyPatch) -> None:
    original = WerkzeugResponse.__init__

    def init(self: t.Any, *args: t.Any, **kwargs: t.Any) -> None:
        original(self, *args, **kwargs)
        self.new_in_a_later_release = None

    monkeypatch.setattr(WerkzeugResponse, "__init__", init)
    module = _fresh_pure_kernel()
    assert module.fast_paths() == {"build": False, "errors": False, "redirect": False}
    built = module.plain_response(WerkzeugResponse, "x")
    assert "new_in_a_later_release" in vars(built)
    assert module.text_response(WerkzeugResponse, "x", 201, None) is None
    assert module.redirect_response(WerkzeugResponse, "/", 302) is None
    assert module.error_response(WerkzeugResponse, NotFound()) is None
    assert module.plain_head(WerkzeugResponse) is None
    assert "new_in_a_later_release" in vars(
        module.mimetype_response(WerkzeugResponse, "{}", "application/json")
    )


def _patch_redirect(monkeypatch: pytest.MonkeyPatch, extra: t.Callable[[str], bytes]) -> None:
    import werkzeug.utils

    def redirect(location: str, code: int = 302, Response: t.Any = None) -> t.Any:
        rv = werkzeug_redirect(location, code, Response)
        rv.set_data(rv.get_data() + extra(location))
        return rv

    monkeypatch.setattr(werkzeug.utils, "redirect", redirect)


def test_a_redirect_page_that_cannot_be_cut_turns_only_redirects_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _patch_redirect(monkeypatch, lambda location: location.encode())  # a third copy
    module = _fresh_pure_kernel()
    assert module.fast_paths() == {"build": True, "errors": True, "redirect": False}
    assert module.redirect_response(WerkzeugResponse, "/", 302) is None


def test_the_redirect_page_is_taken_from_werkzeug(monkeypatch: pytest.MonkeyPatch) -> None:
    _patch_redirect(monkeypatch, lambda location: b"<!-- new -->")
    module = _fresh_pure_kernel()
    assert module.fast_paths()["redirect"] is True
    import werkzeug.utils

    fast = module.redirect_response(WerkzeugResponse, "/a?b=<c>", 302)
    assert fast.get_data() == werkzeug.utils.redirect("/a?b=<c>", 302).get_data()
    assert fast.get_data().endswith(b"<!-- new -->")


def test_a_changed_error_page_layout_turns_only_error_pages_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    original = HTTPException.get_response

    def get_response(self: t.Any, environ: t.Any = None, scope: t.Any = None) -> t.Any:
        rv = original(self, environ, scope)
        rv.headers["X-New"] = "1"
        return rv

    monkeypatch.setattr(HTTPException, "get_response", get_response)
    module = _fresh_pure_kernel()
    assert module.fast_paths() == {"build": True, "errors": False, "redirect": True}
    assert module.error_response(WerkzeugResponse, NotFound()) is None


def test_werkzeug_response_close_only_closes_the_body_and_calls_on_close() -> None:
    # The pipeline skips Response.close for a list body with no call_on_close
    # functions: pinned to what werkzeug's close reads and does.
    from werkzeug.wrappers import Response

    assert Response.close.__code__.co_names == ("hasattr", "response", "close", "_on_close")
    closed: list[str] = []

    class Body(list):  # type: ignore[type-arg]
        def close(self) -> None:
            closed.append("body")

    response = Response(Body([b"x"]))
    response.call_on_close(lambda: closed.append("callback"))
    response.close()
    assert closed == ["body", "callback"]

