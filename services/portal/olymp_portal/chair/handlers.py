"""What the chair's screens ask of scoring."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from olymp_portal.clients import Caller, Refused
from olymp_portal.marking.handlers import SubjectGradeRef

# §47, §52, §68 identifying marks; §53 removal; §119 a violation found before approval
ANNULMENT_REASONS = {
    "identifying_marks": "пометки, позволяющие идентифицировать участника (п. 47, 52, 68)",
    "removed_from_venue": "участник удалён из аудитории, составлен акт удаления (п. 53)",
    "violation_before_approval": "нарушение выявлено до утверждения итоговых результатов (п. 119)",
}


@dataclass(frozen=True)
class WorkLine:
    work_code: str
    status: str
    status_label: str
    total: Decimal | None
    markers: tuple[str, ...]
    annulment_reason: str | None
    open_tasks: tuple[int, ...]


def _line(item: dict[str, Any]) -> WorkLine:
    return WorkLine(
        work_code=item["work_code"],
        status=item["status"],
        status_label=item["status_label"],
        total=Decimal(str(item["total"])) if item.get("total") is not None else None,
        markers=tuple(item.get("jury_member_ids") or ()),
        annulment_reason=item.get("annulment_reason"),
        open_tasks=tuple(item.get("needs_third_mark_tasks") or ()),
    )


async def works(caller: Caller, ref: SubjectGradeRef) -> list[WorkLine]:
    listed = await caller.get_json("scoring", ref.path + "/works")
    return [_line(item) for item in listed["works"]]


async def work(caller: Caller, ref: SubjectGradeRef, work_code: str) -> WorkLine | None:
    return next((line for line in await works(caller, ref) if line.work_code == work_code), None)


async def progress(caller: Caller, ref: SubjectGradeRef) -> dict[str, Any]:
    found: dict[str, Any] = await caller.get_json("scoring", ref.path + "/marking-progress")
    return found


async def annul(caller: Caller, ref: SubjectGradeRef, work_code: str, reason: str) -> str | None:
    """Annul the work; None when done, else what was refused (shown in the work's row)."""
    if reason not in ANNULMENT_REASONS:
        return "Выберите основание аннулирования из списка."
    try:
        await caller.call(
            "scoring",
            "POST",
            f"/olympiads/{ref.olympiad_id}/works/{work_code}/annulment",
            json={"reason": reason},
        )
    except Refused as refusal:
        return refusal.detail
    return None
