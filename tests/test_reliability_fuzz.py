"""Fuzzing the WSGI call with hypothesis: environs (PEP 3333-conforming and
not), headers, bodies and routes, served by an app outside testing mode.

* flaskfast never lets an exception out of the WSGI call and never answers
  500 (the views only read what the client sent, so a 500 is a fault);
* wherever Flask 3.1.3 answers with something other than a 500 and the
  request is not one of flaskfast's deliberate differences (README), both
  answer the same status, headers and body.

``make test`` runs a few examples of each (``FLASKFAST_FUZZ_EXAMPLES``,
default 40); ``make fuzz`` runs many more.
"""

from __future__ import annotations

import io
import os
import typing as t

import flask
import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

import flaskfast

EXAMPLES = int(os.environ.get("FLASKFAST_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
LIMIT = 64


def _make_app(fw: t.Any) -> t.Any:
    app = fw.Flask("fuzz")
    app.config.update(SECRET_KEY="fuzz key", MAX_CONTENT_LENGTH=LIMIT, MAX_FORM_PARTS=5)
    app.logger.disabled = True
    request, session = fw.request, fw.session

    @app.route("/", methods=["GET", "POST", "PUT"])
    def index() -> t.Any:
        return {
            "args": sorted(request.args.items(multi=True)),
            "headers": sorted((k, v) for k, v in request.headers.items() if k != "Cookie"),
            "cookies": sorted(request.cookies.items(multi=True)),
            "session": sorted(session.items()),
            "url": request.url,
            "method": request.method,
        }

    @app.route("/body", methods=["POST", "PUT"])
    def body() -> t.Any:
        return {
            "form": sorted(request.form.items(multi=True)),
            "files": sorted((k, v.filename, v.read().decode("latin-1")) for k, v in request.files.items(multi=True)),
            "json": request.get_json(silent=True),
            "data": request.get_data().decode("latin-1"),
        }

    @app.route("/json", methods=["POST"])
    def json_view() -> t.Any:
        return {"json": request.get_json()}

    # Routes for the router: converters, defaults, slashes, methods.
    @app.route("/u/<int:uid>")
    @app.route("/u/<int:uid>/<name>")
    def user(uid: int, name: str = "none") -> t.Any:
        return {"uid": uid, "name": name}

    @app.route("/f/<float:x>", methods=["GET", "DELETE"])
    def number(x: float) -> t.Any:
        return {"x": x}

    @app.route("/p/<path:rest>")
    def path(rest: str) -> t.Any:
        return {"rest": rest}

    @app.route("/id/<uuid:ident>")
    def ident(ident: t.Any) -> t.Any:
        return {"id": str(ident)}

    @app.route("/a/<any(red, blue):colour>/")
    def colour(colour: str) -> t.Any:
        return {"colour": colour}

    @app.route("/s/<string(minlength=2, maxlength=4):code>", strict_slashes=False)
    def code(code: str) -> t.Any:
        return {"code": code}

    return app


APPS = {fw: _make_app(fw) for fw in (flask, flaskfast)}

latin1 = st.text(st.characters(max_codepoint=0xFF), max_size=30)
path_text = st.one_of(
    st.just(""),
    st.sampled_from(["1", "12/bob", "x", "a/b/c", "red/", "red", "blue/", "ab", "abcde", "1.5", "-1",
                     "00000000-0000-0000-0000-000000000000", "12/", "../x", "%2e%2e/x", "app.css"]),
    st.text(st.sampled_from("/ab1.%2e-_~:;@!$&'()*+,=?#\\\x00\xe9\xff fFuUpPsid"), max_size=24),
)  # fmt: skip
query_text = st.one_of(
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=20),
    st.text(st.sampled_from("ab=&+%2zZ;\xc3\xa9"), max_size=20),
    latin1,
)
ROUTE_PREFIXES = ["", "/", "/u/", "/u/1", "/u/12/", "/f/", "/f/1.5", "/p/", "/id/", "/a/", "/a/red",
                  "/s/", "/s/ab", "/body", "/json", "//", "/static/"]  # fmt: skip
HEADER_NAMES = ["X-A", "Accept", "Accept-Language", "If-None-Match", "If-Modified-Since", "Range",
                "Authorization", "X-Forwarded-For", "Origin", "Referer", "User-Agent", "Cookie",
                "Content-Encoding", "Transfer-Encoding", "Expect", "Connection", "Upgrade"]  # fmt: skip
CONTENT_TYPES = [
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=b",
    "multipart/form-data",
    "application/json",
    "application/vnd.x+json; charset=latin-1",
    "text/plain",
    "",
    "garbage;;;=",
]
BODIES = st.one_of(
    st.binary(max_size=100),
    st.lists(st.tuples(st.text("abc%=+&\xe9", max_size=4), st.text("xy%=+&\xe9", max_size=6)), max_size=4).map(
        lambda pairs: "&".join(f"{k}={v}" for k, v in pairs).encode()
    ),
    st.sampled_from([
        b'--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--b--\r\n',
        b'--b\r\nContent-Disposition: form-data; name="f"; filename="x.txt"\r\n\r\nfile\r\n--b--\r\n',
        b"--b\r\nbroken",
        b'{"a": [1, 2, {"b": null}]}',
        b"[" * 200,
        b'{"a": 1',
    ]),
)  # fmt: skip


@st.composite
def environs(draw: st.DrawFn) -> dict[str, t.Any]:
    body = draw(BODIES)
    environ: dict[str, t.Any] = {
        "REQUEST_METHOD": draw(st.sampled_from(["GET", "POST", "POST", "PUT", "HEAD", "DELETE", "OPTIONS", "get", "BREW"])),
        "SCRIPT_NAME": draw(st.sampled_from(["", "", "/app", "/\xe9"])),
        "PATH_INFO": draw(st.one_of(
            st.sampled_from(["/body", "/json", "/"]),
            st.builds(str.__add__, st.sampled_from(ROUTE_PREFIXES), path_text),
        )),  # fmt: skip
        "QUERY_STRING": draw(query_text),
        "SERVER_NAME": "localhost",
        "SERVER_PORT": draw(st.sampled_from(["80", "443", "8080", "x"])),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": draw(st.sampled_from(["localhost", "example.test:8080", "[::1]:80", "a b", "UPPER.test"])),
        "wsgi.url_scheme": draw(st.sampled_from(["http", "https"])),
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
        "REMOTE_ADDR": "127.0.0.1",
    }
    for name in draw(st.lists(st.sampled_from(HEADER_NAMES), max_size=4, unique=True)):
        environ["HTTP_" + name.upper().replace("-", "_")] = draw(latin1)
    if draw(st.booleans()):
        environ["CONTENT_TYPE"] = draw(st.sampled_from(CONTENT_TYPES))
    length = draw(st.sampled_from(["auto", "auto", None, "short", "long", "-1", "junk"]))
    if length == "auto":
        environ["CONTENT_LENGTH"] = str(len(body))
    elif length == "short":
        environ["CONTENT_LENGTH"] = str(max(len(body) - 3, 0))
    elif length == "long":
        environ["CONTENT_LENGTH"] = str(len(body) + 3)
    elif length is not None:
        environ["CONTENT_LENGTH"] = length
    if draw(st.booleans()):
        environ["wsgi.input_terminated"] = True
    # PEP 3333 violations, now and then.
    violation = draw(st.sampled_from([None] * 6 + ["no method", "no scheme", "path not latin-1",
                                      "path not str", "no host", "host control"]))  # fmt: skip
    if violation == "no method":
        del environ["REQUEST_METHOD"]
    elif violation == "no scheme":
        del environ["wsgi.url_scheme"]
    elif violation == "path not latin-1":
        environ["PATH_INFO"] += "\u2603"
    elif violation == "path not str":
        environ["PATH_INFO"] = environ["PATH_INFO"].encode("latin-1")
    elif violation == "no host":
        del environ["HTTP_HOST"], environ["SERVER_NAME"]
    elif violation == "host control":
        environ["HTTP_HOST"] = "a\x85b"
    return environ


def _copy(environ: dict[str, t.Any]) -> dict[str, t.Any]:
    copied = dict(environ)
    copied["wsgi.input"] = io.BytesIO(environ["wsgi.input"].getvalue())
    copied["wsgi.errors"] = io.StringIO()
    return copied


def _serve(fw: t.Any, environ: dict[str, t.Any]) -> tuple[t.Any, ...]:
    seen: list[t.Any] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: t.Any = None) -> None:
        seen.append((status, sorted(headers)))

    try:
        iterable = APPS[fw](environ, start_response)
        try:
            body = b"".join(iterable)
        finally:
            getattr(iterable, "close", lambda: None)()
    except Exception as e:  # noqa: BLE001 - what escaped is the result
        return ("raised", type(e).__name__, str(e)[:200])
    return (*seen[-1], body)


def _deliberately_different(environ: dict[str, t.Any]) -> bool:
    """Requests flaskfast answers differently from Flask on purpose (README,
    "Deliberate differences from Flask")."""
    host = environ.get("HTTP_HOST")
    body = environ["wsgi.input"].getvalue()
    try:
        environ.get("QUERY_STRING", "").encode("latin-1").decode()
        query_utf8 = True
    except UnicodeError:
        query_utf8 = False
    return (
        (host is None and "SERVER_NAME" not in environ)
        or (isinstance(host, str) and not host.isprintable())
        or ("wsgi.input_terminated" in environ and len(body) >= LIMIT)
        or not query_utf8
        or _control_in_query(environ)  # a 400 (see test_raw_control_character_...)
    )


@FUZZ
@given(environ=environs())
def test_fuzzed_environ_never_escapes_and_matches_flask(environ: dict[str, t.Any]) -> None:
    ours = _serve(flaskfast, _copy(environ))
    assert ours[0] != "raised", ours
    assert not ours[0].startswith("500"), ours
    if _deliberately_different(environ):
        return
    theirs = _serve(flask, _copy(environ))
    if theirs[0] == "raised" or theirs[0].startswith("500"):
        return  # Flask fails where flaskfast answers: not a reference
    assert ours == theirs


@FUZZ
@given(
    method=st.sampled_from(["GET", "HEAD", "POST", "DELETE", "OPTIONS"]),
    prefix=st.sampled_from(ROUTE_PREFIXES),
    rest=path_text,
    script=st.sampled_from(["", "/app"]),
)
def test_fuzzed_routes_match_flask(method: str, prefix: str, rest: str, script: str) -> None:
    environ = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": script,
        "PATH_INFO": prefix + rest,
        "QUERY_STRING": "",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "HTTP_HOST": "localhost",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": io.StringIO(),
    }
    ours = _serve(flaskfast, _copy(environ))
    theirs = _serve(flask, _copy(environ))
    assert ours == theirs
    assert ours[0] != "raised" and not ours[0].startswith("500"), ours


def _control_in_query(environ: dict[str, t.Any]) -> bool:
    query = environ.get("QUERY_STRING", "")
    return any(ord(c) < 0x20 or ord(c) == 0x7F for c in query)


def test_raw_control_character_never_reaches_a_redirect() -> None:
    """werkzeug copies the raw query string into a routing redirect's
    ``Location``; a raw CR/LF there is refused with 400 before routing (Flask:
    500 from the unsendable header)."""
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/a/red", "QUERY_STRING": "x\r\nSet-Cookie: a=1",
               "SERVER_NAME": "localhost", "SERVER_PORT": "80", "HTTP_HOST": "localhost",
               "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(), "wsgi.errors": io.StringIO()}  # fmt: skip
    assert _serve(flaskfast, environ)[0] == "400 BAD REQUEST"
