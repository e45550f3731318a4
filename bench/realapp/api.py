"""The ``api`` blueprint: the items as JSON, paginated, with links to the neighbouring pages."""

# The blueprint is built from a framework module passed in, so its decorators are untyped.
# mypy: disable-error-code="untyped-decorator"
from __future__ import annotations

import types
import typing as t

from .db import Database

MAX_PER_PAGE = 50


def make_blueprint(fw: types.ModuleType, db: Database) -> t.Any:
    bp = fw.Blueprint("api", __name__, url_prefix="/api")
    request, url_for = fw.request, fw.url_for

    @bp.route("/items")
    def items() -> t.Any:
        page = max(request.args.get("page", 1, type=int), 1)
        per_page = min(max(request.args.get("per_page", 10, type=int), 1), MAX_PER_PAGE)
        connection = db.get()
        total = connection.execute("SELECT COUNT(*) FROM item").fetchone()[0]
        rows = connection.execute(
            "SELECT id, owner_id, created, title FROM item ORDER BY id LIMIT ? OFFSET ?",
            (per_page, (page - 1) * per_page),
        ).fetchall()
        pages = (total + per_page - 1) // per_page
        return fw.jsonify(
            items=[
                {
                    "id": row["id"],
                    "owner_id": row["owner_id"],
                    "created": row["created"],
                    "title": row["title"],
                    "url": url_for("pages.item", item_id=row["id"]),
                }
                for row in rows
            ],
            page=page,
            per_page=per_page,
            total=total,
            pages=pages,
            next=url_for("api.items", page=page + 1, per_page=per_page) if page < pages else None,
            prev=url_for("api.items", page=page - 1, per_page=per_page) if page > 1 else None,
        )

    return bp
