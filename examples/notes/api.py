"""The ``api`` blueprint: the logged-in user's notes as JSON.

``GET /api/notes?page=1&per_page=10``
    One page of notes, newest first, with ``total``, ``pages`` and the URLs of
    the neighbouring pages. ``page`` is 1 or more and ``per_page`` between 1
    and ``MAX_PER_PAGE`` (400 otherwise); a page past the last one is 404.
``GET /api/notes/<id>``
    One note (404 when there is none, 403 when another user wrote it).
``POST /api/notes``
    Create a note from a JSON object ``{"title": ..., "body": ...}`` (201);
    like every POST it needs the session's CSRF token, here in the
    ``X-CSRF-Token`` header, which ``GET /api/csrf-token`` returns.

Anonymous requests get 401. Every error, from these views or for any URL under
``/api/``, is JSON: ``{"error": <name>, "message": <description>, "status": <code>}``
(see :mod:`.errors`).
"""

from __future__ import annotations

import functools
import sqlite3
import typing as t

from flaskfast import Blueprint, abort, g, jsonify, request, url_for

from . import csrf
from .db import get_db
from .notes import MAX_BODY, MAX_TITLE, get_own_note

bp = Blueprint("api", __name__, url_prefix="/api")

DEFAULT_PER_PAGE = 10
MAX_PER_PAGE = 50
F = t.TypeVar("F", bound=t.Callable[..., t.Any])


def api_login_required(view: F) -> F:
    """Answer 401 (as JSON) to anonymous requests."""

    @functools.wraps(view)
    def wrapped(*args: t.Any, **kwargs: t.Any) -> t.Any:
        if g.user is None:
            abort(401, "Log in first: the API serves the logged-in user's notes.")
        return view(*args, **kwargs)

    return t.cast(F, wrapped)


def int_arg(name: str, default: int, low: int, high: int | None = None) -> int:
    """Query argument ``name`` as an int in ``[low, high]`` (400 when it is not)."""
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        abort(400, f"'{name}' must be an integer, not {raw!r}.")
    if value < low or (high is not None and value > high):
        bounds = f"at least {low}" if high is None else f"between {low} and {high}"
        abort(400, f"'{name}' must be {bounds}, not {value}.")
    return value


def note_json(note: sqlite3.Row) -> dict[str, t.Any]:
    """A note row as the API shows it."""
    return {
        "id": note["id"],
        "title": note["title"],
        "body": note["body"],
        "created": note["created"],
        "updated": note["updated"],
        "url": url_for("api.get_note", note_id=note["id"]),
    }


@bp.route("/csrf-token")
def csrf_token() -> t.Any:
    """The session's CSRF token and the header to send it in."""
    return jsonify(csrf_token=csrf.get_token(), header=csrf.HEADER)


@bp.route("/notes")
@api_login_required
def list_notes() -> t.Any:
    """One page of the user's notes with the paging fields (see the module docstring)."""
    page = int_arg("page", 1, 1)
    per_page = int_arg("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
    connection = get_db()
    user_id = g.user["id"]
    total = connection.execute(
        "SELECT COUNT(*) FROM note WHERE author_id = ?", (user_id,)
    ).fetchone()[0]
    pages = max((total + per_page - 1) // per_page, 1)
    if page > pages:
        abort(404, f"Page {page} is past the last page ({pages}).")
    rows = connection.execute(
        "SELECT id, created, updated, title, body FROM note WHERE author_id = ?"
        " ORDER BY id DESC LIMIT ? OFFSET ?",
        (user_id, per_page, (page - 1) * per_page),
    ).fetchall()
    return jsonify(
        notes=[note_json(row) for row in rows],
        page=page,
        per_page=per_page,
        total=total,
        pages=pages,
        next=url_for("api.list_notes", page=page + 1, per_page=per_page) if page < pages else None,
        prev=url_for("api.list_notes", page=page - 1, per_page=per_page) if page > 1 else None,
    )


@bp.route("/notes/<int:note_id>")
@api_login_required
def get_note(note_id: int) -> t.Any:
    """One of the user's notes."""
    return jsonify(note_json(get_own_note(note_id)))


@bp.route("/notes", methods=("POST",))
@api_login_required
def create_note() -> t.Any:
    """Create a note from a JSON body; 201 with its URL in ``Location``."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        abort(400, "The body must be a JSON object with 'title' and 'body'.")
    title, body = data.get("title"), data.get("body", "")
    if not isinstance(title, str) or not title.strip():
        abort(400, "'title' must be a non-empty string.")
    if not isinstance(body, str):
        abort(400, "'body' must be a string.")
    title, body = title.strip(), body.strip()
    if len(title) > MAX_TITLE or len(body) > MAX_BODY:
        abort(400, f"'title' is limited to {MAX_TITLE} characters, 'body' to {MAX_BODY}.")
    connection = get_db()
    cursor = connection.execute(
        "INSERT INTO note (author_id, title, body) VALUES (?, ?, ?)",
        (g.user["id"], title, body),
    )
    connection.commit()
    note = get_own_note(t.cast(int, cursor.lastrowid))
    response = jsonify(note_json(note))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_note", note_id=note["id"])
    return response
