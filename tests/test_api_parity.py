"""Every public name of each Flask 3.1.3 module exists in the flaskfast twin.

"Public" follows the rule type checkers apply to a module (PEP 484, mypy
``--strict``): a name the module defines at top level (def, class, assignment)
or re-exports explicitly with ``import x as x`` / ``from m import x as x``,
and that does not start with an underscore. Names a module merely imports for
its own use (``os``, ``t``, ``timedelta`` ...) are implementation details.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import types

import pytest

MODULES = [
    "",
    ".app",
    ".blueprints",
    ".config",
    ".ctx",
    ".debughelpers",
    ".globals",
    ".helpers",
    ".json",
    ".json.provider",
    ".json.tag",
    ".logging",
    ".sessions",
    ".signals",
    ".templating",
    ".testing",
    ".typing",
    ".views",
    ".wrappers",
    ".sansio.app",
    ".sansio.blueprints",
    ".sansio.scaffold",
    ".cli",
]


def _real_flask(suffix: str) -> types.ModuleType:
    module = importlib.import_module("flask" + suffix)
    if module.__name__.startswith("flaskfast"):  # pragma: no cover
        pytest.fail(
            "`flask` resolves to flaskfast in this process (install_as_flask() was"
            " called); the parity test needs the real Flask 3.1.3"
        )
    return module


def _is_type_checking_guard(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _bound_names(body: list[ast.stmt]) -> set[str]:
    names: set[str] = set()
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                names.update(
                    n.id for n in ast.walk(target) if isinstance(n, ast.Name)
                )
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            if isinstance(node.target, ast.Name):
                names.add(node.target.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                # Only the explicit re-export form counts: `import x as x`.
                if alias.asname and alias.asname == alias.name.rsplit(".", 1)[-1]:
                    names.add(alias.asname)
        elif isinstance(node, ast.If) and not _is_type_checking_guard(node):
            names |= _bound_names(node.body) | _bound_names(node.orelse)
        elif isinstance(node, ast.Try):
            names |= _bound_names(node.body)
            for handler in node.handlers:
                names |= _bound_names(handler.body)
            names |= _bound_names(node.orelse) | _bound_names(node.finalbody)
    return names


def public_names(module: types.ModuleType) -> set[str]:
    """The module's public API as defined in this file's docstring."""
    declared = _bound_names(ast.parse(inspect.getsource(module)).body)
    present = set(vars(module))
    return {name for name in declared & present if not name.startswith("_")}


@pytest.mark.parametrize("suffix", MODULES, ids=[f"flask{m}" for m in MODULES])
def test_public_names_exist(suffix: str) -> None:
    flask_module = _real_flask(suffix)
    expected = public_names(flask_module)
    assert expected, f"no public names found in flask{suffix}; the parser is wrong"

    ours = importlib.import_module("flaskfast" + suffix)
    missing = sorted(name for name in expected if not hasattr(ours, name))
    assert not missing, (
        f"flaskfast{suffix} lacks {len(missing)} public name(s) of flask{suffix}: "
        + ", ".join(missing)
    )
