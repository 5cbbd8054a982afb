"""Which works a page of the manual queue most likely belongs to, from what coding stores.

Coding knows no rooms and no packets: what it knows of a page is its upload (a file from one scan
station, pages in the order they were fed) and, of every work of the subject, the answer sheets and
title pages already settled on it. A station scans a work's sheets one after another, so:

1. the works of the routed pages just before and after the page in its file come first — and one
   work on both sides, with a sheet number missing between them, is almost certainly it;
2. then works of the same file with a gap in their sheet numbers (for a title page: without a title
   page), then such works anywhere in the subject, while they are few enough to be a list;
3. last, when only a few remain, works of the subject that have no page at all.

Nothing here decides: the officer reads the page and chooses. Works of a decoded subject and grade
are left out: no page may join them any more.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

MAX_SUGGESTIONS: Final = 5
# works without any page are offered only while so few remain that the list still means something
FEW_EMPTY_WORKS: Final = 3


@dataclass(frozen=True)
class FilePage:
    """A page of the same upload, settled on a work."""

    position: int  # the page's number in its file
    work_code: str
    sheet: int | None
    title_page: bool


@dataclass(frozen=True)
class WorkPages:
    """What is settled on a work of the subject so far."""

    work_code: str
    sheets: frozenset[int] = frozenset()
    answer_pages: int = 0
    title_pages: int = 0

    def missing_sheets(self) -> tuple[int, ...]:
        """Sheet numbers below the highest one found that no page carries."""
        if not self.sheets:
            return ()
        return tuple(n for n in range(1, max(self.sheets)) if n not in self.sheets)


@dataclass(frozen=True)
class Suggestion:
    work_code: str
    reason: str  # Russian: why this work is offered


@dataclass
class _Ranked:
    found: dict[str, str] = field(default_factory=dict)

    def add(self, work_code: str, reason: str) -> None:
        self.found.setdefault(work_code, reason)


def _sheets(numbers: Iterable[int]) -> str:
    listed = sorted(numbers)
    return ("листа " if len(listed) == 1 else "листов ") + ", ".join(map(str, listed))


def suggest_works(
    *,
    position: int,
    title_page: bool,
    file_pages: Sequence[FilePage],
    works: Mapping[str, WorkPages],
) -> list[Suggestion]:
    """At most MAX_SUGGESTIONS works for a queued page at `position` of its file, best first.

    `file_pages` are the other pages of its upload settled on works; `works` are the works of the
    station's subject that may still take a page (coded, not withdrawn, not decoded).
    """
    ranked = _Ranked()
    candidates = [p for p in file_pages if p.work_code in works and p.position != position]
    before = max((p for p in candidates if p.position < position), key=_position, default=None)
    after = min((p for p in candidates if p.position > position), key=_position, default=None)
    if before is not None and after is not None and before.work_code == after.work_code:
        between: list[int] = []
        if before.sheet is not None and after.sheet is not None:
            missing = works[before.work_code].missing_sheets()
            between = [n for n in missing if before.sheet < n < after.sheet]
        detail = f", не хватает {_sheets(between)}" if between and not title_page else ""
        ranked.add(
            before.work_code,
            f"страницы {before.position} и {after.position} этого файла — той же работы{detail}",
        )
    # a title page is fed before its work's sheets, an answer sheet after the previous one
    neighbours = (after, before) if title_page else (before, after)
    for neighbour in neighbours:
        if neighbour is not None:
            ranked.add(
                neighbour.work_code,
                f"{'предыдущая' if neighbour is before else 'следующая'} распознанная страница "
                f"этого файла (стр. {neighbour.position})",
            )
    in_file = {p.work_code for p in candidates}
    lacking = _lacking(works.values(), title_page)
    for work_code, reason in lacking:
        if work_code in in_file:
            ranked.add(work_code, reason + " (её страницы есть в этом файле)")
    if len(lacking) <= MAX_SUGGESTIONS:
        for work_code, reason in lacking:
            ranked.add(work_code, reason)
    if not title_page:
        empty = sorted(w.work_code for w in works.values() if not w.answer_pages)
        if len(empty) <= FEW_EMPTY_WORKS:
            for work_code in empty:
                ranked.add(work_code, "у работы ещё нет ни одной страницы")
    return [Suggestion(code, reason) for code, reason in ranked.found.items()][:MAX_SUGGESTIONS]


def _position(page: FilePage) -> int:
    return page.position


def _lacking(works: Iterable[WorkPages], title_page: bool) -> list[tuple[str, str]]:
    """Works that have pages and still lack one of the kind in question, by code."""
    found = []
    for work in sorted(works, key=lambda w: w.work_code):
        if title_page:
            if work.answer_pages and not work.title_pages:
                found.append((work.work_code, "у работы нет титульного листа"))
        elif missing := work.missing_sheets():
            found.append((work.work_code, f"у работы нет {_sheets(missing)}"))
    return found
