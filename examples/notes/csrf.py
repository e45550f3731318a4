"""CSRF protection: one random token per session, checked on every state-changing request.

Forms carry the token in a hidden ``csrf_token`` field (``{{ csrf_field() }}``
in a template); scripts send it in the ``X-CSRF-Token`` header (the JSON API
gives it out at ``/api/csrf-token``). A POST, PUT, PATCH or DELETE whose token
is missing or differs from the session's is refused with 400 before its view
runs. An attacker's page can make the browser send the session cookie, but
cannot read the token, so it cannot forge such a request.
"""

from __future__ import annotations

import hmac
import secrets

from markupsafe import Markup

from flaskfast import Flask, abort, request, session

SESSION_KEY = "csrf_token"
FORM_FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def get_token() -> str:
    """The session's token, created (and stored in the session) on first use."""
    token = session.get(SESSION_KEY)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        session[SESSION_KEY] = token
    return token


def hidden_field() -> Markup:
    """An ``<input type=hidden>`` holding the token, for inside a ``<form>``."""
    return Markup('<input type="hidden" name="{}" value="{}">').format(FORM_FIELD, get_token())


def check_request() -> None:
    """Abort with 400 unless a state-changing request carries the session's token."""
    if request.method not in UNSAFE_METHODS or request.routing_exception is not None:
        # A request that matched no route gets its 404 / 405 from routing instead.
        return
    expected = session.get(SESSION_KEY)
    sent = request.form.get(FORM_FIELD) or request.headers.get(HEADER)
    if (
        not isinstance(expected, str)
        or not sent
        or not hmac.compare_digest(sent.encode(), expected.encode())
    ):
        abort(400, "The CSRF token is missing or does not match; reload the page and try again.")


def init_app(app: Flask) -> None:
    """Check every request and give templates ``csrf_token()`` and ``csrf_field()``."""
    app.before_request(check_request)
    app.add_template_global(get_token, "csrf_token")
    app.add_template_global(hidden_field, "csrf_field")
