"""Test set-up is written once: every fixture name is defined by one module of tests/, and
only tests/plugin.py builds the app.

A fixture redefined in a second module silently replaces the first for the tests below it,
so two tests asking for ``runtime`` could get different things; a second ``create_app`` call
is a second, slightly different copy of the set-up.  Shared fixtures live in tests/plugin.py
and tests/factories.py; a folder's own fixtures take names nobody else uses.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from tests.quality.tracked import REPO, tracked_files

#: Fixture names a second module may define on purpose, with the reason (none so far).
DOCUMENTED_OVERRIDES: dict[str, str] = {}
#: The one module of tests/ that may call ``create_app``.
APP_BUILDER = "tests/plugin.py"


def _modules() -> dict[str, ast.Module]:
    """Every Python module under tests/, tracked or new, parsed."""
    names = [n for n in tracked_files("tests/*.py", new_too=True) if (REPO / n).exists()]
    return {name: ast.parse((REPO / name).read_text(), name) for name in sorted(names)}


def _is_fixture(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return ast.unparse(target) in {"pytest.fixture", "fixture"}


def fixtures_by_name(modules: dict[str, ast.Module]) -> dict[str, list[str]]:
    """Fixture name -> the modules defining it (a fixture's ``name=`` argument counts)."""
    found: dict[str, list[str]] = defaultdict(list)
    for path, tree in modules.items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for decorator in filter(_is_fixture, node.decorator_list):
                name = node.name
                if isinstance(decorator, ast.Call):
                    for keyword in decorator.keywords:
                        if keyword.arg == "name" and isinstance(keyword.value, ast.Constant):
                            name = str(keyword.value.value)
                found[name].append(path)
    return found


def calls_of(modules: dict[str, ast.Module], function: str) -> dict[str, list[int]]:
    """Module -> the lines calling ``function`` (by its name or as an attribute)."""
    found: dict[str, list[int]] = defaultdict(list)
    for path, tree in modules.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                callee = node.func
                name = callee.attr if isinstance(callee, ast.Attribute) else None
                name = callee.id if isinstance(callee, ast.Name) else name
                if name == function:
                    found[path].append(node.lineno)
    return found


def test_no_fixture_is_defined_twice() -> None:
    twice = {
        name: paths
        for name, paths in fixtures_by_name(_modules()).items()
        if len(paths) > 1 and name not in DOCUMENTED_OVERRIDES
    }
    assert not twice, f"fixtures defined in more than one module: {twice}"


def test_only_the_plugin_builds_the_app() -> None:
    elsewhere = {
        path: lines
        for path, lines in calls_of(_modules(), "create_app").items()
        if path != APP_BUILDER
    }
    assert not elsewhere, f"create_app called outside {APP_BUILDER}: {elsewhere}"


def test_the_checks_see_a_redefinition_and_a_call(tmp_path: Path) -> None:
    """The two checks above would fail on the copies they exist to catch."""
    source = (
        "import pytest\n"
        "@pytest.fixture\n"
        "def world(): ...\n"
        "@pytest.fixture(name='world')\n"
        "def other(): create_app(None)\n"
    )
    modules = {"a.py": ast.parse(source), "b.py": ast.parse("import x\nx.create_app()\n")}
    assert fixtures_by_name(modules)["world"] == ["a.py", "a.py"]
    assert calls_of(modules, "create_app") == {"a.py": [5], "b.py": [2]}
