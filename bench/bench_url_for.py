"""URL building benchmark: a view that builds 20 URLs with ``url_for``.

Run: ``python bench/bench_url_for.py`` (compiled kernels) and
``FLASKFAST_NO_EXTENSIONS=1 python bench/bench_url_for.py`` (pure).

The same app (a layout's navigation links, per-item links with an ``int``
id, a link with a query string, a static file, a blueprint endpoint) runs on
Flask and on flaskfast; each WSGI request is served in-process with a
prepared environ and the best of several rounds is printed, in µs per
request, with the ratio. ``--calls`` prints the cost of a single
``url_for`` call inside a request context as well.
"""

from __future__ import annotations

import sys
import timeit
import types
import typing as t

import flask
from werkzeug.test import create_environ

import flaskfast
from flaskfast._speedups import IMPLEMENTATION


def make_app(fw: types.ModuleType) -> t.Any:
    app = fw.Flask("bench_url_for")
    url_for = fw.url_for

    def view(**kwargs: t.Any) -> str:
        return ""

    for name in ("index", "about", "login", "logout", "search"):
        app.add_url_rule(f"/{name}", name, view)
    app.add_url_rule("/item/<int:item_id>", "item", view)
    app.add_url_rule("/user/<name>", "user", view)
    bp = fw.Blueprint("blog", "bench_url_for", url_prefix="/blog")
    bp.add_url_rule("/post/<int:post_id>/edit", "edit", view)
    app.register_blueprint(bp)

    @app.route("/page")
    def page() -> str:
        links = [
            url_for("index"),
            url_for("about"),
            url_for("login"),
            url_for("logout"),
            url_for("search", q="flask"),
            url_for("static", filename="style.css"),
            url_for("user", name="alice"),
        ]
        for n in range(10):
            links.append(url_for("item", item_id=n))
        links.append(url_for("blog.edit", post_id=3))
        links.append(url_for("user", name="bob", tab="posts"))
        links.append(url_for("item", item_id=99, _anchor="reviews"))
        return "\n".join(links)

    return app


def best(timers: dict[str, t.Callable[[], None]], number: int, rounds: int = 15) -> dict[str, float]:
    """µs per call of each timer: the best of ``rounds`` rounds, the timers
    taking turns so that a change in machine load hits all of them."""
    results = {name: float("inf") for name in timers}
    for _ in range(rounds):
        for name, timer in timers.items():
            elapsed = timeit.timeit(timer, number=number) / number * 1e6
            results[name] = min(results[name], elapsed)
    return results


def request_timer(app: t.Any) -> t.Callable[[], None]:
    environ = create_environ("/page")

    def start_response(status: str, headers: t.Any, exc_info: t.Any = None) -> None:
        return None

    def once() -> None:
        for _ in app(dict(environ), start_response):
            pass

    once()
    return once


def main() -> None:
    apps = {fw.__name__: (fw, make_app(fw)) for fw in (flask, flaskfast)}
    bodies = {name: app.test_client().get("/page").data for name, (_, app) in apps.items()}
    if bodies["flask"] != bodies["flaskfast"]:
        raise SystemExit("the two apps built different URLs")
    times = best({name: request_timer(app) for name, (_, app) in apps.items()}, 1000)
    print(f"flaskfast kernels: {IMPLEMENTATION}")
    print(f"20 url_for per request: flask {times['flask']:.1f} µs,"
          f" flaskfast {times['flaskfast']:.1f} µs,"
          f" ratio {times['flask'] / times['flaskfast']:.2f}x")
    if "--calls" in sys.argv:
        contexts = [app.test_request_context("/") for _, app in apps.values()]
        for ctx in contexts:
            ctx.push()  # each url_for below looks up its own app's context
        try:
            calls = best(
                {
                    name: (lambda fw=fw: fw.url_for("item", item_id=1) and None)
                    for name, (fw, _) in apps.items()
                },
                10000,
            )
        finally:
            for ctx in reversed(contexts):
                ctx.pop()
        print(f"one url_for call: flask {calls['flask']:.2f} µs,"
              f" flaskfast {calls['flaskfast']:.2f} µs,"
              f" ratio {calls['flask'] / calls['flaskfast']:.2f}x")

if __name__ == "__main__":
    main()
