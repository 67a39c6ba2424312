"""Who may do what: every endpoint declares its rule here, enforced in one place.

A rule names the *action* (read, write, audit, ...) and what the request targets (the
city, a district, an association).  The enforcement (issue 3) reads the rule of the
endpoint a request reaches; an endpoint without a rule is refused, and the access-matrix
test fails for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

from aggregates.errors import RoleHasNo, RoleNeeds, TownshipOutsideDistrict

if TYPE_CHECKING:
    from projections.platform.users import User

F = TypeVar("F", bound=Callable[..., Any])


class Action(StrEnum):
    """What a request does."""

    PUBLIC = "public"  # health, the OpenAPI document: no account needed
    READ = "read"  # read records in scope
    WRITE = "write"  # change records in scope
    CREATE_DISTRICT = "create_district"  # city-level administration
    AUDIT = "audit"  # read the audit trail and ledger
    MANAGE_USERS = "manage_users"  # accounts and tokens
    INSPECT = "inspect"  # record inspections and findings
    ERASE = "erase"  # erase a person's personal data for good (crypto-shredding)
    # Sign a tree head of a district's ledger now: an operator's act (beat signs on its own
    # schedule); auditors read and check heads, they do not make them.
    SIGN_HEADS = "sign_heads"


class Target(StrEnum):
    """What part of the organisational tree a request reaches."""

    NONE = "none"
    CITY = "city"
    DISTRICT = "district"  # from the ``code`` path argument
    ASSOCIATION = "association"  # from ``code`` and ``association_id``


@dataclass(frozen=True)
class Rule:
    """The access rule of one endpoint method."""

    action: Action
    target: Target


RULE_ATTRIBUTE = "_canxie_access_rule"


def rule(action: Action, target: Target) -> Callable[[F], F]:
    """Declare the access rule of a view method."""

    def decorate(view: F) -> F:
        setattr(view, RULE_ATTRIBUTE, Rule(action, target))
        return view

    return decorate


def rule_of(view: Callable[..., Any]) -> Rule | None:
    """The rule a view method declared, if any."""
    return getattr(view, RULE_ATTRIBUTE, None)


class Role(StrEnum):
    """The roles of the plan's organisations (issue 3)."""

    CITY_ADMIN = "city_admin"  # 市残联
    BUREAU_AUDITOR = "bureau_auditor"  # 民政局
    DISTRICT_ADMIN = "district_admin"  # 区县残联
    TOWNSHIP_OFFICER = "township_officer"  # 乡镇（街道）残联
    ASSOCIATION_WORKER = "association_worker"  # 残协主席或专职委员
    INSPECTOR = "inspector"  # 督查、验收人员


#: What each role may do at all; where it may do it is its scope.
ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.CITY_ADMIN: frozenset(Action),
    Role.BUREAU_AUDITOR: frozenset({Action.PUBLIC, Action.READ, Action.AUDIT}),
    Role.DISTRICT_ADMIN: frozenset(
        {
            Action.PUBLIC,
            Action.READ,
            Action.WRITE,
            Action.AUDIT,
            Action.MANAGE_USERS,
            Action.ERASE,
            Action.INSPECT,  # the district's own level-by-level supervision (S4 phase 3)
        }
    ),
    Role.TOWNSHIP_OFFICER: frozenset({Action.PUBLIC, Action.READ, Action.WRITE}),
    Role.ASSOCIATION_WORKER: frozenset({Action.PUBLIC, Action.READ, Action.WRITE}),
    Role.INSPECTOR: frozenset({Action.PUBLIC, Action.READ, Action.INSPECT}),
}

#: Roles that may ask to see personal data unmasked (always with a reason, always recorded).
UNMASK_ROLES = frozenset(
    {Role.CITY_ADMIN, Role.DISTRICT_ADMIN, Role.TOWNSHIP_OFFICER, Role.ASSOCIATION_WORKER}
)


@dataclass(frozen=True)
class Principal:
    """The authenticated caller: a role and a scope in the organisational tree.

    ``district`` None means city-wide; ``township`` narrows a district to one township,
    ``association_id`` to one association.
    """

    actor: str
    name: str
    role: Role
    district: str | None = None
    township: str | None = None
    association_id: str | None = None
    organisation: str = ""

    @property
    def city_wide(self) -> bool:
        """Covers every district."""
        return self.district is None

    def may(self, action: Action) -> bool:
        """Whether the role allows the action anywhere."""
        return action in ROLE_ACTIONS[self.role]

    def covers_district(self, code: str) -> bool:
        """Whether any part of district ``code`` is in scope."""
        return self.city_wide or self.district == code

    def covers_whole_district(self, code: str) -> bool:
        """Whether all of district ``code`` is in scope."""
        return self.covers_district(code) and not self.township and not self.association_id

    def covers_village(self, division_code: str) -> bool:
        """Whether a village's records (any of its associations) are in scope."""
        if not self.covers_district(division_code[:6]) or self.association_id:
            return False
        return self.township is None or division_code.startswith(self.township)

    def covers_association(self, association_id: str, township_code: str) -> bool:
        """Whether one association is in scope, given the township it belongs to."""
        if self.association_id:
            return self.association_id == association_id
        return self.township is None or self.township == township_code


def principal_of(user: User) -> Principal:
    """The caller an account is, however it proved it (bearer token or signed-in session)."""
    return Principal(
        actor=user.id,
        name=user.name,
        role=Role(user.role),
        district=user.district,
        township=user.township,
        association_id=user.association_id,
        organisation=user.organisation,
    )


#: Which scope fields each role needs (the others must be absent).
SCOPE_FIELDS: dict[Role, tuple[str, ...]] = {
    Role.CITY_ADMIN: (),
    Role.BUREAU_AUDITOR: (),
    Role.DISTRICT_ADMIN: ("district",),
    Role.TOWNSHIP_OFFICER: ("district", "township"),
    Role.ASSOCIATION_WORKER: ("district", "association_id"),
    Role.INSPECTOR: (),  # city-wide, or one district when ``district`` is given
}


def check_scope_fields(role: Role, data: dict[str, Any]) -> None:
    """Refuse an account whose scope fields do not fit its role."""
    needed = SCOPE_FIELDS[role]
    optional = ("district",) if role is Role.INSPECTOR else ()
    for name in ("district", "township", "association_id"):
        given = data.get(name) is not None
        if name in needed and not given:
            raise RoleNeeds(role=role.value, field=name)
        if given and name not in needed and name not in optional:
            raise RoleHasNo(role=role.value, field=name)
    township = data.get("township")
    if township and not township.startswith(data["district"]):
        raise TownshipOutsideDistrict(field="township")
