"""The opt-in request class whose ``get_json()`` returns ``None`` for a
body not declared as JSON, as Flask 0.12 did (limit 6)."""

from __future__ import annotations

import typing as t

from ..wrappers import Request


class LegacyJSONRequest(Request):
    """Opt-in request class (limit 6): ``get_json()`` and ``request.json``
    return ``None`` when the body is not declared as JSON, instead of
    answering 415, as in Flask 0.12.  Malformed JSON still gives 400.

    Use ``app.request_class = LegacyJSONRequest``, or call
    ``request.get_json(silent=True)`` in new code."""

    def get_json(
        self, force: bool = False, silent: bool = False, cache: bool = True
    ) -> t.Any | None:
        if not (force or self.is_json):
            return None
        return super().get_json(force=force, silent=silent, cache=cache)
