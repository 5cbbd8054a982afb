"""§78, App. 13: the analytic report's figures — per task, the totals, the schools, the markers —
computed by hand on a small table, and the checking protocol (App. 10) read back as scoring lays
it out."""

from __future__ import annotations

import io
from decimal import Decimal

import pypdfium2  # type: ignore[import-untyped]
import pytest
from openpyxl import load_workbook

from olymp_core import protocol_documents
from olymp_core.protocol_documents import Protocol
from olymp_publishing.analytics import documents
from olymp_publishing.analytics.clients import (
    ProtocolUnreadable,
    read_checked_tasks,
    read_checking_protocol,
)
from olymp_publishing.analytics.domain import (
    BANDS,
    AnalyticReport,
    CheckedTask,
    RankedResult,
    TaskMarking,
    analyse,
    band,
    ranked_results,
)
from olymp_publishing.domain import Status

GYMNASIUM = "МБОУ «Гимназия № 1 имени Ф. М. Достоевского»"
SCHOOL_2 = "МКОУ «Усть-Ишимская СОШ № 2»"
TASK_MAX = {"1": Decimal(10), "2": Decimal(5)}


def d(text: str) -> Decimal:
    return Decimal(text)


RESULTS = [
    RankedResult("А-01", GYMNASIUM, d("15"), Status.WINNER, {"1": d("10"), "2": d("5")}),
    RankedResult("А-02", GYMNASIUM, d("9.5"), Status.PRIZE_WINNER, {"1": d("7.5"), "2": d("2")}),
    RankedResult("А-03", SCHOOL_2, d("5"), Status.PARTICIPANT, {"1": d("0"), "2": d("5")}),
    RankedResult("А-04", SCHOOL_2, d("2.5"), Status.PARTICIPANT, {"1": d("2.5"), "2": d("0")}),
]
MARKINGS = [
    TaskMarking("А-01", "1", d("10"), d("10"), False),
    TaskMarking("А-01", "2", d("5"), d("4"), False),
    TaskMarking("А-02", "1", d("7.5"), d("3"), True),
    TaskMarking("А-02", "2", d("2"), d("2"), False),
    TaskMarking("А-03", "1", d("0"), d("0"), False),
    TaskMarking("А-03", "2", d("5"), d("5"), False),
    TaskMarking("А-04", "1", d("2.5"), d("2.5"), False),
    TaskMarking("А-04", "2", d("0"), None, False),  # one mark so far: no pair
    TaskMarking("А-99", "1", d("0"), d("9"), True),  # an annulled work: not in the table
]


def report(markings: list[TaskMarking] | None = MARKINGS) -> AnalyticReport:
    return analyse(RESULTS, task_max=TASK_MAX, max_total=d("15"), annulled=1, markings=markings)


@pytest.mark.parametrize(
    ("points", "expected"),
    [
        ("0", "0"),
        ("0.5", "до 25 %"),
        ("2.5", "до 25 %"),
        ("5", "25–50 %"),
        ("7.5", "50–75 %"),
        ("7.6", "75–100 %"),
        ("9.5", "75–100 %"),
        ("10", "полный балл"),
    ],
)
def test_a_bound_belongs_to_the_lower_band_and_only_the_full_mark_to_the_last(
    points: str, expected: str
) -> None:
    assert BANDS[band(d(points), d("10"))] == expected


def test_each_task_has_its_mean_share_of_full_marks_and_distribution() -> None:
    first, second = report().tasks
    assert (first.task, first.count, first.mean, first.mean_percent) == ("1", 4, d("5"), d("50"))
    assert (first.full_percent, first.zero_percent) == (d("25"), d("25"))
    assert first.bands == (1, 1, 0, 1, 0, 1)
    assert first.values == ((d("0"), 1), (d("2.5"), 1), (d("7.5"), 1), (d("10"), 1))
    assert (second.mean, second.mean_percent, second.full_percent) == (d("3"), d("60"), d("50"))
    assert second.bands == (1, 0, 1, 0, 0, 2)


def test_a_task_without_its_maximum_has_no_shares_but_keeps_its_mean() -> None:
    found = analyse(RESULTS, task_max={"1": d("10")}, max_total=d("15"), annulled=0, markings=None)
    second = found.tasks[1]
    assert (second.mean, second.mean_percent, second.full_percent, second.bands) == (
        d("3"),
        None,
        None,
        None,
    )


def test_the_totals_spread_over_tenths_of_the_maximum() -> None:
    totals = report().totals
    assert (totals.count, totals.mean, totals.median) == (4, d("8"), d("7.25"))
    assert (totals.minimum, totals.maximum) == (d("2.5"), d("15"))
    assert [b.count for b in totals.bins] == [0, 1, 0, 1, 0, 0, 1, 0, 0, 1]
    assert (totals.bins[1].low, totals.bins[1].high) == (d("1.5"), d("3"))
    assert totals.bins[9].percent == d("25")  # the maximum itself is in the last tenth


def test_statuses_and_their_lowest_totals() -> None:
    statuses = report().statuses
    assert (statuses.winners, statuses.prize_winners, statuses.participants) == (1, 1, 2)
    assert (statuses.winner_minimum, statuses.prize_winner_minimum) == (d("15"), d("9.5"))


def test_schools_are_compared_best_mean_first() -> None:
    gymnasium, school_2 = report().schools
    assert (gymnasium.school, gymnasium.count, gymnasium.mean, gymnasium.maximum) == (
        GYMNASIUM,
        2,
        d("12.25"),
        d("15"),
    )
    assert (gymnasium.winners, gymnasium.prize_winners, gymnasium.awarded_percent) == (
        1,
        1,
        d("100"),
    )
    assert (school_2.mean, school_2.awarded_percent) == (d("3.75"), d("0"))


def test_p73_discrepancies_count_pairs_of_the_ranked_works_only() -> None:
    found = report().discrepancies
    assert found is not None
    first, second, together = found
    assert (first.pairs, first.differing, first.third_marked) == (4, 1, 1)
    assert (first.third_percent, first.mean_difference) == (d("25"), d("1.13"))  # 4.5 / 4
    assert (second.pairs, second.differing, second.third_marked) == (3, 1, 0)
    assert together.task == "" and (together.pairs, together.third_marked) == (7, 1)
    assert (together.third_percent, together.mean_difference) == (d("14.3"), d("0.79"))
    assert report(None).discrepancies is None


def test_the_stored_protocol_is_read_back_as_ranked_results() -> None:
    protocol = {
        "rows": [
            {
                "work_code": "А-01",
                "school": GYMNASIUM,
                "total": "15",
                "status": "победитель",
                "task_scores": {"1": "10", "2": "5"},
            }
        ],
        "annulled": [],
    }
    assert ranked_results(protocol) == [RESULTS[0]]


def checking_protocol_xlsx(rows: tuple[tuple[str, ...], ...]) -> bytes:
    """A workbook laid out as scoring lays out App. 10 (olymp_scoring.documents)."""
    return protocol_documents.render(
        Protocol(
            heading=("Олимпиада", "Протокол проверки работ (Приложение № 10, п. 69–75)"),
            header=(
                "Шифр",
                "Задание",
                "Макс. балл",
                "1-я проверка",
                "2-я проверка",
                "3-я проверка",
                "Балл по проверке",
                "Итоговый балл",
            ),
            rows=rows,
            after=("Работ: 3; проверено: 2; аннулировано: 1; с третьей проверкой: 1.",),
            signatures=("Председатель жюри: ____",),
            wide=True,
        ),
        "xlsx",
    )


def test_the_checking_protocol_is_read_by_its_column_names() -> None:
    body = checking_protocol_xlsx(
        (
            ("M9-701", "1", "10", "jury-a: 4", "jury-b: 4", "—", "4", "4"),
            ("M9-702", "2", "10", "jury-a: 9", "jury-b: 3", "jury-c: 8", "8", "8"),
            ("M9-703", "—", "—", "—", "—", "—", "—", "аннулирована"),
            ("M9-704", "1", "10", "jury-a: 7.5", "—", "—", "—", "—"),
        )
    )
    assert read_checking_protocol(body) == [
        TaskMarking("M9-701", "1", d("4"), d("4"), False),
        TaskMarking("M9-702", "2", d("9"), d("3"), True),
        TaskMarking("M9-704", "1", d("7.5"), None, False),
    ]


def test_a_checking_protocol_in_another_layout_is_refused_not_misread() -> None:
    with pytest.raises(ProtocolUnreadable):
        read_checking_protocol(b"not a workbook")
    odd = checking_protocol_xlsx((("M9-701", "1", "10", "четыре", "jury-b: 4", "—", "4", "4"),))
    with pytest.raises(ProtocolUnreadable):
        read_checking_protocol(odd)


def checking_protocol_before_scores(rows: tuple[tuple[str, ...], ...]) -> bytes:
    """App. 10 as scoring laid it out before the scores' columns came."""
    return protocol_documents.render(
        Protocol(
            heading=("Олимпиада", "Протокол проверки работ (Приложение № 10, п. 69–75)"),
            header=(
                "Шифр",
                "Задание",
                "Макс. балл",
                "1-я проверка",
                "2-я проверка",
                "3-я проверка",
            ),
            rows=rows,
            after=("Работ: 1.",),
            signatures=("Председатель жюри: ____",),
            wide=True,
        ),
        "xlsx",
    )


def test_the_checking_protocol_is_read_whole_members_rounds_and_scores() -> None:
    body = checking_protocol_xlsx(
        (
            ("М9-01", "1", "10", "jury-a: 9", "jury-b: 3", "jury-c: 8; jury-d: 7.5", "8", "8"),
            (
                "М9-01",
                "2",
                "10",
                "jury-a: 5",
                "jury-b: 5",
                "—",
                "5",
                "7 (после апелляции или исправления)",
            ),
            ("М9-03", "—", "—", "—", "—", "—", "—", "аннулирована"),
        )
    )
    first, second = read_checked_tasks(body)
    assert first == CheckedTask(
        "М9-01",
        "1",
        ("jury-a", d("9")),
        ("jury-b", d("3")),
        (("jury-c", d("8")), ("jury-d", d("7.5"))),
        d("8"),
        d("8"),
    )
    assert (second.checked_score, second.final_score, second.third) == (d("5"), d("7"), ())
    # the analytic report's reading is unchanged
    assert read_checking_protocol(body)[0] == TaskMarking("М9-01", "1", d("9"), d("3"), True)
    older = read_checked_tasks(
        checking_protocol_before_scores((("М9-01", "1", "10", "a: 1", "b: 1", "—"),))
    )
    assert (older[0].checked_score, older[0].final_score) == (None, None)


DOCUMENT = {
    "olympiad_title": "Муниципальный этап ВсОШ 2025/26, Омская область",
    "subject_name": "математика",
    "grade": 9,
    "stage_label": "итоговые",
    "version": 2,
    "published_at": "2025-10-20T05:00:00+00:00",
    "time_zone": "Asia/Omsk",
    "max_total": "15",
}


def pdf_text(body: bytes) -> str:
    document = pypdfium2.PdfDocument(body)
    try:
        return " ".join(" ".join(page.get_textpage().get_text_range().split()) for page in document)
    finally:
        document.close()


def test_the_report_prints_the_figures_and_names_the_schools() -> None:
    text = pdf_text(documents.render("pdf", DOCUMENT, report(), None))
    assert "Аналитический отчёт о результатах выполнения олимпиадных заданий" in text
    assert "Приложение № 13" in text
    assert "Средний балл: 8 из 15 (53.3 %); медиана: 7.25" in text
    assert "Наименьший балл победителя: 15; призёра: 9.5." in text
    assert "1 10 4 5 50 25 25" in text  # task 1: max, works, mean, its %, full marks %, zeros %
    assert f"{GYMNASIUM} 2 12.25 15 1 1 100" in text
    assert "Усть-Ишимская СОШ № 2" in text
    assert "Задание 1 4 1 1 25 1.13" in text
    assert "Все задания 7 2 1 14.3 0.79" in text
    assert "Председатель жюри" in text


def test_without_the_markers_figures_the_report_says_why() -> None:
    body = documents.render("pdf", DOCUMENT, report(None), "служба проверки работ не ответила.")
    text = pdf_text(body)
    assert "Сведения о расхождениях оценок не получены: служба проверки работ не ответила." in text


def test_the_workbook_keeps_numbers_as_numbers() -> None:
    body = documents.render("xlsx", DOCUMENT, report(), None)
    sheet = load_workbook(io.BytesIO(body)).active
    assert sheet is not None
    rows = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    assert [GYMNASIUM, 2, 12.25, 15, 1, 1, 100] in rows
    assert ["1", 10, 4, 5, 50, 25, 25] in rows
    # every score given, which the PDF leaves out
    assert ["Баллы по заданиям: каждый выставленный балл"] in rows
    assert ["1", 7.5, 1] in rows
