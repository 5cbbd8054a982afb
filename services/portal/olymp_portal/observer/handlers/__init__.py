"""What the observer's screens ask of the services: their assignments and reports
(registration), and each service's audit trail and its verdict (`GET /audit`, `/audit/verify`).
Every call carries the observer's own token; the services decide what they may read."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from olymp_portal.clients import Caller, Refused, Unavailable
from olymp_portal.observer.domain import (
    EntryView,
    entry_views,
    instant_of,
    ordered_services,
    service_label,
)

AUDIT_PAGE = 50


@dataclass(frozen=True)
class Assignment:
    assignment_id: str
    procedure_label: str
    date: dt.date
    venue: str
    subject_name: str
    report_deadline: dt.datetime  # in the olympiad's zone
    procedure: str = ""  # round, checking, analysis_and_show, appeals
    subject_code: str = ""  # empty: every subject held there that day

    def open_at(self, now: dt.datetime) -> bool:
        return now <= self.report_deadline


@dataclass(frozen=True)
class Report:
    report_id: str
    assignment: Assignment
    filed_at: dt.datetime
    text: str
    attachments: tuple[str, ...]
    decided: bool
    outcome_label: str
    decision: str


@dataclass(frozen=True)
class Observation:
    """One olympiad where the observer is accredited."""

    olympiad_id: uuid.UUID
    title: str
    zone: ZoneInfo
    certificate: str
    assignments: tuple[Assignment, ...]
    reports: tuple[Report, ...] = ()


def _assignment(data: Mapping[str, Any], zone: ZoneInfo) -> Assignment:
    return Assignment(
        assignment_id=str(data["assignment_id"]),
        procedure_label=str(data["procedure_label"]),
        date=dt.date.fromisoformat(str(data["date"])),
        venue=str(data["venue"]),
        subject_name=str(data["subject_name"]) or "все предметы дня",
        report_deadline=dt.datetime.fromisoformat(str(data["report_deadline"])).astimezone(zone),
        procedure=str(data.get("procedure", "")),
        subject_code=str(data.get("subject_code", "")),
    )


def _report(data: Mapping[str, Any], zone: ZoneInfo) -> Report:
    return Report(
        report_id=str(data["report_id"]),
        assignment=_assignment(data["assignment"], zone),
        filed_at=dt.datetime.fromisoformat(str(data["filed_at"])).astimezone(zone),
        text=str(data["text"]),
        attachments=tuple(str(a["file_name"]) for a in data["attachments"]),
        decided=data["status"] == "decided",
        outcome_label=str(data["outcome_label"] or ""),
        decision=str(data["decision"] or ""),
    )


async def observations(caller: Caller, *, with_reports: bool = True) -> list[Observation]:
    """The olympiads where the person signed in is an accredited observer, with their
    assignments (and their own reports)."""
    found = []
    listed = await caller.get_json("registration", "/observers/me")
    for item in listed["observations"]:
        zone = ZoneInfo(str(item["time_zone"]))
        olympiad_id = uuid.UUID(str(item["olympiad_id"]))
        reports: tuple[Report, ...] = ()
        if with_reports:
            own = await caller.get_json(
                "registration", f"/olympiads/{olympiad_id}/violation-reports"
            )
            reports = tuple(_report(r, zone) for r in own["reports"])
        found.append(
            Observation(
                olympiad_id=olympiad_id,
                title=str(item["olympiad_title"]),
                zone=zone,
                certificate=str(item["observer"]["certificate_number"]),
                assignments=tuple(_assignment(a, zone) for a in item["observer"]["assignments"]),
                reports=reports,
            )
        )
    return found


@dataclass(frozen=True)
class AuditFilter:
    """The browser's form as typed; times are local to `zone`."""

    service: str
    action: str = ""
    object_id: str = ""
    since: str = ""
    until: str = ""
    cursor: int | None = None


@dataclass
class AuditScreen:
    services: list[tuple[str, str]]  # (service, label)
    chosen: AuditFilter
    zone: ZoneInfo
    entries: list[EntryView] = field(default_factory=list)
    head_seq: int | None = None
    next_cursor: int | None = None
    error: str = ""
    field_errors: dict[str, str] = field(default_factory=dict)


async def audit_screen(
    caller: Caller, configured: Sequence[str], chosen: AuditFilter, zone: ZoneInfo
) -> AuditScreen:
    """One page of one service's trail, newest first, with the links between its entries."""
    services = [(s, service_label(s)) for s in ordered_services(configured)]
    screen = AuditScreen(services, chosen, zone)
    if chosen.service not in dict(services):
        screen.field_errors["service"] = "Выберите службу из списка."
        return screen
    params: dict[str, Any] = {"limit": AUDIT_PAGE}
    for name, typed in (("since", chosen.since), ("until", chosen.until)):
        try:
            instant = instant_of(typed, zone)
        except ValueError as exc:
            screen.field_errors[name] = str(exc)
            continue
        if instant is not None:
            params[name] = instant
    if screen.field_errors:
        return screen
    if chosen.action.strip():
        params["action"] = chosen.action.strip()
    if chosen.object_id.strip():
        params["object_id"] = chosen.object_id.strip()
    if chosen.cursor is not None:
        params["cursor"] = chosen.cursor
    try:
        page = await caller.get_json(chosen.service, "/audit", **params)
    except (Refused, Unavailable) as exc:
        screen.error = exc.detail
        return screen
    screen.entries = entry_views(page["entries"], zone)
    screen.head_seq = page["head_seq"]
    screen.next_cursor = page["next_cursor"]
    return screen


@dataclass(frozen=True)
class Verdict:
    service: str
    label: str
    intact: bool | None  # None: the service did not answer
    summary: str
    first_bad_seq: int | None = None


async def verify(caller: Caller, services: Sequence[str]) -> list[Verdict]:
    """Each service's verdict on its own chain, one after another (each re-hashes its trail)."""
    verdicts = []
    for service in services:
        label = service_label(service)
        try:
            found = await caller.get_json(service, "/audit/verify")
        except (Refused, Unavailable) as exc:
            verdicts.append(Verdict(service, label, None, exc.detail))
            continue
        verdicts.append(
            Verdict(
                service, label, bool(found["intact"]), str(found["summary"]), found["first_bad_seq"]
            )
        )
    return verdicts


@dataclass(frozen=True)
class Upload:
    file_name: str
    content_type: str
    data: bytes


@dataclass
class Filed:
    """A report filed, with what became of each file."""

    report_id: str
    attached: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # «name: why»


@dataclass(frozen=True)
class NotFiled:
    """The report refused: why, with the service's status, and the form's field it is about."""

    detail: str
    status: int
    field: str  # "text", or "assignment" (not one's own, or its three days are over)


def _field_of(refusal: Refused) -> str:
    kind = str(refusal.problem.get("type", ""))
    about_text = kind.endswith("/report-text-refused") or any(
        "text" in str(error.get("location", ""))
        for error in refusal.problem.get("errors", [])
        if isinstance(error, dict)
    )
    return "text" if about_text else "assignment"


async def file_report(
    caller: Caller, olympiad_id: uuid.UUID, assignment_id: str, text: str, files: Sequence[Upload]
) -> Filed | NotFiled:
    """File the report, then send its files one by one. A refused file is named in
    `Filed.refused` — the report stands; a refused report is `NotFiled`."""
    try:
        response = await caller.call(
            "registration",
            "POST",
            f"/olympiads/{olympiad_id}/violation-reports",
            json={"assignment_id": assignment_id, "text": text},
        )
    except Refused as refusal:
        return NotFiled(refusal.detail, refusal.status, _field_of(refusal))
    filed = Filed(str(response.json()["report_id"]))
    for upload in files:
        try:
            await caller.call(
                "registration",
                "POST",
                f"/olympiads/{olympiad_id}/violation-reports/{filed.report_id}/attachments",
                params={"file_name": upload.file_name},
                content=upload.data,
                content_type=upload.content_type or "application/octet-stream",
            )
        except (Refused, Unavailable) as exc:
            filed.refused.append(f"{upload.file_name}: {exc.detail}")
        else:
            filed.attached.append(upload.file_name)
    return filed
