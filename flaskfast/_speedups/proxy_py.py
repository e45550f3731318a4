"""Attribute and item access through flaskfast's context proxies
(``request``, ``session``, ``g``, ``current_app`` ... in
:mod:`flaskfast.globals`), the readable spec for ``proxy_c.pyx``.

A proxy stands for the value of a context variable, or one attribute of
that value; its state is ``(var, attr, unbound_message)``, read with the
``state_of`` function given to :func:`configure`.  The functions here are
the proxy class's ``__getattribute__``, ``__setattr__``, ``__getitem__``,
``__setitem__`` and ``__contains__``; :func:`current` is the object a proxy
stands for.  Unbound (no value in the variable): ``RuntimeError`` with the
proxy's message.

Imports nothing of flaskfast.
"""

from __future__ import annotations

import typing as t

__all__ = ["configure", "contains", "current", "getattribute", "getitem", "setattr_", "setitem"]

_own_names: frozenset[str] = frozenset()
_state_of: t.Any = None
_failed: t.Any = None
_object_getattribute = object.__getattribute__


def configure(own_names: t.Iterable[str], state_of: t.Any, failed_lookup: t.Any) -> None:
    """Name the proxy class's own attribute names (resolved on the proxy
    itself), the reader of a proxy's state and the thread-local object on
    which a failed attribute lookup is left for ``__getattr__``."""
    global _own_names, _state_of, _failed
    _own_names = frozenset(own_names)
    _state_of = state_of
    _failed = failed_lookup


def current(proxy: t.Any) -> t.Any:
    """The object ``proxy`` stands for; ``RuntimeError`` when unbound."""
    var, attr, message = _state_of(proxy)
    try:
        obj = var.get()
    except LookupError:
        raise RuntimeError(message) from None
    return obj if attr is None else getattr(obj, attr)


def getattribute(self: t.Any, name: str) -> t.Any:
    """``proxy.name``: the proxy's own attributes on the proxy, any other
    name on the object it stands for.  A failed lookup is left on the
    thread-local object, so that ``__getattr__`` (which Python calls next)
    re-raises it instead of looking the name up a second time."""
    if name in _own_names:
        return _object_getattribute(self, name)
    var, attr, message = _state_of(self)
    try:
        obj = var.get()
    except LookupError:
        raise RuntimeError(message) from None
    if attr is not None:
        obj = getattr(obj, attr)
    try:
        return getattr(obj, name)
    except AttributeError as e:
        _failed.value = (self, name, e)
        raise


def setattr_(self: t.Any, name: str, value: t.Any) -> None:
    """``proxy.name = value``: set on the object the proxy stands for."""
    setattr(current(self), name, value)


def getitem(self: t.Any, key: t.Any) -> t.Any:
    """``proxy[key]``."""
    return current(self)[key]


def setitem(self: t.Any, key: t.Any, value: t.Any) -> None:
    """``proxy[key] = value``."""
    current(self)[key] = value


def contains(self: t.Any, key: t.Any) -> bool:
    """``key in proxy``."""
    return key in current(self)
