"""S3.4 明确残协工作职责: a service venue in the village's service facilities."""

from __future__ import annotations

from projections.rules.rule import Rule, facilities_recorded

SERVICE_VENUE = Rule(
    "S3.4-service-venue",
    "S3.4",
    "有服务场所",
    "a service venue recorded",
    facilities_recorded("service_venue"),
)
