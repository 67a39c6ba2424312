"""The page's language: Chinese (zh-CN) unless the user chose English with the switch.

One catalog serves the pages and the API's errors (service/messages.py); Babel names the
Chinese catalog ``zh_Hans_CN`` (a ``zh_CN`` catalog would be silently ignored), and the page
says ``lang="zh-CN"`` so that Chromium draws it with the Simplified Chinese glyphs.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import request

from service.messages import DEFAULT_LOCALE, LOCALES

#: The cookie that remembers the choice (a preference, not a credential).
COOKIE = "canxie_lang"
#: The ``lang`` attribute of each catalog locale.
HTML_LANG = {"zh_Hans_CN": "zh-CN", "en": "en"}
#: The switch's codes in addresses (``/language/en``) and the locale each selects.
CHOICES = {"zh-CN": "zh_Hans_CN", "en": "en"}


def select_locale() -> str:
    """Flask-Babel's locale selector: the remembered choice, else Chinese."""
    chosen = request.cookies.get(COOKIE, "")
    return chosen if chosen in LOCALES else DEFAULT_LOCALE


def html_lang() -> str:
    """The page's ``lang`` attribute."""
    return HTML_LANG[select_locale()]


def local_path(target: str | None, default: str = "/") -> str:
    """``target`` when it is a path of this site (never another host), else ``default``."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def here() -> str:
    """This page's path and query, to come back to after switching the language."""
    return request.full_path.rstrip("?")
