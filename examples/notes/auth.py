"""The ``auth`` blueprint: register, log in, log out; the logged-in user in ``g.user``.

Passwords are stored as :func:`werkzeug.security.generate_password_hash`
hashes (``PASSWORD_HASH_METHOD``, werkzeug's default ``scrypt``; the tests
choose a cheaper one). The session holds only the user's id (flaskfast's signed-cookie
session, so any worker can serve the next request).
"""

from __future__ import annotations

import functools
import sqlite3
import typing as t

from werkzeug.security import check_password_hash, generate_password_hash

from flaskfast import Blueprint, current_app, flash, g, redirect, render_template, request
from flaskfast import session, url_for

from .db import get_db

bp = Blueprint("auth", __name__, url_prefix="/auth")

MAX_USERNAME = 40
F = t.TypeVar("F", bound=t.Callable[..., t.Any])


@bp.before_app_request
def load_logged_in_user() -> None:
    """Set ``g.user`` to the session's user row, or None."""
    user_id = session.get("user_id")
    g.user = (
        None
        if user_id is None
        else get_db().execute("SELECT id, username FROM user WHERE id = ?", (user_id,)).fetchone()
    )


def login_required(view: F) -> F:
    """Redirect anonymous users to the login page (with a flashed message)."""

    @functools.wraps(view)
    def wrapped(*args: t.Any, **kwargs: t.Any) -> t.Any:
        if g.user is None:
            flash("Please log in first.", "error")
            return redirect(url_for("auth.login", next=request.path))
        return view(*args, **kwargs)

    return t.cast(F, wrapped)


def _credentials() -> tuple[str, str, str | None]:
    """The form's username and password, and the first problem with them (or None)."""
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    if not username:
        return username, password, "Username is required."
    if len(username) > MAX_USERNAME:
        return username, password, f"Username is longer than {MAX_USERNAME} characters."
    if not password:
        return username, password, "Password is required."
    return username, password, None


@bp.route("/register", methods=("GET", "POST"))
def register() -> t.Any:
    """Create an account from the form (the username must be free); then go to the login page."""
    if request.method == "POST":
        username, password, error = _credentials()
        if error is None:
            connection = get_db()
            hash_method = current_app.config["PASSWORD_HASH_METHOD"]
            try:
                connection.execute(
                    "INSERT INTO user (username, password_hash) VALUES (?, ?)",
                    (username, generate_password_hash(password, hash_method)),
                )
                connection.commit()
            except sqlite3.IntegrityError:
                error = f"User {username} is already registered."
            else:
                flash(f"Registered {username}. You can log in now.")
                return redirect(url_for("auth.login"))
        flash(error, "error")
        return render_template("auth/register.html", username=username)
    return render_template("auth/register.html", username="")


@bp.route("/login", methods=("GET", "POST"))
def login() -> t.Any:
    """Check the form's credentials; start a new session; go to ``?next=`` (on this site)."""
    if request.method == "POST":
        username, password, error = _credentials()
        if error is None:
            user = (
                get_db()
                .execute("SELECT id, password_hash FROM user WHERE username = ?", (username,))
                .fetchone()
            )
            if user is None or not check_password_hash(user["password_hash"], password):
                error = "Incorrect username or password."
            else:
                session.clear()
                session["user_id"] = user["id"]
                flash(f"Welcome, {username}!")
                return redirect(_safe_next(request.args.get("next")))
        flash(error, "error")
        return render_template("auth/login.html", username=username)
    return render_template("auth/login.html", username="")


@bp.route("/logout", methods=("POST",))
def logout() -> t.Any:
    """End the session (a POST, so a link on another site cannot log the user out)."""
    session.clear()
    flash("You have been logged out.")
    return redirect(url_for("notes.index"))


def _safe_next(target: str | None) -> str:
    """``target`` when it is a path on this site, else the notes list (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("notes.index")
