"""Request and response objects: werkzeug's, with Flask's additions.

``Request`` reads its environ lazily: the attributes werkzeug computes up
front (``method``, ``path``, ``headers``, ...) are computed on first access,
so a request that never looks at its headers never builds them.
"""

from __future__ import annotations

import io
import typing as t

from urllib.parse import parse_qsl

from werkzeug.datastructures import EnvironHeaders
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.datastructures import Headers
from werkzeug.exceptions import BadRequest
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import FormDataParser
from werkzeug.http import parse_options_header
from werkzeug.utils import cached_property
from werkzeug.wsgi import get_content_length as _wsgi_content_length
from werkzeug.wsgi import LimitedStream
from werkzeug.wrappers import Request as RequestBase
from werkzeug.wrappers import Response as ResponseBase

from . import json
from . import _speedups
from ._input import capped_input
from .globals import _cv_app
from .globals import current_app
from .helpers import _split_blueprint_path

if t.TYPE_CHECKING:  # pragma: no cover
    from _typeshed.wsgi import StartResponse
    from _typeshed.wsgi import WSGIEnvironment
    from werkzeug.routing import Rule

_T = t.TypeVar("_T")


_WZ_CONTENT_LENGTH: t.Callable[[t.Any], int | None] = getattr(
    RequestBase, "content_length"
).fget


def _decode_wsgi(value: str) -> str:
    # Same as werkzeug's decoding of PEP 3333 "bytes as latin-1" strings, but a
    # malformed environ (characters above U+00FF) degrades to "?" instead of
    # raising from deep inside the request object.
    return value.encode("latin1", "replace").decode(errors="replace")


# werkzeug's own getters, used where the shortcuts below cannot decide.
_WZ_STREAM: t.Callable[[t.Any], t.IO[bytes]] = getattr(RequestBase, "stream").fget
_WZ_ARGS: t.Callable[[t.Any], t.Any] = getattr(RequestBase, "args").fget

# PERF: werkzeug's LimitedStream.readall reads in chunks of this size into a
# fresh 64 KiB buffer; a body no larger than one chunk is read with a single
# request of its exact size instead (bench: form_post, json_post).
_ONE_CHUNK = 64 * 1024


def _read_fresh(stream: LimitedStream) -> bytes:
    """What ``stream.read()`` returns for a ``LimitedStream`` just made over
    a body with a known length: the same reads of the input, in the same
    sizes, with the same disconnect errors."""
    size = stream.limit
    if size == 0 or size > _ONE_CHUNK:
        return stream.read()
    data = stream.read(size)
    if len(data) < size:
        # A short read: the input gave less than asked, werkzeug goes on
        # reading (or finds the client gone) from there.
        data += stream.read()
    return data


def _parse_pairs(text: str) -> list[tuple[str, str]]:
    """The ``(name, value)`` pairs werkzeug decodes from a query string or an
    urlencoded body: ``parse_qsl`` keeping blank values, undecodable escapes
    left percent-encoded (werkzeug's ``"werkzeug.url_quote"`` error handler).
    """
    if "%" in text or "+" in text:
        return parse_qsl(text, keep_blank_values=True, errors="werkzeug.url_quote")
    # PERF: with no escape and no "+", unquoting changes nothing and parse_qsl
    # only splits fields at "&" (skipping empty ones) and each at its first
    # "=" (no "=" meaning an empty value) (bench: query_args, form_post).
    pairs = []
    for field in text.split("&"):
        if field:
            name, _, value = field.partition("=")
            pairs.append((name, value))
    return pairs


def _decode_fields(cls: t.Any, text: str) -> t.Any:
    """``cls(pairs)`` for the pairs :func:`_parse_pairs` finds in ``text``:
    what werkzeug builds for ``args`` and an urlencoded ``form``."""
    if cls is not ImmutableMultiDict or not _GROUP_DIRECTLY:
        return cls(_parse_pairs(text))
    # PERF: MultiDict.__init__ on a list of pairs checks the argument against
    # the Mapping ABC, then groups the values of each key into a list and
    # fills the dict with those lists; here the same grouping is done and
    # the dict filled directly (checked at import, see _check_shortcuts;
    # bench: query_args, form_post).
    grouped: dict[str, list[str]] = {}
    for name, value in _parse_pairs(text):
        values = grouped.get(name)
        if values is None:
            grouped[name] = [value]
        else:
            values.append(value)
    result = ImmutableMultiDict.__new__(ImmutableMultiDict)
    dict.__init__(result, grouped)
    return result


def _decode_urlencoded(cls: t.Any, body: bytes) -> tuple[t.Any, t.Any]:
    """``(form, files)`` werkzeug's (silent) form parser gives for an
    urlencoded ``body`` it accepts: the fields, no files; both empty when the
    body is not UTF-8."""
    try:
        return _decode_fields(cls, body.decode()), cls()
    except ValueError:
        # werkzeug's parser is silent: undecodable data is an empty form.
        return cls(), cls()


#: Whether the shortcuts give what werkzeug gives with the installed
#: versions; decided at import by :func:`_check_shortcuts`. Each ``False``
#: sends the requests concerned through werkzeug's own code.
_GROUP_DIRECTLY = False  # _decode_fields fills ImmutableMultiDict directly
_OWN_ARGS = False  # Request.args decodes with _decode_fields
_OWN_URLENCODED = False  # Request._load_form_data reads urlencoded bodies itself

# Query strings and bodies the shortcuts are checked on: blank and repeated
# fields, a field without "=", "=" in a value, "+", valid, invalid and
# truncated escapes, non-ASCII and (for bodies) non-UTF-8 data.
_PROBES = (
    "",
    "a=1&b=&a=3&&c&d=x=y&b=%41+%zz&e=caf%C3%A9&f=%e9&g=%2&=h",
    "q=flask&page=2",
    "x=caf\u00e9",
)
_BODY_PROBES = (*(p.encode() for p in _PROBES), b"a=\xff&b=1")


def _same_multidict(got: t.Any, want: t.Any) -> bool:
    """Whether ``got`` is indistinguishable from ``want`` (type, order,
    values and instance state)."""
    return (
        type(got) is type(want)
        and list(dict.items(got)) == list(dict.items(want))
        and vars(got) == vars(want)
        and list(got.items(multi=True)) == list(want.items(multi=True))
    )


def _check_shortcuts() -> None:
    """Turn on each shortcut that gives what werkzeug gives with the installed
    versions: the direct filling in :func:`_decode_fields` if it builds what
    ``ImmutableMultiDict(pairs)`` builds, then the own decoding of ``args``
    and of urlencoded bodies if it agrees on the probes with werkzeug's
    public ``Request.args`` and ``FormDataParser.parse``. A werkzeug that
    parses differently gets its own code path."""
    global _GROUP_DIRECTLY, _OWN_ARGS, _OWN_URLENCODED
    _GROUP_DIRECTLY = _OWN_ARGS = _OWN_URLENCODED = False

    def agree(check: t.Callable[[t.Any], bool], probes: t.Iterable[t.Any]) -> bool:
        try:
            return all(check(probe) for probe in probes)
        except Exception:  # noqa: BLE001 - any failure keeps werkzeug's code
            return False

    def grouping(text: str) -> bool:
        want = ImmutableMultiDict(_parse_pairs(text))
        return _same_multidict(_decode_fields(ImmutableMultiDict, text), want)

    def args(text: str) -> bool:
        want = RequestBase({"QUERY_STRING": text.encode().decode("latin1")}).args
        return _same_multidict(_decode_fields(ImmutableMultiDict, text), want)

    def urlencoded(body: bytes) -> bool:
        # The body at the memory limit, with more fields than the parts
        # limit: no werkzeug 3.1 refuses it (a body over the memory limit
        # always goes to werkzeug, see Request._load_urlencoded).
        parser = FormDataParser(
            max_form_memory_size=len(body), max_form_parts=1, cls=ImmutableMultiDict
        )
        kind = "application/x-www-form-urlencoded"
        _, form, files = parser.parse(io.BytesIO(body), kind, len(body), {})
        ours = _decode_urlencoded(ImmutableMultiDict, body)
        return _same_multidict(ours[0], form) and _same_multidict(ours[1], files)

    _GROUP_DIRECTLY = True
    _GROUP_DIRECTLY = agree(grouping, _PROBES)
    _OWN_ARGS = agree(args, _PROBES)
    _OWN_URLENCODED = agree(urlencoded, _BODY_PROBES)


_CONTENT_TYPES: dict[str, tuple[str, dict[str, str]]] = {}


def _parse_content_type_value(value: t.Any) -> tuple[str, dict[str, str]]:
    """``parse_options_header(value)``, remembered for recent values."""
    # PERF: clients send a handful of distinct Content-Type values; parsing
    # one is ~10 times a dict lookup (bench: form_post, json_post).
    if type(value) is not str:
        return parse_options_header(value)
    found = _CONTENT_TYPES.get(value)
    if found is None:
        found = parse_options_header(value)
        if len(_CONTENT_TYPES) >= 64:
            _CONTENT_TYPES.clear()
        _CONTENT_TYPES[value] = (found[0], dict(found[1]))
        return found
    # A fresh parameter dict each time: the caller may change it.
    return found[0], (dict(found[1]) if found[1] else {})


_check_shortcuts()


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

    #: Whether the class keeps the body plumbing werkzeug's form parsing
    #: (``_stock_form``) and ``get_json`` (``_stock_json``) go through, so
    #: the shortcuts taken for them here give the same results.
    _stock_form: t.ClassVar[bool] = True
    _stock_json: t.ClassVar[bool] = True

    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._plain_endpoint = (
            cls.endpoint is Request.endpoint and cls.blueprint is Request.blueprint
        )
        cls._stock_form = _keeps(cls, _FORM_PLUMBING)
        cls._stock_json = _keeps(cls, _JSON_PLUMBING)

    _max_content_length: int | None = None
    _max_form_memory_size: int | None = None
    _max_form_parts: int | None = None

    # PERF: the constructor is the pipeline's (compiled with it), so the
    # request context builds requests without a Python frame (bench: every
    # scenario).
    __init__ = _speedups.pipeline.request_init

    @_lazy
    def method(self) -> str:
        """The request method, upper-cased (``"GET"`` when the environ has none)."""
        return str(self.environ.get("REQUEST_METHOD", "GET")).upper()

    @_lazy
    def scheme(self) -> str:
        """The URL scheme the server reports (``http`` or ``https``)."""
        return str(self.environ.get("wsgi.url_scheme", "http"))

    @_lazy
    def server(self) -> tuple[str, int | None] | None:
        """``(SERVER_NAME, port)``, the port ``None`` when not a number;
        ``None`` without ``SERVER_NAME``."""
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
        """The prefix the app is mounted under (``SCRIPT_NAME``), without a
        trailing slash."""
        return _decode_wsgi(self.environ.get("SCRIPT_NAME") or "").rstrip("/")

    @_lazy
    def path(self) -> str:
        """The path below :attr:`root_path`, always starting with ``/``."""
        return "/" + _decode_wsgi(self.environ.get("PATH_INFO") or "").lstrip("/")

    @_lazy
    def query_string(self) -> bytes:
        """The raw query string, as bytes."""
        return str(self.environ.get("QUERY_STRING", "")).encode("latin1", "replace")

    @_lazy
    def headers(self) -> Headers:
        """The request headers: a read-only view of the environ."""
        return EnvironHeaders(self.environ)

    @_lazy
    def args(self) -> t.Any:
        """The query string's parameters, in :attr:`parameter_storage_class`.

        Raw bytes that are not UTF-8 (which werkzeug fails on, a 500) are
        replaced with U+FFFD, as werkzeug does in the path."""
        if not _OWN_ARGS:
            try:
                return _WZ_ARGS(self)
            except UnicodeDecodeError:
                return _decode_fields(
                    self.parameter_storage_class, self.query_string.decode(errors="replace")
                )
        raw = self.environ.get("QUERY_STRING", "")
        if (
            type(raw) is str
            and raw.isascii()
            and "query_string" not in self.__dict__
            and type(self).query_string is _QUERY_STRING
        ):
            # PERF: an ASCII query string decodes to itself; skips building
            # the bytes form (bench: query_args).
            text = raw
        else:
            text = self.query_string.decode(errors="replace")
        return _decode_fields(self.parameter_storage_class, text)

    def _plain_body_stream(self) -> LimitedStream | None:
        """The stream werkzeug's ``stream`` makes for a body whose length is
        given as plain digits (no Transfer-Encoding, no server-terminated
        input), raising the same 413; ``None`` for any other body."""
        environ = self.environ
        length = environ.get("CONTENT_LENGTH")
        if (
            self.shallow
            or type(length) is not str
            or not length.isdigit()
            or not length.isascii()
            or "HTTP_TRANSFER_ENCODING" in environ
            or "wsgi.input_terminated" in environ
        ):
            return None
        limit = self.max_content_length
        raw = environ["wsgi.input"]
        size = int(length)
        if limit is not None and size > limit:
            raise RequestEntityTooLarge()
        return LimitedStream(raw, size)

    @_lazy
    def stream(self) -> t.IO[bytes]:
        """The input stream, limited to the body's length (see werkzeug)."""
        # PERF: skips get_input_stream's second parse of the headers for the
        # common Content-Length body (bench: form_post, json_post).
        found = self._plain_body_stream()
        if found is not None:
            return t.cast(t.IO[bytes], found)
        if not self.shallow:
            # A body the server terminates is held to MAX_CONTENT_LENGTH
            # with or without Content-Length (deliberately unlike werkzeug,
            # which cuts it silently at the limit; see flaskfast._input).
            capped = capped_input(self.environ, self.max_content_length)
            if capped is not None:
                return capped
        return _WZ_STREAM(self)

    def _read_body(self) -> bytes:
        """``self.stream.read()`` (the class keeps werkzeug's ``stream``)."""
        d = self.__dict__
        if "stream" not in d:
            stream = self._plain_body_stream()
            if stream is not None:
                d["stream"] = stream
                return _read_fresh(stream)
        return self.stream.read()

    def _load_urlencoded(self) -> bool:
        """Fill ``stream``, ``form`` and ``files`` as werkzeug's form parsing
        does, for an urlencoded body of known length, read for the first
        time, no larger than :attr:`max_form_memory_size`; ``False``
        (nothing done) for any other request.

        A larger body is werkzeug's to parse: whether it is refused (413)
        depends on the werkzeug version (3.1.0 to 3.1.8 apply the limit to
        urlencoded bodies, 3.1.9 does not)."""
        d = self.__dict__
        if (
            not _OWN_URLENCODED
            or "form" in d
            or "stream" in d
            or not self.environ.get("CONTENT_TYPE")
            or getattr(self, "_cached_data", None) is not None
            or self.mimetype != "application/x-www-form-urlencoded"
        ):
            return False
        stream = self._plain_body_stream()
        if stream is None:
            return False
        d["stream"] = stream
        memory = self.max_form_memory_size
        if memory is not None and stream.limit > memory:
            return False
        d["form"], d["files"] = _decode_urlencoded(
            self.parameter_storage_class, _read_fresh(stream)
        )
        return True

    @_lazy
    def remote_addr(self) -> str | None:
        """The client address the server reports (``REMOTE_ADDR``)."""
        return self.environ.get("REMOTE_ADDR")

    def _headers_are_environ(self) -> bool:
        # Whether self.headers is (or would be built as) the plain view of
        # self.environ, so a header can be read from the environ key.
        headers = self.__dict__.get("headers")
        return headers is None or (
            type(headers) is EnvironHeaders and headers.environ is self.environ
        )

    # PERF: the content headers straight from the environ instead of through
    # the EnvironHeaders view, same values (bench: form_post, json_post).
    @_lazy
    def content_length(self) -> int | None:
        """The ``Content-Length`` header as an ``int``; ``None`` when absent
        or invalid, or when the body is chunked."""
        if self._headers_are_environ():
            return _wsgi_content_length(self.environ)
        return _WZ_CONTENT_LENGTH(self)

    def _parse_content_type(self) -> None:
        # PERF: as content_length; werkzeug's parser, same cached attribute.
        if "_parsed_content_type" not in self.__dict__ and not hasattr(
            self, "_parsed_content_type"
        ):
            if "headers" not in self.__dict__ or self._headers_are_environ():
                value = self.environ.get("CONTENT_TYPE", "")
            else:
                value = self.headers.get("Content-Type", "")
            self._parsed_content_type = _parse_content_type_value(value)

    def close(self) -> None:
        """Close the uploaded files, if any were parsed (see werkzeug)."""
        # PERF: nothing to close without uploaded files; skips werkzeug's
        # generator over an empty dict on every request (bench: every POST).
        if self.__dict__.get("files"):
            super().close()

    @property
    def max_content_length(self) -> int | None:
        """The largest body accepted, in bytes; ``MAX_CONTENT_LENGTH`` unless
        set on this request."""
        if self._max_content_length is not None:
            return self._max_content_length
        # PERF: the context variable, not the current_app proxy; asked twice
        # per request that reads a body (bench: form_post, json_post).
        app_ctx = _cv_app.get(None)
        if app_ctx is None:
            return super().max_content_length
        return app_ctx.app.config["MAX_CONTENT_LENGTH"]  # type: ignore[no-any-return]

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value

    @property
    def max_form_memory_size(self) -> int | None:
        """The largest non-file form field accepted, in bytes;
        ``MAX_FORM_MEMORY_SIZE`` unless set on this request."""
        if self._max_form_memory_size is not None:
            return self._max_form_memory_size
        app_ctx = _cv_app.get(None)  # PERF: as in max_content_length
        if app_ctx is None:
            return super().max_form_memory_size
        return app_ctx.app.config["MAX_FORM_MEMORY_SIZE"]  # type: ignore[no-any-return]

    @max_form_memory_size.setter
    def max_form_memory_size(self, value: int | None) -> None:
        self._max_form_memory_size = value

    @property  # type: ignore[override]
    def max_form_parts(self) -> int | None:
        """The most multipart form parts accepted; ``MAX_FORM_PARTS`` unless
        set on this request."""
        if self._max_form_parts is not None:
            return self._max_form_parts
        app_ctx = _cv_app.get(None)  # PERF: as in max_content_length
        if app_ctx is None:
            return super().max_form_parts
        return app_ctx.app.config["MAX_FORM_PARTS"]  # type: ignore[no-any-return]

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
        # PERF: an urlencoded body is read and decoded directly, without the
        # FormDataParser and stream plumbing around werkzeug's decoding
        # (bench: form_post).
        if not (self._stock_form and self._load_urlencoded()):
            self._parse_form_closing_files()
        # In debug mode, reading request.files[...] from a form that was not
        # sent as multipart gets an error explaining the missing enctype.
        app_ctx = _cv_app.get(None)  # PERF: no proxy (bench: form_post)
        if (
            app_ctx is not None
            and app_ctx.app.debug
            and self.mimetype != "multipart/form-data"
            and not self.files
        ):
            from .debughelpers import attach_enctype_error_multidict

            attach_enctype_error_multidict(self)

    def _parse_form_closing_files(self) -> None:
        """werkzeug's form parsing; the files it opened for uploads of a body
        it then gives up on (413 part way through, a client gone) are closed
        here instead of being left open for the garbage collector."""
        opened: list[t.IO[bytes]] = []
        make_file = self._get_file_stream

        def tracked(*args: t.Any, **kwargs: t.Any) -> t.IO[bytes]:
            file = make_file(*args, **kwargs)
            opened.append(file)
            return file

        # The parser takes its file factory from this attribute when made.
        self._get_file_stream = tracked  # type: ignore[method-assign]
        try:
            super()._load_form_data()
        except BaseException:
            for file in opened:
                file.close()
            raise
        finally:
            del self._get_file_stream

    def get_json(
        self, force: bool = False, silent: bool = False, cache: bool = True
    ) -> t.Any | None:
        """Parse the body as JSON (see werkzeug's ``get_json``)."""
        loads = None
        if cache and self._stock_json:
            loads = json._plain_loads(self.json_module)
        if loads is None:
            try:
                return super().get_json(force, silent, cache)
            except RecursionError as e:
                return self._json_too_deep(e, silent, cache)
        # PERF: the stock steps inline: the content type parsed once, the
        # body read in one go, the standard library's parser called directly
        # (bench: json_post).
        found = self._cached_json[silent]
        if found is not Ellipsis:
            return found
        if not force:
            parsed = self.__dict__.get("_parsed_content_type")
            if parsed is None:
                self._parse_content_type()
                parsed = self._parsed_content_type
            mimetype = parsed[0].lower()
            if not (
                mimetype == "application/json"
                or (mimetype.startswith("application/") and mimetype.endswith("+json"))
            ):
                return super().get_json(force, silent, cache)
        data = getattr(self, "_cached_data", None)
        if data is None:
            data = self._read_body()
            self._cached_data = data
        try:
            value = loads(data)
        except ValueError:
            # werkzeug's handling (silent, on_json_loading_failed, caching)
            # on the cached body; the standard parser fails the same way.
            return super().get_json(force, silent, cache)
        except RecursionError as e:
            return self._json_too_deep(e, silent, cache)
        self._cached_json = (value, value)
        return value

    def _json_too_deep(self, error: RecursionError, silent: bool, cache: bool) -> t.Any:
        """What ``get_json`` gives for a body nested deeper than the parser
        can go: the handling of malformed JSON (``None`` when ``silent``,
        else :meth:`on_json_loading_failed`, a 400 by default, cached as
        werkzeug caches it) with a ``ValueError`` caused by ``error``.
        Deliberately unlike Flask, where the ``RecursionError`` escapes as
        a 500."""
        failure = ValueError(f"the JSON is nested too deeply ({error})")
        failure.__cause__ = error
        if silent:
            if cache:
                self._cached_json = (self._cached_json[0], None)
            return None
        value = self.on_json_loading_failed(failure)
        if cache:
            self._cached_json = (value, self._cached_json[1])
        return value

    def on_json_loading_failed(self, e: ValueError | None) -> t.Any:
        """Called when the body is not valid JSON: raises ``BadRequest``,
        with the parser's message only in debug mode."""
        try:
            return super().on_json_loading_failed(e)
        except BadRequest as ebr:
            if current_app and current_app.debug:
                raise
            raise BadRequest() from ebr


def _shadow_cached_properties(cls: type) -> None:
    """Re-expose every werkzeug ``cached_property`` ``cls`` inherits (and does
    not define itself) as a :class:`_lazy` computing with the same getter.

    Both keep the value in the same instance ``__dict__`` slot, so werkzeug's
    code that fills ``__dict__["form"]`` directly, assignment and ``del`` of a
    computed value all behave as before.
    """
    for base in cls.__mro__[1:]:
        for name, attr in list(vars(base).items()):
            if not isinstance(attr, cached_property):
                continue
            if _find_static(cls, name) is not attr:
                continue  # overridden further down the hierarchy
            lazy: _lazy[t.Any] = _lazy(attr.fget)
            lazy.name = name
            setattr(cls, name, lazy)


def _find_static(cls: type, name: str) -> t.Any:
    for klass in cls.__mro__:
        if name in vars(klass):
            return vars(klass)[name]
    return None


# PERF: werkzeug's cached_property is a data descriptor with a Python
# __get__, so every read of request.args / form / cookies / url ... was a
# function call; as non-data descriptors the second and later reads are plain
# instance-dict lookups (bench: query_args, form_post, json_post).
_shadow_cached_properties(Request)

_QUERY_STRING = Request.__dict__["query_string"]

# What werkzeug's form parsing and get_json read besides the environ; a
# subclass replacing any of them gets werkzeug's own code path.
_FORM_PLUMBING = (
    "want_form_data_parsed",
    "make_form_data_parser",
    "form_data_parser_class",
    "_get_stream_for_parsing",
    "stream",
    "max_form_memory_size",
    "max_form_parts",
    "mimetype",
    "mimetype_params",
    "content_length",
    "_parse_content_type",
)
_JSON_PLUMBING = ("get_data", "stream", "is_json", "mimetype", "_parse_content_type")


def _keeps(cls: type, names: tuple[str, ...]) -> bool:
    """Whether ``cls`` has :class:`Request`'s own value for every name."""
    return all(getattr(cls, name) is getattr(Request, name) for name in names)


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
        """Send the response: ``start_response`` gets the status line and a
        header list that has been checked, so a header that cannot be sent
        safely (see ``_speedups.headers_py``) never reaches the server; the
        app answers a plain 500 instead.  The iterable returned has
        ``close()``, which closes this response."""
        return _speedups.pipeline.send_response(self, environ, start_response)  # type: ignore[no-any-return]


