"""A form whose answer holds a secret shown once (a one-time password, a token): the act runs
once per submission key and the page answering it shows the secret, never a URL nor a cookie;
sending the same form again goes to the account's page, without the secret."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import Response, current_app, request
from flask_babel import LazyString, gettext, lazy_gettext

from aggregates.errors import DomainError
from projections.platform.submissions import Submissions
from service.http.context import caller
from service.http.problems import ProblemError
from service.web.blueprint import go_to
from service.web.forms import Form

#: The application layer's refusals that are not domain errors, said in the page's language.
REFUSALS: dict[str, LazyString] = {
    "district administrators create accounts of their district": lazy_gettext(
        "A district administrator creates accounts of their own district only."
    ),
    "the account is disabled": lazy_gettext("The account is disabled."),
}


def refusal(error: ProblemError) -> str:
    """A refusal of the service in the page's language."""
    said = REFUSALS.get(error.detail)
    return str(said) if said else gettext("This is not allowed here.")


def shown_once(
    form: Form,
    act: Callable[[], tuple[str, Mapping[str, Any]]],
    again: Callable[[int], Response],
    show: Callable[[Mapping[str, Any]], Response],
    names: Mapping[str, str] | None = None,
) -> Response:
    """Run ``act`` (where the result lives, and what to show once) for the form's first
    sending and ``show`` it; a resend goes where the first led; a refusal comes back beside
    its field (``again`` with 422; ``names``: the refusal's field -> the form's)."""
    shown: dict[str, Any] = {}

    def run() -> str:
        location, secret = act()
        shown.update(secret)
        return location

    submissions: Submissions = current_app.extensions["canxie_submissions"]
    # One page holds several such forms (reset, token, revoke): each address its own key.
    key = f"{request.path}#{form.submission_key}"
    try:
        location, first = submissions.once(caller().principal.actor, key, run)
    except DomainError as error:
        form.domain(error, names)
        return again(422)
    except ProblemError as error:
        if error.status >= 500 or error.status == 404:
            raise
        form.refused(str((error.extra or {}).get("field") or "form"), refusal(error))
        return again(422)
    if not first:
        return go_to(location)
    return show(shown)
