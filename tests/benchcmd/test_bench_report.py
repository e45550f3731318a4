"""flaskfast._bench.report: the JSON document and the table."""

from __future__ import annotations

import json
import typing as t

import pytest

from flaskfast._bench.report import build_document
from flaskfast._bench.report import render_table
from flaskfast._bench.runner import Outcome
from flaskfast._bench.targets import Skipped
from flaskfast._bench.targets import Target

TARGETS = [Target("GET", "/"), Target("GET", "/boom"), Target("POST", "/items", (), b"a=1")]
SKIPPED = [Skipped("/user/<name>", "user", ("GET", "HEAD", "OPTIONS"), "required URL arguments (name)")]


def _event(status: int | None, requests: int = 0, seconds: float = 0.0,
           error: str | None = None) -> dict[str, t.Any]:
    return {"status": status, "requests": requests, "seconds": seconds, "error": error}


def _outcomes() -> list[Outcome]:
    boom = _event(500, error="HTTP 500 INTERNAL SERVER ERROR")
    return [
        Outcome("compiled", "flaskfast 0.2.0 (cython)",
                results=[_event(200, 4000, 1.0), boom, _event(201, 900, 0.5)]),
        Outcome("pure", "flaskfast 0.2.0 (python)",
                results=[_event(200, 2000, 1.0), boom, _event(201, 600, 0.5)]),
        Outcome("flask", "Flask 3.1.3",
                results=[_event(200, 1000, 1.0), boom, _event(400, 200, 0.5)]),
    ]


def test_document_schema_and_numbers() -> None:
    document = build_document("app", 1.0, 0.2, TARGETS, SKIPPED, _outcomes())
    assert json.loads(json.dumps(document)) == document
    assert list(document) == [
        "format", "app", "duration", "warmup", "implementations", "results",
        "geomean", "skipped", "warnings",
    ]
    assert document["format"] == 1
    assert document["implementations"][2] == {
        "name": "flask", "label": "Flask", "version": "Flask 3.1.3",
        "measured": True, "reason": None,
    }
    first, boom, items = document["results"]
    assert first == {
        "method": "GET",
        "path": "/",
        "status_mismatch": False,
        "measurements": {
            "compiled": {"status": 200, "requests": 4000, "seconds": 1.0,
                         "requests_per_second": 4000.0, "error": None},
            "pure": {"status": 200, "requests": 2000, "seconds": 1.0,
                     "requests_per_second": 2000.0, "error": None},
            "flask": {"status": 200, "requests": 1000, "seconds": 1.0,
                      "requests_per_second": 1000.0, "error": None},
        },
        "vs_flask": {"compiled": 4.0, "pure": 2.0},
    }
    assert boom["status_mismatch"] is False
    assert boom["measurements"]["pure"]["requests_per_second"] is None
    assert boom["vs_flask"] == {"compiled": None, "pure": None}
    assert items["status_mismatch"] is True
    assert items["vs_flask"] == {"compiled": 4.5, "pure": 3.0}
    # Over the URLs timed everywhere: / and POST /items.
    assert document["geomean"]["urls"] == 2
    assert document["geomean"]["requests_per_second"]["flask"] == pytest.approx(
        (1000 * 400) ** 0.5
    )
    assert document["geomean"]["vs_flask"]["compiled"] == pytest.approx((4.0 * 4.5) ** 0.5)
    assert document["skipped"] == [s.to_json() for s in SKIPPED]
    assert document["warnings"] == [
        "POST /items does not answer the same everywhere: compiled 201, pure 201, Flask 400"
    ]


def test_document_without_flask_and_with_failures() -> None:
    outcomes = _outcomes()
    outcomes[0] = Outcome("compiled", unavailable="no compiled kernels: disabled",
                          results=[None, None, None])
    outcomes[2] = Outcome("flask", "Flask 3.1.3", failure="the application did not load:\nboom",
                          results=[None, None, None])
    document = build_document(None, 0.5, 0.0, TARGETS, [], outcomes)
    assert [i["measured"] for i in document["implementations"]] == [False, True, False]
    assert document["implementations"][0]["reason"] == "no compiled kernels: disabled"
    assert list(document["results"][0]["measurements"]) == ["pure"]
    assert document["results"][0]["vs_flask"] == {}
    assert document["geomean"]["vs_flask"] == {}
    assert document["warnings"] == [
        "Flask was not measured: the application did not load:\nboom"
    ]
    table = render_table(document)
    assert "compiled: not measured: no compiled kernels: disabled" in table
    assert "Flask: not measured: the application did not load:" in table
    assert "/Flask" not in table


def test_a_worker_that_stopped_leaves_targets_not_measured() -> None:
    outcomes = [Outcome("pure", "flaskfast", results=[_event(200, 10, 0.1), None, None])]
    document = build_document("app", 0.1, 0.0, TARGETS, [], outcomes)
    assert document["results"][1]["measurements"]["pure"] == {
        "status": None, "requests": 0, "seconds": 0.0,
        "requests_per_second": None, "error": "not measured",
    }
    assert document["geomean"]["urls"] == 1


def test_table() -> None:
    document = build_document("examples.hello", 1.0, 0.2, TARGETS, SKIPPED, _outcomes())
    lines = render_table(document).splitlines()
    assert lines[0] == (
        "flaskfast bench: examples.hello, 1 s per URL per implementation after 0.2 s of warm-up"
    )
    assert lines[1:4] == [
        "  compiled: flaskfast 0.2.0 (cython)",
        "  pure: flaskfast 0.2.0 (python)",
        "  Flask: Flask 3.1.3",
    ]
    header = lines[5].split()
    assert header == ["URL", "status", "compiled", "req/s", "pure", "req/s", "Flask", "req/s",
                      "compiled/Flask", "pure/Flask"]
    assert lines[7].split() == ["GET", "/", "200", "4,000", "2,000", "1,000", "4.00x", "2.00x"]
    assert lines[8].split() == ["GET", "/boom", "500", "-", "-", "-", "-", "-"]
    assert lines[9].split() == ["POST", "/items", "201/400", "1,800", "1,200", "400",
                                "4.50x", "3.00x"]
    assert lines[11].split()[:3] == ["geomean", "(2", "URLs)"]
    assert "Not timed (the first request failed):" in lines
    assert "  GET /boom on compiled, pure, Flask: HTTP 500 INTERNAL SERVER ERROR" in lines
    assert lines[-2:] == [
        "Skipped rules (1):",
        "  /user/<name> (user): required URL arguments (name)",
    ]
