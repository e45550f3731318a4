"""The results of ``flaskfast bench``: a JSON document and a text table.

:func:`build_document` gathers everything into one JSON-ready dictionary
whose keys are stable (``--json`` prints it; the table is drawn from it)::

    {
      "format": 1,
      "app": "<--app>" | null,
      "duration": s, "warmup": s,                 # per URL per implementation
      "implementations": [
        {"name": "compiled" | "pure" | "flask", "label": str,
         "version": str | null, "measured": bool, "reason": str | null}
      ],
      "results": [
        {"method": str, "path": str, "status_mismatch": bool,
         "measurements": {"<name>": {"status": int | null, "requests": int,
                                     "seconds": float,
                                     "requests_per_second": float | null,
                                     "error": str | null}},
         "vs_flask": {"<name>": float | null}}
      ],
      "geomean": {"urls": int, "requests_per_second": {"<name>": float | null},
                  "vs_flask": {"<name>": float | null}},
      "skipped": [{"rule": str, "endpoint": str, "methods": [str], "reason": str}],
      "warnings": [str]
    }

``measurements`` has one entry per measured implementation;
``requests_per_second`` is null when the URL was not timed (``error`` says
why: it raised or answered 5xx). ``vs_flask`` is flaskfast's requests/s
divided by Flask's (empty when Flask was not measured). The geometric means
cover the URLs timed on every measured implementation (``urls`` of them).
"""

from __future__ import annotations

import collections.abc as cabc
import math
import typing as t

from .runner import LABELS
from .runner import Outcome
from .targets import Skipped
from .targets import Target

FORMAT = 1

Document = t.Dict[str, t.Any]


def _geomean(values: cabc.Sequence[float]) -> float | None:
    if not values:
        return None
    return math.exp(sum(math.log(v) for v in values) / len(values))


def _measurement(event: dict[str, t.Any] | None) -> dict[str, t.Any]:
    if event is None:  # the worker stopped before this target
        return {"status": None, "requests": 0, "seconds": 0.0,
                "requests_per_second": None, "error": "not measured"}
    timed = event["error"] is None and event["seconds"] > 0
    return {
        "status": event["status"],
        "requests": event["requests"],
        "seconds": event["seconds"],
        "requests_per_second": event["requests"] / event["seconds"] if timed else None,
        "error": event["error"],
    }


def _answer(measurement: dict[str, t.Any]) -> str:
    """What a URL answered, for comparing implementations."""
    status = measurement["status"]
    if status is None:
        return "an exception" if measurement["error"] else "nothing"
    return str(status)


def build_document(
    app: str | None,
    duration: float,
    warmup: float,
    targets: cabc.Sequence[Target],
    skipped: cabc.Sequence[Skipped],
    outcomes: cabc.Sequence[Outcome],
) -> Document:
    """The JSON-ready report of one run (the schema is in the module docstring)."""
    measured = [o for o in outcomes if o.measured]
    names = [o.name for o in measured]
    flask = "flask" if "flask" in names else None
    compared = [name for name in names if name != "flask"] if flask else []
    warnings: list[str] = []
    for outcome in outcomes:
        if outcome.failure is not None:
            warnings.append(f"{LABELS[outcome.name]} was not measured: {outcome.failure}")

    results: list[dict[str, t.Any]] = []
    for index, target in enumerate(targets):
        measurements = {o.name: _measurement(o.results[index]) for o in measured}
        answers = {name: _answer(m) for name, m in measurements.items()}
        mismatch = len(set(answers.values())) > 1
        if mismatch:
            each = ", ".join(f"{LABELS[name]} {answer}" for name, answer in answers.items())
            warnings.append(f"{target.label} does not answer the same everywhere: {each}")
        vs_flask: dict[str, float | None] = {}
        for name in compared:
            ours = measurements[name]["requests_per_second"]
            theirs = measurements["flask"]["requests_per_second"]
            vs_flask[name] = ours / theirs if ours and theirs else None
        results.append({
            "method": target.method,
            "path": target.path,
            "status_mismatch": mismatch,
            "measurements": measurements,
            "vs_flask": vs_flask,
        })

    everywhere = [
        r for r in results
        if all(m["requests_per_second"] for m in r["measurements"].values())
    ]
    geomean = {
        "urls": len(everywhere) if names else 0,
        "requests_per_second": {
            name: _geomean([r["measurements"][name]["requests_per_second"] for r in everywhere])
            for name in names
        },
        "vs_flask": {
            name: _geomean([r["vs_flask"][name] for r in everywhere]) for name in compared
        },
    }
    return {
        "format": FORMAT,
        "app": app,
        "duration": duration,
        "warmup": warmup,
        "implementations": [
            {
                "name": o.name,
                "label": LABELS[o.name],
                "version": o.version,
                "measured": o.measured,
                "reason": o.unavailable or o.failure,
            }
            for o in outcomes
        ],
        "results": results,
        "geomean": geomean,
        "skipped": [s.to_json() for s in skipped],
        "warnings": warnings,
    }


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def render_table(document: Document) -> str:
    """The document as text: a header, one row per URL (requests/s per
    implementation, then each flaskfast one against Flask), a geomean row,
    the URLs that were not timed and the rules that were skipped."""
    names = [i["name"] for i in document["implementations"] if i["measured"]]
    compared = [name for name in names if name != "flask"] if "flask" in names else []
    headers = ["URL", "status"] + [f"{LABELS[n]} req/s" for n in names]
    headers += [f"{LABELS[n]}/Flask" for n in compared]

    rows: list[list[str]] = []
    not_timed: list[str] = []
    for result in document["results"]:
        measurements = result["measurements"]
        answers = list(dict.fromkeys(_answer(m) for m in measurements.values()))
        row = [f"{result['method']} {result['path']}", "/".join(answers)]
        row += [_rate(measurements[n]["requests_per_second"]) for n in names]
        row += [_ratio(result["vs_flask"][n]) for n in compared]
        rows.append(row)
        failed: dict[str, list[str]] = {}  # first line of the error -> where
        for name in names:
            error = measurements[name]["error"]
            if error:
                failed.setdefault(error.splitlines()[0], []).append(LABELS[name])
        for error, where in failed.items():
            url = f"{result['method']} {result['path']}"
            not_timed.append(f"  {url} on {', '.join(where)}: {error}")
    geomean = document["geomean"]
    if names and document["results"]:
        count = geomean["urls"]
        row = [f"geomean ({count} URL{'' if count == 1 else 's'})", ""]
        row += [_rate(geomean["requests_per_second"][n]) for n in names]
        row += [_ratio(geomean["vs_flask"][n]) for n in compared]
        rows.append(row)

    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
              for i, h in enumerate(headers)]

    def line(cells: cabc.Sequence[str]) -> str:
        first = [cells[0].ljust(widths[0])]
        rest = [cell.rjust(width) for cell, width in zip(cells[1:], widths[1:])]
        return "  ".join(first + rest).rstrip()

    out = []
    what = document["app"] or "the application in the working directory"
    out.append(
        f"flaskfast bench: {what}, {document['duration']:g} s per URL per"
        f" implementation after {document['warmup']:g} s of warm-up"
    )
    for impl in document["implementations"]:
        state = impl["version"] if impl["measured"] else f"not measured: {impl['reason'].splitlines()[0]}"
        out.append(f"  {impl['label']}: {state}")
    out.append("")
    if names:
        out.append(line(headers))
        out.append(line(["-" * w for w in widths]))
        if rows:
            out.extend(line(row) for row in rows[:-1])
            if len(rows) > len(document["results"]):
                out.append(line(["-" * w for w in widths]))
            out.append(line(rows[-1]))
    if not_timed:
        out.append("")
        out.append("Not timed (the first request failed):")
        out.extend(not_timed)
    if document["skipped"]:
        out.append("")
        out.append(f"Skipped rules ({len(document['skipped'])}):")
        for skipped in document["skipped"]:
            out.append(f"  {skipped['rule']} ({skipped['endpoint']}): {skipped['reason']}")
    return "\n".join(out)
