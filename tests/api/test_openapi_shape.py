"""The API's contract does not drift: the document's shape equals the committed copy."""

from __future__ import annotations

import json

from tests.api.openapi_shape import SNAPSHOT, current_shape, without_prose


def test_the_document_has_the_committed_shape() -> None:
    committed = json.loads(SNAPSHOT.read_text())
    current = current_shape()
    assert sorted(current["paths"]) == sorted(committed["paths"])
    for path, operations in committed["paths"].items():
        assert current["paths"][path] == operations, path
    assert current["components"] == committed["components"]


def test_prose_is_left_out_but_structure_kept() -> None:
    document = {"description": "x", "paths": {"/a": {"get": {"summary": "s", "parameters": [1]}}}}
    assert without_prose(document) == {"paths": {"/a": {"get": {"parameters": [1]}}}}
