"""The roster's application layer called without HTTP, as the CLI and the web UI call it.

The caller is typed (principal and provenance); the scope rules, the record of who acted and
the wake-up of the workers are the same as through the API.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any
from uuid import UUID

import pytest
from click.testing import CliRunner

from aggregates.provenance import Provenance
from service.application import Caller, provenance_of
from service.cli.main import main as cli
from service.http.access import Principal, Role
from service.http.problems import ProblemError
from service.roster import application
from tests.factories import SEED
from tests.roster.conftest import T1, V1, V2, A, B, Roster, start_move
from tests.roster.samples import details
from workers.runtime import Runtime

OFFICER = Principal(
    actor="u-7",
    name="王干事",
    role=Role.TOWNSHIP_OFFICER,
    district=A,
    township=T1,
    organisation="一乡残联",
)


def caller_of(runtime: Runtime, principal: Principal) -> tuple[Caller, list[str]]:
    """A caller on ``runtime`` and the districts it woke the workers for."""
    woken: list[str] = []
    by = provenance_of(principal, "request-1")
    return Caller(runtime=runtime, principal=principal, by=by, wake=woken.append), woken


def registration(village: str, sequence: int) -> dict[str, Any]:
    """What the API's schema hands over for a registration."""
    return {
        **asdict(details(village, sequence)),
        "registered_on": date(2022, 3, 1),
        "moved_in_from": None,
    }


def stored_by(runtime: Runtime, aggregate_id: UUID) -> list[Provenance]:
    """The ``by`` of every stored event of one aggregate."""
    events = runtime.tenancy.records(A).repository.event_store.get(aggregate_id)
    return [event.by for event in events]


def test_a_command_stores_the_callers_provenance_and_wakes_the_workers(
    runtime: Runtime, make_district: Any
) -> None:
    make_district(A)
    call, woken = caller_of(runtime, OFFICER)
    saved = application.register(call, A, registration(V1, 1))
    assert stored_by(runtime, saved.id) == [
        Provenance(
            actor="u-7",
            role="township_officer",
            organisation="一乡残联",
            request_id="request-1",
            reason=None,
        )
    ]
    assert woken == [A]
    erased = application.erase(call, A, saved.id, "本人申请删除")
    assert stored_by(runtime, erased.id)[-1].reason == "本人申请删除"


def test_a_narrow_caller_is_refused_a_village_outside_its_township(
    runtime: Runtime, make_district: Any
) -> None:
    records = make_district(A)
    head = records.head_position()
    call, woken = caller_of(runtime, OFFICER)
    with pytest.raises(ProblemError) as refused:
        application.register(call, A, registration(V2, 1))
    assert (refused.value.status, refused.value.extra) == (403, {"field": "village_code"})
    assert records.head_position() == head and woken == []


def test_the_command_line_finishes_a_pending_hand_over_as_the_operator(
    roster: Roster, monkeypatch: pytest.MonkeyPatch
) -> None:
    person_id = (
        roster.records(A)
        .register_person(details(V1, 1), registered_on=date(2022, 3, 1), by=SEED)
        .id
    )
    start_move(roster.records(A), person_id)
    monkeypatch.setenv("CANXIE_DATA_DIR", str(roster.runtime.settings.data_dir))
    monkeypatch.delenv("CANXIE_DATABASE_URL", raising=False)
    result = CliRunner().invoke(cli, ["roster", "finish-transfers", A])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"{A} -> {B}: transfer ") and "completed" in result.output
    by = stored_by(roster.runtime, person_id)[-1]
    assert by.actor.startswith("cli:")
    assert (by.role, by.reason) == ("operator", "finish pending transfer")
