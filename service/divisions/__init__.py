"""A district's townships and villages: API, command line, CSV import and the city's files."""
