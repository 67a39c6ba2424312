"""What a request handler reaches for: the process runtime, the wake-up channel, the caller."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from flask import current_app, g

from aggregates.errors import NotFound
from service.application.caller import DISTRICT_CODE, Caller, provenance_of
from workers.runtime import Runtime
from workers.wakeups import Wakeups


@dataclass
class Services:
    """Held in ``app.extensions["canxie"]``."""

    runtime: Runtime
    wakeups: Wakeups


def services() -> Services:
    """The services of the running app."""
    return cast(Services, current_app.extensions["canxie"])


def caller() -> Caller:
    """This request's caller of the application layer, built once from the token's principal."""
    built = g.get("caller")
    if built is None:
        principal = g.get("principal")
        if principal is None:
            raise RuntimeError("no authenticated principal on a public endpoint")
        svc = services()
        built = g.caller = Caller(
            runtime=svc.runtime,
            principal=principal,
            by=provenance_of(principal, g.request_id),
            wake=svc.wakeups.district_changed,
        )
    return cast(Caller, built)


def caller_on(query: Mapping[str, Any]) -> Caller:
    """This request's caller reading as of the query's ``as_of`` on its ``basis`` (today, live,
    without ``as_of``): what a read declaring ``AsOfQuery`` hands to the application layer.
    A day after today is refused (422 naming ``as_of``)."""
    return caller().on(query["as_of"], query["basis"])


__all__ = ["DISTRICT_CODE", "NotFound", "Services", "caller", "caller_on", "services"]
