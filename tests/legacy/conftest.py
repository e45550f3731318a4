"""Fixtures for the compatibility-layer tests: ``warns_once`` asserts that a
block raises exactly one DeprecationWarning (and no other warning)."""

from __future__ import annotations

import contextlib
import sys
import typing as t
import warnings

import pytest


@contextlib.contextmanager
def _warns_once(*fragments: str, at_caller: bool = True) -> t.Iterator[list[warnings.WarningMessage]]:
    # Frames: this generator <- contextlib's __enter__ <- the test.
    caller = sys._getframe(2).f_code.co_filename
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield caught
    messages = [f"{w.category.__name__}: {w.message}" for w in caught]
    assert len(caught) == 1, messages
    assert issubclass(caught[0].category, DeprecationWarning), messages
    text = str(caught[0].message)
    for fragment in fragments:
        assert fragment in text, (fragment, text)
    if at_caller:
        assert caught[0].filename == caller, (caught[0].filename, text)


@pytest.fixture
def warns_once() -> t.Callable[..., t.ContextManager[list[warnings.WarningMessage]]]:
    """``with warns_once("old name", "replacement"):`` - exactly one
    DeprecationWarning, whose message contains every fragment."""
    return _warns_once
