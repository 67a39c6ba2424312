"""Moves of persons between the township's villages (S3.5): the list of moves into, out of and
inside the township, and recording a move (the person found by name, the village chosen
among the township's, the new address and the day)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Response, request, url_for
from flask_babel import gettext
from marshmallow import ValidationError

from aggregates.errors import DomainError
from service.application import township
from service.http.access import Action, Target, rule
from service.http.context import caller
from service.http.problems import ProblemError
from service.roster.schemas import PersonRelocationIn
from service.web.blueprint import go_to, pages, render_page
from service.web.forms import Form
from service.web.paging import PAGE_SIZE, Page, offset_of
from service.web.submitting import after, once


@pages.route("/township/moves")
@rule(Action.READ, Target.NONE)
def township_moves() -> Response:
    """Moves into, out of and between the township's villages, newest first, paged."""
    offset = offset_of(request.args)
    found = township.moves(caller(), offset=offset, limit=PAGE_SIZE, after=after())
    page = Page(found.items, found.total, offset, PAGE_SIZE)
    return render_page("township/moves.html", found=found, page=page)


def _person_id(value: Any) -> UUID:
    """The person asked for; a value that is no id names nobody (the nil id: not found)."""
    try:
        return UUID(str(value))
    except ValueError:
        return UUID(int=0)


def _form_page(person: dict[str, Any], form: Form, status: int = 200) -> Response:
    every = township.villages(caller())
    villages = [v for v in every if v["code"] != person["village_code"]]
    names = {v["code"]: v["name"] for v in every}
    return render_page(
        "township/move.html", status, person=person, form=form, villages=villages, names=names
    )


@pages.route("/township/moves/new", methods=["GET"])
@rule(Action.READ, Target.NONE)
def new_move() -> Response:
    """The move form for a person of the township (404 outside it), else a search by name."""
    person_id = request.args.get("person", "")
    if not person_id:
        text = request.args.get("q", "").strip()[:40]
        found = township.find_persons(caller(), text) if text else []
        return render_page("township/move_choose.html", text=text, found=found)
    form = Form(values={"effective_on": caller().today().isoformat()})
    return _form_page(township.person(caller(), _person_id(person_id)), form)


@pages.route("/township/moves/new", methods=["POST"])
@rule(Action.WRITE, Target.NONE)
def record_move() -> Response:
    """Record the move once, then the list of moves with it announced."""
    form = Form.posted(request.form.to_dict())
    person = township.person(caller(), _person_id(form.values.get("person_id")))
    fields = ("village_code", "address", "effective_on")
    try:
        data = PersonRelocationIn().load({k: form.values.get(k) or None for k in fields})
    except ValidationError as error:
        form.invalid(error)
        return _form_page(person, form, 422)

    def act() -> str:
        position = township.move(caller(), UUID(person["id"]), data)
        return url_for("pages.township_moves", done=1, after=position)

    try:
        location = once(form, act)
    except DomainError as error:
        form.domain(error)
        return _form_page(person, form, 422)
    except ProblemError as error:
        if error.status != 403:
            raise
        form.refused("village_code", gettext("Choose a village of your township."))
        return _form_page(person, form, 422)
    return go_to(location)
