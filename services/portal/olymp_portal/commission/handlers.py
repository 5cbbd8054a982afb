"""What the appeal commission's screens read and send: the subjects with appeals, a hearing with
the checked work (§108), the hearing's record (§103, §109–110), the votes (§106–107, §112) and
the chair's closing of the vote. appeals judges every step; a refusal comes back for the page.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from olymp_portal.clients import Caller, Refused
from olymp_portal.marking.handlers import Rounds, ScanPage, scan_pages, work_rounds
from olymp_portal.materials.handlers import ReleasedCriteria, released_criteria

# the motions of §112 as the commission's form names them
OUTCOMES = {
    "reject": "отклонить апелляцию, сохранив количество баллов",
    "raise": "удовлетворить апелляцию с повышением количества баллов",
    "lower": "удовлетворить апелляцию с понижением количества баллов",
}


@dataclass(frozen=True)
class SubjectAppeals:
    olympiad_id: uuid.UUID
    olympiad_title: str
    subject_code: str
    filed: int
    decided: int


async def subjects(caller: Caller) -> list[SubjectAppeals]:
    """Every subject that has appeals, in the olympiads this member may read."""
    listed = await caller.get_json("registration", "/olympiads")
    found = []
    for olympiad in listed["olympiads"]:
        olympiad_id = uuid.UUID(olympiad["olympiad_id"])
        appeals = (await caller.get_json("appeals", f"/olympiads/{olympiad_id}/appeals"))["items"]
        by_subject: dict[str, list[dict[str, Any]]] = {}
        for appeal in appeals:
            by_subject.setdefault(appeal["subject_code"], []).append(appeal)
        for code, items in sorted(by_subject.items()):
            decided = sum(1 for a in items if a["outcome"] is not None)
            found.append(SubjectAppeals(olympiad_id, olympiad["title"], code, len(items), decided))
    return found


async def appeals_of(caller: Caller, olympiad_id: uuid.UUID, subject_code: str) -> list[Any]:
    """The subject's appeals in the order they were filed (the session's order)."""
    found = await caller.get_json(
        "appeals", f"/olympiads/{olympiad_id}/appeals", subject_code=subject_code
    )
    return sorted(found["items"], key=lambda a: (a["filed_at"], a["appeal_id"]))


@dataclass(frozen=True)
class Hearing:
    olympiad_id: uuid.UUID
    appeal_id: uuid.UUID
    record: Mapping[str, Any]  # appeals' hearing: the appeal, the points, the commission, votes
    pages: tuple[ScanPage, ...]
    rounds: Rounds | None
    missing: tuple[str, ...]  # what could not be opened, and why (said on the page)
    criteria: ReleasedCriteria | None = None  # §108: the criteria before the commission

    @property
    def appeal(self) -> Mapping[str, Any]:
        found: Mapping[str, Any] = self.record["appeal"]
        return found

    @property
    def tasks(self) -> list[tuple[int, str, str]]:
        """(number, current points, maximum), by number."""
        scores, maxima = self.record["task_scores"], self.record["task_max"]
        return [(int(n), scores.get(n, "0"), maxima[n]) for n in sorted(maxima, key=int)]

    def vote_of(self, member: str) -> Mapping[str, Any] | None:
        votes: list[Mapping[str, Any]] = self.record["votes"]
        return next((v for v in votes if v["member_id"] == member), None)


async def hearing(caller: Caller, olympiad_id: uuid.UUID, appeal_id: uuid.UUID) -> Hearing:
    record = await caller.get_json("appeals", f"/olympiads/{olympiad_id}/appeals/{appeal_id}")
    code = record["work_code"]
    pages_or_refusal, rounds_or_refusal, criteria = await asyncio.gather(
        _or_refusal(scan_pages(caller, olympiad_id, code)),
        _or_refusal(work_rounds(caller, olympiad_id, code)),
        released_criteria(caller, olympiad_id, record["appeal"]["subject_code"]),
    )
    missing = []
    pages: tuple[ScanPage, ...] = ()
    rounds: Rounds | None = None
    if isinstance(pages_or_refusal, Refused):
        missing.append(f"Скан работы не открыт: {pages_or_refusal.detail}")
    else:
        pages = pages_or_refusal
    if isinstance(rounds_or_refusal, Refused):
        missing.append(f"Оценки по проверкам не открыты: {rounds_or_refusal.detail}")
    else:
        rounds = rounds_or_refusal
    return Hearing(olympiad_id, appeal_id, record, pages, rounds, tuple(missing), criteria)


async def _or_refusal(call: Any) -> Any:
    try:
        return await call
    except Refused as refusal:
        return refusal


async def record_attendance(
    caller: Caller,
    olympiad_id: uuid.UUID,
    appeal_id: uuid.UUID,
    attendance: str,
    identity_checked: bool,
) -> str | None:
    """§103, §109–110: the participant came (their document checked) or not, and why."""
    if attendance == "present" and not identity_checked:
        return (
            "Перед рассмотрением проверьте документ, удостоверяющий личность участника (паспорт "
            "или свидетельство о рождении, п. 103), и отметьте это."
        )
    if attendance not in ("present", "absent_documented", "absent"):
        return "Отметьте, явился ли участник."
    return await _send(
        caller,
        "POST",
        f"/olympiads/{olympiad_id}/appeals/{appeal_id}/hearing",
        {
            "participant_present": attendance == "present",
            "valid_reason_documented": attendance == "absent_documented",
        },
    )


def typed_scores(form: Mapping[str, Any], tasks: list[int]) -> tuple[dict[str, str], str | None]:
    """The new points typed for the appealed tasks, or what is wrong with them."""
    scores = {}
    for number in tasks:
        text = str(form.get(f"score-{number}", "")).strip().replace(",", ".")
        if not text:
            continue
        try:
            Decimal(text)
        except InvalidOperation:
            return {}, f"Балл за задание {number} — не число: «{text}»."
        scores[str(number)] = text
    return scores, None


async def vote(
    caller: Caller,
    olympiad_id: uuid.UUID,
    appeal_id: uuid.UUID,
    outcome: str,
    scores: dict[str, str],
) -> str | None:
    if outcome not in OUTCOMES:
        return "Выберите решение, за которое вы голосуете."
    body = {"outcome": outcome, "new_task_scores": {} if outcome == "reject" else scores}
    return await _send(caller, "POST", f"/olympiads/{olympiad_id}/appeals/{appeal_id}/votes", body)


@dataclass(frozen=True)
class Closing:
    refusal: str | None
    decision: Mapping[str, Any] | None


async def close_vote(caller: Caller, olympiad_id: uuid.UUID, appeal_id: uuid.UUID) -> Closing:
    try:
        response = await caller.call(
            "appeals", "POST", f"/olympiads/{olympiad_id}/appeals/{appeal_id}/decision"
        )
    except Refused as refusal:
        return Closing(refusal.detail, None)
    return Closing(None, response.json())


async def _send(caller: Caller, method: str, path: str, body: Any) -> str | None:
    try:
        await caller.call("appeals", method, path, json=body)
    except Refused as refusal:
        return refusal.detail
    return None


@dataclass(frozen=True)
class ProtocolCopy:
    data: bytes
    media_type: str
    disposition: str


async def protocol(
    caller: Caller, olympiad_id: uuid.UUID, appeal_id: uuid.UUID, extension: str
) -> ProtocolCopy:
    response = await caller.call(
        "appeals", "GET", f"/olympiads/{olympiad_id}/appeals/{appeal_id}/protocol.{extension}"
    )
    return ProtocolCopy(
        response.content,
        response.headers.get("content-type", "application/octet-stream"),
        response.headers.get("content-disposition", "attachment"),
    )
