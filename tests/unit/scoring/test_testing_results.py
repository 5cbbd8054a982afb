"""Informatics: the testing system's results file instead of two markings (§43, §60, §67).

Every problem is reported with its line and column and what to do, and nothing is imported while
any remains (all or nothing).
"""

from __future__ import annotations

import io
import uuid
from decimal import Decimal as D

import openpyxl
import pytest

from olymp_core.subjects import SUBJECTS, subject
from olymp_scoring.domain import (
    CheckingPolicy,
    DiscrepancyThreshold,
    MarkingScheme,
    ScoringError,
    WorkSheet,
    WorkStatus,
)
from olymp_scoring.domain.testing_results import (
    ImportTarget,
    ResultsFile,
    ResultsFileRejected,
    plan_import,
    read_file,
    registration_number,
    task_number,
)
from olymp_scoring.domain.work import checked_automatically

SCHEME = MarkingScheme.of([(1, D(100)), (2, D(100)), (3, D(100))], step=D(1))
POLICY = CheckingPolicy(DiscrepancyThreshold.points(D(0)))
GUSEVA = "0d6b7f0e-5a55-4c1b-9a8e-3f0c2b1d7e11"
YOLKIN = "5b1e2c3d-4f50-4a6b-8c7d-9e0f1a2b3c4d"
PETROV_MUKHIN = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"


def csv(text: str, encoding: str = "utf-8") -> bytes:
    return text.replace("\n", "\r\n").encode(encoding)


def read(text: str, encoding: str = "utf-8") -> ResultsFile:
    return read_file(csv(text, encoding), "csv", SCHEME)


def messages(error: ResultsFileRejected) -> list[str]:
    return [problem.message for problem in error.problems]


def targets(*codes: str) -> dict[str, ImportTarget]:
    return {code: ImportTarget(WorkStatus.AWAITING_RESULTS, None) for code in codes}


STANDINGS = (
    "Результаты олимпиады по информатике, 9 класс\n"
    "\n"
    "Место;Логин;ФИО;A. Сумма цифр;B. Лабиринт;C. Ёлочка;Сумма\n"
    f"1;{GUSEVA};Гусева Ёлена Петровна;100;75;40;215\n"
    f"2;{YOLKIN.upper()};Ёлкин Пётр Ильич;100;;-;100\n"
    f"3;{{{PETROV_MUKHIN}}};Петров-Мухин Илья Андреевич;60,0;35;0;95\n"
)


def test_p67_informatics_is_checked_by_the_testing_system_and_nothing_else_is() -> None:
    assert {s.code for s in SUBJECTS if s.checked_automatically} == {"informatics"}
    assert checked_automatically("informatics")
    assert not checked_automatically("math")
    assert not checked_automatically("no-such-subject")
    assert subject("informatics").coded is False  # §60: no coding either


def test_p67_a_standings_export_is_read_with_letters_for_tasks_and_blanks_as_zero() -> None:
    found = read(STANDINGS)
    assert found.problems == ()
    by_number = {row.registration_number: row for row in found.rows}
    assert by_number[GUSEVA].points == {1: D(100), 2: D(75), 3: D(40)}
    assert by_number[GUSEVA].line == 4
    # the testing system leaves a task blank (or «-») when nothing was sent: 0 points
    assert by_number[YOLKIN].points == {1: D(100), 2: D(0), 3: D(0)}
    # the registration number in any of a UUID's spellings is the same participant
    assert by_number[PETROV_MUKHIN].points == {1: D(60), 2: D(35), 3: D(0)}
    assert found.ignored_columns == ("Место", "ФИО")


def test_p67_a_windows_1251_file_with_numbered_task_columns_reads_the_same() -> None:
    text = f"Регистрационный номер,Задача 1,Задача 2,Задача 3\n{GUSEVA},100,75,40\n"
    found = read(text, "cp1251")
    assert found.problems == ()
    assert found.rows[0].points == {1: D(100), 2: D(75), 3: D(40)}


def test_p67_an_xlsx_export_is_read_from_its_header_row() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Протокол тестирующей системы"])
    sheet.append(["Логин", "1", "2", "3"])
    sheet.append([GUSEVA, 100, 75.5, 40])
    sheet.append([YOLKIN, 90, None, 0])
    out = io.BytesIO()
    book.save(out)
    found = read_file(out.getvalue(), "xlsx", MarkingScheme.of(SCHEME_HALVES))
    assert found.problems == ()
    assert [(r.line, r.points) for r in found.rows] == [
        (3, {1: D(100), 2: D("75.5"), 3: D(40)}),
        (4, {1: D(90), 2: D(0), 3: D(0)}),
    ]


SCHEME_HALVES = [(1, D(100)), (2, D(100)), (3, D(100))]  # step 0.5, the default


def test_p67_points_over_the_maximum_off_the_step_or_not_numbers_are_named_by_line_and_column() -> (
    None
):
    text = f"Логин;1;2;3\n{GUSEVA};120;75;40\n{YOLKIN};100;75,5;40\n{PETROV_MUKHIN};сто;-5;40\n"
    found = read(text)
    assert found.rows == ()
    assert messages(ResultsFileRejected(found.problems)) == [
        "Строка 2, столбец B («1»): 120 баллов за задание 1 — больше максимума этого задания (100)"
        " по критериям оценивания. Проверьте, что файл выгружен для этого класса и задания не"
        " перепутаны, исправьте файл и загрузите его снова.",
        "Строка 3, столбец C («2»): 75.5 баллов за задание 2 не кратно шагу оценивания 1."
        " Округлите баллы так, как требуют критерии, или попросите председателя жюри задать в"
        " критериях нужный шаг.",
        "Строка 4, столбец B («1»): «сто» — не число: укажите баллы за задание 1 числом"
        " (например, 75 или 75,5).",
        "Строка 4, столбец C («2»): баллы за задание 2 не могут быть отрицательными (-5):"
        " проверьте выгрузку тестирующей системы.",
    ]
    assert [(p.line, p.column.letter if p.column else None) for p in found.problems] == [
        (2, "B"),
        (3, "C"),
        (4, "B"),
        (4, "C"),
    ]


def test_p67_a_total_that_disagrees_with_the_tasks_is_a_file_cut_on_its_way() -> None:
    found = read(f"Логин;1;2;3;Итого\n{GUSEVA};100;75;40;225\n")
    (problem,) = found.problems
    assert problem.line == 2
    assert problem.column is not None and problem.column.letter == "E"
    assert "сумма в файле 225, а сумма баллов за задания 215" in problem.message


def test_p67_a_header_without_every_task_or_with_a_foreign_task_is_refused_at_the_header() -> None:
    found = read(f"Логин;A;B;D\n{GUSEVA};100;75;40\n")
    assert found.rows == ()
    assert [p.message for p in found.problems] == [
        "Строка 1, столбец D («D»): задания 4 нет в критериях оценивания этого класса (задания:"
        " 1, 2, 3). Проверьте, что файл выгружен для этого класса, или попросите председателя"
        " жюри исправить критерии.",
        "Строка 1: нет столбцов заданий 3: по критериям оценивания в этом классе задания 1, 2, 3."
        " Назовите столбцы номерами заданий («1», «2», …) или буквами («A», «B», …).",
    ]


def test_p67_a_file_without_a_participant_column_says_what_header_it_needs() -> None:
    (problem,) = read("ФИО;1;2;3\nГусева Елена;100;75;40\n").problems
    assert problem.line is None
    assert "«Регистрационный номер»" in problem.message


def test_p67_the_same_participant_twice_is_refused_on_the_second_line() -> None:
    found = read(f"Логин;1;2;3\n{GUSEVA};100;75;40\n{GUSEVA.upper()};90;75;40\n")
    (problem,) = found.problems
    assert problem.line == 3
    assert "уже указан в строке 2" in problem.message


@pytest.mark.parametrize(
    ("header", "number"),
    [("1", 1), ("Задача 2", 2), ("задание №3", 3), ("A", 1), ("c. Ёлочка", 3), ("Task 4", 4)],
)
def test_task_columns_by_number_or_letter(header: str, number: int) -> None:
    assert task_number(header) == number


@pytest.mark.parametrize("header", ["ФИО", "Место", "Школа", "Штраф", "2024 год"])
def test_other_columns_name_no_task(header: str) -> None:
    assert task_number(header) is None


def test_a_registration_number_is_compared_in_its_canonical_form() -> None:
    assert registration_number(" {" + GUSEVA.upper() + "} ") == GUSEVA
    assert registration_number(uuid.UUID(GUSEVA).hex) == GUSEVA
    assert registration_number("inf-0042") == "inf-0042"


def test_p60_a_row_of_no_participant_or_of_another_grade_is_refused_and_nothing_is_planned() -> (
    None
):
    stranger = "11111111-2222-4333-8444-555555555555"
    found = read(f"Логин;1;2;3\n{GUSEVA};100;75;40\n{stranger};10;0;0\n{PETROV_MUKHIN};60;35;0\n")
    with pytest.raises(ResultsFileRejected) as refused:
        plan_import(
            found,
            targets(GUSEVA, YOLKIN),
            {PETROV_MUKHIN: 10},
            subject_name="информатика",
            grade=9,
        )
    assert messages(refused.value) == [
        f"Строка 3, столбец A («Логин»): участника с регистрационным номером «{stranger}» нет"
        " среди работ по предмету «информатика», 9 класс. Проверьте номер по списку участников"
        " (логин в тестирующей системе должен совпадать с регистрационным номером); участника,"
        " который не явился, из файла удалите.",
        f"Строка 4, столбец A («Логин»): участник «{PETROV_MUKHIN}» выполнял задания 10 класса:"
        " загрузите его результат в файле 10 класса и удалите строку из этого файла.",
        "В файле нет результатов участников по предмету «информатика», 9 класс (всего 1):"
        f" «{YOLKIN}». Файл заменяет результаты всего класса: добавьте строку каждому участнику,"
        " сдавшему работу (с нулями, если он не отправил ни одного решения).",
    ]
    assert refused.value.detail.startswith(
        "Файл не загружен, ни один балл не сохранён: найдено ошибок — 3 (строки: 3, 4)."
    )
    assert refused.value.extensions["errors"][0]["line"] == 3
    assert refused.value.extensions["errors"][0]["column"] == "A"


def test_p67_the_same_file_again_changes_nothing_and_a_corrected_one_only_what_it_corrects() -> (
    None
):
    found = read(STANDINGS)
    first = plan_import(
        found,
        targets(GUSEVA, YOLKIN, PETROV_MUKHIN),
        {},
        subject_name="информатика",
        grade=9,
    )
    assert [c.work_code for c in first.changes] == [GUSEVA, YOLKIN, PETROV_MUKHIN]
    assert all(c.before is None for c in first.changes)
    imported = {c.work_code: ImportTarget(WorkStatus.CHECKED, c.after) for c in first.changes}
    again = plan_import(found, imported, {}, subject_name="информатика", grade=9)
    assert again.changes == ()
    assert again.rows == 3

    corrected = read(STANDINGS.replace(";100;;-;100", ";100;20;-;120"))
    fixed = plan_import(corrected, imported, {}, subject_name="информатика", grade=9)
    (change,) = fixed.changes
    assert change.work_code == YOLKIN
    assert change.before == {1: D(100), 2: D(0), 3: D(0)}
    assert change.after == {1: D(100), 2: D(20), 3: D(0)}


def test_p53_an_annulled_work_keeps_its_annulment_and_its_row_is_passed_over() -> None:
    works = targets(GUSEVA, PETROV_MUKHIN)
    works[YOLKIN] = ImportTarget(WorkStatus.ANNULLED, None)
    plan = plan_import(read(STANDINGS), works, {}, subject_name="информатика", grade=9)
    assert plan.annulled_rows == (YOLKIN,)
    assert {c.work_code for c in plan.changes} == {GUSEVA, PETROV_MUKHIN}


def test_p116_points_fixed_by_an_appeal_are_not_replaced_by_a_file() -> None:
    works = {
        GUSEVA: ImportTarget(WorkStatus.CHECKED, {1: D(100), 2: D(75), 3: D(40)}),
        YOLKIN: ImportTarget(WorkStatus.CHECKED, {1: D(90), 2: D(0), 3: D(0)}, scores_fixed=True),
        PETROV_MUKHIN: ImportTarget(WorkStatus.CHECKED, {1: D(60), 2: D(35), 3: D(0)}),
    }
    with pytest.raises(ResultsFileRejected) as refused:
        plan_import(read(STANDINGS), works, {}, subject_name="информатика", grade=9)
    (problem,) = refused.value.problems
    assert problem.line == 5
    assert "п. 120" in problem.message


def test_p67_unreadable_files_are_refused_with_how_to_resave_them() -> None:
    with pytest.raises(ResultsFileRejected, match="Файл пуст"):
        read_file(b"  \n", "csv", SCHEME)
    with pytest.raises(ResultsFileRejected, match="XLSX"):
        read_file(b"PK\x03\x04 not really a workbook", "xlsx", SCHEME)
    with pytest.raises(ResultsFileRejected, match="старого формата"):
        read_file(b"\xd0\xcf\x11\xe0 old excel", "csv", SCHEME)


def test_p67_a_work_checked_by_the_testing_system_takes_its_points_and_no_marks() -> None:
    work = WorkSheet("inf-9-001", SCHEME, POLICY, checked_automatically=True)
    assert work.status is WorkStatus.AWAITING_RESULTS
    assert work.status.label == "ожидает результатов тестирующей системы"
    assert not work.status.done
    with pytest.raises(ScoringError, match="тестирующая система"):
        work.record_marking("jury-a", {1: D(1), 2: D(1), 3: D(1)})
    with pytest.raises(ScoringError, match="нет баллов за задания 3"):
        work.import_results({1: D(100), 2: D(75)})
    with pytest.raises(ScoringError, match="от 0 до 100"):
        work.import_results({1: D(101), 2: D(75), 3: D(0)})
    checked = work.import_results({1: D(100), 2: D(75), 3: D(40)})
    assert checked.status is WorkStatus.CHECKED
    assert checked.final_scores() == {1: D(100), 2: D(75), 3: D(40)}
    assert checked.total() == D(215)
    assert checked.disputed_tasks() == ()


def test_p69_a_work_the_jury_marks_takes_no_imported_results() -> None:
    with pytest.raises(ScoringError, match="проверяют члены жюри"):
        WorkSheet("M-7K3P9XA", SCHEME, POLICY).import_results({1: D(1), 2: D(1), 3: D(1)})
