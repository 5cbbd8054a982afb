"""What the coding officer's screens ask of coding and registration: the manual queue and its
decisions, the pages decided in it, the decoding gate of each subject and grade.

Rules live in coding: these functions only call it and turn a refusal into the sentence shown next
to what the officer did (None when it was done).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from olymp_portal.clients import Caller, Refused

KINDS = {"answer": "лист ответов", "title": "титульный лист"}
ASIDE = {
    "draft": "черновик (п. 45: не проверяется и не шифруется)",
    "discarded": "не относится ни к одной работе (пустой лист, сбой сканера)",
}
ROTATIONS = (0, 90, 180, 270)


@dataclass(frozen=True)
class Suggestion:
    work_code: str
    reason: str


@dataclass(frozen=True)
class QueuedPage:
    page_id: uuid.UUID
    kind: str
    code_read: str | None
    reason: str | None
    station_subject: str
    source_file: str
    source_page: int
    rotation: int
    suggestions: tuple[Suggestion, ...] = ()

    @property
    def source(self) -> str:
        return f"{self.source_file}, стр. {self.source_page}"

    @property
    def title_page(self) -> bool:
        return self.kind == "title"


@dataclass(frozen=True)
class QueueScreen:
    """The queue as the screen shows it: answer pages and title pages apart, one page large."""

    answers: list[QueuedPage]
    titles: list[QueuedPage]
    current: QueuedPage | None

    @property
    def pages(self) -> list[QueuedPage]:
        return self.answers + self.titles

    def neighbours(self) -> tuple[QueuedPage | None, QueuedPage | None]:
        """The pages before and after the large one, in the strip's order."""
        pages = self.pages
        if self.current is None:
            return None, None
        at = pages.index(self.current)
        return (pages[at - 1] if at else None), (pages[at + 1] if at + 1 < len(pages) else None)


def queue_screen(
    pages: list[QueuedPage], *, show: uuid.UUID | None = None, after: list[uuid.UUID] | None = None
) -> QueueScreen:
    """The screen with page `show` large; or, a page just decided, the one that followed it in
    `after` (the strip before the decision), so the officer goes on down the strip."""
    answers = [p for p in pages if not p.title_page]
    titles = [p for p in pages if p.title_page]
    ordered = answers + titles
    by_id = {p.page_id: p for p in ordered}
    current = by_id.get(show) if show else None
    if current is None and show is not None and after and show in after:
        at = after.index(show)
        following = after[at + 1 :] + after[:at][::-1]
        current = next((by_id[p] for p in following if p in by_id), None)
    if current is None and ordered:
        current = ordered[0]
    return QueueScreen(answers, titles, current)


@dataclass(frozen=True)
class OlympiadRef:
    olympiad_id: uuid.UUID
    title: str
    subjects: dict[str, str]  # code -> name


async def olympiads(caller: Caller) -> list[OlympiadRef]:
    listed = await caller.get_json("registration", "/olympiads")
    return [
        OlympiadRef(
            uuid.UUID(item["olympiad_id"]),
            item["title"],
            {s["subject_code"]: s["subject_name"] for s in item["subjects"]},
        )
        for item in listed["olympiads"]
    ]


async def olympiad(caller: Caller, olympiad_id: uuid.UUID) -> OlympiadRef | None:
    return next((o for o in await olympiads(caller) if o.olympiad_id == olympiad_id), None)


async def manual_queue(caller: Caller, olympiad_id: uuid.UUID) -> list[QueuedPage]:
    listed = await caller.get_json("coding", f"/olympiads/{olympiad_id}/scans/manual")
    return [
        QueuedPage(
            page_id=uuid.UUID(item["page_id"]),
            kind=item["kind"],
            code_read=item.get("code_read"),
            reason=item.get("reason"),
            station_subject=item["station_subject"],
            source_file=item["source_file"],
            source_page=int(item["source_page"]),
            rotation=int(item.get("rotation", 0)),
            suggestions=tuple(
                Suggestion(s["work_code"], s["reason"]) for s in item.get("suggestions", [])
            ),
        )
        for item in listed["pages"]
    ]


@dataclass(frozen=True)
class ResolvedPage:
    page_id: uuid.UUID
    kind: str
    resolution: str
    resolution_label: str
    work_code: str | None
    grade: int | None
    station_subject: str
    source: str
    resolved_at: dt.datetime
    resolved_by: str
    returnable: bool
    why_not: str | None


async def resolved_pages(caller: Caller, olympiad_id: uuid.UUID) -> list[ResolvedPage]:
    listed = await caller.get_json("coding", f"/olympiads/{olympiad_id}/scans/resolved")
    return [
        ResolvedPage(
            page_id=uuid.UUID(item["page_id"]),
            kind=item["kind"],
            resolution=item["resolution"],
            resolution_label=item["resolution_label"],
            work_code=item.get("work_code"),
            grade=item.get("grade"),
            station_subject=item["station_subject"],
            source=f"{item['source_file']}, стр. {item['source_page']}",
            resolved_at=dt.datetime.fromisoformat(item["resolved_at"]),
            resolved_by=item["resolved_by"],
            returnable=bool(item["returnable"]),
            why_not=item.get("why_not"),
        )
        for item in listed["pages"]
    ]


async def image(
    caller: Caller, olympiad_id: uuid.UUID, page_id: uuid.UUID, size: str = "image"
) -> tuple[bytes, str]:
    """The page's image (`image`) or its small JPEG (`thumbnail`), as coding serves it."""
    response = await caller.call(
        "coding", "GET", f"/olympiads/{olympiad_id}/scans/{page_id}/{size}"
    )
    return response.content, response.headers.get("content-type", "application/octet-stream")


def rotation_of(text: str) -> int:
    """The rotation a form sent; anything else is the upright 0 (the page stays as scanned)."""
    try:
        value = int(text) % 360
    except ValueError:
        return 0
    return value if value in ROTATIONS else 0


async def assign(
    caller: Caller,
    olympiad_id: uuid.UUID,
    page_id: uuid.UUID,
    *,
    work_code: str,
    subject_code: str,
    kind: str,
    rotation: int,
) -> str | None:
    """Assign the page to the work; None when done, else what was refused (shown on its card)."""
    if not work_code:
        return "Введите шифр работы с наклейки или выберите предложенную работу."
    if kind not in KINDS:
        return "Выберите, что это за страница: лист ответов или титульный лист."
    return await _refusal(
        caller,
        "POST",
        f"/olympiads/{olympiad_id}/scans/{page_id}/assignment",
        {"work_code": work_code, "subject_code": subject_code, "kind": kind, "rotation": rotation},
    )


async def set_aside(
    caller: Caller, olympiad_id: uuid.UUID, page_id: uuid.UUID, resolution: str, rotation: int
) -> str | None:
    """Mark the page a draft or discard it; None when done, else the refusal."""
    if resolution not in ASIDE:
        return "Выберите: черновик или страница не относится ни к одной работе."
    return await _refusal(
        caller,
        "POST",
        f"/olympiads/{olympiad_id}/scans/{page_id}/resolution",
        {"resolution": resolution, "rotation": rotation},
    )


async def take_back(caller: Caller, olympiad_id: uuid.UUID, page_id: uuid.UUID) -> str | None:
    """Return a decided page to the queue; None when done, else the refusal."""
    return await _refusal(caller, "DELETE", f"/olympiads/{olympiad_id}/scans/{page_id}/resolution")


async def _refusal(caller: Caller, method: str, path: str, body: Any = None) -> str | None:
    try:
        await caller.call("coding", method, path, json=body)
    except Refused as refusal:
        return refusal.detail
    return None


@dataclass(frozen=True)
class GradeGate:
    subject_code: str
    grade: int
    works: int
    checked: int
    annulled: int
    unchecked_codes: tuple[str, ...]
    decoded: bool
    decoded_count: int | None
    decoded_at: dt.datetime | None
    decoded_by: str | None
    coded_after_decoding: int
    allowed: bool
    reason: str
    queued_pages: int

    @property
    def row_id(self) -> str:
        return f"grade-{self.subject_code}-{self.grade}"


async def decoding_overview(caller: Caller, olympiad_id: uuid.UUID) -> list[GradeGate]:
    listed = await caller.get_json("coding", f"/olympiads/{olympiad_id}/decoding")
    return [
        GradeGate(
            subject_code=item["subject_code"],
            grade=int(item["grade"]),
            works=int(item["works"]),
            checked=int(item["checked"]),
            annulled=int(item["annulled"]),
            unchecked_codes=tuple(item["unchecked_codes"]),
            decoded=bool(item["decoded"]),
            decoded_count=item.get("decoded_count"),
            decoded_at=(
                dt.datetime.fromisoformat(item["decoded_at"]) if item.get("decoded_at") else None
            ),
            decoded_by=item.get("decoded_by"),
            coded_after_decoding=int(item["coded_after_decoding"]),
            allowed=bool(item["allowed"]),
            reason=item["reason"],
            queued_pages=int(item["queued_pages"]),
        )
        for item in listed["grades"]
    ]


async def grade_gate(
    caller: Caller, olympiad_id: uuid.UUID, subject_code: str, grade: int
) -> GradeGate | None:
    return next(
        (
            gate
            for gate in await decoding_overview(caller, olympiad_id)
            if (gate.subject_code, gate.grade) == (subject_code, grade)
        ),
        None,
    )


async def decode(
    caller: Caller, olympiad_id: uuid.UUID, subject_code: str, grade: int
) -> str | None:
    """Decode the subject and grade; None when done, else coding's refusal (the gate's reason)."""
    return await _refusal(
        caller, "POST", f"/olympiads/{olympiad_id}/subjects/{subject_code}/grades/{grade}/decode"
    )
