"""The session methods the app object had before Flask 2.0
(``app.open_session``, ``app.save_session``, ``app.make_null_session``),
(the opt-in ``.SERVER_NAME`` cookie domain is in :mod:`.cookie_domain`).

Calling the app methods forwards to ``app.session_interface``.  Flask 3.1
never calls them, so a ``Flask`` subclass that *overrides* one gets an
:class:`AppSessionInterface` (installed when the class is created, with one
warning) that calls back into the overrides.
"""

from __future__ import annotations

import typing as t

from .warn import deprecated

if t.TYPE_CHECKING:  # pragma: no cover
    from ..app import Flask
    from ..sessions import SessionInterface
    from ..sessions import SessionMixin
    from ..wrappers import Request
    from ..wrappers import Response

METHODS = ("open_session", "save_session", "make_null_session")
_REPLACEMENT = {
    "open_session": "app.session_interface.open_session(app, request)",
    "save_session": "app.session_interface.save_session(app, session, response)",
    "make_null_session": "app.session_interface.make_null_session(app)",
}


class AppSessionInterface:
    """Session interface of an app class that overrides the pre-2.0 app
    methods: 3.1's calls go to those methods, whose ``super()`` calls reach
    the interface the class had before (:attr:`wrapped`); every other
    attribute is the wrapped interface's."""

    def __init__(self, wrapped: SessionInterface) -> None:
        self.wrapped = wrapped

    def open_session(self, app: Flask, request: Request) -> SessionMixin | None:
        return app.open_session(request)  # type: ignore[attr-defined,no-any-return]

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        app.save_session(session, response)  # type: ignore[attr-defined]

    def make_null_session(self, app: Flask) -> t.Any:
        return app.make_null_session()  # type: ignore[attr-defined]

    def is_null_session(self, obj: object) -> bool:
        return self.wrapped.is_null_session(obj)

    def __getattr__(self, name: str) -> t.Any:
        return getattr(self.wrapped, name)


def _interface(app: Flask) -> tuple[t.Any, bool]:
    """The interface doing the work, and whether the app's methods are
    being called back by an :class:`AppSessionInterface`."""
    interface = app.session_interface
    if isinstance(interface, AppSessionInterface):
        return interface.wrapped, True
    return interface, False


def open_session(self: Flask, request: Request) -> SessionMixin | None:
    """``app.open_session(request)``, forwarded to the session interface."""
    interface, called_back = _interface(self)
    if not called_back:
        deprecated("app.open_session(request)", _REPLACEMENT["open_session"])
    return interface.open_session(self, request)  # type: ignore[no-any-return]


def save_session(self: Flask, session: SessionMixin, response: Response) -> None:
    """``app.save_session(session, response)``, forwarded likewise."""
    interface, called_back = _interface(self)
    if not called_back:
        deprecated("app.save_session(session, response)", _REPLACEMENT["save_session"])
    interface.save_session(self, session, response)


def make_null_session(self: Flask) -> t.Any:
    """``app.make_null_session()``, forwarded likewise."""
    interface, called_back = _interface(self)
    if not called_back:
        deprecated("app.make_null_session()", _REPLACEMENT["make_null_session"])
    return interface.make_null_session(self)


def on_subclass(cls: type[Flask]) -> None:
    """Route sessions through the methods a new ``Flask`` subclass overrides."""
    overridden = [name for name in METHODS if name in vars(cls)]
    if not overridden:
        return
    deprecated(
        f"Overriding Flask.{overridden[0]}() in {cls.__name__}",
        f"a SessionInterface subclass overriding {_REPLACEMENT[overridden[0]]}"
        " (this override is called through one for now)",
    )
    if not isinstance(cls.session_interface, AppSessionInterface):
        cls.session_interface = AppSessionInterface(cls.session_interface)  # type: ignore[assignment]


def attributes() -> dict[str, t.Any]:
    """The forwarding methods, by name, for :class:`Flask`."""
    return {
        "open_session": open_session,
        "save_session": save_session,
        "make_null_session": make_null_session,
    }
