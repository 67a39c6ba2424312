"""Merkle log: a hand-computed tree, the RFC 6962 examples, every proof up to 20 leaves."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pytest

from projections.ledger.merkle import (
    EMPTY_ROOT,
    InvalidProof,
    MerkleLog,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    merkle_root,
    node_hash,
    root_from_inclusion_proof,
    split_point,
    verify_consistency,
    verify_inclusion,
)

MAX_SIZE = 20


def sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def leaf(i: int) -> bytes:
    """Hand-rolled leaf hash of the i-th test entry, independent of the module under test."""
    return sha(b"\x00" + entry(i))


def node(left: bytes, right: bytes) -> bytes:
    return sha(b"\x01" + left + right)


def entry(i: int) -> bytes:
    return f"event {i}".encode()


def reference_root(hashes: list[bytes]) -> bytes:
    """MTH written straight from RFC 6962 section 2.1, an oracle for sizes past the hand tree."""
    if not hashes:
        return sha(b"")
    if len(hashes) == 1:
        return hashes[0]
    k = 1
    while k * 2 < len(hashes):
        k *= 2
    return node(reference_root(hashes[:k]), reference_root(hashes[k:]))


LEAVES = [leaf(i) for i in range(MAX_SIZE)]
a, b, c, d, e, f, g_leaf, h_leaf = LEAVES[:8]
N01, N23, N45, N67 = node(a, b), node(c, d), node(e, f), node(g_leaf, h_leaf)
N0123, N4567 = node(N01, N23), node(N45, N67)

HAND_ROOTS = {
    1: a,
    2: N01,
    3: node(N01, c),
    4: N0123,
    5: node(N0123, e),
    6: node(N0123, N45),
    7: node(N0123, node(N45, g_leaf)),
    8: node(N0123, N4567),
}


@pytest.fixture(scope="module")
def full_log() -> MerkleLog:
    return MerkleLog(LEAVES)


def flip(value: bytes, bit: int = 0) -> bytes:
    changed = bytearray(value)
    changed[bit // 8] ^= 1 << (bit % 8)
    return bytes(changed)


# --- hashing ------------------------------------------------------------------------------------


def test_leaf_and_node_hashes_use_distinct_prefixes() -> None:
    assert leaf_hash(entry(0)) == sha(b"\x00event 0")
    assert node_hash(a, b) == sha(b"\x01" + a + b)
    assert leaf_hash(a + b) != node_hash(a, b)


def test_empty_tree_root_is_hash_of_empty_string() -> None:
    assert (
        merkle_root([])
        == EMPTY_ROOT
        == bytes.fromhex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    )
    assert MerkleLog().root() == EMPTY_ROOT


@pytest.mark.parametrize("size", sorted(HAND_ROOTS))
def test_root_matches_hand_computed_tree(size: int, full_log: MerkleLog) -> None:
    assert merkle_root(LEAVES[:size]) == HAND_ROOTS[size]
    assert full_log.root(size) == HAND_ROOTS[size]


@pytest.mark.parametrize("size", range(MAX_SIZE + 1))
def test_root_matches_reference_for_every_size(size: int, full_log: MerkleLog) -> None:
    expected = reference_root(LEAVES[:size])
    assert merkle_root(LEAVES[:size]) == expected
    assert full_log.root(size) == expected
    assert MerkleLog(LEAVES[:size]).root() == expected


@pytest.mark.parametrize(("size", "k"), [(2, 1), (3, 2), (4, 2), (5, 4), (8, 4), (9, 8), (17, 16)])
def test_split_point_is_largest_power_of_two_below_size(size: int, k: int) -> None:
    assert split_point(size) == k


def test_split_point_refuses_trees_without_children() -> None:
    with pytest.raises(ValueError, match="no split point"):
        split_point(1)


def test_append_data_hashes_as_leaf_and_returns_index() -> None:
    log = MerkleLog()
    assert log.append_data(entry(0)) == 0
    assert log.append_data(entry(1)) == 1
    assert len(log) == log.size == 2
    assert log.leaf_hash(1) == b
    assert log.root() == N01


def test_append_refuses_a_hash_of_the_wrong_size() -> None:
    with pytest.raises(ValueError, match="32 bytes, got 31"):
        MerkleLog().append(b"x" * 31)


def test_log_refuses_sizes_beyond_its_leaves(full_log: MerkleLog) -> None:
    with pytest.raises(ValueError, match=r"outside 0\.\.20"):
        full_log.root(MAX_SIZE + 1)
    with pytest.raises(IndexError):
        full_log.leaf_hash(MAX_SIZE)


# --- RFC 6962 section 2.1.3 worked examples (7 leaves d0..d6) -------------------------------------


def test_rfc6962_audit_paths_in_seven_leaf_tree(full_log: MerkleLog) -> None:
    g, h, i = N01, N23, N45
    j = g_leaf  # the lone seventh leaf
    k, l_ = node(g, h), node(i, j)
    assert full_log.root(7) == node(k, l_)
    assert full_log.inclusion_proof(0, 7) == [b, h, l_]
    assert full_log.inclusion_proof(3, 7) == [c, g, l_]
    assert full_log.inclusion_proof(4, 7) == [f, j, k]
    assert full_log.inclusion_proof(6, 7) == [i, k]


def test_rfc6962_consistency_proofs_in_seven_leaf_tree(full_log: MerkleLog) -> None:
    g, h, i = N01, N23, N45
    j = g_leaf
    k, l_ = node(g, h), node(i, j)
    assert full_log.consistency_proof(3, 7) == [c, d, g, l_]
    assert full_log.consistency_proof(4, 7) == [l_]
    assert full_log.consistency_proof(6, 7) == [i, j, k]


# --- edge cases --------------------------------------------------------------------------------


def test_tree_of_one_has_empty_audit_path() -> None:
    assert inclusion_proof(LEAVES[:1], 0) == []
    verify_inclusion(a, 0, 1, [], a)


def test_last_leaf_of_non_power_of_two_tree() -> None:
    proof = inclusion_proof(LEAVES[:5], 4)
    assert proof == [N0123]
    verify_inclusion(e, 4, 5, proof, HAND_ROOTS[5])


def test_last_leaf_of_power_of_two_tree() -> None:
    proof = inclusion_proof(LEAVES[:8], 7)
    assert proof == [g_leaf, N45, N0123]
    verify_inclusion(h_leaf, 7, 8, proof, HAND_ROOTS[8])


def test_consistency_of_equal_sizes_is_empty_and_needs_equal_roots() -> None:
    assert consistency_proof(LEAVES[:6], 6) == []
    verify_consistency(6, 6, HAND_ROOTS[6], HAND_ROOTS[6], [])
    with pytest.raises(InvalidProof, match="two trees of size 6 have different roots"):
        verify_consistency(6, 6, HAND_ROOTS[6], HAND_ROOTS[5], [])


def test_consistency_from_empty_tree_is_empty() -> None:
    assert consistency_proof(LEAVES[:6], 0) == []
    verify_consistency(0, 6, EMPTY_ROOT, HAND_ROOTS[6], [])
    with pytest.raises(InvalidProof, match="not the empty tree's root"):
        verify_consistency(0, 6, HAND_ROOTS[1], HAND_ROOTS[6], [])


def test_consistency_from_power_of_two_omits_old_root() -> None:
    assert consistency_proof(LEAVES[:8], 4) == [N4567]
    verify_consistency(4, 8, HAND_ROOTS[4], HAND_ROOTS[8], [N4567])


def test_out_of_range_requests_are_refused() -> None:
    with pytest.raises(InvalidProof, match="leaf index 5 is outside a tree of size 5"):
        inclusion_proof(LEAVES[:5], 5)
    with pytest.raises(InvalidProof, match="contains no leaf"):
        inclusion_proof([], 0)
    with pytest.raises(InvalidProof, match="0 <= old <= new"):
        consistency_proof(LEAVES[:5], 6)
    with pytest.raises(InvalidProof, match="leaf index 3 is outside a tree of size 3"):
        verify_inclusion(d, 3, 3, [], HAND_ROOTS[3])
    with pytest.raises(InvalidProof, match="0 <= old <= new"):
        verify_consistency(5, 4, HAND_ROOTS[5], HAND_ROOTS[4], [a])


def test_malformed_hashes_are_refused() -> None:
    with pytest.raises(InvalidProof, match="proof element 1 is 31 bytes"):
        verify_inclusion(a, 0, 4, [b, N23[:31]], HAND_ROOTS[4])
    with pytest.raises(InvalidProof, match="root hash is 0 bytes"):
        verify_inclusion(a, 0, 1, [], b"")
    with pytest.raises(InvalidProof, match="new root hash must be bytes"):
        verify_consistency(1, 2, a, N01.hex(), [b])  # type: ignore[arg-type]


# --- every proof up to MAX_SIZE leaves ----------------------------------------------------------


SIZES = [(m, n) for n in range(1, MAX_SIZE + 1) for m in range(n)]
PAIRS = [(m, n) for n in range(MAX_SIZE + 1) for m in range(n + 1)]


@pytest.mark.parametrize(("index", "size"), SIZES)
def test_every_inclusion_proof_verifies(index: int, size: int, full_log: MerkleLog) -> None:
    root = reference_root(LEAVES[:size])
    proof = full_log.inclusion_proof(index, size)
    assert proof == inclusion_proof(LEAVES[:size], index)
    assert len(proof) <= (size - 1).bit_length()
    verify_inclusion(LEAVES[index], index, size, proof, root)
    assert root_from_inclusion_proof(LEAVES[index], index, size, proof) == root


@pytest.mark.parametrize(("old", "new"), PAIRS)
def test_every_consistency_proof_verifies(old: int, new: int, full_log: MerkleLog) -> None:
    proof = full_log.consistency_proof(old, new)
    assert proof == consistency_proof(LEAVES[:new], old)
    verify_consistency(old, new, reference_root(LEAVES[:old]), reference_root(LEAVES[:new]), proof)


# --- tampering is rejected ------------------------------------------------------------------------


def rejects(check: Callable[[], None]) -> bool:
    try:
        check()
    except InvalidProof:
        return True
    return False


@pytest.mark.parametrize(("index", "size"), SIZES)
def test_tampered_inclusion_proofs_are_rejected(index: int, size: int, full_log: MerkleLog) -> None:
    root = full_log.root(size)
    proof = full_log.inclusion_proof(index, size)
    the_leaf = LEAVES[index]
    for position in range(len(proof)):
        bad = list(proof)
        bad[position] = flip(bad[position], position)
        assert rejects(lambda bad=bad: verify_inclusion(the_leaf, index, size, bad, root))
    assert rejects(lambda: verify_inclusion(flip(the_leaf), index, size, proof, root))
    assert rejects(lambda: verify_inclusion(the_leaf, index, size, proof, flip(root, 255)))
    assert rejects(lambda: verify_inclusion(the_leaf, index, size, [*proof, a], root))
    if proof:
        assert rejects(lambda: verify_inclusion(the_leaf, index, size, proof[:-1], root))
    if len(proof) > 1:
        assert rejects(lambda: verify_inclusion(the_leaf, index, size, proof[::-1], root))
    for other in range(size):
        if other != index:
            assert rejects(lambda other=other: verify_inclusion(the_leaf, other, size, proof, root))


@pytest.mark.parametrize(("old", "new"), [(m, n) for m, n in PAIRS if 0 < m < n])
def test_tampered_consistency_proofs_are_rejected(old: int, new: int, full_log: MerkleLog) -> None:
    old_root, new_root = full_log.root(old), full_log.root(new)
    proof = full_log.consistency_proof(old, new)
    for position in range(len(proof)):
        bad = list(proof)
        bad[position] = flip(bad[position], 7)
        assert rejects(lambda bad=bad: verify_consistency(old, new, old_root, new_root, bad))
    assert rejects(lambda: verify_consistency(old, new, flip(old_root), new_root, proof))
    assert rejects(lambda: verify_consistency(old, new, old_root, flip(new_root), proof))
    assert rejects(lambda: verify_consistency(old, new, old_root, new_root, proof[:-1]))
    assert rejects(lambda: verify_consistency(old, new, old_root, new_root, [*proof, a]))
    # A log that rewrote an early leaf cannot prove it extends the old head.
    forged = MerkleLog([flip(LEAVES[0]), *LEAVES[1:new]])
    assert rejects(
        lambda: verify_consistency(old, new, old_root, forged.root(), forged.consistency_proof(old))
    )


def test_wrong_root_message_names_both_roots() -> None:
    wrong = HAND_ROOTS[3]
    with pytest.raises(InvalidProof, match=f"leads to root {HAND_ROOTS[4].hex()}.*{wrong.hex()}"):
        verify_inclusion(a, 0, 4, [b, N23], wrong)


def test_too_long_and_too_short_proofs_say_so() -> None:
    with pytest.raises(InvalidProof, match="too many"):
        verify_inclusion(a, 0, 4, [b, N23, a], HAND_ROOTS[4])
    with pytest.raises(InvalidProof, match="too few"):
        verify_inclusion(a, 0, 4, [b], HAND_ROOTS[4])
    with pytest.raises(InvalidProof, match="is empty"):
        verify_consistency(3, 7, HAND_ROOTS[3], HAND_ROOTS[7], [])


# --- a larger log --------------------------------------------------------------------------------


def test_incremental_log_agrees_with_direct_computation_on_a_ragged_large_tree() -> None:
    hashes = [leaf_hash(i.to_bytes(4, "big")) for i in range(4099)]
    log = MerkleLog(hashes)
    for size in (1, 2, 1000, 1024, 2047, 2048, 4095, 4096, 4099):
        root = log.root(size)
        assert root == merkle_root(hashes[:size])
        for index in {0, size // 3, size - 1}:
            verify_inclusion(hashes[index], index, size, log.inclusion_proof(index, size), root)
    for old in (1, 7, 1024, 3000, 4098):
        proof = log.consistency_proof(old)
        assert proof == consistency_proof(hashes, old)
        verify_consistency(old, 4099, log.root(old), log.root(), proof)


@pytest.mark.slow
def test_a_million_leaves_fit_and_answer_proofs() -> None:
    size = (1 << 20) + 3
    log = MerkleLog()
    for i in range(size):
        log.append_data(i.to_bytes(4, "big"))
    root = log.root()
    for index in (0, 1 << 19, (1 << 20) - 1, 1 << 20, size - 1):
        proof = log.inclusion_proof(index)
        # 20 levels inside the left 2^20 subtree plus its sibling; the 3-leaf right side is shallow.
        assert len(proof) == (21 if index < 1 << 20 else 3 if index < size - 1 else 2)
        verify_inclusion(log.leaf_hash(index), index, size, proof, root)
    verify_consistency(1 << 20, size, log.root(1 << 20), root, log.consistency_proof(1 << 20))
    verify_consistency(999_999, size, log.root(999_999), root, log.consistency_proof(999_999))
