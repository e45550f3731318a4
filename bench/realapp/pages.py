"""The ``pages`` blueprint: the item list, an item, and the item's edit form."""

# The blueprint is built from a framework module passed in, so its decorators are untyped.
# mypy: disable-error-code="untyped-decorator"
from __future__ import annotations

import types
import typing as t

from .auth import login_required
from .db import Database

PER_PAGE = 15


def make_blueprint(fw: types.ModuleType, db: Database) -> t.Any:
    bp = fw.Blueprint("pages", __name__)
    g, request = fw.g, fw.request

    def get_item(item_id: int) -> t.Any:
        item = db.get().execute(
            "SELECT i.id, i.owner_id, i.created, i.title, i.body, u.display_name"
            " FROM item i JOIN user u ON u.id = i.owner_id WHERE i.id = ?",
            (item_id,),
        ).fetchone()
        if item is None:
            fw.abort(404, f"Item {item_id} doesn't exist.")
        return item

    @bp.route("/")
    def index() -> t.Any:
        items = db.get().execute(
            "SELECT i.id, i.owner_id, i.created, i.title, u.display_name"
            " FROM item i JOIN user u ON u.id = i.owner_id ORDER BY i.id LIMIT ?",
            (PER_PAGE,),
        ).fetchall()
        return fw.render_template("pages/index.html", items=items)

    @bp.route("/items/<int:item_id>")
    def item(item_id: int) -> t.Any:
        return fw.render_template("pages/item.html", item=get_item(item_id))

    @bp.route("/items/<int:item_id>/edit", methods=("GET", "POST"))
    @login_required(fw)
    def edit(item_id: int) -> t.Any:
        item = get_item(item_id)
        if item["owner_id"] != g.user["id"]:
            fw.abort(403)
        if request.method == "POST":
            title = request.form["title"].strip()
            body = request.form["body"].strip()
            if not title:
                fw.flash("Title is required.", "error")
            else:
                connection = db.get()
                connection.execute(
                    "UPDATE item SET title = ?, body = ? WHERE id = ?", (title, body, item_id)
                )
                connection.commit()
                fw.flash("Item updated.")
                return fw.redirect(fw.url_for("pages.item", item_id=item_id))
        return fw.render_template("pages/edit.html", item=item)

    return bp
