"""The realistic app's pages as benchmark scenarios (see ``realapp``).

Each scenario is one page as a logged-in (or anonymous) user requests it, with
a check of its status and of content that only the full page has. The session
cookies are signed by the app itself, as the browser would send them back.
"""

from __future__ import annotations

import importlib
import json
import typing as t

from apps import Scenario

import realapp
from realapp import db

FRAMEWORKS = ("flaskfast", "flask")
PREFIX = "real/"
LOGGED_IN = {"user_id": 1}
ITEM = 7  # owned by user 1
EDIT_FORM = {"title": db.item_row(ITEM)[3], "body": db.item_row(ITEM)[4]}


def verify_api_page(body: bytes) -> None:
    data = json.loads(body)
    assert [item["id"] for item in data["items"]] == list(range(11, 21)), "items 11-20"
    assert data["items"][0]["url"] == "/items/11", data["items"][0]
    assert (data["page"], data["total"], data["pages"]) == (2, db.N_ITEMS, 4), data
    assert data["next"] == "/api/items?page=3&per_page=10", data["next"]
    assert data["prev"] == "/api/items?page=1&per_page=10", data["prev"]


SCENARIOS: list[Scenario] = [
    Scenario(
        PREFIX + "index",
        "GET",
        "/",
        200,
        contains=b'<a class="action" href="/items/14/edit">Edit</a>',
        session=LOGGED_IN,
    ),
    Scenario(
        PREFIX + "index_flash",
        "GET",
        "/",
        200,
        contains=b'<div class="flash message">Item updated.</div>',
        session={**LOGGED_IN, "_flashes": [("message", "Item updated.")]},
    ),
    Scenario(
        PREFIX + "item",
        "GET",
        f"/items/{ITEM}",
        200,
        contains=b"<p>Body of item 7. It says &#34;quote&#34; and &#39;apostrophe&#39;",
        session=LOGGED_IN,
    ),
    Scenario(
        PREFIX + "edit_form",
        "GET",
        f"/items/{ITEM}/edit",
        200,
        contains=b'<form method="post" action="/items/7/edit">',
        session=LOGGED_IN,
    ),
    Scenario(
        PREFIX + "edit_post",
        "POST",
        f"/items/{ITEM}/edit",
        302,
        headers={"Location": f"/items/{ITEM}"},
        contains=b"Redirecting",
        data=EDIT_FORM,
        session=LOGGED_IN,
    ),
    Scenario(
        PREFIX + "api_page",
        "GET",
        "/api/items",
        200,
        query={"page": "2", "per_page": "10"},
        verify=verify_api_page,
        session=LOGGED_IN,
    ),
    Scenario(
        PREFIX + "login_page",
        "GET",
        "/auth/login",
        200,
        contains=b'<input name="username" id="username" required>',
    ),
    Scenario(
        PREFIX + "not_found",
        "GET",
        "/items/999",
        404,
        contains=b"<p>Item 999 doesn&#39;t exist.</p>",
        session=LOGGED_IN,
    ),
]


def build(framework: str) -> t.Any:
    """A fresh realistic app (own seeded database) on ``flask`` or ``flaskfast``."""
    if framework not in FRAMEWORKS:
        raise ValueError(f"unknown framework {framework!r}; use one of {FRAMEWORKS}")
    return realapp.create_app(importlib.import_module(framework))


def supports(framework: str, scenario: Scenario) -> bool:
    return framework in FRAMEWORKS
