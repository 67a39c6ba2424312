"""Our packages import each other in one direction, and no module imports itself back.

The graph is read from the source with :mod:`ast`, nothing imported.  Two graphs: the imports
that run when a module is loaded (at module level, in classes, ``try`` and ``if`` blocks too,
not inside functions nor under ``if TYPE_CHECKING:``), and every import wherever it is
written.  Neither may hold a cycle; the layers are checked on the second.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

#: Our top-level packages and what each may import of ours besides itself.
LAYERS: dict[str, set[str]] = {
    "aggregates": set(),
    "projections": {"aggregates"},
    "workers": {"aggregates", "projections"},
    "service": {"aggregates", "projections", "workers"},
}


def module_name(path: Path) -> str:
    """``service/http/auth.py`` -> ``service.http.auth``; a package is its ``__init__``."""
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, ast.Module]:
    """Every module of our packages, parsed."""
    found = {}
    for package in LAYERS:
        for path in sorted((REPO / package).rglob("*.py")):
            found[module_name(path)] = ast.parse(path.read_text(encoding="utf-8"), str(path))
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(nodes: list[ast.stmt], loading_only: bool) -> Iterator[ast.Import | ast.ImportFrom]:
    """Import statements among ``nodes``; with ``loading_only``, those run at load time."""
    for node in nodes:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            if not loading_only:
                yield from _imports(node.body, loading_only)
        elif isinstance(node, ast.If) and loading_only and _is_type_checking(node):
            yield from _imports(node.orelse, loading_only)
        else:
            for field in ("body", "orelse", "finalbody", "handlers", "cases"):
                children = getattr(node, field, None)
                if isinstance(children, list):
                    yield from _imports(
                        [c for c in children if isinstance(c, ast.stmt | ast.excepthandler)],
                        loading_only,
                    )


def _targets(node: ast.Import | ast.ImportFrom, known: set[str], here: str) -> Iterator[str]:
    """The modules of ours an import statement loads (a name may be a submodule)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            anchor = here.split(".")[: len(here.split(".")) - node.level + 1]
            base = ".".join([*anchor[:-1], base] if base else anchor[:-1])
        names = [
            f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
            for alias in node.names
        ]
    for name in names:
        if name.split(".")[0] in LAYERS:
            yield name


def graph(loading_only: bool) -> dict[str, set[str]]:
    """Module -> the modules of ours it imports."""
    parsed = modules()
    known = set(parsed)
    return {
        name: {
            target
            for node in _imports(tree.body, loading_only)
            for target in _targets(node, known, name)
            if target != name
        }
        for name, tree in parsed.items()
    }


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each strongly connected group of modules (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return groups


def test_the_graph_holds_every_module_and_its_imports() -> None:
    edges = graph(loading_only=True)
    assert len(edges) > 100
    assert "aggregates.errors" in edges["aggregates.store.district"]
    assert "workers.runtime" in edges["service.app"]  # edges across layers are seen


def test_no_import_cycle_when_modules_load() -> None:
    found = cycles(graph(loading_only=True))
    assert not found, "import cycles:\n" + "\n".join(" <-> ".join(group) for group in found)


def test_no_import_cycle_even_through_deferred_imports() -> None:
    """An import moved into a function or under ``TYPE_CHECKING`` hides a cycle, not removes it."""
    found = cycles(graph(loading_only=False))
    assert not found, "import cycles:\n" + "\n".join(" <-> ".join(group) for group in found)


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_imports_under_type_checking_and_in_functions_do_not_load() -> None:
    tree = ast.parse(
        "from typing import TYPE_CHECKING\n"
        "import service.app\n"
        "if TYPE_CHECKING:\n    import aggregates.errors\n"
        "def f():\n    import projections.engine.lag\n"
    )
    loaded = [t for n in _imports(tree.body, True) for t in _targets(n, set(), "x")]
    written = [t for n in _imports(tree.body, False) for t in _targets(n, set(), "x")]
    assert loaded == ["service.app"]
    assert written == ["service.app", "aggregates.errors", "projections.engine.lag"]


def test_each_layer_imports_only_the_layers_beneath_it() -> None:
    wrong = [
        f"{module} imports {target}"
        for module, targets in graph(loading_only=False).items()
        for target in sorted(targets)
        if target.split(".")[0] not in LAYERS[module.split(".")[0]] | {module.split(".")[0]}
    ]
    assert not wrong, "\n".join(wrong)


#: What only the district's store (``aggregates/store/``) may use in aggregates/: the
#: library's application layer, SQL drivers, the web and task frameworks, the environment.
INFRASTRUCTURE = (
    "eventsourcing.application",
    "psycopg",
    "sqlite3",
    "flask",
    "celery",
    "os.environ",
)


def _infrastructure(tree: ast.Module) -> set[str]:
    """The infrastructure a module reaches for: imports anywhere in it, and ``os.environ``."""
    used: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            used |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level:
            used |= {node.module or ""} | {f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            used.add(f"{node.value.id}.{node.attr}")
    return {
        name
        for name in used
        for banned in INFRASTRUCTURE
        if name == banned or name.startswith(f"{banned}.")
    }


def test_only_the_store_of_aggregates_uses_infrastructure() -> None:
    """The domain imports ``eventsourcing.domain``, not the application layer, drivers,
    Flask, Celery or the environment: those are the store's (issue 13)."""
    wrong = [
        f"{name} uses {', '.join(sorted(used))}"
        for name, tree in modules().items()
        if name.startswith("aggregates.") and not name.startswith("aggregates.store")
        for used in [_infrastructure(tree)]
        if used
    ]
    assert not wrong, "\n".join(wrong)
    assert "eventsourcing.application" in _infrastructure(modules()["aggregates.store.district"])


def test_the_infrastructure_check_sees_each_kind_of_use() -> None:
    tree = ast.parse(
        "import os\nimport psycopg.rows\nfrom celery import Celery\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from eventsourcing.application import Application\n"
        "def f():\n    import sqlite3\n    from flask import g\n    return os.environ['X']\n"
    )
    assert _infrastructure(tree) == {
        "os.environ",
        "psycopg.rows",
        "celery",
        "celery.Celery",
        "eventsourcing.application",
        "eventsourcing.application.Application",
        "sqlite3",
        "flask",
        "flask.g",
    }
