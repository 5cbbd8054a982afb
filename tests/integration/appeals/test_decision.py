"""§106–107, §109–110, §112, §114 through the HTTP API: votes, the decision and what it publishes."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from olymp_core.auth import Role, ScopeKind
from olymp_core.contracts.scoring import ScoredWork, WorkRescored

from .conftest import Olympiad

pytestmark = pytest.mark.integration

FIVE = ["chair", "m1", "m2", "m3", "m4"]


async def test_p106_majority_of_listed_members_not_of_those_voting(olympiad: Olympiad) -> None:
    appeal_id = await olympiad.ready_appeal(FIVE, tasks=[1, 3])
    for member in ("chair", "m1"):
        assert (await olympiad.vote(appeal_id, member, "raise", {"1": "8"})).status_code == 201

    two_of_five = await olympiad.decide(appeal_id)

    assert two_of_five.status_code == 200, two_of_five.text
    assert two_of_five.json()["final"] is False
    assert two_of_five.json()["resolution"] == "решение не принято"
    assert two_of_five.json()["outcome"] is None
    assert await olympiad.decided_events() == []

    assert (await olympiad.vote(appeal_id, "m2", "raise", {"1": "8"})).status_code == 201
    three_of_five = await olympiad.decide(appeal_id)

    body = three_of_five.json()
    assert three_of_five.status_code == 200, three_of_five.text
    assert body["final"] is True
    assert body["outcome"] == "raise"
    assert body["outcome_text"] == "удовлетворить апелляцию с повышением количества баллов"
    assert body["new_task_scores"] == {"1": "8"}
    assert body["total_before"] == "13.5"
    assert body["total_after"] == "15.5"
    [event] = await olympiad.decided_events()
    assert event["appeal_id"] == appeal_id
    assert event["outcome"] == "raise"
    assert event["new_task_scores"] == {"1": "8"}
    assert event["grade"] == 9
    assert event["work_code"].startswith("M9-")
    assert "participant_id" not in event  # scoring sees the code, never the person behind it
    actions = await olympiad.audit_actions(appeal_id)
    assert [a for a, _ in actions if a == "appeal.vote_cast"] == ["appeal.vote_cast"] * 3
    assert actions[-1] == ("appeal.decided", "chair")


async def test_the_same_vote_sent_again_is_recorded_once_and_a_changed_one_replaces_it(
    olympiad: Olympiad,
) -> None:
    """A retry after a lost answer repeats the vote: it stands once in the audit trail; a member
    who changes their mind replaces their vote, and that change is audited."""
    appeal_id = await olympiad.ready_appeal(FIVE, tasks=[1])
    heard = await olympiad.hearing(appeal_id, present=True, by="chair")
    assert heard.status_code == 200, heard.text
    for _ in range(2):
        assert (await olympiad.vote(appeal_id, "m1", "raise", {"1": "8"})).status_code == 201
    actions = await olympiad.audit_actions(appeal_id)
    assert [a for a, _ in actions if a == "appeal.vote_cast"] == ["appeal.vote_cast"]
    assert [a for a, _ in actions if a == "appeal.hearing_recorded"] == ["appeal.hearing_recorded"]

    assert (await olympiad.vote(appeal_id, "m1", "raise", {"1": "9"})).status_code == 201
    assert (await olympiad.vote(appeal_id, "m1", "reject")).status_code == 201
    actions = await olympiad.audit_actions(appeal_id)
    assert [a for a, _ in actions if a == "appeal.vote_cast"] == ["appeal.vote_cast"] * 3


async def test_p107_chair_vote_decides_a_tie(olympiad: Olympiad) -> None:
    appeal_id = await olympiad.ready_appeal(FIVE, tasks=[2])
    await olympiad.vote(appeal_id, "chair", "lower", {"2": "2"})
    await olympiad.vote(appeal_id, "m1", "lower", {"2": "2"})
    await olympiad.vote(appeal_id, "m2", "reject")
    await olympiad.vote(appeal_id, "m3", "reject")

    response = await olympiad.decide(appeal_id, by="chair")

    body = response.json()
    assert response.status_code == 200, response.text
    assert (body["outcome"], body["by_casting_vote"]) == ("lower", True)
    assert body["new_task_scores"] == {"2": "2"}
    [event] = await olympiad.decided_events()
    assert (event["outcome"], event["new_task_scores"]) == ("lower", {"2": "2"})


async def test_p112_rejection_keeps_scores_and_publishes_no_changes(olympiad: Olympiad) -> None:
    appeal_id = await olympiad.ready_appeal(["chair", "m1", "m2"], tasks=[1])
    await olympiad.vote(appeal_id, "m1", "reject")
    await olympiad.vote(appeal_id, "m2", "reject")

    response = await olympiad.decide(appeal_id)

    assert (response.json()["outcome"], response.json()["new_task_scores"]) == ("reject", {})
    [event] = await olympiad.decided_events()
    assert (event["outcome"], event["new_task_scores"]) == ("reject", {})


async def test_p105_p112_motion_outside_appealed_tasks_or_not_raising_refused(
    olympiad: Olympiad,
) -> None:
    appeal_id = await olympiad.ready_appeal(["chair", "m1", "m2"], tasks=[1])

    other_task = await olympiad.vote(appeal_id, "m1", "raise", {"2": "9"})
    not_higher = await olympiad.vote(appeal_id, "m1", "raise", {"1": "5"})
    above_max = await olympiad.vote(appeal_id, "m1", "raise", {"1": "11"})

    assert other_task.status_code == 422
    assert "не указано в заявлении" in other_task.json()["detail"]
    assert not_higher.status_code == 422
    assert "не повышает" in not_higher.json()["detail"]
    assert above_max.status_code == 422


async def test_p110_no_show_without_documented_reason_not_reviewed_on_merits(
    olympiad: Olympiad,
) -> None:
    appeal_id = await olympiad.ready_appeal(["chair", "m1", "m2"], tasks=[1], present=False)

    vote = await olympiad.vote(appeal_id, "m1", "raise", {"1": "9"})
    decision = await olympiad.decide(appeal_id)

    assert vote.status_code == 422
    assert "п. 110" in vote.json()["detail"]
    assert decision.status_code == 200, decision.text
    assert decision.json()["resolution"] == "апелляция не рассматривалась по существу"
    assert (decision.json()["outcome"], decision.json()["new_task_scores"]) == ("not_reviewed", {})
    # Nothing for scoring to apply: the scores stay as the preliminary protocol has them.
    assert await olympiad.decided_events() == []
    assert ("appeal.decided", "chair") in await olympiad.audit_actions(appeal_id)


async def test_p109_absence_with_documented_reason_is_reviewed_without_participant(
    olympiad: Olympiad,
) -> None:
    appeal_id = await olympiad.ready_appeal(["chair", "m1", "m2"], tasks=[3], present=False)
    excused = await olympiad.hearing(appeal_id, present=False, documented=True)
    await olympiad.vote(appeal_id, "chair", "raise", {"3": "6.5"})
    await olympiad.vote(appeal_id, "m2", "raise", {"3": "6.5"})

    response = await olympiad.decide(appeal_id)

    assert excused.status_code == 200
    assert (response.json()["outcome"], response.json()["new_task_scores"]) == (
        "raise",
        {"3": "6.5"},
    )


async def test_p114_decision_is_final(olympiad: Olympiad) -> None:
    appeal_id = await olympiad.ready_appeal(["chair", "m1", "m2"], tasks=[1])
    await olympiad.vote(appeal_id, "chair", "reject")
    await olympiad.vote(appeal_id, "m1", "reject")
    first = await olympiad.decide(appeal_id)

    again = await olympiad.decide(appeal_id, by="chair")  # a retry after a lost answer
    late_vote = await olympiad.vote(appeal_id, "m2", "raise", {"1": "9"})

    assert first.status_code == 200
    assert (again.status_code, again.json()) == (200, first.json())
    assert late_vote.status_code == 409
    assert "п. 114" in late_vote.json()["detail"]
    assert len(await olympiad.decided_events()) == 1
    actions = await olympiad.audit_actions(appeal_id)
    assert [a for a, _ in actions if a == "appeal.decided"] == ["appeal.decided"]


async def test_p114_a_decision_asked_again_after_the_rescoring_is_the_same_decision(
    olympiad: Olympiad,
) -> None:
    appeal_id = await olympiad.ready_appeal(FIVE, tasks=[1])
    for member in ("chair", "m1", "m2"):
        await olympiad.vote(appeal_id, member, "raise", {"1": "8"})
    first = await olympiad.decide(appeal_id)
    [event] = await olympiad.decided_events()
    # scoring applies it and tells appeals the new scores of the work
    await olympiad.appeals.svc.deliver(
        WorkRescored(
            olympiad_id=olympiad.olympiad_id,
            subject_code=olympiad.subject_code,
            grade=olympiad.grade,
            appeal_id=uuid.UUID(appeal_id),
            work=ScoredWork(
                work_code=event["work_code"],
                task_scores={"1": Decimal(8), "2": Decimal("3.5"), "3": Decimal(4)},
                total=Decimal("15.5"),
                max_total=Decimal(30),
            ),
        )
    )

    again = await olympiad.decide(appeal_id)

    assert first.status_code == 200, first.text
    assert (again.status_code, again.json()) == (200, first.json())
    assert again.json()["total_before"] == "13.5"
    assert len(await olympiad.decided_events()) == 1


async def test_only_listed_members_vote_and_only_the_chair_decides(olympiad: Olympiad) -> None:
    appeal_id = await olympiad.ready_appeal(["chair", "m1", "m2"], tasks=[1])

    stranger = await olympiad.vote(appeal_id, "m9", "reject")
    member_decides = await olympiad.decide(appeal_id, by="m1")
    observer_votes = await olympiad.client.post(
        f"{olympiad.base}/appeals/{appeal_id}/votes",
        json={"outcome": "reject"},
        headers=olympiad.auth(Role.OBSERVER, sub="chair"),
    )
    anonymous = await olympiad.client.post(f"{olympiad.base}/appeals/{appeal_id}/decision")
    other_subject = await olympiad.client.post(
        f"{olympiad.base}/appeals/{appeal_id}/decision",
        headers=olympiad.appeals.svc.auth(
            Role.JURY_CHAIR, sub="physics-chair", scopes={ScopeKind.SUBJECT: ["physics"]}
        ),
    )
    await olympiad.vote(appeal_id, "m1", "reject")
    await olympiad.vote(appeal_id, "m2", "reject")
    # the jury whose marks are appealed does not close the commission's vote, even its chair
    jury_chair = await olympiad.client.post(
        f"{olympiad.base}/appeals/{appeal_id}/decision",
        headers=olympiad.auth(Role.JURY_CHAIR, sub="chair"),
    )
    commission_chair = await olympiad.decide(appeal_id, by="chair")

    assert stranger.status_code == 403
    assert member_decides.status_code == 403
    assert "только председатель апелляционной комиссии (chair)" in member_decides.json()["detail"]
    assert observer_votes.status_code == 403
    assert anonymous.status_code == 401
    assert other_subject.status_code == 403
    assert jury_chair.status_code == 403
    assert commission_chair.status_code == 200
    assert commission_chair.json()["outcome"] == "reject"


async def test_p102_p107_an_even_commission_splits_two_two_and_its_chair_decides(
    olympiad: Olympiad,
) -> None:
    appoint = await olympiad.appoint(["chair", "m1", "m2", "m3"], chair="chair")
    assert appoint.status_code == 200, appoint.text
    assert (appoint.json()["majority"], appoint.json()["odd"]) == (3, False)
    appeal_id = await olympiad.ready_appeal(["chair", "m1", "m2", "m3"], tasks=[1])

    await olympiad.vote(appeal_id, "chair", "raise", {"1": "7"})
    await olympiad.vote(appeal_id, "m1", "raise", {"1": "7"})
    await olympiad.vote(appeal_id, "m2", "reject")
    await olympiad.vote(appeal_id, "m3", "reject")
    decided = await olympiad.decide(appeal_id, by="chair")

    assert decided.status_code == 200, decided.text
    assert decided.json()["outcome"] == "raise"
    assert decided.json()["by_casting_vote"] is True


async def test_p106_commission_is_frozen_once_members_voted(olympiad: Olympiad) -> None:
    appeal_id = await olympiad.ready_appeal(["chair", "m1", "m2"], tasks=[1])
    await olympiad.vote(appeal_id, "m1", "reject")

    response = await olympiad.appoint(["chair", "m1", "m2", "m3", "m4"], chair="chair")

    assert response.status_code == 409


async def test_p121_the_subjects_appeal_state_is_announced_after_every_change(
    olympiad: Olympiad,
) -> None:
    """Publishing approves no final table while the window is open or an appeal is undecided:
    it learns both from these statements, numbered so that a late one cannot undo a newer one."""
    appeal_id = await olympiad.ready_appeal(["chair", "m1", "m2"], tasks=[1])
    await olympiad.vote(appeal_id, "m1", "reject")
    await olympiad.vote(appeal_id, "m2", "reject")
    assert (await olympiad.decide(appeal_id)).status_code == 200

    states = await olympiad.events("appeals.appeals_state.v1")
    # the window set, the appeal filed, the decision taken
    assert [s["revision"] for s in states] == [1, 2, 3]
    assert [s["undecided_by_grade"] for s in states] == [{}, {"9": 1}, {}]
    assert len({s["deadline"] for s in states}) == 1


async def test_p108_listed_members_read_the_hearing_with_the_work_code_and_votes(
    olympiad: Olympiad,
) -> None:
    appeal_id = await olympiad.ready_appeal(["chair", "m1", "m2"], tasks=[1, 2])
    await olympiad.vote(appeal_id, "m1", "raise", {"1": "7"})

    member = await olympiad.client.get(
        f"{olympiad.base}/appeals/{appeal_id}", headers=olympiad.auth(Role.APPEAL_MEMBER, sub="m2")
    )
    stranger = await olympiad.client.get(
        f"{olympiad.base}/appeals/{appeal_id}", headers=olympiad.auth(Role.APPEAL_MEMBER, sub="m9")
    )
    jury_chair = await olympiad.client.get(
        f"{olympiad.base}/appeals/{appeal_id}", headers=olympiad.auth(Role.JURY_CHAIR, sub="chair")
    )

    assert member.status_code == 200, member.text
    hearing = member.json()
    assert hearing["work_code"].startswith("M9-")
    assert hearing["participant_name"] == "Ёлкина Алёна Фёдоровна"
    assert hearing["task_scores"] == {"1": "6", "2": "3.5", "3": "4"}
    assert hearing["appeal"]["tasks"] == [1, 2]
    assert (hearing["commission_chair"], hearing["majority"]) == ("chair", 2)
    assert hearing["votes"] == [
        {"member_id": "m1", "outcome": "raise", "new_task_scores": {"1": "7"}}
    ]
    assert stranger.status_code == 403
    assert jury_chair.status_code == 403
