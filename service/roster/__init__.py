"""The roster of disabled persons: API, schemas, command line, import and demo."""
