"""Read models of groups, needs, visits, evaluations and the district's settings."""
