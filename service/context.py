"""What a request handler reaches for: the process runtime, the wake-up channel, the caller."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from flask import current_app, g

from aggregates.errors import NotFound
from aggregates.provenance import Provenance
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
        svc = services()
        built = g.caller = Caller(
            runtime=svc.runtime,
            principal=g.principal,
            by=provenance_of(g.principal, g.request_id),
            wake=svc.wakeups.district_changed,
        )
    return cast(Caller, built)


def provenance(reason: str | None = None) -> Provenance:
    """Who is acting (from the token), in which request, and why when a reason is given."""
    return caller().because(reason)


def known_district(code: str) -> str:
    """Check a district code from the path: malformed is 422, unknown is 404."""
    return caller().known(code)


__all__ = ["DISTRICT_CODE", "NotFound", "Services", "caller", "known_district", "services"]


def await_position(code: str, min_position: int | None) -> None:
    """Wait until the district's read models include ``min_position`` (503 if they lag)."""
    caller().reading(code, min_position)
