"""The package's shape, read from its source with `ast`: no import cycle, no private names across modules, layers
that only import downwards (ARCHITECTURE.md), and a facade that never asks which backend it has."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from helpers import ROOT

SRC = ROOT / "src"
PACKAGE = SRC / "tracuu"

# Shared base modules: any layer may import them, and they import only each other.
BASE = {"tracuu.results", "tracuu.errors", "tracuu.citation", "tracuu.cut", "tracuu.version"}
# Which layers each layer may import (besides BASE). Written out rather than derived from an order, so that a
# change to the rules is a visible change here. qa/ reads an index through qa/source.py, never a backend.
ALLOWED = {
    "text": {"text"},
    "ingest": {"text", "ingest"},
    "retrieval": {"text", "ingest", "retrieval"},
    "backends": {"text", "ingest", "retrieval", "backends"},
    "qa": {"text", "ingest", "retrieval", "qa"},
    "top": {"text", "ingest", "retrieval", "backends", "qa", "top"},
    "base": set(),
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
TREES = {name: ast.parse(path.read_text(encoding="utf-8"), str(path)) for name, path in MODULES.items()}


def layer(module: str) -> str:
    if module in BASE:
        return "base"
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in ALLOWED) else "top"


def imports(module: str) -> list[tuple[str, list[str], int]]:
    """Every tracuu module `module` imports (at the top, in functions, under TYPE_CHECKING), with the names it takes
    from it and the line."""
    out = []
    package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(TREES[module]):
        if isinstance(node, ast.Import):
            out += [(a.name, [], node.lineno) for a in node.names if a.name.split(".")[0] == "tracuu"]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1] + ([base] if base else []))
            if base.split(".")[0] != "tracuu":
                continue
            taken = []
            for a in node.names:
                if f"{base}.{a.name}" in MODULES:  # `from tracuu.backends.embedded import builder`: a module
                    out.append((f"{base}.{a.name}", [], node.lineno))
                else:
                    taken.append(a.name)
            if taken:
                out.append((base, taken, node.lineno))
    return out


def test_every_module_is_seen():
    assert {"tracuu.index", "tracuu.backends.base", "tracuu.retrieval.filters", "tracuu.qa.quotes"} <= set(MODULES)
    assert all(target in MODULES for m in MODULES for target, _, _ in imports(m)), "an import names no module"


def test_no_import_cycle():
    graph = {m: {t for t, _, _ in imports(m) if t != m} for m in MODULES}
    # Tarjan's strongly connected components: any with more than one module is a cycle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(m: str) -> None:
        index[m] = low[m] = len(index)
        stack.append(m)
        for t in graph[m]:
            if t not in index:
                visit(t)
                low[m] = min(low[m], low[t])
            elif t in stack:
                low[m] = min(low[m], index[t])
        if low[m] == index[m]:
            component = []
            while True:
                t = stack.pop()
                component.append(t)
                if t == m:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for m in graph:
        if m not in index:
            visit(m)
    assert cycles == []


def test_no_module_imports_another_modules_private_name():
    found = [f"{m}:{line} takes {name} from {target}" for m in MODULES for target, names, line in imports(m)
             for name in names if name.startswith("_") and not name.startswith("__") and target != m]
    assert found == []


def private_names_defined(tree: ast.AST) -> set[str]:
    """Private functions, classes and attributes (`self._x = ...`) a module defines itself."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(node.name)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            out.add(node.attr)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            out.add(node.target.id)  # dataclass fields
    return {n for n in out if n.startswith("_")}


def test_no_module_reaches_into_another_modules_private_attributes():
    """`store._call.scan`, `old._backend`, `builder._Entry`: a private name of another module, read as an attribute."""
    found = []
    for m, tree in TREES.items():
        own = private_names_defined(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__") \
                    and node.attr not in own:
                found.append(f"{m}:{node.lineno} .{node.attr}")
    assert found == []


@pytest.mark.parametrize("module", sorted(MODULES))
def test_layers_import_only_downwards(module):
    mine = layer(module)
    wrong = [f"{target} (line {line})" for target, _, line in imports(module)
             if layer(target) != "base" and layer(target) not in ALLOWED[mine] | {mine} - {"base"}
             or mine == "base" and layer(target) != "base"]
    assert wrong == [], f"{module} ({mine}) imports {wrong}"


def test_layers_are_what_the_rules_say():
    assert layer("tracuu.text.analyzer") == "text" and layer("tracuu.backends.milvus.store") == "backends"
    assert layer("tracuu.index") == layer("tracuu.cli") == layer("tracuu") == layer("tracuu.evaluate") == "top"
    assert layer("tracuu.version") == "base"
    assert "backends" not in ALLOWED["retrieval"] and "qa" not in ALLOWED["backends"]


def test_the_facade_never_asks_which_backend_it_has():
    tree = TREES["tracuu.index"]
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id != "is_milvus", f"index.py:{node.lineno}"
            if node.func.id == "isinstance":
                kinds = {n.id for n in ast.walk(node.args[1]) if isinstance(n, ast.Name)}
                assert kinds <= {"str", "int", "float", "Path", "MetadataFilter"}, f"index.py:{node.lineno} {kinds}"
    concrete = [t for t, _, _ in imports("tracuu.index")
                if t.startswith(("tracuu.backends.embedded", "tracuu.backends.milvus"))]
    assert concrete == []
