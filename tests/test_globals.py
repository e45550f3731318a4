"""The context proxies: fast attribute paths, werkzeug LocalProxy behaviour.

Every proxy must stay a :class:`werkzeug.local.LocalProxy` and answer exactly
as a plain ``LocalProxy`` over the same context variable would, bound or not.
"""

from __future__ import annotations

import typing as t

import pytest
from werkzeug.local import LocalProxy

import flaskfast
from flaskfast import globals as ff_globals

if t.TYPE_CHECKING:  # pragma: no cover
    from flaskfast import Flask

PROXIES = {
    "app_ctx": (ff_globals._cv_app, None),
    "current_app": (ff_globals._cv_app, "app"),
    "g": (ff_globals._cv_app, "g"),
    "request_ctx": (ff_globals._cv_request, None),
    "request": (ff_globals._cv_request, "request"),
    "session": (ff_globals._cv_request, "session"),
}


def _reference(name: str) -> LocalProxy[t.Any]:
    """A plain werkzeug proxy over the same variable, with the same message."""
    var, attr = PROXIES[name]
    message = ff_globals._no_app_msg if var is ff_globals._cv_app else ff_globals._no_req_msg
    return LocalProxy(var, attr, unbound_message=message)


def _outcome(action: t.Callable[[], t.Any]) -> t.Any:
    try:
        return ("ok", action())
    except Exception as e:
        return ("raised", type(e), str(e), e.__cause__, e.__suppress_context__)


@pytest.mark.parametrize("name", PROXIES)
def test_unbound_proxy_behaves_like_local_proxy(name: str) -> None:
    ours = getattr(ff_globals, name)
    theirs = _reference(name)
    assert isinstance(ours, LocalProxy)
    assert repr(ours) == repr(theirs) == "<LocalProxy unbound>"
    assert bool(ours) is bool(theirs) is False
    assert ours.__wrapped__ is theirs.__wrapped__
    assert ours.__doc__ == theirs.__doc__
    for action in (
        lambda p: p._get_current_object(),
        lambda p: p.anything,
        lambda p: setattr(p, "anything", 1),
        lambda p: p["key"],
        lambda p: "key" in p,
        lambda p: hasattr(p, "anything"),
        lambda p: len(p),
    ):
        assert _outcome(lambda: action(ours)) == _outcome(lambda: action(theirs))


@pytest.mark.parametrize("name", PROXIES)
def test_bound_proxy_behaves_like_local_proxy(app: Flask, name: str) -> None:
    app.secret_key = "secret"
    with app.test_request_context("/?q=1"):
        ours = getattr(ff_globals, name)
        theirs = _reference(name)
        target = theirs._get_current_object()
        assert ours._get_current_object() is target
        assert repr(ours) == repr(theirs)
        assert bool(ours) is bool(theirs)
        assert ours.__class__ is type(target)
        assert ours.__doc__ == theirs.__doc__
        assert ours == target
        assert _outcome(lambda: hash(ours)) == _outcome(lambda: hash(theirs))
        assert dir(ours) == dir(theirs)
        for action in (
            lambda p: p.no_such_attribute,
            lambda p: hasattr(p, "no_such_attribute"),
            lambda p: getattr(p, "no_such_attribute", "default"),
            lambda p: hasattr(p, "__html__"),
        ):
            assert _outcome(lambda: action(ours)) == _outcome(lambda: action(theirs))


def test_attribute_and_item_access_reach_the_current_object(app: Flask) -> None:
    app.secret_key = "secret"
    with app.test_request_context("/?q=1"):
        assert flaskfast.request.args["q"] == "1"
        flaskfast.g.user = "ann"
        assert flaskfast.g.user == "ann" and "user" in flaskfast.g
        del flaskfast.g.user
        assert "user" not in flaskfast.g
        flaskfast.session["n"] = 3
        assert flaskfast.session["n"] == 3 and "n" in flaskfast.session
        assert flaskfast.current_app.name == app.name
        assert ff_globals.request_ctx.request is flaskfast.request._get_current_object()


def test_proxies_follow_the_innermost_context(app: Flask) -> None:
    other = flaskfast.Flask("other")
    with app.app_context():
        with other.app_context():
            assert flaskfast.current_app.name == "other"
            flaskfast.g.where = "inner"
        assert flaskfast.current_app.name == app.name
        assert not hasattr(flaskfast.g, "where")


def test_failing_lookup_runs_once_and_keeps_its_error(app: Flask) -> None:
    calls = []

    class Req(flaskfast.Request):
        @property
        def broken(self) -> t.Any:
            calls.append(1)
            raise AttributeError("broken inside")

    app.request_class = Req
    with app.test_request_context("/"):
        with pytest.raises(AttributeError, match="broken inside"):
            flaskfast.request.broken  # noqa: B018
        assert calls == [1]
        assert not hasattr(flaskfast.request, "broken")
        assert calls == [1, 1]
        with pytest.raises(AttributeError, match="no attribute 'missing'"):
            flaskfast.request.missing  # noqa: B018
        # Called directly, __getattr__ still proxies.
        assert flaskfast.request.__getattr__("method") == "GET"


def test_error_from_a_nested_lookup_is_not_confused_with_the_outer_one(app: Flask) -> None:
    class Holder:
        @property
        def inner(self) -> t.Any:
            # The proxy fails a lookup while the outer lookup is in progress.
            return getattr(flaskfast.g, "absent", "fallback")

    with app.app_context():
        flaskfast.g.holder = Holder()
        assert flaskfast.g.holder.inner == "fallback"
        with pytest.raises(AttributeError):
            flaskfast.g.absent  # noqa: B018
