"""The ``notes`` blueprint: the logged-in user's notes as pages (list, create, edit, delete).

A note can only be changed by its author: another user gets 403, a note
that does not exist 404.
"""

from __future__ import annotations

import sqlite3
import typing as t

from flaskfast import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from .auth import login_required
from .db import get_db

bp = Blueprint("notes", __name__)

MAX_TITLE = 200
MAX_BODY = 10_000


def get_own_note(note_id: int) -> sqlite3.Row:
    """The note ``note_id`` if it exists (else 404) and ``g.user`` wrote it (else 403)."""
    note = (
        get_db()
        .execute(
            "SELECT id, author_id, created, updated, title, body FROM note WHERE id = ?",
            (note_id,),
        )
        .fetchone()
    )
    if note is None:
        abort(404, f"Note {note_id} doesn't exist.")
    if note["author_id"] != g.user["id"]:
        abort(403, "That note belongs to another user.")
    return t.cast(sqlite3.Row, note)


def read_form() -> tuple[str, str, str | None]:
    """The form's title and body, stripped, and the first problem with them (or None)."""
    title = request.form.get("title", "").strip()
    body = request.form.get("body", "").strip()
    if not title:
        return title, body, "Title is required."
    if len(title) > MAX_TITLE:
        return title, body, f"The title is longer than {MAX_TITLE} characters."
    if len(body) > MAX_BODY:
        return title, body, f"The note is longer than {MAX_BODY} characters."
    return title, body, None


@bp.route("/")
def index() -> t.Any:
    """The logged-in user's notes, newest first; a welcome page for anonymous visitors."""
    if g.user is None:
        return render_template("notes/welcome.html")
    notes = (
        get_db()
        .execute(
            "SELECT id, created, updated, title, body FROM note"
            " WHERE author_id = ? ORDER BY id DESC",
            (g.user["id"],),
        )
        .fetchall()
    )
    return render_template("notes/index.html", notes=notes)


@bp.route("/notes/new", methods=("GET", "POST"))
@login_required
def create() -> t.Any:
    """The new-note form; a valid POST stores the note and goes back to the list."""
    title = body = ""
    if request.method == "POST":
        title, body, error = read_form()
        if error is None:
            connection = get_db()
            connection.execute(
                "INSERT INTO note (author_id, title, body) VALUES (?, ?, ?)",
                (g.user["id"], title, body),
            )
            connection.commit()
            flash(f"Note “{title}” created.")
            return redirect(url_for("notes.index"))
        flash(error, "error")
    return render_template("notes/form.html", note=None, title=title, body=body)


@bp.route("/notes/<int:note_id>/edit", methods=("GET", "POST"))
@login_required
def edit(note_id: int) -> t.Any:
    """The edit form of one of the user's notes; a valid POST saves it."""
    note = get_own_note(note_id)
    title, body = note["title"], note["body"]
    if request.method == "POST":
        title, body, error = read_form()
        if error is None:
            connection = get_db()
            connection.execute(
                "UPDATE note SET title = ?, body = ?, updated = CURRENT_TIMESTAMP WHERE id = ?",
                (title, body, note_id),
            )
            connection.commit()
            flash(f"Note “{title}” saved.")
            return redirect(url_for("notes.index"))
        flash(error, "error")
    return render_template("notes/form.html", note=note, title=title, body=body)


@bp.route("/notes/<int:note_id>/delete", methods=("POST",))
@login_required
def delete(note_id: int) -> t.Any:
    """Delete one of the user's notes (POST only)."""
    note = get_own_note(note_id)
    connection = get_db()
    connection.execute("DELETE FROM note WHERE id = ?", (note_id,))
    connection.commit()
    flash(f"Note “{note['title']}” deleted.")
    return redirect(url_for("notes.index"))
