"""One room (§30, §40): no two neighbours from one school whenever the room allows it.

A school fits a room of n desks apart exactly when it has at most ⌈n/2⌉ participants (every
other desk, as a chessboard): every split of every room up to 12 desks is tried here, and
larger rooms are drawn by hypothesis.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from olymp_registration.seating.domain import EMPTY, arrange


def splits(total: int, largest: int | None = None) -> Iterator[tuple[int, ...]]:
    """Every way to split `total` participants into schools, the largest school first."""
    if total == 0:
        yield ()
        return
    for first in range(min(total, largest or total), 0, -1):
        for rest in splits(total - first, first):
            yield (first, *rest)


def same_school_neighbours(layout: Sequence[int], rows: int) -> int:
    found = 0
    for cell, school in enumerate(layout):
        if school == EMPTY:
            continue
        if cell % rows < rows - 1 and layout[cell + 1] == school:
            found += 1
        if cell + rows < len(layout) and layout[cell + rows] == school:
            found += 1
    return found


def seated(layout: Sequence[int]) -> list[int]:
    return sorted(school for school in layout if school != EMPTY)


def wanted(counts: Sequence[int]) -> list[int]:
    return sorted(school for school, count in enumerate(counts) for _ in range(count))


def test_p30_every_room_up_to_12_desks_seats_schools_of_at_most_half_apart() -> None:
    tried = 0
    for rows in range(1, 7):
        for desks in range(1, 13 // rows + 1):
            size = rows * desks
            for total in range(size + 1):
                for counts in splits(total):
                    layout = arrange(rows, desks, counts)
                    if counts and counts[0] > (size + 1) // 2:
                        assert layout is None, (rows, desks, counts)
                        continue
                    assert layout is not None, (rows, desks, counts)
                    assert same_school_neighbours(layout, rows) == 0, (rows, desks, counts)
                    assert seated(layout) == wanted(counts)
                    tried += 1
    assert tried > 2000


@st.composite
def crowded_rooms(draw: st.DrawFn) -> tuple[int, int, list[int]]:
    """A room and schools, the first often at the limit of ⌈desks/2⌉."""
    rows, desks = draw(st.integers(1, 9)), draw(st.integers(1, 9))
    size = rows * desks
    first = draw(st.sampled_from([(size + 1) // 2, size // 2 or 1, draw(st.integers(1, size))]))
    counts = [first]
    while sum(counts) < size and draw(st.booleans()):
        counts.append(draw(st.integers(1, min(counts[0], size - sum(counts)))))
    return rows, desks, counts


@settings(max_examples=300, deadline=None)
@given(crowded_rooms())
def test_p30_no_neighbours_from_one_school_in_rooms_up_to_81_desks(
    room: tuple[int, int, list[int]],
) -> None:
    rows, desks, counts = room
    layout = arrange(rows, desks, counts)
    if max(counts) > (rows * desks + 1) // 2:
        assert layout is None
        return
    assert layout is not None
    assert same_school_neighbours(layout, rows) == 0
    assert seated(layout) == wanted(counts)


def test_p40_a_half_empty_room_is_seated_every_other_desk() -> None:
    # 13 participants of 13 schools in 5 rows of 5 desks: nobody beside anybody
    layout = arrange(5, 5, [1] * 13)
    assert layout is not None
    taken = [cell for cell, school in enumerate(layout) if school != EMPTY]
    assert len(taken) == 13
    for cell in taken:
        beside = [cell + 1] if cell % 5 < 4 else []
        behind = [cell + 5] if cell + 5 < 25 else []
        assert all(layout[other] == EMPTY for other in beside + behind)


def test_p30_desks_already_taken_stay_and_the_rest_fit_around_them() -> None:
    # one row of three desks: school 0 sits at the middle desk; a second 0 cannot sit beside it
    assert arrange(1, 3, [1, 1], pinned={1: 0}) is None
    layout = arrange(1, 3, [0, 2], pinned={1: 0})
    assert layout == [1, 0, 1]


def test_p30_the_same_room_gives_the_same_arrangement() -> None:
    counts = [6, 5, 4, 3, 2, 1, 1]
    assert arrange(4, 6, counts) == arrange(4, 6, list(counts))
