"""Which works a queued page is offered to: its neighbours in the upload first, then works that lack
a sheet (or a title page), works without any page only while few remain."""

from __future__ import annotations

from olymp_coding.scans.domain import (
    MAX_SUGGESTIONS,
    FilePage,
    WorkPages,
    orientation_of,
    suggest_works,
    upright_rotation,
)


def works(*items: WorkPages) -> dict[str, WorkPages]:
    return {w.work_code: w for w in items}


def test_a_page_between_two_sheets_of_one_work_is_offered_that_work_first_with_the_gap() -> None:
    found = suggest_works(
        position=5,
        title_page=False,
        file_pages=[FilePage(4, "A", 2, False), FilePage(6, "A", 4, False)],
        works=works(WorkPages("A", frozenset({1, 2, 4}), 3, 1), WorkPages("B", frozenset({1}), 1)),
    )

    assert found[0].work_code == "A"
    assert "страницы 4 и 6 этого файла" in found[0].reason
    assert "не хватает листа 3" in found[0].reason
    assert len({s.work_code for s in found}) == len(found)  # each work once


def test_the_works_before_and_after_are_offered_in_feeding_order() -> None:
    pages = [FilePage(1, "A", 1, False), FilePage(2, "A", 2, False), FilePage(4, "B", 1, False)]
    open_works = works(WorkPages("A", frozenset({1, 2}), 2), WorkPages("B", frozenset({1}), 1))

    answer = suggest_works(position=3, title_page=False, file_pages=pages, works=open_works)
    # a title page comes before its work's sheets: the next page's work is the likelier
    title = suggest_works(position=3, title_page=True, file_pages=pages, works=open_works)

    assert [s.work_code for s in answer] == ["A", "B"]
    assert "предыдущая распознанная страница этого файла (стр. 2)" in answer[0].reason
    assert "следующая" in answer[1].reason
    assert [s.work_code for s in title] == ["B", "A"]


def test_works_missing_a_sheet_are_offered_and_those_of_the_same_file_first() -> None:
    found = suggest_works(
        position=1,
        title_page=False,
        file_pages=[FilePage(9, "Z", 1, False)],
        works=works(
            WorkPages("C", frozenset({1, 3}), 2),
            WorkPages("Z", frozenset({1, 2, 5}), 3),
            WorkPages("D", frozenset({1}), 1),
        ),
    )

    # Z: the next page of the file, and it lacks sheets 3 and 4; D is complete (and not empty)
    assert [s.work_code for s in found] == ["Z", "C"]
    assert next(s for s in found if s.work_code == "C").reason == "у работы нет листа 2"


def test_a_title_page_is_offered_works_that_have_sheets_but_no_title_page() -> None:
    found = suggest_works(
        position=1,
        title_page=True,
        file_pages=[],
        works=works(
            WorkPages("E", frozenset({1}), 1, title_pages=0),
            WorkPages("F", frozenset({1}), 1, title_pages=1),
        ),
    )

    assert [(s.work_code, s.reason) for s in found] == [("E", "у работы нет титульного листа")]


def test_works_without_pages_are_offered_only_while_few_remain() -> None:
    few = works(WorkPages("G"), WorkPages("H"), WorkPages("K", frozenset({1}), 1))
    many = works(*(WorkPages(f"W{n}") for n in range(10)))

    assert [
        s.work_code for s in suggest_works(position=1, title_page=False, file_pages=[], works=few)
    ] == ["G", "H"]
    assert suggest_works(position=1, title_page=False, file_pages=[], works=many) == []


def test_neighbours_of_works_that_may_take_no_page_are_not_offered() -> None:
    # the work of page 2 is decoded or withdrawn: it is not among the open works
    found = suggest_works(
        position=3,
        title_page=False,
        file_pages=[FilePage(2, "DECODED", 1, False), FilePage(4, "A", 1, False)],
        works=works(WorkPages("A", frozenset({1}), 1)),
    )

    assert [s.work_code for s in found] == ["A"]


def test_at_most_five_are_offered() -> None:
    gaps = works(*(WorkPages(f"V{n}", frozenset({1, 3}), 2) for n in range(4)))
    pages = [FilePage(n, f"V{n % 4}", 1, False) for n in range(2, 12)]

    found = suggest_works(position=1, title_page=False, file_pages=pages, works=gaps)

    assert 0 < len(found) <= MAX_SUGGESTIONS


def test_rotation_the_officer_stood_the_page_up_with_is_stored_as_its_turn_and_back() -> None:
    for rotation in (0, 90, 180, 270):
        assert upright_rotation(orientation_of(rotation)) == rotation
    # a scan turned 90° clockwise (as read from its label) is stood up by turning it 270°
    assert upright_rotation(90) == 270
