"""Synthetic participants: realistic Russian data, deterministic, importable as generated."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from olymp_core.testing.synthetic import (
    PREVIOUS_YEAR_AWARDEE,
    SCHOOL_STAGE_SCORE,
    SyntheticParticipant,
    feminine_surname,
    generate_participants,
    to_csv,
    to_xlsx,
)
from olymp_registration.domain import ImportReport, parse_participants_csv, parse_participants_xlsx

SUBJECTS = ["math", "russian", "physics", "german", "informatics"]


@pytest.fixture(scope="module")
def sample() -> list[SyntheticParticipant]:
    return generate_participants(seed=2024, n=600, schools=12, subjects=SUBJECTS)


def as_imported(p: SyntheticParticipant) -> tuple[object, ...]:
    return (
        p.surname,
        p.name,
        p.patronymic,
        p.grade,
        p.task_grade,
        p.school,
        p.subject_code,
        p.eligibility,
        p.consent_to_publish,
        p.special_conditions,
    )


def imported(report: ImportReport) -> list[tuple[object, ...]]:
    assert report.ok, report.errors[:5]
    return [
        (
            r.surname,
            r.name,
            r.patronymic,
            r.grade,
            r.task_grade,
            r.school,
            r.subject_code,
            r.eligibility.value,
            r.consent_to_publish,
            r.special_conditions,
        )
        for r in report.participants
    ]


def test_the_same_seed_gives_the_same_participants_and_another_seed_others() -> None:
    first = generate_participants(7, 80, 4, SUBJECTS)
    assert first == generate_participants(7, 80, 4, SUBJECTS)
    assert first != generate_participants(8, 80, 4, SUBJECTS)


@pytest.mark.parametrize("n", [0, 1, 2, 37])
def test_exactly_n_lines_only_in_the_given_subjects(n: int) -> None:
    lines = generate_participants(1, n, 3, ["chemistry", "obzh"])
    assert len(lines) == n
    assert {p.subject_code for p in lines} <= {"chemistry", "obzh"}


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError):
        generate_participants(1, -1, 3, SUBJECTS)
    with pytest.raises(ValueError):
        generate_participants(1, 5, 0, SUBJECTS)
    with pytest.raises(ValueError):
        generate_participants(1, 5, 3, [])
    with pytest.raises(ValueError, match="astrology"):
        generate_participants(1, 5, 3, ["astrology"])


def test_p13_p11_grades_7_to_11_and_tasks_sometimes_of_a_higher_grade(
    sample: list[SyntheticParticipant],
) -> None:
    assert {p.grade for p in sample} == {7, 8, 9, 10, 11}
    assert all(p.grade <= p.task_grade <= 11 for p in sample)
    higher = sum(p.task_grade > p.grade for p in sample)
    assert 0 < higher < len(sample) * 0.2


def test_basic_schools_send_pupils_of_grades_up_to_9_only(
    sample: list[SyntheticParticipant],
) -> None:
    basic = [p for p in sample if "ООШ" in p.school]
    assert basic and all(p.grade <= 9 for p in basic)


def test_p10_both_eligibility_bases_and_no_awardee_of_last_year_in_grade_7(
    sample: list[SyntheticParticipant],
) -> None:
    bases = Counter(p.eligibility for p in sample)
    assert set(bases) == {SCHOOL_STAGE_SCORE, PREVIOUS_YEAR_AWARDEE}
    assert bases[SCHOOL_STAGE_SCORE] > bases[PREVIOUS_YEAR_AWARDEE]
    assert all(p.grade > 7 for p in sample if p.eligibility == PREVIOUS_YEAR_AWARDEE)


def test_p21_about_one_in_ten_without_consent_p12_some_with_special_conditions(
    sample: list[SyntheticParticipant],
) -> None:
    refused = sum(not p.consent_to_publish for p in sample) / len(sample)
    assert 0.03 < refused < 0.2
    special = [p for p in sample if p.special_conditions]
    assert 0 < len(special) < len(sample) * 0.1


def test_names_agree_with_gender(sample: list[SyntheticParticipant]) -> None:
    for p in sample:
        if p.gender == "male":
            assert p.patronymic.endswith(("ович", "евич", "ёвич", "ич"))
        else:
            assert p.patronymic.endswith(("овна", "евна", "ёвна", "инична", "ична"))
            assert p.surname == feminine_surname(p.surname)  # already feminine: a fixed point
            assert not p.surname.endswith(("ов", "ев", "ёв", "ин", "ский", "цкий"))
    assert Counter(p.gender for p in sample).keys() == {"male", "female"}


@pytest.mark.parametrize(
    ("masculine", "feminine"),
    [
        ("Иванов", "Иванова"),
        ("Королёв", "Королёва"),
        ("Соловьёв", "Соловьёва"),
        ("Ёлкин", "Ёлкина"),
        ("Вишневский", "Вишневская"),
        ("Троицкий", "Троицкая"),
        ("Толстой", "Толстая"),
        ("Петров-Водкин", "Петрова-Водкина"),
        ("Римский-Корсаков", "Римская-Корсакова"),
        ("Семёнов-Тян-Шанский", "Семёнова-Тян-Шанская"),
        ("Коваленко", "Коваленко"),
        ("Седых", "Седых"),
        ("Ким", "Ким"),
        ("Бонч-Бруевич", "Бонч-Бруевич"),
    ],
)
def test_feminine_surnames(masculine: str, feminine: str) -> None:
    assert feminine_surname(masculine) == feminine


def test_yo_in_a_fair_share_of_names_surnames_and_patronymics(
    sample: list[SyntheticParticipant],
) -> None:
    for part in ("surname", "name", "patronymic"):
        with_yo = sum("ё" in getattr(p, part) or "Ё" in getattr(p, part) for p in sample)
        assert with_yo >= len(sample) * 0.03, part
    assert any(p.name == "Алёна" for p in sample) and any(p.name == "Пётр" for p in sample)


def test_hyphenated_surnames_appear(sample: list[SyntheticParticipant]) -> None:
    assert any("-" in p.surname and not p.surname.startswith("-") for p in sample)


def test_pupils_with_the_same_surname_in_one_school(sample: list[SyntheticParticipant]) -> None:
    people = {(p.surname, p.name, p.patronymic, p.school, p.grade) for p in sample}
    by_surname = Counter((surname, school) for surname, _, _, school, _ in people)
    assert sum(count >= 2 for count in by_surname.values()) >= 5


def test_the_first_two_are_twins_in_one_table() -> None:
    twin, other = generate_participants(99, 2, 5, ["math", "physics"])
    assert (twin.surname, twin.patronymic, twin.school, twin.grade) == (
        other.surname,
        other.patronymic,
        other.school,
        other.grade,
    )
    assert twin.name != other.name


def test_school_names_look_like_real_ones(sample: list[SyntheticParticipant]) -> None:
    schools = {p.school for p in sample}
    assert len(schools) == 12
    assert all(s.startswith(("МБОУ", "МКОУ", "МАОУ", "Гимназия №")) for s in schools)
    assert any('"' in s for s in schools) and any("№" in s for s in schools)


def test_no_line_is_a_duplicate_application(sample: list[SyntheticParticipant]) -> None:
    keys = [(p.surname, p.name, p.patronymic, p.school, p.grade, p.subject_code) for p in sample]
    assert len(keys) == len(set(keys))


def test_round_trip_through_csv_gives_the_same_rows(sample: list[SyntheticParticipant]) -> None:
    report = parse_participants_csv(to_csv(sample))
    assert imported(report) == [as_imported(p) for p in sample]
    assert [r.row for r in report.rows] == list(range(2, len(sample) + 2))


def test_round_trip_through_cp1251_comma_csv(sample: list[SyntheticParticipant]) -> None:
    data = to_csv(sample[:100], encoding="cp1251", delimiter=",")
    assert imported(parse_participants_csv(data)) == [as_imported(p) for p in sample[:100]]


def test_round_trip_through_xlsx_gives_the_same_rows(sample: list[SyntheticParticipant]) -> None:
    report = parse_participants_xlsx(to_xlsx(sample[:200]))
    assert imported(report) == [as_imported(p) for p in sample[:200]]


@settings(max_examples=15, deadline=None)
@given(
    st.integers(min_value=0, max_value=2**32),
    st.integers(min_value=1, max_value=30),
    st.integers(min_value=1, max_value=6),
    st.lists(st.sampled_from(["math", "art", "obzh", "french", "law"]), min_size=1, unique=True),
)
def test_any_seed_round_trips_through_csv(
    seed: int, n: int, schools: int, subjects: list[str]
) -> None:
    lines = generate_participants(seed, n, schools, subjects)
    assert imported(parse_participants_csv(to_csv(lines))) == [as_imported(p) for p in lines]
