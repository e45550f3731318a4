"""Request bodies the app cannot use get a clear 4xx (``flaskfast.wrappers``):
JSON nested too deeply, malformed JSON, form limits, bad ``Content-Length``
and bodies shorter than announced; compared with Flask 3.1.3 where Flask's
answer is right."""

from __future__ import annotations

import io
import json as std_json
import typing as t

import flask
import pytest
from werkzeug.test import EnvironBuilder

import flaskfast

DEEP_BODIES = {
    "open arrays": b"[" * 1_000_000,
    "balanced arrays": b"[" * 100_000 + b"]" * 100_000,
    "objects": b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
    "mixed": b'[{"a":' * 50_000 + b"0" + b"}]" * 50_000,
}


def _json_app(fw: t.Any, **config: t.Any) -> t.Any:
    app = fw.Flask("json_limits")
    app.config.update(config)
    request = fw.request

    @app.post("/")
    def view() -> t.Any:
        how = request.args.get("how", "get_json")
        if how == "silent":
            return {"value": request.get_json(silent=True), "again": request.get_json(silent=True)}
        if how == "property":
            return {"value": request.json}
        if how == "force":
            return {"value": request.get_json(force=True)}
        return {"value": request.get_json()}

    return app


def _post(app: t.Any, body: bytes, query: str = "", content_type: str = "application/json") -> t.Any:
    return app.test_client().post("/?" + query, data=body, content_type=content_type)


# -- deeply nested JSON ------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(DEEP_BODIES))
@pytest.mark.parametrize("how", ["get_json", "property", "force"])
def test_deeply_nested_json_is_400(name: str, how: str) -> None:
    """The fault: Flask answers 500 (the parser's RecursionError is not the
    ValueError werkzeug turns into 400); flaskfast handles it as it handles
    any malformed JSON, outside testing too."""
    response = _post(_json_app(flaskfast), DEEP_BODIES[name], "how=" + how)
    assert response.status_code == 400
    assert b"Recursion" not in response.data


def test_flask_answers_500_where_flaskfast_answers_400() -> None:
    """Pins the Flask 3.1.3 behaviour listed as a deliberate difference."""
    flask_app = _json_app(flask)
    flask_app.logger.disabled = True
    assert _post(flask_app, DEEP_BODIES["open arrays"]).status_code == 500
    assert _post(_json_app(flaskfast), DEEP_BODIES["open arrays"]).status_code == 400


def test_deeply_nested_json_silent_is_none() -> None:
    response = _post(_json_app(flaskfast), DEEP_BODIES["open arrays"], "how=silent")
    assert response.json == {"value": None, "again": None}


def test_deeply_nested_json_with_the_apps_provider_is_400() -> None:
    """The app's JSON provider goes the general (werkzeug) way: same 400."""

    class Provider(flaskfast.json.provider.DefaultJSONProvider):
        def loads(self, s: t.Any, **kwargs: t.Any) -> t.Any:
            return std_json.loads(s, **kwargs)

    app = _json_app(flaskfast)
    app.json = Provider(app)
    assert _post(app, DEEP_BODIES["balanced arrays"]).status_code == 400


def test_deeply_nested_json_in_debug_mode_says_why() -> None:
    app = _json_app(flaskfast)
    app.debug = True
    response = _post(app, DEEP_BODIES["open arrays"])
    assert response.status_code == 400
    assert b"Failed to decode JSON object: the JSON is nested too deeply" in response.data


def test_on_json_loading_failed_gets_a_value_error(app: flaskfast.Flask) -> None:
    """An override of ``on_json_loading_failed`` sees a ``ValueError`` (its
    documented argument type) caused by the ``RecursionError``; what it
    returns is ``get_json``'s value, cached like any other."""
    seen: list[BaseException | None] = []

    class Request(flaskfast.Request):
        def on_json_loading_failed(self, e: ValueError | None) -> t.Any:
            seen.append(e)
            return "fallback"

    app.request_class = Request
    with app.test_request_context(method="POST", data=b"[" * 100_000, content_type="application/json"):
        assert flaskfast.request.get_json() == "fallback"
        assert flaskfast.request.get_json() == "fallback"
        assert flaskfast.request.get_json(silent=True) is None
    assert len(seen) == 1
    assert type(seen[0]) is ValueError
    assert isinstance(seen[0].__cause__, RecursionError)


def test_next_request_after_deep_json_is_served() -> None:
    app = _json_app(flaskfast)
    client = app.test_client()
    assert client.post("/", data=b"[" * 1_000_000, content_type="application/json").status_code == 400
    response = client.post("/", data=b"[[1]]", content_type="application/json")
    assert response.json == {"value": [[1]]}


# -- malformed JSON: as Flask ------------------------------------------------------

MALFORMED = [b"", b"{", b"[1,]", b"{'a': 1}", b"\xff\xfe", b"nul", b'{"a": 1} x', b"[" * 50 + b"]" * 49]


@pytest.mark.parametrize("body", MALFORMED)
@pytest.mark.parametrize("debug", [False, True])
def test_malformed_json_is_400_like_flask(body: bytes, debug: bool) -> None:
    answers = []
    for fw in (flask, flaskfast):
        app = _json_app(fw)
        app.debug = debug
        response = _post(app, body)
        answers.append((response.status_code, response.data))
    assert answers[0] == answers[1]
    assert answers[0][0] == 400


def test_json_with_a_wrong_content_type_is_415_like_flask() -> None:
    answers = [
        _post(_json_app(fw), b"[1]", content_type="text/plain").status_code
        for fw in (flask, flaskfast)
    ]
    assert answers == [415, 415]


# -- Content-Length and short bodies -------------------------------------------------


def _data_app(fw: t.Any) -> t.Any:
    app = fw.Flask("length_limits")
    request = fw.request

    @app.post("/<what>")
    def view(what: str) -> t.Any:
        if what == "form":
            return dict(request.form)
        if what == "json":
            return {"json": request.get_json()}
        return request.get_data()

    return app


DATA_APPS = {fw: _data_app(fw) for fw in (flask, flaskfast)}


def _environ(what: str, body: bytes, length: str | None, content_type: str) -> dict[str, t.Any]:
    builder = EnvironBuilder(path=f"/{what}", method="POST", content_type=content_type,
                             input_stream=io.BytesIO(body))  # fmt: skip
    environ = builder.get_environ()
    environ.pop("wsgi.input_terminated", None)
    environ.pop("CONTENT_LENGTH", None)
    if length is not None:
        environ["CONTENT_LENGTH"] = length
    return environ


def _answer(app: t.Any, environ: dict[str, t.Any]) -> tuple[str, bytes]:
    status: list[str] = []

    def start_response(line: str, headers: t.Any, exc_info: t.Any = None) -> None:
        status.append(line)

    iterable = app(environ, start_response)
    try:
        return status[-1], b"".join(iterable)
    finally:
        iterable.close()


KINDS = {
    "data": (b"a=1&b=2", "text/plain"),
    "form": (b"a=1&b=2", "application/x-www-form-urlencoded"),
    "json": (b'{"a": 1}', "application/json"),
}


@pytest.mark.parametrize("what", sorted(KINDS))
@pytest.mark.parametrize("length", ["-1", "-100", "abc", "1e3", " 7", "0x7", "+7", "", "7" * 40])
def test_bad_content_length_like_flask(what: str, length: str) -> None:
    """An unusable ``Content-Length`` is no length at all (werkzeug): the
    body is not read; never a 500."""
    body, kind = KINDS[what]
    answers = {fw: _answer(app, _environ(what, body, length, kind)) for fw, app in DATA_APPS.items()}
    assert answers[flaskfast] == answers[flask]
    assert answers[flaskfast][0][:1] in "24"


@pytest.mark.parametrize("what", sorted(KINDS))
@pytest.mark.parametrize("missing", [1, 5])
def test_body_shorter_than_announced_is_400_like_flask(what: str, missing: int) -> None:
    """A client that disconnects before sending the announced body gets
    werkzeug's ``ClientDisconnected`` (400), for every read."""
    body, kind = KINDS[what]
    length = str(len(body) + missing)
    answers = {fw: _answer(app, _environ(what, body, length, kind)) for fw, app in DATA_APPS.items()}
    assert answers[flaskfast] == answers[flask]
    assert answers[flaskfast][0] == "400 BAD REQUEST"


# -- form limits ---------------------------------------------------------------------


def _form_app(fw: t.Any, **config: t.Any) -> t.Any:
    app = fw.Flask("form_limits")
    app.config.update(config)

    @app.post("/")
    def view() -> t.Any:
        return {"form": sorted(fw.request.form.items(multi=True)), "files": sorted(fw.request.files)}

    return app


FORM_CASES = [
    ({"MAX_FORM_MEMORY_SIZE": 10}, {"a": "x" * 11}, "multipart/form-data"),
    ({"MAX_FORM_MEMORY_SIZE": 10}, {"a": "x" * 10}, "multipart/form-data"),
    ({"MAX_FORM_PARTS": 2}, {"a": "1", "b": "2", "c": "3"}, "multipart/form-data"),
    ({"MAX_FORM_PARTS": 3}, {"a": "1", "b": "2", "c": "3"}, "multipart/form-data"),
    ({"MAX_FORM_PARTS": 1}, {"a": "1", "f": (io.BytesIO(b"file"), "f.txt")}, "multipart/form-data"),
    ({"MAX_FORM_MEMORY_SIZE": 10}, {"a": "x" * 11}, "application/x-www-form-urlencoded"),
    ({"MAX_FORM_MEMORY_SIZE": 10}, {"a": "x" * 5}, "application/x-www-form-urlencoded"),
    ({"MAX_FORM_PARTS": 1}, {"a": "1", "b": "2", "c": "3"}, "application/x-www-form-urlencoded"),
    ({"MAX_CONTENT_LENGTH": 10}, {"a": "x" * 20}, "application/x-www-form-urlencoded"),
]


@pytest.mark.parametrize(("config", "data", "content_type"), FORM_CASES)
def test_form_limits_like_flask(config: dict[str, t.Any], data: dict[str, t.Any], content_type: str) -> None:
    """Form limits answer as Flask does (413 when a multipart field, the
    part count or the body is over; urlencoded bodies as the installed
    werkzeug decides for the memory limit, and never by parts)."""
    answers = []
    for fw in (flask, flaskfast):
        fresh = {k: (io.BytesIO(v[0].getvalue()), v[1]) if isinstance(v, tuple) else v for k, v in data.items()}
        response = _form_app(fw, **config).test_client().post("/", data=fresh, content_type=content_type)
        answers.append((response.status_code, response.data))
    assert answers[0] == answers[1]
    assert answers[0][0] in (200, 413)
