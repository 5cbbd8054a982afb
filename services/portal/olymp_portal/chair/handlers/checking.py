"""The course of checking as the chair sees it: works, progress, annulment, the criteria (scoring)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from olymp_portal.clients import Caller, Refused
from olymp_portal.marking.handlers import (
    Rounds,
    ScanPage,
    SubjectGradeRef,
    Task,
    scan_pages,
    scheme_tasks,
    work_rounds,
)

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


@dataclass(frozen=True)
class HeldWork:
    work_code: str
    third_mark: bool


@dataclass(frozen=True)
class MemberLine:
    """One jury member's part: works marked, and how often their pair's marks differed (§73)."""

    jury_member_id: str
    works_marked: int  # as one of the first two (§69)
    third_marks: int
    paired: int  # of their works, those both first members have marked
    disputed: int  # of those, works with a significant discrepancy on some task (scoring's call)
    held: tuple[HeldWork, ...]

    @property
    def rate(self) -> str:
        return percent(self.disputed, self.paired)


@dataclass(frozen=True)
class TaskLine:
    task_number: int
    marks: int
    pairs: int
    disputed: int
    awaiting_third: int  # works whose third mark of this task is still to come
    in_third_now: int  # of those, works held by a third member now

    @property
    def rate(self) -> str:
        return percent(self.disputed, self.pairs)


@dataclass(frozen=True)
class ChairProgress:
    totals: dict[str, int]
    members: tuple[MemberLine, ...]
    tasks: tuple[TaskLine, ...]


def percent(part: int, whole: int) -> str:
    """«12,5 %»; a dash before there is anything to count."""
    if not whole:
        return "—"
    return f"{round(100 * part / whole, 1):g}".replace(".", ",") + " %"


def chair_progress(found: Mapping[str, Any], lines: Sequence[WorkLine]) -> ChairProgress:
    """Scoring's progress, with what the chair also asks of it: per member, how many of their
    works went to a third member, and per task, the third marks waiting and under way now.

    Nothing is judged here: a work is disputed when scoring says so (it needs a third mark, or a
    third member has marked it), and `jury_member_ids` lists the first two members first.
    """
    held_third = {
        claim["work_code"]
        for member in found["members"]
        for claim in member["claims"]
        if claim.get("third_mark")
    }
    paired: dict[str, int] = {}
    disputed: dict[str, int] = {}
    awaiting: dict[int, int] = {}
    under_way: dict[int, int] = {}
    for line in lines:
        if line.status == "annulled" or len(line.markers) < 2:
            continue
        dispute = len(line.markers) > 2 or bool(line.open_tasks)
        for member in line.markers[:2]:
            paired[member] = paired.get(member, 0) + 1
            disputed[member] = disputed.get(member, 0) + int(dispute)
        for number in line.open_tasks:
            awaiting[number] = awaiting.get(number, 0) + 1
            if line.work_code in held_third:
                under_way[number] = under_way.get(number, 0) + 1
    members = tuple(
        MemberLine(
            jury_member_id=m["jury_member_id"],
            works_marked=int(m["works_marked"]),
            third_marks=int(m["third_marks"]),
            paired=paired.get(m["jury_member_id"], 0),
            disputed=disputed.get(m["jury_member_id"], 0),
            held=tuple(HeldWork(c["work_code"], bool(c.get("third_mark"))) for c in m["claims"]),
        )
        for m in found["members"]
    )
    tasks = tuple(
        TaskLine(
            task_number=int(t["task_number"]),
            marks=int(t["marks"]),
            pairs=int(t["pairs"]),
            disputed=int(t["disputed"]),
            awaiting_third=awaiting.get(int(t["task_number"]), 0),
            in_third_now=under_way.get(int(t["task_number"]), 0),
        )
        for t in found.get("tasks") or ()
    )
    return ChairProgress(dict(found["totals"]), members, tasks)


async def progress(caller: Caller, ref: SubjectGradeRef) -> tuple[ChairProgress, list[WorkLine]]:
    """The progress and the works (one read of each, asked at once)."""
    found, lines = await asyncio.gather(
        caller.get_json("scoring", ref.path + "/marking-progress"), works(caller, ref)
    )
    return chair_progress(found, lines), lines


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


@dataclass(frozen=True)
class WorkReview:
    """One work as the chair reviews it: its pages and every round's points, marks and comment."""

    ref: SubjectGradeRef
    work_code: str
    tasks: tuple[Task, ...]
    pages: tuple[ScanPage, ...]
    rounds: Rounds
    line: WorkLine | None


async def work_review(caller: Caller, ref: SubjectGradeRef, work_code: str) -> WorkReview:
    scheme, pages, rounds, line = await asyncio.gather(
        caller.get_json("scoring", ref.path + "/scheme"),
        scan_pages(caller, ref.olympiad_id, work_code),
        work_rounds(caller, ref.olympiad_id, work_code),
        work(caller, ref, work_code),
    )
    tasks = tuple(task for _, task in sorted(scheme_tasks(scheme).items()))
    return WorkReview(ref, work_code, tasks, pages, rounds, line)
