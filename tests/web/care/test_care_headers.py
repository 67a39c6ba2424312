"""Every care screen carries the security headers and no inline script, as every page must
(tests/web/test_pages.py checks the other screens in the browser)."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from tests.web.care.world import CareWorld, signed_in_client

INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+=|javascript:", re.IGNORECASE)


def care_paths(care_screens_world: CareWorld) -> list[str]:
    """The care screens' addresses, forms among them."""
    person = care_screens_world.person(4)
    return [
        "/needs",
        f"/needs/persons/{person}",
        f"/needs/persons/{person}/survey",
        f"/needs/persons/{person}/needs/{care_screens_world.need_id}/service",
        "/groups",
        "/groups/ungrouped",
        f"/groups/{care_screens_world.group_id}",
        "/training",
        f"/training/{care_screens_world.session_id}",
        "/problems",
        f"/problems/{care_screens_world.problem_ids[0]}",
        "/association",
    ]


def test_every_care_screen_has_the_headers_and_no_inline_script(
    worker_client: FlaskClient, care_screens_world: CareWorld
) -> None:
    for path in care_paths(care_screens_world):
        response = worker_client.get(path)
        assert response.status_code == 200, path
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert INLINE.search(response.get_data(as_text=True)) is None, path


def test_the_care_screens_need_a_signed_in_worker(care_screens_world: CareWorld) -> None:
    stranger = care_screens_world.world.app.test_client()
    for path in care_paths(care_screens_world):
        response = stranger.get(path)
        assert response.status_code == 303 and "/sign-in" in response.headers["Location"]


def test_the_care_screens_are_not_found_for_an_account_of_no_association(
    care_screens_world: CareWorld,
) -> None:
    officer = signed_in_client(
        care_screens_world.world, care_screens_world.world.logins["township"]
    )
    for path in care_paths(care_screens_world):
        assert officer.get(path).status_code == 404, path
