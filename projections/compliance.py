"""Compliance with the plan: every checkable clause as a rule, evaluated on read-model tables.

The tables are either the live read models (copied into memory) or an as-of replay, so the
same rules answer "does this association meet the plan today?" and "did it, as the records
stood on 30 March 2022?".  Each finding names the rule, its clause, the association and the
facts behind it.  Rule parameters are versioned by the date they take effect.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from projections.district_settings import intervals_in_force
from projections.memory import MemoryTables


@dataclass(frozen=True)
class RuleSet:
    """The figures the rules use, from the date they take effect."""

    effective_from: date
    vice_chairs: tuple[int, int] = (2, 3)  # S3.3
    committee_members: tuple[int, int] = (3, 5)  # S3.3
    evaluation_window_days: int = 366  # S3.5: evaluated in the current (yearly) cycle
    training_window_days: int = 731  # S3.7: trained within the last two years


#: The plan (郑残联〔2020〕43号) took effect on 12 October 2020.
RULESETS: tuple[RuleSet, ...] = (RuleSet(effective_from=date(2020, 10, 12)),)


def ruleset_on(day: date, rulesets: Iterable[RuleSet] = RULESETS) -> RuleSet:
    """The rule set in force on ``day`` (the earliest one before the plan existed)."""
    ordered = sorted(rulesets, key=lambda r: r.effective_from)
    chosen = ordered[0]
    for candidate in ordered:
        if candidate.effective_from <= day:
            chosen = candidate
    return chosen


@dataclass(frozen=True)
class Finding:
    """One rule checked against one association (or village, for coverage)."""

    rule_id: str
    clause: str
    passed: bool
    association_id: str | None
    association_name: str | None
    division_code: str
    township_code: str
    facts: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """Plain form for the API and reports."""
        return asdict(self)


def _on(value: Any) -> str | None:
    return str(value) if value else None


def _active_between(start: Any, end: Any, day: str) -> bool:
    """Whether something that started on ``start`` and ended on ``end`` holds on ``day``."""
    begun = start is None or str(start) <= day
    return begun and (end is None or str(end) > day)


class Facts:
    """The read-model facts of one district on one date, indexed for the rules."""

    def __init__(self, tables: MemoryTables, as_of: date) -> None:
        self.as_of = as_of
        self.day = as_of.isoformat()
        day = self.day
        ended = {
            row["association_id"]: row
            for row in tables.rows("association_status")
            if row.get("ended_on") and str(row["ended_on"]) <= day
        }
        self.associations = sorted(
            (
                a
                for a in tables.rows("associations")
                if str(a["established_on"]) <= day and a["id"] not in ended
            ),
            key=lambda a: a["division_code"],
        )
        self.officers: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for officer in tables.rows("officers"):
            if _active_between(officer["appointed_on"], officer["removed_on"], day):
                self.officers[officer["association_id"]].append(officer)
        self.persons: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for person in tables.rows("persons"):
            if person.get("status") == "active" and str(person.get("registered_on") or "") <= day:
                self.persons[str(person.get("village_code"))].append(person)
        self.members: set[str] = {
            str(m["person_id"])
            for m in tables.rows("group_memberships")
            if _active_between(m["joined_on"], m["left_on"], day)
        }
        self.last_visit: dict[str, str] = {}
        for visit in tables.rows("home_visits"):
            when = str(visit["visited_on"])
            if when <= day and when > self.last_visit.get(str(visit["household_id"]), ""):
                self.last_visit[str(visit["household_id"])] = when
        versions = [
            {
                **v,
                "intervals": json.loads(v["intervals"])
                if isinstance(v["intervals"], str)
                else v["intervals"],
            }
            for v in sorted(tables.rows("visit_interval_versions"), key=lambda v: v["position"])
        ]
        self.intervals = intervals_in_force(versions, as_of)["intervals"]
        self.facilities: dict[str, set[str]] = defaultdict(set)
        for facility in tables.rows("facilities"):
            if _active_between(facility["recorded_on"], facility["withdrawn_on"], day):
                self.facilities[facility["association_id"]].add(facility["kind"])
        self.evaluations: dict[str, list[str]] = defaultdict(list)
        for evaluation in tables.rows("evaluations"):
            if evaluation["subject"] == "association" and str(evaluation["evaluated_on"]) <= day:
                self.evaluations[evaluation["association_id"]].append(
                    str(evaluation["evaluated_on"])
                )
        sessions = {s["session_id"]: str(s["held_on"]) for s in tables.rows("training_sessions")}
        self.trained: dict[str, str] = {}
        for attendance in tables.rows("training_attendance"):
            held = sessions.get(attendance["session_id"])
            officer = str(attendance["officer_id"])
            if held and held <= day and held > self.trained.get(officer, ""):
                self.trained[officer] = held
        self.villages = sorted(
            (
                d
                for d in tables.rows("divisions")
                if d.get("level") == "village"
                and _active_between(d.get("valid_from"), d.get("ended_on"), day)
            ),
            key=lambda d: d["code"],
        )


Check = Callable[[dict[str, Any], Facts, RuleSet], tuple[bool, dict[str, Any]]]


@dataclass(frozen=True)
class Rule:
    """A checkable clause of the plan."""

    rule_id: str
    clause: str
    title_zh: str
    title_en: str
    check: Check


def _sitting(association: dict[str, Any], facts: Facts, role: str) -> list[dict[str, Any]]:
    return [o for o in facts.officers.get(association["id"], []) if o["role"] == role]


def _count_rule(role: str, bounds: Callable[[RuleSet], tuple[int, int]]) -> Check:
    def check(
        association: dict[str, Any], facts: Facts, rules: RuleSet
    ) -> tuple[bool, dict[str, Any]]:
        low, high = bounds(rules)
        names = [o["name"] for o in _sitting(association, facts, role)]
        return low <= len(names) <= high, {
            "sitting": len(names),
            "names": names,
            "required": [low, high],
        }

    return check


def _full_time(
    association: dict[str, Any], facts: Facts, rules: RuleSet
) -> tuple[bool, dict[str, Any]]:
    names = [o["name"] for o in _sitting(association, facts, "committee_member") if o["full_time"]]
    return bool(names), {"full_time_members": names}


def _rostered(association: dict[str, Any], facts: Facts) -> list[dict[str, Any]]:
    return facts.persons.get(association["division_code"], [])


def _groups(
    association: dict[str, Any], facts: Facts, rules: RuleSet
) -> tuple[bool, dict[str, Any]]:
    outside = [p["id"] for p in _rostered(association, facts) if str(p["id"]) not in facts.members]
    return not outside, {"rostered": len(_rostered(association, facts)), "not_in_a_group": outside}


def _visits(
    association: dict[str, Any], facts: Facts, rules: RuleSet
) -> tuple[bool, dict[str, Any]]:
    households: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for person in _rostered(association, facts):
        households[str(person.get("household_id") or person["id"])].append(person)
    overdue = []
    for household, people in sorted(households.items()):
        kind = "special_hardship" if any(p.get("special_hardship") for p in people) else "ordinary"
        interval = int(facts.intervals.get(kind, 365))
        since = facts.last_visit.get(household) or min(
            str(p.get("registered_on") or facts.day) for p in people
        )
        due = date.fromisoformat(since) + timedelta(days=interval)
        if due < facts.as_of:
            overdue.append(
                {
                    "household_id": household,
                    "kind": kind,
                    "last_visit": facts.last_visit.get(household),
                    "due": due.isoformat(),
                }
            )
    return not overdue, {"households": len(households), "overdue": overdue}


def _roster_complete(
    association: dict[str, Any], facts: Facts, rules: RuleSet
) -> tuple[bool, dict[str, Any]]:
    people = _rostered(association, facts)
    incomplete = [
        p["id"]
        for p in people
        if not p.get("household_id")
        or not p.get("address")
        or not (p.get("certificate_number") or p.get("service_needs"))
    ]
    return bool(people) and not incomplete, {"rostered": len(people), "incomplete": incomplete}


def _facility(*kinds: str) -> Check:
    def check(
        association: dict[str, Any], facts: Facts, rules: RuleSet
    ) -> tuple[bool, dict[str, Any]]:
        have = facts.facilities.get(association["id"], set())
        missing = [k for k in kinds if k not in have]
        return not missing, {"missing": missing}

    return check


def _evaluated(
    association: dict[str, Any], facts: Facts, rules: RuleSet
) -> tuple[bool, dict[str, Any]]:
    since = (facts.as_of - timedelta(days=rules.evaluation_window_days)).isoformat()
    dates = sorted(facts.evaluations.get(association["id"], []))
    recent = [d for d in dates if d > since]
    return bool(recent), {"last_evaluated_on": dates[-1] if dates else None}


def _trained(
    association: dict[str, Any], facts: Facts, rules: RuleSet
) -> tuple[bool, dict[str, Any]]:
    since = (facts.as_of - timedelta(days=rules.training_window_days)).isoformat()
    core = [
        o
        for o in facts.officers.get(association["id"], [])
        if o["role"] in ("chair", "vice_chair") or o["full_time"]
    ]
    untrained = [o["name"] for o in core if facts.trained.get(str(o["officer_id"]), "") <= since]
    return bool(core) and not untrained, {"core_officers": len(core), "untrained": untrained}


RULES: tuple[Rule, ...] = (
    Rule(
        "S3.3-chair", "S3.3", "主席1名", "exactly one chair", _count_rule("chair", lambda r: (1, 1))
    ),
    Rule(
        "S3.3-vice-chairs",
        "S3.3",
        "副主席2至3名",
        "two or three vice-chairs",
        _count_rule("vice_chair", lambda r: r.vice_chairs),
    ),
    Rule(
        "S3.3-committee-members",
        "S3.3",
        "委员3至5名",
        "three to five committee members",
        _count_rule("committee_member", lambda r: r.committee_members),
    ),
    Rule(
        "S3.6-full-time-member",
        "S3.6",
        "至少1名专职委员",
        "at least one full-time member",
        _full_time,
    ),
    Rule(
        "S3.3-everyone-in-a-group",
        "S3.3",
        "残疾人全部编入小组（一个不能少）",
        "every rostered person in a group",
        _groups,
    ),
    Rule(
        "S3.5-visits-on-time",
        "S3.5",
        "按期入户走访",
        "households visited within the interval",
        _visits,
    ),
    Rule("S3.5-roster-complete", "S3.5", "花名册完整规范", "roster complete", _roster_complete),
    Rule(
        "S3.4-service-venue",
        "S3.4",
        "有服务场所",
        "a service venue recorded",
        _facility("service_venue"),
    ),
    Rule(
        "S3.5-duties-and-rules-on-wall",
        "S3.5",
        "职责制度上墙公示",
        "duties and rules displayed on the wall",
        _facility("duties_on_wall", "rules_on_wall"),
    ),
    Rule("S3.5-evaluated", "S3.5", "本周期已考核", "evaluated in the current cycle", _evaluated),
    Rule(
        "S3.7-officers-trained",
        "S3.7",
        "骨干成员已培训",
        "chair, vice-chairs and full-time members trained",
        _trained,
    ),
)
COVERAGE = Rule(
    "S2-coverage",
    "S2",
    "村（社区）残协全覆盖",
    "every village has an association",
    lambda a, f, r: (True, {}),
)
RULES_BY_ID = {rule.rule_id: rule for rule in (*RULES, COVERAGE)}


@dataclass(frozen=True)
class Report:
    """Findings of one district on one date, with roll-ups."""

    district: str
    as_of: date
    ruleset: RuleSet
    findings: list[Finding]
    summary: dict[str, Any]
    townships: list[dict[str, Any]]


def _rollup(findings: list[Finding], villages: int | None, covered: int | None) -> dict[str, Any]:
    by_association: dict[str, bool] = {}
    failures: dict[str, int] = defaultdict(int)
    for finding in findings:
        if finding.association_id is not None:
            ok = by_association.get(finding.association_id, True)
            by_association[finding.association_id] = ok and finding.passed
        if not finding.passed:
            failures[finding.rule_id] += 1
    associations = len(by_association)
    compliant = sum(by_association.values())
    return {
        "associations": associations,
        "fully_compliant": compliant,
        "compliant_share": round(compliant / associations, 4) if associations else None,
        "villages": villages,
        "covered_villages": covered,
        "coverage_rate": round(covered / villages, 4) if villages else None,
        "failures_by_rule": dict(sorted(failures.items())),
    }


def evaluate(district: str, tables: MemoryTables, as_of: date) -> Report:
    """Check every rule for every association of the district on ``as_of``."""
    facts = Facts(tables, as_of)
    rules = ruleset_on(as_of)
    findings: list[Finding] = []
    for association in facts.associations:
        for rule in RULES:
            passed, detail = rule.check(association, facts, rules)
            findings.append(
                Finding(
                    rule.rule_id,
                    rule.clause,
                    passed,
                    association["id"],
                    association["name"],
                    association["division_code"],
                    association["township_code"],
                    detail,
                )
            )
    with_association = {a["division_code"] for a in facts.associations}
    for village in facts.villages:
        if village["code"] not in with_association:
            findings.append(
                Finding(
                    COVERAGE.rule_id,
                    COVERAGE.clause,
                    False,
                    None,
                    None,
                    village["code"],
                    str(village.get("township_code") or village["code"][:9]),
                    {"village": village["name"]},
                )
            )
    villages = len(facts.villages) or None
    covered = sum(1 for v in facts.villages if v["code"] in with_association) if villages else None
    townships = []
    for township in sorted(
        {f.township_code for f in findings} | {str(v.get("township_code")) for v in facts.villages}
    ):
        own = [f for f in findings if f.township_code == township]
        own_villages = [v for v in facts.villages if str(v.get("township_code")) == township]
        own_covered = sum(1 for v in own_villages if v["code"] in with_association)
        townships.append(
            {
                "township_code": township,
                **_rollup(own, len(own_villages) or None, own_covered if own_villages else None),
            }
        )
    return Report(district, as_of, rules, findings, _rollup(findings, villages, covered), townships)
