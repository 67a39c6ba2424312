"""The page's own verification script (static/ledger-proofs.js) agrees with
projections/ledger/merkle.py: the same leaf hashes, the same roots from every audit path of
trees of 1 to 17 leaves, every consistency proof between them accepted and an altered one
refused."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page

from projections.ledger.merkle import consistency_proof, inclusion_proof, leaf_hash, merkle_root
from tests.web.audit.conftest import Audited
from tests.web.conftest import sign_in
from tests.web.world import DISTRICT

LARGEST = 17
RUN = """async (cases) => {
  const p = window.canxieProofs;
  const leaves = [];
  for (const data of cases.leaves) leaves.push(await p.leaf(new Uint8Array(data)));
  const roots = [];
  for (const c of cases.inclusion) roots.push(await p.inclusionRoot(...c));
  const consistent = [];
  for (const c of cases.consistency) consistent.push(await p.consistent(...c));
  return {leaves, roots, consistent};
}"""


def _altered(value: str) -> str:
    return value[:-1] + ("1" if value.endswith("0") else "0")


def _cases() -> tuple[dict[str, Any], dict[str, Any]]:
    """What the script is given, and what merkle.py says it must answer."""
    data = [[n, n * 7 % 256] for n in range(LARGEST)]
    leaves = [leaf_hash(bytes(d)) for d in data]
    inclusion, roots, consistency, verdicts = [], [], [], []
    for size in range(1, LARGEST + 1):
        tree = leaves[:size]
        root = merkle_root(tree).hex()
        for index in range(size):
            path = [h.hex() for h in inclusion_proof(tree, index)]
            inclusion.append([tree[index].hex(), index, size, path])
            roots.append(root)
        for old in range(1, size + 1):
            proof = [h.hex() for h in consistency_proof(tree, old)]
            old_root = merkle_root(leaves[:old]).hex()
            consistency.append([old, size, old_root, root, proof])
            verdicts.append(True)
            if proof:
                consistency.append([old, size, old_root, root, [_altered(proof[0]), *proof[1:]]])
                verdicts.append(False)
                consistency.append([old, size, root, old_root, proof])
                verdicts.append(False)
    given = {"leaves": data, "inclusion": inclusion, "consistency": consistency}
    wanted = {"leaves": [h.hex() for h in leaves], "roots": roots, "consistent": verdicts}
    return given, wanted


def test_the_script_verifies_exactly_as_merkle_py(page: Page, audited: Audited) -> None:
    sign_in(page, audited.world, audited.world.logins["auditor"])
    page.goto(f"{audited.world.url}/districts/{DISTRICT}/ledger")
    given, wanted = _cases()
    assert len(wanted["consistent"]) > 200 and False in wanted["consistent"]
    assert page.evaluate(RUN, given) == wanted
