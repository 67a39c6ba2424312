"""Read model of the district's townships and villages."""
