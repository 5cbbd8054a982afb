"""What the organiser's screen of violation reports reads and sends (§19): the observers' reports
of each olympiad, one report with its files, and the decision, recorded once. registration keeps
the reports and judges the decision; a refusal comes back for the form to show."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from olymp_portal.clients import Caller, Refused

# registration's outcomes, as the decision form offers them
OUTCOMES = {
    "confirmed": "нарушение подтверждено, меры приняты",
    "not_confirmed": "нарушение не подтвердилось",
}


@dataclass(frozen=True)
class Attachment:
    attachment_id: str
    file_name: str
    size: int


@dataclass(frozen=True)
class ViolationReport:
    report_id: str
    observer_name: str
    procedure_label: str
    date: dt.date
    venue: str
    subject_name: str
    filed_at: dt.datetime  # in the olympiad's zone
    text: str
    attachments: tuple[Attachment, ...]
    decided: bool
    outcome_label: str
    decision: str
    decided_at: dt.datetime | None


@dataclass(frozen=True)
class OlympiadReports:
    olympiad_id: uuid.UUID
    title: str
    zone: ZoneInfo
    reports: tuple[ViolationReport, ...]

    @property
    def pending(self) -> int:
        return sum(1 for r in self.reports if not r.decided)


def _local(text: str | None, zone: ZoneInfo) -> dt.datetime | None:
    return None if text is None else dt.datetime.fromisoformat(text).astimezone(zone)


def report_of(data: Mapping[str, Any], zone: ZoneInfo) -> ViolationReport:
    assignment = data["assignment"]
    filed = _local(str(data["filed_at"]), zone)
    assert filed is not None
    return ViolationReport(
        report_id=str(data["report_id"]),
        observer_name=str(data["observer_name"]),
        procedure_label=str(assignment["procedure_label"]),
        date=dt.date.fromisoformat(str(assignment["date"])),
        venue=str(assignment["venue"]),
        subject_name=str(assignment["subject_name"]) or "все предметы дня",
        filed_at=filed,
        text=str(data["text"]),
        attachments=tuple(
            Attachment(str(a["attachment_id"]), str(a["file_name"]), int(a["size"]))
            for a in data["attachments"]
        ),
        decided=data["status"] == "decided",
        outcome_label=str(data["outcome_label"] or ""),
        decision=str(data["decision"] or ""),
        decided_at=_local(data["decided_at"], zone),
    )


async def olympiad_reports(caller: Caller) -> list[OlympiadReports]:
    """Every olympiad the organiser reads, with its reports: undecided first, then the newest."""
    found = []
    for olympiad in (await caller.get_json("registration", "/olympiads"))["olympiads"]:
        olympiad_id = uuid.UUID(str(olympiad["olympiad_id"]))
        zone = ZoneInfo(str(olympiad["time_zone"]))
        listed = await caller.get_json(
            "registration", f"/olympiads/{olympiad_id}/violation-reports"
        )
        reports = sorted(
            (report_of(r, zone) for r in listed["reports"]),
            key=lambda r: (r.decided, -r.filed_at.timestamp()),
        )
        found.append(OlympiadReports(olympiad_id, str(olympiad["title"]), zone, tuple(reports)))
    return found


@dataclass(frozen=True)
class OpenedReport:
    olympiad_id: uuid.UUID
    title: str
    zone: ZoneInfo
    report: ViolationReport


async def opened_report(
    caller: Caller, olympiad_id: uuid.UUID, report_id: uuid.UUID
) -> OpenedReport:
    olympiad = await caller.get_json("registration", f"/olympiads/{olympiad_id}")
    zone = ZoneInfo(str(olympiad["time_zone"]))
    found = await caller.get_json(
        "registration", f"/olympiads/{olympiad_id}/violation-reports/{report_id}"
    )
    return OpenedReport(olympiad_id, str(olympiad["title"]), zone, report_of(found, zone))


@dataclass(frozen=True)
class NotDecided:
    detail: str
    status: int
    field: str  # the form's field it is about: "outcome" or "decision"


async def decide(
    caller: Caller, olympiad_id: uuid.UUID, report_id: uuid.UUID, outcome: str, decision: str
) -> NotDecided | None:
    """Record the decision; registration's refusal (already decided, empty text) comes back."""
    if outcome not in OUTCOMES:
        return NotDecided("Выберите решение: подтверждено ли нарушение.", 422, "outcome")
    try:
        await caller.call(
            "registration",
            "POST",
            f"/olympiads/{olympiad_id}/violation-reports/{report_id}/decision",
            json={"outcome": outcome, "decision": decision},
        )
    except Refused as refusal:
        return NotDecided(refusal.detail, refusal.status, "decision")
    return None


@dataclass(frozen=True)
class AttachmentFile:
    data: bytes
    media_type: str
    disposition: str


async def attachment(
    caller: Caller, olympiad_id: uuid.UUID, report_id: uuid.UUID, attachment_id: uuid.UUID
) -> AttachmentFile:
    """The file as registration gives it (each opening is in its audit trail)."""
    response = await caller.call(
        "registration",
        "GET",
        f"/olympiads/{olympiad_id}/violation-reports/{report_id}/attachments/{attachment_id}",
    )
    return AttachmentFile(
        response.content,
        response.headers.get("content-type", "application/octet-stream"),
        response.headers.get("content-disposition", "attachment"),
    )
