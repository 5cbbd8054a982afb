"""One room: which school sits at which desk, so that no two neighbours share a school (§30).

The room is a grid of desks filled from the board backwards, each line from the left. A room of
n desks can take up to ⌈n/2⌉ participants of one school with no two of them neighbours (every
other desk, as the black squares of a chessboard), and whenever each school keeps within that
limit an arrangement exists (the tests try every room up to 12 desks with every split of its
participants, and hypothesis draws rooms up to 81 desks). The search below finds one:
at each desk it tries the school with the most participants still to seat, which lays a large
school out as a chessboard, and it backs up when a school can no longer fit in the desks left.
While at least half of the desks left will stay empty, an empty desk comes first wherever it
is not beside another, so a half-empty room is seated every other desk. The same input gives the
same arrangement.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

EMPTY: Final = -1
"""No one at this desk."""

# Enough for any room that can be seated: the search rarely backs up more than a few steps.
DEFAULT_BUDGET: Final = 200_000


class _Room:
    """The search state of one room: desks `cell = number_index * rows + row_index`."""

    def __init__(
        self,
        rows: int,
        desks_per_row: int,
        counts: Sequence[int],
        pinned: Mapping[int, int],
        preferred: Mapping[int, int],
    ) -> None:
        self.rows = rows
        self.cells = rows * desks_per_row
        self.grid: list[int | None] = [None] * self.cells
        for cell, school in pinned.items():
            self.grid[cell] = school
        self.free = [cell for cell in range(self.cells) if cell not in pinned]
        self.left = list(counts)
        self.empty = len(self.free) - sum(counts)
        self.preferred = preferred

    def neighbours(self, cell: int) -> list[int]:
        row, line = cell % self.rows, cell // self.rows
        found = []
        if row > 0:
            found.append(cell - 1)
        if row < self.rows - 1:
            found.append(cell + 1)
        if line > 0:
            found.append(cell - self.rows)
        if cell + self.rows < self.cells:
            found.append(cell + self.rows)
        return found

    def candidates(self, cell: int) -> list[int]:
        """Schools that may sit at `cell`, the one to try first last (for pop())."""
        around = {self.grid[n] for n in self.neighbours(cell)}
        options = [s for s, left in enumerate(self.left) if left and s not in around]
        if self.empty:
            options.append(EMPTY)
        preferred = self.preferred.get(cell)
        # An empty desk goes first while there are at least as many empty desks as people left
        # (so the people take every other desk), never beside another empty desk, and after
        # every school otherwise; schools go by how many of them are left, the most first.
        spread = EMPTY not in around and self.empty >= sum(self.left)

        def priority(school: int) -> tuple[bool, int, int, int]:
            if school == EMPTY:
                return (school != preferred, 0 if spread else 2, -self.empty, school)
            return (school != preferred, 1, -self.left[school], school)

        options.sort(key=priority, reverse=True)
        return options

    def assign(self, cell: int, school: int) -> None:
        self.grid[cell] = school
        if school == EMPTY:
            self.empty -= 1
        else:
            self.left[school] -= 1

    def clear(self, cell: int) -> None:
        school = self.grid[cell]
        self.grid[cell] = None
        if school == EMPTY:
            self.empty += 1
        elif school is not None:
            self.left[school] += 1

    def can_finish(self, next_level: int) -> bool:
        """False when some school has more participants left than the free desks not beside
        one of its own can hold (each run of k such desks in a line holds at most ⌈k/2⌉)."""
        if next_level >= len(self.free):
            return True
        remaining = len(self.free) - next_level
        first_line = self.free[next_level] // self.rows
        for school, left in enumerate(self.left):
            # a school well below half of what is left cannot be squeezed out: skip the count
            if not left or 2 * left + self.rows < remaining:
                continue
            if left > self._room_for(school, first_line):
                return False
        return True

    def _room_for(self, school: int, first_line: int) -> int:
        room = 0
        for line_start in range(first_line * self.rows, self.cells, self.rows):
            run = 0
            for cell in range(line_start, line_start + self.rows):
                open_for_school = self.grid[cell] is None and all(
                    self.grid[n] != school for n in self.neighbours(cell)
                )
                if open_for_school:
                    run += 1
                else:
                    room += (run + 1) // 2
                    run = 0
            room += (run + 1) // 2
        return room


def arrange(
    rows: int,
    desks_per_row: int,
    counts: Sequence[int],
    *,
    pinned: Mapping[int, int] | None = None,
    preferred: Mapping[int, int] | None = None,
    budget: int = DEFAULT_BUDGET,
) -> list[int] | None:
    """A school index (or EMPTY) for every desk `number_index * rows + row_index`, with no two
    neighbours of one school; None when there is none (or none found within `budget` steps).

    `counts[s]`: participants of school s to seat on the free desks; `pinned`: desks already
    taken (desk → school), which stay; `preferred`: the school to try first at a desk (a reseat
    keeps people where they were when it can).
    """
    state = _Room(rows, desks_per_row, counts, pinned or {}, preferred or {})
    if state.empty < 0:
        return None
    free = state.free
    options: list[list[int]] = []
    level = 0
    steps = 0
    while level < len(free):
        cell = free[level]
        if level == len(options):
            options.append(state.candidates(cell))
        else:
            state.clear(cell)  # back from a dead end below: try this desk's next school
        tried = options[level]
        while tried:
            state.assign(cell, tried.pop())
            steps += 1
            if steps > budget:
                return None
            if state.can_finish(level + 1):
                break
            state.clear(cell)
        else:
            options.pop()
            level -= 1
            if level < 0:
                return None
            continue
        level += 1
    return [EMPTY if school is None else school for school in state.grid]
