"""Sending a form that records something, the same way on every page: the API's schema parses
it (refusals beside the fields, 422), the command runs once per submission key (a resend gets
the first answer), a domain refusal comes back beside its field, and success redirects."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import Response, current_app, request
from marshmallow import Schema, ValidationError

from aggregates.errors import DomainError
from projections.platform.submissions import Submissions
from service.http.context import caller
from service.web.blueprint import go_to
from service.web.forms import Form


def after() -> int | None:
    """The position of what was just recorded, so the page already shows it."""
    value = request.args.get("after", "")
    return int(value) if value.isdigit() else None


def posted(lists: tuple[str, ...] = ()) -> Form:
    """The form as sent, with the named multi-valued fields as lists."""
    form = Form.posted(request.form.to_dict())
    for name in lists:
        form.values[name] = request.form.getlist(name)
    return form


def once(form: Form, act: Callable[[], str]) -> str:
    """Run ``act`` once for the form's submission key and account; where it (first) led."""
    submissions: Submissions = current_app.extensions["canxie_submissions"]
    location, _ = submissions.once(caller().principal.actor, form.submission_key, act)
    return str(location)


def submit(
    form: Form,
    schema: Schema,
    payload: Mapping[str, Any],
    record: Callable[[dict[str, Any]], str],
    again: Callable[[int], Response],
    names: Mapping[str, str] | None = None,
    nested: Callable[[Mapping[str, Any]], Mapping[str, Any]] | None = None,
) -> Response:
    """Parse ``payload`` with ``schema`` and ``record`` it once (it answers where to go next);
    a refusal renders the form ``again`` with that status. ``names``: schema -> form field;
    ``nested`` names the refusals of nested fields by their form fields."""
    try:
        data = schema.load(payload)
    except ValidationError as error:
        messages = error.normalized_messages()
        form.invalid(ValidationError(nested(messages) if nested else messages), names)
        return again(422)
    try:
        location = once(form, lambda: record(data))
    except DomainError as error:
        form.domain(error, names)
        return again(422)
    return go_to(location)
