"""The domain's coded values as the pages say them, in the page's language (one catalog)."""

from __future__ import annotations

from flask_babel import LazyString, lazy_gettext

from aggregates.association.association import FacilityKind, OfficerRole
from aggregates.association.training import TrainingMode
from aggregates.care.group import DisabilityCategory, GroupBasis
from aggregates.care.needs import NeedCategory

#: Categories of needs and services (the national dynamic-update survey, S3.5).
NEEDS: dict[str, LazyString] = {
    NeedCategory.REHABILITATION: lazy_gettext("Rehabilitation"),
    NeedCategory.EDUCATION: lazy_gettext("Education"),
    NeedCategory.EMPLOYMENT: lazy_gettext("Employment and poverty relief"),
    NeedCategory.SOCIAL_SECURITY: lazy_gettext("Social security and assistance"),
    NeedCategory.CARE: lazy_gettext("Residential and day care"),
    NeedCategory.BARRIER_FREE: lazy_gettext("Barrier-free adaptation"),
    NeedCategory.ASSISTIVE_DEVICES: lazy_gettext("Assistive devices"),
    NeedCategory.CULTURE_SPORTS: lazy_gettext("Culture and sports"),
    NeedCategory.LEGAL_AID: lazy_gettext("Legal aid"),
    NeedCategory.OTHER: lazy_gettext("Other"),
}

#: How a group is formed (S3.3).
GROUP_BASES: dict[str, LazyString] = {
    GroupBasis.CATEGORY: lazy_gettext("By disability category"),
    GroupBasis.AREA: lazy_gettext("By area"),
}

DISABILITY_CATEGORIES: dict[str, LazyString] = {
    DisabilityCategory.VISUAL: lazy_gettext("Visual"),
    DisabilityCategory.HEARING: lazy_gettext("Hearing"),
    DisabilityCategory.SPEECH: lazy_gettext("Speech"),
    DisabilityCategory.PHYSICAL: lazy_gettext("Physical"),
    DisabilityCategory.INTELLECTUAL: lazy_gettext("Intellectual"),
    DisabilityCategory.MENTAL: lazy_gettext("Mental"),
    DisabilityCategory.MULTIPLE: lazy_gettext("Multiple"),
}

OFFICES: dict[str, LazyString] = {
    OfficerRole.CHAIR: lazy_gettext("Chair"),
    OfficerRole.VICE_CHAIR: lazy_gettext("Vice-chair"),
    OfficerRole.COMMITTEE_MEMBER: lazy_gettext("Committee member"),
}

FACILITIES: dict[str, LazyString] = {
    FacilityKind.SERVICE_VENUE: lazy_gettext("Service venue"),
    FacilityKind.BARRIER_FREE: lazy_gettext("Barrier-free facilities"),
    FacilityKind.DUTIES_ON_WALL: lazy_gettext("Duties displayed on the wall"),
    FacilityKind.RULES_ON_WALL: lazy_gettext("Working rules displayed on the wall"),
}

TRAINING_MODES: dict[str, LazyString] = {
    TrainingMode.ONLINE: lazy_gettext("Online"),
    TrainingMode.OFFLINE: lazy_gettext("In person"),
}

PROBLEM_STATES: dict[str, LazyString] = {
    "open": lazy_gettext("To rectify"),
    "escalated": lazy_gettext("Escalated"),
    "rectified": lazy_gettext("Rectified"),
}


def said(labels: dict[str, LazyString], value: str | None) -> str:
    """A coded value's label, or the value itself when it has none."""
    if value is None:
        return "—"
    return str(labels[value]) if value in labels else value
