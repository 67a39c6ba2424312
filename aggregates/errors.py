"""Domain errors: what the domain refuses, named for the refusal and carrying its parameters.

Each error is one refusal a user can meet (:class:`SecondChair`, :class:`DateInFuture`, ...),
of one of four kinds (the base classes: :class:`InvalidValue`, :class:`InvariantViolated`,
:class:`Conflict`, :class:`NotFound`).  It names the argument at fault in ``field`` (the
domain's own name) and carries its ``facts`` (``sitting=1, maximum=1, clause="S3.3"``), never
a finished sentence: ``message`` is the English message id of the one catalog
(``service/translations``) that says it in Chinese and English.  HTTP statuses, problem types
and field paths belong to ``service/``.  ``detail`` is the English text, for logs and the CLI.
"""

from __future__ import annotations

from typing import Any, ClassVar


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


# -- values of any command ---------------------------------------------------------------------


class DateInFuture(InvalidValue):
    message = "the date {day} lies in the future"
    parameters = ("day",)


class DateTooEarly(InvalidValue):
    message = "the date {day} lies before {earliest}"
    parameters = ("day", "earliest")


class Blank(InvalidValue):
    message = "this must not be empty"


class ReasonRequired(InvalidValue):
    message = "say why"


class UnknownChoice(InvalidValue):
    message = "not one of the accepted values"


class OutOfRange(InvalidValue):
    message = "the value must lie between {minimum} and {maximum}"
    parameters = ("minimum", "maximum")


class NotPositive(InvalidValue):
    message = "the value must be greater than zero"


class NothingChanges(InvalidValue):
    message = "nothing changes"


class BadIdentifier(InvalidValue):
    """An identifier refused by aggregates/identifiers.py, which words its reasons in both
    languages itself (the Chinese catalog entry is ``{reason_zh}``)."""

    message = "{reason}"
    parameters = ("reason", "reason_zh")


class OutsideDistrict(InvalidValue):
    message = "{code} is not in district {district}"
    parameters = ("code", "district")


class ChangedConcurrently(Conflict):
    message = "the records were changed by another request; try again"


class LostRace(Conflict):
    message = (
        "the record was changed by another request (now at version {current_version}); try again"
    )
    parameters = ("current_version",)


# -- dates before the day they depend on ---------------------------------------------------------


class BeforeEstablished(DateTooEarly):
    message = "the date {day} lies before the association was established ({earliest})"


class BeforeTargetEstablished(DateTooEarly):
    message = "the date {day} lies before the association merged into was established ({earliest})"


class BeforeAppointment(DateTooEarly):
    message = "the date {day} lies before the officer's appointment ({earliest})"


class BeforeLatestAppointment(DateTooEarly):
    message = "the date {day} lies before the latest appointment ({earliest})"


class BeforeFullTimeSelection(DateTooEarly):
    message = "the date {day} lies before the full-time selection ({earliest})"


class BeforeTermStart(DateTooEarly):
    message = "the new term must begin after the current term began ({earliest}), not on {day}"


class BeforeStart(DateTooEarly):
    message = "the date {day} must lie after the start ({earliest})"


class BeforeBirth(DateTooEarly):
    message = "the date {day} lies before the birth date ({earliest})"


class BeforeVisit(DateTooEarly):
    message = "the date {day} lies before the visit ({earliest})"


class BeforeReferral(DateTooEarly):
    message = "the date {day} lies before the referral ({earliest})"


class BeforeDivisionBegan(InvalidValue):
    message = "the date {day} lies before {code} began ({earliest})"
    parameters = ("day", "earliest", "code")


class BeforeCycle(InvalidValue):
    message = "the date {day} lies before the cycle {cycle} began"
    parameters = ("day", "cycle")


class BeforeLastSurvey(DateTooEarly):
    message = "the date {day} lies before the person's last survey ({earliest})"


class BeforeNeedFound(DateTooEarly):
    message = "the date {day} lies before the need was found ({earliest})"


class BeforeInspection(DateTooEarly):
    message = "the date {day} lies before the inspection ({earliest})"


class BeforeProblemFound(DateTooEarly):
    message = "the date {day} lies before the problem was found or escalated ({earliest})"


class BeforeLastFiling(DateTooEarly):
    message = "the date {day} lies before the last filing ({earliest})"


class BeforeCampaign(DateTooEarly):
    message = "the date {day} lies before the campaign began ({earliest})"


class BeforeGroupFormed(DateTooEarly):
    message = "the date {day} lies before the group was formed ({earliest})"


class BeforeJoined(DateTooEarly):
    message = "the date {day} lies before the person joined ({earliest})"


class BeforeLastDeparture(DateTooEarly):
    message = "the date {day} lies before the person's last departure ({earliest})"


class BeforeLastChange(DateTooEarly):
    message = "the date {day} lies before the group's last recorded change ({earliest})"


# -- divisions -------------------------------------------------------------------------------------


class BadDivisionCode(InvalidValue):
    message = "a division code has 9 (township) or 12 (village/community) digits"


class DivisionNotInDistrict(NotFound):
    message = "division {code} is not in district {district}"
    parameters = ("code", "district")


class NoDivisionRegister(NotFound):
    message = "district {district} keeps no division register yet"
    parameters = ("district",)


class NoSuchDivision(NotFound):
    message = "no division {id} in the register"
    parameters = ("id",)


class VillageNotRegistered(InvalidValue):
    message = "village {code} is not in the district's division register"
    parameters = ("code",)


class TownshipNotRegistered(InvalidValue):
    message = "township {code} is not in the division register"
    parameters = ("code",)


class DivisionEnded(InvalidValue):
    message = "{code} ended on {ended_on}"
    parameters = ("code", "ended_on")


class AlreadyRegistered(Conflict):
    message = "{code} is already registered as {name}"
    parameters = ("code", "name")


class RepeatedInFile(Conflict):
    message = "the code appears again (first on line {first_line})"
    parameters = ("first_line",)


class SameName(InvalidValue):
    message = "the division already has that name"


class MergeNeedsTwo(InvalidValue):
    message = "a merge needs two or more different villages"


class SplitNeedsTwo(InvalidValue):
    message = "a split needs two or more different parts"


class NewVillageNeedsName(InvalidValue):
    message = "a new village needs its name"


class ActiveAssociationsToMerge(InvariantViolated):
    message = (
        "more than one of these villages has an active association; merge the associations first"
    )


class NotOnePart(InvalidValue):
    message = "association_to must be one of the parts"


class SayWhichPart(InvalidValue):
    message = "the village has an association: say which part it follows"


class DivisionImportRefused(InvalidValue):
    """An import with bad rows: every row's problem, nothing imported."""

    message = "{count} row(s) of the file are invalid; nothing was imported"
    parameters = ("count",)

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        super().__init__(field="csv", count=len(rows))
        self.rows = rows


# -- associations and their officers -------------------------------------------------------------


class NoSuchAssociation(NotFound):
    message = "no association {id}"
    parameters = ("id",)


class AssociationExists(Conflict):
    message = "division {code} already has an association"
    parameters = ("code",)


class NotWithinTownship(InvalidValue):
    message = "division {code} is not within township {township}"
    parameters = ("code", "township")


class AssociationNotActive(InvariantViolated):
    message = "the association is {association_status} since {since}"
    parameters = ("association_status", "since")


class TargetNotActive(InvariantViolated):
    message = "the association to merge into is {association_status}"
    parameters = ("association_status",)


class MergeIntoItself(InvalidValue):
    message = "an association cannot merge into itself"


class AssociationDidNotExist(InvalidValue):
    message = "association {id} did not exist on {day}"
    parameters = ("id", "day")


class SeatsFull(InvariantViolated):
    """More officers of one office than the plan allows (S3.3)."""

    message = (
        "clause {clause} allows at most {maximum} sitting officer(s) of the "
        "office; there are {sitting}"
    )
    parameters = ("sitting", "maximum", "clause")


class SecondChair(SeatsFull):
    message = (
        "the association already has {sitting} sitting chair(s); clause "
        "{clause} allows at most {maximum}"
    )


class TooManyViceChairs(SeatsFull):
    message = (
        "the association has {sitting} sitting vice-chair(s); clause {clause} "
        "allows at most {maximum}"
    )


class TooManyCommitteeMembers(SeatsFull):
    message = (
        "the association has {sitting} sitting committee member(s); clause "
        "{clause} allows at most {maximum}"
    )


class FullTimeNotCommitteeMember(InvariantViolated):
    message = "only a committee member can be full-time (clause {clause})"
    parameters = ("clause",)


class NoSuchOfficer(NotFound):
    message = "no officer {id} in this association"
    parameters = ("id",)


class OfficerLeft(InvariantViolated):
    message = "the officer has already left office"


class NotFullTime(InvariantViolated):
    message = "the officer is not a full-time member"


class AlreadyFullTime(InvariantViolated):
    message = "the officer is already a full-time member"


class SayHowSelected(InvalidValue):
    message = "say how the member was selected"


class ContinuingOnce(InvalidValue):
    message = "continuing must name a sitting officer, once"


class ContinuingKeepsOffice(InvalidValue):
    message = "a continuing officer keeps their office; appoint them anew for another"


class TermEndsBeforeStart(DateTooEarly):
    message = "the term must end after it starts ({earliest}), not on {day}"


class TermNeedsOfficers(InvalidValue):
    message = "a new term needs its officers"


class NoSuchFacility(NotFound):
    message = "no current facility {id}"
    parameters = ("id",)


class NegativeAmount(InvalidValue):
    message = "the amount must not be negative"


class NotInOfficeOnSessionDay(InvalidValue):
    message = "the officer was not in office on the day of the session ({day})"
    parameters = ("day",)


class AttendanceRecorded(Conflict):
    message = "the officer's attendance is already recorded"


class NoSuchTrainingSession(NotFound):
    message = "no training session {id}"
    parameters = ("id",)


class SessionForOtherTownship(InvalidValue):
    message = "the session was for township {township}"
    parameters = ("township",)


# -- evaluations and settings ------------------------------------------------------------------


class CycleNotBegun(InvalidValue):
    message = "the cycle {cycle} has not begun"
    parameters = ("cycle",)


class NoSchemeInForce(InvariantViolated):
    message = "the district has no evaluation scheme in force on {day}"
    parameters = ("day",)


class AlreadyEvaluated(Conflict):
    message = "cycle {cycle} already has this evaluation"
    parameters = ("cycle",)


class UnknownCriterion(InvalidValue):
    message = "the scheme in force has no criterion {criterion}"
    parameters = ("criterion",)


class MissingScore(InvalidValue):
    message = "criterion {criterion} has no score"
    parameters = ("criterion",)


class NoCriteria(InvalidValue):
    message = "a scheme has at least one criterion"


class DuplicateCriterion(InvalidValue):
    message = "criterion {criterion} appears twice"
    parameters = ("criterion",)


class ScoreRangeReversed(InvalidValue):
    message = "max_score must lie above min_score"


class WeightsDoNotAddUp(InvalidValue):
    message = "the weights add up to {total}, not {expected}"
    parameters = ("total", "expected")


class MissingInterval(InvalidValue):
    message = "no interval for {kind} households"
    parameters = ("kind",)


class HardshipVisitedLessOften(InvalidValue):
    message = (
        "special-hardship households are visited at least as often as others (clause {clause})"
    )
    parameters = ("clause",)


# -- the roster -----------------------------------------------------------------------------------


class NoSuchPerson(NotFound):
    message = "no person {id}"
    parameters = ("id",)


class OnTheRoster(Conflict):
    """A resident ID already claimed in this district, said the same whoever asks."""

    message = (
        "a person with this resident ID is already on the district's roster; if they now live "
        "in your area, the district administrator can move them to your village (a relocation)"
    )


class BatchOnTheRoster(Conflict):
    message = "a resident ID of the batch is already on the roster"


class PersonErased(InvariantViolated):
    message = "the person's personal data was erased; nothing more can be recorded"


class AlreadyErased(InvariantViolated):
    message = "the person's data was erased already"


class PersonNotActive(InvariantViolated):
    message = "not possible while the person is {person_status}"
    parameters = ("person_status",)


class BadSex(InvalidValue):
    message = "sex must be male or female"


class BirthDateMismatch(InvalidValue):
    message = "the birth date differs from the one in the resident ID (characters 7-14)"


class SexMismatch(InvalidValue):
    message = "the sex differs from the one the resident ID encodes (character 17)"


class NeedsRequired(InvalidValue):
    message = (
        "a person without a disability certificate is on the roster for their "
        "service needs; name at least one"
    )


class HardshipReasonRequired(InvalidValue):
    message = "say why the household is in special hardship"


class HardshipReasonWithoutHardship(InvalidValue):
    message = "a hardship reason needs special_hardship"


class GradeWithoutCertificate(InvalidValue):
    message = "a grade is assessed only with a certificate"


class CategoryRequired(InvalidValue):
    message = "a certified person needs a category (1-7)"


class GradeRequired(InvalidValue):
    message = "a certified person needs a grade (1-4)"


class AlreadyLivesThere(InvalidValue):
    message = "the person already lives there"


class HoldsCertificate(InvariantViolated):
    message = "the person already holds a certificate; change it instead"


class HoldsNoCertificate(InvariantViolated):
    message = "the person holds no certificate; issue one instead"


class DeathRecorded(InvariantViolated):
    message = "the death is already recorded"


class ChangesThroughOwnCommand(InvalidValue):
    message = "this changes through its own command"


class BeingTransferred(InvariantViolated):
    message = "the person is being handed over to another district"


class RelocationNotTransfer(InvalidValue):
    message = "a move inside the district is a relocation, not a transfer"


class NoPendingTransfer(InvariantViolated):
    message = "no such transfer is pending"


class TransferCollided(Conflict):
    message = "the transfer collided with another change; try again"


# -- care: visits, needs, groups ------------------------------------------------------------------


class NotOnRoster(NotFound):
    message = "no person {id} on the roster"
    parameters = ("id",)


class LivesElsewhere(InvariantViolated):
    message = "the person lives in {village}, not in this association's village"
    parameters = ("village",)


class NoSuchVisit(NotFound):
    message = "no visit {id} in this association"
    parameters = ("id",)


class NoSuchFollowUp(NotFound):
    message = "no follow-up {id} of this visit"
    parameters = ("id",)


class FollowUpAlreadyConcluded(InvariantViolated):
    message = "the follow-up was concluded on {concluded_on}"
    parameters = ("concluded_on",)


class NeedStillOpen(InvariantViolated):
    message = (
        "a {category} need of this person is still open; record a service "
        "against it instead of a second one"
    )
    parameters = ("category",)


class NoSuchNeed(NotFound):
    message = "no need {id} of this person"
    parameters = ("id",)


class NeedMet(InvariantViolated):
    message = "the need was met on {met_on}"
    parameters = ("met_on",)


class NoSuchGroup(NotFound):
    message = "no group {id} in this association"
    parameters = ("id",)


class GroupCategoryRequired(InvalidValue):
    message = "a group by category names its category"


class GroupAreaRequired(InvalidValue):
    message = "a group by area names its area"


class GroupAreaWithCategory(InvalidValue):
    message = "a group by area has no category"


class AlreadyMember(InvariantViolated):
    message = "the person is already a member"


class NotMember(NotFound):
    message = "person {id} is not a member of this group"
    parameters = ("id",)


class LeaderNotMember(InvariantViolated):
    message = "the leader must be a member of the group"


class GroupHasMembers(InvariantViolated):
    message = (
        "the group still has {members} member(s); record their departure or "
        "move them to another group first"
    )
    parameters = ("members",)


class GroupDisbanded(InvariantViolated):
    message = "the group has been disbanded"


# -- the campaign: inspections, supervision, models -------------------------------------------


class NoSuchInspection(NotFound):
    message = "no inspection {id}"
    parameters = ("id",)


class NoSuchSupervision(NotFound):
    message = "no key supervision {id}"
    parameters = ("id",)


class NotAModel(NotFound):
    message = "no model designation of {id}"
    parameters = ("id",)


class NoSuchProblem(NotFound):
    message = "no problem {id}"
    parameters = ("id",)


class SampledTwice(InvalidValue):
    message = "an association is sampled twice"


class NothingSampled(InvalidValue):
    message = "an inspection samples at least one association"


class AcceptanceNeedsTownship(InvalidValue):
    message = "a township acceptance names its township"


class NotInTownship(InvalidValue):
    message = "association {id} is not in township {township}"
    parameters = ("id", "township")


class InspectionClosed(InvariantViolated):
    message = "the inspection was concluded on {concluded_on}"
    parameters = ("concluded_on",)


class InspectionConcluded(Conflict):
    message = "the inspection was already concluded on {concluded_on}"
    parameters = ("concluded_on",)


class NotSampled(InvalidValue):
    message = "the association was not sampled by this inspection"


class OutsideInspection(InvalidValue):
    message = "the division is outside the inspection"


class ProblemListed(Conflict):
    message = "the problem of rule {rule} there is already on the list ({existing})"
    parameters = ("rule", "existing")


class ProblemAlreadyRectified(Conflict):
    message = "the problem was rectified on {rectified_on}"
    parameters = ("rectified_on",)


class ProblemInState(Conflict):
    message = "the problem is already {state}"
    parameters = ("state",)


class NotRectified(Conflict):
    message = "the problem is {state}, not yet rectified: there is nothing to review"
    parameters = ("state",)


class RectificationReviewed(Conflict):
    message = "the rectification was already confirmed on {confirmed_on}"
    parameters = ("confirmed_on",)


class BeforeRectification(InvalidValue):
    message = "{day} is before the rectification on {earliest}"
    parameters = ("day", "earliest")


class EvidenceRequired(InvalidValue):
    message = "a rectification needs evidence"


class NotJointAcceptance(InvariantViolated):
    message = "only the city joint acceptance takes the bodies' decisions"


class BodyAlreadyDecided(Conflict):
    message = "the {body} has already decided"
    parameters = ("body",)


class DecisionsMissing(InvariantViolated):
    message = "the joint acceptance concludes with the three decisions"


class SupervisionReleased(Conflict):
    message = "the supervision was released on {released_on}"
    parameters = ("released_on",)


class AlreadyModel(Conflict):
    message = "already a model since {since}"
    parameters = ("since",)


class ModelWithdrawn(Conflict):
    message = "the designation was withdrawn on {withdrawn_on}"
    parameters = ("withdrawn_on",)


# -- accounts and districts -------------------------------------------------------------------


class NoSuchDistrict(NotFound):
    message = "no district {id}"
    parameters = ("id",)


class DistrictExists(Conflict):
    message = "district {code} already exists"
    parameters = ("code",)


class BlanksAroundCode(InvalidValue):
    message = "a district code has no blanks around it"


class OutsideCity(InvalidValue):
    message = "district {code} lies outside this city (codes start with {prefix})"
    parameters = ("code", "prefix")


class NoSuchUser(NotFound):
    message = "no user {id}"
    parameters = ("id",)


class NoSuchToken(NotFound):
    message = "no token {id}"
    parameters = ("id",)


class LastCityAdministrator(Conflict):
    message = (
        "this is the last active city administrator: create another city_admin "
        "account (with a token) first"
    )


class BadLogin(InvalidValue):
    message = (
        "a login is 3 to 40 lower-case letters, digits, '.', '-' or '_', "
        "starting with a letter or a digit"
    )


class LoginTaken(Conflict):
    message = "the login {login} is taken"
    parameters = ("login",)


class NoSuchLogin(NotFound):
    message = "no account signs in as {login}"
    parameters = ("login",)


class SignInFailed(InvalidValue):
    """The same refusal for an unknown login and a wrong password: which one it was would
    tell a stranger which logins exist."""

    message = "the login or the password is wrong"


class SignInThrottled(Conflict):
    """Too many failed sign-ins: the web layer answers 429 with ``Retry-After``."""

    message = "too many failed sign-ins; try again in {retry_after_seconds} seconds"
    parameters: ClassVar[tuple[str, ...]] = ("retry_after_seconds",)


class SignInTooSoon(SignInThrottled):
    message = "too many failed sign-ins; wait {retry_after_seconds} seconds before trying again"


class AccountLocked(SignInThrottled):
    message = (
        "the account is locked after too many failed sign-ins; "
        "try again in {retry_after_minutes} minutes"
    )
    parameters = ("retry_after_seconds", "retry_after_minutes")


class SessionEnded(NotFound):
    message = "the session has ended; sign in again"


class CurrentPasswordWrong(InvalidValue):
    message = "the current password is wrong"


class PasswordTooWeak(InvalidValue):
    message = (
        "choose a password of at least {minimum_length} characters that is neither "
        "the login nor the current password"
    )
    parameters = ("minimum_length",)


class RoleNeeds(InvalidValue):
    message = "a {role} needs this"
    parameters = ("role",)


class RoleHasNo(InvalidValue):
    message = "a {role} has none of this"
    parameters = ("role",)


class TownshipOutsideDistrict(InvalidValue):
    message = "the township is not in the district"


class NoTrail(NotFound):
    message = "no events of {id} in the trail"
    parameters = ("id",)


class NoNeedsSurvey(NotFound):
    message = "no needs survey of person {id} in this association"
    parameters = ("id",)


class BeforeFacilityRecorded(DateTooEarly):
    message = "the date {day} lies before the facility was recorded ({earliest})"


class AlreadyHeld(InvariantViolated):
    message = "the person is already on this district's roster"


class IdentifierTaken(InvariantViolated):
    message = "the resident ID belongs to another person"
