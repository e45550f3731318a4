"""gunicorn configuration for ``make scale-demo``: every response names its backend.

Loaded with ``gunicorn -c ci/scale_demo_hooks.py ...``. The ``post_worker_init``
server hook wraps the worker's WSGI callable, whatever ``--app`` is, in
:class:`BackendHeader`, which adds ``X-Backend: <name> pid <worker pid>`` to
every response; ``<name>`` is ``$SCALE_DEMO_BACKEND`` (``ci/scale_demo.py``
sets ``backend-1`` / ``backend-2``). The application itself is not changed.
"""

from __future__ import annotations

import os
import typing as t

HEADER = "X-Backend"

StartResponse = t.Callable[..., t.Any]


class BackendHeader:
    """WSGI middleware: ``app``'s responses with ``X-Backend: <label>`` added."""

    def __init__(self, app: t.Callable[[dict[str, t.Any], StartResponse], t.Iterable[bytes]], label: str) -> None:
        self.app = app
        self.label = label

    def __call__(self, environ: dict[str, t.Any], start_response: StartResponse) -> t.Iterable[bytes]:
        def start(status: str, headers: list[tuple[str, str]], exc_info: t.Any = None) -> t.Any:
            return start_response(status, [*headers, (HEADER, self.label)], exc_info)

        return self.app(environ, start)


def post_worker_init(worker: t.Any) -> None:
    """gunicorn hook, run in each worker after it loaded the app and before it serves."""
    name = os.environ.get("SCALE_DEMO_BACKEND", "backend")
    worker.wsgi = BackendHeader(worker.wsgi, f"{name} pid {os.getpid()}")
