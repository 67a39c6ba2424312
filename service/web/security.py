"""The headers every page carries: a Content-Security-Policy without inline script (htmx is
configured by a ``<meta>`` element and injects no styles), no framing, no sniffing, no
referrer beyond this site (Flask-WTF's HTTPS check needs the same-origin one)."""

from __future__ import annotations

from flask import Response

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        # Pico draws its icons (select arrows, checkboxes) as data: SVG images.
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    )
)

PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    # Pages show personal data: never kept by a shared browser or a proxy.
    "Cache-Control": "no-store",
}


def page_headers(response: Response) -> Response:
    """Set the page's security headers (the app's API defaults would forbid its styles).

    A response that chose its own caching (a versioned static file) keeps it.
    """
    for name, value in PAGE_HEADERS.items():
        if name == "Cache-Control":
            response.headers.setdefault(name, value)
        else:
            response.headers[name] = value
    return response
