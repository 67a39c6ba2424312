"""Groups (S3.3): the association's groups with their members and leader, who is in no group
yet (一个不能少), adding a member and setting the leader.

A member is chosen step by step: the persons in no group first, or a search by name, one page
at a time; never a select of the whole roster.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Response, request, url_for

from service.application import village_care as village
from service.care.schemas import LeaderIn, MemberIn
from service.http.access import Action, Target, rule
from service.http.context import caller
from service.web.blueprint import pages, render_page
from service.web.forms import Form
from service.web.paging import PAGE_SIZE, Page, offset_of
from service.web.submitting import after, posted, submit
from service.web.vocabulary import DISABILITY_CATEGORIES, GROUP_BASES

#: Candidates shown at once in the add-a-member form.
CANDIDATES = 10


@pages.route("/groups")
@rule(Action.READ, Target.NONE)
def groups() -> Response:
    """The association's groups today, and how many persons are in none."""
    found = village.groups(caller())
    ungrouped = village.persons(caller(), grouped=False, limit=1).total
    return render_page(
        "groups/index.html",
        groups=found,
        ungrouped=ungrouped,
        bases=GROUP_BASES,
        categories=DISABILITY_CATEGORIES,
    )


@pages.route("/groups/ungrouped")
@rule(Action.READ, Target.NONE)
def ungrouped() -> Response:
    """Persons of the villages in no group today (一个不能少), paged."""
    offset = offset_of(request.args)
    found = village.persons(caller(), grouped=False, offset=offset, limit=PAGE_SIZE)
    page = Page(found.items, found.total, offset, PAGE_SIZE, query={})
    return render_page("groups/ungrouped.html", page=page, groups=village.groups(caller()))


def _group_page(
    group_id: UUID, member: Form, leader: Form, status: int = 200, after: int | None = None
) -> Response:
    group = village.group(caller(), group_id, after)
    # a refused member form keeps the search it was chosen from (sent along as ``q``)
    text = request.values.get("q", "").strip()[:40]
    offset = offset_of(request.values)
    candidates = village.persons(
        caller(), text=text, grouped=None if text else False, offset=offset, limit=CANDIDATES
    )
    query = {"group_id": str(group_id), **({"q": text} if text else {})}
    return render_page(
        "groups/group.html",
        status,
        group=group,
        member=member,
        leader=leader,
        text=text,
        candidates=Page(candidates.items, candidates.total, offset, CANDIDATES, query=query),
        bases=GROUP_BASES,
        categories=DISABILITY_CATEGORIES,
        recorded=request.args.get("recorded"),
    )


def _today() -> dict[str, Any]:
    return {"joined_on": caller().today().isoformat(), "appointed_on": caller().today().isoformat()}


@pages.route("/groups/<uuid:group_id>", methods=["GET"])
@rule(Action.READ, Target.NONE)
def group(group_id: UUID) -> Response:
    """A group: members, leader, and the forms to add a member and to set the leader."""
    return _group_page(group_id, Form(values=_today()), Form(values=_today()), after=after())


def _record(group_id: UUID, form: Form, which: str) -> Response:
    """Send the member or leader form: refused with its values, else recorded once."""
    schema, command = (
        (MemberIn(), village.join) if which == "member" else (LeaderIn(), village.appoint_leader)
    )
    field, day = ("member_id", "joined_on") if which == "member" else ("leader_id", "appointed_on")
    payload = {"person_id": form.values.get(field) or None, day: form.values.get(day) or None}
    other = Form(values=_today())
    forms = (form, other) if which == "member" else (other, form)

    def record(data: dict[str, Any]) -> str:
        saved = command(caller(), group_id, data)
        return url_for("pages.group", group_id=group_id, recorded=which, after=saved.position)

    return submit(
        form,
        schema,
        payload,
        record,
        lambda status: _group_page(group_id, *forms, status=status),
        names={"person_id": field},
    )


@pages.route("/groups/<uuid:group_id>/members", methods=["POST"])
@rule(Action.WRITE, Target.NONE)
def add_member(group_id: UUID) -> Response:
    """A person of the villages joins the group (recorded once)."""
    return _record(group_id, posted(), "member")


@pages.route("/groups/<uuid:group_id>/leader", methods=["POST"])
@rule(Action.WRITE, Target.NONE)
def set_leader(group_id: UUID) -> Response:
    """A member becomes the group's leader (recorded once)."""
    return _record(group_id, posted(), "leader")
