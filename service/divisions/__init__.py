"""A district's register of townships and villages (区划)."""
