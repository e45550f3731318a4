"""WSGI entry of ``make scale-demo``: the benchmarks' realistic app on flaskfast.

``gunicorn scale_demo_realapp:app`` (with ``ci/`` on the path) serves
``bench/realapp`` (blueprints, templates, session login in
``bench/realapp/auth.py``) built on flaskfast, signing its session cookies with
``$SECRET_KEY``. Every backend must be given the same key so that a cookie
signed by one is accepted by the others; the demo generates one per run.

Each worker process builds its own copy of the app's seeded in-memory SQLite
database (the same users and items everywhere); a real deployment points every
backend at one shared database server instead.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import flaskfast  # noqa: E402
import realapp  # noqa: E402

secret_key = os.environ.get("SECRET_KEY", "")
if not secret_key:
    raise RuntimeError(
        "scale_demo_realapp: SECRET_KEY is not set; every backend must sign sessions with "
        "the same secret key (ci/scale_demo.py passes one to each backend)"
    )

app = realapp.create_app(flaskfast)
app.config["SECRET_KEY"] = secret_key
