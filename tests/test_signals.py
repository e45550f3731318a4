"""Tests for flaskfast.signals."""

from __future__ import annotations

import typing as t

import blinker
import pytest

from flaskfast import signals

EXPECTED = {
    "template_rendered": "template-rendered",
    "before_render_template": "before-render-template",
    "request_started": "request-started",
    "request_finished": "request-finished",
    "request_tearing_down": "request-tearing-down",
    "got_request_exception": "got-request-exception",
    "appcontext_tearing_down": "appcontext-tearing-down",
    "appcontext_pushed": "appcontext-pushed",
    "appcontext_popped": "appcontext-popped",
    "message_flashed": "message-flashed",
}


@pytest.mark.parametrize(("attr", "name"), sorted(EXPECTED.items()))
def test_signal_exists_with_flask_name(attr: str, name: str) -> None:
    sig = getattr(signals, attr)
    assert isinstance(sig, blinker.NamedSignal)
    assert sig.name == name
    assert signals._signals.signal(name) is sig


def test_namespace_holds_exactly_the_ten_signals() -> None:
    assert isinstance(signals._signals, blinker.Namespace)
    assert set(signals._signals) == set(EXPECTED.values())


def test_send_reaches_receiver_for_sender() -> None:
    calls: list[tuple[t.Any, dict[str, t.Any]]] = []
    sender = object()
    other = object()

    def receiver(s: t.Any, **kwargs: t.Any) -> None:
        calls.append((s, kwargs))

    with signals.message_flashed.connected_to(receiver, sender):
        signals.message_flashed.send(sender, message="hi", category="info")
        signals.message_flashed.send(other, message="no", category="info")
    signals.message_flashed.send(sender, message="after", category="info")
    assert calls == [(sender, {"message": "hi", "category": "info"})]


def test_app_sends_request_signals() -> None:
    import flaskfast

    flask_cls = getattr(flaskfast, "Flask", None)
    if flask_cls is None:
        pytest.skip("flaskfast.Flask is not available yet")
    app = flask_cls("sig_app")
    events: list[str] = []

    @app.route("/")
    def index() -> str:
        events.append("view")
        return "ok"

    def started(sender: t.Any, **kw: t.Any) -> None:
        assert sender is app
        events.append("started")

    def finished(sender: t.Any, response: t.Any, **kw: t.Any) -> None:
        events.append(f"finished {response.status_code}")

    def torn(sender: t.Any, **kw: t.Any) -> None:
        events.append("teardown")

    with signals.request_started.connected_to(started, app), \
            signals.request_finished.connected_to(finished, app), \
            signals.request_tearing_down.connected_to(torn, app):
        app.test_client().get("/")
    assert events == ["started", "view", "finished 200", "teardown"]
