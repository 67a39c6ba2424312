"""The audit trail and the verifiable ledger: API, schemas and command line."""
