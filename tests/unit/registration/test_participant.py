"""A participant in one subject: eligibility (§10), task grade (§11), grades 7–11 (§13), consent (§21)."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from olymp_registration.domain import (
    EligibilityBasis,
    InvalidParticipant,
    Participant,
    parse_eligibility,
)


def participant(**changes: object) -> Participant:
    fields: dict[str, object] = {
        "surname": "Королёва",
        "name": "Алёна",
        "patronymic": "Фёдоровна",
        "grade": 9,
        "task_grade": 9,
        "school": 'МБОУ "Усть-Ишимская СОШ № 1"',
        "subject_code": "math",
        "eligibility": EligibilityBasis.SCHOOL_STAGE_SCORE,
        "consent_to_publish": True,
    }
    fields.update(changes)
    return Participant(**fields)  # type: ignore[arg-type]


def refused_field(**changes: object) -> tuple[str, str]:
    with pytest.raises(InvalidParticipant) as error:
        participant(**changes)
    return error.value.field, str(error.value)


def test_p11_tasks_of_a_higher_grade_are_allowed() -> None:
    assert participant(grade=8, task_grade=11).task_grade == 11


def test_p11_tasks_of_a_lower_grade_are_refused() -> None:
    field, message = refused_field(grade=10, task_grade=9)
    assert field == "task_grade"
    assert "ниже класса обучения (10)" in message and "от 10 до 11" in message


@given(st.integers(min_value=0, max_value=14), st.integers(min_value=0, max_value=14))
def test_p11_p13_a_grade_pair_is_accepted_exactly_when_both_in_7_11_and_tasks_not_lower(
    grade: int, task_grade: int
) -> None:
    valid = 7 <= grade <= 11 and 7 <= task_grade <= 11 and task_grade >= grade
    try:
        participant(grade=grade, task_grade=task_grade)
    except InvalidParticipant as error:
        assert not valid
        assert error.field in {"grade", "task_grade"}
    else:
        assert valid


@pytest.mark.parametrize("grade", [6, 12])
def test_p13_only_grades_7_to_11_take_part(grade: int) -> None:
    field, message = refused_field(grade=grade, task_grade=max(grade, 11))
    assert field == "grade" and f"Класс {grade} не подходит" in message


def test_p10_both_bases_have_the_official_wording() -> None:
    assert EligibilityBasis.SCHOOL_STAGE_SCORE.label == (
        "набрал необходимое количество баллов на школьном этапе"
    )
    assert "призёр муниципального этапа предыдущего учебного года" in (
        EligibilityBasis.PREVIOUS_YEAR_AWARDEE.label
    )


@pytest.mark.parametrize(
    ("typed", "basis"),
    [
        ("набрал необходимое количество баллов на школьном этапе", "school_stage_score"),
        ("Набрала необходимое количество баллов на школьном этапе", "school_stage_score"),
        ("баллы школьного этапа", "school_stage_score"),
        ("Школьный этап", "school_stage_score"),
        ("school_stage_score", "school_stage_score"),
        (
            "победитель или призёр муниципального этапа предыдущего учебного года",
            "previous_year_awardee",
        ),
        ("Призер муниципального этапа прошлого года", "previous_year_awardee"),
        ("победитель/призёр прошлого года", "previous_year_awardee"),
        ("previous_year_awardee", "previous_year_awardee"),
    ],
)
def test_p10_eligibility_is_read_from_the_usual_wordings(typed: str, basis: str) -> None:
    assert parse_eligibility(typed) == EligibilityBasis(basis)


@pytest.mark.parametrize(
    "typed", ["победитель", "призёр школьного этапа", "по приглашению", "", "учитель рекомендовал"]
)
def test_p10_anything_but_the_two_bases_is_not_eligibility(typed: str) -> None:
    assert parse_eligibility(typed) is None


def test_names_are_trimmed_and_keep_yo_as_written() -> None:
    kept = participant(surname="  Королёва ", name="Алёна\u00a0", school="  Гимназия   № 3 ")
    assert (kept.surname, kept.name, kept.school) == ("Королёва", "Алёна", "Гимназия № 3")
    assert kept.full_name == "Королёва Алёна Фёдоровна"


def test_a_decomposed_yo_is_stored_composed() -> None:
    decomposed = "Корол\u0435\u0308ва"
    assert participant(surname=decomposed).surname == "Королёва"


def test_yo_and_case_do_not_make_two_people_differ_when_comparing() -> None:
    one = participant()
    other = participant(
        surname="КОРОЛЕВА",
        name="Алена",
        patronymic="Федоровна",
        school="МБОУ «Усть-Ишимская СОШ №1»",
    )
    assert one.duplicate_key == other.duplicate_key
    assert participant(subject_code="physics").duplicate_key != one.duplicate_key
    assert participant(subject_code="physics").person_key == one.person_key


def test_hyphenated_surnames_and_apostrophes_are_names() -> None:
    assert participant(surname="Петрова-Водкина").surname == "Петрова-Водкина"
    assert participant(surname="Семёнова-Тян-Шанская").surname == "Семёнова-Тян-Шанская"
    assert participant(name="Д'Артаньян").name == "Д'Артаньян"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("surname", "Иванов2"),
        ("name", "Анна!"),
        ("patronymic", "--"),
        ("surname", "Иванов--Петров"),
    ],
)
def test_digits_and_stray_signs_are_not_names(field: str, value: str) -> None:
    refused, message = refused_field(**{field: value})
    assert refused == field and "недопустимые символы" in message


def test_surname_and_name_are_required_patronymic_is_not() -> None:
    assert refused_field(surname=" ")[0] == "surname"
    assert refused_field(name="")[0] == "name"
    assert participant(patronymic="").full_name == "Королёва Алёна"


def test_school_is_required_and_subject_must_exist() -> None:
    assert refused_field(school="")[0] == "school"
    field, message = refused_field(subject_code="astrology")
    assert field == "subject_code" and "astrology" in message


def test_p21_consent_and_p12_special_conditions_are_kept() -> None:
    kept = participant(consent_to_publish=False, special_conditions=" ОВЗ: время +1,5 часа ")
    assert kept.consent_to_publish is False
    assert kept.special_conditions == "ОВЗ: время +1,5 часа"
    assert refused_field(special_conditions="x" * 1001)[0] == "special_conditions"


def test_participants_are_immutable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        participant().grade = 10  # type: ignore[misc]
