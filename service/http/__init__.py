"""What every HTTP endpoint shares: auth, access, problems, context, masking, freshness, metrics."""
