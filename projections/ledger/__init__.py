"""The audit trail and the verifiable ledger: Merkle log, tree heads, verification."""
