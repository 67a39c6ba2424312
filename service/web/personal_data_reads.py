"""The record of unmasked reads of personal data (issue 16): who saw whose personal data in
full, which fields, when and with what reason, newest first, paged.  The person is named by
their record's id only (as the roster's links do), never by what was read."""

from __future__ import annotations

from flask import Response, request

from service.admin import application as admin
from service.application import inspecting as reads
from service.http.access import Action, Target, rule
from service.http.context import caller
from service.web.audit_trail import ROLES, china_time
from service.web.blueprint import pages, render_page
from service.web.paging import PAGE_SIZE, offset_of


@pages.route("/personal-data-reads")
@rule(Action.AUDIT, Target.NONE)
def personal_data_reads() -> Response:
    """One page of the record, of one district (a city-wide caller may choose, or see all)."""
    own = reads.own_district(caller())
    districts = [] if own else reads.districts(caller())
    chosen = own or request.args.get("district", "").strip() or None
    if chosen and not own and chosen not in {d["code"] for d in districts}:
        chosen = None
    offset = offset_of(request.args)
    found = admin.unmasked_reads(caller(), chosen, PAGE_SIZE + 1, offset)
    return render_page(
        "audit/personal_data_reads.html",
        items=found[:PAGE_SIZE],
        more=len(found) > PAGE_SIZE,
        offset=offset,
        limit=PAGE_SIZE,
        district=chosen,
        own=own,
        districts=districts,
        roles=ROLES,
        when=china_time,
    )
