"""Care of disabled persons: groups, needs and services, home visits, evaluations (S3.3-S3.6)."""
