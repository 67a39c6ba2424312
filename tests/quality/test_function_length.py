"""No function of the application is longer than 60 lines (issue 13).

A long function does several things; split, each part is named for what it does and can be
read on one screen.  Counted from the ``def`` line (decorators aside) to the last line.
"""

from __future__ import annotations

import ast

from tests.quality.tracked import REPO, tracked_files

#: The longest a function may be, in lines.
LIMIT = 60
#: The application's folders.
FOLDERS = ("aggregates", "projections", "service", "workers")


def _too_long() -> list[str]:
    """``path:line name (n lines)`` for every function over the limit."""
    found = []
    names = tracked_files(*(f"{folder}/*.py" for folder in FOLDERS), new_too=True)
    for name in sorted(n for n in names if (REPO / n).exists()):
        tree = ast.parse((REPO / name).read_text(), name)
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > LIMIT:
                    found.append(f"{name}:{node.lineno} {node.name} ({length} lines)")
    return found


def test_no_function_is_longer_than_the_limit() -> None:
    """Every function of aggregates/, projections/, service/ and workers/ fits in 60 lines."""
    assert _too_long() == []


def test_the_check_sees_a_long_function() -> None:
    """The counter finds functions (so the check above cannot pass by finding nothing)."""
    tree = ast.parse("def f():\n" + "    x = 1\n" * LIMIT)
    (node,) = tree.body
    assert isinstance(node, ast.FunctionDef)
    assert (node.end_lineno or 0) - node.lineno + 1 == LIMIT + 1
    assert tracked_files("service/*.py")
