"""The Russian production calendar (производственный календарь): which days are working days.

A year is known only when its data is loaded: the weekend and holiday transfers are set each year by
a Government decree, so a year cannot be guessed. Each year holds
- `days_off`: non-working holidays (Labour Code art. 112) and days off moved onto weekdays;
- `working_days`: Saturdays or Sundays made working by a transfer.
Regional holidays (e.g. declared by a republic) and next years' decrees are added through
`with_overrides`, from a dict or JSON in the service's settings.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from olymp_appeals.domain.errors import AppealRuleError

# Labour Code art. 112: New Year holidays (1–6 and 8 January), Christmas (7 January), 23 February,
# 8 March, 1 May, 9 May, 12 June, 4 November.
STATUTORY_HOLIDAYS = (
    *((1, day) for day in range(1, 9)),
    (2, 23),
    (3, 8),
    (5, 1),
    (5, 9),
    (6, 12),
    (11, 4),
)


@dataclass(frozen=True)
class YearCalendar:
    year: int
    days_off: frozenset[dt.date]
    working_days: frozenset[dt.date] = frozenset()
    source: str = ""

    def __post_init__(self) -> None:
        stray = sorted(d for d in self.days_off | self.working_days if d.year != self.year)
        if stray:
            raise ValueError(f"calendar {self.year} lists days of another year: {stray}")
        both = sorted(self.days_off & self.working_days)
        if both:
            raise ValueError(f"calendar {self.year} lists days both off and working: {both}")

    @classmethod
    def with_statutory_holidays(
        cls,
        year: int,
        days_off: Iterable[dt.date] = (),
        working_days: Iterable[dt.date] = (),
        source: str = "",
    ) -> YearCalendar:
        """A year from art. 112 holidays plus that year's transfers (as a decree lists them)."""
        holidays = {dt.date(year, month, day) for month, day in STATUTORY_HOLIDAYS}
        worked = frozenset(working_days)
        return cls(year, frozenset((holidays | set(days_off)) - worked), worked, source)


_OVERRIDE_KEYS = {"days_off", "working_days", "source"}

_D = dt.date
# Постановление Правительства РФ от 04.10.2024 № 1335 «О переносе выходных дней в 2025 году»:
# 4 января → 2 мая, 5 января → 31 декабря, 23 февраля → 8 мая, 8 марта → 13 июня,
# суббота 1 ноября (рабочая) → понедельник 3 ноября. 247 working days.
RUSSIA_2025 = YearCalendar.with_statutory_holidays(
    2025,
    days_off=[_D(2025, 5, 2), _D(2025, 5, 8), _D(2025, 6, 13), _D(2025, 11, 3), _D(2025, 12, 31)],
    working_days=[_D(2025, 11, 1)],
    source="Постановление Правительства РФ от 04.10.2024 № 1335",
)
# Постановление Правительства РФ от 24.09.2025 № 1466 «О переносе выходных дней в 2026 году»:
# 3 января → 9 января, 4 января → 31 декабря. By art. 112 itself (not the decree) 8 March (Sunday)
# moves to 9 March and 9 May (Saturday) to 11 May. 247 working days.
RUSSIA_2026 = YearCalendar.with_statutory_holidays(
    2026,
    days_off=[_D(2026, 1, 9), _D(2026, 3, 9), _D(2026, 5, 11), _D(2026, 12, 31)],
    source="Постановление Правительства РФ от 24.09.2025 № 1466; ст. 112 ТК РФ",
)


@dataclass(frozen=True)
class WorkingDayCalendar:
    years: Mapping[int, YearCalendar] = field(default_factory=dict)

    def year(self, year: int) -> YearCalendar:
        try:
            return self.years[year]
        except KeyError:
            raise AppealRuleError(
                f"Производственный календарь на {year} год не загружен, поэтому рабочие дни нельзя"
                " посчитать. Добавьте его в настройки: выходные и рабочие дни по постановлению"
                " Правительства РФ о переносе выходных дней."
            ) from None

    def is_working_day(self, day: dt.date) -> bool:
        year = self.year(day.year)
        if day in year.working_days:
            return True
        return day.weekday() < 5 and day not in year.days_off

    def add_working_days(self, day: dt.date, count: int) -> dt.date:
        """The `count`-th working day after `day` (`day` itself not counted); `day` for 0."""
        if count < 0:
            raise ValueError(f"count of working days must not be negative, not {count}")
        while count:
            day += dt.timedelta(days=1)
            count -= self.is_working_day(day)
        return day

    def with_year(self, year: YearCalendar) -> WorkingDayCalendar:
        return WorkingDayCalendar({**self.years, year.year: year})

    def with_overrides(
        self, overrides: Mapping[str, Mapping[str, Any]] | Mapping[int, Mapping[str, Any]]
    ) -> WorkingDayCalendar:
        """Extra days off and working days per year, e.g. {"2025": {"days_off": ["2025-11-05"]}}.

        A known year is amended; an unknown one is built from art. 112 holidays plus the lists,
        so for a new year list every transfer, including art. 112's own weekend transfers.
        """
        calendar = self
        for key, entry in overrides.items():
            year = int(key)
            unknown = sorted(set(entry) - _OVERRIDE_KEYS)
            if unknown:
                raise ValueError(f"calendar override {year}: unknown keys {unknown}")
            extra_off = {_parse_day(text) for text in entry.get("days_off", ())}
            extra_work = {_parse_day(text) for text in entry.get("working_days", ())}
            base = self.years.get(year)
            if base is None:
                amended = YearCalendar.with_statutory_holidays(
                    year, extra_off, extra_work, str(entry.get("source", ""))
                )
            else:
                amended = YearCalendar(
                    year,
                    frozenset((base.days_off - extra_work) | extra_off),
                    frozenset((base.working_days - extra_off) | extra_work),
                    str(entry.get("source", base.source)),
                )
            calendar = calendar.with_year(amended)
        return calendar

    def with_json_overrides(self, text: str) -> WorkingDayCalendar:
        return self.with_overrides(json.loads(text))


def russian_calendar() -> WorkingDayCalendar:
    """The federal production calendar for the years this release knows."""
    return WorkingDayCalendar({2025: RUSSIA_2025, 2026: RUSSIA_2026})


def _parse_day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"calendar override {text!r} is not a date like 2025-11-05") from exc
