"""The vendored files are the published ones (their sha256 in the README), served compressed
and cached for a year under versioned addresses; our own files by a digest of their content."""

from __future__ import annotations

import gzip
import hashlib
import re

from service.web.static_files import STATIC, VENDOR
from tests.web.world import World


def test_each_vendored_file_matches_its_recorded_sha256() -> None:
    readme = (STATIC / "vendor" / "README.md").read_text()
    recorded = dict(re.findall(r"\| `([^`]+)` \|[^|]+\| `([0-9a-f]{64})` \|", readme))
    assert set(recorded) == {path.removeprefix("vendor/") for path in VENDOR.values()}
    for name, digest in recorded.items():
        assert hashlib.sha256((STATIC / "vendor" / name).read_bytes()).hexdigest() == digest


def test_static_files_are_compressed_and_cached_under_versioned_addresses(
    web_world: World,
) -> None:
    client = web_world.app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    own = re.search(r'href="(/static/canxie\.css\?v=[0-9a-f]+)"', page)
    vendored = re.search(r'src="(/static/vendor/htmx-[0-9.]+/htmx\.min\.js)"', page)
    assert own and vendored
    for address in (own.group(1), vendored.group(1)):
        answer = client.get(address, headers={"Accept-Encoding": "gzip"})
        assert answer.status_code == 200
        assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert answer.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(answer.data)
        again = client.get(address, headers={"If-None-Match": answer.headers["ETag"]})
        assert again.status_code == 304
    unversioned = client.get("/static/canxie.css")
    assert unversioned.headers["Cache-Control"] == "no-cache"
    assert client.get("/static/../pyproject.toml").status_code == 404


def test_pages_are_compressed(web_world: World) -> None:
    answer = web_world.app.test_client().get("/sign-in", headers={"Accept-Encoding": "br, gzip"})
    assert answer.headers["Content-Encoding"] in {"br", "gzip"}
