"""Pure-Python kernel: turning a view's return value into a response object.

The readable spec for ``response_c.pyx``.  ``make_response(app, rv, ctx)`` is
the body of :meth:`flaskfast.Flask.make_response` (``ctx`` is the current
request context or ``None``, passed by the caller: this module imports nothing
from flaskfast): it accepts every shape Flask accepts and raises Flask's
``TypeError`` for the rest.

* ``str`` / ``bytes`` / ``bytearray`` / iterator -> ``app.response_class(rv)``
* ``dict`` / ``list`` -> ``app.json.response(rv)``
* a response object of ``app.response_class`` -> unchanged
* another werkzeug response or a WSGI callable -> ``response_class.force_type``
* ``(body, status)``, ``(body, headers)``, ``(body, status, headers)``

A status is applied with ``response.status`` for strings and
``response.status_code`` otherwise; headers are merged with ``headers.update``.

Shortcuts.  Some responses are assembled directly instead of running the
response class's constructor, the redirect helper or an HTTP error's WSGI
call.  A shortcut is taken only after checking, on every call and before
reading anything else of a user's class or object, that every method it skips
is werkzeug's own (identity of class attributes); otherwise the public code
runs, exactly as in Flask.  The assembled objects rely on private details of
werkzeug (the attributes its constructor leaves on a response, ``Headers`` keeping
its pairs in ``_list``, the layout of its redirect and error pages); each is
compared with werkzeug's own output when this module is imported, and a
shortcut whose comparison fails is never taken (``fast_paths()`` reports
which hold; tests assert that all hold for the installed werkzeug).
"""

from __future__ import annotations

import sys
import typing as t
from collections.abc import Iterator

from werkzeug.datastructures import Headers as _WzHeaders
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import MethodNotAllowed
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.sansio.response import Response as _SansioResponse
from markupsafe import escape
from werkzeug.utils import get_content_type
from werkzeug.utils import redirect as _wz_redirect
from werkzeug.wrappers import Response as _WerkzeugResponse

_HEADER_SHAPES = (_WzHeaders, dict, tuple, list)
_TEXT = (str, bytes, bytearray)

_NEWLINE_ERROR = "Header values must not contain newline characters."
_WZ_SETITEM = _WzHeaders.__setitem__
_WZ_SET = _WzHeaders.set
_WZ_CONTAINS = _WzHeaders.__contains__
_WZ_EQ = _WzHeaders.__eq__


class Headers(_WzHeaders):
    """The headers of responses this kernel builds: werkzeug's ``Headers``
    with the same methods and results.  Setting an exact ``str`` value under
    an exact ``str`` name, and ``in`` with an exact ``str`` name, take a
    shorter path; everything else is werkzeug's own code.  Equality treats
    this class and werkzeug's as one, so it compares like werkzeug's."""

    # Marks the twins' classes (pure and compiled) for __eq__.
    _ff_response_headers = True

    # PERF: werkzeug's __setitem__ goes through set(), an isinstance check,
    # a regex search for newlines and an enumerate; an after_request hook's
    # ``response.headers["X"] = "y"`` pays ~0.9 us (bench: blueprint_hooks).
    def __setitem__(self, key: t.Any, value: t.Any) -> None:
        if type(key) is not str or type(value) is not str:
            _WZ_SETITEM(self, key, value)
            return
        if "\n" in value or "\r" in value:
            raise ValueError(_NEWLINE_ERROR)
        _set_text(self._list, key, value)

    def set(self, key: t.Any, value: t.Any, /, **kwargs: t.Any) -> None:
        """werkzeug's ``Headers.set``."""
        if kwargs or type(key) is not str or type(value) is not str:
            _WZ_SET(self, key, value, **kwargs)
            return
        if "\n" in value or "\r" in value:
            raise ValueError(_NEWLINE_ERROR)
        _set_text(self._list, key, value)

    # PERF: werkzeug answers a missing name by raising and catching a
    # BadRequestKeyError (an HTTPException) (bench: session's Vary check).
    def __contains__(self, key: t.Any) -> bool:
        if type(key) is not str:
            return _WZ_CONTAINS(self, key)
        ikey = key.lower()
        for name, _ in self._list:
            if name.lower() == ikey:
                return True
        return False

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not _WzHeaders and not getattr(
            other.__class__, "_ff_response_headers", False
        ):
            return NotImplemented
        # werkzeug's comparison requires both sides of one class.
        mirror = _WzHeaders()
        mirror._list = self._list
        other_mirror = _WzHeaders()
        other_mirror._list = other._list  # type: ignore[attr-defined]
        return _WZ_EQ(mirror, other_mirror)

    __hash__ = None


def _set_text(items: list[tuple[str, str]], key: str, value: str) -> None:
    """What werkzeug's ``set`` does to its list once the value is checked:
    the first pair named ``key`` (any case) becomes ``(key, value)`` and the
    later ones go; without one the pair is appended."""
    ikey = key.lower()
    index = 0
    for name, _ in items:
        if name.lower() == ikey:
            items[index] = (key, value)
            index += 1
            if index < len(items):
                items[index:] = [item for item in items[index:] if item[0].lower() != ikey]
            return
        index += 1
    items.append((key, value))


_INVALID_TYPE = (
    "The view function did not return a valid response. The return type must"
    " be a string, dict, list, tuple with headers or status, Response"
    " instance, or WSGI callable, but it was a {}."
)

_OBJECT_NEW: t.Any = object.__new__
_WERKZEUG_INIT = _WerkzeugResponse.__init__
_WERKZEUG_STATUS = _SansioResponse.__dict__["status"]
_WERKZEUG_CLEAN_STATUS = _SansioResponse._clean_status
_WERKZEUG_SET_DATA = _WerkzeugResponse.set_data
_WERKZEUG_FORCE_TYPE = _WerkzeugResponse.__dict__["force_type"].__func__

# Whether the responses assembled here are in exactly the state werkzeug's
# constructor leaves them in (decided at import, by comparing with it).
_fast_build = True

# PERF: the Content-Type and status line of a plain text body, by the
# class's (default_mimetype, default_status); computing them takes several
# calls (bench: str hello, tuple, every text scenario).
_plain_values: dict[tuple[str, int], tuple[str, str, int]] = {}
# Status lines by int code (a few codes in practice).
_status_lines: dict[int, str] = {}
_STATUS_LINES_SIZE = 64


def _construction(cls: type) -> tuple[str, str, int] | None:
    """``(content type, status line, status code)`` that ``cls(text)`` gets,
    when constructing ``cls`` runs nothing but werkzeug's own code (no own
    ``__new__``, metaclass call or ``__init__``, no class between werkzeug's
    two ``Response`` classes, werkzeug's ``status`` setter, ``_clean_status``
    and ``set_data``, the Content-Length set) and its defaults are an exact
    ``str`` mimetype and ``int`` status; else ``None``, and the caller runs
    the constructor.  Checked on every call, so later changes count."""
    if type(cls) is not type or not _fast_build:
        return None
    mro = cls.__mro__
    if len(mro) < 3 or mro[-3] is not _WerkzeugResponse or mro[-2] is not _SansioResponse:
        return None
    # A werkzeug Response subclass: every name below exists.
    c: t.Any = cls
    if (
        c.__init__ is not _WERKZEUG_INIT
        or c.__new__ is not _OBJECT_NEW
        or c.set_data is not _WERKZEUG_SET_DATA
        or c._clean_status is not _WERKZEUG_CLEAN_STATUS
        or c.status is not _WERKZEUG_STATUS
        or c.automatically_set_content_length is not True
    ):
        return None
    # Everything that reads them is werkzeug's: the defaults are plain values.
    mimetype = c.default_mimetype
    status = c.default_status
    if type(mimetype) is not str or not mimetype or type(status) is not int:
        return None
    key = (mimetype, status)
    try:
        return _plain_values[key]
    except KeyError:
        pass
    found = (get_content_type(mimetype, "utf-8"), _status_line(status), status)
    if len(_plain_values) < 64:
        _plain_values[key] = found
    return found


def _status_line(code: int) -> str:
    """The status line werkzeug gives an int ``code``, asked of werkzeug
    (its ``status`` property) the first time."""
    try:
        return _status_lines[code]
    except KeyError:
        pass
    line: str = _SansioResponse(status=code).status
    if len(_status_lines) < _STATUS_LINES_SIZE:
        _status_lines[code] = line
    return line


def _bodied(code: int) -> bool:
    """Whether werkzeug sends a body and its Content-Length for ``code``
    (not for 1xx, 204 and 304)."""
    return code >= 200 and code != 204 and code != 304


def _assemble(
    cls: type, data: bytes | bytearray, content_type: str, status: str, code: int,
    extra: list[tuple[str, str]] | None = None,
) -> t.Any:
    """A response of ``cls`` in exactly the state werkzeug's constructor
    leaves ``cls(data, code, [("Content-Type", content_type), *extra])`` in.

    Callers have checked :func:`_construction` for ``cls`` first, or pass
    werkzeug's own ``Response`` (error pages)."""
    # PERF: werkzeug's constructor normalises its arguments, looks for a
    # Content-Type, parses the status and copies the headers one by one;
    # the result for these arguments is known, so its attributes are set
    # directly.  Private detail: the attribute names and the Headers' _list,
    # pinned at import (see _check_fast_build) and by
    # tests/speedups/test_response_pins.py (bench: str hello, json_response,
    # tuple_201, not_found, method_not_allowed).
    rv: t.Any = _OBJECT_NEW(cls)
    headers = Headers()
    items = [("Content-Type", content_type)]
    if extra:
        items.extend(extra)
    items.append(("Content-Length", str(len(data))))
    headers._list = items
    rv.headers = headers
    rv._status = status
    rv._status_code = code
    rv.direct_passthrough = False
    rv._on_close = []
    body = rv.response = [data]
    if extra is None and _bodied(code):
        # Lets Response.__call__ recognise this exact header list and body,
        # untouched since, and hand them to start_response as they are.
        rv._ff_plain = (items[0], items[1], code, body)
    return rv


def plain_response(cls: type, body: str | bytes | bytearray) -> t.Any:
    """Build ``cls(body)`` for a text body, skipping the generic constructor
    when constructing ``cls`` runs only werkzeug's code.  Same object state
    either way."""
    defaults = _construction(cls)
    if defaults is None:
        return cls(body)
    # werkzeug's set_data encodes text and keeps any bytes-like object as is.
    data = body.encode() if isinstance(body, str) else body
    return _assemble(cls, data, defaults[0], defaults[1], defaults[2])


def plain_head(cls: type) -> tuple[str, str] | None:
    """``(status line, Content-Type)`` that ``cls(body)`` sends for a ``str``
    or ``bytes`` body, when ``cls`` builds it exactly as werkzeug does and
    sends the body (UTF-8 encoded if text) with its Content-Length, that is
    the status is not 1xx, 204 or 304; otherwise ``None``.  The caller may
    then send the body without building the object.  Read from the class
    every time."""
    defaults = _construction(cls)
    if defaults is None or not _bodied(defaults[2]):
        return None
    return defaults[1], defaults[0]


_BODY_HEADERS = ("content-type", "content-length")


def _plain_header(key: t.Any, value: t.Any) -> bool:
    """Whether ``Headers.add(key, value)`` stores ``(key, value)`` unchanged
    and the constructor will not look at it again (it is neither
    Content-Type nor Content-Length)."""
    return (
        type(key) is str
        and type(value) is str
        and "\n" not in value
        and "\r" not in value
        and "\0" not in value
        and key.lower() not in _BODY_HEADERS
    )


def text_response(cls: type, body: t.Any, status: t.Any, headers: t.Any) -> t.Any:
    """``cls(body, status=status, headers=headers)`` built directly for an
    exact ``str``/``bytes`` body, an exact ``int`` status and ``None`` or an
    exact ``dict``/``list`` of plain header pairs (see :func:`_plain_header`);
    ``None`` when the caller must run the constructor."""
    # PERF: werkzeug's constructor copies the headers through Headers.extend,
    # looks for Content-Type (raising and catching a KeyError) and parses the
    # status; for plain input the result is known (bench: tuple_201).
    if type(status) is not int or (type(body) is not str and type(body) is not bytes):
        return None
    items: list[tuple[str, str]] = []
    if headers:
        if type(headers) is dict:
            for key, value in headers.items():
                if not _plain_header(key, value):
                    return None
                items.append((key, value))
        elif type(headers) is list:
            for item in headers:
                if type(item) is not tuple or len(item) != 2:
                    return None
                key, value = item
                if not _plain_header(key, value):
                    return None
                items.append((key, value))
        else:
            return None
    elif headers is not None and type(headers) is not dict and type(headers) is not list:
        return None
    defaults = _construction(cls)
    if defaults is None:
        return None
    data = body.encode() if type(body) is str else body
    # PERF: as _assemble, with the caller's headers first (bench: tuple_201).
    rv: t.Any = _OBJECT_NEW(cls)
    items.append(("Content-Type", defaults[0]))
    items.append(("Content-Length", str(len(data))))
    new_headers = Headers()
    new_headers._list = items
    rv.headers = new_headers
    rv._status = _status_line(status)
    rv._status_code = status
    rv.direct_passthrough = False
    rv._on_close = []
    rv.response = [data]
    return rv


# PERF: Content-Type by mimetype, as werkzeug's get_content_type gives it
# (bench: json_response).
_content_types: dict[str, str] = {}


def mimetype_response(cls: type, body: t.Any, mimetype: t.Any) -> t.Any:
    """``cls(body, mimetype=mimetype)`` (the JSON provider's response), built
    directly when constructing ``cls`` runs only werkzeug's code."""
    if type(body) is not str or type(mimetype) is not str or not mimetype:
        return cls(body, mimetype=mimetype)
    defaults = _construction(cls)
    if defaults is None:
        return cls(body, mimetype=mimetype)
    try:
        content_type = _content_types[mimetype]
    except KeyError:
        content_type = get_content_type(mimetype, "utf-8")
        if len(_content_types) < 64:
            _content_types[mimetype] = content_type
    # PERF: same object state as the constructor, and marked like a plain
    # response so that sending it skips re-checking its two headers (bench:
    # json_response).
    return _assemble(cls, body.encode(), content_type, defaults[1], defaults[2])


# -- HTTP error pages ---------------------------------------------------------

# What an HTTP error's WSGI call runs; an error that has all of them renders
# werkzeug's page from its code and description alone.
_HTTPEXCEPTION_CALL = HTTPException.__call__
_HTTPEXCEPTION_GET_RESPONSE = HTTPException.get_response
_HTTPEXCEPTION_GET_BODY = HTTPException.get_body
_HTTPEXCEPTION_GET_DESCRIPTION = HTTPException.get_description
_HTTPEXCEPTION_NAME = HTTPException.__dict__["name"]
_HTTPEXCEPTION_GET_HEADERS = HTTPException.get_headers
# The methods an instance could replace (``name`` is a property).
_ERROR_METHOD_NAMES = frozenset(("get_response", "get_body", "get_headers", "get_description"))
_MNA_GET_HEADERS = MethodNotAllowed.get_headers
_HTML = "text/html; charset=utf-8"
# Whether a page assembled here is the response werkzeug's get_response
# builds (decided at import, by comparing with it).
_fast_errors = True
# PERF: the encoded page by (code, description): werkzeug renders and
# escapes the same HTML on every 404 (bench: not_found, method_not_allowed).
_error_pages: dict[tuple[int, str | None], bytes] = {}
_ERROR_PAGES_SIZE = 64


def _stock_error(e: t.Any) -> bool | None:
    """Whether the HTTP error ``e`` runs only werkzeug's code when called as
    a WSGI app (its class's ``__call__``, ``get_response``, ``get_body``,
    ``get_description``, ``name`` and ``get_headers`` are werkzeug's and its
    instance replaces none of those methods): ``False`` with
    ``HTTPException.get_headers``, ``True`` with ``MethodNotAllowed``'s (an
    Allow header), ``None`` when anything it runs is its own.  Reads nothing
    but class attributes and the instance's ``__dict__``."""
    kind: t.Any = type(e)
    try:
        if (
            kind.get_response is not _HTTPEXCEPTION_GET_RESPONSE
            or kind.get_body is not _HTTPEXCEPTION_GET_BODY
            or kind.get_description is not _HTTPEXCEPTION_GET_DESCRIPTION
            or kind.__call__ is not _HTTPEXCEPTION_CALL
            or kind.name is not _HTTPEXCEPTION_NAME
        ):
            return None
        get_headers = kind.get_headers
    except AttributeError:
        return None
    if get_headers is _HTTPEXCEPTION_GET_HEADERS:
        allow = False
    elif get_headers is _MNA_GET_HEADERS:
        # MethodNotAllowed.get_headers extends super()'s: the class after it
        # must be HTTPException itself.
        if kind is not MethodNotAllowed:
            mro = kind.__mro__
            if mro[mro.index(MethodNotAllowed) + 1] is not HTTPException:
                return None
        allow = True
    else:
        return None
    if not _ERROR_METHOD_NAMES.isdisjoint(e.__dict__):
        return None
    return allow


def error_response(cls: type, e: HTTPException) -> t.Any:
    """What ``cls.force_type(e, environ)`` gives (the response of the HTTP
    error ``e`` run as a WSGI app, as Flask converts it), assembled from a
    cached page when everything that conversion runs is werkzeug's own: the
    error's ``__call__``, ``get_response``, ``get_body``, ``get_description``,
    ``name`` and ``get_headers`` (see :func:`_stock_error`) and ``cls``'s
    ``force_type``.  Only then are ``e``'s attributes read (as
    ``get_response`` reads them): ``response`` must be ``None``, ``code`` an
    exact ``int`` known to werkzeug and ``description`` ``None`` or an exact
    ``str``.  ``None`` when the caller must run the conversion."""
    if not _fast_errors:
        return None
    allow = _stock_error(e)
    if allow is None:
        return None
    try:
        stock = cls.force_type.__func__ is _WERKZEUG_FORCE_TYPE  # type: ignore[attr-defined]
    except AttributeError:
        return None
    if not stock:
        return None
    # From here on, reading e's attributes is what werkzeug's code does.
    if e.response is not None:
        return None
    code = e.code
    description = e.description
    if (
        type(code) is not int
        or code not in HTTP_STATUS_CODES
        or (description is not None and type(description) is not str)
    ):
        return None
    extra = None
    if allow:
        methods = e.valid_methods  # type: ignore[attr-defined]
        if methods:
            value = ", ".join(methods)
            if "\n" in value or "\r" in value:
                return None  # werkzeug's Headers raises its own error
            extra = [("Allow", value)]
    key = (code, description)
    try:
        page = _error_pages[key]
    except KeyError:
        page = e.get_body().encode()
        if len(_error_pages) >= _ERROR_PAGES_SIZE:
            _error_pages.clear()
        _error_pages[key] = page
    # get_response builds werkzeug's own Response, which force_type then
    # relabels as cls; none of cls's construction runs.
    rv = _assemble(_WerkzeugResponse, page, _HTML, _status_line(code), code, extra)
    rv.__class__ = cls
    return rv


# -- redirects ----------------------------------------------------------------

# The redirect page is werkzeug's: it is rendered once around a marker
# location and split there, then checked against werkzeug for a location that
# needs escaping; on any mismatch (another werkzeug) there is no shortcut.
_MARK = "\ue000"
_REDIRECT_PROBE = "/a b?c=1&d=<'\"\u00e9>"
# PERF: the encoded page by location; a view usually redirects to the same
# few URLs (bench: redirect).
_redirect_bodies: dict[str, bytes] = {}
_REDIRECT_BODIES_SIZE = 256


def _redirect_items(location: str, body: bytes) -> list[tuple[str, str]]:
    return [
        ("Content-Type", _HTML),
        ("Content-Length", str(len(body))),
        ("Location", location),
    ]


def _render_redirect(page: list[str], location: str) -> bytes:
    html = str(escape(location))
    return f"{page[0]}{html}{page[1]}{html}{page[2]}".encode()


def _load_redirect_page() -> list[str]:
    """werkzeug's redirect page split around the location, or ``[]``."""
    marked = _wz_redirect(_MARK, 302, Response=_WerkzeugResponse)
    page: list[str] = marked.get_data(as_text=True).split(_MARK)
    if len(page) != 3:
        return []
    probe = _wz_redirect(_REDIRECT_PROBE, 307, Response=_WerkzeugResponse)
    body = _render_redirect(page, _REDIRECT_PROBE)
    if (
        probe.get_data() != body
        or list(probe.headers.items()) != _redirect_items(_REDIRECT_PROBE, body)
        or probe.status != "307 TEMPORARY REDIRECT"
    ):
        return []
    return page


# PERF: werkzeug's redirect page cut around the location, so a redirect is
# the escaped location pasted in (bench: redirect).  Private detail: the
# page's layout, taken from werkzeug's output and compared with it at import.
_redirect_page = _load_redirect_page()


def redirect_response(cls: type, location: t.Any, code: t.Any) -> t.Any:
    """What ``werkzeug.utils.redirect(location, code, Response=cls)`` returns,
    built directly for a ``str`` location and ``int`` code when constructing
    ``cls`` runs only werkzeug's code; ``None`` when the caller must call
    werkzeug (which also raises werkzeug's errors, e.g. for a newline in
    ``location``)."""
    page = _redirect_page
    if (
        not page
        or type(location) is not str
        or type(code) is not int
        or "\n" in location
        or "\r" in location
        or _construction(cls) is None
    ):
        return None
    try:
        body = _redirect_bodies[location]
    except KeyError:
        body = _render_redirect(page, location)
        if len(_redirect_bodies) >= _REDIRECT_BODIES_SIZE:
            _redirect_bodies.clear()
        _redirect_bodies[location] = body
    # PERF: as _assemble (bench: redirect).
    rv: t.Any = _OBJECT_NEW(cls)
    headers = Headers()
    headers._list = _redirect_items(location, body)
    rv.headers = headers
    rv._status = _status_line(code)
    rv._status_code = code
    rv.direct_passthrough = False
    rv._on_close = []
    rv.response = [body]
    return rv


# -- the import-time comparison with werkzeug ---------------------------------


def _same_state(fast: t.Any, slow: t.Any) -> bool:
    """Whether ``fast`` (assembled here) holds exactly what ``slow`` (built
    by werkzeug) holds: the same attributes with equal values of the same
    types, headers of werkzeug's class (this module's subclass stands for
    it) with the same attributes and pairs.  The kernel's own send marker
    ``_ff_plain`` is left out."""
    mine = {k: v for k, v in vars(fast).items() if k != "_ff_plain"}
    theirs = vars(slow)
    if type(fast) is not type(slow) or mine.keys() != theirs.keys():
        return False
    for name, value in mine.items():
        other = theirs[name]
        if name == "headers":
            if (
                type(other) is not _WzHeaders
                or type(value) is not Headers
                or vars(value).keys() != vars(other).keys()
                or value._list != other._list
                or any(type(a) is not type(b) for a, b in zip(value._list, other._list))
            ):
                return False
        elif type(value) is not type(other) or value != other:
            return False
    return True


class _Probe(_WerkzeugResponse):
    default_mimetype = "text/html"


def _check_fast_build() -> bool:
    """Whether responses assembled here equal werkzeug's constructed ones."""
    cls = _Probe
    return (
        _same_state(plain_response(cls, "probe \u00e9"), cls("probe \u00e9"))
        and _same_state(plain_response(cls, b""), cls(b""))
        and _same_state(
            text_response(cls, "t", 201, [("X-A", "1")]), cls("t", 201, [("X-A", "1")])
        )
        and _same_state(
            mimetype_response(cls, "{}\n", "application/json"),
            cls("{}\n", mimetype="application/json"),
        )
        and (
            not _redirect_page
            or _same_state(
                redirect_response(cls, _REDIRECT_PROBE, 307),
                _wz_redirect(_REDIRECT_PROBE, 307, Response=cls),
            )
        )
    )


def _check_fast_errors() -> bool:
    """Whether error pages assembled here equal werkzeug's ``get_response``
    (a werkzeug ``Response``, which ``force_type`` only relabels)."""
    from werkzeug.exceptions import NotFound

    for error in (NotFound(), NotFound("<gone>\n"), MethodNotAllowed(["GET", "POST"])):
        fast = error_response(_WerkzeugResponse, error)
        if fast is None or not _same_state(fast, error.get_response()):
            return False
    return True


_fast_build = _check_fast_build()
_fast_errors = _fast_build and _check_fast_errors()
if not _fast_build:
    _redirect_page = []


def fast_paths() -> dict[str, bool]:
    """Which shortcuts the import-time comparison with the installed werkzeug
    allows: ``build`` (responses assembled without the constructor),
    ``errors`` (cached HTTP error pages), ``redirect`` (werkzeug's redirect
    page)."""
    return {
        "build": _fast_build,
        "errors": _fast_errors,
        "redirect": bool(_redirect_page),
    }


# -- make_response ------------------------------------------------------------


def _view_name(ctx: t.Any) -> str:
    if ctx is None:
        return "None"
    return repr(ctx.request.endpoint)


def make_response(app: t.Any, rv: t.Any, ctx: t.Any) -> t.Any:
    """The response object for the view return value ``rv`` (the body of
    ``Flask.make_response``); ``ctx`` is the current request context or
    ``None``.  ``TypeError`` for unsupported shapes."""
    status: t.Any = None
    headers: t.Any = None
    if type(rv) is tuple:
        size = len(rv)
        if size == 3:
            rv, status, headers = rv
        elif size == 2:
            if isinstance(rv[1], _HEADER_SHAPES):
                rv, headers = rv
            else:
                rv, status = rv
        else:
            raise TypeError(
                "The view function did not return a valid response tuple. The"
                " tuple must have the form (body, status, headers),"
                " (body, status), or (body, headers)."
            )
    elif isinstance(rv, tuple):
        return make_response(app, tuple(rv), ctx)

    if rv is None:
        raise TypeError(
            f"The view function for {_view_name(ctx)} did not return a valid"
            " response. The function either returned None or ended without a"
            " return statement."
        )

    cls = app.response_class
    if not isinstance(rv, cls):
        if isinstance(rv, _TEXT):
            # Flask reads response_class again to build the response.
            cls = app.response_class
            if status is None and headers is None:
                return plain_response(cls, rv)
            fast = text_response(cls, rv, status, headers)
            if fast is not None:
                return fast
            rv = cls(rv, status=status, headers=headers)
            status = headers = None
        elif isinstance(rv, Iterator):
            cls = app.response_class
            rv = cls(rv, status=status, headers=headers)
            status = headers = None
        elif isinstance(rv, (dict, list)):
            rv = app.json.response(rv)
        elif isinstance(rv, _SansioResponse) or callable(rv):
            environ = ctx.request.environ if ctx is not None else None
            cls = app.response_class
            try:
                page = None
                if isinstance(rv, HTTPException) and (
                    environ is None or environ.get("REQUEST_METHOD") != "HEAD"
                ):
                    # PERF: an HTTP error whose WSGI call is werkzeug's own
                    # renders a known page; it is assembled instead of running
                    # the error as a WSGI app and re-collecting its output
                    # (bench: not_found, method_not_allowed).  Run for HEAD,
                    # werkzeug collects no body.
                    page = error_response(cls, rv)
                if page is not None:
                    rv = page
                else:
                    rv = cls.force_type(rv, environ)
            except TypeError as e:
                raise TypeError(
                    f"{e}\n{_INVALID_TYPE.format(type(rv).__name__)}"
                ).with_traceback(sys.exc_info()[2]) from None
        else:
            raise TypeError(_INVALID_TYPE.format(type(rv).__name__))

    return _apply(rv, status, headers)


def _apply(rv: t.Any, status: t.Any, headers: t.Any) -> t.Any:
    if status is not None:
        if isinstance(status, (str, bytes, bytearray)):
            rv.status = status
        else:
            rv.status_code = status
    if headers:
        rv.headers.update(headers)
    return rv
