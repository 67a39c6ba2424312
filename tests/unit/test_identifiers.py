"""Resident IDs, disability certificate numbers and division codes, valid and invalid."""

from __future__ import annotations

from datetime import date

import pytest

from aggregates.identifiers import (
    DisabilityCategory,
    DisabilityGrade,
    DivisionLevel,
    InvalidIdentifier,
    ResidentId,
    Sex,
    VillageKind,
    is_within,
    make_resident_id,
    parent_code,
    resident_id_check_char,
    validate_certificate_number,
    validate_division_code,
    validate_resident_id,
    village_kind,
)

TODAY = date(2024, 6, 30)
# The worked examples printed in GB 11643-1999.
STANDARD_EXAMPLES = ["11010519491231002X", "440524188001010014"]


def iso7064_check(first17: str) -> str:
    """The check character found by search, straight from the standard's definition.

    ISO 7064 MOD 11-2: with the check character counted as 10 for X, the sum of every character
    times 2^(position from the right, 0-based) must be 1 modulo 11.
    """
    for candidate, numeric in [*((str(v), v) for v in range(10)), ("X", 10)]:
        total = sum(int(ch) * 2 ** (18 - i) for i, ch in enumerate(first17, start=1)) + numeric
        if total % 11 == 1:
            return candidate
    raise AssertionError("no check character fits")


def with_check(first17: str) -> str:
    return first17 + iso7064_check(first17)


def reasons_of(error: InvalidIdentifier) -> tuple[str, str]:
    assert error.reason and error.reason_zh
    return error.reason, error.reason_zh


# --- resident ID: valid ---------------------------------------------------------------------------


@pytest.mark.parametrize("number", STANDARD_EXAMPLES)
def test_standard_examples_are_valid(number: str) -> None:
    assert iso7064_check(number[:17]) == number[17]
    assert resident_id_check_char(number[:17]) == number[17]
    assert validate_resident_id(number, TODAY) == ResidentId(number)


def test_accessors_read_the_standard_example() -> None:
    resident = validate_resident_id("11010519491231002X", TODAY)
    assert resident.division_code == "110105"
    assert resident.birth_date == date(1949, 12, 31)
    assert resident.sequence_code == "002"
    assert resident.sex is Sex.FEMALE
    assert validate_resident_id("440524188001010014", TODAY).sex is Sex.MALE
    assert resident.masked() == "110105********002X"
    assert str(resident) == "11010519491231002X"


@pytest.mark.parametrize(
    "first17",
    ["41010219800517025", "41012220010101046", "41018519650228123", "41017120240630009"],
)
def test_zhengzhou_numbers_with_independently_computed_check_are_valid(first17: str) -> None:
    number = with_check(first17)
    assert resident_id_check_char(first17) == number[-1]
    assert validate_resident_id(number, TODAY).value == number


def test_lowercase_x_and_surrounding_blanks_are_normalised() -> None:
    assert validate_resident_id(" 11010519491231002x\n", TODAY).value == "11010519491231002X"


def test_born_today_is_accepted() -> None:
    number = with_check("410102" + TODAY.strftime("%Y%m%d") + "001")
    assert validate_resident_id(number, TODAY).birth_date == TODAY


def test_check_chars_cover_every_residue() -> None:
    seen = {resident_id_check_char(f"4101022000010100{d}") for d in "0123456789"}
    seen |= {resident_id_check_char(f"410102200001010{d}0") for d in "0123456789"}
    assert seen == set("0123456789X")


# --- resident ID: invalid -------------------------------------------------------------------------


def refusal(value: object, today: date = TODAY) -> InvalidIdentifier:
    with pytest.raises(InvalidIdentifier) as caught:
        validate_resident_id(value, today)  # type: ignore[arg-type]
    assert caught.value.field == "resident_id"
    reasons_of(caught.value)
    return caught.value


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("11010519491231002", "must be 18 characters, got 17"),
        ("11010519491231002X0", "must be 18 characters, got 19"),
        ("", "must be 18 characters, got 0"),
        ("1101051949123100AX", "character 17 ('A') must be a digit"),
        ("X10105194912310021", "character 1 ('X') must be a digit"),
        ("11010519491231002Y", "check character (character 18) must be a digit or X, got 'Y'"),
        ("１1010519491231002X", "character 1 ('１') must be a digit"),
        ("11010519491231002", "应为18位，实际为17位"),
    ],
)
def test_malformed_numbers_are_refused(value: str, reason: str) -> None:
    error = refusal(value)
    assert reason in error.reason or reason in error.reason_zh


def test_non_text_is_refused() -> None:
    assert refusal(110105194912310020).reason == "must be text"


def test_wrong_check_character_names_the_expected_one() -> None:
    error = refusal("110105194912310021")
    assert "is '1' but the first 17 digits require 'X'" in error.reason
    assert "应为X" in error.reason_zh


@pytest.mark.parametrize("position", range(17))
def test_any_single_mistyped_digit_is_caught(position: int) -> None:
    original = STANDARD_EXAMPLES[0]
    for digit in "0123456789":
        if digit != original[position]:
            typo = original[:position] + digit + original[position + 1 :]
            assert "check character" in refusal(typo).reason


@pytest.mark.parametrize("position", range(16))
def test_any_swap_of_neighbouring_digits_is_caught(position: int) -> None:
    original = "41010219800517025" + iso7064_check("41010219800517025")
    if original[position] != original[position + 1]:
        swapped = (
            original[:position]
            + original[position + 1]
            + original[position]
            + original[position + 2 :]
        )
        assert "check character" in refusal(swapped).reason


@pytest.mark.parametrize(
    ("first17", "reason"),
    [
        ("41010219800230025", "the birth date 19800230 (characters 7-14) is not a calendar date"),
        ("41010219801301025", "the birth date 19801301 (characters 7-14) is not a calendar date"),
        ("41010219810229025", "19810229 (characters 7-14) is not a calendar date"),
        ("41010220240701025", "the birth date 2024-07-01 is after today (2024-06-30)"),
        ("41010230000101025", "is after today"),
        ("41010218491231025", "the birth date 1849-12-31 is before 1850-01-01"),
        ("99010219800517025", "starts with '99', which is no province code"),
        ("00000019800517025", "no province code"),
    ],
)
def test_numbers_with_a_right_check_but_wrong_content_are_refused(
    first17: str, reason: str
) -> None:
    assert reason in refusal(with_check(first17)).reason


def test_leap_day_is_a_valid_birth_date() -> None:
    assert validate_resident_id(with_check("41010219800229025"), TODAY).birth_date == date(
        1980, 2, 29
    )


def test_future_depends_on_the_given_today() -> None:
    number = with_check("41010220240701025")
    assert validate_resident_id(number, date(2024, 7, 1)).birth_date == date(2024, 7, 1)
    assert "after today" in refusal(number, date(2024, 6, 30)).reason


def test_check_char_helper_refuses_wrong_input() -> None:
    with pytest.raises(InvalidIdentifier, match="exactly 17 digits"):
        resident_id_check_char("4101021980051702")
    with pytest.raises(InvalidIdentifier, match="exactly 17 digits"):
        resident_id_check_char("4101021980051702A")


def test_reasons_never_echo_the_whole_number() -> None:
    for number in ("110105194912310021", with_check("41010220240701025")):
        error = refusal(number)
        assert number not in error.reason and number not in error.reason_zh


# --- synthetic resident IDs -----------------------------------------------------------------------


@pytest.mark.parametrize("sex", list(Sex))
@pytest.mark.parametrize("sequence", [0, 1, 250, 499])
def test_made_numbers_are_valid_and_carry_their_facts(sex: Sex, sequence: int) -> None:
    born = date(1975, 3, 9)
    number = make_resident_id("410122", born, sequence, sex)
    assert number[-1] == iso7064_check(number[:17])
    resident = validate_resident_id(number, TODAY)
    assert resident.division_code == "410122"
    assert resident.birth_date == born
    assert resident.sex is sex
    assert int(resident.sequence_code) // 2 == sequence


def test_made_numbers_are_deterministic_and_distinct() -> None:
    born = date(1990, 12, 1)
    assert make_resident_id("410105", born, 7, Sex.MALE) == make_resident_id(
        "410105", born, 7, Sex.MALE
    )
    made = {make_resident_id("410105", born, s, x) for s in range(500) for x in Sex}
    assert len(made) == 1000


@pytest.mark.parametrize(
    ("division", "sequence", "reason"),
    [
        ("41010", 1, "must be 6 digits"),
        ("41010a", 1, "must be 6 digits"),
        ("990102", 1, "no province code"),
        ("410102", 500, "sequence 500 is outside 0-499"),
        ("410102", -1, "outside 0-499"),
    ],
)
def test_make_refuses_bad_parts(division: str, sequence: int, reason: str) -> None:
    with pytest.raises(InvalidIdentifier, match=reason):
        make_resident_id(division, date(1980, 1, 1), sequence, Sex.FEMALE)


# --- certificate numbers ------------------------------------------------------------------------


RESIDENT = "41010219800517025" + iso7064_check("41010219800517025")


def test_certificate_number_splits_into_resident_id_category_and_grade() -> None:
    number = validate_certificate_number(RESIDENT + "42", TODAY)
    assert number.value == RESIDENT + "42"
    assert number.resident_id == ResidentId(RESIDENT)
    assert number.category is DisabilityCategory.PHYSICAL
    assert number.grade is DisabilityGrade.GRADE_2
    assert str(number) == RESIDENT + "42"


def test_certificate_with_x_check_char_is_normalised() -> None:
    number = validate_certificate_number("11010519491231002x71", TODAY)
    assert number.value == "11010519491231002X71"
    assert number.category is DisabilityCategory.MULTIPLE
    assert number.grade is DisabilityGrade.GRADE_1


@pytest.mark.parametrize("category", list(DisabilityCategory))
@pytest.mark.parametrize("grade", list(DisabilityGrade))
def test_every_category_and_grade_is_accepted(
    category: DisabilityCategory, grade: DisabilityGrade
) -> None:
    value = f"{RESIDENT}{int(category)}{int(grade)}"
    number = validate_certificate_number(
        value, TODAY, category=category, grade=int(grade), resident_id=RESIDENT
    )
    assert (number.category, number.grade) == (category, grade)


def test_agreement_with_a_resident_id_object_and_lowercase_x() -> None:
    resident = validate_resident_id("11010519491231002X", TODAY)
    validate_certificate_number("11010519491231002X13", TODAY, resident_id=resident)
    validate_certificate_number("11010519491231002X13", TODAY, resident_id="11010519491231002x")


def cert_refusal(value: str, **given: object) -> InvalidIdentifier:
    with pytest.raises(InvalidIdentifier) as caught:
        validate_certificate_number(value, TODAY, **given)  # type: ignore[arg-type]
    reasons_of(caught.value)
    return caught.value


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (RESIDENT, "must be 20 characters"),
        (RESIDENT + "4", "got 19"),
        (RESIDENT + "421", "got 21"),
        (RESIDENT + "02", "the category digit (character 19) must be 1-7, got '0'"),
        (RESIDENT + "82", "must be 1-7, got '8'"),
        (RESIDENT + "X2", "must be 1-7, got 'X'"),
        (RESIDENT + "40", "the grade digit (character 20) must be 1-4, got '0'"),
        (RESIDENT + "45", "must be 1-4, got '5'"),
        (RESIDENT[:17] + "0" + "42", "resident ID part (characters 1-18) is invalid: the check"),
        ("41010220300517025" + iso7064_check("41010220300517025") + "42", "is after today"),
        (RESIDENT[:16] + "A" + RESIDENT[17] + "42", "character 17 ('A') must be a digit"),
    ],
)
def test_malformed_certificate_numbers_are_refused(value: str, reason: str) -> None:
    error = cert_refusal(value)
    assert error.field == "certificate_number"
    assert reason in error.reason


@pytest.mark.parametrize(
    ("given", "field", "reason"),
    [
        (
            {"category": DisabilityCategory.VISUAL},
            "category",
            "category 1 (visual disability) disagrees with the certificate number's category "
            "digit 4 (physical disability)",
        ),
        ({"category": 9}, "category", "9 is not a category (1-7)"),
        ({"grade": 1}, "grade", "grade 1 disagrees with the certificate number's grade digit 2"),
        ({"grade": 0}, "grade", "0 is not a grade (1-4)"),
        (
            {"resident_id": "11010519491231002X"},
            "resident_id",
            "differs from the first 18 characters",
        ),
    ],
)
def test_disagreement_with_separate_fields_is_refused(
    given: dict[str, object], field: str, reason: str
) -> None:
    error = cert_refusal(RESIDENT + "42", **given)
    assert error.field == field
    assert reason in error.reason


def test_category_and_grade_labels() -> None:
    assert [c.label_zh for c in DisabilityCategory] == [
        "视力残疾",
        "听力残疾",
        "言语残疾",
        "肢体残疾",
        "智力残疾",
        "精神残疾",
        "多重残疾",
    ]
    assert DisabilityCategory.INTELLECTUAL.label_en == "intellectual disability"
    assert [g.label_zh for g in DisabilityGrade] == ["一级", "二级", "三级", "四级"]
    assert DisabilityGrade.GRADE_1.label_en == "grade 1 (most severe)"
    assert DisabilityGrade.GRADE_3.label_en == "grade 3"


# --- division codes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("410102", DivisionLevel.DISTRICT),
        ("410171", DivisionLevel.DISTRICT),
        ("410102001", DivisionLevel.TOWNSHIP),
        ("410122100", DivisionLevel.TOWNSHIP),
        ("410102001001", DivisionLevel.VILLAGE),
        ("410122100201", DivisionLevel.VILLAGE),
    ],
)
def test_valid_division_codes(code: str, level: DivisionLevel) -> None:
    assert validate_division_code(code, level) == code
    assert validate_division_code(f" {code} ") == code


@pytest.mark.parametrize(
    ("code", "level", "reason"),
    [
        ("410102001", DivisionLevel.DISTRICT, "a district code has 6 digits, got 9"),
        ("410102", DivisionLevel.VILLAGE, "a village code has 12 digits, got 6"),
        ("4101020", None, "must be 6 (district), 9 (township) or 12 (village/community) digits"),
        ("", None, "got 0"),
        ("41010A", None, "character 6 ('A') must be a digit"),
        ("410100", None, "the county part (characters 5-6) must not be all zeros"),
        ("410002", None, "the city part (characters 3-4) must not be all zeros"),
        ("410102000", None, "the township part (characters 7-9) must not be all zeros"),
        ("410102001000", None, "the village/community part (characters 10-12)"),
        ("990102", None, "'99' (characters 1-2) is no province code"),
    ],
)
def test_invalid_division_codes(code: str, level: DivisionLevel | None, reason: str) -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        validate_division_code(code, level)
    assert caught.value.field == "division_code"
    assert reason in caught.value.reason
    reasons_of(caught.value)


def test_parent_codes_climb_one_level() -> None:
    assert parent_code("410122100201") == "410122100"
    assert parent_code("410122100") == "410122"
    assert parent_code("410122") is None


def test_is_within_is_inclusive_and_follows_the_hierarchy() -> None:
    assert is_within("410122100201", "410122100")
    assert is_within("410122100201", "410122")
    assert is_within("410122100", "410122100")
    assert not is_within("410122100201", "410122101")
    assert not is_within("410122", "410122100")
    assert not is_within("410102001001", "410122")


def test_is_within_refuses_malformed_codes() -> None:
    with pytest.raises(InvalidIdentifier):
        is_within("410122100201", "4101")


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("410102001001", VillageKind.COMMUNITY),
        ("410102001199", VillageKind.COMMUNITY),
        ("410122100200", VillageKind.VILLAGE),
        ("410122100399", VillageKind.VILLAGE),
        ("522632210500", VillageKind.UNCLASSIFIED),
    ],
)
def test_village_kind_follows_the_last_three_digits(code: str, kind: VillageKind) -> None:
    assert village_kind(code) is kind


def test_village_kind_needs_a_village_code() -> None:
    with pytest.raises(InvalidIdentifier, match="a village code has 12 digits, got 9"):
        village_kind("410102001")
