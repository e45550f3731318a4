"""A small application written against the Flask 0.12 API
(``oldapp/legacy_app.py``) runs unmodified on flaskfast installed as
``flask``, by :func:`flaskfast.install_as_flask` or by
``FLASKFAST_AS_FLASK=1``: every legacy use works and warns
(DeprecationWarning only)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]

DRIVER = """
import json, sys, warnings
warnings.simplefilter("always")
with warnings.catch_warnings(record=True) as caught:
    if sys.argv[1] == "install":
        import flaskfast
        flaskfast.install_as_flask()
    import flask
    import flaskfast
    from legacy_app import app, STATE
    client = app.test_client()
    index = client.get("/")
    again = client.get("/")
    data = client.get("/data", headers={"X-Requested-With": "XMLHttpRequest"})
    download = client.get("/download")
    escape = client.get("/path/..%2Fetc")
    inside = client.get("/path/a.txt")
print(json.dumps({
    "flask_is_flaskfast": flask.Flask is flaskfast.Flask,
    "index": [index.status_code, index.get_data(as_text=True)],
    "cookie": index.headers.get("Set-Cookie", "").split("=")[0],
    "visits_cookie_kept": again.status_code,
    "data": data.get_data(as_text=True),
    "download": [download.get_data(as_text=True), download.headers["Content-Disposition"],
                 download.cache_control.max_age],
    "escape": escape.status_code,
    "inside": inside.get_data(as_text=True),
    "static": app.url_map.bind("").build("static", {"filename": "a.css"}),
    "setup": STATE["setup"],
    "warnings": sorted({w.category.__name__ for w in caught}),
    "warned": len(caught),
}))
"""


@pytest.mark.parametrize("mode", ["install", "env"], ids=["install_as_flask", "FLASKFAST_AS_FLASK"])
def test_the_0_12_app_runs_unmodified(mode: str) -> None:
    env = {**os.environ, "PYTHONPATH": f"{HERE / 'oldapp'}{os.pathsep}{ROOT}"}
    env.pop("FLASK_ENV", None)
    env.pop("FLASKFAST_AS_FLASK", None)
    if mode == "env":
        env["FLASKFAST_AS_FLASK"] = "1"
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(DRIVER), mode],
        capture_output=True,
        text=True,
        env=env,
        cwd=HERE,
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["flask_is_flaskfast"] is True
    assert out["index"] == [200, "<p><b>hi</b> &lt;you&gt;</p>"]
    assert out["cookie"] == "oldsession"
    assert out["visits_cookie_kept"] == 200
    # JSON_SORT_KEYS = False keeps insertion order; the encoder formats dates.
    assert out["data"] == (
        '{"zebra":1,"apple":"2017-01-02","db":true,"setup":1,"xhr":true,'
        '"id":"00000000-0000-0000-0000-000000000001"}\n'
    )
    assert out["download"] == ["report", "attachment; filename=report.txt", 60]
    assert out["escape"] == 404
    assert out["inside"] == "/srv/files/a.txt"
    assert out["static"] == "/assets/a.css"
    assert out["setup"] == 1
    assert out["warnings"] == ["DeprecationWarning"]
    assert out["warned"] >= 10
