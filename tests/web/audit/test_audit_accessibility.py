"""Every audit page passes axe-core's WCAG 2.1 A and AA rules in Chinese and in English: the
choice of district, the trail (filtered, refused), a record's history, the ledger with both
proofs and their verdicts shown, a refused proof, and the record of unmasked reads; each is
served with the CSP and no inline script."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.factories import PASSWORD
from tests.web.audit.conftest import Audited
from tests.web.axe import LANGUAGES, axe_page
from tests.web.inspections.test_accessibility import DESKTOP
from tests.web.screens import walk
from tests.web.test_accessibility import signed_in
from tests.web.world import DISTRICT


def audit_paths(audited: Audited) -> list[str]:
    """The auditor's audit pages, with refused filters and proofs."""
    base = f"/districts/{DISTRICT}"
    return [
        "/audit",
        f"{base}/audit",
        f"{base}/audit?event_type=Association.OfficerRemoved&from=2020-01-01",
        f"{base}/audit?from=2020-13-01&aggregate_id=nonsense",
        f"{base}/audit/records/{audited.association_id}",
        "/ledger",
        f"{base}/ledger?position=0&first={audited.second_size}&second={audited.first_size}",
        f"{base}/ledger?position=99999",
        "/personal-data-reads",
        f"/personal-data-reads?district={DISTRICT}",
    ]


def _verdicts(page: Page, audited: Audited, check: object) -> None:
    """The ledger with both proofs, every check's verdict shown (one of them failing)."""
    page.goto(f"{audited.world.url}/districts/{DISTRICT}/ledger?position=3&first=1")
    page.goto(
        f"{audited.world.url}/districts/{DISTRICT}/ledger?position=3"
        f"&first={audited.first_size}&second={audited.second_size}"
    )
    for block in ("head-check", "inclusion-check", "consistency-check"):
        page.locator(f"#{block} button[data-verify]").click()
        expect(page.locator(f"#{block} .verdict")).to_be_visible()
    page.evaluate(
        "() => { document.querySelector('#head-check [data-part=signature]')"
        ".textContent = 'A'.repeat(86) + '=='; }"
    )
    page.locator("#head-check button[data-verify]").click()
    expect(page.locator("#head-check[data-outcome=failed]")).to_be_visible()
    check("ledger with verdicts")  # type: ignore[operator]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_audit_page_passes_axe_in_each_language(
    browser: Browser, audited: Audited, language: str
) -> None:
    world = audited.world
    with axe_page(browser, world.url, language, DESKTOP) as (page, found, check):
        signed_in(page, world, world.logins["auditor"], PASSWORD)
        page.wait_for_url("**/compliance**")
        walk(page, world.url, audit_paths(audited), check)
        _verdicts(page, audited, check)
    assert len(found) == len(audit_paths(audited)) + 1
    assert {screen: v for screen, v in found.items() if v} == {}
