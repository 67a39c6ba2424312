"""The roster of disabled persons (残疾人名册)."""
