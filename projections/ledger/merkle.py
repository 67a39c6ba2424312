"""RFC 6962 Merkle tree hashing for a district's append-only event log.

Leaves hash as SHA-256(0x00 || data) and interior nodes as SHA-256(0x01 || left || right), so a
leaf can never be passed off as a node. Proofs are generated with the PATH and PROOF algorithms of
RFC 6962 section 2.1 and checked with the verification algorithms of RFC 9162 sections 2.1.3.2 and
2.1.4.2, which need nothing but hashes: an auditor can run them without the server or the database.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterable, Sequence

HASH_SIZE = 32
LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
EMPTY_ROOT = hashlib.sha256(b"").digest()

SubtreeHash = Callable[[int, int], bytes]


class InvalidProof(ValueError):
    """A Merkle proof, root or tree size does not check out; the message says which part failed."""


def leaf_hash(data: bytes) -> bytes:
    """Hash one log entry as a leaf; the 0x00 prefix keeps leaves distinct from interior nodes."""
    return hashlib.sha256(LEAF_PREFIX + data).digest()


def node_hash(left: bytes | bytearray, right: bytes | bytearray) -> bytes:
    """Hash two child hashes into their parent, with the 0x01 interior-node prefix."""
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def split_point(size: int) -> int:
    """Return the largest power of two strictly smaller than `size` (>= 2): RFC 6962's split k."""
    if size < 2:
        raise ValueError(f"a tree of {size} leaves has no split point")
    return 1 << ((size - 1).bit_length() - 1)


def _is_power_of_two(size: int) -> bool:
    return size > 0 and size & (size - 1) == 0


def _inclusion_path(index: int, start: int, size: int, subtree: SubtreeHash) -> list[bytes]:
    """RFC 6962 PATH(m, D[start:start+size]), siblings ordered from the leaf up."""
    proof: list[bytes] = []
    while size > 1:
        k = split_point(size)
        if index < k:
            proof.append(subtree(start + k, size - k))
            size = k
        else:
            proof.append(subtree(start, k))
            index -= k
            start += k
            size -= k
    proof.reverse()
    return proof


def _consistency_path(old_size: int, start: int, size: int, subtree: SubtreeHash) -> list[bytes]:
    """RFC 6962 PROOF(m, D[start:start+size]) = SUBPROOF(m, D, true), ordered from the bottom up."""
    proof: list[bytes] = []
    complete = True
    while old_size != size:
        k = split_point(size)
        if old_size <= k:
            proof.append(subtree(start + k, size - k))
            size = k
        else:
            proof.append(subtree(start, k))
            old_size -= k
            start += k
            size -= k
            complete = False
    if not complete:
        proof.append(subtree(start, size))
    proof.reverse()
    return proof


def _check_inclusion_request(index: int, tree_size: int) -> None:
    if tree_size < 1:
        raise InvalidProof(f"a tree of size {tree_size} contains no leaf")
    if not 0 <= index < tree_size:
        raise InvalidProof(f"leaf index {index} is outside a tree of size {tree_size}")


def _check_consistency_request(old_size: int, new_size: int) -> None:
    if not 0 <= old_size <= new_size:
        raise InvalidProof(
            f"no consistency proof from size {old_size} to size {new_size}: "
            "sizes must satisfy 0 <= old <= new"
        )


def _list_subtree(leaf_hashes: Sequence[bytes]) -> SubtreeHash:
    def subtree(start: int, size: int) -> bytes:
        if size == 1:
            return leaf_hashes[start]
        k = split_point(size)
        return node_hash(subtree(start, k), subtree(start + k, size - k))

    return subtree


def merkle_root(leaf_hashes: Sequence[bytes]) -> bytes:
    """Compute MTH over leaf hashes directly, in O(n); the empty tree's root is SHA-256("")."""
    if not leaf_hashes:
        return EMPTY_ROOT
    return _list_subtree(leaf_hashes)(0, len(leaf_hashes))


def inclusion_proof(leaf_hashes: Sequence[bytes], index: int) -> list[bytes]:
    """Audit path for leaf `index` in the tree made of all `leaf_hashes` (RFC 6962 PATH)."""
    _check_inclusion_request(index, len(leaf_hashes))
    return _inclusion_path(index, 0, len(leaf_hashes), _list_subtree(leaf_hashes))


def consistency_proof(leaf_hashes: Sequence[bytes], old_size: int) -> list[bytes]:
    """Proof that the first `old_size` leaves are a prefix of all `leaf_hashes` (RFC 6962 PROOF)."""
    _check_consistency_request(old_size, len(leaf_hashes))
    if old_size in (0, len(leaf_hashes)):
        return []
    return _consistency_path(old_size, 0, len(leaf_hashes), _list_subtree(leaf_hashes))


def _check_hash(value: bytes, what: str) -> None:
    if not isinstance(value, bytes | bytearray):
        raise InvalidProof(f"{what} must be bytes, not {type(value).__name__}")
    if len(value) != HASH_SIZE:
        raise InvalidProof(f"{what} is {len(value)} bytes long, expected {HASH_SIZE}")


def _check_proof_hashes(proof: Sequence[bytes]) -> None:
    for position, value in enumerate(proof):
        _check_hash(value, f"proof element {position}")


def root_from_inclusion_proof(
    leaf: bytes, index: int, tree_size: int, proof: Sequence[bytes]
) -> bytes:
    """Recompute the root implied by an audit path (RFC 9162 section 2.1.3.2, steps 1-5)."""
    _check_hash(leaf, "leaf hash")
    _check_proof_hashes(proof)
    _check_inclusion_request(index, tree_size)
    fn, sn = index, tree_size - 1
    result = leaf
    for value in proof:
        if sn == 0:
            raise InvalidProof(
                f"inclusion proof has {len(proof)} hashes, too many for leaf {index} "
                f"in a tree of size {tree_size}"
            )
        if fn & 1 or fn == sn:
            result = node_hash(value, result)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            result = node_hash(result, value)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise InvalidProof(
            f"inclusion proof has {len(proof)} hashes, too few for leaf {index} "
            f"in a tree of size {tree_size}"
        )
    return result


def verify_inclusion(
    leaf: bytes, index: int, tree_size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Check that `leaf` sits at `index` in the tree of `tree_size` with `root`, else raise."""
    _check_hash(root, "root hash")
    computed = root_from_inclusion_proof(leaf, index, tree_size, proof)
    if not hmac.compare_digest(computed, root):
        raise InvalidProof(
            f"inclusion proof for leaf {index} leads to root {computed.hex()}, "
            f"not the expected {bytes(root).hex()} of the tree of size {tree_size}"
        )


def _check_trivial_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """From size 0 or between equal sizes: the proof is empty and the roots agree."""
    if proof:
        raise InvalidProof(
            f"consistency proof from size {old_size} to {new_size} must be empty, "
            f"got {len(proof)} hashes"
        )
    if old_size == 0 and not hmac.compare_digest(old_root, EMPTY_ROOT):
        raise InvalidProof(f"old root {bytes(old_root).hex()} is not the empty tree's root")
    if old_size == new_size and not hmac.compare_digest(old_root, new_root):
        raise InvalidProof(
            f"two trees of size {old_size} have different roots: "
            f"{bytes(old_root).hex()} and {bytes(new_root).hex()}"
        )


def _consistency_roots(
    old_size: int, new_size: int, old_root: bytes, proof: Sequence[bytes]
) -> tuple[bytes, bytes]:
    """The old and new roots a non-empty proof reproduces (RFC 9162 2.1.4.2's loop)."""
    path = list(proof)
    if _is_power_of_two(old_size):
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    first = second = path[0]
    for value in path[1:]:
        if sn == 0:
            raise InvalidProof(
                f"consistency proof has {len(proof)} hashes, too many for sizes "
                f"{old_size} to {new_size}"
            )
        if fn & 1 or fn == sn:
            first = node_hash(value, first)
            second = node_hash(value, second)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            second = node_hash(second, value)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise InvalidProof(
            f"consistency proof has {len(proof)} hashes, too few for sizes {old_size} to {new_size}"
        )
    return first, second


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """Check that the tree of `new_size` extends the tree of `old_size` (RFC 9162 2.1.4.2).

    Outside the RFC's 0 < old < new: from size 0 or between equal sizes the proof is empty.
    """
    _check_hash(old_root, "old root hash")
    _check_hash(new_root, "new root hash")
    _check_proof_hashes(proof)
    _check_consistency_request(old_size, new_size)
    if old_size == new_size or old_size == 0:
        _check_trivial_consistency(old_size, new_size, old_root, new_root, proof)
        return
    if not proof:
        raise InvalidProof(f"consistency proof from size {old_size} to {new_size} is empty")
    first, second = _consistency_roots(old_size, new_size, old_root, proof)
    if not hmac.compare_digest(first, old_root):
        raise InvalidProof(
            f"consistency proof reproduces old root {first.hex()}, not the expected "
            f"{bytes(old_root).hex()} of size {old_size}"
        )
    if not hmac.compare_digest(second, new_root):
        raise InvalidProof(
            f"consistency proof reproduces new root {second.hex()}, not the expected "
            f"{bytes(new_root).hex()} of size {new_size}"
        )


class MerkleLog:
    """An in-memory append-only Merkle log answering roots and proofs for any size it has had.

    Every complete, aligned subtree hash is kept in one contiguous bytearray per level (about 64
    bytes per leaf in all), so a root or proof costs O(log n) lookups plus O(log n) hashes.
    """

    def __init__(self, leaf_hashes: Iterable[bytes] = ()) -> None:
        self._levels: list[bytearray] = [bytearray()]
        self._size = 0
        for value in leaf_hashes:
            self.append(value)

    def __len__(self) -> int:
        return self._size

    @property
    def size(self) -> int:
        """The number of leaves appended so far."""
        return self._size

    def append(self, leaf: bytes) -> int:
        """Append a leaf hash, complete every subtree it closes, and return the leaf's index."""
        if len(leaf) != HASH_SIZE:
            raise ValueError(f"a leaf hash is {HASH_SIZE} bytes, got {len(leaf)}")
        index = self._size
        self._levels[0] += leaf
        self._size += 1
        level, position = 0, index
        while position & 1:
            row = self._levels[level]
            offset = (position - 1) * HASH_SIZE
            parent = node_hash(row[offset : offset + HASH_SIZE], row[offset + HASH_SIZE :])
            level += 1
            if level == len(self._levels):
                self._levels.append(bytearray())
            self._levels[level] += parent
            position >>= 1
        return index

    def append_data(self, data: bytes) -> int:
        """Hash `data` as a leaf (0x00 prefix), append it and return its index."""
        return self.append(leaf_hash(data))

    def leaf_hash(self, index: int) -> bytes:
        """Return the stored hash of leaf `index`."""
        if not 0 <= index < self._size:
            raise IndexError(f"leaf index {index} is outside a log of size {self._size}")
        offset = index * HASH_SIZE
        return bytes(self._levels[0][offset : offset + HASH_SIZE])

    def root(self, tree_size: int | None = None) -> bytes:
        """Root hash of the first `tree_size` leaves (default: all of them)."""
        size = self._resolve_size(tree_size)
        return self._subtree(0, size) if size else EMPTY_ROOT

    def inclusion_proof(self, index: int, tree_size: int | None = None) -> list[bytes]:
        """Audit path for leaf `index` in the tree of the first `tree_size` leaves."""
        size = self._resolve_size(tree_size)
        _check_inclusion_request(index, size)
        return _inclusion_path(index, 0, size, self._subtree)

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        """Proof that the tree of `old_size` leaves is a prefix of the tree of `new_size` leaves."""
        size = self._resolve_size(new_size)
        _check_consistency_request(old_size, size)
        if old_size in (0, size):
            return []
        return _consistency_path(old_size, 0, size, self._subtree)

    def _resolve_size(self, tree_size: int | None) -> int:
        if tree_size is None:
            return self._size
        if not 0 <= tree_size <= self._size:
            raise ValueError(f"tree size {tree_size} is outside 0..{self._size}")
        return tree_size

    def _subtree(self, start: int, size: int) -> bytes:
        # Only the left edge of a ragged tree is recursed into; every power-of-two part is aligned
        # on its own size (RFC 6962 splits always are) and therefore stored.
        if _is_power_of_two(size):
            level = size.bit_length() - 1
            offset = (start >> level) * HASH_SIZE
            return bytes(self._levels[level][offset : offset + HASH_SIZE])
        k = split_point(size)
        return node_hash(self._subtree(start, k), self._subtree(start + k, size - k))
