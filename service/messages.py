"""The one catalog of user-facing messages: a domain error said in Chinese or English.

The catalog is gettext's (``service/translations/<locale>/LC_MESSAGES/messages.po``, compiled
to ``.mo``), read with Babel, so the coming web UI (Flask-Babel) reads the same one.  A
message id is the error's English ``message`` with ``{named}`` placeholders, filled from the
error's facts.  Chinese (zh-CN, read by the village workers) comes first and is the default.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from uuid import UUID

from babel.support import Translations

from aggregates.errors import DomainError

TRANSLATIONS = Path(__file__).parent / "translations"
#: Babel's names of the catalogs' locales, default first (Babel 2.x reads zh_CN as zh_Hans_CN).
LOCALES = ("zh_Hans_CN", "en")
DEFAULT_LOCALE = LOCALES[0]


@cache
def catalog(locale: str) -> Translations:
    """The compiled catalog of ``locale``; a missing one is an error, not English by stealth."""
    if locale not in LOCALES:
        raise ValueError(f"no catalog for {locale!r}; canxie has {LOCALES}")
    found = Translations.load(str(TRANSLATIONS), [locale], domain="messages")
    if not isinstance(found, Translations):
        raise FileNotFoundError(f"{TRANSLATIONS}/{locale}/LC_MESSAGES/messages.mo is missing")
    return found


def said(context: str, message: str, locale: str) -> str:
    """``message`` (an English message id) in ``locale``, from the catalog's ``context``
    (msgctxt): for text said outside a request (reports, problem titles), where Flask-Babel's
    request locale is not the reader's."""
    return str(catalog(locale).pgettext(context, message))


def fact_text(value: object) -> object:
    """A fact as a message shows it (dates ISO, identifiers as text)."""
    return str(value) if isinstance(value, date | UUID) else value


def say(error: DomainError, locale: str = DEFAULT_LOCALE) -> str:
    """The error's message in ``locale``, its placeholders filled from its facts."""
    return say_kept(error.message, error.facts, locale)


def say_kept(message: str, facts: dict[str, object], locale: str = DEFAULT_LOCALE) -> str:
    """A refusal kept as its message id and facts (a finished job's), said in ``locale``."""
    template = catalog(locale).gettext(message)
    return template.format(**{name: fact_text(value) for name, value in facts.items()})
