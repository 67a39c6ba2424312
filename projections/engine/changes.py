"""One row's change, folded: a whole row, a patch (fields set, counters stepped) or a removal.

The projection handlers describe every row change in these three forms (see
:class:`~projections.engine.unit_of_work.UnitOfWork`) and never read a row back, so a row's
state on any day is the fold of its changes in order.  The temporal tables keep each day's
folded change beside the row it gave, to fold again when a change about an earlier day
arrives later.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from projections.platform.tables import json_text


@dataclass
class Patch:
    """Fields to set and counters to add on a row that exists (a missing row stays missing)."""

    values: dict[str, Any] = field(default_factory=dict)
    increments: dict[str, int] = field(default_factory=dict)


class Removed:
    """The row is deleted."""

    def __repr__(self) -> str:
        return "REMOVED"


REMOVED = Removed()

#: A whole row (dict), a :class:`Patch` or :data:`REMOVED`.
Change = dict[str, Any] | Patch | Removed


def then(first: Change, second: Change) -> Change:
    """The change that does ``first`` and then ``second`` (neither is modified)."""
    if not isinstance(second, Patch):
        return second
    if isinstance(first, Removed):
        return first
    if isinstance(first, dict):
        return applied(second, first) or first
    values = {**first.values, **second.values}
    increments = dict(first.increments)
    for name, step in second.increments.items():
        if name in values and name not in increments:
            # A field set in ``first`` and stepped in ``second``: the step lands on the value.
            values[name] = (values[name] or 0) + step
        else:
            increments[name] = increments.get(name, 0) + step
    for name in second.values:
        increments.pop(name, None)
    return Patch(values, increments)


def applied(change: Change, row: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The row after ``change`` (None: no row), as SQL would leave it."""
    if isinstance(change, Removed):
        return None
    if isinstance(change, dict):
        return dict(change)
    if row is None:
        return None
    result = dict(row)
    result.update(change.values)
    for name, step in change.increments.items():
        result[name] = (result.get(name) or 0) + step
    return result


def encoded(change: Change) -> str:
    """A change as stored beside the row it gave: a whole row is that row, so only its kind."""
    if isinstance(change, Removed):
        return '{"removed":true}'
    if isinstance(change, dict):
        return '{"row":true}'
    return json_text({"set": change.values, "add": change.increments})


def decoded(text: str, row: Mapping[str, Any] | None) -> Change:
    """The change :func:`encoded` wrote, given the row stored with it."""
    data = json.loads(text)
    if data.get("removed"):
        return REMOVED
    if data.get("row"):
        return dict(row or {})
    return Patch(dict(data.get("set", {})), dict(data.get("add", {})))
