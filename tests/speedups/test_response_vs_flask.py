"""Responses of the response kernel's shortcuts against Flask 3.1.3.

The same application is built with ``flask`` and with ``flaskfast`` and the
same requests are made; status line, header list and body must be equal.
The cases are the ones where a shortcut could assume how a user's class was
built: HTTP errors of the app's own classes (raised, returned from a view,
returned from an error handler, with and without ``HTTPException.__init__``),
response classes that customise construction or sending, and redirects.
"""

from __future__ import annotations

import types
import typing as t

import flask
import pytest
from werkzeug.exceptions import InternalServerError
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import MethodNotAllowed
from werkzeug.exceptions import NotFound
from werkzeug.sansio.response import Response as SansioResponse
from werkzeug.utils import redirect as werkzeug_redirect

import flaskfast

MODULES = (flask, flaskfast)


class SeeOther(HTTPException):
    """A real app's redirect exception: no ``HTTPException.__init__``, its
    own ``get_response``."""

    code = 303

    def __init__(self, location: str) -> None:
        self.location = location

    def get_response(self, environ: t.Any = None, scope: t.Any = None) -> t.Any:
        return werkzeug_redirect(self.location, 303)


class SeeOtherWithInit(HTTPException):
    code = 303

    def __init__(self, location: str) -> None:
        super().__init__()
        self.location = location

    def get_response(self, environ: t.Any = None, scope: t.Any = None) -> t.Any:
        return werkzeug_redirect(self.location, 303)


class Gone(HTTPException):
    """Stock rendering, own ``__init__`` that does call super."""

    code = 410

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} is gone")


class GoneNoInit(HTTPException):
    """Stock rendering, ``__init__`` without super but the class supplies
    what ``get_response`` reads."""

    code = 410
    response = None

    def __init__(self, what: str) -> None:
        self.what = what


class NoResponseAttribute(HTTPException):
    """Stock ``get_response`` on an instance that never got ``response``:
    Flask fails with werkzeug's AttributeError, and so must flaskfast."""

    code = 409

    def __init__(self) -> None:
        pass


class OwnBody(NotFound):
    def get_body(self, environ: t.Any = None, scope: t.Any = None) -> str:
        return "own body"


class OwnDescription(NotFound):
    def get_description(self, environ: t.Any = None, scope: t.Any = None) -> str:
        return "<p>own description</p>"


class OwnHeaders(MethodNotAllowed):
    def get_headers(self, environ: t.Any = None, scope: t.Any = None) -> list[tuple[str, str]]:
        return [*super().get_headers(environ, scope), ("X-Own", "1")]


class DescriptionProperty(NotFound):
    @property  # type: ignore[override]
    def description(self) -> str:
        return "<computed>"


def _errors() -> dict[str, t.Callable[[], t.Any]]:
    def teapot() -> NotFound:
        e = NotFound()
        e.code = 418
        return e

    def instance_get_body() -> NotFound:
        e = NotFound()
        e.get_body = lambda environ=None, scope=None: "from the instance"  # type: ignore[method-assign]
        return e

    def instance_get_headers() -> MethodNotAllowed:
        e = MethodNotAllowed(["GET"])
        e.get_headers = lambda environ=None, scope=None: [  # type: ignore[method-assign]
            ("Content-Type", "text/plain")
        ]
        return e

    def markup_description() -> NotFound:
        from markupsafe import Markup

        return NotFound(Markup("<b>bold</b>"))

    return {
        "see_other": lambda: SeeOther("/there?a=<1>"),
        "see_other_with_init": lambda: SeeOtherWithInit("/with-init"),
        "gone": lambda: Gone("the page"),
        "gone_no_init": lambda: GoneNoInit("x"),
        "no_response_attribute": NoResponseAttribute,
        "own_body": OwnBody,
        "own_description": OwnDescription,
        "own_headers": lambda: OwnHeaders(["GET"]),
        "description_property": DescriptionProperty,
        "instance_code": teapot,
        "instance_get_body": instance_get_body,
        "instance_get_headers": instance_get_headers,
        "markup_description": markup_description,
        "stock_404": NotFound,
        "described_404": lambda: NotFound("Nothing <here>\nat all"),
        "stock_405": lambda: MethodNotAllowed(["GET", "POST"]),
        "405_without_methods": MethodNotAllowed,
        "with_response": lambda: HTTPException(response=werkzeug_redirect("/r", 307)),
    }


ERRORS = _errors()


class _Marker(Exception):
    pass


def _build(m: types.ModuleType, make_error: t.Callable[[], t.Any], testing: bool) -> t.Any:
    app = m.Flask("responses")
    app.config["TESTING"] = testing

    @app.route("/raise")
    def raise_it() -> t.Any:
        raise make_error()

    @app.route("/return")
    def return_it() -> t.Any:
        return make_error()

    @app.route("/return-status")
    def return_with_status() -> t.Any:
        return make_error(), 299, {"X-Added": "1"}

    @app.route("/handled")
    def handled() -> t.Any:
        raise _Marker()

    @app.errorhandler(_Marker)
    def on_marker(e: Exception) -> t.Any:
        return make_error()

    @app.after_request
    def seen(response: t.Any) -> t.Any:
        # What a hook sees of the object (not HEAD, where Flask's collected
        # body is empty before sending).
        response.headers["X-Seen"] = f"{response.status_code} {len(response.get_data())}"
        return response

    return app


def _wire(app: t.Any, path: str, method: str = "GET") -> t.Any:
    try:
        rv = app.test_client().open(path, method=method)
    except Exception as e:  # noqa: BLE001 - the error itself is compared
        return ("raised", type(e).__name__, str(e))
    return (rv.status, rv.headers.to_wsgi_list(), rv.get_data())


@pytest.mark.parametrize("testing", [True, False], ids=["propagate", "500"])
@pytest.mark.parametrize("path", ["/raise", "/return", "/return-status", "/handled"])
@pytest.mark.parametrize("error", sorted(ERRORS))
def test_http_errors_match_flask(error: str, path: str, testing: bool) -> None:
    expected = _wire(_build(flask, ERRORS[error], testing), path)
    assert _wire(_build(flaskfast, ERRORS[error], testing), path) == expected


def test_the_see_other_redirect_is_the_override() -> None:
    app = _build(flaskfast, ERRORS["see_other"], True)
    for path in ("/raise", "/return", "/handled"):
        status, headers, _ = _wire(app, path)
        assert status == "303 SEE OTHER"
        assert ("Location", "/there?a=%3C1%3E") in headers


def _not_found_app(m: types.ModuleType, error: t.Callable[[], t.Any] | None) -> t.Any:
    app = m.Flask("handler")

    @app.route("/only-post", methods=["POST"])
    def only_post() -> str:
        return "posted"

    @app.after_request
    def seen(response: t.Any) -> t.Any:
        # What a hook sees of the object, HEAD included.
        response.headers["X-Seen"] = f"{response.status_code} {response.get_data()!r}"
        return response

    if error is not None:

        @app.errorhandler(404)
        @app.errorhandler(405)
        def handler(e: Exception) -> t.Any:
            return error()

    return app


@pytest.mark.parametrize("error", [None, *sorted(ERRORS)])
@pytest.mark.parametrize(
    ("path", "method"), [("/missing", "GET"), ("/only-post", "GET"), ("/missing", "HEAD")]
)
def test_routing_errors_and_their_handlers_match_flask(
    error: str | None, path: str, method: str
) -> None:
    make = None if error is None else ERRORS[error]
    expected = _wire(_not_found_app(flask, make), path, method)
    assert _wire(_not_found_app(flaskfast, make), path, method) == expected


def test_patching_an_error_class_later_is_seen() -> None:
    class Late(HTTPException):
        code = 410

    results = []
    for m in MODULES:
        app = m.Flask("late")
        app.add_url_rule("/", "late", lambda: Late())
        first = _wire(app, "/")
        original = Late.get_body
        Late.description = "changed later"
        second = _wire(app, "/")
        Late.get_body = lambda self, environ=None, scope=None: "patched"  # type: ignore[method-assign]
        third = _wire(app, "/")
        Late.get_body = original  # type: ignore[method-assign]
        del Late.description
        results.append((first, second, third))
    assert results[0] == results[1]
    assert results[1][0] != results[1][1] != results[1][2]


# -- response classes -----------------------------------------------------------


def _response_classes(m: types.ModuleType) -> dict[str, type]:
    base = m.Response

    class OwnInit(base):  # type: ignore[valid-type, misc]
        def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
            super().__init__(*args, **kwargs)
            self.headers["X-Init"] = "1"

    class OwnWsgiHeaders(base):  # type: ignore[valid-type, misc]
        def get_wsgi_headers(self, environ: t.Any) -> t.Any:
            headers = super().get_wsgi_headers(environ)
            headers["X-Wsgi"] = "1"
            return headers

    class OwnNew(base):  # type: ignore[valid-type, misc]
        def __new__(cls, *args: t.Any, **kwargs: t.Any) -> t.Any:
            rv = super().__new__(cls)
            rv.made_by_new = True
            return rv

        @property
        def new_seen(self) -> bool:
            return getattr(self, "made_by_new", False)

    class Mixin(SansioResponse):
        def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
            super().__init__(*args, **kwargs)
            self.headers["X-Mixin"] = "1"

    class Between(base, Mixin):  # type: ignore[valid-type, misc]
        pass

    class OwnForceType(base):  # type: ignore[valid-type, misc]
        @classmethod
        def force_type(cls, response: t.Any, environ: t.Any = None) -> t.Any:
            rv = super().force_type(response, environ)
            rv.headers["X-Forced"] = "1"
            return rv

    class OwnStatus(base):  # type: ignore[valid-type, misc]
        def _clean_status(self, value: t.Any) -> tuple[str, int]:
            status, code = super()._clean_status(value)
            return f"{status} (own)", code

    class Meta(type):
        def __call__(cls, *args: t.Any, **kwargs: t.Any) -> t.Any:
            rv = super().__call__(*args, **kwargs)
            rv.headers["X-Meta"] = "1"
            return rv

    class WithMeta(base, metaclass=Meta):  # type: ignore[valid-type, misc]
        pass

    class Created(base):  # type: ignore[valid-type, misc]
        default_status = 201
        default_mimetype = "text/plain"

    class Slotted(base):  # type: ignore[valid-type, misc]
        # force_type cannot relabel werkzeug's Response as this class.
        __slots__ = ("extra",)

    return {
        "stock": base,
        "own_init": OwnInit,
        "own_wsgi_headers": OwnWsgiHeaders,
        "own_new": OwnNew,
        "between": Between,
        "own_force_type": OwnForceType,
        "own_status": OwnStatus,
        "with_meta": WithMeta,
        "created": Created,
        "slotted": Slotted,
    }


def _views(m: types.ModuleType) -> dict[str, t.Callable[[], t.Any]]:
    return {
        "/text": lambda: "hello",
        "/bytes": lambda: b"raw",
        "/tuple": lambda: ("created", 201, {"X-Item": "42"}),
        "/tuple-list": lambda: ("listed", 202, [("X-A", "1")]),
        "/json": lambda: {"a": [1, 2]},
        "/redirect": lambda: m.redirect("/target?x=<y>&z=\u00e9"),
        "/redirect-303": lambda: m.redirect("https://example.com/", 303),
        "/abort": lambda: m.abort(404),
        "/abort-described": lambda: m.abort(410, "long gone"),
        "/see-other": lambda: SeeOther("/else"),
        "/make-response": lambda: m.make_response("made", 203),
    }


@pytest.mark.parametrize("path", sorted(_views(flaskfast)))
@pytest.mark.parametrize("cls_name", sorted(_response_classes(flaskfast)))
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_response_classes_match_flask(cls_name: str, path: str, method: str) -> None:
    results = []
    for m in MODULES:
        app = m.Flask("classes")
        cls = _response_classes(m)[cls_name]
        app.response_class = cls
        for rule, view in _views(m).items():
            app.add_url_rule(rule, rule, view)

        @app.after_request
        def seen(response: t.Any) -> t.Any:
            new_seen = getattr(response, "new_seen", None)
            response.headers["X-Class"] = f"{type(response).__name__} {new_seen}"
            return response

        results.append((_wire(app, path, method), _wire(app, "/missing", method)))
    assert results[1] == tuple(_deliberate(r, method) for r in results[0])


def _deliberate(flask_result: t.Any, method: str) -> t.Any:
    """What flaskfast answers where Flask's answer is ``flask_result``.

    Outside testing an exception can only leave Flask's WSGI call from the
    500 handling itself (here: the response class cannot take the error
    page); flaskfast logs it and sends werkzeug's plain 500 instead (a
    deliberate difference, see SECURITY.md)."""
    if flask_result[0] != "raised":
        return flask_result
    page = InternalServerError().get_response()
    body = b"" if method == "HEAD" else page.get_data()
    return (page.status, page.headers.to_wsgi_list(), body)


@pytest.mark.parametrize(
    "location", ["/", "/a b?c=1&d=<'\">", "http://ex.com/\u00e9t\u00e9#frag", "", "\ue000"]
)
@pytest.mark.parametrize("code", [301, 302, 303, 307, 308, 399])
def test_redirects_match_flask(location: str, code: int) -> None:
    results = []
    for m in MODULES:
        app = m.Flask("redirects")
        app.add_url_rule("/", "r", lambda: m.redirect(location, code))
        results.append(_wire(app, "/"))
    assert results[1] == results[0]
