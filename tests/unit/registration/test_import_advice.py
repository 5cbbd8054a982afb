"""Each import problem splits into what is wrong and what to do, as the organiser's table of row
errors shows them in two columns; a quoted value never splits a message."""

from __future__ import annotations

from olymp_registration.domain import parse_participants_csv
from olymp_registration.domain.importing.report import split_advice

HEADER = (
    "Фамилия;Имя;Отчество;Класс;Класс выполнения заданий;Образовательная организация;Предмет;"
    "Основание участия;Согласие на публикацию;Особые условия"
)
BASIS = "набрала необходимое количество баллов на школьном этапе"


def test_p10_every_row_problem_names_the_fault_and_the_remedy() -> None:
    rows = [
        f"Ёлкина;Алёна;Фёдоровна;седьмой;;МБОУ «СОШ № 2»;Математика;{BASIS};да;",
        f"Римская-Корсакова;Варвара;;9;8;МБОУ «Лицей»;Алхимия;{BASIS};может быть;",
        f";Семён;Ильич;10;;МБОУ «СОШ № 2»;Физика;{BASIS};да;",
        "Ельцов;Иван;Сергеевич;11;;МБОУ «СОШ № 2»;Физика;по знакомству;да;",
    ]
    report = parse_participants_csv("\r\n".join([HEADER, *rows]).encode())
    assert {p.row for p in report.errors} == {2, 3, 4, 5}
    for problem in report.errors:
        assert problem.fault and problem.remedy, problem.message
        assert problem.remedy[0].isupper(), problem.remedy
        assert problem.fault.endswith("."), problem.fault
        assert problem.message.startswith(problem.fault.rstrip("."))  # nothing lost between
        assert problem.message.endswith(problem.remedy[1:])
    grade = next(p for p in report.errors if p.row == 2)
    assert grade.fault == "Класс «седьмой» не распознан."
    assert grade.remedy.startswith("Впишите число от 7 до 11")


def test_a_colon_inside_a_quoted_value_does_not_split_the_message() -> None:
    fault, remedy = split_advice(
        "Предмет «химия: впишите» не распознан: впишите один из предметов."
    )
    assert fault == "Предмет «химия: впишите» не распознан."
    assert remedy == "Впишите один из предметов."


def test_advice_without_an_imperative_is_the_sentences_after_the_first() -> None:
    fault, remedy = split_advice("Не найдена строка заголовков. Первая строка — заголовки.")
    assert (fault, remedy) == ("Не найдена строка заголовков.", "Первая строка — заголовки.")
    assert split_advice("Строка пуста.") == ("Строка пуста.", "")
