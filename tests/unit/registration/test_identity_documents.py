"""§36: the identity document by age on the round's day — a passport from 14, a birth certificate
with a school certificate with a photo before — and the date of birth read from the application."""

from __future__ import annotations

import datetime as dt

import pytest

from olymp_registration.domain import (
    IdentityDocument,
    IdentityDocumentRefused,
    ProblemKind,
    age_on,
    check_documents,
    parse_participants_csv,
    required_documents,
)

PASSPORT = frozenset({IdentityDocument.PASSPORT})
BIRTH = IdentityDocument.BIRTH_CERTIFICATE
SCHOOL = IdentityDocument.SCHOOL_CERTIFICATE
CHILD = frozenset({BIRTH, SCHOOL})
ROUND_DAY = dt.date(2025, 11, 18)


def test_p36_fourteen_on_the_birthday_itself_and_not_a_day_before() -> None:
    assert age_on(dt.date(2011, 11, 18), ROUND_DAY) == 14
    assert age_on(dt.date(2011, 11, 19), ROUND_DAY) == 13
    assert age_on(dt.date(2012, 2, 29), dt.date(2026, 2, 28)) == 13
    assert age_on(dt.date(2012, 2, 29), dt.date(2026, 3, 1)) == 14


def test_p36_a_fourteen_year_old_shows_a_passport_on_the_birthday() -> None:
    born = dt.date(2011, 11, 18)
    assert required_documents(born, ROUND_DAY) == PASSPORT
    assert check_documents(PASSPORT, born, ROUND_DAY) == PASSPORT
    with pytest.raises(IdentityDocumentRefused) as refused:
        check_documents(CHILD, born, ROUND_DAY)
    assert "14 лет на день тура 18.11.2025" in str(refused.value)
    assert "Попросите паспорт" in str(refused.value)


def test_p36_the_day_before_the_birthday_a_birth_certificate_with_a_school_certificate() -> None:
    born = dt.date(2011, 11, 19)
    assert required_documents(born, ROUND_DAY) == CHILD
    assert check_documents(CHILD, born, ROUND_DAY) == CHILD
    with pytest.raises(IdentityDocumentRefused) as alone:
        check_documents({BIRTH}, born, ROUND_DAY)
    assert "13 лет" in str(alone.value)
    assert "не хватает: справка школьника с фотографией" in str(alone.value)
    with pytest.raises(IdentityDocumentRefused) as passport:
        check_documents(PASSPORT, born, ROUND_DAY)
    assert "паспорт до 14 лет не выдаётся" in str(passport.value)


def test_p37_without_a_date_of_birth_either_lawful_set_and_nothing_else() -> None:
    assert required_documents(None, ROUND_DAY) == frozenset()
    assert check_documents(PASSPORT, None, ROUND_DAY) == PASSPORT
    assert check_documents(CHILD, None, ROUND_DAY) == CHILD
    for wrong in ({SCHOOL}, {BIRTH}, {IdentityDocument.PASSPORT, BIRTH}, set()):
        with pytest.raises(IdentityDocumentRefused) as refused:
            check_documents(wrong, None, ROUND_DAY)
        assert "паспорт" in str(refused.value)


HEADER = (
    "Фамилия;Имя;Отчество;Класс;Образовательная организация;Предмет;Основание участия;"
    "Согласие на публикацию;Дата рождения"
)
BASIS = "набрала необходимое количество баллов на школьном этапе"


def test_p36_the_application_may_give_a_date_of_birth_and_a_wrong_one_is_a_row_error() -> None:
    rows = [
        f"Ёлкина;Алёна;Фёдоровна;8;МБОУ «СОШ № 2»;Математика;{BASIS};да;19.11.2011",
        f"Римская-Корсакова;Варвара;;9;МБОУ «Лицей»;Математика;{BASIS};да;2010-03-14",
        f"Ельцов;Иван;;9;МБОУ «Лицей»;Математика;{BASIS};да;",
        f"Щёкин;Пётр;;9;МБОУ «Лицей»;Математика;{BASIS};да;31.02.2011",
    ]
    report = parse_participants_csv("\r\n".join([HEADER, *rows]).encode())
    births = {r.participant.surname: r.participant.birth_date for r in report.rows}
    assert births == {
        "Ёлкина": dt.date(2011, 11, 19),
        "Римская-Корсакова": dt.date(2010, 3, 14),
        "Ельцов": None,
    }
    [problem] = report.errors
    assert (problem.row, problem.column, problem.kind) == (
        5,
        "Дата рождения",
        ProblemKind.BAD_BIRTH_DATE,
    )
    assert "ДД.ММ.ГГГГ" in problem.message
