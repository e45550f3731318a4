"""The compatibility layer for code written for Flask 0.11 - 2.2.

Each module holds one concept of the older API (see ``LEGACY_API.md`` of
the project for the table it implements): module-level names
(:mod:`.names`), JSON (:mod:`.json`), the app object (:mod:`.app`,
:mod:`.first_request`, :mod:`.sessions`), configuration (:mod:`.config`),
requests (:mod:`.request`), error handlers (:mod:`.errors`), file sending
(:mod:`.send`), the CLI (:mod:`.cli`) and ``flask.ext`` (:mod:`.ext`).

The rule every module follows: code that uses none of the older API sees no
warning, no difference and no extra work per request; each use of an old
name warns once with the Flask 3.1 replacement; where the old behaviour
cannot be restored without changing what Flask 3.1 code relies on, the old
spelling warns or raises saying what to write instead.  The opt-ins live in
:mod:`flaskfast.legacy`.
"""

from __future__ import annotations
