"""The older API reached through ``flask`` once flaskfast is installed as
``flask`` (by :func:`flaskfast.install_as_flask` or by ``FLASKFAST_AS_FLASK=1``):
each use gives what the same use gives through ``flaskfast`` (value and
warning), and exactly one DeprecationWarning, pointing at the user's line.

Each mode is a fresh interpreter (``import flask`` is decided per process),
which runs every case twice, once with ``flask`` and once with ``flaskfast``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from _processes import check_python
from _processes import child_env

# name -> code run with {m} replaced by "flask" or "flaskfast"; it sets `result`.
CASES = {
    "flask.escape": "import {m}\nresult = {m}.escape('<b>')",
    "from flask import escape": "from {m} import escape\nresult = escape is markupsafe.escape",
    "flask.Markup": "import {m}\nresult = {m}.Markup('<i>x</i> y').striptags()",
    "flask.safe_join": "import {m}\nresult = {m}.safe_join('/srv', 'a', 'b')",
    "flask._app_ctx_stack.top": (
        "import {m}\n"
        "app = {m}.Flask('a')\n"
        "with app.app_context() as ctx:\n"
        "    stack = {m}._app_ctx_stack\n"
        "    result = [stack.top is ctx]\n"
        "result.append(stack.top)"
    ),
    "flask.globals._request_ctx_stack.top": (
        "import {m}.globals\n"
        "app = {m}.Flask('a')\n"
        "with app.test_request_context('/p') as ctx:\n"
        "    result = {m}.globals._request_ctx_stack.top.request.path"
    ),
    "flask.signals.signals_available": "import {m}.signals\nresult = {m}.signals.signals_available",
    "flask.helpers.get_env": "import {m}.helpers\nresult = {m}.helpers.get_env()",
    "flask.json.JSONEncoder()": (
        "import {m}.json\n"
        "enc = {m}.json.JSONEncoder()\n"
        "result = enc.encode({'u': uuid.UUID(int=1)})"
    ),
    "subclassing flask.json.JSONEncoder": (
        "import {m}.json\n"
        "class Enc({m}.json.JSONEncoder):\n"
        "    pass\n"
        "result = Enc().encode([1])"
    ),
    "flask.json.htmlsafe_dumps": "import {m}.json\nresult = str({m}.json.htmlsafe_dumps('<a>'))",
    "from flask.ext import": "from {m}.ext import asflaskdemo\nresult = asflaskdemo.VALUE",
    "import flask.ext.x": "import {m}.ext.asflaskold\nresult = {m}.ext.asflaskold.VALUE",
    "import flask.scaffold": "import {m}.scaffold\nresult = {m}.scaffold.Scaffold.__name__",
    "from flask.scaffold import": (
        "from {m}.scaffold import setupmethod\nresult = setupmethod.__name__"
    ),
    "app.before_first_request": (
        "import {m}\n"
        "app = {m}.Flask('a')\n"
        "calls = []\n"
        "app.before_first_request(lambda: calls.append(1))\n"
        "app.test_client().get('/')\n"
        "app.test_client().get('/')\n"
        "result = calls"
    ),
    "blueprint.before_app_first_request": (
        "import {m}\n"
        "bp = {m}.Blueprint('bp', 'a')\n"
        "calls = []\n"
        "bp.before_app_first_request(lambda: calls.append(1))\n"
        "app = {m}.Flask('a')\n"
        "app.register_blueprint(bp)\n"
        "app.test_client().get('/')\n"
        "result = calls"
    ),
    "send_file(attachment_filename=...)": (
        "import io, {m}\n"
        "app = {m}.Flask('a')\n"
        "with app.test_request_context():\n"
        "    rv = {m}.send_file(io.BytesIO(b'x'), mimetype='text/plain',\n"
        "                       as_attachment=True, attachment_filename='r.txt')\n"
        "    result = rv.headers['Content-Disposition']"
    ),
    "app.env": "import {m}\nresult = {m}.Flask('a').env",
    "config JSON_SORT_KEYS": (
        "import {m}\n"
        "app = {m}.Flask('a')\n"
        "app.config['JSON_SORT_KEYS'] = False\n"
        "with app.app_context():\n"
        "    result = {m}.json.dumps({'b': 1, 'a': 2})"
    ),
}

DRIVER = """
import json, sys, uuid, warnings
import markupsafe

if sys.argv[1] == "install":
    import flaskfast
    flaskfast.install_as_flask()
import flask
import flaskfast

cases = json.loads(sys.argv[2])
out = {"flask_is_flaskfast": flask.Flask is flaskfast.Flask,
       "package": type(sys.modules["flask"]).__name__, "cases": {}}
for name, code in cases.items():
    out["cases"][name] = runs = {}
    for module in ("flask", "flaskfast"):
        # A fresh extension module per run, so that both runs import it.
        for key in [k for k in sys.modules if k.endswith((".asflaskdemo", ".asflaskold"))]:
            del sys.modules[key]
        for package in (flaskfast.ext, ) if "flaskfast.ext" in sys.modules else ():
            for attr in ("asflaskdemo", "asflaskold"):
                package.__dict__.pop(attr, None)
        namespace = {"markupsafe": markupsafe, "uuid": uuid}
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            exec(compile(code.replace("{m}", module), "case.py", "exec"), namespace)
        runs[module] = {
            "result": repr(namespace["result"]),
            "warnings": [[w.category.__name__, str(w.message), w.filename] for w in caught],
        }
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def extensions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with ``flask_asflaskdemo`` and ``flaskext.asflaskold``."""
    folder = tmp_path_factory.mktemp("extensions")
    (folder / "flask_asflaskdemo.py").write_text("VALUE = 1\n")
    (folder / "flaskext").mkdir()
    (folder / "flaskext" / "__init__.py").write_text("")
    (folder / "flaskext" / "asflaskold.py").write_text("VALUE = 2\n")
    return folder


def _run_cases(mode: str, extensions: Path) -> dict:
    env = child_env()
    env.pop("FLASK_ENV", None)  # it would add a warning to every Flask()
    env["PYTHONPATH"] = f"{extensions}:{env['PYTHONPATH']}"
    if mode == "env":
        env["FLASKFAST_AS_FLASK"] = "1"
    out = check_python(DRIVER, env=env, args=(mode, json.dumps(CASES)))
    return json.loads(out)


@pytest.mark.parametrize("mode", ["install", "env"], ids=["install_as_flask", "FLASKFAST_AS_FLASK"])
def test_legacy_names_through_flask(mode: str, extensions: Path) -> None:
    out = _run_cases(mode, extensions)
    assert out["flask_is_flaskfast"] is True
    assert out["package"] == "FlaskPackage"
    assert set(out["cases"]) == set(CASES)
    for name, runs in out["cases"].items():
        through_flask, through_flaskfast = runs["flask"], runs["flaskfast"]
        # The same value and the same warning as through flaskfast ...
        assert through_flask == through_flaskfast, name
        # ... which is exactly one DeprecationWarning, in Flask's names.
        warned = through_flask["warnings"]
        assert len(warned) == 1, (name, warned)
        category, message, filename = warned[0]
        assert category == "DeprecationWarning", (name, message)
        assert "flaskfast." not in message, (name, message)
        assert filename == "case.py", (name, filename)
