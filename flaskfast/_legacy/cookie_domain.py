"""The opt-in ``.SERVER_NAME`` session cookie domain of Flask 0.12 - 2.2."""

from __future__ import annotations

import typing as t

from ..sessions import SecureCookieSessionInterface

if t.TYPE_CHECKING:  # pragma: no cover
    from ..app import Flask


class ServerNameCookieSessionInterface(SecureCookieSessionInterface):
    """Opt-in: the cookie session of Flask 0.12 - 2.2, whose cookie domain
    defaults to ``.SERVER_NAME`` (valid for every subdomain).  Flask 2.3
    dropped that on purpose (limit 10); prefer ``SESSION_COOKIE_DOMAIN``.
    Use ``app.session_interface = ServerNameCookieSessionInterface()``."""

    def get_cookie_domain(self, app: Flask) -> str | None:
        configured = app.config["SESSION_COOKIE_DOMAIN"]
        if configured:
            return configured  # type: ignore[no-any-return]
        server_name = app.config["SERVER_NAME"]
        if not server_name:
            return None
        domain: str = "." + str(server_name).rsplit(":", 1)[0]
        if domain == ".localhost":
            # Browsers reject a cookie for ".localhost"; Flask sent none.
            return None
        if self.get_cookie_path(app) != "/":
            # A cookie below a path cannot be shared with subdomains.
            domain = domain.lstrip(".")
        return domain
