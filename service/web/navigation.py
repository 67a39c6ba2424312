"""What each role finds in the navigation, and where it lands after signing in.

Screens of other roles join here as they are built (issue 14's list of screens by role).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import g, request, url_for
from flask_babel import LazyString, lazy_gettext

from service.http.access import Action, Principal, Role


@dataclass(frozen=True)
class NavItem:
    """One link of the navigation."""

    label: str
    url: str
    current: bool


#: The pages of each role, in the order of the navigation: (endpoint, label).
ROLE_PAGES: dict[Role, tuple[tuple[str, LazyString], ...]] = {
    Role.ASSOCIATION_WORKER: (
        ("pages.tasks", lazy_gettext("My tasks")),
        ("pages.new_visit", lazy_gettext("Record a home visit")),
        ("pages.roster_search", lazy_gettext("Roster")),
        ("pages.needs", lazy_gettext("Needs and services")),
        ("pages.groups", lazy_gettext("Groups")),
        ("pages.training", lazy_gettext("Training")),
        ("pages.problems", lazy_gettext("Problems to rectify")),
        ("pages.my_association", lazy_gettext("My association")),
    ),
    Role.TOWNSHIP_OFFICER: (
        ("pages.township_overview", lazy_gettext("Township overview")),
        ("pages.overdue_visits", lazy_gettext("Overdue home visits")),
        ("pages.township_moves", lazy_gettext("Moves between villages")),
        ("pages.township_training", lazy_gettext("Training sessions")),
        ("pages.roster_search", lazy_gettext("Roster")),
    ),
    # The supervisors (issue 16): compliance of the city, or of their district.
    Role.CITY_ADMIN: (("pages.compliance_city", lazy_gettext("Compliance")),),
    Role.DISTRICT_ADMIN: (("pages.compliance_city", lazy_gettext("Compliance")),),
    Role.INSPECTOR: (  # inspections first: an inspector's daily work
        ("pages.inspections_home", lazy_gettext("Inspections")),
        ("pages.compliance_city", lazy_gettext("Compliance")),
    ),
    Role.BUREAU_AUDITOR: (("pages.compliance_city", lazy_gettext("Compliance")),),
}
#: Supervisors' links beside the screens other issues give them (inspections and acceptance).
SUPERVISION_PAGES = (("pages.inspections_home", lazy_gettext("Inspections")),)
#: The audit pages (issue 16), for every role that may read the audit trail.
AUDIT_PAGES = (
    ("pages.audit_home", lazy_gettext("Audit trail")),
    ("pages.ledger_home", lazy_gettext("Ledger")),
    ("pages.personal_data_reads", lazy_gettext("Unmasked reads")),
)
#: Administrators' own pages (accounts, settings, imports, erasure).
ADMINISTRATION_PAGES = (("pages.administration", lazy_gettext("Administration")),)
#: Where a role without screens of its own yet lands.
DEFAULT_HOME = "pages.home"
HOME = lazy_gettext("Home")


def home_endpoint(principal: Principal) -> str:
    """The role's first page."""
    listed = ROLE_PAGES.get(principal.role)
    return listed[0][0] if listed else DEFAULT_HOME


def navigation() -> list[NavItem]:
    """The signed-in user's links (none before signing in)."""
    principal: Principal | None = g.get("principal")
    if principal is None:
        return []
    listed = ROLE_PAGES.get(principal.role, ((DEFAULT_HOME, HOME),))
    if principal.role in (Role.CITY_ADMIN, Role.DISTRICT_ADMIN):
        listed = (*listed, *SUPERVISION_PAGES, *ADMINISTRATION_PAGES)
    if principal.may(Action.AUDIT):
        listed = (*listed, *AUDIT_PAGES)
    return [
        NavItem(str(label), url_for(endpoint), request.endpoint == endpoint)
        for endpoint, label in listed
    ]
