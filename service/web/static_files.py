"""The UI's static files: read once, gzip-compressed once, cached for a year under versioned
names (vendored files by their version folder, our own by a digest of their content)."""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from flask import Response, abort, request

STATIC = Path(__file__).parent / "static"
#: The vendored packages, by the name templates use (service/web/static/vendor/README.md).
VENDOR = {"htmx": "vendor/htmx-2.0.11/htmx.min.js", "pico": "vendor/pico-2.1.1/pico.min.css"}
YEAR = 365 * 24 * 3600
#: Files worth compressing (text); anything else is sent as it is.
COMPRESSIBLE = (".css", ".js", ".svg", ".txt", ".md")


@dataclass(frozen=True)
class StaticFile:
    """One file's bytes, its gzip form and the digest that versions its address."""

    body: bytes
    gzipped: bytes | None
    digest: str
    mimetype: str


def _load(path: Path) -> StaticFile:
    body = path.read_bytes()
    mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if mimetype.startswith("text/") or mimetype == "application/javascript":
        mimetype += "; charset=utf-8"
    gzipped = gzip.compress(body, 9, mtime=0) if path.suffix in COMPRESSIBLE else None
    return StaticFile(body, gzipped, hashlib.sha256(body).hexdigest()[:12], mimetype)


class StaticFiles:
    """Every file under service/web/static, in memory (a few hundred KB)."""

    def __init__(self, root: Path = STATIC) -> None:
        self.files = {
            path.relative_to(root).as_posix(): _load(path)
            for path in sorted(root.rglob("*"))
            if path.is_file()
        }

    def url(self, name: str) -> str:
        """The versioned address of one of our files (``canxie.css``) or a vendored package."""
        name = VENDOR.get(name, name)
        if name.startswith("vendor/"):
            return f"/static/{name}"
        return f"/static/{name}?v={self.files[name].digest}"

    def response(self, name: str) -> Response:
        """The file, compressed when the client accepts it; cached for a year when versioned."""
        found = self.files.get(name)
        if found is None:
            abort(404)
        versioned = name.startswith("vendor/") or request.args.get("v") == found.digest
        use_gzip = found.gzipped is not None and request.accept_encodings["gzip"] > 0
        response = Response(found.gzipped if use_gzip else found.body, mimetype=found.mimetype)
        if use_gzip:
            response.headers["Content-Encoding"] = "gzip"
        if found.gzipped is not None:
            response.vary.add("Accept-Encoding")
        response.headers["Cache-Control"] = (
            f"public, max-age={YEAR}, immutable" if versioned else "no-cache"
        )
        response.set_etag(found.digest)
        response.make_conditional(request)
        return response
