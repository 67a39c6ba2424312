"""Importing a district's roster from the CSV or Excel (.xlsx) file it already keeps.

Two streaming passes over the file, so memory stays bounded whatever its length:

1. every row is validated (each column on its own, then the row as a whole, with the same
   rules as the API) and every error is kept with its row number and column;
2. only when no row failed, or when asked to import the valid rows only, the rows are read
   again and saved in batches, one transaction per batch.

Importing the same file twice changes nothing: a resident ID already on the district's
roster is skipped (the store's :class:`ResidentClaim` guarantees it), and each row's digest is
kept in its registration event so an unchanged row can be told from a changed one.
Messages never quote a resident ID, certificate number, phone or address.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any
from uuid import UUID

from aggregates.errors import Conflict, DomainError
from aggregates.provenance import Provenance
from aggregates.roster.person import (
    HouseholdRelation,
    PersonDetails,
    Registration,
    RosterCommands,
    ServiceNeed,
    validated,
)
from aggregates.roster.person import resident_claim_id as claim_id
from projections.platform.database import Database

#: Rows saved per transaction.
BATCH_SIZE = 500

#: field -> accepted headers (Chinese first: the header written in error reports).
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "name"),
    "sex": ("性别", "sex"),
    "birth_date": ("出生日期", "birth_date"),
    "resident_id": ("身份证号", "公民身份号码", "resident_id"),
    "certificate_number": ("残疾人证号", "certificate_number"),
    "category": ("残疾类别", "category"),
    "grade": ("残疾等级", "grade"),
    "service_needs": ("服务需求", "service_needs"),
    "household_id": ("户编号", "household_id"),
    "household_relation": ("与户主关系", "household_relation"),
    "village_code": ("村（社区）代码", "村社区代码", "village_code"),
    "address": ("地址", "address"),
    "phone": ("联系电话", "phone"),
    "special_hardship": ("特困", "special_hardship"),
    "hardship_reason": ("特困原因", "hardship_reason"),
    "registered_on": ("登记日期", "registered_on"),
}
REQUIRED = ("name", "sex", "birth_date", "resident_id", "village_code", "address")

SEXES = {
    "男": "male",
    "女": "female",
    "male": "male",
    "female": "female",
    "m": "male",
    "f": "female",
}
CATEGORIES = {"视力": 1, "听力": 2, "言语": 3, "肢体": 4, "智力": 5, "精神": 6, "多重": 7}
GRADES = {"一级": 1, "二级": 2, "三级": 3, "四级": 4}
RELATIONS = {
    "户主": "head",
    "本人": "head",
    "配偶": "spouse",
    "子女": "child",
    "子": "child",
    "女": "child",
    "父母": "parent",
    "父亲": "parent",
    "母亲": "parent",
    "孙子女": "grandchild",
    "祖父母": "grandparent",
    "兄弟姐妹": "sibling",
    "其他": "other",
}
NEEDS = {
    "康复": "rehabilitation",
    "教育": "education",
    "就业扶贫": "employment",
    "就业": "employment",
    "社会保障与救助": "social_security",
    "社会保障": "social_security",
    "托养照护": "care",
    "托养": "care",
    "无障碍改造": "barrier_free",
    "无障碍": "barrier_free",
    "辅助器具": "assistive_devices",
    "文化体育": "culture_sports",
    "法律援助": "legal_aid",
    "其他": "other",
}
TRUE = {"是", "yes", "true", "1", "y", "√"}
FALSE = {"否", "no", "false", "0", "n", ""}
PHONE_DIGITS = frozenset("0123456789-")


class ImportFileError(ValueError):
    """The file itself cannot be read as a roster (kind, header, encoding)."""

    def __init__(self, message: str, *, column: str | None = None) -> None:
        super().__init__(message)
        self.column = column


@dataclass(frozen=True)
class RowError:
    """One problem of one row: the spreadsheet row number (header is row 1) and the column."""

    row: int
    column: str | None
    field: str
    message: str
    #: The domain's refusal behind ``message``, when there is one (a page says it in its
    #: language).
    refusal: DomainError | None = field(default=None, compare=False)

    def as_dict(self) -> dict[str, Any]:
        """Plain form for answers and the CLI."""
        return {
            "row": self.row,
            "column": self.column,
            "field": self.field,
            "message": self.message,
        }


@dataclass(frozen=True)
class ValidRow:
    """A row that passed every check, ready to register."""

    row: int
    registration: Registration


@dataclass
class ImportReport:
    """What an import found and did."""

    rows: int = 0
    valid: int = 0
    invalid: int = 0
    imported: int = 0
    unchanged: int = 0
    on_roster_differs: list[int] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    stored: bool = False
    dry_run: bool = False
    valid_rows_only: bool = False
    position: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """Plain form for answers and the CLI."""
        return {
            "rows": self.rows,
            "valid": self.valid,
            "invalid": self.invalid,
            "imported": self.imported,
            "unchanged": self.unchanged,
            "on_roster_differs": self.on_roster_differs,
            "errors": [e.as_dict() for e in self.errors],
            "stored": self.stored,
            "dry_run": self.dry_run,
            "valid_rows_only": self.valid_rows_only,
            "position": self.position,
            "seconds": round(self.seconds, 3),
        }


@dataclass(frozen=True)
class Progress:
    """Where an import stands: the phase, rows seen, and rows saved."""

    phase: str  # "validating" | "saving" | "done"
    rows: int
    imported: int
    total: int | None
    #: Rows found with errors so far.
    invalid: int = 0


ProgressCallback = Callable[[Progress], None]


# -- reading files ------------------------------------------------------------------------


def _kind(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix in (".csv", ".txt"):
        return "csv"
    if suffix == ".xlsx":
        return "xlsx"
    raise ImportFileError("the file must be .csv or .xlsx", column=None)


Opener = Callable[[], IO[bytes]]


def _csv_rows(opener: Opener) -> Iterator[list[Any]]:
    with opener() as raw:
        head = raw.read(65536)
    encoding = "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 4:  # not just a character cut at the end of the sample
            encoding = "gb18030"  # what Chinese Excel writes when saving CSV
    with opener() as raw, io.TextIOWrapper(raw, encoding=encoding, newline="") as text:
        reader = csv.reader(text)
        try:
            yield from reader
        except UnicodeDecodeError:
            raise ImportFileError("the file is neither UTF-8 nor GB18030 text") from None
        except csv.Error as error:  # e.g. a field beyond the csv module's size limit
            raise ImportFileError(f"line {reader.line_num} is not CSV: {error}") from None


def _xlsx_rows(opener: Opener) -> Iterator[list[Any]]:
    import zipfile

    from openpyxl import load_workbook

    with opener() as raw:
        try:
            workbook = load_workbook(raw, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError):
            raise ImportFileError("the file is not a readable .xlsx workbook") from None
        try:
            sheet = workbook.worksheets[0]
            for values in sheet.iter_rows(values_only=True):
                yield list(values)
        finally:
            workbook.close()


def read_rows(opener: Opener, filename: str) -> Iterator[list[Any]]:
    """The file's rows as lists of cell values (the header first), streamed."""
    kind = _kind(filename)
    return _csv_rows(opener) if kind == "csv" else _xlsx_rows(opener)


def _header(cells: list[Any]) -> dict[str, int]:
    """field -> column index, from the header row; unknown or missing columns are refused."""
    names = {alias.lower(): name for name, aliases in COLUMNS.items() for alias in aliases}
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        label = str(cell or "").strip().lower()
        if not label:
            continue
        name = names.get(label)
        if name is None:
            raise ImportFileError(
                f"unknown column {label!r} (column {_letter(index)})", column=_letter(index)
            )
        if name in found:
            raise ImportFileError(f"column {label!r} appears twice", column=_letter(index))
        found[name] = index
    missing = [COLUMNS[n][0] for n in REQUIRED if n not in found]
    if missing:
        raise ImportFileError(f"missing columns: {', '.join(missing)}")
    return found


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# -- validating rows ------------------------------------------------------------------------


class _Bad(ValueError):
    """A cell that cannot be parsed."""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _identifier_text(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        # Excel keeps numbers to 15 digits: an 18-digit ID typed as a number is damaged.
        raise _Bad("stored as a number, which loses digits; format the column as text")
    return _text(value)


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value).replace("/", "-").replace(".", "-")
    if len(text) == 8 and text.isdigit():
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _Bad("must be a date like 1990-01-31") from None


def _choice(value: Any, table: dict[str, Any], allowed: set[Any], what: str) -> Any:
    text = _text(value)
    if text in table:
        return table[text]
    if text.lower() in {str(a) for a in allowed}:
        return text.lower()
    raise _Bad(f"unknown {what}")


def _number(value: Any, table: dict[str, int], low: int, high: int, what: str) -> int:
    text = _text(value)
    for label, number in table.items():
        if text.startswith(label):
            return number
    if text.isdigit() and low <= int(text) <= high:
        return int(text)
    raise _Bad(f"{what} must be {low}-{high}")


def _needs(value: Any) -> list[str]:
    text = _text(value)
    for separator in ("；", "，", "、", ",", "|"):
        text = text.replace(separator, ";")
    needs = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        need = NEEDS.get(part, part.lower())
        if need not in set(ServiceNeed):
            raise _Bad("unknown service need")
        needs.append(need)
    return needs


def _flag(value: Any) -> bool:
    text = _text(value).lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise _Bad("must be 是 or 否 (yes or no)")


def _phone(value: Any) -> str | None:
    text = _text(value)
    if not text:
        return None
    if not set(text) <= PHONE_DIGITS or not 7 <= len(text.replace("-", "")) <= 12:
        raise _Bad("must be a mobile or landline number")
    return text


PARSERS: dict[str, Callable[[Any], Any]] = {
    "name": lambda v: _text(v) or None,
    "sex": lambda v: _choice(v, SEXES, {"male", "female"}, "sex (男 or 女)"),
    "birth_date": _date,
    "resident_id": lambda v: _identifier_text(v) or None,
    "certificate_number": lambda v: _identifier_text(v) or None,
    "category": lambda v: _number(v, CATEGORIES, 1, 7, "category") if _text(v) else None,
    "grade": lambda v: _number(v, GRADES, 1, 4, "grade") if _text(v) else None,
    "service_needs": _needs,
    "household_id": lambda v: _text(v)[:40] or None,
    "household_relation": lambda v: (
        _choice(v, RELATIONS, set(HouseholdRelation), "household relation") if _text(v) else None
    ),
    "village_code": lambda v: _identifier_text(v) or None,
    "address": lambda v: _text(v)[:200] or None,
    "phone": _phone,
    "special_hardship": _flag,
    "hardship_reason": lambda v: _text(v)[:200] or None,
    "registered_on": lambda v: _date(v) if _text(v) else None,
}


def row_digest(details: PersonDetails, registered_on: date) -> str:
    """A stable digest of a validated row: the same row always gives the same digest."""
    payload = json.dumps(
        {**details.as_dict(), "registered_on": registered_on},
        sort_keys=True,
        default=str,
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


class RowChecker:
    """Validates rows one by one against the header, the district and the caller's scope."""

    def __init__(
        self,
        header: dict[str, int],
        labels: list[Any],
        *,
        district: str,
        today: date,
        in_scope: Callable[[str], bool],
    ) -> None:
        self.header = header
        self.labels = {name: str(labels[i]).strip() for name, i in header.items()}
        self.district, self.today, self.in_scope = district, today, in_scope
        self.seen: dict[bytes, int] = {}  # resident ID digest -> first row (duplicates)

    def column(self, name: str) -> str:
        """The column of a field as the file names it, with its letter."""
        if name not in self.header:
            return COLUMNS[name][0]
        return f"{self.labels[name]} ({_letter(self.header[name])})"

    def check(self, number: int, cells: list[Any]) -> ValidRow | list[RowError]:
        """A valid row, or every error of the row."""
        values: dict[str, Any] = {}
        errors: list[RowError] = []
        for name, index in self.header.items():
            raw = cells[index] if index < len(cells) else None
            try:
                values[name] = PARSERS[name](raw)
            except _Bad as bad:
                errors.append(RowError(number, self.column(name), name, str(bad)))
        for name in REQUIRED:
            if name in values and values[name] is None:
                errors.append(RowError(number, self.column(name), name, "is empty"))
        if errors:
            return errors
        village = values["village_code"]
        if village and not self.in_scope(village):
            return [
                RowError(
                    number,
                    self.column("village_code"),
                    "village_code",
                    "the village is outside your scope",
                )
            ]
        registered_on = values.pop("registered_on", None) or self.today
        values.setdefault("service_needs", [])
        values.setdefault("special_hardship", False)
        try:
            details = validated(PersonDetails(**values), district=self.district, today=self.today)
            if registered_on > self.today or registered_on < details.birth_date:
                return [
                    RowError(
                        number,
                        self.column("registered_on"),
                        "registered_on",
                        "must lie between the birth date and today",
                    )
                ]
        except DomainError as refusal:
            name = refusal.field or "row"
            column = self.column(name) if name in COLUMNS else None
            return [RowError(number, column, name, refusal.detail, refusal)]
        key = hashlib.blake2b(details.resident_id.encode(), digest_size=8).digest()
        first = self.seen.setdefault(key, number)
        if first != number:
            return [
                RowError(
                    number,
                    self.column("resident_id"),
                    "resident_id",
                    f"the same resident ID as row {first}",
                )
            ]
        return ValidRow(
            number, Registration(details, registered_on, row_digest(details, registered_on))
        )


def _labels(rows: Iterator[list[Any]]) -> list[Any]:
    """The header row: the first row that is not blank."""
    for cells in rows:
        if any(_text(c) for c in cells):
            return cells
    raise ImportFileError("the file is empty")


def count_rows(opener: Opener, filename: str) -> int:
    """How many data rows the file has, its header checked: a progress bar's total, and
    every reason the file cannot be read found before an import is started."""
    rows = read_rows(opener, filename)
    _header(_labels(rows))
    return sum(1 for cells in rows if any(_text(c) for c in cells))


def checked_rows(
    opener: Opener,
    filename: str,
    *,
    district: str,
    today: date,
    in_scope: Callable[[str], bool],
) -> Iterator[ValidRow | list[RowError]]:
    """Every data row of the file, checked; blank rows are skipped."""
    rows = read_rows(opener, filename)
    labels = _labels(rows)
    checker = RowChecker(_header(labels), labels, district=district, today=today, in_scope=in_scope)
    number = 1
    for cells in rows:
        number += 1
        if not any(_text(c) for c in cells):
            continue
        yield checker.check(number, cells)


# -- importing ---------------------------------------------------------------------------


def existing_ids(db: Database, district: str, ids: list[UUID]) -> set[UUID]:
    """Which of these aggregate ids have events in the district's store (one query)."""
    if not ids:
        return set()
    sqlite = db.kind == "sqlite"
    marks = ", ".join(["%s"] * len(ids))
    statement = db.sql(
        district,
        f"SELECT DISTINCT originator_id FROM {{s}}{db.events_table} "
        f"WHERE originator_id IN ({marks})",
    )
    params = [i.hex if sqlite else i for i in ids]
    with db.transaction(district, write=False) as cur:
        cur.execute(statement, params)
        found = [row["originator_id"] for row in cur.fetchall()]
    return {UUID(str(f)) for f in found}


def _digests(db: Database, district: str, resident_ids: list[str]) -> dict[str, str | None]:
    """The import digest the read model holds for each resident ID (as far as it has got)."""
    if not resident_ids:
        return {}
    marks = ", ".join(["%s"] * len(resident_ids))
    with db.transaction(district, write=False) as cur:
        cur.execute(
            db.sql(
                district,
                f"SELECT resident_id, import_digest FROM {{s}}persons "
                f"WHERE resident_id IN ({marks})",
            ),
            resident_ids,
        )
        return {row["resident_id"]: row["import_digest"] for row in cur.fetchall()}


def _stored_digest(records: RosterCommands, resident_id: str) -> str | None:
    """The digest the store itself holds (when the read model has not caught up)."""
    person_id = records.person_id_for(resident_id)
    return records.person(person_id).import_digest if person_id else None


def import_roster(
    records: RosterCommands,
    db: Database,
    opener: Opener,
    filename: str,
    *,
    by: Provenance,
    in_scope: Callable[[str], bool] = lambda village: True,
    valid_rows_only: bool = False,
    dry_run: bool = False,
    batch_size: int = BATCH_SIZE,
    progress: ProgressCallback | None = None,
    progress_every: int = 5000,
) -> ImportReport:
    """Validate the whole file, then (unless it has errors) save its rows in batches."""
    started = time.monotonic()
    district, today = records.district_code, records.clock.today()
    report = ImportReport(dry_run=dry_run, valid_rows_only=valid_rows_only)

    def rows() -> Iterator[ValidRow | list[RowError]]:
        return checked_rows(opener, filename, district=district, today=today, in_scope=in_scope)

    for result in rows():
        report.rows += 1
        if isinstance(result, ValidRow):
            report.valid += 1
        else:
            report.invalid += 1
            report.errors.extend(result)
        if progress and report.rows % progress_every == 0:
            progress(Progress("validating", report.rows, 0, None, report.invalid))
    if (report.errors and not valid_rows_only) or dry_run:
        report.seconds = time.monotonic() - started
        return report

    batch: list[ValidRow] = []
    for result in rows():
        if isinstance(result, ValidRow):
            batch.append(result)
        if len(batch) >= batch_size:
            _save_batch(records, db, batch, report, by)
            batch = []
            if progress:
                progress(
                    Progress(
                        "saving",
                        report.imported + report.unchanged + len(report.on_roster_differs),
                        report.imported,
                        report.valid,
                        report.invalid,
                    )
                )
    _save_batch(records, db, batch, report, by)
    report.stored = True
    report.seconds = time.monotonic() - started
    if progress:
        progress(Progress("done", report.rows, report.imported, report.valid, report.invalid))
    return report


def _save_batch(
    records: RosterCommands,
    db: Database,
    batch: list[ValidRow],
    report: ImportReport,
    by: Provenance,
) -> None:
    if not batch:
        return
    district = records.district_code
    claims = {claim_id(district, r.registration.details.resident_id): r for r in batch}
    taken = existing_ids(db, district, list(claims))
    fresh = [r for cid, r in claims.items() if cid not in taken]
    already = [r for cid, r in claims.items() if cid in taken]
    if already:
        digests = _digests(db, district, [r.registration.details.resident_id for r in already])
        for row in already:
            digest = digests.get(row.registration.details.resident_id)
            if digest != row.registration.import_digest:
                digest = _stored_digest(records, row.registration.details.resident_id)
            if digest == row.registration.import_digest:
                report.unchanged += 1
            else:
                report.on_roster_differs.append(row.row)
    if not fresh:
        return
    try:
        count, position = records.register_people([r.registration for r in fresh], by=by)
    except Conflict:
        count, position = 0, 0
        for row in fresh:  # another request registered one of them meanwhile
            try:
                saved = records.register_person(
                    row.registration.details,
                    registered_on=row.registration.registered_on,
                    by=by,
                    source="imported",
                    import_digest=row.registration.import_digest,
                )
                count, position = count + 1, saved.position
            except Conflict:
                report.on_roster_differs.append(row.row)
    report.imported += count
    report.position = max(report.position, position)
