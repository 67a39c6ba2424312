"""The day and clock an inspection or acceptance page shows: the query arguments
``as_of`` (YYYY-MM-DD, live when absent) and ``basis`` (``recorded``: as the records stood
that day; ``effective``: as it took effect, corrections included), parsed by the API's own
schema.  (The compliance dashboards parse the same arguments with ``service/web/as_of.py``;
the two are to become one.)"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import request
from marshmallow import ValidationError

from aggregates.errors import DateInFuture
from service.campaign.schemas import AsOfQuery
from service.http.context import caller
from service.web.forms import Form

#: The clocks a page may be read on, in the order the switch offers them.
BASES = ("recorded", "effective")


@dataclass
class AsOf:
    """The parsed query (``as_of`` None: live) and the little form that chooses it."""

    query: dict[str, Any] = field(default_factory=lambda: {"as_of": None, "basis": "recorded"})
    form: Form = field(default_factory=Form)

    @property
    def valid(self) -> bool:
        """Whether the page can be read on this day and clock."""
        return not self.form.errors

    def args(self) -> dict[str, str]:
        """The query arguments that keep the day and clock in links."""
        out = {"basis": str(self.query["basis"])}
        if self.query["as_of"] is not None:
            out["as_of"] = self.query["as_of"].isoformat()
        return out


def as_of() -> AsOf:
    """The page's day and clock from its query; a bad value is refused beside its field."""
    given = {k: request.args[k] for k in ("as_of", "basis") if request.args.get(k)}
    form = Form(values=dict(given))
    try:
        query = AsOfQuery().load(given)
    except ValidationError as error:
        return AsOf(form=form.invalid(error))
    if query["as_of"] is not None and query["as_of"] > caller().today():
        return AsOf(form=form.domain(DateInFuture(day=query["as_of"], field="as_of")))
    return AsOf(query, form)
