"""What the monitoring asks registration for, with the caller's own token: who wrote at which
venue (the participants list, each with the venue the application assigned), the room video
coverage report of each venue and subject (§21), the subjects' round days, the public schedule
of observation and the observers' violation reports (§18–19).

As with scoring's checking protocol (`analytics.clients`), registration's role and scope checks
stay the only ones: the regional and the municipal coordinator may read the venues, the video and
the schedule there, the violation reports only the municipal one; publishing learns nothing its
caller could not. When registration is not reachable or refuses,
the report says why instead of the figures.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx

from olymp_publishing.domain.publication import subject_name
from olymp_publishing.monitoring.domain import (
    ScheduledObservation,
    VideoFinding,
    VideoReport,
    ViolationReport,
    finding_kind,
)

log = logging.getLogger("olymp.publishing.clients")
T = TypeVar("T")

# requests in flight at once: a municipality has tens of venues and subjects, not thousands
_PARALLEL = 8


class _Unreadable(ValueError):
    """Registration answered 200 with a body this reader does not know."""


@dataclass(frozen=True)
class Venues:
    """(subject code, participant id) → the venue the application assigned (None: none), or why
    it is not known (Russian)."""

    by_participant: dict[tuple[str, str], str | None] | None
    missing: str | None = None


@dataclass(frozen=True)
class VideoReports:
    """The coverage reports had; a line for each one that was not (Russian)."""

    reports: tuple[VideoReport, ...] | None  # None: not one was had
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class Observation:
    """The subjects' round days, the schedule of observation and the violation reports, each
    None when not had, with a line for each that was not (Russian)."""

    round_days: dict[str, tuple[dt.date, ...]] | None
    schedule: tuple[ScheduledObservation, ...] | None
    reports: tuple[ViolationReport, ...] | None
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Answer:
    body: Any | None
    missing: str | None = None


class RegistrationRecords:
    def __init__(
        self,
        base_url: str,
        *,
        timeout_s: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._timeout_s = timeout_s
        self._transport = transport

    async def venues(
        self, olympiad_id: uuid.UUID, subject_codes: Sequence[str], bearer: str | None
    ) -> Venues:
        """Each subject's participants and their venues; any subject not had, none are used (a
        venue's figures from part of its works would mislead)."""
        path = f"/olympiads/{olympiad_id}/participants"
        answers = await self._each(
            [(path, {"subject_code": code}) for code in subject_codes], bearer
        )
        found: dict[tuple[str, str], str | None] = {}
        for code, answer in zip(subject_codes, answers, strict=True):
            if answer.missing is not None:
                return Venues(None, answer.missing)
            try:
                found |= _venues(code, answer.body)
            except _Unreadable as exc:
                log.error("registration's participants not read", extra={"error": str(exc)})
                return Venues(None, "ответ службы регистрации о площадках не удалось прочитать.")
        return Venues(found)

    async def video(
        self, olympiad_id: uuid.UUID, venue_subjects: Sequence[tuple[str, str]], bearer: str | None
    ) -> VideoReports:
        """The coverage report of each (venue, subject code)."""
        path = f"/olympiads/{olympiad_id}/video/report"
        answers = await self._each(
            [(path, {"venue": venue, "subject": code}) for venue, code in venue_subjects], bearer
        )
        reports: list[VideoReport] = []
        missing: list[str] = []
        for (venue, code), answer in zip(venue_subjects, answers, strict=True):
            what = f"«{venue}», {subject_name(code)}"
            if answer.missing is not None:
                missing.append(f"{what}: {answer.missing}")
                continue
            try:
                reports.append(_video(venue, code, answer.body))
            except _Unreadable as exc:
                log.error("registration's video report not read", extra={"error": str(exc)})
                missing.append(f"{what}: ответ службы регистрации не удалось прочитать.")
        if venue_subjects and not reports:
            return VideoReports(None, tuple(missing))
        return VideoReports(tuple(reports), tuple(missing))

    async def observation(self, olympiad_id: uuid.UUID, bearer: str | None) -> Observation:
        base = f"/olympiads/{olympiad_id}"
        olympiad, schedule, reports = await self._each(
            [(base, {}), (base + "/observer-schedule", {}), (base + "/violation-reports", {})],
            bearer,
        )
        missing: list[str] = []

        def read(what: str, answer: _Answer, reader: Callable[[Any], T]) -> T | None:
            if answer.missing is not None:
                missing.append(f"{what}: {answer.missing}")
                return None
            try:
                return reader(answer.body)
            except _Unreadable as exc:
                log.error("registration's answer not read", extra={"error": str(exc)})
                missing.append(f"{what}: ответ службы регистрации не удалось прочитать.")
                return None

        return Observation(
            round_days=read("дни туров", olympiad, _round_days),
            schedule=read("график общественного наблюдения", schedule, _schedule),
            reports=read("сообщения наблюдателей о нарушениях", reports, _reports),
            missing=tuple(missing),
        )

    async def _each(
        self, requests: Sequence[tuple[str, dict[str, str]]], bearer: str | None
    ) -> list[_Answer]:
        headers = {} if bearer is None else {"Authorization": f"Bearer {bearer}"}
        limit = asyncio.Semaphore(_PARALLEL)
        async with httpx.AsyncClient(
            base_url=self._base_url, timeout=self._timeout_s, transport=self._transport
        ) as http:

            async def one(path: str, params: dict[str, str]) -> _Answer:
                async with limit:
                    return await _get(http, path, params, headers)

            return list(await asyncio.gather(*(one(path, params) for path, params in requests)))


async def _get(
    http: httpx.AsyncClient, path: str, params: dict[str, str], headers: dict[str, str]
) -> _Answer:
    try:
        response = await http.get(path, params=params, headers=headers)
    except httpx.HTTPError as exc:
        log.warning("registration not asked", extra={"path": path, "error": type(exc).__name__})
        return _Answer(None, "служба регистрации не ответила; запросите справку позже.")
    if response.status_code != 200:
        return _Answer(None, _refusal(response))
    try:
        return _Answer(response.json())
    except ValueError:
        return _Answer(None, "ответ службы регистрации не удалось прочитать.")


def _refusal(response: httpx.Response) -> str:
    """Why registration said no, as the report states it."""
    detail = ""
    try:
        body = response.json()
        if isinstance(body, dict) and isinstance(body.get("detail"), str):
            detail = " " + body["detail"][:300]
    except ValueError:
        pass
    if response.status_code in (401, 403):
        return f"служба регистрации не выдала сведения по этому токену.{detail}"
    return f"служба регистрации ответила {response.status_code}.{detail}"


def _venues(subject_code: str, body: Any) -> dict[tuple[str, str], str | None]:
    try:
        participants = body["participants"]
        return {
            (subject_code, str(uuid.UUID(str(p["participant_id"])))): (
                str(p["venue"]) if p.get("venue") else None
            )
            for p in participants
        }
    except (KeyError, TypeError, ValueError) as exc:
        raise _Unreadable(f"participants: {type(exc).__name__}") from None


def _video(venue: str, subject_code: str, body: Any) -> VideoReport:
    try:
        rounds = body["rounds"]
        findings = tuple(
            VideoFinding(finding_kind(str(f["kind"])), str(f["message"]))
            for each in rounds
            for f in each["findings"]
        )
        return VideoReport(str(body.get("venue") or venue), subject_code, len(rounds), findings)
    except (KeyError, TypeError) as exc:
        raise _Unreadable(f"video report: {type(exc).__name__}") from None


def _round_days(body: Any) -> dict[str, tuple[dt.date, ...]]:
    try:
        days: dict[str, set[dt.date]] = {}
        for subject in body["subjects"]:
            days.setdefault(str(subject["subject_code"]), set()).add(
                dt.date.fromisoformat(str(subject["day"]))
            )
        return {code: tuple(sorted(found)) for code, found in days.items()}
    except (KeyError, TypeError, ValueError) as exc:
        raise _Unreadable(f"olympiad: {type(exc).__name__}") from None


def _schedule(body: Any) -> tuple[ScheduledObservation, ...]:
    try:
        return tuple(
            ScheduledObservation(
                day=dt.date.fromisoformat(str(item["date"])),
                procedure=str(item["procedure"]),
                place=str(item["venue"]),
                subject_code=str(item.get("subject_code") or ""),
                observers=int(item["observers"]),
            )
            for item in body["items"]
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise _Unreadable(f"observer schedule: {type(exc).__name__}") from None


def _reports(body: Any) -> tuple[ViolationReport, ...]:
    try:
        return tuple(
            ViolationReport(
                place=str(report["assignment"]["venue"]),
                procedure=str(report["assignment"]["procedure"]),
                day=dt.date.fromisoformat(str(report["assignment"]["date"])),
                subject_code=str(report["assignment"].get("subject_code") or ""),
                outcome=None if report.get("outcome") is None else str(report["outcome"]),
            )
            for report in body["reports"]
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise _Unreadable(f"violation reports: {type(exc).__name__}") from None
