"""JSON helpers that follow the current app's ``app.json`` provider.

Inside an application context every function here delegates to
``current_app.json``. Outside one, :func:`dumps`/:func:`dump` use the standard
library with :func:`~flaskfast.json.provider._default` for the extra types,
and :func:`loads`/:func:`load` are plain :func:`json.loads`/:func:`json.load`.
"""

from __future__ import annotations

import json as _json
import sys
import typing as t

from .._speedups import pipeline as _pipeline
from ..globals import _cv_app
from ..globals import current_app as current_app
from .provider import _default as _default
from .provider import DefaultJSONProvider as _DefaultJSONProvider

if t.TYPE_CHECKING:  # pragma: no cover
    from ..wrappers import Response


def dumps(obj: t.Any, **kwargs: t.Any) -> str:
    """Serialize ``obj`` to a JSON string (see the module docstring)."""
    # PERF: read the context variable directly instead of truth-testing the
    # ``current_app`` proxy (timeit: 0.07us vs 0.84us per check).
    ctx = _cv_app.get(None)
    if ctx is not None:
        text: str = ctx.app.json.dumps(obj, **kwargs)
        return text
    kwargs.setdefault("default", _default)
    return _json.dumps(obj, **kwargs)


def dump(obj: t.Any, fp: t.IO[str], **kwargs: t.Any) -> None:
    """Serialize ``obj`` and write it to the text file ``fp``."""
    ctx = _cv_app.get(None)
    if ctx is not None:
        ctx.app.json.dump(obj, fp, **kwargs)
        return
    kwargs.setdefault("default", _default)
    _json.dump(obj, fp, **kwargs)


def loads(s: str | bytes, **kwargs: t.Any) -> t.Any:
    """Parse a JSON document from a string or bytes."""
    ctx = _cv_app.get(None)
    if ctx is not None:
        return ctx.app.json.loads(s, **kwargs)
    return _json.loads(s, **kwargs)


def _plain_loads(module: t.Any) -> t.Callable[[t.Any], t.Any] | None:
    """The standard library's ``json.loads`` when ``module.loads(s)`` would
    only hand ``s`` to it: ``module`` (a request's ``json_module``) is a
    provider parsing with the stock :class:`DefaultJSONProvider` method, or
    this package while the current app's provider does; ``None`` otherwise."""
    # PERF: request.get_json calls the parser directly instead of through
    # this module and the provider (bench: json_post).
    if module is _this_module:
        if module.loads is not loads:
            return None
        ctx = _cv_app.get(None)
        if ctx is None:
            return None
        module = ctx.app.json
    if (
        getattr(type(module), "loads", None) is not _DEFAULT_LOADS
        or "loads" in getattr(module, "__dict__", ())
    ):
        return None
    if _json.loads is _STDLIB_LOADS:
        return _loads_document
    return _json.loads


def _loads_document(data: t.Any) -> t.Any:
    """``json.loads(data)`` (the standard library's, unpatched)."""
    # PERF: a UTF-8 body holding an object or array goes straight to the
    # standard library's scanner, skipping json.loads' encoding detection and
    # JSONDecoder.decode's Python frames (~2.1us -> ~0.7us; bench:
    # json_post). Anything unusual, including every error, is handed to
    # json.loads itself.
    if type(data) is bytes and len(data) > 1 and data[1] and data[0] in _OPENERS:
        # A first byte of "{" or "[" and a non-zero second byte: json.loads
        # would detect UTF-8 (no BOM, no UTF-16/32 zero pattern).
        try:
            text = data.decode("utf-8", "surrogatepass")
            value, end = _scan_once(text, 0)
        except (ValueError, StopIteration):
            pass
        else:
            if end == len(text) or not text[end:].strip(" \t\n\r"):
                return value
    return _json.loads(data)


def load(fp: t.IO[t.AnyStr], **kwargs: t.Any) -> t.Any:
    """Parse a JSON document read from the file ``fp``."""
    ctx = _cv_app.get(None)
    if ctx is not None:
        return ctx.app.json.load(fp, **kwargs)
    return _json.load(fp, **kwargs)


# PERF: compiled with the request pipeline (bench: te/json).
jsonify = _pipeline.jsonify
jsonify.__module__ = __name__


_this_module = sys.modules[__name__]
_DEFAULT_LOADS = _DefaultJSONProvider.loads
_STDLIB_LOADS = _json.loads
# The scanner json.loads uses when called without options; it keeps no state
# between documents.
_scan_once: t.Callable[[str, int], tuple[t.Any, int]] = getattr(
    _json.JSONDecoder(), "scan_once"
)
_OPENERS = frozenset(b"{[")


def __getattr__(name: str) -> t.Any:
    if name.startswith("__"):
        # Dunder probes (``__path__`` by every ``from module import``)
        # never name the older API.
        raise AttributeError(name)
    # Names of the older Flask API (see flaskfast._legacy.names).
    from .._legacy.names import lookup

    return lookup("flaskfast.json", name)
