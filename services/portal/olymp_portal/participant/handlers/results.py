"""The participant's page: their works, points per task, the analysis and show, their appeal.

Read with the participant's own token from appeals (points, schedule, appeal and decision) and
coding (the answer pages); the services decide what is theirs. Every time is shown in the
olympiad's zone, as the organiser set it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from olymp_portal.clients import Caller, Refused
from olymp_portal.marking.handlers import ScanPage, portal_scan_url
from olymp_portal.materials.handlers import ReleasedCriteria, released_criteria
from olymp_portal.pages import subject_name

# §112, §110: the decisions as the participant reads them
OUTCOMES = {
    "reject": "апелляция отклонена, баллы сохранены",
    "raise": "апелляция удовлетворена с повышением количества баллов",
    "lower": "апелляция удовлетворена с понижением количества баллов",
    "not_reviewed": "апелляция не рассматривалась: неявка без уважительной причины (п. 110)",
}


@dataclass(frozen=True)
class TaskRow:
    number: int
    points: Decimal
    max_points: Decimal
    new_points: Decimal | None  # after the commission's decision, where it changed them


@dataclass(frozen=True)
class Sitting:
    """The analysis of tasks or the show of works: when and where."""

    starts: str
    ends: str
    place: str
    online_url: str


@dataclass(frozen=True)
class OwnAppeal:
    tasks: tuple[int, ...]
    statement: str
    review_without_participant: bool
    filed: str
    status: str
    decision: str | None  # the outcome in words, once decided


@dataclass(frozen=True)
class SubjectScreen:
    code: str
    name: str
    grade: int
    tasks: tuple[TaskRow, ...]
    total: Decimal
    max_total: Decimal
    annulled: bool
    analysis: Sitting | None
    show: Sitting | None
    opens: str | None
    deadline: str | None
    appeal: OwnAppeal | None
    filing_open: bool  # the form is shown: the service still judges the filing itself
    filing_note: str  # why not, or until when
    pages: tuple[ScanPage, ...]
    standing: str | None = None  # the place in the latest published table, in words
    criteria: ReleasedCriteria | None = None  # §91: the criteria the work was checked by


@dataclass(frozen=True)
class ParticipantScreen:
    olympiad_title: str
    time_zone: str
    subjects: tuple[SubjectScreen, ...]


def _moment(text: str | None, zone: ZoneInfo) -> str | None:
    if text is None:
        return None
    return f"{dt.datetime.fromisoformat(text).astimezone(zone):%d.%m.%Y в %H:%M}"


def _sitting(found: Mapping[str, Any] | None, zone: ZoneInfo) -> Sitting | None:
    if not found:
        return None
    return Sitting(
        _moment(found["starts_at"], zone) or "",
        f"{dt.datetime.fromisoformat(found['ends_at']).astimezone(zone):%H:%M}",
        found["place"],
        found["online_url"],
    )


def _standing(place: Mapping[str, Any]) -> str:
    """«Место 2 из 14, призёр (предварительные результаты, версия 1)»."""
    where = (
        f"Место {place['place']} из {place['ranked']}, {place['status']}"
        if place["place"]
        else f"Без места: {place['status']}"
    )
    return f"{where} ({place['stage_label']} результаты, версия {place['version']})"


def _filing(work: Mapping[str, Any], now: dt.datetime, zone: ZoneInfo) -> tuple[bool, str]:
    schedule = work.get("schedule")
    if work["appeal"] is not None:
        return False, "Апелляция по этому предмету подана; повторная подача не предусмотрена."
    if work["annulled"]:
        return False, "Работа аннулирована: апелляция о несогласии с баллами не подаётся."
    if schedule is None:
        return False, "Сроки анализа заданий, показа работ и подачи апелляций ещё не объявлены."
    opens = schedule.get("opens_at")
    deadline = dt.datetime.fromisoformat(schedule["deadline"])
    if opens and now < dt.datetime.fromisoformat(opens):
        return False, f"Апелляция подаётся после показа работ: с {_moment(opens, zone)}."
    if now > deadline:
        return False, f"Срок подачи апелляции истёк {_moment(schedule['deadline'], zone)} (п. 96)."
    return True, f"Заявление принимается до {_moment(schedule['deadline'], zone)} (п. 96)."


def _screen(
    work: Mapping[str, Any], pages: tuple[ScanPage, ...], now: dt.datetime, zone: ZoneInfo
) -> SubjectScreen:
    appeal = work["appeal"]
    changed = {int(n): Decimal(p) for n, p in ((appeal or {}).get("new_task_scores") or {}).items()}
    tasks = tuple(
        TaskRow(int(n), Decimal(points), Decimal(work["task_max"].get(n, "0")), changed.get(int(n)))
        for n, points in sorted(work["task_scores"].items(), key=lambda item: int(item[0]))
    )
    schedule = work.get("schedule") or {}
    filing_open, filing_note = _filing(work, now, zone)
    return SubjectScreen(
        code=work["subject_code"],
        name=subject_name(work["subject_code"]),
        grade=int(work["grade"]),
        tasks=tasks,
        total=Decimal(work["total"]),
        max_total=sum((task.max_points for task in tasks), Decimal(0)),
        annulled=bool(work["annulled"]),
        analysis=_sitting(schedule.get("analysis"), zone),
        show=_sitting(schedule.get("show"), zone),
        opens=_moment(schedule.get("opens_at"), zone),
        deadline=_moment(schedule.get("deadline"), zone),
        appeal=None
        if appeal is None
        else OwnAppeal(
            tuple(appeal["tasks"]),
            appeal["statement"],
            bool(appeal["review_without_participant"]),
            _moment(appeal["filed_at"], zone) or "",
            appeal["status"],
            OUTCOMES.get(appeal["outcome"] or "") if appeal["decided_at"] else None,
        ),
        filing_open=filing_open,
        filing_note=filing_note,
        pages=pages,
    )


async def own_subjects(
    caller: Caller, olympiad_id: uuid.UUID, participant_id: uuid.UUID
) -> frozenset[str]:
    """The subjects of the participant's own works: theirs are the only criteria they get (§91)."""
    path = f"/olympiads/{olympiad_id}/participants/{participant_id}/works"
    points = await caller.get_json("appeals", path)
    return frozenset(work["subject_code"] for work in points["works"])


async def participant_screen(
    caller: Caller, olympiad_id: uuid.UUID, participant_id: uuid.UUID, now: dt.datetime
) -> ParticipantScreen:
    path = f"/olympiads/{olympiad_id}/participants/{participant_id}/works"
    points, scans, places = await asyncio.gather(
        caller.get_json("appeals", path),
        caller.get_json("coding", path),
        caller.get_json(
            "publishing", f"/olympiads/{olympiad_id}/participants/{participant_id}/places"
        ),
    )
    standing = {(p["subject_code"], int(p["grade"])): _standing(p) for p in places["places"]}
    codes = sorted({work["subject_code"] for work in points["works"]})
    criteria = dict(
        zip(
            codes,
            await asyncio.gather(*(released_criteria(caller, olympiad_id, c) for c in codes)),
            strict=True,
        )
    )
    zone = ZoneInfo(points["time_zone"])
    pages_by_subject = {
        work["subject_code"]: tuple(
            ScanPage(
                str(page["page_id"]),
                page.get("sheet"),
                portal_scan_url(olympiad_id, page["url"]),
                int(page.get("rotation", 0)),
            )
            for page in work["pages"]
        )
        for work in scans["works"]
    }
    return ParticipantScreen(
        points["olympiad_title"],
        points["time_zone"],
        tuple(
            replace(
                _screen(work, pages_by_subject.get(work["subject_code"], ()), now, zone),
                standing=standing.get((work["subject_code"], int(work["grade"]))),
                criteria=criteria[work["subject_code"]],
            )
            for work in points["works"]
        ),
    )


@dataclass(frozen=True)
class FilingRefused:
    status: int
    detail: str  # appeals' own words: the deadline, the tasks, the show


async def file_appeal(
    caller: Caller,
    olympiad_id: uuid.UUID,
    participant_id: uuid.UUID,
    subject_code: str,
    tasks: list[int],
    statement: str,
    review_without_participant: bool,
) -> FilingRefused | None:
    """File the participant's appeal; a refusal of appeals comes back for the page to show."""
    if not statement.strip():
        return FilingRefused(
            422, "Напишите, с чем вы не согласны: без текста заявление не подаётся."
        )
    try:
        await caller.call(
            "appeals",
            "POST",
            f"/olympiads/{olympiad_id}/participants/{participant_id}/appeals",
            json={
                "subject_code": subject_code,
                "tasks": tasks,
                "statement": statement,
                "review_without_participant": review_without_participant,
            },
        )
    except Refused as refusal:
        return FilingRefused(refusal.status, refusal.detail)
    return None
