"""A page holding one form of a supervisor's follow-up (a conclusion, a decision, a release...):
shown with its defaults on GET, sent on POST through the API's schema and the command once, then
on to where the command's result is seen."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Response, request
from marshmallow import Schema

from aggregates.records import Saved
from service.application import inspecting as reads
from service.http.context import caller
from service.web.blueprint import render_page
from service.web.forms import Form
from service.web.submitting import posted, submit

#: A yes-or-no question's answers as the schema takes them (unanswered: missing).
YES_NO = {"yes": True, "no": False}


@dataclass(frozen=True)
class OneForm:
    """The page's template, the schema that parses its fields, and its fields (``texts``:
    optional free text, sent as typed; ``answers``: yes or no, sent as true or false; every
    other empty field is sent as missing)."""

    template: str
    schema: Schema
    fields: tuple[str, ...]
    texts: tuple[str, ...] = ()
    answers: tuple[str, ...] = ()

    def payload(self, form: Form) -> dict[str, Any]:
        """The form's values as the schema takes them."""
        out: dict[str, Any] = {name: form.values.get(name) or None for name in self.fields}
        out.update({name: form.values.get(name, "") for name in self.texts})
        out.update({name: YES_NO.get(str(form.values.get(name))) for name in self.answers})
        return out


def one_form_page(
    code: str,
    spec: OneForm,
    context: dict[str, Any],
    defaults: dict[str, str],
    run: Callable[[dict[str, Any]], Saved],
    done: Callable[[int], str],
) -> Response:
    """The form of a district's page: shown with ``defaults``, or sent through ``run`` once
    and on to ``done(position)``; refused beside its fields."""
    reads.district(caller(), code)

    def page(form: Form, status: int = 200) -> Response:
        return render_page(spec.template, status, code=code, form=form, **context)

    if request.method == "GET":
        return page(Form(values=defaults))
    form = posted()

    def record(data: dict[str, Any]) -> str:
        return done(run(data).position)

    return submit(form, spec.schema, spec.payload(form), record, lambda s: page(form, s))


def district_form(code: str, template: str, **context: Any) -> Callable[..., Response]:
    """``page(form, status=200)``: one form of a district's page, its scope checked first."""
    reads.district(caller(), code)

    def page(form: Form, status: int = 200) -> Response:
        return render_page(template, status, code=code, form=form, **context)

    return page
