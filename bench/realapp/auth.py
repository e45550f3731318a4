"""The ``auth`` blueprint: log in and out, and load the logged-in user before every request."""

# The blueprint is built from a framework module passed in, so its decorators are untyped.
# mypy: disable-error-code="untyped-decorator"
from __future__ import annotations

import functools
import types
import typing as t

from .db import Database


def make_blueprint(fw: types.ModuleType, db: Database) -> t.Any:
    bp = fw.Blueprint("auth", __name__, url_prefix="/auth")
    g, session, request = fw.g, fw.session, fw.request

    @bp.before_app_request
    def load_logged_in_user() -> None:
        user_id = session.get("user_id")
        if user_id is None:
            g.user = None
        else:
            g.user = db.get().execute(
                "SELECT id, username, display_name FROM user WHERE id = ?", (user_id,)
            ).fetchone()

    @bp.route("/login", methods=("GET", "POST"))
    def login() -> t.Any:
        if request.method == "POST":
            username = request.form["username"]
            user = db.get().execute(
                "SELECT id FROM user WHERE username = ?", (username,)
            ).fetchone()
            if user is None:
                fw.flash("Unknown user.", "error")
            else:
                session.clear()
                session["user_id"] = user["id"]
                fw.flash(f"Welcome back, {username}!")
                return fw.redirect(fw.url_for("pages.index"))
        return fw.render_template("auth/login.html")

    @bp.route("/logout")
    def logout() -> t.Any:
        session.clear()
        fw.flash("You have been logged out.")
        return fw.redirect(fw.url_for("pages.index"))

    return bp


def login_required(fw: types.ModuleType) -> t.Callable[[t.Callable[..., t.Any]], t.Callable[..., t.Any]]:
    """A view decorator redirecting anonymous users to the login page."""

    def decorator(view: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
        @functools.wraps(view)
        def wrapped(**kwargs: t.Any) -> t.Any:
            if fw.g.user is None:
                return fw.redirect(fw.url_for("auth.login"))
            return view(**kwargs)

        return wrapped

    return decorator
