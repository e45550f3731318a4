"""Class-based views."""

from __future__ import annotations

import typing as t

import pytest

from flaskfast.views import MethodView
from flaskfast.views import View
from flaskfast.views import http_method_funcs

if t.TYPE_CHECKING:  # pragma: no cover
    from flaskfast import Flask
    from flaskfast.testing import FlaskClient


def test_method_view_collects_methods_from_handlers() -> None:
    class Items(MethodView):
        def get(self) -> str:
            return ""

        def patch(self) -> str:
            return ""

    assert Items.methods == {"GET", "PATCH"}


def test_method_view_inherits_and_extends_methods() -> None:
    class Base(MethodView):
        methods = ["GET", "REPORT"]

    class Child(Base):
        def delete(self) -> str:
            return ""

    assert Child.methods == {"GET", "REPORT", "DELETE"}


def test_explicit_methods_are_left_alone() -> None:
    class A(MethodView):
        def get(self) -> str:
            return ""

        def post(self) -> str:
            return ""

    class B(A):
        methods = ["GET"]

    assert B.methods == ["GET"]


def test_method_view_without_handlers_keeps_none() -> None:
    class Empty(MethodView):
        pass

    assert Empty.methods is None


def test_http_method_funcs_lists_lowercase_verbs() -> None:
    assert "get" in http_method_funcs and "trace" in http_method_funcs
    assert "GET" not in http_method_funcs


def test_as_view_function_attributes() -> None:
    class Page(View):
        """Shows a page."""

        methods = ["GET", "POST"]
        provide_automatic_options = False

        def dispatch_request(self) -> str:
            return ""

    view = Page.as_view("page")
    assert view.__name__ == "page"
    assert view.__doc__ == "Shows a page."
    assert view.view_class is Page  # type: ignore[attr-defined]
    assert view.methods == ["GET", "POST"]  # type: ignore[attr-defined]
    assert view.provide_automatic_options is False  # type: ignore[attr-defined]


def test_base_view_must_be_overridden(app: Flask, client: FlaskClient) -> None:
    app.add_url_rule("/", view_func=View.as_view("bare"))
    with pytest.raises(NotImplementedError):
        client.get("/")


def test_view_receives_constructor_and_url_arguments(
    app: Flask, client: FlaskClient
) -> None:
    class Greeter(View):
        def __init__(self, greeting: str, *, punct: str = ".") -> None:
            self.greeting = greeting
            self.punct = punct

        def dispatch_request(self, name: str) -> str:  # type: ignore[override]
            return f"{self.greeting} {name}{self.punct}"

    app.add_url_rule("/hi/<name>", view_func=Greeter.as_view("hi", "Hi", punct="!"))
    assert client.get("/hi/ada").text == "Hi ada!"


def test_instance_per_request_by_default(app: Flask, client: FlaskClient) -> None:
    created = []

    class Counter(View):
        def __init__(self) -> None:
            created.append(self)

        def dispatch_request(self) -> str:
            return str(len(created))

    app.add_url_rule("/", view_func=Counter.as_view("c"))
    assert client.get("/").text == "1"
    assert client.get("/").text == "2"


def test_init_every_request_false_shares_instance(
    app: Flask, client: FlaskClient
) -> None:
    created = []

    class Counter(View):
        init_every_request = False

        def __init__(self) -> None:
            created.append(self)

        def dispatch_request(self) -> str:
            return str(len(created))

    view = Counter.as_view("c")
    assert len(created) == 1  # built once, up front
    app.add_url_rule("/", view_func=view)
    assert client.get("/").text == "1"
    assert client.get("/").text == "1"


def test_decorators_wrap_the_view_in_order(app: Flask, client: FlaskClient) -> None:
    order = []

    def tag(label: str) -> t.Callable[[t.Callable[..., t.Any]], t.Callable[..., t.Any]]:
        def decorator(f: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
            def wrapper(**kwargs: t.Any) -> t.Any:
                order.append(label)
                return f(**kwargs)

            return wrapper

        return decorator

    class Page(View):
        decorators = [tag("inner"), tag("outer")]

        def dispatch_request(self) -> str:
            return "page"

    view = Page.as_view("page")
    assert view.__name__ == "page"
    assert view.view_class is Page  # type: ignore[attr-defined]
    app.add_url_rule("/", view_func=view)
    assert client.get("/").text == "page"
    assert order == ["outer", "inner"]


def test_swapping_view_class_after_as_view(app: Flask, client: FlaskClient) -> None:
    class Original(View):
        def dispatch_request(self) -> str:
            return "original"

    class Replacement(View):
        def dispatch_request(self) -> str:
            return "replacement"

    view = Original.as_view("v")
    view.view_class = Replacement  # type: ignore[attr-defined]
    app.add_url_rule("/", view_func=view)
    assert client.get("/").text == "replacement"


def test_method_view_dispatch(app: Flask, client: FlaskClient) -> None:
    class Item(MethodView):
        def get(self, item_id: int) -> str:
            return f"get {item_id}"

        def put(self, item_id: int) -> str:
            return f"put {item_id}"

    app.add_url_rule("/item/<int:item_id>", view_func=Item.as_view("item"))
    assert client.get("/item/3").text == "get 3"
    assert client.put("/item/4").text == "put 4"
    assert client.post("/item/4").status_code == 405
    head = client.head("/item/5")
    assert head.status_code == 200 and head.data == b""
    allow = set(client.options("/item/1").headers["Allow"].split(", "))
    assert allow == {"GET", "HEAD", "OPTIONS", "PUT"}


def test_method_view_async_handler(app: Flask, client: FlaskClient) -> None:
    pytest.importorskip("asgiref")

    class Item(MethodView):
        async def get(self) -> str:
            return "async get"

    app.add_url_rule("/", view_func=Item.as_view("item"))
    assert client.get("/").text == "async get"


def test_method_view_unknown_method_is_assertion(app: Flask) -> None:
    class Item(MethodView):
        def get(self) -> str:
            return ""

    with app.test_request_context(method="DELETE"):
        with pytest.raises(AssertionError, match="Unimplemented method 'DELETE'"):
            Item().dispatch_request()
