"""Request and response objects: werkzeug's, with Flask's additions.

``Request`` reads its environ lazily: the attributes werkzeug computes up
front (``method``, ``path``, ``headers``, ...) are computed on first access,
so a request that never looks at its headers never builds them.
"""

from __future__ import annotations

import typing as t

from werkzeug.datastructures import EnvironHeaders
from werkzeug.datastructures import Headers
from werkzeug.exceptions import BadRequest
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request as RequestBase
from werkzeug.wrappers import Response as ResponseBase

from . import json
from ._speedups import headers as _headers_kernel
from .globals import current_app
from .helpers import _split_blueprint_path

if t.TYPE_CHECKING:  # pragma: no cover
    from _typeshed.wsgi import StartResponse
    from _typeshed.wsgi import WSGIEnvironment
    from werkzeug.routing import Rule

_T = t.TypeVar("_T")


def _decode_wsgi(value: str) -> str:
    # Same as werkzeug's decoding of PEP 3333 "bytes as latin-1" strings, but a
    # malformed environ (characters above U+00FF) degrades to "?" instead of
    # raising from deep inside the request object.
    return value.encode("latin1", "replace").decode(errors="replace")


class _lazy(t.Generic[_T]):
    """A non-data descriptor computing an attribute once from the instance.

    The computed value is stored in the instance ``__dict__``, which then
    shadows the descriptor, so later reads are plain attribute lookups and
    assignment works as for an ordinary attribute.
    """

    def __init__(self, compute: t.Callable[[t.Any], _T]) -> None:
        self.compute = compute
        self.name = compute.__name__
        self.__doc__ = compute.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @t.overload
    def __get__(self, obj: None, owner: type) -> _lazy[_T]: ...
    @t.overload
    def __get__(self, obj: object, owner: type) -> _T: ...
    def __get__(self, obj: object | None, owner: type) -> _lazy[_T] | _T:
        if obj is None:
            return self
        value = self.compute(obj)
        obj.__dict__[self.name] = value
        return value


class Request(RequestBase):
    """The request object used by default in flaskfast.

    Adds to werkzeug's request the matched ``url_rule`` and ``view_args``,
    the routing exception if matching failed, and app-configured limits.
    """

    json_module: t.Any = json

    #: The rule that matched the request, set while routing.
    url_rule: Rule | None = None
    #: The converted arguments of the matched rule.
    view_args: dict[str, t.Any] | None = None
    #: The HTTP exception raised by routing, raised again at dispatch.
    routing_exception: HTTPException | None = None

    #: Whether ``endpoint`` and ``blueprint`` are this module's (decided per
    #: class), so ``blueprints`` may read the rule directly.
    _plain_endpoint: t.ClassVar[bool] = True

    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._plain_endpoint = (
            cls.endpoint is Request.endpoint and cls.blueprint is Request.blueprint
        )

    _max_content_length: int | None = None
    _max_form_memory_size: int | None = None
    _max_form_parts: int | None = None

    # PERF: werkzeug's constructor decodes the path, builds the headers view
    # and parses the server tuple for every request; here each is computed on
    # first use (bench: every scenario, most never read headers).
    def __init__(
        self,
        environ: WSGIEnvironment,
        populate_request: bool = True,
        shallow: bool = False,
    ) -> None:
        self.environ = environ
        self.shallow = shallow
        if populate_request and not shallow:
            environ["werkzeug.request"] = self

    @_lazy
    def method(self) -> str:
        return str(self.environ.get("REQUEST_METHOD", "GET")).upper()

    @_lazy
    def scheme(self) -> str:
        return str(self.environ.get("wsgi.url_scheme", "http"))

    @_lazy
    def server(self) -> tuple[str, int | None] | None:
        name = self.environ.get("SERVER_NAME")
        if name is None:
            return None
        try:
            port: int | None = int(self.environ.get("SERVER_PORT"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            port = None
        return name, port

    @_lazy
    def root_path(self) -> str:
        return _decode_wsgi(self.environ.get("SCRIPT_NAME") or "").rstrip("/")

    @_lazy
    def path(self) -> str:
        return "/" + _decode_wsgi(self.environ.get("PATH_INFO") or "").lstrip("/")

    @_lazy
    def query_string(self) -> bytes:
        return str(self.environ.get("QUERY_STRING", "")).encode("latin1", "replace")

    @_lazy
    def headers(self) -> Headers:
        return EnvironHeaders(self.environ)

    @_lazy
    def remote_addr(self) -> str | None:
        return self.environ.get("REMOTE_ADDR")

    @property
    def max_content_length(self) -> int | None:
        """The largest body accepted, in bytes; ``MAX_CONTENT_LENGTH`` unless
        set on this request."""
        if self._max_content_length is not None:
            return self._max_content_length
        if not current_app:
            return super().max_content_length
        return current_app.config["MAX_CONTENT_LENGTH"]  # type: ignore[no-any-return]

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value

    @property
    def max_form_memory_size(self) -> int | None:
        """The largest non-file form field accepted, in bytes;
        ``MAX_FORM_MEMORY_SIZE`` unless set on this request."""
        if self._max_form_memory_size is not None:
            return self._max_form_memory_size
        if not current_app:
            return super().max_form_memory_size
        return current_app.config["MAX_FORM_MEMORY_SIZE"]  # type: ignore[no-any-return]

    @max_form_memory_size.setter
    def max_form_memory_size(self, value: int | None) -> None:
        self._max_form_memory_size = value

    @property  # type: ignore[override]
    def max_form_parts(self) -> int | None:
        """The most multipart form parts accepted; ``MAX_FORM_PARTS`` unless
        set on this request."""
        if self._max_form_parts is not None:
            return self._max_form_parts
        if not current_app:
            return super().max_form_parts
        return current_app.config["MAX_FORM_PARTS"]  # type: ignore[no-any-return]

    @max_form_parts.setter
    def max_form_parts(self, value: int | None) -> None:
        self._max_form_parts = value

    @property
    def endpoint(self) -> str | None:
        """The endpoint of the matched rule, or ``None``."""
        if self.url_rule is not None:
            return self.url_rule.endpoint  # type: ignore[no-any-return]
        return None

    @property
    def blueprint(self) -> str | None:
        """The dotted name of the blueprint owning the matched endpoint."""
        endpoint = self.endpoint
        if endpoint is not None and "." in endpoint:
            return endpoint.rpartition(".")[0]
        return None

    @property
    def blueprints(self) -> list[str]:
        """The current blueprint and its parents, innermost first."""
        if self._plain_endpoint:
            # PERF: read the rule directly instead of through two properties;
            # the app asks three times per request (bench: every scenario).
            rule = self.url_rule
            if rule is None:
                return []
            endpoint = rule.endpoint
            if "." not in endpoint:
                return []
            return _split_blueprint_path(endpoint.rpartition(".")[0])
        name = self.blueprint
        if name is None:
            return []
        return _split_blueprint_path(name)

    def _load_form_data(self) -> None:
        super()._load_form_data()
        # In debug mode, reading request.files[...] from a form that was not
        # sent as multipart gets an error explaining the missing enctype.
        if (
            current_app
            and current_app.debug
            and self.mimetype != "multipart/form-data"
            and not self.files
        ):
            from .debughelpers import attach_enctype_error_multidict

            attach_enctype_error_multidict(self)

    def on_json_loading_failed(self, e: ValueError | None) -> t.Any:
        try:
            return super().on_json_loading_failed(e)
        except BadRequest as ebr:
            if current_app and current_app.debug:
                raise
            raise BadRequest() from ebr


class Response(ResponseBase):
    """The response object used by default in flaskfast: werkzeug's, with
    an HTML default mimetype, the app's JSON provider and cookie size limit."""

    default_mimetype: str | None = "text/html"
    json_module = json
    autocorrect_location_header = False

    @property
    def max_cookie_size(self) -> int:  # type: ignore[override]
        """``MAX_COOKIE_SIZE`` of the current app, or werkzeug's default."""
        if current_app:
            return current_app.config["MAX_COOKIE_SIZE"]  # type: ignore[no-any-return]
        return super().max_cookie_size

    def __call__(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> t.Iterable[bytes]:
        # PERF: a buffered body of bytes on a class that keeps werkzeug's
        # response pipeline goes straight to start_response with the header
        # list built in one pass (bench: every scenario).
        body = self.response
        plain = self.__dict__.get("_ff_plain")
        if plain is not None:
            # PERF: a response built by the response kernel whose headers,
            # status and body nobody changed since: its header list is
            # already the WSGI one (bench: str hello and other text views).
            items = self.headers._list
            if (
                len(items) == 2
                and items[0] is plain[0]
                and items[1] is plain[1]
                and self._status_code == plain[2]
                and body is plain[3]
                and not self._on_close
                and _plain_pipeline(type(self))
            ):
                start_response(self._status, items[:])
                if environ.get("REQUEST_METHOD") == "HEAD":
                    return []
                return body  # type: ignore[no-any-return]
        if (
            type(body) is list
            and not self._on_close
            and not self.direct_passthrough
            and _plain_pipeline(type(self))
        ):
            code = self._status_code
            length: int | None = 0
            for chunk in body:
                if type(chunk) is not bytes:
                    length = None
                    break
                length += len(chunk)  # type: ignore[operator]
            if length is not None:
                headers = _headers_kernel.wsgi_header_list(
                    self.headers, code, length
                )
                if headers is not None:
                    start_response(self._status, headers)
                    if (
                        environ.get("REQUEST_METHOD") == "HEAD"
                        or code == 204
                        or 100 <= code < 200
                    ):
                        return []
                    return body
        return super().__call__(environ, start_response)


_WZ_GET_WSGI_RESPONSE = ResponseBase.get_wsgi_response
_WZ_GET_WSGI_HEADERS = ResponseBase.get_wsgi_headers
_WZ_GET_APP_ITER = ResponseBase.get_app_iter
_WZ_ITER_ENCODED = ResponseBase.iter_encoded


def _plain_pipeline(cls: type) -> bool:
    """Whether ``cls`` keeps werkzeug's ``get_wsgi_response`` pipeline, so
    the one-pass path in :meth:`Response.__call__` produces the same result.
    Read from the class every time, so methods patched later count."""
    return (
        cls.get_wsgi_response is _WZ_GET_WSGI_RESPONSE  # type: ignore[attr-defined]
        and cls.get_wsgi_headers is _WZ_GET_WSGI_HEADERS  # type: ignore[attr-defined]
        and cls.get_app_iter is _WZ_GET_APP_ITER  # type: ignore[attr-defined]
        and cls.iter_encoded is _WZ_ITER_ENCODED  # type: ignore[attr-defined]
        and getattr(cls, "automatically_set_content_length", False) is True
    )
