"""A move between districts is a hand-over between two stores: never lost, never held twice."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from aggregates.errors import DomainError
from aggregates.roster.person import finish_transfer
from tests.factories import SEED
from tests.roster.conftest import V1, VB, A, B, Roster, start_move
from tests.roster.samples import person_body

MOVE = {"to_district": B, "village_code": VB, "address": "淮河路8号", "effective_on": "2023-05-01"}


def statuses(roster: Roster, rid: str) -> dict[str, list[str]]:
    """The status of every record of a resident ID, per district, as the read models say."""
    found: dict[str, list[str]] = {}
    for code in (A, B):
        items = roster.get(
            f"/districts/{code}/persons", unmask="resident_id", reason="test 对账"
        ).get_json()["items"]
        found[code] = [p["status"] for p in items if p["resident_id"] == rid]
    return found


def held(found: dict[str, list[str]]) -> int:
    """How many districts hold the person active (must be exactly 1 at every moment)."""
    return sum(s == "active" for statuses_ in found.values() for s in statuses_)


def test_a_move_between_districts_hands_the_person_over(roster: Roster) -> None:
    body = person_body(V1, 1, special_hardship=True, hardship_reason="重度残疾独居")
    person_id = roster.register(body)
    moved = roster.post(f"/districts/{A}/persons/{person_id}/transfer-out", MOVE)
    assert moved.status_code == 200, moved.get_data(as_text=True)
    outcome = moved.get_json()
    assert outcome["state"] == "completed"
    assert statuses(roster, body["resident_id"]) == {A: ["transferred_out"], B: ["active"]}
    there = roster.get(f"/districts/{B}/persons/{outcome['received_as']}").get_json()
    assert (there["village_code"], there["source"], there["origin"]) == (VB, "transferred_in", A)
    assert there["special_hardship"] is True and there["certified"] is True
    here = roster.get(f"/districts/{A}/persons/{person_id}").get_json()
    assert here["transferred_as"] == outcome["received_as"]
    assert [h["event"] for h in here["history"]] == [
        "Registered",
        "TransferOutStarted",
        "TransferOutCompleted",
    ]
    again = roster.post(f"/districts/{A}/persons/{person_id}/transfer-out", MOVE)
    assert again.status_code == 409  # transferred out already


def test_a_crash_after_the_sender_recorded_the_transfer_is_finished_by_the_sweep(
    roster: Roster,
) -> None:
    body = person_body(V1, 1)
    person_id = UUID(roster.register(body))
    # Step 1 only, as if the process died right after it.
    start_move(roster.records(A), person_id)
    assert statuses(roster, body["resident_id"]) == {A: ["transferring_out"], B: []}
    swept = roster.post(f"/districts/{A}/persons/transfers/resume", None)
    assert swept.status_code == 200
    assert [i["state"] for i in swept.get_json()["items"]] == ["completed"]
    assert statuses(roster, body["resident_id"]) == {A: ["transferred_out"], B: ["active"]}
    assert roster.post(f"/districts/{A}/persons/transfers/resume", None).get_json() == {"items": []}


def test_a_crash_after_the_receiver_recorded_it_leaves_no_second_person(
    roster: Roster,
) -> None:
    body = person_body(V1, 1)
    person_id = UUID(roster.register(body))
    sender, receiver = roster.records(A), roster.records(B)
    started = start_move(sender, person_id)
    pending = sender.person(person_id).pending_transfer
    details = sender.person(person_id).details()
    from dataclasses import replace

    received = receiver.receive_transfer(
        transfer_id=started.id,
        from_district=A,
        effective_on=pending.effective_on,
        by=SEED,
        details=replace(details, village_code=VB, address=pending.address),
    )
    # Died here: B holds the person, A still says "transferring out" (not active): one holder.
    found = statuses(roster, body["resident_id"])
    assert found == {A: ["transferring_out"], B: ["active"]} and held(found) == 1
    head_b = roster.head(B)
    outcome = finish_transfer(sender, receiver, person_id, by=SEED)
    assert (outcome.state, outcome.received_as) == ("completed", received.id)
    assert roster.head(B) == head_b  # receiving again changed nothing
    assert statuses(roster, body["resident_id"]) == {A: ["transferred_out"], B: ["active"]}


class CrashingReceiver:
    """The receiving district's store failing in the middle of the hand-over."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.district_code = real.district_code

    def receive_transfer(self, **kwargs: Any) -> Any:
        raise ConnectionError("the receiving store went away")


def test_a_receiving_store_that_fails_leaves_the_transfer_pending_then_done(
    roster: Roster,
) -> None:
    body = person_body(V1, 1)
    person_id = UUID(roster.register(body))
    sender = roster.records(A)
    start_move(sender, person_id)
    with pytest.raises(ConnectionError):
        finish_transfer(
            sender,
            CrashingReceiver(roster.records(B)),
            person_id,  # type: ignore[arg-type]
            by=SEED,
        )
    assert statuses(roster, body["resident_id"]) == {A: ["transferring_out"], B: []}
    assert finish_transfer(sender, roster.records(B), person_id, by=SEED).state == "completed"
    assert statuses(roster, body["resident_id"]) == {A: ["transferred_out"], B: ["active"]}


def test_a_receiver_already_holding_the_person_refuses_and_the_person_stays(
    roster: Roster,
) -> None:
    body = person_body(V1, 1)
    person_id = roster.register(body)
    roster.register(person_body(VB, 1), code=B)  # recorded there by mistake earlier
    refused = roster.post(f"/districts/{A}/persons/{person_id}/transfer-out", MOVE)
    assert refused.status_code == 409
    assert refused.get_json()["field"] == "to_district"
    assert statuses(roster, body["resident_id"]) == {A: ["active"], B: ["active"]}
    history = roster.get(f"/districts/{A}/persons/{person_id}").get_json()["history"]
    assert [h["event"] for h in history][-1] == "TransferOutCancelled"


def test_a_person_transferred_back_returns_to_their_old_record(roster: Roster) -> None:
    body = person_body(V1, 1)
    person_id = roster.register(body)
    there = roster.post(f"/districts/{A}/persons/{person_id}/transfer-out", MOVE).get_json()
    back = roster.post(
        f"/districts/{B}/persons/{there['received_as']}/transfer-out",
        {**MOVE, "to_district": A, "village_code": V1, "address": "友谊路2号"},
    )
    assert back.get_json()["received_as"] == person_id
    assert statuses(roster, body["resident_id"]) == {A: ["active"], B: ["transferred_out"]}


@pytest.mark.parametrize(
    "overrides,field,status",
    [
        ({"to_district": A}, "to_district", 422),
        ({"to_district": "410199"}, "to_district", 422),
        ({"village_code": V1}, "village_code", 422),
        ({"effective_on": "2999-01-01"}, "effective_on", 422),
        ({"address": ""}, "address", 422),
    ],
)
def test_bad_transfers_are_refused_and_change_nothing(
    roster: Roster, overrides: dict[str, Any], field: str, status: int
) -> None:
    person_id = roster.register(person_body(V1, 1))
    heads = (roster.head(A), roster.head(B))
    response = roster.post(
        f"/districts/{A}/persons/{person_id}/transfer-out", {**MOVE, **overrides}
    )
    assert (response.status_code, response.get_json()["field"]) == (status, field)
    assert (roster.head(A), roster.head(B)) == heads


def test_a_refusal_is_a_domain_error_not_a_crash(roster: Roster) -> None:
    with pytest.raises(DomainError):
        roster.records(A).person(UUID(int=1))
