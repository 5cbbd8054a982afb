"""The monitoring report of one olympiad, put together: the published tables it covers, the
municipality, its schools and venues, the markers, the room video, and what the system does not
hold at all — named, with where it would come from, instead of a figure.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Final

from olymp_publishing.analytics.domain import CheckedTask, percent
from olymp_publishing.domain.model import points_text
from olymp_publishing.domain.publication import subject_name
from olymp_publishing.monitoring.domain.groups import (
    FlagRule,
    GroupFigures,
    MonitoredWork,
    grouped,
)
from olymp_publishing.monitoring.domain.markers import (
    MarkerFigures,
    MarkingTotals,
    TableMarks,
    marker_figures,
    marking_totals,
    ranked_tasks,
)
from olymp_publishing.monitoring.domain.observers import (
    PlaceObservation,
    RoundHeld,
    ScheduledObservation,
    ViolationReport,
    place_observation,
)
from olymp_publishing.monitoring.domain.video import VenueVideo, VideoReport, venue_video


@dataclass(frozen=True)
class PublishedTable:
    """The latest published version of one subject and grade, with its works and marks."""

    subject_code: str
    grade: int
    version: int
    stage: str  # "preliminary" or "final"
    published_at: dt.datetime
    max_total: Decimal
    works: tuple[MonitoredWork, ...]
    marks: tuple[CheckedTask, ...] | None  # the checking protocol's tasks; None: not had
    marks_missing: str | None = None  # why not (Russian)

    @property
    def ranked(self) -> int:
        return sum(1 for work in self.works if work.annulment is None)

    @property
    def annulled(self) -> int:
        return len(self.works) - self.ranked


@dataclass(frozen=True)
class MissingData:
    """What the monitoring would report but the system does not hold, and where it would come
    from."""

    what: str
    source: str


NO_DATA: Final = "нет данных в системе"

# Named in every report: the seeds ask for them (§48, §112), and no service the monitoring reads
# holds them today.
NOT_IN_SYSTEM: Final = (
    MissingData(
        "Передача доставочных пакетов с бланками ответов позднее 1 часа после окончания"
        " олимпиады (п. 48)",
        "Время приёма пакета в системе не записывается: сопроводительный бланк, который"
        " печатает служба кодирования, подписывается на бумаге. Источник — отметка о приёме"
        " пакета в службе кодирования.",
    ),
    MissingData(
        "Апелляции, отклонённые с сохранением баллов, по экспертам; изменения по апелляции"
        " отдельно от исправлений технических ошибок (п. 112, 116, 120)",
        "Решения апелляционной комиссии хранит служба апелляций; списка апелляций с решениями"
        " она координаторам не выдаёт (протокол апелляции — только по каждой апелляции"
        " отдельно), а протокол проверки (Приложение № 10) отмечает изменение после апелляции"
        " и после исправления одинаково. Источник — решения комиссии по шифрам работ и"
        " заданиям.",
    ),
)


@dataclass(frozen=True)
class ObjectivityReport:
    tables: tuple[PublishedTable, ...]
    rule: FlagRule
    municipality: GroupFigures
    schools: tuple[GroupFigures, ...]
    venues: tuple[GroupFigures, ...] | None  # None: registration did not say who wrote where
    venues_missing: str | None
    markers: tuple[MarkerFigures, ...]
    marking: MarkingTotals
    markers_missing: tuple[str, ...]  # a line per table without its checking protocol
    video: tuple[VenueVideo, ...] | None  # None: no coverage report was had
    video_missing: tuple[str, ...]
    observation: tuple[PlaceObservation, ...] = ()
    observation_missing: tuple[str, ...] = ()  # what of registration's observation was not had
    not_in_system: tuple[MissingData, ...] = NOT_IN_SYSTEM

    @property
    def flagged_schools(self) -> tuple[GroupFigures, ...]:
        return tuple(group for group in self.schools if group.flags)

    @property
    def flagged_venues(self) -> tuple[GroupFigures, ...]:
        return tuple(group for group in self.venues or () if group.flags)

    @property
    def flagged_markers(self) -> tuple[MarkerFigures, ...]:
        return tuple(marker for marker in self.markers if marker.flags)


def monitor(
    olympiad_id: uuid.UUID,
    tables: Sequence[PublishedTable],
    *,
    venues_missing: str | None,
    video: Sequence[VideoReport] | None,
    video_missing: Sequence[str] = (),
    round_days: Mapping[str, Sequence[dt.date]] | None = None,
    schedule: Sequence[ScheduledObservation] | None = None,
    violation_reports: Sequence[ViolationReport] | None = None,
    observation_missing: Sequence[str] = (),
    rule: FlagRule = FlagRule(),
) -> ObjectivityReport:
    """The report's figures; `venues_missing`: why the works have no venues (None when they
    have them); `video`: registration's coverage reports, None when none was had; `round_days`:
    each subject's round days, `schedule` the public schedule of observation, `violation_reports`
    the observers' reports — each None when registration did not give it."""
    works = [work for table in tables for work in table.works]
    whole, schools, venues = grouped(works, rule)
    marks = [
        TableMarks(
            table.subject_code,
            table.grade,
            ranked_tasks(table.marks, {w.work_code for w in table.works if w.annulment is None}),
        )
        for table in tables
        if table.marks is not None
    ]
    totals = marking_totals(marks)
    markers = tuple(
        replace(marker, flags=_marker_reasons(marker, totals, rule))
        for marker in marker_figures(olympiad_id, marks)
    )
    return ObjectivityReport(
        tables=tuple(tables),
        rule=rule,
        municipality=whole,
        schools=schools,
        venues=None if venues_missing is not None else venues,
        venues_missing=venues_missing,
        markers=markers,
        marking=totals,
        markers_missing=tuple(
            f"{table_name(table)}: {table.marks_missing or 'нет данных'}"
            for table in tables
            if table.marks is None
        ),
        video=None if video is None else venue_video(video),
        video_missing=tuple(video_missing),
        observation=place_observation(
            _rounds_held(tables, round_days, venues_missing), schedule, violation_reports
        ),
        observation_missing=tuple(observation_missing),
    )


def _rounds_held(
    tables: Sequence[PublishedTable],
    round_days: Mapping[str, Sequence[dt.date]] | None,
    venues_missing: str | None,
) -> list[RoundHeld] | None:
    """Each subject's round days at each venue where its works were written; None when the days
    or the venues are not known."""
    if round_days is None or venues_missing is not None:
        return None
    held = {
        RoundHeld(work.venue, table.subject_code, day)
        for table in tables
        for work in table.works
        if work.venue is not None
        for day in round_days.get(table.subject_code, ())
    }
    return sorted(held, key=lambda r: (r.venue, r.day, r.subject_code))


def _marker_reasons(
    marker: MarkerFigures, totals: MarkingTotals, rule: FlagRule
) -> tuple[str, ...]:
    if not rule.departs(marker.third_called, marker.paired, totals.third_called, totals.paired):
        return ()
    mine = percent(marker.third_called, marker.paired)
    all_of = percent(totals.third_called, totals.paired)
    return (
        f"доля заданий, переданных третьему эксперту, {_text(mine)} % ({marker.third_called} из"
        f" {marker.paired}) при {_text(all_of)} % по всем заданиям",
    )


def table_name(table: PublishedTable) -> str:
    """«Математика, 9 класс»."""
    return f"{subject_name(table.subject_code).capitalize()}, {table.grade} класс"


def _text(value: Decimal | None) -> str:
    return "—" if value is None else points_text(value)
