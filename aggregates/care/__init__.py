"""Groups, needs, visits, evaluations and the district's settings, and their commands."""
