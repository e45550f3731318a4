"""Pure-Python kernel: turning a view's return value into a response object.

The readable spec for ``response_c.pyx``.  ``make_response(app, rv)`` is the
body of :meth:`flaskfast.Flask.make_response`: it accepts every shape Flask
accepts and raises Flask's ``TypeError`` for the rest.

* ``str`` / ``bytes`` / ``bytearray`` / iterator -> ``app.response_class(rv)``
* ``dict`` / ``list`` -> ``app.json.response(rv)``
* a response object of ``app.response_class`` -> unchanged
* another werkzeug response or a WSGI callable -> ``response_class.force_type``
* ``(body, status)``, ``(body, headers)``, ``(body, status, headers)``

A status is applied with ``response.status`` for strings and
``response.status_code`` otherwise; headers are merged with ``headers.update``.
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

from ..globals import _cv_request

_HEADER_SHAPES = (_WzHeaders, dict, tuple, list)
_HTTPEXCEPTION_CALL = HTTPException.__call__
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

# PERF: the Content-Type and status line of a plain text body, by the
# class's (default_mimetype, default_status); computing them takes several
# calls (bench: str hello, tuple, every text scenario).
_plain_values: dict[tuple[t.Any, t.Any], tuple[str, str, int] | None] = {}
_WERKZEUG_INIT = _WerkzeugResponse.__init__
_WERKZEUG_STATUS = _SansioResponse.__dict__["status"]
_WERKZEUG_CLEAN_STATUS = _SansioResponse._clean_status
_WERKZEUG_SET_DATA = _WerkzeugResponse.set_data
# Status lines by int code (a few codes in practice).
_status_lines: dict[int, str] = {}


def _plain_defaults(cls: type) -> tuple[str, str, int] | None:
    """``(content type, status line, status code)`` that ``cls(text)`` would
    get, or ``None`` when ``cls`` customises construction and must be
    called.  Read from the class every time, so later changes count."""
    init = cls.__init__  # type: ignore[misc]
    if (
        init is not _WERKZEUG_INIT
        and not getattr(init, "_flaskfast_plain_init", False)
    ) or getattr(cls, "automatically_set_content_length", False) is not True:
        return None
    key = (cls.default_mimetype, cls.default_status)  # type: ignore[attr-defined]
    try:
        return _plain_values[key]
    except KeyError:
        pass
    except TypeError:  # unhashable class attribute
        return None
    mimetype, status = key
    found: tuple[str, str, int] | None = None
    if type(status) is int and isinstance(mimetype, str) and mimetype:
        try:
            line = f"{status} {HTTP_STATUS_CODES[status].upper()}"
        except KeyError:
            line = f"{status} UNKNOWN"
        found = (get_content_type(mimetype, "utf-8"), line, status)
    _plain_values[key] = found
    return found


def _bodied(code: int) -> bool:
    """Whether werkzeug sends a body and its Content-Length for ``code``
    (not for 1xx, 204 and 304)."""
    return code >= 200 and code != 204 and code != 304


def _assemble(
    cls: type, data: bytes | bytearray, content_type: str, status: str, code: int,
    extra: list[tuple[str, str]] | None = None,
) -> t.Any:
    """A response of ``cls`` in exactly the state werkzeug's constructor
    leaves ``cls(data, code, [("Content-Type", content_type), *extra])`` in."""
    rv: t.Any = object.__new__(cls)
    headers = Headers()
    # PERF: filling the list directly skips Headers.extend's per-item
    # validation; every value is produced here and known to be valid
    # (bench: str hello, 404, 405).
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
    when ``cls`` does not customise it.  Same object state either way."""
    defaults = _plain_defaults(cls)
    if defaults is None or not _stock_status(cls):
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
    defaults = _plain_defaults(cls)
    if defaults is None or not _bodied(defaults[2]) or not _stock_status(cls):
        return None
    return defaults[1], defaults[0]


def _stock_status(cls: type) -> bool:
    """Whether ``cls`` applies a status and a body exactly as werkzeug does
    (its ``status`` setter, ``_clean_status`` and ``set_data``)."""
    return (
        getattr(cls, "status", None) is _WERKZEUG_STATUS
        and getattr(cls, "_clean_status", None) is _WERKZEUG_CLEAN_STATUS
        and getattr(cls, "set_data", None) is _WERKZEUG_SET_DATA
    )


def _status_line(code: int) -> str:
    """The status line werkzeug gives an int ``code``."""
    try:
        return _status_lines[code]
    except KeyError:
        pass
    try:
        line = f"{code} {HTTP_STATUS_CODES[code].upper()}"
    except KeyError:
        line = f"{code} UNKNOWN"
    if len(_status_lines) < 64:
        _status_lines[code] = line
    return line


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
    defaults = _plain_defaults(cls)
    if defaults is None or not _stock_status(cls):
        return None
    data = body.encode() if type(body) is str else body
    rv: t.Any = object.__new__(cls)
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
    directly when ``cls`` builds text responses as werkzeug does."""
    defaults = _plain_defaults(cls)
    if (
        defaults is None
        or type(body) is not str
        or type(mimetype) is not str
        or not mimetype
        or not _stock_status(cls)
    ):
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


# PERF: the rendered page of each stock HTTP error class, by class: werkzeug
# renders and escapes the same HTML on every 404 (bench: 404, 405).
_error_pages: dict[type, tuple[bytes, str]] = {}
_STOCK_ERROR_METHODS = (
    "get_response", "get_body", "get_description", "name", "__call__",
)
_HTML = "text/html; charset=utf-8"


def _stock_error_page(e: HTTPException) -> tuple[bytes, str] | None:
    """The cached ``(body, status line)`` of ``e`` when it renders exactly as
    its class's default page, else ``None``."""
    cls = type(e)
    if e.response is not None or "description" in e.__dict__:
        return None
    try:
        return _error_pages[cls]
    except KeyError:
        pass
    code = cls.code
    if code is None or code not in HTTP_STATUS_CODES:
        return None
    for name in _STOCK_ERROR_METHODS:
        if getattr(cls, name) is not getattr(HTTPException, name):
            return None
    headers_impl = cls.get_headers
    if headers_impl is not HTTPException.get_headers and headers_impl is not (
        MethodNotAllowed.get_headers
    ):
        return None
    page = cls().get_body().encode(), f"{code} {HTTP_STATUS_CODES[code].upper()}"
    _error_pages[cls] = page
    return page


def error_response(cls: type, e: HTTPException) -> t.Any:
    """``cls.force_type(e.get_response())`` for an HTTP error, from a cached
    page when ``e`` renders as its class's default."""
    if _plain_defaults(cls) is not None:
        page = _stock_error_page(e)
        if page is not None:
            extra = None
            if isinstance(e, MethodNotAllowed) and e.valid_methods:
                extra = [("Allow", ", ".join(e.valid_methods))]
            return _assemble(cls, page[0], _HTML, page[1], e.code, extra)  # type: ignore[arg-type]
    return None


# -- redirects ----------------------------------------------------------------

# The redirect page is werkzeug's: it is rendered once around a marker
# location and split there, then checked against werkzeug for a location that
# needs escaping; on any mismatch (another werkzeug) there is no shortcut.
_MARK = "\ue000"
_REDIRECT_PROBE = "/a b?c=1&d=<'\"\u00e9>"
_redirect_page: list[str] | None = None
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
    page = marked.get_data(as_text=True).split(_MARK)
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


def _stock_redirect_class(cls: type) -> bool:
    """Whether ``cls(text, code, mimetype=...)`` runs werkzeug's own
    constructor, status handling and ``set_data``."""
    return _plain_defaults(cls) is not None and _stock_status(cls)


def redirect_response(cls: type, location: t.Any, code: t.Any) -> t.Any:
    """What ``werkzeug.utils.redirect(location, code, Response=cls)`` returns,
    built directly for a ``str`` location and ``int`` code when ``cls`` builds
    responses as werkzeug does; ``None`` when the caller must call werkzeug
    (which also raises werkzeug's errors, e.g. for a newline in ``location``)."""
    global _redirect_page
    if (
        type(location) is not str
        or type(code) is not int
        or "\n" in location
        or "\r" in location
        or not _stock_redirect_class(cls)
    ):
        return None
    page = _redirect_page
    if page is None:
        page = _redirect_page = _load_redirect_page()
    if not page:
        return None
    try:
        body = _redirect_bodies[location]
    except KeyError:
        body = _render_redirect(page, location)
        if len(_redirect_bodies) >= _REDIRECT_BODIES_SIZE:
            _redirect_bodies.clear()
        _redirect_bodies[location] = body
    line = _status_line(code)
    rv: t.Any = object.__new__(cls)
    headers = Headers()
    headers._list = _redirect_items(location, body)
    rv.headers = headers
    rv._status = line
    rv._status_code = code
    rv.direct_passthrough = False
    rv._on_close = []
    rv.response = [body]
    return rv


def _view_name() -> str:
    ctx = _cv_request.get(None)
    if ctx is None:
        return "None"
    return repr(ctx.request.endpoint)


def make_response(app: t.Any, rv: t.Any, ctx: t.Any = None) -> t.Any:
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
        return make_response(app, tuple(rv))

    if rv is None:
        raise TypeError(
            f"The view function for {_view_name()} did not return a valid"
            " response. The function either returned None or ended without a"
            " return statement."
        )

    cls = app.response_class
    if not isinstance(rv, cls):
        if isinstance(rv, _TEXT):
            if status is None and headers is None:
                return plain_response(cls, rv)
            fast = text_response(cls, rv, status, headers)
            if fast is not None:
                return fast
            rv = cls(rv, status=status, headers=headers)
            status = headers = None
        elif isinstance(rv, Iterator):
            rv = cls(rv, status=status, headers=headers)
            status = headers = None
        elif isinstance(rv, (dict, list)):
            rv = app.json.response(rv)
        elif isinstance(rv, _SansioResponse) or callable(rv):
            ctx = _cv_request.get(None)
            environ = ctx.request.environ if ctx is not None else None
            if (
                isinstance(rv, HTTPException)
                and type(rv).__call__ is _HTTPEXCEPTION_CALL
            ):
                # PERF: an HTTP error's WSGI call only wraps get_response();
                # taking the response directly skips running it as a WSGI app
                # and re-collecting its output (bench: 404, 405).
                page = error_response(cls, rv)
                if page is not None:
                    return _apply(page, status, headers)
                rv = rv.get_response(environ)
            try:
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
