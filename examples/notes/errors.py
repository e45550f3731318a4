"""Error responses: JSON under ``/api/``, pages in the site's layout elsewhere.

Every :class:`~werkzeug.exceptions.HTTPException` (an ``abort()``, an unknown
URL, a wrong method, and an unhandled exception, which Flask turns into a 500
after logging it) goes through :func:`handle_http_error`. 404 and 500 have
their own templates; other codes share ``errors/error.html``.
"""

from __future__ import annotations

import typing as t

from werkzeug.exceptions import HTTPException

from flaskfast import Flask, jsonify, render_template, request

from .api import bp as api_bp

PAGES = {404: "errors/404.html", 500: "errors/500.html"}


def wants_json() -> bool:
    """Whether the request is for the JSON API (by its URL, so unknown API URLs count)."""
    prefix = t.cast(str, api_bp.url_prefix)
    return request.path == prefix or request.path.startswith(prefix + "/")


def handle_http_error(error: HTTPException) -> t.Any:
    """The error as JSON for API requests, else as a page (the exception's headers kept)."""
    code = error.code or 500
    if wants_json():
        response = jsonify(error=error.name, message=error.description, status=code)
    else:
        template = PAGES.get(code, "errors/error.html")
        response = t.cast(t.Any, render_template(template, error=error, code=code))
    # Keep what the exception's own response would carry (Allow on 405, ...).
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    return response, code, headers


def init_app(app: Flask) -> None:
    """Send every HTTP error through :func:`handle_http_error`."""
    app.register_error_handler(HTTPException, handle_http_error)
