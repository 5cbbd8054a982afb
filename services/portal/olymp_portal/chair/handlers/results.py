"""The results as the chair sees them (§117–121): the tie groups at the quota boundary, the
submission of the final table to the organiser, and the protocols to sign.

Publishing decides everything here (who stands at the boundary, what may be ruled, what blocks
the submission, the 21-day term); the portal shows its answers and sends the chair's choices.
Instants are shown in the olympiad's time zone, which registration knows.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from olymp_core.clock import to_local
from olymp_portal.clients import Caller, Refused
from olymp_portal.marking.handlers import SubjectGradeRef

# what the chair may download, and from which service: kind -> (service, title)
PROTOCOLS = {
    "results": ("publishing", "Протокол результатов (Приложение № 11)"),
    "jury": ("publishing", "Протокол жюри (Приложение № 12)"),
    "checking": ("scoring", "Протокол проверки (Приложение № 10)"),
    "analytic": ("publishing", "Аналитический отчёт (Приложение № 13)"),
}
FORMATS = {"pdf": "PDF", "xlsx": "XLSX"}
STAGES = {"preliminary": "предварительные результаты", "final": "итоговые результаты"}


@dataclass(frozen=True)
class TieMember:
    position: int
    place: str
    work_code: str
    participant: str
    school: str


@dataclass(frozen=True)
class TieGroup:
    total: str  # as publishing writes it («35.5»): the form sends it back as it came
    participants: int
    place: str
    places_left: int
    statuses: tuple[str, ...]  # what the chair may rule, best first
    default: str
    decision: str | None
    decided_by: str | None
    decided_at: str | None  # local time, as text
    members: tuple[TieMember, ...]

    @property
    def total_text(self) -> str:
        return self.total.replace(".", ",")

    @property
    def anchor(self) -> str:
        """A name for the group's elements: «35-5»."""
        return self.total.replace(".", "-")


@dataclass(frozen=True)
class Boundary:
    ready: bool
    not_ready_reason: str | None
    quota_places: int | None
    ranked: int | None
    max_total: str | None
    undecided: int
    groups: tuple[TieGroup, ...]


@dataclass(frozen=True)
class FinalState:
    submitted: bool
    submitted_by: str | None
    submitted_at: str | None
    appeal_deadline: str | None
    undecided_appeals: int
    submission_blockers: tuple[str, ...]
    approval_blockers: tuple[str, ...]  # what else stands in the way of the organiser's approval
    term: str | None
    term_warning: bool
    term_overdue: bool


@dataclass(frozen=True)
class Version:
    version: int
    stage: str
    published_at: str
    note: str | None

    @property
    def stage_label(self) -> str:
        return STAGES.get(self.stage, self.stage)


@dataclass(frozen=True)
class ResultsScreen:
    olympiad_title: str
    time_zone: str
    boundary: Boundary
    final: FinalState
    versions: tuple[Version, ...]  # published versions, the newest first

    @property
    def approved(self) -> Version | None:
        return next((v for v in self.versions if v.stage == "final"), None)


@dataclass(frozen=True)
class TieChoice:
    """The chair's ruling as typed in one group's form, kept as it was when refused."""

    total: str
    status: str
    confirmed: bool

    @classmethod
    def typed(cls, form: Mapping[str, Any]) -> TieChoice:
        return cls(
            str(form.get("total") or "").strip(),
            str(form.get("status") or ""),
            form.get("confirm") == "yes",
        )


def local_text(instant: str | None, time_zone: str) -> str | None:
    """«20.11.2026 12:00 (Asia/Omsk)» for an ISO instant; None stays None."""
    if not instant:
        return None
    moment = to_local(dt.datetime.fromisoformat(instant), time_zone)
    return f"{moment:%d.%m.%Y %H:%M} ({time_zone})"


async def _olympiad(caller: Caller, olympiad_id: uuid.UUID) -> tuple[str, str]:
    """The olympiad's title and time zone; UTC if registration does not know it."""
    try:
        found = await caller.get_json("registration", f"/olympiads/{olympiad_id}")
    except Refused:
        return "", "UTC"
    return str(found["title"]), str(found["time_zone"])


async def _versions(caller: Caller, ref: SubjectGradeRef, time_zone: str) -> tuple[Version, ...]:
    try:
        index = await caller.get_json("publishing", f"/results/{ref.olympiad_id}")
    except Refused as refusal:
        if refusal.status == 404:  # nothing of this olympiad is published yet
            return ()
        raise
    for table in index["tables"]:
        if table["subject_code"] == ref.subject_code and int(table["grade"]) == ref.grade:
            return tuple(
                Version(
                    int(v["version"]),
                    str(v["stage"]),
                    local_text(v["published_at"], time_zone) or "",
                    v.get("note"),
                )
                for v in sorted(table["versions"], key=lambda v: -int(v["version"]))
            )
    return ()


def _boundary(found: Mapping[str, Any], time_zone: str) -> Boundary:
    return Boundary(
        ready=bool(found["ready"]),
        not_ready_reason=found.get("not_ready_reason"),
        quota_places=found.get("quota_places"),
        ranked=found.get("ranked"),
        max_total=found.get("max_total"),
        undecided=int(found["undecided"]),
        groups=tuple(
            TieGroup(
                total=str(tie["total"]),
                participants=int(tie["participants"]),
                place=str(tie["place"]),
                places_left=int(tie["places_left"]),
                statuses=tuple(tie["statuses"]),
                default=str(tie["default"]),
                decision=tie.get("decision"),
                decided_by=tie.get("decided_by"),
                decided_at=local_text(tie.get("decided_at"), time_zone),
                members=tuple(
                    TieMember(
                        int(m["position"]),
                        str(m["place"]),
                        str(m["work_code"]),
                        str(m["participant"]),
                        str(m["school"]),
                    )
                    for m in tie["members"]
                ),
            )
            for tie in found["ties"]
        ),
    )


def _final(found: Mapping[str, Any], time_zone: str) -> FinalState:
    submission = tuple(found.get("submission_blockers") or ())
    return FinalState(
        submitted=bool(found["submitted"]),
        submitted_by=found.get("submitted_by"),
        submitted_at=local_text(found.get("submitted_at"), time_zone),
        appeal_deadline=local_text(found.get("appeal_deadline"), time_zone),
        undecided_appeals=int(found.get("undecided_appeals") or 0),
        submission_blockers=submission,
        approval_blockers=tuple(b for b in found["blockers"] if b not in submission),
        term=found.get("approval_term"),
        term_warning=bool(found.get("approval_warning")),
        term_overdue=bool(found.get("approval_overdue")),
    )


async def results_screen(caller: Caller, ref: SubjectGradeRef) -> ResultsScreen:
    """Everything the results page shows, asked of the services at once."""
    (title, time_zone), ties, status = await asyncio.gather(
        _olympiad(caller, ref.olympiad_id),
        caller.get_json("publishing", ref.path + "/ties"),
        caller.get_json("publishing", ref.path + "/final/status"),
    )
    versions = await _versions(caller, ref, time_zone)
    return ResultsScreen(
        title, time_zone, _boundary(ties, time_zone), _final(status, time_zone), versions
    )


async def decide_tie(caller: Caller, ref: SubjectGradeRef, choice: TieChoice) -> str | None:
    """Send the ruling; None when recorded, else why not (shown in the group's form)."""
    if not choice.status:
        return "Выберите статус для всей группы участников."
    if not choice.confirmed:
        return (
            "Подтвердите решение: отметьте, что статус получают все участники группы с этой "
            "суммой баллов."
        )
    try:
        await caller.call(
            "publishing",
            "POST",
            ref.path + "/tie-decisions",
            json={"total": choice.total, "status": choice.status},
        )
    except Refused as refusal:
        return refusal.detail
    return None


async def submit_final(caller: Caller, ref: SubjectGradeRef, confirmed: bool) -> str | None:
    """Hand the final table to the organiser (§121); None when done, else why not."""
    if not confirmed:
        return "Подтвердите передачу: отметьте, что итоговая таблица проверена вами."
    try:
        await caller.call("publishing", "POST", ref.path + "/final/submission")
    except Refused as refusal:
        return refusal.detail
    return None


@dataclass(frozen=True)
class ProtocolFile:
    body: bytes
    media_type: str
    disposition: str


async def protocol(
    caller: Caller, ref: SubjectGradeRef, kind: str, extension: str, version: int | None
) -> ProtocolFile:
    """A protocol as the owning service renders it (publishing: of a published version)."""
    service, _ = PROTOCOLS[kind]
    params = {"version": version} if version is not None and service == "publishing" else None
    response = await caller.call(
        service, "GET", f"{ref.path}/protocols/{kind}.{extension}", params=params
    )
    return ProtocolFile(
        response.content,
        response.headers.get("content-type", "application/octet-stream"),
        response.headers.get(
            "content-disposition", f'attachment; filename="{kind}-protocol.{extension}"'
        ),
    )
