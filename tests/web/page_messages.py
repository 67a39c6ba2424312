"""The messages the web pages say: every ``_()``/``gettext``/``lazy_gettext`` of the
templates and of service/ outside the domain errors, extracted as pybabel would."""

from __future__ import annotations

from functools import cache

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

from tests.quality.tracked import REPO

#: Where the pages' messages are written, and how each kind of file is read.
SOURCES = [
    ("service/web/**.py", "python"),
    ("service/web/templates/**.html", "jinja2"),
]
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None}


@cache
def page_messages() -> frozenset[str]:
    """Every message id the pages use."""
    found = extract_from_dir(str(REPO), SOURCES, keywords=KEYWORDS)
    return frozenset(str(message) for _, _, message, _, _ in found)
