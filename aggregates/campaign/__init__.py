"""The campaign (S4, S5.3): work plans, inspections, supervision, models, and their commands."""
