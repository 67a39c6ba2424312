"""The campaign (S4): API, schemas, queries, acceptance reports and command line."""
