"""What the chair's screens ask of scoring."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
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


THRESHOLD_KINDS = {"points": "баллы", "share_of_max": "доля максимального балла задания"}
RULES = {
    "third_mark_decides": "балл третьего члена жюри",
    "mean_of_closest_pair": "среднее двух ближайших оценок",
}
SCHEME_ROWS = 12  # task rows on the form; blank ones are not tasks


@dataclass(frozen=True)
class SchemeForm:
    """The marking criteria as typed (text, so a refused form comes back exactly as it was)."""

    maxima: dict[int, str]
    step: str = "0,5"
    threshold_kind: str = "points"
    threshold_value: str = "2"
    rule: str = "third_mark_decides"

    @classmethod
    def typed(cls, form: Mapping[str, Any]) -> SchemeForm:
        maxima = {n: str(form.get(f"max-{n}") or "").strip() for n in range(1, SCHEME_ROWS + 1)}
        return cls(
            maxima,
            str(form.get("step") or "").strip(),
            str(form.get("threshold_kind") or "points"),
            str(form.get("threshold_value") or "").strip(),
            str(form.get("rule") or "third_mark_decides"),
        )

    @classmethod
    def stored(cls, scheme: Mapping[str, Any]) -> SchemeForm:
        maxima = {int(t["number"]): _comma(t["max_points"]) for t in scheme["tasks"]}
        return cls(
            maxima,
            _comma(scheme["step"]),
            str(scheme["threshold"]["kind"]),
            _comma(scheme["threshold"]["value"]),
            str(scheme["rule"]),
        )


def _comma(value: object) -> str:
    return str(value).replace(".", ",")


async def scheme(caller: Caller, ref: SubjectGradeRef) -> SchemeForm | None:
    """The criteria as set, or None when the chair has not set them yet."""
    try:
        found = await caller.get_json("scoring", ref.path + "/scheme")
    except Refused as refusal:
        if refusal.status == 409:  # criteria missing: the form starts empty
            return None
        raise
    return SchemeForm.stored(found)


async def set_scheme(caller: Caller, ref: SubjectGradeRef, form: SchemeForm) -> str | None:
    """Send the criteria; None when set, else what was refused (shown above the form)."""
    tasks = []
    for number, text in sorted(form.maxima.items()):
        if not text:
            continue
        try:
            tasks.append({"number": number, "max_points": str(Decimal(text.replace(",", ".")))})
        except InvalidOperation:
            return f"Максимальный балл задания {number} — не число: «{text}»."
    if not tasks:
        return "Укажите максимальный балл хотя бы одного задания."
    try:
        body = {
            "tasks": tasks,
            "step": str(Decimal(form.step.replace(",", "."))),
            "threshold": {
                "kind": form.threshold_kind,
                "value": str(Decimal(form.threshold_value.replace(",", "."))),
            },
            "rule": form.rule,
        }
    except InvalidOperation:
        return "Шаг и порог расхождения — числа, дробная часть через запятую, например 0,5."
    try:
        await caller.call("scoring", "PUT", ref.path + "/scheme", json=body)
    except Refused as refusal:
        return refusal.detail
    return None
