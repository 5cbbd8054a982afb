"""The appeals of the demo day: one rejected, one raised, one lowered, one decided by the chair."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from olymp_core.auth import Role

if TYPE_CHECKING:
    from olymp_cli.demo.day import OlympiadDay

SUBJECT = "math"
VENUE = "МБОУ «Средняя общеобразовательная школа № 12»"


async def run_appeals(day: OlympiadDay) -> dict[str, dict[str, Any]]:
    """File, hear, vote on and decide four appeals; returns each decision as the service gave it."""
    from olymp_cli.demo.day import COMMISSION

    suite, oid = day.suite, day.oid
    chair, second, third, fourth = COMMISSION
    await suite.json(
        "PUT",
        "appeals",
        f"/olympiads/{oid}/subjects/{SUBJECT}/commission",
        json={"members": list(COMMISSION), "chair": chair},
        role=Role.MUNICIPAL_COORDINATOR,
    )
    # the analysis of tasks and the show of works have just taken place (§82–89): filing is open
    now = dt.datetime.now(dt.UTC)
    await suite.json(
        "PUT",
        "appeals",
        f"/olympiads/{oid}/subjects/{SUBJECT}/analysis-and-show",
        json={
            "analysis": {
                "starts_at": (now - dt.timedelta(hours=3)).isoformat(),
                "ends_at": (now - dt.timedelta(hours=2)).isoformat(),
                "place": f"{VENUE}, актовый зал",
                "online_url": "",
            },
            "show": {
                "starts_at": (now - dt.timedelta(hours=2)).isoformat(),
                "ends_at": now.isoformat(),
                "place": f"{VENUE}, кабинет 204",
                "online_url": "",
            },
        },
        role=Role.MUNICIPAL_COORDINATOR,
    )
    codes = await suite.json(
        "GET", "coding", f"/olympiads/{oid}/subjects/{SUBJECT}/codes", role=Role.CODING_OFFICER
    )
    candidates = [
        entry
        for entry in sorted(codes["entries"], key=lambda e: day.rank[str(e["participant_id"])])
        if Decimal(1) <= day.task_one.get(entry["work_code"], Decimal(-1)) <= Decimal(9)
    ][:4]
    if len(candidates) < 4:
        raise RuntimeError("the demo needs four checked mathematics works to appeal")
    plans: list[tuple[str, dict[str, Any], dict[str, dict[str, Any]]]] = []
    for label, entry in zip(("reject", "raise", "lower", "casting"), candidates, strict=True):
        current = day.task_one[entry["work_code"]]
        raised = {"outcome": "raise", "new_task_scores": {"1": str(current + 1)}}
        lowered = {"outcome": "lower", "new_task_scores": {"1": str(current - 1)}}
        reject: dict[str, Any] = {"outcome": "reject", "new_task_scores": {}}
        votes = {
            "reject": {chair: reject, second: reject, third: reject, fourth: reject},
            "raise": {chair: raised, second: raised, third: raised, fourth: reject},
            "lower": {chair: lowered, second: lowered, third: lowered, fourth: reject},
            # two for, two against: a tie the chair's vote decides (§107)
            "casting": {chair: raised, second: raised, third: reject, fourth: reject},
        }[label]
        plans.append((label, entry, votes))
    outcomes: dict[str, dict[str, Any]] = {}
    for label, entry, votes in plans:
        appeal = await suite.json(
            "POST",
            "appeals",
            f"/olympiads/{oid}/appeals",
            json={
                "participant_id": entry["participant_id"],
                "subject_code": SUBJECT,
                "tasks": [1],
                "statement": "Прошу пересмотреть оценку задания 1.",
            },
            role=Role.APPEAL_MEMBER,
            sub=chair,
        )
        path = f"/olympiads/{oid}/appeals/{appeal['appeal_id']}"
        await suite.json(
            "POST",
            "appeals",
            path + "/hearing",
            json={"participant_present": True, "valid_reason_documented": False},
            role=Role.APPEAL_MEMBER,
            sub=chair,
        )
        for member, vote in votes.items():
            await suite.json(
                "POST", "appeals", path + "/votes", json=vote, role=Role.APPEAL_MEMBER, sub=member
            )
        decision = await suite.json(
            "POST", "appeals", path + "/decision", role=Role.APPEAL_MEMBER, sub=chair
        )
        outcomes[label] = decision
    return outcomes
