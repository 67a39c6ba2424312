"""Identifiers the roster relies on: resident IDs, disability certificate numbers, division codes.

Each validator returns the normalised value or raises InvalidIdentifier naming the field, with an
English reason for logs and developers and a zh-CN reason for the village worker who typed it.
Reasons never repeat a whole resident ID or certificate number: they are personal data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import IntEnum, StrEnum
from typing import TypeVar

DIGITS = frozenset("0123456789")
RESIDENT_ID_LENGTH = 18
CERTIFICATE_NUMBER_LENGTH = 20
# An earlier date is a typing error (GB 11643-1999's own example holder was born in 1880).
EARLIEST_BIRTH_DATE = date(1850, 1, 1)
# First two digits of GB/T 2260 codes: provinces, regions, municipalities, Taiwan, HK, Macau.
PROVINCE_CODES = frozenset(
    {
        *("11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36"),
        *("37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62"),
        *("63", "64", "65", "71", "81", "82"),
    }
)
# ISO 7064 MOD 11-2 weights 2^(17-i) mod 11 for the 17 body digits, and check chars by sum mod 11.
_WEIGHTS = tuple(pow(2, RESIDENT_ID_LENGTH - 1 - i, 11) for i in range(RESIDENT_ID_LENGTH - 1))
_CHECK_CHARS = "10X98765432"
_E = TypeVar("_E", bound=IntEnum)


class InvalidIdentifier(ValueError):
    """An identifier failed validation; `field` names the input; reasons in English and zh-CN."""

    code = "invalid-identifier"

    def __init__(self, field: str, reason: str, reason_zh: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason
        self.reason_zh = reason_zh


class Sex(StrEnum):
    """Sex as encoded in a resident ID (odd 17th digit male, even female)."""

    MALE = "male"
    FEMALE = "female"

    @property
    def label_zh(self) -> str:
        """The Chinese label shown to users."""
        return "男" if self is Sex.MALE else "女"


class DisabilityCategory(IntEnum):
    """Disability category (残疾类别), numbered as in the 19th digit of a certificate number."""

    VISUAL = 1
    HEARING = 2
    SPEECH = 3
    PHYSICAL = 4
    INTELLECTUAL = 5
    MENTAL = 6
    MULTIPLE = 7

    @property
    def label_zh(self) -> str:
        """The Chinese label, e.g. 肢体残疾."""
        return _CATEGORY_LABELS[self][0]

    @property
    def label_en(self) -> str:
        """The English label, e.g. physical disability."""
        return _CATEGORY_LABELS[self][1]


_CATEGORY_LABELS = {
    DisabilityCategory.VISUAL: ("视力残疾", "visual disability"),
    DisabilityCategory.HEARING: ("听力残疾", "hearing disability"),
    DisabilityCategory.SPEECH: ("言语残疾", "speech disability"),
    DisabilityCategory.PHYSICAL: ("肢体残疾", "physical disability"),
    DisabilityCategory.INTELLECTUAL: ("智力残疾", "intellectual disability"),
    DisabilityCategory.MENTAL: ("精神残疾", "mental disability"),
    DisabilityCategory.MULTIPLE: ("多重残疾", "multiple disabilities"),
}


class DisabilityGrade(IntEnum):
    """Disability grade (残疾等级), the 20th digit of a certificate number; 1 is most severe."""

    GRADE_1 = 1
    GRADE_2 = 2
    GRADE_3 = 3
    GRADE_4 = 4

    @property
    def label_zh(self) -> str:
        """The Chinese label, e.g. 一级."""
        return "一二三四"[self - 1] + "级"

    @property
    def label_en(self) -> str:
        """The English label, saying which end of the scale is severe."""
        suffix = {1: " (most severe)", 4: " (mildest)"}.get(int(self), "")
        return f"grade {int(self)}{suffix}"


class DivisionLevel(StrEnum):
    """Level of a statistical division code (统计用区划代码), by its length."""

    DISTRICT = "district"
    TOWNSHIP = "township"
    VILLAGE = "village"

    @property
    def length(self) -> int:
        """Number of digits of a code at this level."""
        return {"district": 6, "township": 9, "village": 12}[self.value]

    @property
    def label_zh(self) -> str:
        """The Chinese name of the level."""
        return {"district": "区县", "township": "乡镇（街道）", "village": "村（社区）"}[self.value]


class VillageKind(StrEnum):
    """Whether a 12-digit unit is a residents' committee (社区) or a villagers' committee (村)."""

    COMMUNITY = "community"
    VILLAGE = "village"
    # Published codes outside both ranges exist (e.g. 522632210500, a villagers' committee).
    UNCLASSIFIED = "unclassified"


@dataclass(frozen=True)
class ResidentId:
    """A validated 18-character resident ID (居民身份证号); build it with validate_resident_id."""

    value: str

    def __str__(self) -> str:
        return self.value

    @property
    def division_code(self) -> str:
        """The 6-digit address code of where the number was issued."""
        return self.value[:6]

    @property
    def birth_date(self) -> date:
        """The birth date in characters 7-14."""
        return _parse_birth_date(self.value[6:14])

    @property
    def sequence_code(self) -> str:
        """The 3-digit order code in characters 15-17."""
        return self.value[14:17]

    @property
    def sex(self) -> Sex:
        """Male when the 17th digit is odd, female when even."""
        return Sex.MALE if int(self.value[16]) % 2 else Sex.FEMALE

    def masked(self) -> str:
        """The number with birth date and order code hidden, for roles that need no more."""
        return self.value[:6] + "*" * 8 + self.value[14:]


@dataclass(frozen=True)
class CertificateNumber:
    """A validated second-generation disability certificate number (第二代残疾人证号)."""

    value: str
    resident_id: ResidentId
    category: DisabilityCategory
    grade: DisabilityGrade

    def __str__(self) -> str:
        return self.value


def _parse_birth_date(text: str) -> date:
    return date(int(text[:4]), int(text[4:6]), int(text[6:8]))


def _first_non_digit(text: str) -> int | None:
    for position, char in enumerate(text):
        if char not in DIGITS:
            return position
    return None


def resident_id_check_char(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character (0-9 or X) for the first 17 digits of a resident ID."""
    if len(first17) != RESIDENT_ID_LENGTH - 1 or _first_non_digit(first17) is not None:
        raise InvalidIdentifier(
            "resident_id", "a check character needs exactly 17 digits", "计算校验码需要恰好17位数字"
        )
    total = sum(int(char) * weight for char, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def _text(value: object, field: str) -> str:
    """The identifier given, without surrounding blanks; anything but text is refused."""
    if not isinstance(value, str):
        raise InvalidIdentifier(field, "must be text", "必须为文本")
    return value.strip()


def _normalise_check_char(text: str, position: int) -> str:
    if len(text) > position and text[position] == "x":
        return text[:position] + "X" + text[position + 1 :]
    return text


def validate_resident_id(value: str, today: date) -> ResidentId:
    """Check length, digits, MOD 11-2 check character, province and birth date (not after `today`).

    Surrounding blanks are dropped and a lowercase x check character becomes X.
    """
    field = "resident_id"
    text = _normalise_check_char(_text(value, field), RESIDENT_ID_LENGTH - 1)
    if len(text) != RESIDENT_ID_LENGTH:
        raise InvalidIdentifier(
            field,
            f"must be {RESIDENT_ID_LENGTH} characters, got {len(text)}",
            f"应为{RESIDENT_ID_LENGTH}位，实际为{len(text)}位",
        )
    bad = _first_non_digit(text[:17])
    if bad is not None:
        raise InvalidIdentifier(
            field,
            f"character {bad + 1} ({text[bad]!r}) must be a digit",
            f"第{bad + 1}位（{text[bad]}）应为数字",
        )
    check = text[17]
    if check not in DIGITS and check != "X":
        raise InvalidIdentifier(
            field,
            f"the check character (character 18) must be a digit or X, got {check!r}",
            f"第18位校验码应为数字或X，实际为{check}",
        )
    expected = resident_id_check_char(text[:17])
    if check != expected:
        raise InvalidIdentifier(
            field,
            f"the check character is {check!r} but the first 17 digits require {expected!r}; "
            "a digit was probably mistyped",
            f"校验码错误：前17位对应的校验码应为{expected}，实际为{check}，可能有数字录入错误",
        )
    if text[:2] not in PROVINCE_CODES:
        raise InvalidIdentifier(
            field,
            f"the address code starts with {text[:2]!r}, which is no province code",
            f"地址码前两位{text[:2]}不是有效的省级代码",
        )
    _check_birth_date(field, text[6:14], today)
    return ResidentId(text)


def _check_birth_date(field: str, digits: str, today: date) -> None:
    try:
        born = _parse_birth_date(digits)
    except ValueError:
        raise InvalidIdentifier(
            field,
            f"the birth date {digits} (characters 7-14) is not a calendar date",
            f"出生日期{digits}（第7-14位）不是有效日期",
        ) from None
    if born > today:
        raise InvalidIdentifier(
            field,
            f"the birth date {born.isoformat()} is after today ({today.isoformat()})",
            f"出生日期{born.isoformat()}晚于当前日期{today.isoformat()}",
        )
    if born < EARLIEST_BIRTH_DATE:
        raise InvalidIdentifier(
            field,
            f"the birth date {born.isoformat()} is before {EARLIEST_BIRTH_DATE.isoformat()}",
            f"出生日期{born.isoformat()}早于{EARLIEST_BIRTH_DATE.isoformat()}，不合常理",
        )


def make_resident_id(division6: str, birth_date: date, sequence: int, sex: Sex) -> str:
    """A valid synthetic resident ID for demo and test data, the same for the same arguments.

    The order code is 2 * sequence, plus 1 for a male, so sequence runs 0-499.
    """
    field = "resident_id"
    if len(division6) != 6 or _first_non_digit(division6) is not None:
        raise InvalidIdentifier(field, "the address code must be 6 digits", "地址码应为6位数字")
    if division6[:2] not in PROVINCE_CODES:
        raise InvalidIdentifier(
            field,
            f"the address code starts with {division6[:2]!r}, which is no province code",
            f"地址码前两位{division6[:2]}不是有效的省级代码",
        )
    if not EARLIEST_BIRTH_DATE <= birth_date <= date(9999, 12, 31):
        raise InvalidIdentifier(
            field,
            f"the birth date {birth_date.isoformat()} is before {EARLIEST_BIRTH_DATE.isoformat()}",
            f"出生日期早于{EARLIEST_BIRTH_DATE.isoformat()}",
        )
    if not 0 <= sequence <= 499:
        raise InvalidIdentifier(
            field, f"sequence {sequence} is outside 0-499", f"顺序号{sequence}超出0-499"
        )
    order = 2 * sequence + (1 if sex is Sex.MALE else 0)
    body = f"{division6}{birth_date:%Y%m%d}{order:03d}"
    return body + resident_id_check_char(body)


def _as_enum(kind: type[_E], value: _E | int, field: str, name_zh: str) -> _E:
    try:
        return kind(value)
    except ValueError:
        low, high = min(kind), max(kind)
        raise InvalidIdentifier(
            field,
            f"{value!r} is not a {field} ({int(low)}-{int(high)})",
            f"{name_zh}{value}无效，应为{int(low)}-{int(high)}",
        ) from None


def validate_certificate_number(
    value: str,
    today: date,
    category: DisabilityCategory | int | None = None,
    grade: DisabilityGrade | int | None = None,
    resident_id: ResidentId | str | None = None,
) -> CertificateNumber:
    """Check a 20-character certificate number (resident ID + category + grade) and its agreement
    with separately recorded category, grade and resident ID, which are blamed when they differ."""
    field = "certificate_number"
    text = _normalise_check_char(_text(value, field), RESIDENT_ID_LENGTH - 1)
    if len(text) != CERTIFICATE_NUMBER_LENGTH:
        raise InvalidIdentifier(
            field,
            f"must be {CERTIFICATE_NUMBER_LENGTH} characters (the 18-character resident ID, "
            f"a category digit and a grade digit), got {len(text)}",
            f"应为{CERTIFICATE_NUMBER_LENGTH}位（18位身份证号+1位残疾类别+1位残疾等级），"
            f"实际为{len(text)}位",
        )
    try:
        embedded = validate_resident_id(text[:RESIDENT_ID_LENGTH], today)
    except InvalidIdentifier as error:
        raise InvalidIdentifier(
            field,
            f"its resident ID part (characters 1-18) is invalid: {error.reason}",
            f"前18位身份证号无效：{error.reason_zh}",
        ) from None
    category_char, grade_char = text[18], text[19]
    if category_char not in "1234567":
        raise InvalidIdentifier(
            field,
            f"the category digit (character 19) must be 1-7, got {category_char!r}",
            f"第19位残疾类别应为1-7，实际为{category_char}",
        )
    if grade_char not in "1234":
        raise InvalidIdentifier(
            field,
            f"the grade digit (character 20) must be 1-4, got {grade_char!r}",
            f"第20位残疾等级应为1-4，实际为{grade_char}",
        )
    number = CertificateNumber(
        value=text,
        resident_id=embedded,
        category=DisabilityCategory(int(category_char)),
        grade=DisabilityGrade(int(grade_char)),
    )
    _check_agreement(number, category, grade, resident_id)
    return number


def _check_agreement(
    number: CertificateNumber,
    category: DisabilityCategory | int | None,
    grade: DisabilityGrade | int | None,
    resident_id: ResidentId | str | None,
) -> None:
    if category is not None:
        given = _as_enum(DisabilityCategory, category, "category", "残疾类别")
        if given is not number.category:
            raise InvalidIdentifier(
                "category",
                f"category {int(given)} ({given.label_en}) disagrees with the certificate "
                f"number's category digit {int(number.category)} ({number.category.label_en})",
                f"残疾类别{given.label_zh}与残疾人证号第19位（{number.category.label_zh}）不一致",
            )
    if grade is not None:
        given_grade = _as_enum(DisabilityGrade, grade, "grade", "残疾等级")
        if given_grade is not number.grade:
            raise InvalidIdentifier(
                "grade",
                f"grade {int(given_grade)} disagrees with the certificate number's grade digit "
                f"{int(number.grade)}",
                f"残疾等级{given_grade.label_zh}与残疾人证号第20位（{number.grade.label_zh}）不一致",
            )
    if resident_id is not None:
        given_id = resident_id.value if isinstance(resident_id, ResidentId) else resident_id
        given_id = _normalise_check_char(str(given_id).strip(), RESIDENT_ID_LENGTH - 1)
        if given_id != number.resident_id.value:
            raise InvalidIdentifier(
                "resident_id",
                "the resident ID differs from the first 18 characters of the certificate number",
                "身份证号与残疾人证号前18位不一致",
            )


def division_level(code: str) -> DivisionLevel:
    """The level a division code's length denotes; raises InvalidIdentifier for other lengths."""
    for level in DivisionLevel:
        if len(code) == level.length:
            return level
    raise InvalidIdentifier(
        "division_code",
        f"must be 6 (district), 9 (township) or 12 (village/community) digits, got {len(code)}",
        f"区划代码应为6位（区县）、9位（乡镇街道）或12位（村社区），实际为{len(code)}位",
    )


def validate_division_code(value: str, level: DivisionLevel | None = None) -> str:
    """Check a statistical division code's shape at `level` (any level when None); return it."""
    field = "division_code"
    code = _text(value, field)
    bad = _first_non_digit(code)
    if bad is not None:
        raise InvalidIdentifier(
            field,
            f"character {bad + 1} ({code[bad]!r}) must be a digit",
            f"第{bad + 1}位（{code[bad]}）应为数字",
        )
    actual = division_level(code)
    if level is not None and actual is not level:
        raise InvalidIdentifier(
            field,
            f"a {level.value} code has {level.length} digits, got {len(code)}",
            f"{level.label_zh}区划代码应为{level.length}位，实际为{len(code)}位",
        )
    for start, end, name, name_zh in (
        (0, 2, "province", "省级"),
        (2, 4, "city", "地市级"),
        (4, 6, "county", "县级"),
        (6, 9, "township", "乡级"),
        (9, 12, "village/community", "村级"),
    ):
        part = code[start:end]
        if part and int(part) == 0:
            raise InvalidIdentifier(
                field,
                f"the {name} part (characters {start + 1}-{end}) must not be all zeros",
                f"第{start + 1}-{end}位{name_zh}代码不能全为0",
            )
    if code[:2] not in PROVINCE_CODES:
        raise InvalidIdentifier(
            field,
            f"{code[:2]!r} (characters 1-2) is no province code",
            f"前两位{code[:2]}不是有效的省级代码",
        )
    return code


def parent_code(code: str) -> str | None:
    """The code one level up (village to township, township to district); None for a district."""
    level = division_level(validate_division_code(code))
    if level is DivisionLevel.VILLAGE:
        return code.strip()[:9]
    if level is DivisionLevel.TOWNSHIP:
        return code.strip()[:6]
    return None


def is_within(code: str, ancestor: str) -> bool:
    """Whether `code` is `ancestor` itself or lies inside it, as access scopes need."""
    inner = validate_division_code(code)
    outer = validate_division_code(ancestor)
    return inner.startswith(outer)


def village_kind(code: str) -> VillageKind:
    """Community (last three digits 001-199) or village (200-399) for a 12-digit code."""
    suffix = int(validate_division_code(code, DivisionLevel.VILLAGE)[9:])
    if suffix <= 199:
        return VillageKind.COMMUNITY
    if suffix <= 399:
        return VillageKind.VILLAGE
    return VillageKind.UNCLASSIFIED
