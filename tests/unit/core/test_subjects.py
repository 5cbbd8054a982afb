"""The subjects of §3 as data, with the coding (§60) and equipment-list (§24) rules."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from olymp_core.subjects import (
    GRADES,
    MAIN_ROUND,
    ORAL_ROUND,
    SUBJECT_CODES,
    SUBJECTS,
    WRITTEN_ROUND,
    Subject,
    UnknownSubject,
    find_subject,
    subject,
)

P3_NAMES = {
    "математика",
    "русский язык",
    "английский язык",
    "немецкий язык",
    "французский язык",
    "испанский язык",
    "китайский язык",
    "информатика",
    "физика",
    "химия",
    "биология",
    "экология",
    "география",
    "астрономия",
    "литература",
    "история",
    "обществознание",
    "экономика",
    "право",
    "искусство (мировая художественная культура)",
    "физическая культура",
    "технология",
    "основы безопасности жизнедеятельности",
}


def test_p3_every_subject_of_the_stage_is_listed_once_with_its_official_name() -> None:
    assert {s.name for s in SUBJECTS} == P3_NAMES
    assert len(SUBJECTS) == len(P3_NAMES) == len(set(SUBJECT_CODES))


def test_p3_codes_are_stable_lowercase_ascii() -> None:
    for code in SUBJECT_CODES:
        assert code.isascii() and code == code.lower() and " " not in code
    assert subject("art").name == "искусство (мировая художественная культура)"
    assert subject("obzh").name == "основы безопасности жизнедеятельности"


def test_p13_grades_are_7_to_11() -> None:
    assert list(GRADES) == [7, 8, 9, 10, 11]


def test_p60_informatics_is_not_coded_and_every_other_written_work_is() -> None:
    uncoded = {s.code for s in SUBJECTS if not s.coded}
    assert uncoded == {"informatics"}
    assert subject("informatics").rounds[0].coded is False


def test_p60_german_and_french_have_an_uncoded_oral_round_after_a_coded_written_one() -> None:
    for code in ("german", "french"):
        rounds = subject(code).rounds
        assert [(r.code, r.coded) for r in rounds] == [(WRITTEN_ROUND, True), (ORAL_ROUND, False)]
    assert [s.code for s in SUBJECTS if s.oral_round_uncoded] == ["german", "french"]
    assert [r.code for r in subject("english").rounds] == [MAIN_ROUND]


def test_p24_equipment_list_package_only_for_technology_pe_and_obzh() -> None:
    with_list = {s.code for s in SUBJECTS if s.needs_equipment_list}
    assert with_list == {"technology", "physical_education", "obzh"}


def test_unknown_code_is_refused_in_russian_and_english_listing_valid_codes() -> None:
    with pytest.raises(UnknownSubject) as error:
        subject("maths")
    message = str(error.value)
    assert "Неизвестный код предмета 'maths'" in message
    assert "unknown subject code 'maths'" in message
    assert all(code in message for code in SUBJECT_CODES)


def test_a_round_the_subject_does_not_have_is_refused() -> None:
    with pytest.raises(ValueError, match="нет тура 'oral'"):
        subject("math").round(ORAL_ROUND)
    assert subject("german").round(ORAL_ROUND).name == "устный тур"


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Математика", "math"),
        ("  русский   язык ", "russian"),
        ("МХК", "art"),
        ("Искусство (МХК)", "art"),
        ("ОБЖ", "obzh"),
        ("физкультура", "physical_education"),
        ("Иностранный язык (английский)", "english"),
        ("немецкий", "german"),
        ("chemistry", "chemistry"),
    ],
)
def test_find_subject_accepts_what_officials_type(typed: str, code: str) -> None:
    found = find_subject(typed)
    assert found is not None and found.code == code


def test_find_subject_returns_none_for_something_else() -> None:
    assert find_subject("матем") is None
    assert find_subject("") is None
    assert find_subject("математика, физика") is None


@given(st.sampled_from(SUBJECTS), st.data())
def test_find_subject_ignores_case_spacing_and_yo(chosen: Subject, data: st.DataObject) -> None:
    name = chosen.name
    flips = data.draw(st.lists(st.booleans(), min_size=len(name), max_size=len(name)))
    typed = "".join(ch.upper() if flip else ch for ch, flip in zip(name, flips, strict=True))
    typed = "  " + typed.replace(" ", "   ").replace("е", "ё") + " "
    assert find_subject(typed) is chosen
