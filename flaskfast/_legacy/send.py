"""The keyword names ``send_file`` and ``send_from_directory`` had before
Flask 2.0 (``filename_or_fp``, ``attachment_filename``, ``cache_timeout``,
``add_etags``, and ``filename`` for ``send_from_directory``).

:func:`flaskfast._legacy.accept_old_keywords` wraps the public helpers; a
call without an old keyword goes straight through, one with an old keyword
goes through :func:`rename_old_keywords`.  The defaults of Flask 2.0+
(``conditional=True``, no max age) are not changed back (limit 9): pass
``conditional=False`` / ``max_age=43200`` to get the 0.12 behaviour.
"""

from __future__ import annotations

import typing as t

from .warn import deprecated

# old keyword -> new keyword (send_file and the options of send_from_directory)
SEND_FILE_RENAMES = {
    "filename_or_fp": "path_or_file",
    "attachment_filename": "download_name",
    "cache_timeout": "max_age",
    "add_etags": "etag",
}
# send_from_directory's: send_file's and its own ``filename`` (now ``path``).
FROM_DIRECTORY_RENAMES = {**SEND_FILE_RENAMES, "filename": "path"}


def rename_keywords(
    function: str, kwargs: dict[str, t.Any], renames: dict[str, str]
) -> dict[str, t.Any]:
    """``kwargs`` with the old names in ``renames`` replaced, one warning per
    old name; :exc:`TypeError` when both spellings are given."""
    for old, new in renames.items():
        if old not in kwargs:
            continue
        if new in kwargs:
            raise TypeError(
                f"{function}() got both {old!r} (the pre-2.0 name) and {new!r};"
                f" pass only {new!r}."
            )
        deprecated(f"{function}({old}=...)", f"{function}({new}=...)")
        kwargs[new] = kwargs.pop(old)
    return kwargs


def rename_old_keywords(function: str, kwargs: dict[str, t.Any]) -> dict[str, t.Any]:
    """``kwargs`` of a call of ``send_file`` or ``send_from_directory``
    (named by ``function``) with the pre-2.0 names renamed."""
    renames = FROM_DIRECTORY_RENAMES if function == "send_from_directory" else SEND_FILE_RENAMES
    return rename_keywords(function, kwargs, renames)
