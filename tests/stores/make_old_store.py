"""Write an embedded data dir whose district store holds every event class of ``aggregates/``.

    python -m tests.stores.make_old_store OUTDIR

writes ``OUTDIR/data`` (the catalog, the district files, the ledger's signing key) and
``OUTDIR/expected_tables.json`` (every read-model table after a full rebuild, the ledger's
root, heads and verdict, and the stored events per topic).  The store is filled through the
real domain code: the demo loader, the access-test samples of tests/roster, tests/care and
tests/campaign, then the commands no sample reaches (lifecycle changes, inspections followed
to their end, the roster's corrections, erasure and hand-overs).  Dates, aggregate ids and
event timestamps are fixed, so two runs write the same events (personal data is sealed with
random keys, so the bytes still differ).

It exists to prove that stored events stay readable after event classes move between
modules (``tests/stores/test_old_store.py``); it fails, naming them, if any event class
defined in ``aggregates/`` has no stored event.
"""

from __future__ import annotations

import ast
import base64
import gc
import hashlib
import importlib
import inspect
import json
import pkgutil
import random
import sqlite3
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.domain import CanMutateAggregate, DomainEvent
from eventsourcing.utils import get_topic

import aggregates
from aggregates.association.association import (
    Association,
    FacilityKind,
    OfficerRole,
    PayKind,
    PriorityGroup,
    SelectionMethod,
)
from aggregates.campaign.commands import WrittenProblem
from aggregates.campaign.inspection import Body, Decision, InspectionKind
from aggregates.clock import CHINA, stamping
from aggregates.divisions.division import DivisionPart
from aggregates.identifiers import Sex, make_resident_id
from aggregates.provenance import Provenance
from aggregates.roster.person import PersonDetails, finish_transfer
from projections.ledger import ledger
from projections.ledger.tree_heads import load_private_key, public_key_base64
from service.campaign.queries import rule_findings
from service.cli.demo import DEMO_DISTRICT, load_demo
from tests.access.world import A as ACCESS_A
from tests.access.world import B as ACCESS_B
from tests.access.world import add_sample_persons
from tests.campaign.samples import add_campaign_samples
from tests.care.samples import add_care_samples
from tests.stores.state import rebuilt_state
from workers.runtime import Runtime
from workers.settings import Settings
from workers.signing import KEY_FILE

D = DEMO_DISTRICT[0]  # 410102, filled by the demo loader
E = "410103"  # a small second district, the other end of the hand-overs
BY = Provenance(
    actor="old-store", role="city_admin", organisation="canxie", request_id="old-store-v0"
)
#: A fixed, published test-only seed: every run signs with the same key.
SIGNING_SEED = base64.b64encode(hashlib.sha256(b"canxie tests/stores v0").digest()).decode()
ID_SEED = 20240603


# -- the event classes ---------------------------------------------------------------------


def _declared_event(node: ast.stmt) -> str | None:
    """The name in ``@event("Name", ...)`` on a method (aggregates/events.py), else None."""
    if not isinstance(node, ast.FunctionDef):
        return None
    for decorator in node.decorator_list:
        if (
            isinstance(decorator, ast.Call)
            and ast.unparse(decorator.func) == "event"
            and decorator.args
            and isinstance(decorator.args[0], ast.Constant)
        ):
            return str(decorator.args[0].value)
    return None


def _nested_class_names(module: Any) -> set[tuple[str, str]]:
    """(aggregate, class) for each event class a top-level class of the module declares:
    written inside it, or named by ``@event("Name")`` on one of its methods.

    Read from the source, because the library adds classes of its own (an unused
    ``Created`` beside an aggregate's own created event) that no command ever triggers.
    """
    tree = ast.parse(inspect.getsource(module))
    names = set()
    for outer in tree.body:
        if isinstance(outer, ast.ClassDef):
            for inner in outer.body:
                name = inner.name if isinstance(inner, ast.ClassDef) else _declared_event(inner)
                if name is not None:
                    names.add((outer.name, name))
    return names


def event_classes() -> dict[str, type]:
    """Topic -> class of every concrete event class defined in ``aggregates/``.

    An aggregate's ``Event`` is the base of its events and is never triggered itself.
    """
    found: dict[str, type] = {}
    for info in pkgutil.iter_modules(aggregates.__path__):
        module = importlib.import_module(f"aggregates.{info.name}")
        for outer, inner in _nested_class_names(module):
            cls = getattr(getattr(module, outer), inner)
            if inner != "Event" and issubclass(cls, (DomainEvent, CanMutateAggregate)):
                found[get_topic(cls)] = cls
    return dict(sorted(found.items()))


# -- a reproducible run ----------------------------------------------------------------------


class Clock:
    """The recorded clock: events are stamped from 10:00 of ``day`` in Zhengzhou, a second
    apart, and the domain's "today" is ``day``."""

    def __init__(self, day: date) -> None:
        self.day = day
        self._tick = 0

    def at(self, day: date) -> None:
        """Move the calendar on (never back: the log's timestamps only grow)."""
        assert day >= self.day, (day, self.day)
        if day > self.day:
            self.day, self._tick = day, 0

    def today(self) -> date:
        """The domain's today."""
        return self.day

    def now(self) -> datetime:
        """The next event's timestamp."""
        self._tick += 1
        start = datetime.combine(self.day, time(10, 0), tzinfo=CHINA)
        return (start + timedelta(seconds=self._tick)).astimezone(UTC)


@contextmanager
def reproducible(clock: Clock) -> Iterator[None]:
    """Event timestamps from ``clock`` (also for events made outside a command) and aggregate
    ids from a seeded generator."""
    rng = random.Random(ID_SEED)

    def seeded_uuid4() -> UUID:
        return UUID(int=rng.getrandbits(128), version=4)

    originals = [
        (module, uuid.uuid4)
        for name, module in list(sys.modules.items())
        if name.startswith(("aggregates.", "eventsourcing."))
        and getattr(module, "uuid4", None) is uuid.uuid4
    ]
    for module, _ in originals:
        module.uuid4 = seeded_uuid4
    try:
        with stamping(clock):
            yield
    finally:
        for module, original in originals:
            module.uuid4 = original


@dataclass
class Maker:
    """The runtime being filled, its clock, and the ids the steps hand each other."""

    runtime: Runtime
    clock: Clock
    ids: dict[str, Any] = field(default_factory=dict)

    def records(self, code: str = D) -> Any:
        """A district's event-store application, on the recorded clock."""
        return self.runtime.tenancy.records(code)

    def sign(self) -> None:
        """Project every district and sign a tree head of each (stored in its own file)."""
        key = load_private_key(SIGNING_SEED)
        for code in (D, E):
            self.runtime.catch_up(code)
            ledger.sign_head(self.runtime.db, code, key, now=self.clock.now())


def officer(association: Association, name: str) -> UUID:
    """The id of a sitting officer named ``name``."""
    return next(o.officer_id for o in association.officers.values() if o.name == name)


def association_of(maker: Maker, village: str, code: str = D) -> Association:
    """The association holding a village (through the village's claim)."""
    from aggregates.association.association import division_claim_id

    records = maker.records(code)
    claim = records.repository.get(division_claim_id(village))
    return records.association(claim.association_id)


def person(sequence: int, village: str, born: date, **overrides: Any) -> PersonDetails:
    """A certified person with a physical disability, resident ID issued in 中原区."""
    sex = Sex.FEMALE if sequence % 2 else Sex.MALE
    rid = make_resident_id("410102", born, sequence % 500, sex)
    values: dict[str, Any] = {
        "name": f"旧库{sequence}号",
        "sex": sex.value,
        "birth_date": born,
        "resident_id": rid,
        "village_code": village,
        "address": f"{village[-3:]}号院{sequence}号楼",
        "certificate_number": f"{rid}42",
        "category": 4,
        "grade": 2,
        "household_id": f"OLD{sequence:04d}",
        "household_relation": "head",
        "phone": f"1380371{sequence:04d}",
    }
    values.update(overrides)
    return PersonDetails(**values)


# -- the steps, in the order of the recorded clock ----------------------------------------


def demo_and_second_district(maker: Maker) -> None:
    """The demo district as a newcomer gets it, and district E with one association."""
    maker.clock.at(date(2024, 6, 3))
    load_demo(maker.runtime.tenancy)
    maker.runtime.tenancy.create_district(E, "二七区", BY)
    records = maker.records(E)
    records.record_division(code=f"{E}001", name="淮河路街道", effective_on=date(2020, 1, 1), by=BY)
    for village, name in ((f"{E}001001", "锦绣社区"), (f"{E}001002", "长江社区")):
        records.record_division(code=village, name=name, effective_on=date(2020, 1, 1), by=BY)
    b1, chair = new_association(maker, f"{E}001001", "锦绣社区残协", date(2021, 3, 1), E)
    youyi = association_of(maker, "410102001001")
    xili = association_of(maker, "410102002001")
    maker.ids.update(
        a1=str(youyi.id),
        a2=str(xili.id),
        b1=str(b1),
        a1_officer=str(officer(youyi, "王建国")),
        a2_officer=str(officer(xili, "孙伟")),
        b1_officer=str(chair),
    )


def access_samples(maker: Maker) -> None:
    """The access tests' persons, care records and campaign records, in D and E."""
    maker.clock.at(date(2024, 6, 10))
    for code in (D, E):
        maker.records(code)  # both on the recorded clock before the samples use them
    tenancy = maker.runtime.tenancy
    assert (D, E) == (ACCESS_A, ACCESS_B)  # where the access world's persons live
    add_sample_persons(tenancy, maker.ids)
    add_care_samples(tenancy, maker.ids, D, E)
    add_campaign_samples(tenancy, maker.ids, D, E)


def inspections(maker: Maker) -> None:
    """A spot check from the rules on its own day, followed to its end; a joint acceptance."""
    records = maker.records()
    maker.clock.at(date(2024, 6, 20))
    records.file_work_plan(
        title="中原区残协建设工作实施方案（修订）",
        summary="补充验收安排",
        filed_on=maker.clock.day,
        by=BY,
    )
    maker.runtime.catch_up(D)
    youyi, baihua = UUID(maker.ids["a1"]), association_of(maker, "410102001002").id
    check = records.open_inspection(
        kind=InspectionKind.SPOT_CHECK,
        title="2024年重点抽查",
        inspected_on=maker.clock.day,
        township_code=None,
        inspectors=["市残联 张检查"],
        association_ids=[youyi, baihua],
        rules_basis="recorded",
        rule_findings=rule_findings(maker.runtime, D, maker.clock.day),
        written=[
            WrittenProblem(description="工作档案不规范", association_id=baihua, clause="S3.5")
        ],
        by=BY,
    )
    assert len(check.more) >= 3, check
    maker.clock.at(date(2024, 6, 25))
    added = records.record_problem(
        check.id,
        WrittenProblem(description="活动记录缺页", division_code="410102001002"),
        found_on=date(2024, 6, 20),
        by=BY,
    ).id
    maker.clock.at(date(2024, 7, 1))
    records.rectify_problem(
        check.id, added, rectified_on=date(2024, 6, 28), evidence="补全记录", note="补录", by=BY
    )
    records.escalate_problem(
        check.id,
        check.more[0],
        escalated_on=maker.clock.day,
        escalated_to="中原区残联",
        reason="需区残联协调",
        by=BY,
    )
    records.conclude_inspection(
        check.id, concluded_on=maker.clock.day, outcome=None, summary="抽查结束", by=BY
    )
    joint_acceptance(maker, [youyi, baihua])


def joint_acceptance(maker: Maker, sampled: list[UUID]) -> None:
    """The three bodies decide; the last decision concludes the acceptance."""
    records = maker.records()
    maker.clock.at(date(2024, 7, 5))
    joint = records.open_inspection(
        kind=InspectionKind.CITY_JOINT_ACCEPTANCE,
        title="市级联合验收（中原区）",
        inspected_on=maker.clock.day,
        township_code=None,
        inspectors=["市残联", "市委社治委", "市民政局"],
        association_ids=sampled,
        rules_basis=None,
        rule_findings=[],
        written=[],
        by=BY,
    ).id
    for body, decision in (
        (Body.CITY_FEDERATION, Decision.PASSED),
        (Body.GOVERNANCE_COMMITTEE, Decision.PASSED),
        (Body.CIVIL_AFFAIRS_BUREAU, Decision.CONDITIONAL),
    ):
        records.record_decision(
            joint,
            body=body,
            decision=decision,
            decided_on=maker.clock.day,
            signatory=f"{body.value} 签字人",
            remarks="",
            by=BY,
        )


def supervision_and_models(maker: Maker) -> None:
    """The samples' key supervision released; a model withdrawn and designated again."""
    records = maker.records()
    maker.clock.at(date(2024, 7, 10))
    records.release_key_supervision(
        UUID(maker.ids["campaign_inside_supervision"]),
        released_on=date(2024, 7, 1),
        reason="整改到位",
        by=BY,
    )
    a1 = UUID(maker.ids["a1"])
    records.withdraw_model(a1, withdrawn_on=date(2024, 7, 2), reason="复核未通过", by=BY)
    records.designate_model(a1, designated_on=maker.clock.day, practice="整改后重新评定", by=BY)


def lifecycle(maker: Maker) -> None:
    """Associations dissolved and merged; a village split (its association follows a part)
    and two merged (the association of one takes over the other's claim)."""
    records = maker.records()
    maker.clock.at(date(2024, 8, 1))
    gongren, _ = new_association(maker, "410102001003", "工人新村社区残协", date(2022, 1, 10))
    records.dissolve_association(gongren, dissolved_on=date(2023, 12, 31), reason="社区撤并", by=BY)
    records.record_division(
        code="410102002004", name="幸福社区", effective_on=date(2020, 1, 1), by=BY
    )
    dongli, _ = new_association(maker, "410102002002", "东里社区残协", date(2022, 2, 1))
    xingfu, _ = new_association(maker, "410102002004", "幸福社区残协", date(2022, 3, 1))
    maker.clock.at(date(2024, 8, 5))
    records.split_village(
        "410102002002",
        parts=[DivisionPart("410102002002", "东里社区"), DivisionPart("410102002003", "东里新区")],
        effective_on=date(2024, 3, 1),
        association_to="410102002003",
        by=BY,
    )
    records.merge_villages(
        sources=["410102002002", "410102002004"],
        into_code="410102002002",
        into_name="东里幸福社区",
        effective_on=date(2024, 6, 1),
        by=BY,
    )
    assert association_of(maker, "410102002002").id == xingfu  # the claim was transferred
    records.merge_association(
        dongli,
        into_association_id=UUID(maker.ids["a2"]),
        merged_on=date(2024, 7, 31),
        reason="并入西里社区残协",
        by=BY,
    )
    full_time_and_facilities(maker)


def new_association(
    maker: Maker, village: str, name: str, on: date, code: str = D
) -> tuple[UUID, UUID]:
    """A new association of a village and its chair: (association id, chair's officer id)."""
    records = maker.records(code)
    saved = records.establish_association(
        division_code=village, name=name, township_code=village[:9], established_on=on, by=BY
    )
    assert saved.id is not None
    chair = records.appoint_officer(
        saved.id,
        name=f"{name[:2]}主席",
        role=OfficerRole.CHAIR,
        full_time=False,
        backgrounds=[],
        appointed_on=on,
        by=BY,
    ).id
    assert chair is not None
    return saved.id, chair


def full_time_and_facilities(maker: Maker) -> None:
    """A committee member selected full-time with pay; a facility withdrawn."""
    records = maker.records()
    maker.clock.at(date(2024, 8, 10))
    youyi = UUID(maker.ids["a1"])
    chen = officer(records.association(youyi), "陈静")
    records.select_full_time_member(
        youyi,
        chen,
        method=SelectionMethod.OPEN_RECRUITMENT,
        priority_group=PriorityGroup.DISABLED,
        selected_on=date(2024, 8, 1),
        note="公开招聘",
        by=BY,
    )
    records.arrange_full_time_pay(
        youyi,
        chen,
        kind=PayKind.PUBLIC_WELFARE_POST,
        monthly_amount=Decimal("1800"),
        from_on=date(2024, 8, 1),
        by=BY,
    )
    facility = records.record_facility(
        youyi,
        kind=FacilityKind.BARRIER_FREE,
        description="临时坡道",
        recorded_on=date(2022, 5, 1),
        evidence="照片",
        by=BY,
    ).id
    records.withdraw_facility(
        youyi, facility, withdrawn_on=date(2024, 8, 1), reason="改建拆除", by=BY
    )


def care(maker: Maker) -> None:
    """A group's leader appointed, its member leaving, the group disbanded; a follow-up ends."""
    records = maker.records()
    maker.clock.at(date(2024, 9, 2))
    a1, group = UUID(maker.ids["a1"]), UUID(maker.ids["care_inside_group"])
    member = UUID(maker.ids["care_inside_person"])
    records.appoint_group_leader(a1, group, person_id=member, appointed_on=date(2022, 3, 1), by=BY)
    records.leave_group(
        a1, group, person_id=member, left_on=date(2024, 8, 31), reason="迁居", by=BY
    )
    records.disband_group(a1, group, disbanded_on=date(2024, 9, 1), reason="成员不足", by=BY)
    records.conclude_follow_up(
        a1,
        UUID(maker.ids["care_inside_visit"]),
        UUID(maker.ids["care_inside_follow_up"]),
        concluded_on=date(2024, 8, 20),
        outcome="街道已协调解决",
        resolved=True,
        by=BY,
    )


def _correct_a_resident_id(maker: Maker, records: Any) -> None:
    """A resident ID corrected on 15 October 2024 about 5 January 2022; its old claim reused."""
    uncertified_504 = {"certificate_number": None, "category": None, "grade": None}
    needs = {"service_needs": ["rehabilitation"]}
    corrected = person(504, "410102001001", date(1975, 4, 4), **uncertified_504, **needs)
    mistaken = records.register_person(corrected, registered_on=date(2022, 1, 5), by=BY).id
    maker.clock.at(date(2024, 10, 15))
    right = make_resident_id("410102", date(1975, 4, 5), 4, Sex.MALE)
    records.correct_person(
        mistaken,
        changes={"resident_id": right, "birth_date": date(1975, 4, 5)},
        reason="身份证号录入错误",
        effective_on=date(2022, 1, 5),
        by=BY,
    )
    # The resident ID let go by the correction belongs to someone else, registered now.
    records.register_person(
        person(504, "410102001002", date(1975, 4, 4), name="旧库504号之二"),
        registered_on=date(2024, 10, 15),
        by=BY,
    )


def roster(maker: Maker) -> None:
    """Certificates issued and cancelled, a departure and return, a correction recorded later
    about an earlier date (moving a resident ID's claim, which a new person then takes)."""
    records = maker.records()
    maker.clock.at(date(2024, 10, 8))
    uncertified = person(
        501,
        "410102001001",
        date(1980, 2, 3),
        certificate_number=None,
        category=None,
        grade=None,
        service_needs=["rehabilitation"],
    )
    first = records.register_person(uncertified, registered_on=date(2022, 1, 5), by=BY).id
    records.issue_certificate(
        first,
        certificate_number=f"{uncertified.resident_id}41",
        category=4,
        grade=1,
        effective_on=date(2023, 3, 1),
        by=BY,
    )
    second = records.register_person(
        person(502, "410102001002", date(1966, 7, 8)), registered_on=date(2022, 1, 5), by=BY
    ).id
    records.cancel_certificate(
        second,
        effective_on=date(2024, 5, 1),
        reason="复评不符合",
        service_needs=["assistive_devices"],
        by=BY,
    )
    traveller = records.register_person(
        person(503, "410102002001", date(1990, 9, 9)), registered_on=date(2022, 1, 5), by=BY
    ).id
    records.record_departure(
        traveller, destination="广东省深圳市", effective_on=date(2023, 5, 1), by=BY
    )
    records.record_return(
        traveller,
        village_code="410102002001",
        address="西里小区9号楼",
        origin="广东省深圳市",
        effective_on=date(2024, 9, 1),
        by=BY,
    )
    _correct_a_resident_id(maker, records)


def erasure(maker: Maker) -> None:
    """A person's personal data erased (the claim released, the key destroyed)."""
    records = maker.records()
    maker.clock.at(date(2024, 11, 4))
    erased = records.register_person(
        person(505, "410102001001", date(1958, 12, 12)), registered_on=date(2022, 1, 5), by=BY
    ).id
    records.relocate_person(
        erased,
        village_code="410102001002",
        address="百花小区1号楼",
        effective_on=date(2023, 6, 1),
        by=BY,
    )
    maker.clock.at(date(2024, 11, 11))
    records.erase_person(erased, reason="本人依法申请删除个人信息", by=BY)


def hand_overs(maker: Maker) -> None:
    """D to E and back (the old record takes the person again); a hand-over E refuses."""
    d, e = maker.records(D), maker.records(E)
    maker.clock.at(date(2024, 12, 2))
    mover = d.register_person(
        person(506, "410102001001", date(1985, 1, 1)), registered_on=date(2022, 1, 5), by=BY
    ).id
    move = {"address": "淮河路8号", "effective_on": date(2024, 11, 1), "by": BY}
    d.start_transfer_out(mover, to_district=E, village_code=f"{E}001001", **move)
    there = finish_transfer(d, e, mover, by=BY)
    assert there.state == "completed" and there.received_as is not None, there
    maker.clock.at(date(2024, 12, 9))
    back = {**move, "address": "友谊路2号", "effective_on": date(2024, 12, 1)}
    e.start_transfer_out(there.received_as, to_district=D, village_code="410102001001", **back)
    home = finish_transfer(e, d, there.received_as, by=BY)
    assert home.state == "completed" and home.received_as == mover, home
    held = person(507, "410102001001", date(1977, 3, 3))
    refused = d.register_person(held, registered_on=date(2022, 1, 5), by=BY).id
    e.register_person(
        PersonDetails(**{**held.as_dict(), "village_code": f"{E}001002"}),
        registered_on=date(2023, 1, 5),
        by=BY,
    )
    d.start_transfer_out(refused, to_district=E, village_code=f"{E}001001", **move)
    outcome = finish_transfer(d, e, refused, by=BY)
    assert outcome.state == "cancelled", outcome


STEPS = (
    demo_and_second_district,
    access_samples,
    inspections,
    supervision_and_models,
    lifecycle,
    care,
    roster,
    erasure,
    hand_overs,
)


# -- writing and checking ------------------------------------------------------------------


def missing_topics(runtime: Runtime) -> list[str]:
    """Event classes of ``aggregates/`` with no stored event in district D."""
    from tests.stores.state import topic_counts

    stored = topic_counts(runtime, D)
    return [topic for topic in event_classes() if topic not in stored]


def compact(data: Path) -> None:
    """Checkpoint, vacuum and leave WAL mode: each store is one self-contained file."""
    gc.collect()  # connections dropped unclosed (by a reference cycle) would hold a lock
    for path in sorted(data.rglob("*.sqlite3")):
        conn = sqlite3.connect(path, isolation_level=None)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.execute("PRAGMA journal_mode=DELETE")
            conn.execute("VACUUM")
        finally:
            conn.close()


def fill(data: Path) -> None:
    """Run every step into a new data dir, then sign the final heads."""
    (data / KEY_FILE).write_text(SIGNING_SEED + "\n")
    (data / KEY_FILE).chmod(0o600)
    clock = Clock(date(2024, 6, 3))
    with reproducible(clock):
        runtime = Runtime.open(Settings(data_dir=data, clock=clock))
        try:
            runtime.tenancy.provision()
            maker = Maker(runtime, clock)
            for step in STEPS:
                step(maker)
                if step in (access_samples, lifecycle):
                    maker.sign()
            clock.at(date(2024, 12, 31))
            maker.sign()
            missing = missing_topics(runtime)
        finally:
            runtime.close()
    if missing:
        raise SystemExit("no stored event of: " + ", ".join(missing))


def expected(data: Path) -> dict[str, Any]:
    """Open the finished store as a deployment would, rebuild everything, read it all."""
    runtime = Runtime.open(Settings(data_dir=data))
    try:
        runtime.tenancy.provision()
        public = public_key_base64(load_private_key(SIGNING_SEED))
        return {
            "public_key": public,
            "districts": {
                d.code: rebuilt_state(runtime, d.code, public) for d in runtime.tenancy.districts()
            },
        }
    finally:
        runtime.close()


def main(argv: list[str]) -> int:
    """Write OUTDIR/data and OUTDIR/expected_tables.json; OUTDIR/data must not exist yet."""
    if len(argv) != 1:
        print("usage: python -m tests.stores.make_old_store OUTDIR", file=sys.stderr)
        return 2
    out = Path(argv[0])
    data = out / "data"
    if data.exists():
        print(f"{data} exists: a committed store is never written again", file=sys.stderr)
        return 1
    data.mkdir(parents=True)
    fill(data)
    compact(data)
    state = expected(data)
    compact(data)
    text = json.dumps(state, ensure_ascii=False, indent=1, sort_keys=True)
    (out / "expected_tables.json").write_text(text + "\n")
    for code, district in state["districts"].items():
        print(f"{code}: {sum(district['topics'].values())} events")
        for topic, count in district["topics"].items():
            print(f"  {count:4d} {topic}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
