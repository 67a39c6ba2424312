"""Adds the web UI to the Flask app: the catalog (Flask-Babel), CSRF for the pages' forms,
compressed HTML, the static files and the pages themselves.

API clients are untouched: CSRF is checked only on the pages' forms (bearer-token calls need
none), and only HTML is compressed here (static files are compressed once when loaded).
"""

from __future__ import annotations

import secrets
from typing import Any

from babel.support import NullTranslations
from flask import Flask, g, request
from flask.sessions import SecureCookieSessionInterface
from flask_babel import Babel, get_locale, get_translations
from flask_compress import Compress

from projections.platform.secret_files import secret_file
from projections.platform.submissions import Submissions
from service.messages import DEFAULT_LOCALE, TRANSLATIONS
from service.web import (
    acceptance,
    account,
    accounts,
    administration,
    association,
    audit_trail,
    dashboard,
    divisions,
    erasure,
    findings,
    groups,
    home,
    inspection_problems,
    inspections,
    ledger,
    moves,
    needs,
    officers,
    personal_data_reads,
    rectification,
    roster,
    roster_import,
    settings,
    supervision,
    tasks,
    township,
    training,
    training_sessions,
    visits,
    work_plan,
)
from service.web.blueprint import csrf, pages
from service.web.language import here, html_lang, select_locale
from service.web.navigation import navigation
from service.web.static_files import StaticFiles
from service.web.vocabulary import said
from workers.runtime import Runtime

#: The modules adding pages to the blueprint (imported for their routes).
PAGE_MODULES = (
    *(home, account, tasks, visits, roster),
    *(needs, groups, training, rectification, association),
    *(township, officers, moves, training_sessions),
    *(dashboard, findings),
    *(inspections, inspection_problems, acceptance, supervision),
    *(audit_trail, ledger, personal_data_reads),
    *(administration, accounts, erasure, settings, work_plan, roster_import, divisions),
)
#: Where an embedded deployment keeps the key that signs the form cookie (CSRF).
SECRET_FILE = "web-secret-key"


class FormCookies(SecureCookieSessionInterface):
    """Flask's signed cookie (it holds only the CSRF token): Secure when served over TLS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        """Secure behind TLS, so the cookie is never sent in clear; plain HTTP still works."""
        return request.is_secure


def _secret_key(runtime: Runtime) -> str:
    given = runtime.settings.secret_key
    if given:
        return given
    key, _ = secret_file(runtime.settings.data_dir / SECRET_FILE, lambda: secrets.token_urlsafe(48))
    return key


def _config(runtime: Runtime) -> dict[str, Any]:
    return {
        "SECRET_KEY": _secret_key(runtime),
        "SESSION_COOKIE_NAME": "canxie_form",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_CHECK_DEFAULT": False,  # the pages' blueprint checks its own forms
        "WTF_CSRF_TIME_LIMIT": None,  # a form may stay open all day on a phone
        "COMPRESS_MIMETYPES": ["text/html"],
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "COMPRESS_MIN_SIZE": 500,
        "BABEL_DEFAULT_LOCALE": DEFAULT_LOCALE,
        "BABEL_TRANSLATION_DIRECTORIES": str(TRANSLATIONS),
    }


def request_translations() -> NullTranslations:
    """The request's catalog in its locale, looked up once per request.

    Flask-Babel looks it up again for every string a template says (its context, the locale,
    the cache key: about 5 µs each); a task list says some 60.  A request renders in one
    locale: nothing here switches it halfway (no ``force_locale``).
    """
    found: NullTranslations | None = g.get("canxie_translations")
    if found is None:
        found = g.canxie_translations = get_translations()
    return found


def _translate_once_per_request(app: Flask) -> None:
    """The templates' gettext family on :func:`request_translations` (as Flask-Babel installs
    them, on its own lookup)."""
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
        newstyle=True,
    )


def init_web(app: Flask, runtime: Runtime) -> None:
    """Register the pages and what they need on ``app``."""
    app.config.update(_config(runtime))
    app.session_interface = FormCookies()
    Babel(app, locale_selector=select_locale)
    _translate_once_per_request(app)
    csrf.init_app(app)
    Compress(app)
    files = StaticFiles()
    app.extensions["canxie_static"] = files
    app.extensions["canxie_submissions"] = Submissions(runtime.db)
    app.jinja_env.globals.update(
        get_locale=get_locale,  # Flask-Babel 4 does not give it to templates
        html_lang=html_lang,
        static_url=files.url,
        navigation=navigation,
        said=said,
        here=here,
    )
    app.register_blueprint(pages)
