"""The olympiad's public page: the analysis of tasks, the show of works and the appeal window of
each subject (§82–96, from appeals) and the schedule of public observation (§18, seed 000 §1.1,
§2.7, from registration) — what those services publish to everyone, nothing more.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from olymp_portal.clients import Backends
from olymp_portal.pages import subject_name


@dataclass(frozen=True)
class Sitting:
    what: str
    when: str
    where: str
    online_url: str


@dataclass(frozen=True)
class SubjectSchedule:
    subject: str
    sittings: tuple[Sitting, ...]
    appeals: str  # «с 08.12.2026 00:07 до 10.12.2026 23:59»


@dataclass(frozen=True)
class Observation:
    date: str
    procedure: str
    place: str
    subject: str
    observers: int


@dataclass(frozen=True)
class PublicPage:
    title: str
    time_zone: str
    subjects: tuple[SubjectSchedule, ...]
    observation: tuple[Observation, ...]


def _at(text: str | None, zone: ZoneInfo, form: str = "%d.%m.%Y %H:%M") -> str:
    return "" if not text else f"{dt.datetime.fromisoformat(text).astimezone(zone):{form}}"


def _sitting(what: str, found: Mapping[str, Any] | None, zone: ZoneInfo) -> Sitting | None:
    if not found:
        return None
    when = f"{_at(found['starts_at'], zone)}–{_at(found['ends_at'], zone, '%H:%M')}"
    return Sitting(what, when, found["place"], found["online_url"])


async def public_page(backends: Backends, olympiad_id: uuid.UUID) -> PublicPage:
    appeals, observers = await asyncio.gather(
        backends.public_json("appeals", f"/olympiads/{olympiad_id}/schedule"),
        backends.public_json("registration", f"/olympiads/{olympiad_id}/observer-schedule"),
    )
    zone = ZoneInfo(observers["time_zone"])
    subjects = []
    for item in appeals["subjects"]:
        sittings = tuple(
            s
            for s in (
                _sitting("Анализ заданий и их решений", item.get("analysis"), zone),
                _sitting("Показ работ", item.get("show"), zone),
            )
            if s is not None
        )
        window = (
            f"с {_at(item['opens_at'], zone)} " if item.get("opens_at") else ""
        ) + f"до {_at(item['deadline'], zone)}"
        subjects.append(SubjectSchedule(subject_name(item["subject_code"]), sittings, window))
    observation = tuple(
        Observation(
            dt.date.fromisoformat(o["date"]).strftime("%d.%m.%Y"),
            o["procedure_label"],
            o["venue"],
            o["subject_name"] or "все предметы",
            int(o["observers"]),
        )
        for o in observers["items"]
    )
    return PublicPage(observers["title"], observers["time_zone"], tuple(subjects), observation)
