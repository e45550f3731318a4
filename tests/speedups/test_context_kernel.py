"""The ``context`` kernel: binding and unbinding application and request
contexts, with teardown and signals.  Every available twin is checked by
driving it directly with real context objects."""

from __future__ import annotations

import io
import types
import typing as t

import pytest
from werkzeug.test import EnvironBuilder

from _twins import implementations

import flaskfast
import flaskfast._speedups as speedups
from flaskfast.globals import _cv_app
from flaskfast.globals import _cv_request


KERNELS = implementations("context")


@pytest.fixture(params=KERNELS, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def kernel(request: pytest.FixtureRequest) -> types.ModuleType:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def app() -> flaskfast.Flask:
    return flaskfast.Flask("kernel_app")


def test_selected_kernel_is_one_of_the_twins() -> None:
    assert speedups.context.__name__ in {m.__name__ for m in KERNELS}


def test_ctx_module_uses_the_kernel_sentinel() -> None:
    assert flaskfast.ctx._sentinel is speedups.context.SENTINEL


def test_app_push_pop_binds_and_tears_down(kernel: types.ModuleType, app: flaskfast.Flask) -> None:
    torn: list[t.Any] = []
    app.teardown_appcontext(torn.append)
    ctx = app.app_context()
    kernel.app_push(ctx)
    assert _cv_app.get() is ctx
    kernel.app_push(ctx)
    kernel.app_pop(ctx, None)
    assert torn == []
    assert _cv_app.get() is ctx
    kernel.app_pop(ctx, None)
    assert torn == [None]
    assert _cv_app.get(None) is None
    assert ctx._cv_tokens == []


def test_app_pop_with_sentinel_uses_current_exception(kernel: types.ModuleType, app: flaskfast.Flask) -> None:
    torn: list[t.Any] = []
    app.teardown_appcontext(torn.append)
    ctx = app.app_context()
    kernel.app_push(ctx)
    try:
        raise LookupError("now")
    except LookupError:
        kernel.app_pop(ctx, kernel.SENTINEL)
    assert isinstance(torn[0], LookupError)

    kernel.app_push(ctx)
    kernel.app_pop(ctx, kernel.SENTINEL)
    assert torn[1] is None


def test_app_pop_of_wrong_context_raises_and_unbinds(kernel: types.ModuleType, app: flaskfast.Flask) -> None:
    first, second = app.app_context(), app.app_context()
    kernel.app_push(first)
    kernel.app_push(second)
    with pytest.raises(AssertionError, match="wrong app context"):
        kernel.app_pop(first, None)
    # first's token was reset, so nothing of first or second stays bound.
    assert _cv_app.get(None) is None


def test_app_signals_are_sent_with_receivers(kernel: types.ModuleType, app: flaskfast.Flask) -> None:
    got: list[tuple[str, t.Any, bool]] = []

    def pushed(sender: t.Any, **kw: t.Any) -> None:
        got.append(("pushed", sender, _cv_app.get(None) is not None))

    def popped(sender: t.Any, **kw: t.Any) -> None:
        got.append(("popped", sender, _cv_app.get(None) is not None))

    ctx = app.app_context()
    with flaskfast.appcontext_pushed.connected_to(pushed, app), \
            flaskfast.appcontext_popped.connected_to(popped, app):
        kernel.app_push(ctx)
        kernel.app_pop(ctx, None)
    assert got == [("pushed", app, True), ("popped", app, False)]


def test_teardown_error_still_unbinds(kernel: types.ModuleType, app: flaskfast.Flask) -> None:
    @app.teardown_appcontext
    def broken(exc: t.Any) -> None:
        raise RuntimeError("teardown")

    ctx = app.app_context()
    kernel.app_push(ctx)
    with pytest.raises(RuntimeError, match="teardown"):
        kernel.app_pop(ctx, None)
    assert _cv_app.get(None) is None


def test_request_push_creates_app_context_when_needed(kernel: types.ModuleType, app: flaskfast.Flask) -> None:
    ctx = app.test_request_context("/k")
    kernel.request_push(ctx)
    assert _cv_request.get() is ctx
    app_ctx = _cv_app.get()
    assert app_ctx.app is app
    environ = ctx.request.environ
    assert environ["werkzeug.request"] is ctx.request
    kernel.request_pop(ctx, None)
    assert _cv_request.get(None) is None
    assert _cv_app.get(None) is None
    assert environ["werkzeug.request"] is None


def test_request_push_reuses_app_context_of_same_app(kernel: types.ModuleType, app: flaskfast.Flask) -> None:
    app_ctx = app.app_context()
    app_ctx.push()
    try:
        ctx = app.test_request_context()
        kernel.request_push(ctx)
        assert _cv_app.get() is app_ctx
        kernel.request_pop(ctx, None)
        assert _cv_app.get() is app_ctx
    finally:
        app_ctx.pop()


def test_request_push_for_other_app_pushes_its_own(kernel: types.ModuleType, app: flaskfast.Flask) -> None:
    other = flaskfast.Flask("other_app")
    with other.app_context() as other_ctx:
        ctx = app.test_request_context()
        kernel.request_push(ctx)
        assert _cv_app.get().app is app
        kernel.request_pop(ctx, None)
        assert _cv_app.get() is other_ctx


def test_request_pop_tears_down_and_closes_once(kernel: types.ModuleType, app: flaskfast.Flask) -> None:
    events: list[t.Any] = []
    app.teardown_request(lambda exc: events.append(("request", exc)))
    app.teardown_appcontext(lambda exc: events.append(("app", exc)))
    ctx = app.test_request_context(
        "/", method="POST", data={"f": (io.BytesIO(b"data"), "f.txt")}
    )
    kernel.request_push(ctx)
    stream = ctx.request.files["f"].stream
    kernel.request_push(ctx)
    kernel.request_pop(ctx, None)
    assert events == []
    assert not stream.closed
    assert ctx.request.environ["werkzeug.request"] is ctx.request
    error = ValueError("x")
    kernel.request_pop(ctx, error)
    assert events == [("request", error), ("app", error)]
    assert stream.closed


def test_request_pop_with_sentinel_uses_current_exception(kernel: types.ModuleType, app: flaskfast.Flask) -> None:
    seen: list[t.Any] = []
    app.teardown_request(seen.append)
    ctx = app.test_request_context()
    kernel.request_push(ctx)
    try:
        raise KeyError("k")
    except KeyError:
        kernel.request_pop(ctx, kernel.SENTINEL)
    assert isinstance(seen[0], KeyError)


def test_request_pop_of_wrong_context_raises(kernel: types.ModuleType, app: flaskfast.Flask) -> None:
    first = app.test_request_context("/1")
    second = app.test_request_context("/2")
    kernel.request_push(first)
    kernel.request_push(second)
    with pytest.raises(AssertionError, match="wrong request context"):
        kernel.request_pop(first, None)
    assert _cv_request.get(None) is None
    while _cv_app.get(None) is not None:
        _cv_app.get().pop()


def test_contexts_from_kernel_work_with_proxies(kernel: types.ModuleType, app: flaskfast.Flask) -> None:
    ctx = app.request_context(EnvironBuilder("/proxy").get_environ())
    kernel.request_push(ctx)
    try:
        assert flaskfast.request.path == "/proxy"
        assert flaskfast.current_app.name == "kernel_app"
        flaskfast.g.x = 1
        assert flaskfast.g.x == 1
    finally:
        kernel.request_pop(ctx, None)


def test_twins_produce_the_same_event_sequence(app: flaskfast.Flask) -> None:
    sequences = []
    for kernel in KERNELS:
        events: list[str] = []
        a = flaskfast.Flask("seq")
        a.teardown_request(lambda exc: events.append("teardown_request"))
        a.teardown_appcontext(lambda exc: events.append("teardown_appcontext"))

        def pushed(sender: t.Any, **kw: t.Any) -> None:
            events.append("pushed")

        def popped(sender: t.Any, **kw: t.Any) -> None:
            events.append("popped")

        with flaskfast.appcontext_pushed.connected_to(pushed, a), \
                flaskfast.appcontext_popped.connected_to(popped, a):
            ctx = a.test_request_context()
            kernel.request_push(ctx)
            kernel.request_pop(ctx, None)
        sequences.append(events)
    assert all(seq == sequences[0] for seq in sequences)
    assert sequences[0] == ["pushed", "teardown_request", "teardown_appcontext", "popped"]
