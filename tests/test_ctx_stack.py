"""Pushing and popping application and request contexts, through the public
``AppContext`` / ``RequestContext`` classes, binds, unbinds, tears down and
signals exactly as Flask 3.1.3's do: checked on fixed examples for both
frameworks, and on generated sequences of pushes and pops (in any order,
with or without an exception, failing teardown functions and signal
receivers) against Flask itself.

The error raised for popping a context that is not the active one is an
``AssertionError`` naming both contexts in both frameworks; the wording
differs (Flask: ``Popped wrong app context. (<active> instead of <popped>)``,
flaskfast: ``Popped the wrong app context: <active> is active, not
<popped>.``), so only the type and the named contexts are compared.
"""

from __future__ import annotations

import contextvars
import io
import types
import typing as t

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from werkzeug.test import EnvironBuilder

import flaskfast
import flaskfast.ctx
from _flask_pair import FRAMEWORKS
from _flask_pair import fw_id
from flaskfast._speedups import pipeline


def bound(fw: types.ModuleType) -> tuple[t.Any, t.Any]:
    return fw.globals._cv_app.get(None), fw.globals._cv_request.get(None)


def unwind(fw: types.ModuleType) -> None:
    """Pop whatever a test left bound."""
    while fw.globals._cv_request.get(None) is not None:
        fw.globals._cv_request.get().pop()
    while fw.globals._cv_app.get(None) is not None:
        fw.globals._cv_app.get().pop()


def test_context_methods_are_the_pipeline_functions() -> None:
    assert flaskfast.ctx.AppContext.push is pipeline.app_ctx_push
    assert flaskfast.ctx.AppContext.pop is pipeline.app_ctx_pop
    assert flaskfast.ctx.RequestContext.push is pipeline.request_ctx_push
    assert flaskfast.ctx.RequestContext.pop is pipeline.request_ctx_pop
    assert flaskfast.Flask.wsgi_app is pipeline.wsgi_app
    assert flaskfast.Flask.app_context is pipeline.app_context


@pytest.mark.parametrize("fw", FRAMEWORKS, ids=fw_id)
def test_app_push_pop_binds_and_tears_down_once(fw: types.ModuleType) -> None:
    app = fw.Flask("stack")
    torn: list[t.Any] = []
    app.teardown_appcontext(torn.append)
    ctx = app.app_context()
    ctx.push()
    assert bound(fw) == (ctx, None)
    ctx.push()
    ctx.pop(None)
    assert torn == []
    assert bound(fw) == (ctx, None)
    ctx.pop(None)
    assert torn == [None]
    assert bound(fw) == (None, None)
    assert ctx._cv_tokens == []


@pytest.mark.parametrize("fw", FRAMEWORKS, ids=fw_id)
def test_pop_without_exception_argument_means_the_current_exception(fw: types.ModuleType) -> None:
    app = fw.Flask("stack")
    seen: list[t.Any] = []
    app.teardown_request(lambda exc: seen.append(("request", repr(exc))))
    app.teardown_appcontext(lambda exc: seen.append(("app", repr(exc))))
    ctx = app.app_context()
    ctx.push()
    try:
        raise LookupError("now")
    except LookupError:
        ctx.pop()
    ctx.push()
    ctx.pop()  # no exception being handled: None
    request_ctx = app.test_request_context()
    request_ctx.push()
    try:
        raise KeyError("k")
    except KeyError:
        request_ctx.pop()
    assert seen == [
        ("app", "LookupError('now')"),
        ("app", "None"),
        ("request", "KeyError('k')"),
        ("app", "KeyError('k')"),
    ]


@pytest.mark.parametrize("fw", FRAMEWORKS, ids=fw_id)
@pytest.mark.parametrize("kind", ["app", "request"])
def test_popping_the_wrong_context_raises_and_unbinds(fw: types.ModuleType, kind: str) -> None:
    app = fw.Flask("stack")
    if kind == "app":
        first, second = app.app_context(), app.app_context()
    else:
        first, second = app.test_request_context("/1"), app.test_request_context("/2")
    first.push()
    second.push()
    try:
        with pytest.raises(AssertionError) as info:
            first.pop(None)
        message = str(info.value)
        assert f"wrong {kind} context" in message
        assert repr(second) in message and repr(first) in message
        # first's token was reset: neither first nor second stays bound.
        assert bound(fw)[0 if kind == "app" else 1] is None
    finally:
        unwind(fw)


@pytest.mark.parametrize("fw", FRAMEWORKS, ids=fw_id)
def test_app_signals_are_sent_with_receivers(fw: types.ModuleType) -> None:
    app = fw.Flask("stack")
    got: list[tuple[str, t.Any, bool]] = []

    def pushed(sender: t.Any, **kw: t.Any) -> None:
        got.append(("pushed", sender, bound(fw)[0] is not None))

    def popped(sender: t.Any, **kw: t.Any) -> None:
        got.append(("popped", sender, bound(fw)[0] is not None))

    ctx = app.app_context()
    with fw.appcontext_pushed.connected_to(pushed, app), fw.appcontext_popped.connected_to(
        popped, app
    ):
        ctx.push()
        ctx.pop(None)
    assert got == [("pushed", app, True), ("popped", app, False)]


@pytest.mark.parametrize("fw", FRAMEWORKS, ids=fw_id)
@pytest.mark.parametrize("kind", ["app", "request"])
def test_a_failing_teardown_still_unbinds(fw: types.ModuleType, kind: str) -> None:
    app = fw.Flask("stack")

    def broken(exc: t.Any) -> None:
        raise RuntimeError("teardown")

    if kind == "app":
        app.teardown_appcontext(broken)
        ctx = app.app_context()
    else:
        app.teardown_request(broken)
        ctx = app.test_request_context()
    ctx.push()
    with pytest.raises(RuntimeError, match="teardown"):
        ctx.pop(None)
    assert bound(fw) == (None, None)


@pytest.mark.parametrize("fw", FRAMEWORKS, ids=fw_id)
def test_request_push_makes_and_pops_its_app_context(fw: types.ModuleType) -> None:
    app = fw.Flask("stack")
    ctx = app.request_context(EnvironBuilder("/k").get_environ())
    ctx.push()
    assert bound(fw)[1] is ctx
    assert bound(fw)[0].app is app
    assert fw.request.path == "/k"
    environ = ctx.request.environ
    assert environ["werkzeug.request"] is ctx.request
    ctx.pop(None)
    assert bound(fw) == (None, None)
    # The request's back-reference is dropped at the outermost pop.
    assert environ["werkzeug.request"] is None


@pytest.mark.parametrize("fw", FRAMEWORKS, ids=fw_id)
def test_request_push_reuses_the_active_app_context_of_its_app_only(fw: types.ModuleType) -> None:
    app = fw.Flask("stack")
    other = fw.Flask("other")
    with app.app_context() as app_ctx:
        ctx = app.test_request_context()
        ctx.push()
        assert bound(fw)[0] is app_ctx
        ctx.pop(None)
        assert bound(fw) == (app_ctx, None)
    with other.app_context() as other_ctx:
        ctx = app.test_request_context()
        ctx.push()
        assert bound(fw)[0].app is app
        ctx.pop(None)
        assert bound(fw) == (other_ctx, None)


@pytest.mark.parametrize("fw", FRAMEWORKS, ids=fw_id)
def test_request_pop_tears_down_and_closes_once(fw: types.ModuleType) -> None:
    app = fw.Flask("stack")
    events: list[t.Any] = []
    app.teardown_request(lambda exc: events.append(("request", exc)))
    app.teardown_appcontext(lambda exc: events.append(("app", exc)))
    ctx = app.test_request_context("/", method="POST", data={"f": (io.BytesIO(b"data"), "f.txt")})
    closes: list[int] = []
    ctx.push()
    stream = ctx.request.files["f"].stream
    close = ctx.request.close
    ctx.request.close = lambda: (closes.append(1), close())
    ctx.push()
    ctx.pop(None)
    assert events == [] and closes == []
    assert not stream.closed
    assert ctx.request.environ["werkzeug.request"] is ctx.request
    error = ValueError("x")
    ctx.pop(error)
    assert events == [("request", error), ("app", error)]
    assert closes == [1]
    assert stream.closed


def test_do_teardown_request_outside_a_request_context_matches_flask() -> None:
    # Also reached by popping a request context after a wrong-order pop left
    # no request context bound (see test_example_sequences_match_flask).
    outcomes = []
    for fw in FRAMEWORKS:
        app = fw.Flask("stack")
        seen: list[t.Any] = []
        app.teardown_request(seen.append)
        steps = []
        for scope in (None, app.app_context()):
            try:
                if scope is None:
                    app.do_teardown_request(None)
                else:
                    with scope:
                        app.do_teardown_request(None)
                steps.append(("ok", list(seen)))
            except RuntimeError as e:
                steps.append(("raised", str(e).splitlines()[0], list(seen)))
        outcomes.append(steps)
    assert outcomes[1] == outcomes[0]


# -- generated push/pop sequences, against Flask -----------------------------------


def run_sequence(
    fw: types.ModuleType, ops: list[tuple[str, int, str]], failing_teardown: bool, receivers: bool
) -> list[t.Any]:
    """Apply ``ops`` to four app and four request contexts of two apps built
    with ``fw``; return everything observable, step by step."""
    log: list[t.Any] = []

    def label(ctx: t.Any) -> str | None:
        return None if ctx is None else getattr(ctx, "label", "unlabelled")

    class RecordingApp(fw.Flask):  # type: ignore[name-defined,misc]
        made = 0

        def app_context(self) -> t.Any:
            ctx = super().app_context()
            self.made += 1
            ctx.label = f"{self.name}/auto{self.made}"
            return ctx

    def outcome(call: t.Callable[[], t.Any]) -> tuple[t.Any, ...]:
        try:
            call()
        except (AssertionError, LookupError) as e:
            # Flask's AssertionError wording differs (module docstring); a
            # LookupError names the context variable, whose name differs.
            return ("raised", type(e))
        except Exception as e:  # noqa: BLE001 - any exception is an outcome here
            return ("raised", type(e), str(e))
        return ("ok",)

    apps = [RecordingApp("a0"), RecordingApp("a1")]
    for app in apps:
        app.testing = True
        app.teardown_appcontext(
            lambda exc, name=app.name: log.append(("teardown_app", name, repr(exc)))
        )

        def req_down(exc: BaseException | None, name: str = app.name) -> None:
            log.append(("teardown_request", name, repr(exc)))
            if failing_teardown:
                raise RuntimeError(f"teardown failed in {name}")

        app.teardown_request(req_down)

    app_ctxs, req_ctxs = [], []
    for i in range(4):
        a = apps[i % 2].app_context()
        a.label = f"app{i}"
        app_ctxs.append(a)
        r = apps[i // 2].request_context({
            "REQUEST_METHOD": "GET", "PATH_INFO": f"/{i}", "SERVER_NAME": "localhost",
            "SERVER_PORT": "80", "wsgi.url_scheme": "http",
        })
        r.label = f"req{i}"
        req_ctxs.append(r)

    def pop(ctx: t.Any, how: str) -> None:
        if how == "none":
            ctx.pop(None)
        elif how == "error":
            ctx.pop(ValueError("boom"))
        elif how == "sentinel":
            ctx.pop()
        else:
            try:
                raise KeyError("handled")
            except KeyError:
                ctx.pop()

    def on_signal(name: str) -> t.Callable[..., None]:
        return lambda sender, **kwargs: log.append((name, sender.name))

    pushed, popped = on_signal("pushed"), on_signal("popped")
    if receivers:
        fw.appcontext_pushed.connect(pushed, weak=False)
        fw.appcontext_popped.connect(popped, weak=False)
    try:
        for op, which, how in ops:
            ctxs = app_ctxs if op.endswith("app") else req_ctxs
            if op.startswith("push"):
                step = outcome(ctxs[which].push)
            else:
                step = outcome(lambda: pop(ctxs[which], how))
            log.append((op, which, how, step))
            log.append((
                "state",
                label(fw.globals._cv_app.get(None)),
                label(fw.globals._cv_request.get(None)),
                [len(c._cv_tokens) for c in app_ctxs + req_ctxs],
            ))
    finally:
        if receivers:
            fw.appcontext_pushed.disconnect(pushed)
            fw.appcontext_popped.disconnect(popped)
    return log


def compare(ops: list[tuple[str, int, str]], failing_teardown: bool, receivers: bool) -> list[t.Any]:
    """Run ``ops`` with each framework, each in a fresh context so nothing
    leaks into other tests; assert flaskfast observed what Flask did."""
    logs = [
        contextvars.copy_context().run(run_sequence, fw, ops, failing_teardown, receivers)
        for fw in FRAMEWORKS
    ]
    assert logs[1] == logs[0]
    return logs[0]


OPS = st.tuples(
    st.sampled_from(["push_app", "pop_app", "push_req", "pop_req"]),
    st.integers(0, 3),  # which context
    st.sampled_from(["none", "sentinel", "sentinel_in_except", "error"]),
)


@settings(deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(ops=st.lists(OPS, max_size=12), failing_teardown=st.booleans(), receivers=st.booleans())
def test_generated_sequences_match_flask(
    ops: list[tuple[str, int, str]], failing_teardown: bool, receivers: bool
) -> None:
    compare(ops, failing_teardown, receivers)


@pytest.mark.parametrize(
    "ops",
    [
        # nesting, re-push of the same context, then unwinding in order
        [("push_app", 0, "none"), ("push_app", 2, "none"), ("push_app", 0, "none"),
         ("pop_app", 0, "none"), ("pop_app", 2, "none"), ("pop_app", 0, "sentinel")],
        # wrong-order pops raise AssertionError
        [("push_app", 0, "none"), ("push_app", 1, "none"), ("pop_app", 0, "error")],
        [("push_req", 0, "none"), ("push_req", 2, "none"), ("pop_req", 0, "none"),
         ("pop_req", 2, "sentinel_in_except")],
        # a request context pushes its own app context unless its app's is active
        [("push_app", 1, "none"), ("push_req", 0, "none"), ("pop_req", 0, "none"),
         ("pop_app", 1, "none")],
        [("push_app", 0, "none"), ("push_req", 0, "none"), ("pop_req", 0, "error"),
         ("pop_app", 0, "none")],
        # popping what was never pushed
        [("pop_app", 3, "none"), ("pop_req", 1, "none")],
    ],
)
@pytest.mark.parametrize("failing_teardown", [False, True])
def test_example_sequences_match_flask(
    ops: list[tuple[str, int, str]], failing_teardown: bool
) -> None:
    log = compare(ops, failing_teardown, True)
    # The examples are meaningful: something was pushed or something raised.
    assert any(
        entry[0] in ("push_app", "push_req") or entry[-1][0] == "raised"
        for entry in log
        if entry[0] != "state"
    )
