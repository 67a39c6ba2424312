"""The shape of the OpenAPI document: what a client depends on, without the prose.

Paths, methods, parameters, request bodies, responses and schemas are kept; descriptions,
summaries and titles are dropped, so that wording can improve while the contract cannot drift.
Run as ``python -m tests.api.openapi_shape`` to rewrite the committed copy (only when the API
is meant to change).
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

SNAPSHOT = Path(__file__).with_name("snapshots") / "openapi_shape.json"
PROSE = frozenset({"description", "summary", "title", "x-title-zh", "externalDocs"})


def without_prose(node: Any) -> Any:
    """The document with every prose key removed, at any depth."""
    if isinstance(node, dict):
        return {k: without_prose(v) for k, v in sorted(node.items()) if k not in PROSE}
    if isinstance(node, list):
        return [without_prose(v) for v in node]
    return node


def current_shape() -> dict[str, Any]:
    """The shape of the document the app serves today."""
    from tests.plugin import embedded_app

    with (
        tempfile.TemporaryDirectory() as folder,
        embedded_app(Path(folder), bootstrap_token=None) as app,
    ):
        document = app.test_client().get("/api/v1/openapi.json").get_json()
    shape: dict[str, Any] = without_prose(
        {"paths": document["paths"], "components": document.get("components", {})}
    )
    return shape


def main() -> None:
    """Rewrite the committed snapshot from the running code."""
    SNAPSHOT.parent.mkdir(exist_ok=True)
    SNAPSHOT.write_text(json.dumps(current_shape(), ensure_ascii=False, indent=1) + "\n")
    print(f"wrote {SNAPSHOT}", file=sys.stderr)


if __name__ == "__main__":
    main()
