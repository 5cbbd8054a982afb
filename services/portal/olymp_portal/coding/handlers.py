"""What the coding officer's screens ask of coding and registration."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from olymp_portal.clients import Caller, Refused


@dataclass(frozen=True)
class QueuedPage:
    page_id: uuid.UUID
    kind: str
    code_read: str | None
    reason: str | None
    station_subject: str
    source: str


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


async def manual_queue(caller: Caller, olympiad_id: uuid.UUID) -> list[QueuedPage]:
    listed = await caller.get_json("coding", f"/olympiads/{olympiad_id}/scans/manual")
    return [
        QueuedPage(
            page_id=uuid.UUID(item["page_id"]),
            kind=item["kind"],
            code_read=item.get("code_read"),
            reason=item.get("reason"),
            station_subject=item["station_subject"],
            source=f"{item['source_file']}, стр. {item['source_page']}",
        )
        for item in listed["pages"]
    ]


async def image(caller: Caller, olympiad_id: uuid.UUID, page_id: uuid.UUID) -> tuple[bytes, str]:
    response = await caller.call("coding", "GET", f"/olympiads/{olympiad_id}/scans/{page_id}/image")
    return response.content, response.headers.get("content-type", "application/octet-stream")


KINDS = {"answer": "лист ответов", "title": "титульный лист"}


async def assign(
    caller: Caller,
    olympiad_id: uuid.UUID,
    page_id: uuid.UUID,
    work_code: str,
    subject_code: str,
    kind: str,
) -> str | None:
    """Assign the page to the work; None when done, else what was refused (shown on its card)."""
    if not work_code:
        return "Введите шифр работы с наклейки."
    if kind not in KINDS:
        return "Выберите, что это за страница: лист ответов или титульный лист."
    try:
        await caller.call(
            "coding",
            "POST",
            f"/olympiads/{olympiad_id}/scans/{page_id}/assignment",
            json={"work_code": work_code, "subject_code": subject_code, "kind": kind},
        )
    except Refused as refusal:
        return refusal.detail
    return None
