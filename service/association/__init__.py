"""Associations, their officers, lifecycle and training: API, schemas and demo."""
