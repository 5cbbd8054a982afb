"""§122–123 and §53/§119: order, places and annulled works in the rating table."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from olymp_publishing.domain import QuotaPolicy, ResultRow, Status, build_table, build_tables

POLICY = QuotaPolicy(prize_quota_share=Decimal("0.45"))


def row(
    participant_id: str,
    surname: str,
    total: str,
    *,
    name: str = "Анна",
    patronymic: str = "",
    grade: int = 9,
    task_grade: int | None = None,
    max_total: str = "100",
    annulled: bool = False,
) -> ResultRow:
    return ResultRow(
        participant_id=participant_id,
        surname=surname,
        name=name,
        patronymic=patronymic,
        grade=grade,
        school="МКОУ «Усть-Ишимская СОШ»",
        total=Decimal(total),
        max_total=Decimal(max_total),
        consent_to_publish=True,
        annulled=annulled,
        annulment_reason="акт об удалении" if annulled else "",
        task_grade=task_grade,
    )


def surnames(rows: list[ResultRow]) -> list[str]:
    table = build_table(rows, POLICY)
    return [ranked.row.surname for ranked in table.rows]


def test_p122_rows_in_descending_order_of_total() -> None:
    rows = [row("a", "Борисов", "12.5"), row("b", "Антонов", "40"), row("c", "Волков", "37.5")]
    assert surnames(rows) == ["Антонов", "Волков", "Борисов"]


def test_p123_equal_totals_in_alphabetical_order() -> None:
    rows = [
        row("a", "Жуков", "30"),
        row("b", "Ёлкина", "30"),
        row("c", "Егорова", "30"),
        row("d", "Яковлев", "50"),
    ]
    assert surnames(rows) == ["Яковлев", "Егорова", "Ёлкина", "Жуков"]


def test_p123_names_equal_up_to_yo_put_ye_first_whatever_the_ids() -> None:
    for first_id, second_id in (("p-1", "p-2"), ("p-2", "p-1")):
        rows = [row(first_id, "Ёлкина", "30"), row(second_id, "Елкина", "30")]
        assert surnames(rows) == ["Елкина", "Ёлкина"]


def test_p123_namesakes_are_ordered_by_school_then_grade_not_by_id() -> None:
    def namesake(participant_id: str, school: str, grade: int) -> ResultRow:
        return dataclasses.replace(
            row(participant_id, "Иванова", "30", grade=grade, task_grade=10), school=school
        )

    rows = [
        namesake("a", "МБОУ «СОШ № 2»", 10),
        namesake("b", "МБОУ «Лицей № 1»", 10),
        namesake("c", "МБОУ «Лицей № 1»", 9),
    ]
    for shuffled in (rows, rows[::-1]):
        table = build_table(shuffled, POLICY)
        assert [ranked.row.participant_id for ranked in table.rows] == ["c", "b", "a"]


def test_p123_equal_totals_share_a_place_printed_as_a_range() -> None:
    rows = [
        row("a", "Антонов", "50"),
        row("b", "Борисов", "40"),
        row("c", "Волков", "40"),
        row("d", "Галкин", "30"),
    ]
    table = build_table(rows, POLICY)
    assert [r.place for r in table.rows] == ["1", "2\u20133", "2\u20133", "4"]
    assert [(r.position, r.place_from, r.place_to) for r in table.rows] == [
        (1, 1, 1),
        (2, 2, 3),
        (3, 2, 3),
        (4, 4, 4),
    ]


def test_p122_a_table_holds_one_parallel_only() -> None:
    with pytest.raises(ValueError, match="one table per parallel"):
        build_table(
            [row("a", "Антонов", "50", grade=9), row("b", "Борисов", "40", grade=10)], POLICY
        )


def test_p11_participant_writing_higher_grade_tasks_is_ranked_in_that_parallel() -> None:
    rows = [
        row("a", "Антонов", "50", grade=9),
        row("b", "Борисов", "40", grade=8, task_grade=9),
        row("c", "Волков", "45", grade=10),
    ]
    tables = build_tables(rows, POLICY)
    assert sorted(tables) == [9, 10]
    assert [r.row.participant_id for r in tables[9].rows] == ["a", "b"]
    assert tables[9].rows[1].row.grade == 8


def test_p11_tasks_below_own_grade_are_refused() -> None:
    with pytest.raises(ValueError, match="§11"):
        row("a", "Антонов", "50", grade=9, task_grade=8)


def test_p53_annulled_work_takes_no_place_no_status_and_no_quota() -> None:
    rows = [
        row("a", "Антонов", "90", annulled=True),
        row("b", "Борисов", "80"),
        row("c", "Волков", "70"),
    ]
    table = build_table(rows, POLICY)
    assert [r.row.participant_id for r in table.rows] == ["b", "c"]
    assert table.rows[0].place == "1"
    assert [r.participant_id for r in table.annulled] == ["a"]
    # 45 % of the two ranked participants, not of three.
    assert table.quota_places == 0
    assert [r.status for r in table.rows] == [Status.PARTICIPANT, Status.PARTICIPANT]


def test_p119_annulled_result_must_carry_its_reason() -> None:
    with pytest.raises(ValueError, match="reason"):
        ResultRow("a", "Антонов", "А", "", 9, "школа", Decimal(5), Decimal(10), True, annulled=True)


def test_p122_rows_of_one_table_share_the_maximum_total() -> None:
    with pytest.raises(ValueError, match="maximum total"):
        build_table([row("a", "Антонов", "50"), row("b", "Борисов", "40", max_total="80")], POLICY)


def test_p122_participant_appears_once() -> None:
    with pytest.raises(ValueError, match="twice"):
        build_table([row("a", "Антонов", "50"), row("a", "Антонов", "40")], POLICY)


def test_p122_total_must_lie_within_the_maximum() -> None:
    with pytest.raises(ValueError, match="outside"):
        row("a", "Антонов", "101")
    with pytest.raises(ValueError, match="outside"):
        row("a", "Антонов", "-1")


def test_p122_all_annulled_gives_an_empty_table_with_the_annulled_list() -> None:
    table = build_table([row("a", "Антонов", "50", annulled=True)], POLICY)
    assert table.rows == ()
    assert len(table.annulled) == 1
