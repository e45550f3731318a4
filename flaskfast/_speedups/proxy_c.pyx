# cython: language_level=3
"""Context proxy kernel, compiled twin of ``proxy_py`` (which is the spec).

Same functions, same answers, same exceptions.  Differences in *how*: an
exact ``ContextVar`` is read with the C API, and the functions run without
Python frames (each ``request.x`` or ``session[k]`` in a view or template
goes through one of them).
"""

from cpython.contextvars cimport PyContextVar_CheckExact
from cpython.contextvars cimport PyContextVar_Get
from cpython.object cimport PyObject
from cpython.ref cimport Py_DECREF

__all__ = ["configure", "contains", "current", "getattribute", "getitem", "setattr_", "setitem"]

cdef frozenset _own_names = frozenset()
cdef object _state_of = None
cdef object _failed = None
cdef object _object_getattribute = object.__getattribute__


def configure(own_names, state_of, failed_lookup):
    """See ``proxy_py.configure``."""
    global _own_names, _state_of, _failed
    _own_names = frozenset(own_names)
    _state_of = state_of
    _failed = failed_lookup


cdef inline object _value(object var, object message):
    # var.get(), or RuntimeError(message) when the variable has no value.
    cdef PyObject* value = NULL
    if PyContextVar_CheckExact(var):
        PyContextVar_Get(var, NULL, &value)
        if value is NULL:
            raise RuntimeError(message) from None
        result = <object>value
        Py_DECREF(result)  # PyContextVar_Get gave a new reference
        return result
    try:
        return var.get()
    except LookupError:
        raise RuntimeError(message) from None


cdef inline object _current(object proxy):
    cdef tuple state = _state_of(proxy)
    var, attr, message = state
    obj = _value(var, message)
    return obj if attr is None else getattr(obj, attr)


def current(proxy):
    """See ``proxy_py.current``."""
    return _current(proxy)


def getattribute(self, name):
    """See ``proxy_py.getattribute``."""
    if name in _own_names:
        return _object_getattribute(self, name)
    cdef tuple state = _state_of(self)
    var, attr, message = state
    obj = _value(var, message)
    if attr is not None:
        obj = getattr(obj, attr)
    try:
        return getattr(obj, name)
    except AttributeError as e:
        _failed.value = (self, name, e)
        raise


def setattr_(self, name, value):
    """See ``proxy_py.setattr_``."""
    setattr(_current(self), name, value)


def getitem(self, key):
    """See ``proxy_py.getitem``."""
    return _current(self)[key]


def setitem(self, key, value):
    """See ``proxy_py.setitem``."""
    _current(self)[key] = value


def contains(self, key):
    """See ``proxy_py.contains``."""
    return key in _current(self)
