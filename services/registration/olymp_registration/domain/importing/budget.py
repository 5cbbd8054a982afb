"""How long reading one application file may take.

Reading runs in a worker thread, which cannot be stopped from outside: the reader checks its budget
row by row and stops itself, so a file built to be slow is refused instead of holding a thread and
a CPU core for minutes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from olymp_registration.domain.errors import ImportTooSlow

T = TypeVar("T")


class ParseBudget:
    """`seconds` from the first `check`, measured by `now` (a monotonic clock, injected)."""

    def __init__(self, seconds: float, now: Callable[[], float]) -> None:
        self.seconds = seconds
        self._now = now
        self._deadline: float | None = None

    def check(self) -> None:
        now = self._now()
        if self._deadline is None:
            self._deadline = now + self.seconds
        if now >= self._deadline:
            raise ImportTooSlow(
                f"Файл не прочитан за отведённые {self.seconds:g} с, ни один участник не "
                "сохранён. Так бывает с очень большими или повреждёнными таблицами: сохраните "
                "заявку заново только с листом участников или разделите её на несколько файлов "
                "(например, по предметам) и загрузите их по очереди."
            )

    def each(self, items: Iterable[T]) -> Iterator[T]:
        """`items`, checking the budget before each."""
        for item in items:
            self.check()
            yield item


UNLIMITED = ParseBudget(float("inf"), lambda: 0.0)
"""For callers that read trusted files (tests, the synthetic generator)."""
