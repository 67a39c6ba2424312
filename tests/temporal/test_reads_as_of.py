"""Every read a supervisor uses, as of a day on either clock, over HTTP (issue 15).

The district of :mod:`tests.temporal.world` had facts of 20 February typed in on 10 May.  Each
read is asked as of 1 February (neither clock shows them), 1 March (only the effective clock
does: the records of that day did not have them) and 1 June (both do), and live.  A malformed
or future ``as_of`` and an unknown ``basis`` are refused with 422 naming the parameter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from aggregates.association.association import OfficerRole
from aggregates.clock import SystemClock
from tests.campaign.district import D, appoint
from tests.plugin import ADMIN, Calendar, MakeApp, embedded_app, stamping
from tests.temporal.world import (
    BEFORE,
    CORRECTED_NAME,
    FIRST_NAME,
    JUNE,
    LATE,
    MARCH,
    SET_UP,
    World,
    build,
)

BASES = ("recorded", "effective")


@dataclass(frozen=True)
class Read:
    """A read, what of its answer changes with the late facts, and its value before and after."""

    name: str
    path: Callable[[World], str]
    seen: Callable[[Any], Any]
    before: Any
    after: Any


def _total(answer: Any) -> Any:
    return answer.get_json()["total"]


def _items(answer: Any) -> int:
    return len(answer.get_json()["items"])


def _status(answer: Any) -> int:
    return int(answer.status_code)


def _officers(answer: Any) -> list[str]:
    return sorted(o["name"] for o in answer.get_json()["officers"])


def _members(answer: Any) -> int:
    body = answer.get_json()
    return len((body["items"][0] if "items" in body else body)["members"])


def _json(key: str, count: bool = False) -> Callable[[Any], Any]:
    def seen(answer: Any) -> Any:
        value = answer.get_json()[key]
        return len(value) if count else value

    return seen


def _last_visit(answer: Any) -> Any:
    return answer.get_json()["items"][0]["last_visited_on"]


READS = [
    Read("associations", lambda w: "/associations", _total, 1, 2),
    Read(
        "association with its officers",
        lambda w: f"/associations/{w.a}",
        _officers,
        ["王建国"],
        sorted(["王建国", "李秀英", "刘洋"]),
    ),
    Read(
        "an association's lifecycle",
        lambda w: f"/associations/{w.a}/lifecycle",
        _json("officers", True),
        1,
        3,
    ),
    Read(
        "full-time members",
        lambda w: f"/associations/{w.a}/full-time-members",
        _json("items", True),
        0,
        1,
    ),
    Read("persons", lambda w: "/persons", _total, 1, 2),
    Read("a person", lambda w: f"/persons/{w.first}", _json("name"), FIRST_NAME, CORRECTED_NAME),
    Read("totals", lambda w: "/persons/totals?by=village_code", _total, 1, 2),
    Read("groups", lambda w: f"/associations/{w.a}/groups", _members, 1, 2),
    Read("a group", lambda w: f"/associations/{w.a}/groups/{w.group}", _members, 1, 2),
    Read("visits", lambda w: f"/associations/{w.a}/visits", _total, 1, 2),
    Read("a visit", lambda w: f"/associations/{w.a}/visits/{w.late_visit}", _status, 404, 200),
    Read("visits due", lambda w: "/visits/due", _last_visit, str(SET_UP), str(LATE)),
    Read("visit intervals", lambda w: "/settings/visit-intervals", _json("versions", True), 0, 1),
    Read(
        "a person's needs",
        lambda w: f"/associations/{w.a}/persons/{w.first}/needs",
        _json("needs", True),
        0,
        1,
    ),
    Read("needs", lambda w: "/needs", _total, 0, 1),
    Read("training sessions", lambda w: "/training-sessions", _total, 0, 1),
    Read("a training session", lambda w: f"/training-sessions/{w.session}", _status, 404, 200),
    Read("evaluation schemes", lambda w: "/evaluation-schemes", _json("versions", True), 1, 2),
    Read("evaluations", lambda w: "/evaluations", _total, 0, 1),
    Read(
        "an association's evaluations", lambda w: f"/associations/{w.a}/evaluations", _total, 0, 1
    ),
    Read("inspections", lambda w: "/inspections", _items, 0, 1),
    Read("an inspection", lambda w: f"/inspections/{w.inspection}", _status, 404, 200),
    Read("problems", lambda w: "/problems", _items, 0, 1),
]

#: (day, basis) -> whether the late facts show: only once the day's records had them, on the
#: recorded clock; from the day they took effect, on the effective clock.
EXPECTED = {
    (BEFORE, "recorded"): False,
    (BEFORE, "effective"): False,
    (MARCH, "recorded"): False,
    (MARCH, "effective"): True,
    (JUNE, "recorded"): True,
    (JUNE, "effective"): True,
}


def _url(world: World, read: Read, query: str) -> str:
    """The read's address in district D, with ``query`` added to its own."""
    path = f"/api/v1/districts/{D}{read.path(world)}"
    if not query:
        return path
    return path + ("&" if "?" in path else "?") + query


def differences(client: FlaskClient, world: World, read: Read) -> list[str]:
    """What the read answered wrongly on each day and clock, and live."""
    wrong = []
    asked = [(f"as_of={day}&basis={basis}", late) for (day, basis), late in EXPECTED.items()]
    for query, late in [*asked, ("", True)]:
        answer = client.get(_url(world, read, query))
        if answer.status_code not in (200, 404):
            wrong.append(f"{read.name} {query or 'live'}: {answer.status_code} {answer.get_json()}")
            continue
        want = read.after if late else read.before
        got = read.seen(answer)
        if got != want:
            wrong.append(f"{read.name} {query or 'live'}: {got!r}, not {want!r}")
    return wrong


@pytest.fixture(scope="module")
def district_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FlaskClient, World]]:
    """The world on an embedded store, built once for this module's reads."""
    with stamping(Calendar()) as cal, embedded_app(Path(tmp_path_factory.mktemp("as_of"))) as app:
        world = build(app.extensions["canxie"].runtime, cal)
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = ADMIN["Authorization"]
        yield client, world


@pytest.mark.parametrize("read", READS, ids=[r.name for r in READS])
def test_the_read_answers_as_of_a_day_on_both_clocks(
    district_world: tuple[FlaskClient, World], read: Read
) -> None:
    client, world = district_world
    assert differences(client, world, read) == []


def test_every_read_answers_as_of_a_day_on_postgresql(
    calendar: Calendar, make_app: MakeApp, pg_url: str
) -> None:
    app: Flask = make_app(database_url=pg_url)
    world = build(app.extensions["canxie"].runtime, calendar)
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = ADMIN["Authorization"]
    assert [d for read in READS for d in differences(client, world, read)] == []


def _due(client: FlaskClient, query: str) -> dict[str, Any]:
    answer = client.get(f"/api/v1/districts/{D}/visits/due?{query}")
    assert answer.status_code == 200, answer.get_json()
    body: dict[str, Any] = answer.get_json()
    return body


def test_visits_fall_due_as_of_the_day_asked(district_world: tuple[FlaskClient, World]) -> None:
    client, _ = district_world
    for day in (BEFORE, MARCH, JUNE):
        for basis in BASES:
            body = _due(client, f"as_of={day}&basis={basis}")
            assert body["on"] == day.isoformat()
            item = body["items"][0]
            due = date.fromisoformat(item["due_on"])
            assert item["overdue"] is (day > due), (day, basis, item)
            assert item["days_overdue"] == max((day - due).days, 0), (day, basis, item)
    # The records of 1 June have the February visit and the 60-day interval in force from
    # then: due on 21 April, 41 days overdue that day.
    june = _due(client, f"as_of={JUNE}&basis=recorded")["items"][0]
    assert (june["due_on"], june["overdue"], june["days_overdue"]) == ("2022-04-21", True, 41)
    # On 1 March the records knew only January's visit, under the plan's yearly interval.
    march = _due(client, f"as_of={MARCH}&basis=recorded")["items"][0]
    assert (march["last_visited_on"], march["interval_days"], march["overdue"]) == (
        str(SET_UP),
        365,
        False,
    )


def test_persons_overdue_a_visit_are_those_overdue_on_the_day(
    district_world: tuple[FlaskClient, World],
) -> None:
    client, _ = district_world

    def overdue(query: str) -> int:
        answer = client.get(f"/api/v1/districts/{D}/persons?overdue_visit=true&{query}")
        return int(answer.get_json()["total"])

    assert [overdue(f"as_of={MARCH}&basis={b}") for b in BASES] == [0, 0]
    assert [overdue(f"as_of={JUNE}&basis={b}") for b in BASES] == [2, 2]
    assert overdue("") == 2


BAD = [
    ("as_of=2022-02-30", "as_of"),
    ("as_of=yesterday", "as_of"),
    (f"as_of={SystemClock().today() + timedelta(days=1)}", "as_of"),
    ("as_of=2022-03-01&basis=valid", "basis"),
    ("basis=", "basis"),
]


def test_a_bad_day_or_clock_is_refused_naming_it(
    district_world: tuple[FlaskClient, World],
) -> None:
    client, world = district_world
    wrong = []
    for read in READS:
        for query, field in BAD:
            answer = client.get(_url(world, read, query))
            problem = answer.get_json() or {}
            if answer.status_code != 422 or problem.get("field") != field:
                wrong.append(f"{read.name} {query}: {answer.status_code} {problem}")
    assert wrong == []


def test_a_write_ignores_as_of(calendar: Calendar, app: Flask, client: FlaskClient) -> None:
    world = build(app.extensions["canxie"].runtime, calendar)
    appointed = client.post(
        f"/api/v1/districts/{D}/associations/{world.a}/officers?as_of={BEFORE}&basis=effective",
        json={
            "name": "周敏",
            "role": "committee_member",
            "full_time": False,
            "backgrounds": ["disabled"],
            "appointed_on": str(calendar.day),
        },
    )
    assert appointed.status_code == 201, appointed.get_json()
    position = appointed.get_json()["position"]
    live = client.get(f"/api/v1/districts/{D}/associations/{world.a}?min_position={position}")
    assert "周敏" in [o["name"] for o in live.get_json()["officers"]]


def test_an_answer_as_of_a_day_includes_what_was_just_recorded(
    calendar: Calendar, app: Flask, client: FlaskClient
) -> None:
    runtime = app.extensions["canxie"].runtime
    world = build(runtime, calendar)
    appoint(runtime.tenancy.records(D), world.a, OfficerRole.COMMITTEE_MEMBER, "周敏", LATE)
    # Nobody caught the read models up: the as-of read brings them to the log's head first.
    answer = client.get(
        f"/api/v1/districts/{D}/associations/{world.a}?as_of={MARCH}&basis=effective"
    )
    assert "周敏" in [o["name"] for o in answer.get_json()["officers"]]
