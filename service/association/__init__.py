"""Associations (残协), their officers and their lifecycle."""
