"""A form as a page shows it: the values typed (kept when it comes back), each field's error
in the page's language, and the submission key that makes sending it twice record it once.

Pages do not validate: the API's marshmallow schema parses the fields and the domain refuses
what breaks a rule; this module only turns both kinds of refusal into messages beside fields.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import LazyString, get_locale, gettext, lazy_gettext
from marshmallow import ValidationError

from aggregates.errors import DomainError
from service.messages import say

#: The hidden field carrying the submission key.
SUBMISSION_FIELD = "submission_key"

#: marshmallow's own messages that a form can meet, said through the catalog.
SCHEMA_MESSAGES: dict[str, LazyString] = {
    "Missing data for required field.": lazy_gettext("Fill in this field."),
    "Field may not be null.": lazy_gettext("Fill in this field."),
    "Not a valid date.": lazy_gettext("Enter a date as year-month-day."),
    "Not a valid UUID.": lazy_gettext("Choose from the list."),
    "Not a valid integer.": lazy_gettext("Enter a whole number."),
    "Must be one of:": lazy_gettext("Choose one of the options."),
    "Length must be between": lazy_gettext("Fill in this field, within the length allowed."),
}


REQUIRED = "Missing data for required field."


def _schema_message(message: str) -> str:
    for english, ours in SCHEMA_MESSAGES.items():
        if message.startswith(english):
            return str(ours)
    return gettext("This value is not acceptable.")


def _flatten(messages: Any, path: str = "") -> Iterable[tuple[str, str]]:
    if isinstance(messages, Mapping):
        for key, inner in messages.items():
            yield from _flatten(inner, f"{path}.{key}" if path else str(key))
    elif isinstance(messages, list) and messages and isinstance(messages[0], str):
        yield path, messages[0]
    elif isinstance(messages, list):
        for inner in messages:
            yield from _flatten(inner, path)
    else:
        yield path, str(messages)


@dataclass
class Form:
    """The values, errors and submission key of one form on a page."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    submission_key: str = field(default_factory=lambda: secrets.token_urlsafe(18))

    @classmethod
    def posted(cls, data: Mapping[str, Any]) -> Form:
        """The form as it was sent (the same submission key, so a resend is recognised)."""
        key = str(data.get(SUBMISSION_FIELD) or "") or secrets.token_urlsafe(18)
        values = {k: v for k, v in data.items() if k not in {SUBMISSION_FIELD, "csrf_token"}}
        return cls(values=values, submission_key=key)

    @property
    def first_error(self) -> str | None:
        """The field the cursor goes to when the form comes back."""
        return next(iter(self.errors), None)

    def refused(self, name: str, message: str) -> Form:
        """Add the error of one field (the first error of a field is kept)."""
        self.errors.setdefault(name, message)
        return self

    def invalid(self, error: ValidationError, names: Mapping[str, str] | None = None) -> Form:
        """The schema's refusals, beside the fields they name (``names``: schema -> form)."""
        for path, message in _flatten(error.messages):
            head = path.split(".", 1)[0]
            name = (names or {}).get(head, head)
            empty = not str(self.values.get(name) or "").strip()
            self.refused(
                name, str(SCHEMA_MESSAGES[REQUIRED]) if empty else _schema_message(message)
            )
        return self

    def domain(self, error: DomainError, names: Mapping[str, str] | None = None) -> Form:
        """A domain refusal in the page's language, beside its field (else at the top)."""
        head = (error.field or "").split(".", 1)[0]
        self.refused((names or {}).get(head, head) or "form", say(error, str(get_locale())))
        return self


def rows_named(
    messages: Mapping[str, Any], key: str, name_of: Callable[[int, str], str]
) -> dict[str, Any]:
    """The schema's refusals with those of the list field ``key``'s rows named by their form
    fields (``name_of(index, field)``); a refusal of the whole list stays under ``key``."""
    flat = {k: v for k, v in messages.items() if k != key}
    nested = messages.get(key)
    if isinstance(nested, Mapping):
        for index, fields in nested.items():
            for name, message in fields.items() if isinstance(fields, Mapping) else ():
                flat[name_of(int(index), name)] = message
    elif nested:
        flat[key] = nested
    return flat
