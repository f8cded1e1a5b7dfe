"""The package's shape: stages import each other without cycles, click stays in
cli.py, and only the collection layer imports Anki (lazily)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "ankigen"


def _modules() -> dict[str, ast.Module]:
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = ast.parse(path.read_text(encoding="utf-8"))
    return modules


def _imports(name: str, tree: ast.Module, *, top_level: bool) -> set[str]:
    """Absolute names of the modules ``name`` imports (at module level only, if asked)."""
    is_package = name in {"ankigen"} or (PACKAGE.parent / name.replace(".", "/")).is_dir()
    package = name if is_package else name.rpartition(".")[0]
    nodes = tree.body if top_level else list(ast.walk(tree))
    found = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                found.add(".".join([*base, *([node.module] if node.module else [])]))
            else:
                found.add(node.module or "")
    return found


def test_no_import_cycles() -> None:
    """Counting imports inside functions too: deferring one hides a cycle, not removes it."""
    modules = _modules()

    def own(target: str) -> str | None:
        while target and target not in modules:
            target = target.rpartition(".")[0]
        return target or None

    graph = {
        name: {own(t) for t in _imports(name, tree, top_level=False)} - {None, name}
        for name, tree in modules.items()
    }
    cycles = []

    def visit(name: str, path: list[str], done: set[str]) -> None:
        if name in path:
            cycles.append([*path[path.index(name) :], name])
            return
        if name in done:
            return
        done.add(name)
        for dep in sorted(graph[name]):  # type: ignore[type-var]
            visit(dep, [*path, name], done)

    done: set[str] = set()
    for name in sorted(graph):
        visit(name, [], done)
    assert cycles == []


def test_only_cli_knows_click_and_only_the_collection_layer_knows_anki() -> None:
    for name, tree in _modules().items():
        imported = {t.partition(".")[0] for t in _imports(name, tree, top_level=False)}
        if "click" in imported:
            assert name == "ankigen.cli", name
        if imported & {"anki", "aqt"}:
            assert name.startswith("ankigen.collection"), name
            top = {t.partition(".")[0] for t in _imports(name, tree, top_level=True)}
            assert not top & {"anki", "aqt"}, f"{name} must import anki lazily"
