"""The message ids the acceptance report says, all in the catalog's report context."""

from __future__ import annotations

from service.campaign import reports


def report_messages() -> frozenset[str]:
    """Every fixed text of the report: its labels, the kinds of inspection, the bodies."""
    return frozenset([*reports.LABELS.values(), *reports.KINDS.values(), *reports.BODIES.values()])
