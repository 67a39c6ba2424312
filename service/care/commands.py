"""How the care routes' command tables run a command: on a known association (404 if not)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from service.application.caller import Caller
from service.care import application as care


def run_on_association(
    caller: Caller,
    code: str,
    command: Callable[..., Any],
    association_id: UUID,
    /,
    *ids: Any,
    **data: Any,
) -> Any:
    """:func:`service.care.application.run`, called as :mod:`service.http.commands` calls a
    runner: the command first, then the ids of the path."""
    return care.run(caller, code, association_id, command, *ids, **data)
