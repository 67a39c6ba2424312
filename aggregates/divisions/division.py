"""The district's register of divisions: townships (乡镇街道) and villages (村社区).

One register per district, its id derived from the district code, so that every rule that spans
divisions (a village lies inside a recorded township, a code is never used twice, a merge takes
active villages only) is checked against one consistent state.  Divisions change over time
with effective dates: renamed, merged or split; a retired division stays in the register with
the date it ended and where it went.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from aggregates.clock import check_day
from aggregates.errors import (
    AlreadyRegistered,
    BadDivisionCode,
    BadIdentifier,
    BeforeDivisionBegan,
    DateInFuture,
    DivisionEnded,
    MergeNeedsTwo,
    NewVillageNeedsName,
    NoSuchDivision,
    OutsideDistrict,
    SameName,
    SplitNeedsTwo,
    TownshipNotRegistered,
    VillageNotRegistered,
)
from aggregates.events import Aggregate, event
from aggregates.identifiers import (
    DivisionLevel,
    InvalidIdentifier,
    validate_division_code,
    village_kind,
)
from aggregates.provenance import Provenance


class TownshipKind(StrEnum):
    """What a township-level unit is, read from its name."""

    STREET = "street"  # 街道
    TOWN = "town"  # 镇
    TOWNSHIP = "township"  # 乡
    OTHER = "other"  # 管委会、产业集聚区, ...


def township_kind(name: str) -> TownshipKind:
    """Street, town or township by the name's ending (街道, 镇, 乡)."""
    if name.endswith("街道") or name.endswith("街道办事处"):
        return TownshipKind.STREET
    if name.endswith("镇"):
        return TownshipKind.TOWN
    if name.endswith("乡"):
        return TownshipKind.TOWNSHIP
    return TownshipKind.OTHER


def division_register_id(district_code: str) -> UUID:
    """The id of a district's register: the same district always gives the same id."""
    return uuid5(NAMESPACE_URL, f"canxie:division-register:{district_code}")


@dataclass(frozen=True)
class Division:
    """A township or village as the register knows it."""

    code: str
    level: DivisionLevel
    name: str
    valid_from: date | None
    ended_on: date | None = None

    @property
    def active(self) -> bool:
        """Not merged away or split up."""
        return self.ended_on is None


@dataclass(frozen=True)
class DivisionPart:
    """One village a split produces."""

    code: str
    name: str


def checked_code(value: str, level: DivisionLevel, field: str) -> str:
    """A division code of ``level``, or InvalidValue naming ``field``."""
    try:
        return validate_division_code(value, level)
    except InvalidIdentifier as error:
        raise BadIdentifier(reason=error.reason, reason_zh=error.reason_zh, field=field) from None


class DivisionRegister(Aggregate):
    """The townships and villages of one district, over time."""

    @event("Opened")
    def __init__(self, district_code: str, by: Provenance) -> None:
        """The district began keeping its divisions."""
        self.district_code = district_code
        self.divisions: dict[str, Division] = {}

    def __deepcopy__(self, memo: dict[int, Any]) -> DivisionRegister:
        """A copy for the repository's cache: the dict copied, frozen divisions shared."""
        clone = object.__new__(type(self))
        clone.__dict__.update(self.__dict__)
        clone.divisions = dict(self.divisions)
        clone._pending_events = list(self._pending_events)
        return clone

    @classmethod
    def open(cls, district_code: str, by: Provenance) -> DivisionRegister:
        """A new, empty register for a district."""
        return cls._create(
            cls.Opened, id=division_register_id(district_code), district_code=district_code, by=by
        )

    # -- queries --------------------------------------------------------------------------

    def find(self, code: str) -> Division | None:
        """The division with that code (active or retired), if entered."""
        return self.divisions.get(code)

    def active_village(self, code: str, field: str) -> Division:
        """An active village, or the reason it is not."""
        division = self.divisions.get(code)
        if division is None or division.level is not DivisionLevel.VILLAGE:
            raise VillageNotRegistered(code=code, field=field)
        if not division.active:
            raise DivisionEnded(code=code, ended_on=division.ended_on, field=field)
        return division

    # -- commands -------------------------------------------------------------------------

    def record(
        self,
        *,
        code: str,
        name: str,
        effective_on: date | None,
        today: date,
        by: Provenance,
        field: str = "code",
    ) -> Division:
        """Enter a township (9 digits) or village (12 digits) of this district.

        Entering one again under the same name changes nothing (imports can be repeated); under
        another name it is a conflict (renaming is its own command, with a date).
        """
        code = code.strip()
        if len(code) not in (9, 12):
            raise BadDivisionCode(field=field)
        level = DivisionLevel.TOWNSHIP if len(code) == 9 else DivisionLevel.VILLAGE
        code = checked_code(code, level, field)
        if not code.startswith(self.district_code):
            raise OutsideDistrict(code=code, district=self.district_code, field=field)
        if effective_on is not None and effective_on > today:
            raise DateInFuture(day=effective_on, field="effective_on")
        known = self.divisions.get(code)
        if known is not None:
            if known.name == name:
                return known
            raise AlreadyRegistered(code=code, name=known.name, field=field)
        if level is DivisionLevel.TOWNSHIP:
            self._record_township(
                code=code,
                name=name,
                kind=township_kind(name).value,
                effective_on=effective_on,
                by=by,
            )
        else:
            township = self.divisions.get(code[:9])
            if township is None or not township.active:
                raise TownshipNotRegistered(code=code[:9], field=field)
            self._record_village(
                code=code,
                name=name,
                township_code=code[:9],
                kind=village_kind(code).value,
                effective_on=effective_on,
                by=by,
            )
        return self.divisions[code]

    @event("TownshipRecorded")
    def _record_township(
        self, code: str, name: str, kind: str, effective_on: date | None, by: Provenance
    ) -> None:
        """A township or street was entered."""
        self.divisions[code] = Division(code, DivisionLevel.TOWNSHIP, name, effective_on)

    @event("VillageRecorded")
    def _record_village(
        self,
        code: str,
        name: str,
        township_code: str,
        kind: str,
        effective_on: date | None,
        by: Provenance,
    ) -> None:
        """A village or community was entered."""
        self.divisions[code] = Division(code, DivisionLevel.VILLAGE, name, effective_on)

    def rename(
        self, *, code: str, name: str, effective_on: date, today: date, by: Provenance
    ) -> None:
        """Give an active division a new name from a date."""
        division = self.divisions.get(code)
        if division is None:
            raise NoSuchDivision(id=code, field="division_code")
        if not division.active:
            raise DivisionEnded(code=code, ended_on=division.ended_on, field="division_code")
        if division.name == name:
            raise SameName(field="name")
        self._check_effective(effective_on, [division], today)
        self._rename(
            code=code,
            name=name,
            previous_name=division.name,
            effective_on=effective_on,
            by=by,
        )

    @event("Renamed")
    def _rename(
        self, code: str, name: str, previous_name: str, effective_on: date, by: Provenance
    ) -> None:
        """A division took a new name from a date."""
        self.divisions[code] = replace(self.divisions[code], name=name)

    def check_merge(
        self,
        *,
        sources: list[str],
        into_code: str,
        into_name: str | None,
        effective_on: date,
        today: date,
    ) -> tuple[str, bool]:
        """Check a merge of villages; returns the merged village's name and whether it is new."""
        if len(set(sources)) != len(sources) or len(sources) < 2:
            raise MergeNeedsTwo(field="sources")
        villages = [self.active_village(code, "sources") for code in sources]
        self._check_effective(effective_on, villages, today)
        if into_code in sources:
            return into_name or self.divisions[into_code].name, False
        code = checked_code(into_code, DivisionLevel.VILLAGE, "into_code")
        self._check_new_village(code, "into_code")
        if not into_name:
            raise NewVillageNeedsName(field="into_name")
        return into_name, True

    def merge(
        self,
        *,
        sources: list[str],
        into_code: str,
        into_name: str,
        created: bool,
        effective_on: date,
        associations: dict[str, str],
        by: Provenance,
    ) -> None:
        """Record a checked merge (see :meth:`check_merge`)."""
        self._merge(
            sources=sources,
            into_code=into_code,
            into_name=into_name,
            created=created,
            effective_on=effective_on,
            associations=associations,
            by=by,
        )

    @event("VillagesMerged")
    def _merge(
        self,
        sources: list[str],
        into_code: str,
        into_name: str,
        created: bool,
        effective_on: date,
        associations: dict[str, str],
        by: Provenance,
    ) -> None:
        """Villages merged into one (an existing one of them, or a new code): the merged ones
        retire, the new one is entered if it is new.

        ``associations`` maps each association that followed its village to the code it went
        to; the others had been merged or dissolved before.
        """
        for code in sources:
            if code != into_code:
                self.divisions[code] = replace(self.divisions[code], ended_on=effective_on)
        if created:
            self.divisions[into_code] = Division(
                into_code, DivisionLevel.VILLAGE, into_name, effective_on
            )

    def check_split(
        self, *, code: str, parts: list[DivisionPart], effective_on: date, today: date
    ) -> None:
        """Check a split of a village into parts."""
        village = self.active_village(code, "division_code")
        if len(parts) < 2 or len({p.code for p in parts}) != len(parts):
            raise SplitNeedsTwo(field="parts")
        for index, part in enumerate(parts):
            if part.code == code:
                continue
            field = f"parts.{index}.code"
            checked_code(part.code, DivisionLevel.VILLAGE, field)
            self._check_new_village(part.code, field)
        self._check_effective(effective_on, [village], today)

    def split(
        self,
        *,
        code: str,
        parts: list[DivisionPart],
        effective_on: date,
        associations: dict[str, str],
        by: Provenance,
    ) -> None:
        """Record a checked split (see :meth:`check_split`)."""
        self._split(
            code=code,
            parts=[{"code": p.code, "name": p.name} for p in parts],
            effective_on=effective_on,
            associations=associations,
            by=by,
        )

    @event("VillageSplit")
    def _split(
        self,
        code: str,
        parts: list[dict[str, str]],
        effective_on: date,
        associations: dict[str, str],
        by: Provenance,
    ) -> None:
        """A village split into parts (which may include the village itself, smaller): the new
        parts are entered; the village retires unless it continues as a part."""
        continues = False
        for part in parts:
            if part["code"] == code:
                continues = True
                continue
            self.divisions[part["code"]] = Division(
                part["code"], DivisionLevel.VILLAGE, part["name"], effective_on
            )
        if not continues:
            self.divisions[code] = replace(self.divisions[code], ended_on=effective_on)

    def _check_new_village(self, code: str, field: str) -> None:
        if not code.startswith(self.district_code):
            raise OutsideDistrict(code=code, district=self.district_code, field=field)
        if code in self.divisions:
            raise AlreadyRegistered(code=code, name=self.divisions[code].name, field=field)
        township = self.divisions.get(code[:9])
        if township is None or not township.active:
            raise TownshipNotRegistered(code=code[:9], field=field)

    @staticmethod
    def _check_effective(effective_on: date, divisions: list[Division], today: date) -> None:
        check_day(effective_on, today, "effective_on")
        for division in divisions:
            if division.valid_from is not None and effective_on < division.valid_from:
                raise BeforeDivisionBegan(
                    day=effective_on,
                    earliest=division.valid_from,
                    code=division.code,
                    field="effective_on",
                )
