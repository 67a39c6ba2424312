"""The web UI: server-rendered pages in the same Flask app, enhanced by htmx (issue 14).

Adding a screen:

1. A module here named for its screen (``tasks.py``, ``roster.py``), its routes on the one
   blueprint ``service.web.blueprint.pages`` with a declared rule (``@rule(Action.READ,
   Target.NONE)``; scope is decided by the application layer the page calls, which answers
   404 outside the caller's part), and the module listed in ``setup.PAGE_MODULES``.
2. The view calls the application layer with ``service.http.context.caller()`` (the same
   Principal a bearer token gives, from the session cookie) and renders with
   ``blueprint.render_page`` (the whole page, or the ``main`` block htmx asked for).  It
   never decides scope, masking or validation: the API's schema parses a form
   (``forms.Form.invalid`` turns its refusals into messages beside the fields), the domain
   refuses (``forms.Form.domain``).
3. A template under ``templates/`` extending ``page.html`` (which holds ``<main id="main">``,
   the block ``main``, and the heading) or ``form_page.html``: ``{% block title %}`` and
   ``{% block content %}``, imports of macros *inside* the content block (they must render on
   their own); forms with ``macros/forms.html`` (label, error beside the field, error
   summary, hidden CSRF token and submission key); sections, task lists and tables with
   ``macros/lists.html``, paged on the server with ``macros/paging.html``.
4. A form that records something: ``hx-post`` targeting ``#main``, answered with 422 and the
   form again when refused, else run once per submission key
   (``projections.platform.submissions.Submissions.once``) and redirected (``go_to``).
5. Every message through ``_()`` in English, translated in both catalogs
   (service/translations; ``tests/web/test_catalog.py`` lists what is missing), with the
   terms of docs/GLOSSARY.md; the screen's paths in the axe and CSP tests of tests/web/.
"""
