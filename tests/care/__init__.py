"""Groups, needs, visits, settings and evaluations (issue 4: S3.3-S3.6)."""
