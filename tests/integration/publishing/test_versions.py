"""§117–121: final versions after appeals, the chair's ruling on a boundary tie, immutability."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from olymp_core.audit import audit_log
from olymp_core.auth import Role, ScopeKind
from olymp_core.clock import ManualClock
from olymp_core.contracts.appeals import AppealsState
from olymp_core.contracts.registration import (
    ScheduledRound,
    ScheduledSubject,
    SubjectScheduleChanged,
)
from olymp_core.contracts.scoring import ScoreCorrection
from olymp_core.testing.service import ServiceHarness
from olymp_publishing.store.tables import result_versions

from .conftest import PEOPLE, Subject, approve_final

pytestmark = pytest.mark.integration


async def test_p117_undecided_boundary_tie_blocks_the_final_until_the_chair_decides(
    svc: ServiceHarness, subject: Subject
) -> None:
    await svc.deliver(*subject.registered(), subject.decoded(), subject.checked())
    chair = svc.auth(Role.JURY_CHAIR, scopes={ScopeKind.SUBJECT: ["math"]})

    refused = await svc.client.post(f"{subject.jury}/final/submission", headers=chair)
    assert refused.status_code == 409
    problem = refused.json()
    assert problem["undecided_totals"] == ["35.5"]
    assert problem["ties"] == [
        {"total": "35.5", "participants": 3, "places_left": 1, "statuses": ["призёр", "участник"]}
    ]
    assert "председателя жюри" in problem["detail"]

    other_subject = svc.auth(Role.JURY_CHAIR, scopes={ScopeKind.SUBJECT: ["physics"]})
    decision = {"total": "35.5", "status": "призёр"}
    url = f"{subject.jury}/tie-decisions"
    assert (await svc.client.post(url, json=decision, headers=other_subject)).status_code == 403
    not_at_boundary = await svc.client.post(
        url, json={"total": "20", "status": "призёр"}, headers=chair
    )
    assert not_at_boundary.status_code == 409
    decided = await svc.client.post(url, json=decision, headers=chair)
    assert decided.status_code == 200
    assert decided.json()["status"] == "призёр"

    final = await approve_final(svc, subject)
    assert final.status_code == 201
    assert (final.json()["stage"], final.json()["version"]) == ("final", 2)
    rows = (await svc.client.get(subject.base)).json()["rows"]
    assert [r["status"] for r in rows] == [
        "победитель",
        "призёр",
        "призёр",
        "призёр",
        "участник",
        "участник",
    ]


async def test_the_same_final_asked_for_twice_is_one_version(
    svc: ServiceHarness, subject: Subject
) -> None:
    """A retry after a lost answer (or a double click) must not make a second, identical final
    version; after a change, asking again does make a new one."""
    await svc.deliver(*subject.registered(), subject.decoded(), subject.checked())
    await svc.deliver(subject.rescored("Жукова", "49"))
    organiser = svc.auth(Role.MUNICIPAL_COORDINATOR)

    first = await approve_final(svc, subject)
    again = await svc.client.post(f"{subject.jury}/final", headers=organiser)
    assert first.status_code == 201, first.text
    assert again.status_code == 201, again.text
    assert again.json()["version"] == first.json()["version"] == 2
    assert again.json()["sha256"] == first.json()["sha256"]

    await svc.deliver(subject.rescored("Жукова", "48"))
    changed = await approve_final(svc, subject)
    assert changed.json()["version"] == 3


async def test_p121_final_after_a_rescore_is_a_new_version_and_the_first_stays(
    svc: ServiceHarness, subject: Subject
) -> None:
    await svc.deliver(*subject.registered(), subject.decoded(), subject.checked())
    first = (await svc.client.get(subject.base)).json()

    # The appeal raises Жукова above everyone: the tie at 35.5 now falls wholly below the quota.
    await svc.deliver(subject.rescored("Жукова", "49"))
    assert (await svc.client.get(subject.base)).json() == first

    final = await approve_final(svc, subject)
    assert final.status_code == 201, final.text
    assert final.json()["version"] == 2

    latest = (await svc.client.get(subject.base)).json()
    assert (latest["stage"], latest["version"]) == ("final", 2)
    assert [(r["participant"], r["status"]) for r in latest["rows"][:2]] == [
        ("Жукова М. П.", "победитель"),
        ("Абрамов П. И.", "призёр"),
    ]
    again = await svc.client.get(subject.base, params={"stage": "preliminary"})
    assert again.json() == first
    assert (await svc.client.get(subject.base, params={"version": 1})).json() == first
    assert (await svc.client.get(subject.base, params={"version": 3})).status_code == 404
    index = (await svc.client.get(f"/results/{subject.olympiad_id}")).json()["tables"][0]
    assert [(v["version"], v["stage"]) for v in index["versions"]] == [
        (1, "preliminary"),
        (2, "final"),
    ]

    async with svc.uows() as uow:
        with pytest.raises(DBAPIError, match="append-only"):
            await uow.session.execute(
                sa.update(result_versions)
                .where(result_versions.c.version == 1)
                .values(sha256="0" * 64)
            )


async def stored_protocol(svc: ServiceHarness, subject: Subject, version: int) -> dict[str, Any]:
    async with svc.uows() as uow:
        protocol = await uow.session.scalar(
            sa.select(result_versions.c.protocol).where(
                result_versions.c.olympiad_id == subject.olympiad_id,
                result_versions.c.version == version,
            )
        )
    assert protocol is not None
    return dict(protocol)


async def test_p119_a_work_annulled_after_the_preliminary_is_not_ranked_in_the_final(
    svc: ServiceHarness, subject: Subject
) -> None:
    await svc.deliver(*subject.registered(), subject.decoded(), subject.checked())
    preliminary = (await svc.client.get(subject.base)).json()
    assert preliminary["rows"][0]["participant"] == "Абрамов П. И."
    before = await stored_protocol(svc, subject, 1)
    assert (len(before["rows"]), before["quota_places"]) == (6, 2)

    # The organising committee learns of Абрамов's violation (§119); scoring announces again.
    await svc.deliver(subject.checked(annulled=("Абрамов",)))
    chair = svc.auth(Role.JURY_CHAIR)
    decided = await svc.client.post(
        f"{subject.jury}/tie-decisions", json={"total": "35.5", "status": "призёр"}, headers=chair
    )
    assert decided.status_code == 200, decided.text
    final = await approve_final(svc, subject)
    assert final.status_code == 201, final.text

    rows = (await svc.client.get(subject.base)).json()["rows"]
    assert "Абрамов П. И." not in [r["participant"] for r in rows]
    assert [(r["place"], r["participant"]) for r in rows[:3]] == [
        ("1–3", "Ёлкина А. В."),
        ("1–3", "Ельцова И."),
        ("1–3", "Жукова М. П."),
    ]
    protocol = await stored_protocol(svc, subject, 2)
    # the quota is counted over the five works still ranked, not six
    assert (len(protocol["rows"]), protocol["quota_places"]) == (5, 2)
    assert sorted(row["surname"] for row in protocol["annulled"]) == ["Абрамов", "Морозов"]
    # the published preliminary version stays as it was
    assert (await svc.client.get(subject.base, params={"version": 1})).json() == preliminary


async def test_p119_a_late_older_statement_does_not_undo_a_newer_change(
    svc: ServiceHarness, subject: Subject
) -> None:
    await svc.deliver(*subject.registered(), subject.decoded(), subject.checked())
    stale = subject.checked()  # numbered 2, but delivered after the appeal numbered 3
    await svc.deliver(subject.rescored("Жукова", "49"), stale)
    final = await approve_final(svc, subject)
    assert final.status_code == 201, final.text
    rows = (await svc.client.get(subject.base)).json()["rows"]
    assert (rows[0]["participant"], rows[0]["total"]) == ("Жукова М. П.", "49")


def appeals_state(
    subject: Subject, deadline: dt.datetime, undecided: dict[str, int], revision: int
) -> AppealsState:
    return AppealsState(
        olympiad_id=subject.olympiad_id,
        subject_code="math",
        deadline=deadline,
        undecided_by_grade=undecided,
        revision=revision,
    )


async def test_p121_the_organiser_approves_only_what_the_chair_submitted(
    svc: ServiceHarness, subject: Subject
) -> None:
    await svc.deliver(*subject.registered(), subject.decoded(), subject.checked())
    await svc.deliver(subject.rescored("Жукова", "49"))
    organiser = svc.auth(Role.MUNICIPAL_COORDINATOR)
    chair = svc.auth(Role.JURY_CHAIR, scopes={ScopeKind.SUBJECT: ["math"]})

    early = await svc.client.post(f"{subject.jury}/final", headers=organiser)
    assert early.status_code == 409
    assert early.json()["title"] == "Итоговые результаты не переданы на утверждение"
    assert "final/submission" in early.json()["detail"]
    # the chair alone cannot approve (§121: the organiser does)
    assert (await svc.client.post(f"{subject.jury}/final", headers=chair)).status_code == 403

    for _ in range(2):  # the second is a retry after a lost answer: it stands once
        sent = await svc.client.post(f"{subject.jury}/final/submission", headers=chair)
        assert sent.status_code == 201 and sent.json()["submitted"] is True
    approved = await svc.client.post(f"{subject.jury}/final", headers=organiser)
    assert approved.status_code == 201, approved.text
    status = (await svc.client.get(f"{subject.jury}/final/status", headers=chair)).json()
    assert status["submitted"] is False  # the submission was used by the approval
    async with svc.uows() as uow:
        actions = list(
            await uow.session.scalars(
                sa.select(audit_log.c.action).where(
                    audit_log.c.object_id.like(f"{subject.olympiad_id}/%")
                )
            )
        )
    assert actions.count("results.final_submitted") == 1  # the second submission is a retry
    assert "results.final_approved" in actions


async def test_p121_approval_refused_with_an_open_appeal_window_or_an_undecided_appeal(
    svc: ServiceHarness, subject: Subject, clock: ManualClock
) -> None:
    await svc.deliver(subject.created())  # Asia/Omsk
    await svc.deliver(*subject.registered(), subject.decoded(), subject.checked())
    await svc.deliver(subject.rescored("Жукова", "49"))
    deadline = clock.now() + dt.timedelta(days=2)
    # the appeals service's statements arrive out of order: the older one changes nothing
    await svc.deliver(
        appeals_state(subject, deadline, {"9": 1}, revision=2),
        appeals_state(subject, deadline, {}, revision=1),
    )
    organiser = svc.auth(Role.MUNICIPAL_COORDINATOR)
    chair = svc.auth(Role.JURY_CHAIR, scopes={ScopeKind.SUBJECT: ["math"]})
    url = f"{subject.jury}/final"
    assert (await svc.client.post(url + "/submission", headers=chair)).status_code == 201

    refused = await svc.client.post(url, headers=organiser)
    assert refused.status_code == 409
    problem = refused.json()
    assert problem["title"] == "Апелляции ещё не завершены"
    local_deadline = (deadline + dt.timedelta(hours=6)).strftime("%d.%m.%Y %H:%M")
    assert problem["reasons"] == [
        f"приём апелляций открыт до {local_deadline} (Asia/Omsk) (п. 96)",
        "апелляций этой параллели без решения апелляционной комиссии: 1 (п. 112–114)",
    ]
    status = (await svc.client.get(url + "/status", headers=organiser)).json()
    assert (status["submitted"], status["can_approve"], status["undecided_appeals"]) == (
        True,
        False,
        1,
    )

    clock.advance(dt.timedelta(days=3))  # the window closed; the appeal is still undecided
    still = await svc.client.post(url, headers=organiser)
    assert still.json()["reasons"] == [
        "апелляций этой параллели без решения апелляционной комиссии: 1 (п. 112–114)"
    ]
    await svc.deliver(appeals_state(subject, deadline, {}, revision=3))
    approved = await svc.client.post(url, headers=organiser)
    assert approved.status_code == 201, approved.text
    assert approved.json()["stage"] == "final"


async def test_p121_the_status_counts_21_days_from_the_last_round_and_warns_from_day_18(
    svc: ServiceHarness, subject: Subject, clock: ManualClock
) -> None:
    round_ends = clock.now() - dt.timedelta(hours=1)
    created = subject.created().model_copy(
        update={
            "subjects": (
                ScheduledSubject(
                    subject_code="math",
                    day=round_ends.date(),
                    round_starts_at=round_ends - dt.timedelta(hours=4),
                    round_ends_at=round_ends,
                ),
            )
        }
    )
    await svc.deliver(created, *subject.registered(), subject.decoded(), subject.checked())
    url = f"{subject.jury}/final/status"
    organiser = svc.auth(Role.MUNICIPAL_COORDINATOR)
    first = (await svc.client.get(url, headers=organiser)).json()
    last_day = dt.date.fromisoformat(first["last_round_day"])
    assert dt.date.fromisoformat(first["approval_due"]) == last_day + dt.timedelta(days=21)
    assert (first["approval_day"], first["approval_warning"]) == (0, False)

    clock.advance(dt.timedelta(days=18))
    warned = (await svc.client.get(url, headers=organiser)).json()
    assert (warned["approval_day"], warned["approval_warning"]) == (18, True)
    assert "осталось 3 дн." in warned["approval_term"]
    clock.advance(dt.timedelta(days=4))
    late = (await svc.client.get(url, headers=organiser)).json()
    assert late["approval_overdue"] is True and "истёк" in late["approval_term"]


async def test_p60_p121_a_round_added_later_moves_the_approval_term(
    svc: ServiceHarness, subject: Subject, clock: ManualClock
) -> None:
    written_ends = clock.now() - dt.timedelta(hours=1)
    written = ScheduledSubject(
        subject_code="math",
        day=written_ends.date(),
        round_starts_at=written_ends - dt.timedelta(hours=4),
        round_ends_at=written_ends,
    )
    created = subject.created().model_copy(update={"subjects": (written,)})
    # the set-up adds a second round two days later (as the oral round of German, §60)
    later_ends = written_ends + dt.timedelta(days=2)
    changed = SubjectScheduleChanged(
        olympiad_id=created.olympiad_id,
        subject_code="math",
        rounds=(
            ScheduledRound(
                round_code="written",
                day=written.day,
                starts_at=written.round_starts_at,
                ends_at=written_ends,
            ),
            ScheduledRound(
                round_code="oral",
                day=later_ends.date(),
                starts_at=later_ends - dt.timedelta(hours=2),
                ends_at=later_ends,
            ),
        ),
    )
    await svc.deliver(created, changed, *subject.registered(), subject.decoded(), subject.checked())
    status = (
        await svc.client.get(
            f"{subject.jury}/final/status", headers=svc.auth(Role.MUNICIPAL_COORDINATOR)
        )
    ).json()
    assert dt.date.fromisoformat(status["last_round_day"]) == written.day + dt.timedelta(days=2)
    assert dt.date.fromisoformat(status["approval_due"]) == written.day + dt.timedelta(days=23)


async def test_p120_a_correction_after_approval_is_published_as_a_new_final_version(
    svc: ServiceHarness, subject: Subject
) -> None:
    await svc.deliver(*subject.registered(), subject.decoded(), subject.checked())
    await svc.deliver(subject.rescored("Жукова", "49"))
    assert (await approve_final(svc, subject)).json()["version"] == 2

    # the organiser finds that Кузнецов's 20 was transcribed from a sheet that says 25
    reason = "ошибка при переносе баллов за задание 1 из бланка в протокол"
    statement = subject.checked().model_copy(
        update={
            "works": tuple(
                subject.work(surname, "49" if surname == "Жукова" else total)
                if surname != "Кузнецов"
                else subject.work("Кузнецов", "25")
                for surname, *_, total, _ in PEOPLE
            ),
            "correction": ScoreCorrection(
                work_code=subject.codes["Кузнецов"], reason=reason, corrected_by="komitet"
            ),
        }
    )
    await svc.deliver(statement)

    latest = (await svc.client.get(subject.base)).json()
    assert (latest["stage"], latest["version"]) == ("final", 3)
    assert latest["note"] == (
        f"Исправление технической ошибки (п. 120), работа {subject.codes['Кузнецов']}: {reason}"
    )
    kuznetsov = [r for r in latest["rows"] if r["participant"] == "Кузнецов О. О."]
    assert [r["total"] for r in kuznetsov] == ["25"]
    earlier = (await svc.client.get(subject.base, params={"version": 2})).json()
    assert "note" not in earlier
    index = (await svc.client.get(f"/results/{subject.olympiad_id}")).json()["tables"][0]
    assert [(v["version"], v["note"] is not None) for v in index["versions"]] == [
        (1, False),
        (2, False),
        (3, True),
    ]
    page = (await svc.client.get(f"{subject.base}.html")).text
    assert "Исправление технической ошибки (п. 120)" in page
    async with svc.uows() as uow:
        actions = list(
            await uow.session.scalars(
                sa.select(audit_log.c.action).where(audit_log.c.actor == "komitet")
            )
        )
    assert "results.corrected" in actions
