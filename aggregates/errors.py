"""Domain errors: what the domain refuses, named for the refusal and carrying its parameters.

Each error is one refusal a user can meet (:class:`SecondChair`, :class:`DateInFuture`, ...),
of one of four kinds (the base classes: :class:`InvalidValue`, :class:`InvariantViolated`,
:class:`Conflict`, :class:`NotFound`).  It names the argument at fault in ``field`` (the
domain's own name) and carries its ``facts`` (``sitting=1, maximum=1, clause="S3.3"``), never
a finished sentence: ``message`` is the English message id of the one catalog
(``service/translations``) that says it in Chinese and English.  HTTP statuses, problem types
and field paths belong to ``service/``.  ``detail`` is the English text, for logs and the CLI.
The four kinds and the refusals with behaviour of their own are classes; every other refusal
is one line, ``SecondChair = refusal(SeatsFull, "message id")``, a subclass all the same.
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar, cast


class DomainError(Exception):
    """Base of every refusal by the domain."""

    #: The English message id, with ``{named}`` placeholders taken from the facts.
    message: ClassVar[str] = "the domain refuses this change"
    #: The names of the facts every instance carries (and no others).
    parameters: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *, field: str | None = None, **facts: object) -> None:
        given, wanted = set(facts), set(self.parameters)
        if given != wanted:
            raise TypeError(f"{type(self).__name__} takes {sorted(wanted)}, got {sorted(given)}")
        self.field = field
        self.facts = facts
        super().__init__(self.detail)

    @property
    def detail(self) -> str:
        """The English text (developers, logs, the CLI); users read the catalog's."""
        return self.message.format(**self.facts)


class InvalidValue(DomainError):
    """A value that can never be right (a date in the future, a code of the wrong shape)."""

    message = "a value is not acceptable"


class InvariantViolated(DomainError):
    """A command that would break a rule of the plan (two sitting chairs, six members)."""

    message = "the change would break a rule of the plan"


class Conflict(DomainError):
    """The thing already exists, or someone else changed it first."""

    message = "the change conflicts with what is stored"


class NotFound(DomainError):
    """The thing does not exist (or is not visible to the caller)."""

    message = "not found"


K = TypeVar("K", bound=DomainError)


def refusal(kind: type[K], message: str, *parameters: str) -> type[K]:
    """A refusal of ``kind`` with its English message id and the facts it carries (the
    kind's, when none are named): one line per refusal rather than a class statement each.
    It takes the name it is bound to in this module (:func:`_name_refusals`)."""
    namespace = {"message": message, "parameters": parameters or kind.parameters}
    return cast("type[K]", type(_UNNAMED, (kind,), {**namespace, "__module__": __name__}))


_UNNAMED = "Refusal"


def _name_refusals(namespace: dict[str, object]) -> None:
    """Name each refusal made by :func:`refusal` for the module attribute holding it, so that
    logs, pickles and the catalog's tests see ``SecondChair`` and not ``Refusal``."""
    for name, value in namespace.items():
        if isinstance(value, type) and value.__name__ == _UNNAMED:
            value.__name__ = value.__qualname__ = name


# -- values of any command ---------------------------------------------------------------------

DateInFuture = refusal(InvalidValue, "the date {day} lies in the future", "day")


class DateTooEarly(InvalidValue):
    """A date before the day it depends on (the appointment, the visit, ...)."""

    message = "the date {day} lies before {earliest}"
    parameters = ("day", "earliest")


Blank = refusal(InvalidValue, "this must not be empty")
ReasonRequired = refusal(InvalidValue, "say why")
UnknownChoice = refusal(InvalidValue, "not one of the accepted values")
OutOfRange = refusal(
    InvalidValue, "the value must lie between {minimum} and {maximum}", "minimum", "maximum"
)
NotPositive = refusal(InvalidValue, "the value must be greater than zero")
NothingChanges = refusal(InvalidValue, "nothing changes")


class BadIdentifier(InvalidValue):
    """An identifier refused by aggregates/identifiers.py, which words its reasons in both
    languages itself (the Chinese catalog entry is ``{reason_zh}``)."""

    message = "{reason}"
    parameters = ("reason", "reason_zh")


OutsideDistrict = refusal(InvalidValue, "{code} is not in district {district}", "code", "district")
ChangedConcurrently = refusal(Conflict, "the records were changed by another request; try again")
LostRace = refusal(
    Conflict,
    "the record was changed by another request (now at version {current_version}); try again",
    "current_version",
)


# -- dates before the day they depend on ---------------------------------------------------------


def before(what: str) -> type[DateTooEarly]:
    """A date before ``what``, the day it depends on: the same wording for every such day."""
    return refusal(DateTooEarly, f"the date {{day}} lies before {what} ({{earliest}})")


BeforeEstablished = before("the association was established")
BeforeTargetEstablished = before("the association merged into was established")
BeforeAppointment = before("the officer's appointment")
BeforeLatestAppointment = before("the latest appointment")
BeforeFullTimeSelection = before("the full-time selection")
BeforeTermStart = refusal(
    DateTooEarly, "the new term must begin after the current term began ({earliest}), not on {day}"
)
BeforeStart = refusal(DateTooEarly, "the date {day} must lie after the start ({earliest})")
BeforeBirth = before("the birth date")
BeforeVisit = before("the visit")
BeforeReferral = before("the referral")
BeforeDivisionBegan = refusal(
    InvalidValue, "the date {day} lies before {code} began ({earliest})", "day", "earliest", "code"
)
BeforeCycle = refusal(
    InvalidValue, "the date {day} lies before the cycle {cycle} began", "day", "cycle"
)
BeforeLastSurvey = before("the person's last survey")
BeforeNeedFound = before("the need was found")
BeforeInspection = before("the inspection")
BeforeProblemFound = before("the problem was found or escalated")
BeforeLastFiling = before("the last filing")
BeforeCampaign = before("the campaign began")
BeforeGroupFormed = before("the group was formed")
BeforeJoined = before("the person joined")
BeforeLastDeparture = before("the person's last departure")
BeforeLastChange = before("the group's last recorded change")


# -- divisions -------------------------------------------------------------------------------------

BadDivisionCode = refusal(
    InvalidValue, "a division code has 9 (township) or 12 (village/community) digits"
)
DivisionNotInDistrict = refusal(
    NotFound, "division {code} is not in district {district}", "code", "district"
)
NoDivisionRegister = refusal(
    NotFound, "district {district} keeps no division register yet", "district"
)
NoSuchDivision = refusal(NotFound, "no division {id} in the register", "id")
VillageNotRegistered = refusal(
    InvalidValue, "village {code} is not in the district's division register", "code"
)
TownshipNotRegistered = refusal(
    InvalidValue, "township {code} is not in the division register", "code"
)
DivisionEnded = refusal(InvalidValue, "{code} ended on {ended_on}", "code", "ended_on")
AlreadyRegistered = refusal(Conflict, "{code} is already registered as {name}", "code", "name")
RepeatedInFile = refusal(
    Conflict, "the code appears again (first on line {first_line})", "first_line"
)
SameName = refusal(InvalidValue, "the division already has that name")
MergeNeedsTwo = refusal(InvalidValue, "a merge needs two or more different villages")
SplitNeedsTwo = refusal(InvalidValue, "a split needs two or more different parts")
NewVillageNeedsName = refusal(InvalidValue, "a new village needs its name")
ActiveAssociationsToMerge = refusal(
    InvariantViolated,
    "more than one of these villages has an active association; merge the associations first",
)
NotOnePart = refusal(InvalidValue, "association_to must be one of the parts")
SayWhichPart = refusal(InvalidValue, "the village has an association: say which part it follows")


class DivisionImportRefused(InvalidValue):
    """An import with bad rows: every row's problem, nothing imported."""

    message = "{count} row(s) of the file are invalid; nothing was imported"
    parameters = ("count",)

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        super().__init__(field="csv", count=len(rows))
        self.rows = rows


# -- associations and their officers -------------------------------------------------------------

NoSuchAssociation = refusal(NotFound, "no association {id}", "id")
AssociationExists = refusal(Conflict, "division {code} already has an association", "code")
NotWithinTownship = refusal(
    InvalidValue, "division {code} is not within township {township}", "code", "township"
)
AssociationNotActive = refusal(
    InvariantViolated,
    "the association is {association_status} since {since}",
    "association_status",
    "since",
)
TargetNotActive = refusal(
    InvariantViolated, "the association to merge into is {association_status}", "association_status"
)
MergeIntoItself = refusal(InvalidValue, "an association cannot merge into itself")
AssociationDidNotExist = refusal(
    InvalidValue, "association {id} did not exist on {day}", "id", "day"
)


class SeatsFull(InvariantViolated):
    """More officers of one office than the plan allows (S3.3)."""

    message = (
        "clause {clause} allows at most {maximum} sitting officer(s) of the "
        "office; there are {sitting}"
    )
    parameters = ("sitting", "maximum", "clause")


SecondChair = refusal(
    SeatsFull,
    "the association already has {sitting} sitting chair(s); clause {clause} allows at most "
    "{maximum}",
)
TooManyViceChairs = refusal(
    SeatsFull,
    "the association has {sitting} sitting vice-chair(s); clause {clause} allows at most {maximum}",
)
TooManyCommitteeMembers = refusal(
    SeatsFull,
    "the association has {sitting} sitting committee member(s); clause {clause} allows at "
    "most {maximum}",
)
FullTimeNotCommitteeMember = refusal(
    InvariantViolated, "only a committee member can be full-time (clause {clause})", "clause"
)
NoSuchOfficer = refusal(NotFound, "no officer {id} in this association", "id")
OfficerLeft = refusal(InvariantViolated, "the officer has already left office")
NotFullTime = refusal(InvariantViolated, "the officer is not a full-time member")
AlreadyFullTime = refusal(InvariantViolated, "the officer is already a full-time member")
SayHowSelected = refusal(InvalidValue, "say how the member was selected")
ContinuingOnce = refusal(InvalidValue, "continuing must name a sitting officer, once")
ContinuingKeepsOffice = refusal(
    InvalidValue, "a continuing officer keeps their office; appoint them anew for another"
)
TermEndsBeforeStart = refusal(
    DateTooEarly, "the term must end after it starts ({earliest}), not on {day}"
)
TermNeedsOfficers = refusal(InvalidValue, "a new term needs its officers")
NoSuchFacility = refusal(NotFound, "no current facility {id}", "id")
NegativeAmount = refusal(InvalidValue, "the amount must not be negative")
NotInOfficeOnSessionDay = refusal(
    InvalidValue, "the officer was not in office on the day of the session ({day})", "day"
)
AttendanceRecorded = refusal(Conflict, "the officer's attendance is already recorded")
NoSuchTrainingSession = refusal(NotFound, "no training session {id}", "id")
SessionForOtherTownship = refusal(
    InvalidValue, "the session was for township {township}", "township"
)


# -- evaluations and settings ------------------------------------------------------------------

CycleNotBegun = refusal(InvalidValue, "the cycle {cycle} has not begun", "cycle")
NoSchemeInForce = refusal(
    InvariantViolated, "the district has no evaluation scheme in force on {day}", "day"
)
AlreadyEvaluated = refusal(Conflict, "cycle {cycle} already has this evaluation", "cycle")
UnknownCriterion = refusal(
    InvalidValue, "the scheme in force has no criterion {criterion}", "criterion"
)
MissingScore = refusal(InvalidValue, "criterion {criterion} has no score", "criterion")
NoCriteria = refusal(InvalidValue, "a scheme has at least one criterion")
DuplicateCriterion = refusal(InvalidValue, "criterion {criterion} appears twice", "criterion")
ScoreRangeReversed = refusal(InvalidValue, "max_score must lie above min_score")
WeightsDoNotAddUp = refusal(
    InvalidValue, "the weights add up to {total}, not {expected}", "total", "expected"
)
MissingInterval = refusal(InvalidValue, "no interval for {kind} households", "kind")
HardshipVisitedLessOften = refusal(
    InvalidValue,
    "special-hardship households are visited at least as often as others (clause {clause})",
    "clause",
)


# -- the roster -----------------------------------------------------------------------------------

NoSuchPerson = refusal(NotFound, "no person {id}", "id")


class OnTheRoster(Conflict):
    """A resident ID already claimed in this district, said the same whoever asks."""

    message = (
        "a person with this resident ID is already on the district's roster; if they now live "
        "in your area, the district administrator can move them to your village (a relocation)"
    )


BatchOnTheRoster = refusal(Conflict, "a resident ID of the batch is already on the roster")
PersonErased = refusal(
    InvariantViolated, "the person's personal data was erased; nothing more can be recorded"
)
AlreadyErased = refusal(InvariantViolated, "the person's data was erased already")
PersonNotActive = refusal(
    InvariantViolated, "not possible while the person is {person_status}", "person_status"
)
BadSex = refusal(InvalidValue, "sex must be male or female")
BirthDateMismatch = refusal(
    InvalidValue, "the birth date differs from the one in the resident ID (characters 7-14)"
)
SexMismatch = refusal(
    InvalidValue, "the sex differs from the one the resident ID encodes (character 17)"
)
NeedsRequired = refusal(
    InvalidValue,
    "a person without a disability certificate is on the roster for their service needs; "
    "name at least one",
)
HardshipReasonRequired = refusal(InvalidValue, "say why the household is in special hardship")
HardshipReasonWithoutHardship = refusal(InvalidValue, "a hardship reason needs special_hardship")
GradeWithoutCertificate = refusal(InvalidValue, "a grade is assessed only with a certificate")
CategoryRequired = refusal(InvalidValue, "a certified person needs a category (1-7)")
GradeRequired = refusal(InvalidValue, "a certified person needs a grade (1-4)")
AlreadyLivesThere = refusal(InvalidValue, "the person already lives there")
HoldsCertificate = refusal(
    InvariantViolated, "the person already holds a certificate; change it instead"
)
HoldsNoCertificate = refusal(
    InvariantViolated, "the person holds no certificate; issue one instead"
)
DeathRecorded = refusal(InvariantViolated, "the death is already recorded")
ChangesThroughOwnCommand = refusal(InvalidValue, "this changes through its own command")
BeingTransferred = refusal(InvariantViolated, "the person is being handed over to another district")
RelocationNotTransfer = refusal(
    InvalidValue, "a move inside the district is a relocation, not a transfer"
)
NoPendingTransfer = refusal(InvariantViolated, "no such transfer is pending")
TransferCollided = refusal(Conflict, "the transfer collided with another change; try again")


# -- care: visits, needs, groups ------------------------------------------------------------------

NotOnRoster = refusal(NotFound, "no person {id} on the roster", "id")
LivesElsewhere = refusal(
    InvariantViolated, "the person lives in {village}, not in this association's village", "village"
)
NoSuchVisit = refusal(NotFound, "no visit {id} in this association", "id")
NoSuchFollowUp = refusal(NotFound, "no follow-up {id} of this visit", "id")
FollowUpAlreadyConcluded = refusal(
    InvariantViolated, "the follow-up was concluded on {concluded_on}", "concluded_on"
)
NeedStillOpen = refusal(
    InvariantViolated,
    "a {category} need of this person is still open; record a service against it instead of "
    "a second one",
    "category",
)
NoSuchNeed = refusal(NotFound, "no need {id} of this person", "id")
NeedMet = refusal(InvariantViolated, "the need was met on {met_on}", "met_on")
NoSuchGroup = refusal(NotFound, "no group {id} in this association", "id")
GroupCategoryRequired = refusal(InvalidValue, "a group by category names its category")
GroupAreaRequired = refusal(InvalidValue, "a group by area names its area")
GroupAreaWithCategory = refusal(InvalidValue, "a group by area has no category")
AlreadyMember = refusal(InvariantViolated, "the person is already a member")
NotMember = refusal(NotFound, "person {id} is not a member of this group", "id")
LeaderNotMember = refusal(InvariantViolated, "the leader must be a member of the group")
GroupHasMembers = refusal(
    InvariantViolated,
    "the group still has {members} member(s); record their departure or move them to another "
    "group first",
    "members",
)
GroupDisbanded = refusal(InvariantViolated, "the group has been disbanded")


# -- the campaign: inspections, supervision, models -------------------------------------------

NoSuchInspection = refusal(NotFound, "no inspection {id}", "id")
NoSuchSupervision = refusal(NotFound, "no key supervision {id}", "id")
NotAModel = refusal(NotFound, "no model designation of {id}", "id")
NoSuchProblem = refusal(NotFound, "no problem {id}", "id")
SampledTwice = refusal(InvalidValue, "an association is sampled twice")
NothingSampled = refusal(InvalidValue, "an inspection samples at least one association")
AcceptanceNeedsTownship = refusal(InvalidValue, "a township acceptance names its township")
NotInTownship = refusal(
    InvalidValue, "association {id} is not in township {township}", "id", "township"
)
InspectionClosed = refusal(
    InvariantViolated, "the inspection was concluded on {concluded_on}", "concluded_on"
)
InspectionConcluded = refusal(
    Conflict, "the inspection was already concluded on {concluded_on}", "concluded_on"
)
NotSampled = refusal(InvalidValue, "the association was not sampled by this inspection")
OutsideInspection = refusal(InvalidValue, "the division is outside the inspection")
ProblemListed = refusal(
    Conflict,
    "the problem of rule {rule} there is already on the list ({existing})",
    "rule",
    "existing",
)
ProblemAlreadyRectified = refusal(
    Conflict, "the problem was rectified on {rectified_on}", "rectified_on"
)
ProblemInState = refusal(Conflict, "the problem is already {state}", "state")
NotRectified = refusal(
    Conflict, "the problem is {state}, not yet rectified: there is nothing to review", "state"
)
RectificationReviewed = refusal(
    Conflict, "the rectification was already confirmed on {confirmed_on}", "confirmed_on"
)
OwnRectification = refusal(
    Conflict, "the rectification was recorded by the same account: another person confirms it"
)
BeforeRectification = refusal(
    InvalidValue, "{day} is before the rectification on {earliest}", "day", "earliest"
)
EvidenceRequired = refusal(InvalidValue, "a rectification needs evidence")
NotJointAcceptance = refusal(
    InvariantViolated, "only the city joint acceptance takes the bodies' decisions"
)
BodyAlreadyDecided = refusal(Conflict, "the {body} has already decided", "body")
DecisionsMissing = refusal(
    InvariantViolated, "the joint acceptance concludes with the three decisions"
)
SupervisionReleased = refusal(
    Conflict, "the supervision was released on {released_on}", "released_on"
)
AlreadyModel = refusal(Conflict, "already a model since {since}", "since")
ModelWithdrawn = refusal(
    Conflict, "the designation was withdrawn on {withdrawn_on}", "withdrawn_on"
)


# -- accounts and districts -------------------------------------------------------------------

NoSuchDistrict = refusal(NotFound, "no district {id}", "id")
DistrictExists = refusal(Conflict, "district {code} already exists", "code")
BlanksAroundCode = refusal(InvalidValue, "a district code has no blanks around it")
OutsideCity = refusal(
    InvalidValue,
    "district {code} lies outside this city (codes start with {prefix})",
    "code",
    "prefix",
)
NoSuchUser = refusal(NotFound, "no user {id}", "id")
NoSuchToken = refusal(NotFound, "no token {id}", "id")
LastCityAdministrator = refusal(
    Conflict,
    "this is the last active city administrator: create another city_admin account (with a "
    "token) first",
)
BadLogin = refusal(
    InvalidValue,
    "a login is 3 to 40 lower-case letters, digits, '.', '-' or '_', starting with a letter "
    "or a digit",
)
LoginTaken = refusal(Conflict, "the login {login} is taken", "login")
NoSuchLogin = refusal(NotFound, "no account signs in as {login}", "login")


class SignInFailed(InvalidValue):
    """The same refusal for an unknown login and a wrong password: which one it was would
    tell a stranger which logins exist."""

    message = "the login or the password is wrong"


class SignInThrottled(Conflict):
    """Too many failed sign-ins: the web layer answers 429 with ``Retry-After``."""

    message = "too many failed sign-ins; try again in {retry_after_seconds} seconds"
    parameters: ClassVar[tuple[str, ...]] = ("retry_after_seconds",)


SignInTooSoon = refusal(
    SignInThrottled,
    "too many failed sign-ins; wait {retry_after_seconds} seconds before trying again",
)
AccountLocked = refusal(
    SignInThrottled,
    "the account is locked after too many failed sign-ins; try again in "
    "{retry_after_minutes} minutes",
    "retry_after_seconds",
    "retry_after_minutes",
)
SessionEnded = refusal(NotFound, "the session has ended; sign in again")
CurrentPasswordWrong = refusal(InvalidValue, "the current password is wrong")
PasswordTooWeak = refusal(
    InvalidValue,
    "choose a password of at least {minimum_length} characters that is neither the login nor "
    "the current password",
    "minimum_length",
)
RoleNeeds = refusal(InvalidValue, "a {role} needs this", "role")
RoleHasNo = refusal(InvalidValue, "a {role} has none of this", "role")
TownshipOutsideDistrict = refusal(InvalidValue, "the township is not in the district")
NoTrail = refusal(NotFound, "no events of {id} in the trail", "id")
NoNeedsSurvey = refusal(NotFound, "no needs survey of person {id} in this association", "id")
BeforeFacilityRecorded = before("the facility was recorded")
AlreadyHeld = refusal(InvariantViolated, "the person is already on this district's roster")
IdentifierTaken = refusal(InvariantViolated, "the resident ID belongs to another person")


_name_refusals(globals())
