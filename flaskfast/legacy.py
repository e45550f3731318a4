"""Opt-ins for code written for Flask 0.11 - 2.2 (not part of Flask 3.1).

The older API that can be kept without changing Flask 3.1 behaviour works
without any opt-in, with a ``DeprecationWarning`` per use (see the README,
"Upgrading old Flask code").  What is here restores old behaviour that
Flask 3.1 code may rely on *not* having, so each is an explicit choice:

- :class:`LegacyJSONRequest`: ``get_json()`` returns ``None`` for a body
  not declared as JSON instead of answering 415 (``app.request_class``).
- :func:`receives_original_exception`: a 500 handler receives the original
  exception, as before Flask 1.1 (per handler).
- :class:`ServerNameCookieSessionInterface`: the session cookie domain
  defaults to ``.SERVER_NAME`` (``app.session_interface``).
- :class:`SimpleJSONProvider`: serialise with ``simplejson``.
- :class:`LegacyJSONProvider`: the provider that honours the ``JSON_*``
  config keys and ``app.json_encoder``; chosen automatically when those are
  used, and usable directly.
- :func:`use_old_defaults`: the 0.12 defaults of ``SEND_FILE_MAX_AGE_DEFAULT``
  (12 hours) and ``TRAP_BAD_REQUEST_ERRORS`` (``False``).
- :func:`check_app`: warnings for settings whose meaning changed silently
  (``SERVER_NAME``).

An absolute ``Location`` header, as Werkzeug < 2.1 sent, is opted into with
a response class whose ``autocorrect_location_header`` is ``True``.
"""

from __future__ import annotations

import typing as t
import warnings

from ._legacy.errors import receives_original_exception as receives_original_exception
from ._legacy.json import LegacyJSONProvider as LegacyJSONProvider
from ._legacy.json import SimpleJSONProvider as SimpleJSONProvider
from ._legacy.json_request import LegacyJSONRequest as LegacyJSONRequest
from ._legacy.cookie_domain import (
    ServerNameCookieSessionInterface as ServerNameCookieSessionInterface,
)

if t.TYPE_CHECKING:  # pragma: no cover
    from .sansio.app import App

#: The Flask 0.12 values of settings whose default changed.
OLD_DEFAULTS: dict[str, t.Any] = {
    "SEND_FILE_MAX_AGE_DEFAULT": 43200,
    "TRAP_BAD_REQUEST_ERRORS": False,
}


def use_old_defaults(app: App) -> None:
    """Set :data:`OLD_DEFAULTS` in ``app.config`` (keys already set to a
    non-default value are kept)."""
    for key, value in OLD_DEFAULTS.items():
        if app.config.get(key) == app.default_config.get(key):
            app.config[key] = value


def check_app(app: App) -> list[str]:
    """Warn (``DeprecationWarning``) about each setting of ``app`` that
    meant something else before Flask 3.1, and return the messages.

    Call it once at start-up while upgrading; Flask 3.1 code needs none of
    these warnings, so they are never emitted by themselves."""
    config = app.config
    messages = []
    server_name = config.get("SERVER_NAME")
    if server_name:
        if not config.get("TRUSTED_HOSTS"):
            messages.append(
                f"SERVER_NAME = {server_name!r} no longer rejects requests for other"
                " hosts (Flask 3.1); set TRUSTED_HOSTS = [SERVER_NAME] to restrict"
                " hosts."
            )
        if not config.get("SESSION_COOKIE_DOMAIN"):
            messages.append(
                "SERVER_NAME no longer sets the session cookie domain (Flask 2.3);"
                " set SESSION_COOKIE_DOMAIN to share the cookie with subdomains."
            )
        if not app.subdomain_matching:
            messages.append(
                "SERVER_NAME no longer enables subdomain routing (Flask 1.0); pass"
                " Flask(subdomain_matching=True) to route subdomains."
            )
    for message in messages:
        warnings.warn(message, DeprecationWarning, stacklevel=2)
    return messages
