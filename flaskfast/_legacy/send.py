"""The keyword names ``send_file`` and ``send_from_directory`` had before
Flask 2.0 (``filename_or_fp``, ``attachment_filename``, ``cache_timeout``,
``add_etags``, and ``filename`` for ``send_from_directory``).

:func:`accept_old_keywords` wraps the public helpers; a call without an old
keyword goes straight through.  The defaults of Flask 2.0+
(``conditional=True``, no max age) are not changed back (limit 9): pass
``conditional=False`` / ``max_age=43200`` to get the 0.12 behaviour.
"""

from __future__ import annotations

import functools
import typing as t

from .warn import deprecated

_F = t.TypeVar("_F", bound=t.Callable[..., t.Any])

# old keyword -> new keyword (send_file and the options of send_from_directory)
SEND_FILE_RENAMES = {
    "filename_or_fp": "path_or_file",
    "attachment_filename": "download_name",
    "cache_timeout": "max_age",
    "add_etags": "etag",
}
_OLD = frozenset(SEND_FILE_RENAMES) | {"filename"}


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
        deprecated(f"{function}({old}=...)", f"{function}({new}=...)", stacklevel=3)
        kwargs[new] = kwargs.pop(old)
    return kwargs


def accept_old_keywords(function: _F) -> _F:
    """Wrap ``send_file`` or ``send_from_directory`` so that the pre-2.0
    keyword names are renamed (with a warning).  The wrapper keeps the
    wrapped function's signature for introspection."""
    name = function.__name__
    renames = dict(SEND_FILE_RENAMES)
    if name == "send_from_directory":
        renames["filename"] = "path"

    @functools.wraps(function)
    def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
        if kwargs and not _OLD.isdisjoint(kwargs):
            kwargs = rename_keywords(name, kwargs, renames)
        return function(*args, **kwargs)

    return t.cast(_F, wrapper)
