"""§89, §96, §102, §105 through the HTTP API: the analysis and show, the deadline in working days,
filing, the commission."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from olymp_core.auth import Role
from olymp_core.clock import local_instant
from olymp_core.contracts.registration import OlympiadCreated
from olymp_core.testing.events import eventually
from olymp_core.testing.events import publish_to_broker as publish

from .conftest import ZONE, Olympiad

pytestmark = pytest.mark.integration

END_OF_DAY = dt.time(23, 59, 59, 999999)


@pytest.mark.parametrize(
    ("show_day", "deadline_day"),
    [
        # Friday -> Monday, Tuesday.
        (dt.date(2025, 11, 21), dt.date(2025, 11, 25)),
        # Friday 8 May 2026 -> Monday 11 May is off (9 May moved, art. 112) -> Tue 12, Wed 13.
        (dt.date(2026, 5, 8), dt.date(2026, 5, 13)),
        # Friday 31 Oct 2025 -> Saturday 1 Nov worked by decree, 3–4 Nov off -> Wed 5 Nov.
        (dt.date(2025, 10, 31), dt.date(2025, 11, 5)),
    ],
)
async def test_p96_deadline_is_end_of_second_working_day_after_show(
    olympiad: Olympiad, show_day: dt.date, deadline_day: dt.date
) -> None:
    response = await olympiad.open_window(local_instant(show_day, dt.time(17, 30), ZONE))

    assert response.status_code == 200, response.text
    deadline = dt.datetime.fromisoformat(response.json()["deadline"])
    assert deadline == local_instant(deadline_day, END_OF_DAY, ZONE)


async def test_p96_schedule_refuses_a_naive_instant_naming_the_field(olympiad: Olympiad) -> None:
    await olympiad.announce()
    body = olympiad.schedule(local_instant(dt.date(2025, 11, 21), dt.time(18), ZONE))
    body["show"]["ends_at"] = "2025-11-21T18:00:00"

    naive = await olympiad.put_schedule(body)

    assert naive.status_code == 422
    assert "show" in naive.text and "ends_at" in naive.text


async def test_p89_a_show_before_the_analysis_ends_is_refused_saying_what_to_fix(
    olympiad: Olympiad,
) -> None:
    await olympiad.announce()
    body = olympiad.schedule(local_instant(dt.date(2025, 11, 21), dt.time(18), ZONE))
    body["analysis"]["ends_at"] = body["show"]["ends_at"]

    refused = await olympiad.put_schedule(body)

    assert refused.status_code == 422
    assert "после анализа заданий (п. 89)" in refused.json()["detail"]
    assert await olympiad.audit_actions(f"{olympiad.olympiad_id}/math") == []


async def test_l_the_deadline_is_counted_in_the_olympiads_own_zone_and_the_schedule_is_public(
    olympiad: Olympiad,
) -> None:
    await olympiad.announce("Asia/Omsk")
    show_ends = local_instant(dt.date(2025, 11, 21), dt.time(17, 30), "Asia/Omsk")
    body = olympiad.schedule(show_ends)
    body["analysis"] = {
        "starts_at": local_instant(dt.date(2025, 11, 19), dt.time(9), "Asia/Omsk").isoformat(),
        "ends_at": local_instant(dt.date(2025, 11, 19), dt.time(10), "Asia/Omsk").isoformat(),
        "online_url": "https://vks.example.ru/analysis/math",
    }

    response = await olympiad.put_schedule(body)

    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["time_zone"] == "Asia/Omsk"
    assert dt.datetime.fromisoformat(answer["deadline"]) == local_instant(
        dt.date(2025, 11, 25), END_OF_DAY, "Asia/Omsk"
    )
    assert dt.datetime.fromisoformat(answer["opens_at"]) == dt.datetime.fromisoformat(
        body["show"]["starts_at"]
    )
    [(action, actor)] = await olympiad.audit_actions(f"{olympiad.olympiad_id}/math")
    assert (action, actor) == ("show_schedule.set", "tester")

    public = await olympiad.client.get(f"{olympiad.base}/schedule")  # no token: the public page
    assert public.status_code == 200, public.text
    [subject] = public.json()["subjects"]
    assert subject["subject_code"] == "math"
    assert subject["analysis"]["online_url"] == "https://vks.example.ru/analysis/math"
    assert subject["analysis"]["place"] == ""
    assert subject["show"]["place"] == "МБОУ «СОШ № 12», кабинет 204"
    assert subject["deadline"] == answer["deadline"]


async def test_l_a_schedule_for_an_olympiad_appeals_has_not_heard_of_is_refused(
    olympiad: Olympiad,
) -> None:
    body = olympiad.schedule(local_instant(dt.date(2025, 11, 21), dt.time(18), ZONE))

    response = await olympiad.put_schedule(body)

    assert response.status_code == 409
    problem = response.json()
    assert problem["type"].endswith("olympiad-unknown")
    assert "ещё не получила от регистрации сведения об олимпиаде" in problem["detail"]
    assert "повторите через минуту" in problem["detail"]


async def test_l_the_window_learns_the_zone_from_registrations_event_through_the_broker(
    olympiad: Olympiad,
) -> None:
    await publish(
        OlympiadCreated(
            olympiad_id=olympiad.olympiad_id,
            title="Муниципальный этап ВсОШ",
            time_zone="Asia/Yekaterinburg",
            subjects=(),
        )
    )
    show_ends = local_instant(dt.date(2025, 11, 21), dt.time(17, 30), "Asia/Yekaterinburg")
    body = olympiad.schedule(show_ends)

    async def window_set() -> bool:
        return (await olympiad.put_schedule(body)).status_code == 200

    await eventually(window_set)
    response = await olympiad.put_schedule(body)
    assert response.json()["time_zone"] == "Asia/Yekaterinburg"
    assert dt.datetime.fromisoformat(response.json()["deadline"]) == local_instant(
        dt.date(2025, 11, 25), END_OF_DAY, "Asia/Yekaterinburg"
    )


async def test_p89_p96_filing_before_the_show_is_refused_then_accepted_once_it_began(
    olympiad: Olympiad,
) -> None:
    olympiad.appeals.clock.set(local_instant(dt.date(2025, 11, 21), dt.time(9), ZONE))
    show_starts = local_instant(dt.date(2025, 11, 21), dt.time(11), ZONE)
    await olympiad.open_window(show_starts + dt.timedelta(hours=3), show_starts)
    participant = await olympiad.seed_work("M9-PRE", {"1": "5", "2": "5", "3": "5"})

    early = await olympiad.file(participant, [1])
    assert early.status_code == 422
    assert "после показа работ" in early.json()["detail"]
    assert "21.11.2025 в 11:00 (время Asia/Omsk)" in early.json()["detail"]

    olympiad.appeals.clock.set(show_starts)
    accepted = await olympiad.file(participant, [1])
    assert accepted.status_code == 201, accepted.text


async def test_p96_filing_after_deadline_refused(olympiad: Olympiad) -> None:
    window = await olympiad.open_window(local_instant(dt.date(2025, 11, 21), dt.time(18), ZONE))
    deadline = dt.datetime.fromisoformat(window.json()["deadline"])
    on_time = await olympiad.seed_work("M9-001", {"1": "5", "2": "5", "3": "5"})
    late = await olympiad.seed_work("M9-002", {"1": "5", "2": "5", "3": "5"})

    olympiad.appeals.clock.set(deadline)
    accepted = await olympiad.file(on_time, [1, 3])
    olympiad.appeals.clock.set(deadline + dt.timedelta(minutes=1))
    refused = await olympiad.file(late, [1])

    assert accepted.status_code == 201, accepted.text
    body = accepted.json()
    assert body["participant_id"] == str(on_time)
    assert "work_code" not in body  # a code beside the participant is for the coding role only
    assert body["tasks"] == [1, 3]
    assert body["status"] == "подана"
    assert dt.datetime.fromisoformat(body["filed_at"]) == deadline
    assert refused.status_code == 422
    assert refused.json()["detail"].startswith("Срок подачи апелляции истёк 25.11.2025 в 23:59")
    listed = await olympiad.client.get(
        f"{olympiad.base}/appeals",
        params={"subject_code": "math"},
        headers=olympiad.auth(Role.OBSERVER),
    )
    items = listed.json()["items"]
    assert [item["participant_id"] for item in items] == [str(on_time)]
    assert "M9-001" not in listed.text


async def test_p105_appealed_tasks_must_exist_in_the_work(olympiad: Olympiad) -> None:
    olympiad.appeals.clock.set(local_instant(dt.date(2025, 11, 24), dt.time(9), ZONE))
    await olympiad.open_window(local_instant(dt.date(2025, 11, 21), dt.time(18), ZONE))
    participant_id = await olympiad.seed_work("M9-003", {"1": "5", "2": "5", "3": "5"})

    response = await olympiad.file(participant_id, [2, 7])

    assert response.status_code == 422
    assert "нет задания № 7" in response.json()["detail"]


async def test_the_same_appeal_sent_again_is_one_appeal_and_another_is_refused(
    olympiad: Olympiad,
) -> None:
    olympiad.appeals.clock.set(local_instant(dt.date(2025, 11, 24), dt.time(9), ZONE))
    await olympiad.open_window(local_instant(dt.date(2025, 11, 21), dt.time(18), ZONE))
    participant_id = await olympiad.seed_work("M9-013", {"1": "5", "2": "5", "3": "5"})

    first = await olympiad.file(participant_id, [2, 1])
    again = await olympiad.file(participant_id, [1, 2])  # a retry after a lost answer
    other = await olympiad.file(participant_id, [3])

    assert first.status_code == again.status_code == 201, again.text
    assert again.json()["appeal_id"] == first.json()["appeal_id"]
    assert other.status_code == 409
    assert "повторная подача не предусмотрена" in other.json()["detail"]
    in_absence = await olympiad.client.post(
        f"{olympiad.base}/appeals",
        json={
            "participant_id": str(participant_id),
            "subject_code": olympiad.subject_code,
            "tasks": [1, 2],
            "statement": "Не согласен с оценкой решения.",
            "review_without_participant": True,
        },
        headers=olympiad.auth(Role.APPEAL_MEMBER, sub="secretary"),
    )
    assert in_absence.status_code == 409  # not the same appeal: it asks for review in absence
    actions = await olympiad.audit_actions(first.json()["appeal_id"])
    assert [a for a, _ in actions] == ["appeal.filed"]


async def test_filing_for_an_unknown_work_is_a_conflict(olympiad: Olympiad) -> None:
    olympiad.appeals.clock.set(local_instant(dt.date(2025, 11, 24), dt.time(9), ZONE))
    await olympiad.open_window(local_instant(dt.date(2025, 11, 21), dt.time(18), ZONE))

    response = await olympiad.file(uuid.uuid4(), [1])

    assert response.status_code == 409
    assert "не проверена" in response.json()["detail"]


@pytest.mark.parametrize("members", [["a", "b"], ["a"]])
async def test_p102_commission_of_fewer_than_three_refused(
    olympiad: Olympiad, members: list[str]
) -> None:
    response = await olympiad.appoint(members, chair="a")

    assert response.status_code == 422
    assert "не менее трёх человек (п. 102)" in response.json()["detail"]


async def test_p102_odd_commission_of_three_accepted_with_member_chair(olympiad: Olympiad) -> None:
    outsider = await olympiad.appoint(["a", "b", "c"], chair="z")
    accepted = await olympiad.appoint(["a", "b", "c"], chair="b")

    assert outsider.status_code == 422
    assert "не входит в состав" in outsider.json()["detail"]
    assert accepted.status_code == 200
    assert accepted.json() == {"members": ["a", "b", "c"], "chair": "b", "majority": 2, "odd": True}


async def test_filing_without_token_is_401_and_by_observer_is_403(olympiad: Olympiad) -> None:
    body = {
        "participant_id": str(uuid.uuid4()),
        "subject_code": "math",
        "tasks": [1],
        "statement": "x",
    }
    anonymous = await olympiad.client.post(f"{olympiad.base}/appeals", json=body)
    observer = await olympiad.client.post(
        f"{olympiad.base}/appeals", json=body, headers=olympiad.auth(Role.OBSERVER)
    )
    jury_member = await olympiad.client.put(
        f"{olympiad.base}/subjects/math/commission",
        json={"members": ["a", "b", "c"], "chair": "a"},
        headers=olympiad.auth(Role.JURY_CHAIR),
    )

    assert anonymous.status_code == 401
    assert observer.status_code == 403
    assert jury_member.status_code == 403
