"""Day-of registration (§36), removal with an act (§53–54) and the gRPC queries other services make."""

from __future__ import annotations

import datetime as dt
from typing import Any

import grpc
import pytest

from olymp.registration.v1 import registration_pb2 as pb
from olymp.registration.v1 import registration_pb2_grpc as pb_grpc
from olymp_core.auth import Role, ScopeKind, bearer_metadata
from olymp_core.testing.synthetic import generate_participants, to_csv

pytestmark = pytest.mark.integration

MORNING = "2025-11-18T03:00:00Z"
DURING_ROUND = dt.datetime(2025, 11, 18, 5, 30, tzinfo=dt.UTC)  # 11:30 in Omsk


async def olympiad_with_participants(desk: Any, n: int = 50) -> tuple[str, list[dict[str, Any]]]:
    olympiad_id = await desk.create_olympiad()
    lines = generate_participants(seed=41, n=n, schools=4, subjects=["math"])
    response = await desk.import_file(olympiad_id, to_csv(lines))
    assert response.status_code == 200, response.text
    return olympiad_id, response.json()["participants"]


async def check_in(
    desk: Any, olympiad_id: str, entries: list[tuple[str, bool]], **body: Any
) -> Any:
    return await desk.svc.client.post(
        f"/olympiads/{olympiad_id}/subjects/math/check-in",
        json={
            "entries": [
                {"participant_id": p, "present": v} | ({"documents": ["passport"]} if v else {})
                for p, v in entries
            ],
            **body,
        },
        headers=desk.svc.auth(Role.VENUE_COORDINATOR, sub="venue-7"),
    )


async def removal(desk: Any, olympiad_id: str, participant_id: str, reason: str) -> Any:
    return await desk.svc.client.post(
        f"/olympiads/{olympiad_id}/subjects/math/participants/{participant_id}/removal",
        json={"reason": reason},
        headers=desk.svc.auth(Role.VENUE_COORDINATOR, sub="venue-7"),
    )


async def test_p36_check_in_marks_present_and_absent_and_announces_each(desk: Any) -> None:
    olympiad_id, people = await olympiad_with_participants(desk)
    ids = [p["participant_id"] for p in people[:5]]

    response = await check_in(desk, olympiad_id, [(i, i != ids[4]) for i in ids])

    assert response.status_code == 200, response.text
    assert response.json() == {"present": 4, "absent": 1}
    events = await desk.outbox_payloads("participant_checked_in", olympiad_id)
    assert [(e["participant_id"], e["present"]) for e in events] == [(i, i != ids[4]) for i in ids]
    task_grades = {p["participant_id"]: p["task_grade"] for p in people}
    assert all(e["task_grade"] == task_grades[e["participant_id"]] for e in events)
    assert {(e["subject_code"], e["at"]) for e in events} == {("math", MORNING)}

    # the same list sent again changes nothing and announces nothing new
    again = await check_in(desk, olympiad_id, [(i, i != ids[4]) for i in ids])
    assert again.json() == {"present": 4, "absent": 1}
    assert len(await desk.outbox_payloads("participant_checked_in", olympiad_id)) == 5
    listed = {p["participant_id"]: p for p in await desk.participants(olympiad_id, "math")}
    assert listed[ids[0]]["marks"] == [
        {
            "day": "2025-11-18",
            "attendance": "present",
            "marked_at": MORNING,
            "documents": ["passport"],
        }
    ]
    assert listed[ids[4]]["marks"][0]["attendance"] == "absent"


async def test_p53_removal_records_reason_time_and_who(desk: Any) -> None:
    olympiad_id, people = await olympiad_with_participants(desk)
    violator = people[0]["participant_id"]
    await check_in(desk, olympiad_id, [(violator, True)])
    desk.clock.set(DURING_ROUND)

    response = await removal(desk, olympiad_id, violator, "Пользовался мобильным телефоном")

    assert response.status_code == 200, response.text
    assert response.json()["removal"] == {
        "day": "2025-11-18",
        "reason": "Пользовался мобильным телефоном",
        "removed_at": "2025-11-18T05:30:00Z",
        "removed_by": "venue-7",
        "act_number": 1,
        "venue": None,
        "room": None,
        "signatories": [],
    }
    [removed] = await desk.outbox_payloads("participant_removed", olympiad_id)
    assert removed == {
        "olympiad_id": olympiad_id,
        "participant_id": violator,
        "subject_code": "math",
        "reason": "Пользовался мобильным телефоном",
        "removed_at": "2025-11-18T05:30:00Z",
    }
    entries = await desk.audit_entries(violator)
    assert [(actor, action) for actor, action, _ in entries] == [("venue-7", "participant.removed")]

    twice = await removal(desk, olympiad_id, violator, "Повторно")
    assert twice.status_code == 409
    assert "уже удалён" in twice.json()["detail"]

    # the same act again (a retry after a lost answer) stands once: no second event or audit entry
    again = await removal(desk, olympiad_id, violator, "Пользовался мобильным телефоном")
    assert again.status_code == 200, again.text
    assert again.json()["removal"] == response.json()["removal"]
    assert len(await desk.outbox_payloads("participant_removed", olympiad_id)) == 1
    assert len(await desk.audit_entries(violator)) == 1


async def test_p54_removed_participant_cannot_check_in_and_nothing_of_the_list_is_kept(
    desk: Any,
) -> None:
    olympiad_id, people = await olympiad_with_participants(desk)
    violator, latecomer = people[0]["participant_id"], people[1]["participant_id"]
    await check_in(desk, olympiad_id, [(violator, True), (latecomer, False)])
    desk.clock.set(DURING_ROUND)
    assert (await removal(desk, olympiad_id, violator, "Списывал")).status_code == 200

    response = await check_in(desk, olympiad_id, [(latecomer, True), (violator, True)])

    assert response.status_code == 409
    problem = response.json()
    assert "лишён права дальнейшего участия" in problem["detail"]
    assert problem["participant_id"] == violator
    listed = {p["participant_id"]: p for p in await desk.participants(olympiad_id, "math")}
    assert listed[latecomer]["marks"][0]["attendance"] == "absent"
    assert len(await desk.outbox_payloads("participant_checked_in", olympiad_id)) == 2


async def test_p53_only_a_present_participant_can_be_removed(desk: Any) -> None:
    olympiad_id, people = await olympiad_with_participants(desk)
    response = await removal(desk, olympiad_id, people[2]["participant_id"], "Списывал")
    assert response.status_code == 409
    assert "можно только присутствующего" in response.json()["detail"]
    assert await desk.outbox_payloads("participant_removed", olympiad_id) == []


async def test_check_in_only_on_a_round_day_that_has_come(desk: Any) -> None:
    olympiad_id, people = await olympiad_with_participants(desk)
    someone = people[0]["participant_id"]
    desk.clock.set(dt.datetime(2025, 11, 17, 6, 0, tzinfo=dt.UTC))
    early = await check_in(desk, olympiad_id, [(someone, True)])
    assert early.status_code == 409
    assert "тура нет" in early.json()["detail"]
    ahead = await check_in(desk, olympiad_id, [(someone, True)], day="2025-11-18")
    assert ahead.status_code == 422
    assert "ещё не наступила" in ahead.json()["detail"]


async def test_check_in_and_removal_are_for_the_venue_coordinator_of_the_subject(
    desk: Any,
) -> None:
    olympiad_id, people = await olympiad_with_participants(desk, n=3)
    url = f"/olympiads/{olympiad_id}/subjects/math/check-in"
    body = {"entries": [{"participant_id": people[0]["participant_id"], "present": True}]}
    client, auth = desk.svc.client, desk.svc.auth
    assert (await client.post(url, json=body)).status_code == 401
    assert (await client.post(url, json=body, headers=auth(Role.COORDINATOR))).status_code == 403
    physics_only = auth(Role.VENUE_COORDINATOR, scopes={ScopeKind.SUBJECT: ["physics"]})
    assert (await client.post(url, json=body, headers=physics_only)).status_code == 403
    unknown = await client.post(
        f"/olympiads/{olympiad_id}/subjects/chemistry/check-in",
        json=body,
        headers=auth(Role.VENUE_COORDINATOR),
    )
    assert unknown.status_code == 404
    assert "не включён в расписание" in unknown.json()["detail"]


def stub(desk: Any) -> Any:
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{desk.svc.service.grpc_port}")
    return channel, pb_grpc.RegistrationServiceStub(channel)


def token(desk: Any, role: Role) -> Any:
    return bearer_metadata(desk.svc.issuer.issue("coding-service", [role]))


async def test_grpc_lists_present_participants_who_were_not_removed(desk: Any) -> None:
    olympiad_id, people = await olympiad_with_participants(desk)
    ids = [p["participant_id"] for p in people[:4]]
    await check_in(desk, olympiad_id, [(ids[0], True), (ids[1], True), (ids[2], False)])
    desk.clock.set(DURING_ROUND)
    await removal(desk, olympiad_id, ids[0], "Подсказывал соседу")
    channel, registration = stub(desk)
    async with channel:
        response = await registration.ListPresentParticipants(
            pb.ListPresentParticipantsRequest(olympiad_id=olympiad_id, subject_code="math"),
            metadata=token(desk, Role.SERVICE),
        )
        olympiad = await registration.GetOlympiad(
            pb.GetOlympiadRequest(olympiad_id=olympiad_id),
            metadata=token(desk, Role.CODING_OFFICER),
        )

    grades = {p["participant_id"]: (p["grade"], p["task_grade"]) for p in people}
    assert [(p.participant_id, p.grade, p.task_grade) for p in response.participants] == [
        (ids[1], *grades[ids[1]])
    ]
    assert (olympiad.time_zone, list(olympiad.subjects)) == (
        "Asia/Omsk",
        ["math", "physics", "biology"],
    )


async def test_grpc_refuses_other_roles_and_unknown_olympiads(desk: Any) -> None:
    olympiad_id = await desk.create_olympiad()
    request = pb.GetOlympiadRequest(olympiad_id=olympiad_id)
    channel, registration = stub(desk)
    async with channel:
        with pytest.raises(grpc.aio.AioRpcError) as denied:
            await registration.GetOlympiad(request, metadata=token(desk, Role.JURY_MEMBER))
        assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED
        with pytest.raises(grpc.aio.AioRpcError) as anonymous:
            await registration.GetOlympiad(request)
        assert anonymous.value.code() == grpc.StatusCode.UNAUTHENTICATED
        with pytest.raises(grpc.aio.AioRpcError) as missing:
            await registration.GetOlympiad(
                pb.GetOlympiadRequest(olympiad_id="00000000-0000-0000-0000-000000000000"),
                metadata=token(desk, Role.SERVICE),
            )
        assert missing.value.code() == grpc.StatusCode.NOT_FOUND
        with pytest.raises(grpc.aio.AioRpcError) as malformed:
            await registration.ListPresentParticipants(
                pb.ListPresentParticipantsRequest(olympiad_id="42", subject_code="math"),
                metadata=token(desk, Role.SERVICE),
            )
        assert malformed.value.code() == grpc.StatusCode.INVALID_ARGUMENT
