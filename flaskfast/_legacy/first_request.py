"""``before_first_request`` (removed in Flask 2.3) and its relatives on the app (the blueprint's ``before_app_first_request``
is in :mod:`flaskfast._legacy.blueprints`).

Registering a function installs a one-shot ``full_dispatch_request`` on the
app instance: the first request runs the functions (once, under a lock,
through ``ensure_sync``) exactly where Flask 2.2 ran them, before
``request_started``, then removes itself, so later requests take the stock
path again.  Apps that never register one are untouched.  As in 2.2, a
function that raises makes the request fail and the functions run again on
the next request; registering after the first request is refused.
"""

from __future__ import annotations

import threading
import typing as t

from .warn import deprecated

if t.TYPE_CHECKING:  # pragma: no cover
    from ..app import Flask
    from ..wrappers import Response

_F = t.TypeVar("_F", bound=t.Callable[[], t.Any])
_G = t.TypeVar("_G", bound=t.Callable[..., t.Any])
_FUNCS = "_legacy_before_first_request_funcs"
_LOCK = threading.Lock()
_REPLACEMENT = (
    "run the setup code in the app factory, or inside"
    " 'with app.app_context():' before serving"
)


def funcs(app: Flask) -> list[t.Callable[[], t.Any]]:
    """The app's ``before_first_request`` functions; from the first call
    on, the first request runs them."""
    found: list[t.Callable[[], t.Any]] | None = app.__dict__.get(_FUNCS)
    if found is None:
        found = app.__dict__[_FUNCS] = []
        if not app._got_first_request:
            app.__dict__["full_dispatch_request"] = _FirstRequest(app)
    return found


def register(app: Flask, f: _F) -> _F:
    """Add ``f`` to the functions the first request runs (no warning)."""
    app._check_setup_finished("before_first_request")
    funcs(app).append(f)
    return f


class _FirstRequest:
    """The one-shot instance ``full_dispatch_request`` (see the module
    docstring)."""

    def __init__(self, app: Flask) -> None:
        import weakref

        self._app = weakref.ref(app)

    def __call__(self) -> Response:
        app = self._app()
        if app is None:  # pragma: no cover - the app calls its own attribute
            raise RuntimeError("the application was garbage collected")
        try_trigger(app)
        return type(app).full_dispatch_request(app)


def try_trigger(app: Flask) -> None:
    """Run the ``before_first_request`` functions unless done; on success
    the app's one-shot dispatcher is removed."""
    runner = app.__dict__.get("full_dispatch_request")
    if not isinstance(runner, _FirstRequest):
        return
    with _LOCK:
        if app.__dict__.get("full_dispatch_request") is not runner:
            return
        for f in app.__dict__.get(_FUNCS, ()):
            app.ensure_sync(f)()
        del app.__dict__["full_dispatch_request"]


# -- the public methods ------------------------------------------------------


def before_first_request(self: Flask, f: _F) -> _F:
    """``Flask.before_first_request(f)``: run ``f`` before the first request."""
    deprecated("app.before_first_request", _REPLACEMENT)
    return register(self, f)


def _get_funcs(self: Flask) -> list[t.Callable[[], t.Any]]:
    """Deprecated (removed in Flask 2.3): the list of functions registered
    with ``before_first_request``, in registration order; assigning a list
    replaces its contents."""
    deprecated("app.before_first_request_funcs", _REPLACEMENT)
    return funcs(self)


def _set_funcs(self: Flask, value: list[t.Callable[[], t.Any]]) -> None:
    deprecated("app.before_first_request_funcs", _REPLACEMENT)
    funcs(self)[:] = value


def try_trigger_before_first_request_functions(self: Flask) -> None:
    """Run the ``before_first_request`` functions if the first request has
    not run them yet (Flask 2.1's method)."""
    deprecated("app.try_trigger_before_first_request_functions()", _REPLACEMENT)
    try_trigger(self)


def _got_first_request(self: Flask) -> bool:
    """Deprecated, read-only: whether the app has started handling its
    first request (after which setup methods raise)."""
    deprecated(
        "app.got_first_request",
        "no public API; track it in your own before_request function",
    )
    return bool(self._got_first_request)


def _refuse_got_first_request(self: Flask, value: bool) -> None:
    from .warn import unsupported

    raise unsupported(
        "Setting app.got_first_request", "it is managed by request handling"
    )


def attributes(setupmethod: t.Callable[[_G], _G]) -> dict[str, t.Any]:
    """The methods and properties above, by name, for :class:`Flask`
    (``setupmethod`` is the scaffold's decorator)."""
    return {
        "before_first_request": setupmethod(before_first_request),  # type: ignore[arg-type]
        "before_first_request_funcs": property(_get_funcs, _set_funcs),
        "try_trigger_before_first_request_functions": try_trigger_before_first_request_functions,
        "got_first_request": property(_got_first_request, _refuse_got_first_request),
    }
