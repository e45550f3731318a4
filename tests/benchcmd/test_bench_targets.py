"""flaskfast._bench.targets: what ``flaskfast bench`` measures."""

from __future__ import annotations

from pathlib import Path

import pytest

from flaskfast import Flask
from flaskfast._bench.targets import DEFAULT_CONTENT_TYPE
from flaskfast._bench.targets import discover
from flaskfast._bench.targets import group_request_options
from flaskfast._bench.targets import parse_header
from flaskfast._bench.targets import parse_url
from flaskfast._bench.targets import read_data
from flaskfast._bench.targets import RequestOptions
from flaskfast._bench.targets import Target
from flaskfast._bench.targets import targets_from_options

VALUE_OPTIONS = {
    "-u": "url", "--url": "url",
    "-d": "data", "--data": "data",
    "-H": "header", "--header": "header",
    "--duration": "duration", "-A": "app", "--app": "app",
}


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("/", ("GET", "/")),
        ("/search?q=x&n=2", ("GET", "/search?q=x&n=2")),
        ("POST /api/items", ("POST", "/api/items")),
        ("  delete   /items/1 ", ("DELETE", "/items/1")),
    ],
)
def test_parse_url(spec: str, expected: tuple[str, str]) -> None:
    assert parse_url(spec) == expected


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "is not a URL to measure"),
        ("GET / extra", "is not a URL to measure"),
        ("items", "must start with '/'"),
        ("GET items", "must start with '/'"),
        ("P0ST /x", "is not an HTTP method"),
        ("GET:/x", "must start with '/'"),
        ("http://example.com/x", "not a full URL"),
    ],
)
def test_parse_url_rejects(spec: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_url(spec)


def test_parse_header() -> None:
    assert parse_header("Content-Type: application/json") == ("Content-Type", "application/json")
    assert parse_header("X-Empty:") == ("X-Empty", "")
    assert parse_header("Cookie: a=b; c=d:e") == ("Cookie", "a=b; c=d:e")


@pytest.mark.parametrize("text", ["no colon", ": value", "Bad Name: v"])
def test_parse_header_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="is not a header"):
        parse_header(text)


def test_read_data(tmp_path: Path) -> None:
    assert read_data('{"a": "é"}') == '{"a": "é"}'.encode()
    body = tmp_path / "body.bin"
    body.write_bytes(b"\x00\xffraw")
    assert read_data(f"@{body}") == b"\x00\xffraw"
    with pytest.raises(ValueError, match="cannot read the body"):
        read_data(f"@{tmp_path / 'missing'}")


def test_group_request_options_keeps_order() -> None:
    args = [
        "-H", "Cookie: s=1",
        "--duration", "--url",  # a value, not an option
        "--url", "/a",
        "--url=POST /b", "-d", "x=1", "--header=X-B: 1",
        "-uPUT /c", "-d{}", "-HContent-Type: application/json",
        "--", "--url", "/ignored",
    ]
    grouped = group_request_options(args, VALUE_OPTIONS)
    assert grouped.common_headers == ["Cookie: s=1"]
    assert grouped.urls == [
        ("/a", None, []),
        ("POST /b", "x=1", ["X-B: 1"]),
        ("PUT /c", "{}", ["Content-Type: application/json"]),
    ]


def test_group_request_options_data_needs_its_url() -> None:
    with pytest.raises(ValueError, match="--data must follow the --url"):
        group_request_options(["--data", "x", "--url", "/"], VALUE_OPTIONS)
    with pytest.raises(ValueError, match="has two --data values"):
        group_request_options(["--url", "POST /", "-d", "a", "-d", "b"], VALUE_OPTIONS)


def test_targets_from_options() -> None:
    options = RequestOptions(
        ["Cookie: s=1"],
        [
            ("/", None, []),
            ("POST /form", "a=1", []),
            ("POST /json", "{}", ["content-type: application/json"]),
        ],
    )
    assert targets_from_options(options) == [
        Target("GET", "/", (("Cookie", "s=1"),)),
        Target("POST", "/form", (("Cookie", "s=1"), ("Content-Type", DEFAULT_CONTENT_TYPE)), b"a=1"),
        Target("POST", "/json", (("Cookie", "s=1"), ("content-type", "application/json")), b"{}"),
    ]
    assert Target("POST", "/x", (), b"\xff").to_json() == {
        "method": "POST", "path": "/x", "headers": [], "body": "\xff",
    }


def test_discover_measures_get_routes_without_arguments() -> None:
    app = Flask(__name__, static_folder=None)
    bp_static = Flask(__name__)  # an app whose static route is "static"

    app.add_url_rule("/", "index", lambda: "")
    app.add_url_rule("/again", "again", lambda: "")
    app.add_url_rule("/again", "again_post", lambda: "", methods=["POST"])
    app.add_url_rule("/post", "post_only", lambda: "", methods=["POST", "PUT"])
    app.add_url_rule("/head", "head_only", lambda: "", methods=["HEAD"])
    app.add_url_rule("/user/<name>", "user", lambda name: name)

    def page(n: int) -> str:
        return str(n)

    app.add_url_rule("/page/", "page", page, defaults={"n": 1})
    app.add_url_rule("/page/<int:n>", "page", page)
    app.add_url_rule("/sub", "sub", lambda: "", subdomain="api")
    app.add_url_rule("/both", "both", lambda: "", methods=["GET", "POST"])

    targets, skipped = discover(app.url_map, [("Cookie", "s=1")])
    assert [t.path for t in targets] == ["/", "/again", "/page/", "/both"]
    assert {t.method for t in targets} == {"GET"}
    assert all(t.headers == (("Cookie", "s=1"),) and t.body is None for t in targets)
    reasons = {s.endpoint + " " + s.rule: s.reason for s in skipped}
    assert reasons == {
        "again_post /again": "no GET (POST); give it with --url",
        "post_only /post": "no GET (POST, PUT); give it with --url",
        "head_only /head": "HEAD/OPTIONS only",
        "user /user/<name>": "required URL arguments (name); give a URL with --url",
        "page /page/<int:n>": "required URL arguments (n); give a URL with --url",
        "sub /sub": "host or subdomain rule; give it with --url and --header 'Host: ...'",
    }

    targets, skipped = discover(bp_static.url_map)
    assert targets == []
    assert [(s.endpoint, s.reason) for s in skipped] == [("static", "static files")]
    assert skipped[0].to_json() == {
        "rule": "/static/<path:filename>",
        "endpoint": "static",
        "methods": ["GET", "HEAD", "OPTIONS"],
        "reason": "static files",
    }
