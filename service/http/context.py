"""What a request handler reaches for: the process runtime and the wake-up channel."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import cast

from flask import current_app, g

from aggregates.errors import NotFound
from aggregates.provenance import Provenance
from service.http.problems import ProblemError
from workers.runtime import Runtime
from workers.wakeups import Wakeups

# [0-9], not \d: a district code names a file or schema, and \d takes any Unicode digit.
DISTRICT_CODE = re.compile(r"[0-9]{6}")


@dataclass
class Services:
    """Held in ``app.extensions["canxie"]``."""

    runtime: Runtime
    wakeups: Wakeups


def services() -> Services:
    """The services of the running app."""
    return cast(Services, current_app.extensions["canxie"])


def today_in_china() -> date:
    """Today where the associations are, on the clock the app was built with."""
    return services().runtime.clock.today()


def provenance(reason: str | None = None) -> Provenance:
    """Who is acting (from the token), in which request, and why when a reason is given."""
    principal = g.principal
    return Provenance(
        actor=principal.actor,
        role=principal.role.value,
        organisation=principal.organisation,
        request_id=g.request_id,
        reason=reason,
    )


def known_district(code: str) -> str:
    """Check a district code from the path: malformed is 422, unknown is 404."""
    if not DISTRICT_CODE.fullmatch(code):
        raise ProblemError(
            422,
            "validation",
            "the district code in the path must have 6 digits",
            extra={"field": "code", "errors": [{"field": "code", "message": "must be 6 digits"}]},
        )
    services().runtime.tenancy.district(code)  # raises NotFound
    return code


__all__ = ["NotFound", "Services", "known_district", "provenance", "services", "today_in_china"]
