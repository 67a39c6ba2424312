"""The audit trail and the verifiable ledger of each district."""
