"""The roster import's messages (service/roster/imports.py writes them in English for the API
and the command line) said in the page's language: a domain refusal through the one catalog,
the import's own messages matched by their shape."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import get_locale, gettext

from service.messages import say_kept
from service.roster.imports import COLUMNS

#: Cells a message names otherwise than by their column's name.
WHATS = {"sex (男 or 女)": "sex"}


def _said(message: str) -> str | None:
    """A message of the import with a fixed text, in the page's language."""
    fixed = {
        "is empty": gettext("Empty: fill it in."),
        "stored as a number, which loses digits; format the column as text": gettext(
            "Stored as a number, which loses digits: format the column as text."
        ),
        "must be a date like 1990-01-31": gettext("Must be a date like 1990-01-31."),
        "unknown service need": gettext("Unknown service need."),
        "must be 是 or 否 (yes or no)": gettext("Must be 是 or 否."),
        "must be a mobile or landline number": gettext("Must be a mobile or landline number."),
        "the village is outside your scope": gettext("The village is outside your scope."),
        "must lie between the birth date and today": gettext(
            "Must lie between the birth date and today."
        ),
        "the file must be .csv or .xlsx": gettext("The file must be .csv or .xlsx."),
        "the file is neither UTF-8 nor GB18030 text": gettext(
            "The file is neither UTF-8 nor GB18030 text."
        ),
        "the file is not a readable .xlsx workbook": gettext(
            "The file is not a readable .xlsx workbook."
        ),
        "the file is empty": gettext("The file is empty."),
    }
    return fixed.get(message)


def _shaped(message: str) -> str | None:
    """A message of the import with values in it, in the page's language."""
    if found := re.fullmatch(r"unknown (.+)", message):
        return gettext("Unknown value of %(what)s.", what=_column_of(found.group(1)))
    if found := re.fullmatch(r"(\w+) must be (\d+)-(\d+)", message):
        low, high = found.group(2), found.group(3)
        return gettext("Must be from %(low)s to %(high)s.", low=low, high=high)
    if found := re.fullmatch(r"the same resident ID as row (\d+)", message):
        return gettext("The same resident ID as row %(row)s.", row=found.group(1))
    if found := re.fullmatch(r"line (\d+) is not CSV: .*", message):
        return gettext("Line %(line)s is not CSV.", line=found.group(1))
    if found := re.fullmatch(r"unknown column '(.*)' \(column (\w+)\)", message):
        return gettext("Unknown column %(label)s.", label=found.group(1))
    if found := re.fullmatch(r"column '(.*)' appears twice", message):
        return gettext("The column %(label)s appears twice.", label=found.group(1))
    if found := re.fullmatch(r"missing columns: (.*)", message):
        return gettext("Missing columns: %(labels)s.", labels=found.group(1))
    return None


def _column_of(what: str) -> str:
    name = WHATS.get(what, what).replace(" ", "_")
    return COLUMNS[name][0] if name in COLUMNS else what


def file_message(message: str) -> str:
    """Why a file cannot be read as a roster, in the page's language (English otherwise)."""
    return _said(message) or _shaped(message) or message


def kept_row(error: dict[str, Any]) -> dict[str, Any]:
    """A finished job's row error (service/roster/import_jobs.py) as the table shows it."""
    refusal = error.get("refusal")
    locale = str(get_locale())
    return {
        "row": error["row"],
        "column": _label(error["column"], error["field"]),
        "message": say_kept(refusal["message"], refusal["facts"], locale)
        if refusal
        else file_message(error["message"]),
    }


def kept_failure(outcome: dict[str, Any]) -> str:
    """Why a job failed, in the page's language."""
    if "file" in outcome:
        return file_message(outcome["file"])
    if refusal := outcome.get("refusal"):
        return say_kept(refusal["message"], refusal["facts"], str(get_locale()))
    return gettext(
        "The import stopped on an error. Rows saved before it stay on the roster; send the "
        "file again and the rows already there are skipped."
    )


def _label(column: str | None, field: str) -> str:
    """The column as the import names it (its header and letter), else the field's label."""
    if column:
        return column
    return COLUMNS[field][0] if field in COLUMNS else field
