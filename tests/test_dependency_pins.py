"""Pins: the private details of werkzeug and itsdangerous that flaskfast relies on.

Each test states one detail (an underscore name, an undocumented attribute
layout, or a behaviour a shortcut reproduces) and the place that relies on
it. A failure here means the installed version changed that detail: the
shortcut named must be checked (and, where it probes at import, it has
already switched itself off, which the first tests report). ``make
test-deps`` runs these on the oldest and newest allowed versions.
"""

from __future__ import annotations

import codecs
import io
import typing as t
from datetime import datetime
from datetime import timezone
from urllib.parse import parse_qsl

import pytest
from itsdangerous import base64_decode
from itsdangerous import URLSafeTimedSerializer
from werkzeug.datastructures import EnvironHeaders
from werkzeug.datastructures import FileStorage
from werkzeug.datastructures import Headers
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.datastructures import MultiDict
from werkzeug.formparser import FormDataParser
from werkzeug.http import dump_cookie
from werkzeug.routing import Map
from werkzeug.routing import Rule
from werkzeug.sansio.response import Response as SansioResponse
from werkzeug.utils import cached_property
from werkzeug.wrappers import Request as WerkzeugRequest
from werkzeug.wrappers import Response as WerkzeugResponse
from werkzeug.wsgi import LimitedStream

from flaskfast import wrappers
from flaskfast._speedups import router_py

URLENCODED = "application/x-www-form-urlencoded"


def _environ(body: bytes = b"", query: str = "", **extra: t.Any) -> dict[str, t.Any]:
    environ: dict[str, t.Any] = {
        "REQUEST_METHOD": "POST",
        "SCRIPT_NAME": "/root",
        "PATH_INFO": "/p",
        "QUERY_STRING": query,
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": URLENCODED,
    }
    environ.update(extra)
    return environ


class _Recorder(io.RawIOBase):
    """An input that records the size of every read it is asked for."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.requests: list[int] = []

    def readable(self) -> bool:
        return True

    def readinto(self, b: t.Any) -> int:
        self.requests.append(len(b))
        chunk, self.data = self.data[: len(b)], self.data[len(b) :]
        b[: len(chunk)] = chunk
        return len(chunk)


# -- wrappers.py: form and args parsing ---------------------------------------------


def test_parsing_shortcuts_agree_with_the_installed_werkzeug() -> None:
    # wrappers._check_shortcuts compares the own parsing with werkzeug's public
    # Request.args and FormDataParser.parse at import; all on means the
    # shortcuts (and the differential tests in test_request_data.py) run.
    assert wrappers._OWN_ARGS
    assert wrappers._OWN_URLENCODED
    assert wrappers._GROUP_DIRECTLY


def test_a_werkzeug_parsing_forms_differently_gets_its_own_code(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Upper(FormDataParser):
        def parse(self, *args: t.Any, **kwargs: t.Any) -> t.Any:
            stream, form, files = super().parse(*args, **kwargs)
            return stream, self.cls([(k.upper(), v) for k, v in form.items(multi=True)]), files

    monkeypatch.setattr(wrappers, "FormDataParser", Upper)
    for name in ("_OWN_ARGS", "_OWN_URLENCODED", "_GROUP_DIRECTLY"):
        monkeypatch.setattr(wrappers, name, getattr(wrappers, name))
    wrappers._check_shortcuts()
    assert not wrappers._OWN_URLENCODED
    assert wrappers._OWN_ARGS  # checked on its own
    # The stock class now goes through werkzeug's (real) parser.
    req = wrappers.Request(_environ(b"a=1&a=%41"))
    assert not req._load_urlencoded()
    assert list(req.form.items(multi=True)) == [("a", "1"), ("a", "A")]


def test_a_werkzeug_parsing_args_differently_gets_its_own_code(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    args = wrappers._find_static(WerkzeugRequest, "args")

    def upper_args(self: t.Any) -> t.Any:
        return ImmutableMultiDict([(k.upper(), v) for k, v in args.fget(self).items(multi=True)])

    class Other(WerkzeugRequest):
        args = cached_property(upper_args)  # type: ignore[assignment]

    monkeypatch.setattr(wrappers, "RequestBase", Other)
    monkeypatch.setattr(wrappers, "_WZ_ARGS", upper_args)
    for name in ("_OWN_ARGS", "_OWN_URLENCODED", "_GROUP_DIRECTLY"):
        monkeypatch.setattr(wrappers, name, getattr(wrappers, name))
    wrappers._check_shortcuts()
    assert not wrappers._OWN_ARGS
    assert wrappers.Request(_environ(query="a=1")).args.to_dict() == {"A": "1"}


def test_werkzeug_url_quote_error_handler() -> None:
    # wrappers._parse_pairs calls parse_qsl with werkzeug's registered error
    # handler, as werkzeug's args and urlencoded parser do.
    codecs.lookup_error("werkzeug.url_quote")
    assert parse_qsl("a=%e9&b=%C3%A9", errors="werkzeug.url_quote") == [
        ("a", "%E9"),
        ("b", "\u00e9"),
    ]


def test_immutable_multidict_keeps_lists_in_the_dict() -> None:
    # wrappers._decode_fields fills ImmutableMultiDict's dict with the value
    # lists directly (also checked at import).
    d = ImmutableMultiDict([("a", "1"), ("b", "2"), ("a", "3")])
    assert list(dict.items(d)) == [("a", ["1", "3"]), ("b", ["2"])]
    assert vars(d) == {}


@pytest.mark.parametrize("excess", [-1, 0, 1])
@pytest.mark.parametrize("parts", [None, 1])
def test_urlencoded_limits_are_werkzeugs(excess: int, parts: int | None) -> None:
    # wrappers.Request._load_urlencoded reads a body up to max_form_memory_size
    # itself (no werkzeug 3.1 refuses one) and leaves a larger one to werkzeug
    # (3.1.0-3.1.8 answer 413, 3.1.9 parses it); max_form_parts never applies.
    body = b"a=1&b=2&c=3"
    states = []
    for cls in (wrappers.Request, WerkzeugRequest):
        req = cls(_environ(body))
        req.max_form_memory_size = len(body) + excess  # type: ignore[misc]
        req.max_form_parts = parts  # type: ignore[misc]
        try:
            states.append(("form", list(req.form.items(multi=True)), req.stream.read()))
        except Exception as e:  # noqa: BLE001 - the error is the outcome compared
            states.append(("error", type(e).__name__, None))
    assert states[0] == states[1]


def test_limited_stream_reads_a_body_in_64k_chunks() -> None:
    # wrappers._read_fresh asks for a body of at most wrappers._ONE_CHUNK bytes
    # in one read of its exact size, the read werkzeug's readall makes; uses
    # LimitedStream.limit.
    for size in (10, wrappers._ONE_CHUNK, wrappers._ONE_CHUNK + 1):
        theirs = _Recorder(b"x" * size)
        stream = LimitedStream(theirs, size)
        assert stream.limit == size
        assert stream.read() == b"x" * size
        ours = _Recorder(b"x" * size)
        assert wrappers._read_fresh(LimitedStream(ours, size)) == b"x" * size
        assert ours.requests == theirs.requests
    assert theirs.requests == [wrappers._ONE_CHUNK, 1]


# -- wrappers.py: the request object -------------------------------------------------


def test_request_init_sets_only_what_flaskfast_computes_lazily() -> None:
    # wrappers.Request.__init__ does not call werkzeug's; every attribute
    # werkzeug's sets is computed on first use, to the same value.
    environ = _environ(b"a=1", query="q=1", HTTP_X_A="b")
    theirs = WerkzeugRequest(dict(environ))
    ours = wrappers.Request(dict(environ))
    assert set(vars(theirs)) == {
        "environ", "shallow", "method", "scheme", "server", "root_path", "path",
        "query_string", "headers", "remote_addr",
    }  # fmt: skip
    for name, value in vars(theirs).items():
        if name == "environ":
            continue
        mine = getattr(ours, name)
        if isinstance(value, Headers):
            assert type(mine) is type(value) and list(mine) == list(value)
        else:
            assert mine == value, name


def test_cached_property_keeps_its_value_in_the_instance_dict() -> None:
    # wrappers._shadow_cached_properties re-exposes werkzeug's cached
    # properties through their fget, keeping the value in the same
    # __dict__ slot werkzeug's code (and _load_form_data) writes.
    prop = wrappers._find_static(WerkzeugRequest, "args")
    assert isinstance(prop, cached_property) and isinstance(prop, property)
    req = WerkzeugRequest(_environ(query="a=1"))
    value = req.args
    assert vars(req)["args"] is value
    assert prop.fget(req) == value


def test_form_parsing_stores_stream_form_and_files_in_the_instance_dict() -> None:
    # wrappers.Request._load_form_data / _load_urlencoded fill the same slots
    # werkzeug's _load_form_data fills; _get_stream_for_parsing reads
    # _cached_data (werkzeug's get_data cache) first.
    req = WerkzeugRequest(_environ(b"a=1"))
    assert req.get_data() == b"a=1"
    assert req._cached_data == b"a=1"  # type: ignore[attr-defined]
    req._load_form_data()
    assert {"stream", "form", "files"} <= set(vars(req))
    assert req.form.to_dict() == {"a": "1"}
    assert hasattr(WerkzeugRequest, "_get_stream_for_parsing")


def test_get_json_caches_in_cached_json() -> None:
    # wrappers.Request.get_json reads and writes werkzeug's _cached_json.
    assert WerkzeugRequest._cached_json == (Ellipsis, Ellipsis)
    req = WerkzeugRequest(_environ(b'{"a": 1}', CONTENT_TYPE="application/json"))
    assert req.get_json() == {"a": 1}
    assert req._cached_json == ({"a": 1}, {"a": 1})


def test_content_type_is_parsed_once_into_parsed_content_type() -> None:
    # wrappers.Request overrides _parse_content_type and reads
    # _parsed_content_type, which werkzeug's mimetype properties use.
    req = WerkzeugRequest(_environ(CONTENT_TYPE="Text/Plain; charset=latin-1"))
    assert "_parsed_content_type" not in vars(req)
    assert req.mimetype == "text/plain"
    parsed = req._parsed_content_type  # type: ignore[attr-defined]
    assert parsed == ("Text/Plain", {"charset": "latin-1"})
    req._parsed_content_type = ("a/b", {})  # type: ignore[attr-defined]
    assert req.mimetype == "a/b"


def test_request_close_only_closes_uploaded_files() -> None:
    # wrappers.Request.close skips werkzeug's close when no files were parsed.
    req = WerkzeugRequest(_environ(b"a=1"))
    stream = req.stream
    req.close()
    assert not stream.closed
    upload = FileStorage(io.BytesIO(b"x"), "x.txt")
    req = WerkzeugRequest(_environ())
    req.__dict__["files"] = MultiDict([("f", upload)])
    req.close()
    assert upload.stream.closed


# -- wrappers.py and _speedups/response_*: the response object -----------------------


def test_response_state_after_construction() -> None:
    # response_py._assemble / text_response / redirect_response build a
    # response by setting these attributes (also compared with werkzeug's
    # constructor at import); pipeline._send_buffered reads _status,
    # _status_code, _on_close and headers._list.
    rv = WerkzeugResponse("hi", 201, [("X-A", "1")])
    assert set(vars(rv)) == {
        "headers", "_status", "_status_code", "direct_passthrough", "_on_close", "response",
    }  # fmt: skip
    assert (rv._status, rv._status_code) == ("201 CREATED", 201)
    assert rv._on_close == []
    rv.call_on_close(print)
    assert rv._on_close == [print]
    assert vars(rv.headers) == {"_list": rv.headers._list}
    assert rv.headers._list == [
        ("X-A", "1"),
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Length", "2"),
    ]
    assert callable(SansioResponse._clean_status)
    assert isinstance(SansioResponse.__dict__["status"], property)


def test_headers_iterate_their_list() -> None:
    # headers_c.wsgi_header_list walks Headers._list directly when the class
    # keeps werkzeug's __iter__; response_py.Headers edits _list in place.
    h = Headers([("A", "1"), ("B", "2")])
    h.add("A", "3")
    assert type(h._list) is list
    assert list(iter(h)) == h._list == [("A", "1"), ("B", "2"), ("A", "3")]
    assert all(type(item) is tuple for item in h._list)


def test_headers_equality_needs_the_same_class() -> None:
    # response_py.Headers.__eq__ compares through two werkzeug Headers
    # because werkzeug's __eq__ refuses another class.
    class Sub(Headers):
        pass

    assert Headers([("A", "1")]).__eq__(Sub([("A", "1")])) is NotImplemented
    assert Headers([("A", "1")]) == Headers([("a", "1")])


# -- _speedups/router_* and routing.py: the rule layout ------------------------------


def test_rule_parts_and_converters() -> None:
    # routing.Map._ff_route reads Rule._parts (static, content, final,
    # suffixed, weight) and Rule._converters (argument order); router_py
    # recognises the compiled content of plain segments and reads the groups
    # named __werkzeug_<n>.
    m = Map([Rule("/u/<name>/<int:id>/<path:rest>", endpoint="e")])
    rule = next(m.iter_rules())
    parts = rule._parts
    # The domain part (empty), then the path's: "", "u" and the three arguments.
    assert [p.static for p in parts] == [True, True, True, False, False, False]
    assert [p.content for p in parts[:3]] == ["", "", "u"]
    assert parts[3].content in router_py._PLAIN_STRINGS
    assert parts[4].content == router_py._PLAIN_DIGITS
    assert parts[5].content == router_py._PLAIN_PATH
    assert [p.final for p in parts] == [False] * 5 + [True]
    assert [p.suffixed for p in parts] == [False] * 6
    assert all(hasattr(p, "weight") for p in parts)
    assert list(rule._converters) == ["name", "id", "rest"]
    assert router_py._GROUP_PREFIX == "__werkzeug_"


# -- sessions.py: itsdangerous tokens and werkzeug cookies ---------------------------


def test_timed_token_layout() -> None:
    # sessions._SigningMemo splits a token as payload.timestamp.signature on
    # the signer's sep and decodes the timestamp as a big-endian integer.
    s = URLSafeTimedSerializer("key", salt="cookie-session")
    signer = s.make_signer()
    token = s.dumps({"a": 1})
    payload, stamp, _ = token.encode().rsplit(signer.sep, 2)
    _, signed = s.loads(token, return_timestamp=True)
    assert int.from_bytes(base64_decode(stamp), "big") == int(signed.timestamp())
    assert s.load_payload(payload) == {"a": 1}
    assert isinstance(signer.get_timestamp(), int)

    # sessions._SigningSetup.presigned: the same settings around a serializer
    # handing back its input sign what the payload serializer produced.
    class Verbatim:
        def dumps(self, obj: t.Any) -> t.Any:
            return obj

        def loads(self, data: t.Any) -> t.Any:
            return data

    presigned = URLSafeTimedSerializer("key", salt="cookie-session", serializer=Verbatim())
    data = s.serializer.dumps({"a": 1}, **s.serializer_kwargs)
    assert presigned.dump_payload(data) == s.dump_payload({"a": 1})


def test_dump_cookie_puts_a_plain_value_after_the_name() -> None:
    # sessions._cookie_template cuts dump_cookie's output around the value
    # (checked on every new configuration) and adds "; Expires=..." after
    # the domain part.
    when = datetime(2030, 1, 1, tzinfo=timezone.utc)
    full = dump_cookie("s", "v.1", path="/", domain="example.com", httponly=True, expires=when)
    assert full.startswith("s=v.1; Domain=example.com; Expires=Tue, 01 Jan 2030 00:00:00 GMT")


def test_vary_property_writes_a_plain_header() -> None:
    # sessions._vary_cookie writes "Vary: Cookie" directly when absent.
    rv = WerkzeugResponse()
    rv.vary.add("Cookie")
    assert rv.headers.getlist("Vary") == ["Cookie"]


def test_request_cookies_come_from_http_cookie_keys() -> None:
    # sessions._request_cookies reads HTTP_COOKIE from the environ (as the
    # EnvironHeaders view names it "Cookie") and stores the result in the
    # cookies slot of the instance dict.
    environ = _environ(HTTP_COOKIE="a=1; b=2")
    assert EnvironHeaders(environ).get("Cookie") == "a=1; b=2"
    req = WerkzeugRequest(environ)
    assert req.cookies.to_dict() == {"a": "1", "b": "2"}
    assert "cookies" in vars(req)
