"""Admission (§10) by the organiser's thresholds and last year's awardees, the task grade (§11),
and pupils in family education or self-education (§9), as the application's rows are read."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Sequence
from decimal import Decimal

import pytest

from olymp_core.testing.synthetic import SyntheticParticipant, generate_participants
from olymp_core.testing.synthetic import to_csv as synthetic_csv
from olymp_registration.domain import (
    AwardStatus,
    EducationForm,
    EligibilityBasis,
    EligibilityRules,
    ImportReport,
    InvalidEligibilityRules,
    PreviousAwardee,
    ProblemKind,
    check_awardees,
    check_thresholds,
    eligibility_problems,
    parse_participants_csv,
)
from olymp_registration.seating.handlers import candidate
from olymp_registration.store import StoredParticipant

SCORE = "Баллы школьного этапа"
FORM = "Форма обучения"


def application(
    lines: Sequence[SyntheticParticipant], extra: dict[int, dict[str, str]] | None = None
) -> bytes:
    """The synthetic application with the score and form columns; `extra[i]` sets line i's."""
    rows = list(csv.reader(io.StringIO(synthetic_csv(lines).decode("utf-8-sig")), delimiter=";"))
    header = [*rows[0], SCORE, FORM]
    body = []
    for index, row in enumerate(rows[1:]):
        values = dict(zip(header, [*row, "", ""], strict=True))
        values.update((extra or {}).get(index, {}))
        body.append([values[column] for column in header])
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows([header, *body])
    return buffer.getvalue().encode("utf-8-sig")


def math_lines(count: int = 6) -> list[SyntheticParticipant]:
    lines = generate_participants(seed=10, n=200, schools=3, subjects=["math"])
    return [
        line
        for line in lines
        if line.grade == line.task_grade == 8 and line.eligibility == "school_stage_score"
    ][:count]


def read(data: bytes) -> ImportReport:
    report = parse_participants_csv(data)
    assert report.ok, report.errors
    return report


RULES = EligibilityRules(
    thresholds={("math", 8): Decimal("22.5"), ("math", 9): Decimal(25)},
    awardees={
        "math": (
            PreviousAwardee("Ёлкина", "Алёна", "Петровна", 7, "Гимназия № 3", AwardStatus.WINNER),
        )
    },
)


def test_p10_a_score_below_the_threshold_is_refused_with_its_row_and_column() -> None:
    lines = math_lines()
    report = read(application(lines, {0: {SCORE: "22,4"}, 1: {SCORE: "22,5"}, 2: {SCORE: "30"}}))
    first_three = type(report)(rows=report.rows[:3], errors=())

    (problem,) = eligibility_problems(first_three.rows, RULES)

    assert (problem.kind, problem.row, problem.column, problem.value) == (
        ProblemKind.BELOW_THRESHOLD,
        2,
        SCORE,
        "22,4",
    )
    assert problem.message == (
        f"{report.rows[0].participant.full_name}: баллов школьного этапа 22,4, это меньше "
        "проходного балла 22,5, установленного организатором для 8 класса по предмету "
        "«математика» (§10): участник не допускается. Если участник — победитель или призёр "
        "муниципального этапа прошлого учебного года, укажите основание «победитель или призёр "
        "муниципального этапа предыдущего учебного года»."
    )
    assert report.rows[1].participant.school_stage_score == Decimal("22.5")


def test_p10_a_missing_score_is_refused_once_the_subject_has_thresholds() -> None:
    report = read(application(math_lines(1)))
    (problem,) = eligibility_problems(report.rows, RULES)
    assert (problem.kind, problem.row, problem.column) == (ProblemKind.MISSING_VALUE, 2, SCORE)
    assert "проходной балл для 8 класса по предмету «математика» — 22,5" in problem.message


def test_p10_a_subject_without_thresholds_or_list_is_not_checked() -> None:
    report = read(application(math_lines()))
    assert eligibility_problems(report.rows, EligibilityRules()) == []


def test_p11_the_threshold_is_that_of_the_grade_whose_tasks_are_done() -> None:
    line = math_lines(1)[0]
    higher = SyntheticParticipant(**{**line.__dict__, "task_grade": 9})
    report = read(application([higher], {0: {SCORE: "24"}}))

    (problem,) = eligibility_problems(report.rows, RULES)

    assert problem.kind is ProblemKind.BELOW_THRESHOLD
    assert "проходного балла 25, установленного организатором для 9 класса (участник " in (
        problem.message
    )
    assert "выполняет задания 9 класса, §11)" in problem.message


def test_p10_a_grade_without_a_threshold_cannot_be_admitted_by_score() -> None:
    line = next(
        line
        for line in generate_participants(seed=11, n=80, schools=3, subjects=["math"])
        if line.grade == line.task_grade == 10 and line.eligibility == "school_stage_score"
    )
    report = read(application([line], {0: {SCORE: "99"}}))
    (problem,) = eligibility_problems(report.rows, RULES)
    assert problem.kind is ProblemKind.NO_THRESHOLD
    assert "(установлен для классов: 8, 9)" in problem.message


def awardee_line(surname: str, name: str, patronymic: str, grade: int) -> SyntheticParticipant:
    return SyntheticParticipant(
        surname=surname,
        name=name,
        patronymic=patronymic,
        gender="female",
        grade=grade,
        task_grade=grade,
        school='МБОУ "Ашеванская СОШ"',
        subject_code="math",
        eligibility="previous_year_awardee",
        consent_to_publish=True,
    )


def test_p10_last_years_awardee_is_admitted_in_the_next_grade_whatever_the_school() -> None:
    # «Елкина» in the application, «Ёлкина» on the list: one surname (ё read as е)
    report = read(application([awardee_line("Елкина", "Алёна", "Петровна", 8)]))
    assert report.rows[0].participant.eligibility is EligibilityBasis.PREVIOUS_YEAR_AWARDEE
    assert eligibility_problems(report.rows, RULES) == []


def test_p10_someone_not_on_last_years_list_is_refused_at_the_basis_column() -> None:
    report = read(
        application(
            [
                awardee_line("Ёлкина", "Алёна", "Петровна", 9),
                awardee_line("Римская-Корсакова", "Фёкла", "Ильинична", 8),
            ]
        )
    )

    grade_mismatch, absent = eligibility_problems(report.rows, RULES)

    assert (absent.kind, absent.row, absent.column) == (
        ProblemKind.NOT_AN_AWARDEE,
        3,
        "Основание участия",
    )
    assert absent.message.startswith(
        "Римская-Корсакова Фёкла Ильинична не найден(а) в списке победителей и призёров "
        "муниципального этапа прошлого учебного года по предмету «математика», который внёс "
        "организатор (§10). Проверьте"
    )
    assert "в списке есть Ёлкина Алёна Петровна (победитель, 7 класс), а участник сейчас в 9" in (
        grade_mismatch.message
    )


def test_p10_the_organisers_thresholds_are_checked() -> None:
    check_thresholds("math", {7: Decimal(0), 11: Decimal("42.5")})
    with pytest.raises(InvalidEligibilityRules) as refused:
        check_thresholds("math", {6: Decimal(10), 8: Decimal(-1)})
    assert refused.value.problems == (
        "Проходной балл по предмету «математика» задан для 6 класса: муниципальный этап "
        "проводится для 7–11 классов.",
        "Проходной балл -1 для 8 класса по предмету «математика»: укажите число от 0 до 1000.",
    )


def test_p10_last_years_list_is_checked_line_by_line() -> None:
    good = PreviousAwardee("Королёв", "Пётр", "", 10, "", AwardStatus.PRIZE_WINNER)
    check_awardees("math", [good])
    with pytest.raises(InvalidEligibilityRules) as refused:
        check_awardees(
            "math",
            [good, PreviousAwardee("К0ролёв", "", "", 5, "", AwardStatus.WINNER), good],
        )
    assert [p.split(":")[0] for p in refused.value.problems] == [
        "Строка 2 списка победителей и призёров по предмету «математика»",
        "Строка 2 списка победителей и призёров по предмету «математика»",
        "Строка 2 списка победителей и призёров по предмету «математика»",
        "Строка 3 списка победителей и призёров по предмету «математика» повторяет строку 1",
    ]


@pytest.mark.parametrize(
    ("school", "form", "stored", "expected"),
    [
        ("семейное образование", "", "семейное образование", EducationForm.FAMILY),
        ("Самообразование", "", "самообразование", EducationForm.SELF),
        ("", "семейная форма", "семейное образование", EducationForm.FAMILY),
        ("", "самообразование", "самообразование", EducationForm.SELF),
        (
            'МБОУ "Ашеванская СОШ"',
            "семейное образование",
            'МБОУ "Ашеванская СОШ"',
            EducationForm.FAMILY,
        ),
        ('МБОУ "Ашеванская СОШ"', "очная", 'МБОУ "Ашеванская СОШ"', EducationForm.SCHOOL),
    ],
)
def test_p9_family_education_and_self_education_pupils_are_admitted(
    school: str, form: str, stored: str, expected: EducationForm
) -> None:
    report = read(
        application(math_lines(1), {0: {"Образовательная организация": school, FORM: form}})
    )
    participant = report.rows[0].participant
    assert (participant.school, participant.education_form) == (stored, expected)


def test_p9_no_school_and_no_form_of_education_says_what_to_write() -> None:
    report = parse_participants_csv(
        application(math_lines(1), {0: {"Образовательная организация": ""}})
    )
    (problem,) = report.errors
    assert (problem.kind, problem.column) == (
        ProblemKind.MISSING_VALUE,
        "Образовательная организация",
    )
    assert "впишите «семейное образование» или «самообразование»" in problem.message


@pytest.mark.parametrize(
    ("column", "value"), [(SCORE, "двадцать"), (SCORE, "-3"), (SCORE, "1,234"), (FORM, "дистант")]
)
def test_a_score_or_form_that_cannot_be_read_is_reported_in_its_column(
    column: str, value: str
) -> None:
    report = parse_participants_csv(application(math_lines(1), {0: {column: value}}))
    (problem,) = report.errors
    assert (problem.row, problem.column, problem.value) == (2, column, value)
    assert problem.kind in (ProblemKind.BAD_SCORE, ProblemKind.BAD_EDUCATION_FORM)


def test_p9_pupils_outside_schools_are_nobodys_schoolmates_in_seating() -> None:
    report = read(
        application(
            math_lines(2),
            {
                0: {"Образовательная организация": "семейное образование"},
                1: {"Образовательная организация": "семейное образование"},
            },
        )
    )
    keys = {
        candidate(StoredParticipant(uuid.uuid4(), uuid.uuid4(), row.participant)).school_key
        for row in report.rows
    }
    assert len(keys) == 2
