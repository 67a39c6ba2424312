"""Routes that run one command of a district's records, declared as rows of a table.

Most writes of the API are the same translation: load the body, run one command of the
district's records with the ids of the path and the body as loaded, answer with the id the
command made (201) or the log position of its events (200).  A :class:`Command` row says which
command, body and answer, and :func:`register` makes the route, so that such a route is one
declaration rather than a handler written out again.  Routes that do more keep their own class.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from flask.views import MethodView
from marshmallow import Schema

from service.application.caller import Caller
from service.http.access import Action, Target
from service.http.blueprint import ApiBlueprint, accepted, created
from service.http.context import caller

#: How a row's command is run: ``run(caller, code, command, *path_ids, **body)``.
Runner = Callable[..., Any]


@dataclass(frozen=True)
class Command:
    """One route: the endpoint ``name`` (as a view class would be named), its ``path``, the
    records' ``command``, the ``body`` and ``answer`` schemas, what it does (``doc``, the
    operation's summary) and the problems it may answer instead (status: when)."""

    name: str
    path: str
    command: Callable[..., Any]
    body: type[Schema]
    answer: type[Schema]
    doc: str
    problems: dict[int, str] = field(default_factory=dict)
    #: The answer's status where it is not the usual one (201 for an id, else 200).
    status: int | None = None


def register(
    blp: ApiBlueprint,
    action: Action,
    target: Target,
    rows: Iterable[Command],
    run: Runner = Caller.run,
) -> None:
    """Add a POST route to ``blp`` for each row, under the access rule ``action`` on ``target``."""
    for row in rows:
        blp.route(row.path)(_view(blp, action, target, row, run))


def _view(
    blp: ApiBlueprint, action: Action, target: Target, row: Command, run: Runner
) -> type[MethodView]:
    """The view class of one row, documented as a hand-written one would be."""
    makes_id = "id" in row.answer().fields
    answer = created if makes_id else accepted

    def post(self: MethodView, data: dict[str, Any], code: str, **ids: Any) -> dict[str, Any]:
        # The path's ids in the order the path names them, as the command takes them.
        return answer(run(caller(), code, row.command, *ids.values(), **data))

    post.__doc__ = row.doc
    view = blp.problems(row.problems)(post)
    view = blp.operation(action, target, row.body, row.answer, status=row.status)(view)
    return type(row.name, (MethodView,), {"post": view, "__doc__": row.doc})
