"""The district's register of townships and villages."""
