"""The human names of the changes a district's log records (``Association.OfficerRemoved``:
"Officer removed", 成员免职), in the page's language from the one catalog: the audit trail, its
kind filter, a record's timeline and the divisions' history all name a change from here."""

from __future__ import annotations

import sys
from typing import Any

from flask_babel import LazyString, lazy_gettext

from aggregates.events import Aggregate
from service.web.vocabulary import said

#: The kinds of record a change belongs to (the aggregate: the first part of its type).
RECORD_KINDS: dict[str, LazyString] = {
    "Association": lazy_gettext("Association"),
    "DistrictSettings": lazy_gettext("District settings"),
    "DivisionRegister": lazy_gettext("Divisions"),
    "Evaluation": lazy_gettext("Evaluation"),
    "Group": lazy_gettext("Group"),
    "HomeVisit": lazy_gettext("Home visit"),
    "Inspection": lazy_gettext("Inspection"),
    "KeySupervision": lazy_gettext("Key supervision"),
    "ModelAssociation": lazy_gettext("Model association"),
    "Person": lazy_gettext("Person"),
    "PersonNeeds": lazy_gettext("Needs and services"),
    "TrainingSession": lazy_gettext("Training session"),
    "WorkPlan": lazy_gettext("Work plan"),
}

_ASSOCIATION: dict[str, LazyString] = {
    "Association.Established": lazy_gettext("Association established"),
    "Association.OfficerAppointed": lazy_gettext("Officer appointed"),
    "Association.OfficerRemoved": lazy_gettext("Officer removed"),
    "Association.Reelected": lazy_gettext("Association re-elected"),
    "Association.Dissolved": lazy_gettext("Association dissolved"),
    "Association.MergedInto": lazy_gettext("Merged into another association"),
    "Association.Absorbed": lazy_gettext("Another association merged in"),
    "Association.VillageChanged": lazy_gettext("Village changed"),
    "Association.FacilityRecorded": lazy_gettext("Facility recorded"),
    "Association.FacilityWithdrawn": lazy_gettext("Facility withdrawn"),
    "Association.FullTimeMemberSelected": lazy_gettext("Full-time member selected"),
    "Association.FullTimePayArranged": lazy_gettext("Full-time member's pay arranged"),
    "Association.FullTimeMemberExited": lazy_gettext("Full-time member left"),
    "Association.QualificationObtained": lazy_gettext("Qualification obtained"),
    "Association.TrainingAttended": lazy_gettext("Attended a training session"),
    "TrainingSession.Held": lazy_gettext("Training session held"),
}

_CAMPAIGN: dict[str, LazyString] = {
    "Inspection.Opened": lazy_gettext("Inspection opened"),
    "Inspection.ProblemRecorded": lazy_gettext("Problem recorded"),
    "Inspection.ProblemRectified": lazy_gettext("Problem rectified"),
    "Inspection.RectificationConfirmed": lazy_gettext("Rectification confirmed"),
    "Inspection.RectificationReturned": lazy_gettext("Rectification returned"),
    "Inspection.ProblemEscalated": lazy_gettext("Problem escalated"),
    "Inspection.BodyDecided": lazy_gettext("Co-signer's decision recorded"),
    "Inspection.Concluded": lazy_gettext("Inspection concluded"),
    "KeySupervision.Started": lazy_gettext("Put under key supervision"),
    "KeySupervision.Released": lazy_gettext("Released from key supervision"),
    "ModelAssociation.Designated": lazy_gettext("Marked as a model association"),
    "ModelAssociation.Redesignated": lazy_gettext("Marked as a model association again"),
    "ModelAssociation.Withdrawn": lazy_gettext("Model association mark withdrawn"),
    "WorkPlan.Filed": lazy_gettext("Work plan filed"),
    "WorkPlan.Revised": lazy_gettext("Work plan revised"),
}

_ROSTER: dict[str, LazyString] = {
    "Person.Registered": lazy_gettext("Entered on the roster"),
    "Person.Relocated": lazy_gettext("Moved within the district"),
    "Person.MovedAway": lazy_gettext("Moved away"),
    "Person.MovedIn": lazy_gettext("Moved in"),
    "Person.CertificateIssued": lazy_gettext("Disability certificate issued"),
    "Person.CertificateChanged": lazy_gettext("Disability certificate changed"),
    "Person.CertificateCancelled": lazy_gettext("Disability certificate cancelled"),
    "Person.Erased": lazy_gettext("Personal data erased"),
    "Person.Died": lazy_gettext("Death recorded"),
    "Person.DetailsCorrected": lazy_gettext("Details corrected"),
    "Person.TransferOutStarted": lazy_gettext("Transfer out started"),
    "Person.TransferOutCompleted": lazy_gettext("Transfer out completed"),
    "Person.TransferOutCancelled": lazy_gettext("Transfer out cancelled"),
    "Person.TransferredIn": lazy_gettext("Transferred in"),
}

_CARE: dict[str, LazyString] = {
    "DistrictSettings.Started": lazy_gettext("District settings begun"),
    "DistrictSettings.VisitIntervalsSet": lazy_gettext("Visit intervals set"),
    "DistrictSettings.EvaluationSchemeAdopted": lazy_gettext("Evaluation scheme adopted"),
    "Evaluation.Recorded": lazy_gettext("Evaluation recorded"),
    "HomeVisit.Recorded": lazy_gettext("Home visit recorded"),
    "HomeVisit.FollowUpReferred": lazy_gettext("Follow-up referred"),
    "HomeVisit.FollowUpConcluded": lazy_gettext("Follow-up concluded"),
    "PersonNeeds.Opened": lazy_gettext("Needs record opened"),
    "PersonNeeds.Surveyed": lazy_gettext("Needs surveyed"),
    "PersonNeeds.ServiceDelivered": lazy_gettext("Service delivered"),
    "Group.Formed": lazy_gettext("Group formed"),
    "Group.MemberJoined": lazy_gettext("Member joined the group"),
    "Group.MemberLeft": lazy_gettext("Member left the group"),
    "Group.LeaderAppointed": lazy_gettext("Group leader appointed"),
    "Group.Disbanded": lazy_gettext("Group disbanded"),
}

_DIVISIONS: dict[str, LazyString] = {
    "DivisionRegister.Opened": lazy_gettext("Divisions register opened"),
    "DivisionRegister.TownshipRecorded": lazy_gettext("Township entered"),
    "DivisionRegister.VillageRecorded": lazy_gettext("Village entered"),
    "DivisionRegister.Renamed": lazy_gettext("Division renamed"),
    "DivisionRegister.VillagesMerged": lazy_gettext("Merger of villages"),
    "DivisionRegister.VillageSplit": lazy_gettext("Village split"),
}

#: Every kind of change a district's log can hold, by its stored type.
EVENT_NAMES: dict[str, LazyString] = {
    **_ASSOCIATION,
    **_CAMPAIGN,
    **_ROSTER,
    **_CARE,
    **_DIVISIONS,
}


def _never_stored(kind: type) -> bool:
    """The library's default ``Created`` class of an aggregate that names its own first event
    (``Association.Established``): no log holds it."""
    if kind.__name__ != "Created":
        return False
    record = getattr(sys.modules[kind.__module__], kind.__qualname__.split(".")[0])
    return any(
        isinstance(other, type) and issubclass(other, Aggregate.Created) and other is not kind
        for other in vars(record).values()
    )


def change_kinds() -> list[str]:
    """Every kind of change the records store (``Association.OfficerRemoved``), sorted: the
    event classes of the domain's aggregates that no other class derives from."""
    found: set[str] = set()
    todo: list[type] = [Aggregate.Event]
    while todo:
        kind = todo.pop()
        below = kind.__subclasses__()
        todo.extend(below)
        record = kind.__qualname__.split(".")[0]
        if not below and record in RECORD_KINDS and not _never_stored(kind):
            found.add(kind.__qualname__)
    return sorted(found)


def change_name(event_type: str) -> str:
    """A change as the pages name it: "Association · Officer removed" in the page's language;
    a type without a name of its own keeps its code after the record's kind."""
    record, _, change = event_type.partition(".")
    if not change:
        return event_type
    return f"{said(RECORD_KINDS, record)} · {said(EVENT_NAMES, event_type)}"


#: A division's history names its changes (the divisions read model's ``change``) ...
DIVISION_CHANGES: dict[str, LazyString] = {
    "recorded": lazy_gettext("Division entered"),
    "renamed": lazy_gettext("Division renamed"),
    "merged": lazy_gettext("Merger of villages"),
    "split": lazy_gettext("Village split"),
}
#: ... and the facts of each change, by the key the read model stores them under.
DIVISION_DETAILS: dict[str, LazyString] = {
    "name": lazy_gettext("Division name"),
    "previous_name": lazy_gettext("Previous name"),
    "code": lazy_gettext("Code"),
    "sources": lazy_gettext("Villages merged"),
    "into_code": lazy_gettext("Merged into (code)"),
    "into_name": lazy_gettext("Merged into (name)"),
    "parts": lazy_gettext("Parts"),
    "associations": lazy_gettext("Associations that followed their village"),
}


def _detail_value(value: Any) -> str:
    """A stored fact as a reader reads it: a list joined, a part as "name (code)", an
    association that followed its village as "id → code"."""
    if isinstance(value, dict):
        return "; ".join(f"{key} → {to}" for key, to in value.items()) or "—"
    if isinstance(value, list):
        shown = [
            f"{item.get('name', '')} ({item.get('code', '')})" if isinstance(item, dict) else item
            for item in value
        ]
        return "、".join(str(item) for item in shown) or "—"
    return "—" if value is None else str(value)


def division_details(detail: dict[str, Any]) -> list[tuple[str, str]]:
    """A division change's facts, each with its label in the page's language."""
    return [(said(DIVISION_DETAILS, key), _detail_value(value)) for key, value in detail.items()]
