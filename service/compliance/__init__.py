"""Compliance with the plan, live or as of a day: API, schemas, queries and command line."""
