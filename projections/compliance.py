"""Compliance with the plan: every checkable clause as a rule, evaluated on read-model tables.

The tables are either the live read models (copied into memory) or an as-of replay, so the
same rules answer "does this association meet the plan today?" and "did it, as the records
stood on 30 March 2022?".  Each finding names the rule, its clause, the association and the
facts behind it.  The rules live one module per clause in :mod:`projections.rules`, their
figures in :mod:`aggregates.plan`, versioned by the date they take effect.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, fields, replace
from datetime import date
from functools import partial
from typing import Any

from aggregates.plan import Plan, in_force
from projections.engine.as_of import reading
from projections.engine.history import Basis
from projections.engine.memory import MemoryTables
from projections.kept_rollups import kept
from projections.platform.database import Database
from projections.rules import COVERAGE, RULES, RULES_BY_ID, Rule
from projections.rules.facts import Facts
from projections.rules.s2_coverage import covered, uncovered
from projections.rules.stored_facts import read_facts

__all__ = [
    "RULES",
    "RULES_BY_ID",
    "Finding",
    "Report",
    "Rule",
    "evaluate",
    "evaluate_facts",
    "evaluate_stored",
    "kept_rollup",
    "rolled_up",
    "summarize_stored",
]


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
        """Plain form for the API and reports (the facts as they are: built for this finding,
        not shared, so not copied deeply as ``dataclasses.asdict`` would, at 1 ms a finding)."""
        return {name: getattr(self, name) for name in FINDING_FIELDS}


FINDING_FIELDS = tuple(f.name for f in fields(Finding))


@dataclass(frozen=True)
class Report:
    """Findings of one district on one date, with roll-ups."""

    district: str
    as_of: date
    ruleset: Plan  # the plan in force on as_of (its figures and effective_from)
    findings: list[Finding]
    summary: dict[str, Any]
    townships: list[dict[str, Any]]


def _rollup(
    findings: list[Finding], villages: int | None, in_villages: int | None
) -> dict[str, Any]:
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
        "covered_villages": in_villages,
        "coverage_rate": round(in_villages / villages, 4)
        if villages and in_villages is not None
        else None,
        "failures_by_rule": dict(sorted(failures.items())),
    }


def _association_findings(facts: Facts, plan: Plan) -> list[Finding]:
    findings: list[Finding] = []
    for association in facts.associations:
        for rule in RULES:
            passed, detail = rule.check(association, facts, plan)
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
    return findings


def _coverage_findings(facts: Facts) -> list[Finding]:
    return [
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
        for village in uncovered(facts)
    ]


def _townships(findings: list[Finding], facts: Facts, with_association: set[str]) -> list[Any]:
    by_township: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_township[finding.township_code].append(finding)
    villages_of: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for village in facts.villages:
        villages_of[str(village.get("township_code"))].append(village)
    townships = []
    for township in sorted(by_township.keys() | villages_of.keys()):
        own = by_township.get(township, [])
        own_villages = villages_of.get(township, [])
        own_covered = sum(1 for v in own_villages if v["code"] in with_association)
        townships.append(
            {
                "township_code": township,
                **_rollup(own, len(own_villages) or None, own_covered if own_villages else None),
            }
        )
    return townships


#: The read models the rules read (rules/facts.py): an as-of or live evaluation loads only
#: these (tests/temporal checks the result against a replay of every read model).
RULE_TABLES = frozenset(
    {
        "association_status",
        "associations",
        "divisions",
        "evaluations",
        "facilities",
        "full_time_members",
        "group_memberships",
        "home_visits",
        "officers",
        "persons",
        "training_attendance",
        "training_sessions",
        "visit_interval_versions",
    }
)


def evaluate(district: str, tables: MemoryTables, as_of: date) -> Report:
    """Check every rule for every association of the district on ``as_of``."""
    return evaluate_facts(district, Facts(tables, as_of))


def evaluate_stored(db: Database, district: str, as_of: date, basis: Basis | None = None) -> Report:
    """Every rule on the district's read models: the live tables when ``basis`` is None (the
    facts of ``as_of``, normally today), else the temporal tables as of ``as_of`` on it."""
    source = db if basis is None else reading(db, as_of, basis)
    return evaluate_facts(district, read_facts(source, district, as_of))


def summarize_stored(
    db: Database, district: str, as_of: date, basis: Basis | None = None
) -> Report:
    """The roll-ups of :func:`evaluate_stored` (district and townships) without its findings,
    which come back empty: the roster rules are counted in the store, so no person or
    household leaves it (the city's answer and the dashboards' series add these up)."""
    source = db if basis is None else reading(db, as_of, basis)
    report = evaluate_facts(district, read_facts(source, district, as_of, named=False))
    return replace(report, findings=[])


def rolled_up(db: Database, district: str, as_of: date, basis: Basis | None) -> dict[str, Any]:
    """The roll-ups of :func:`summarize_stored` as plain values (``summary``, ``townships``):
    what a city-wide answer and a series are made of, and what is kept of them."""
    report = summarize_stored(db, district, as_of, basis)
    return {"summary": report.summary, "townships": report.townships}


def kept_rollup(db: Database, district: str, as_of: date, basis: Basis | None) -> dict[str, Any]:
    """:func:`rolled_up`, read from the district's kept roll-ups when it holds one for the
    same events and rules (:mod:`projections.kept_rollups`), else computed and kept."""
    return kept(db, district, as_of, basis, partial(rolled_up, db, district, as_of, basis))


def evaluate_facts(district: str, facts: Facts) -> Report:
    """Check every rule on facts already gathered (from tables, or from the store by SQL:
    :func:`projections.rules.stored_facts.read_facts`)."""
    as_of = facts.as_of
    plan = in_force(as_of)
    findings = _association_findings(facts, plan) + _coverage_findings(facts)
    with_association = covered(facts)
    villages = len(facts.villages) or None
    in_villages = sum(1 for v in facts.villages if v["code"] in with_association)
    summary = _rollup(findings, villages, in_villages if villages else None)
    townships = _townships(findings, facts, with_association)
    return Report(district, as_of, plan, findings, summary, townships)
