"""The largest import cycle of a package, counting every import a module runs
(at module level or inside functions), not those under ``TYPE_CHECKING``.

Usage::

    python ci/import_cycles.py            # flaskfast and, if installed, Flask
    python ci/import_cycles.py --check    # exit 1 if flaskfast's is larger

Imports are read from the source (``ast``), so lazy imports inside functions
count: they still make the modules depend on each other at run time.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import sys
from pathlib import Path


def _modules(package: str) -> dict[str, Path]:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"import_cycles: package {package!r} not found")
    root = Path(next(iter(spec.submodule_search_locations)))
    found: dict[str, Path] = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join([package, *parts])] = path
    return found


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(
    name: str, path: Path, modules: dict[str, Path], top_level: bool
) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"
    base = name.split(".") if is_package else name.split(".")[:-1]
    out: set[str] = set()

    def add(target: str) -> None:
        # The module itself, else the nearest enclosing package that exists.
        while target and target not in modules:
            target = target.rpartition(".")[0]
        if target and target != name:
            out.add(target)

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _type_checking(child):
                for other in child.orelse:
                    visit(other)
                continue
            if isinstance(child, ast.Import):
                for alias in child.names:
                    add(alias.name)
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    parent = base[: len(base) - child.level + 1]
                    module = ".".join(parent + ([child.module] if child.module else []))
                else:
                    module = child.module or ""
                for alias in child.names:
                    full = f"{module}.{alias.name}"
                    add(full if full in modules else module)
            if top_level and isinstance(
                child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
            ):
                continue
            visit(child)

    visit(tree)
    return out


def largest_cycle(package: str, top_level: bool = False) -> list[str]:
    """The modules of the largest strongly connected component of
    ``package``'s import graph (one module alone is not a cycle); with
    ``top_level``, only the imports made when the modules are imported."""
    modules = _modules(package)
    graph = {
        name: _imports(name, path, modules, top_level) for name, path in modules.items()
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    best: list[str] = []
    counter = 0

    def strongconnect(v: str) -> None:
        nonlocal counter, best
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                strongconnect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1 and len(component) > len(best):
                best = sorted(component)

    sys.setrecursionlimit(10_000)
    for v in graph:
        if v not in index:
            strongconnect(v)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    failed = False
    for top_level, what in ((True, "at import"), (False, "with lazy imports")):
        ours = largest_cycle("flaskfast", top_level)
        print(f"flaskfast, {what}: largest cycle {len(ours)}: {', '.join(ours)}")
        if importlib.util.find_spec("flask") is None:
            continue
        theirs = largest_cycle("flask", top_level)
        print(f"flask,     {what}: largest cycle {len(theirs)}: {', '.join(theirs)}")
        failed = failed or len(ours) > len(theirs)
    if args.check and failed:
        print("import_cycles: flaskfast has a larger import cycle than Flask")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
