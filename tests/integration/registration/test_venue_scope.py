"""A venue coordinator acts only at their venue (площадка проведения): the check-in (§36) is made
at a venue, and the removal (§53) is for whoever runs the venue where the participant was marked.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import grpc
import pytest

from olymp.registration.v1 import registration_pb2 as pb
from olymp.registration.v1 import registration_pb2_grpc as pb_grpc
from olymp_core.auth import Role, ScopeKind, bearer_metadata
from olymp_core.testing.synthetic import generate_participants, to_csv

pytestmark = pytest.mark.integration

SCHOOL_1 = 'МБОУ "Усть-Ишимская СОШ № 1"'
SCHOOL_5 = "МБОУ «Ярковская СОШ № 5»"
DURING_ROUND = dt.datetime(2025, 11, 18, 5, 30, tzinfo=dt.UTC)  # 11:30 in Omsk


def venue(name: str) -> dict[str, Any]:
    return {"name": name, "rooms": [{"name": "Кабинет 3", "capacity": 30}]}


async def two_venues(desk: Any, n: int = 8) -> tuple[str, list[str]]:
    olympiad_id = await desk.create_olympiad(venues=[venue(SCHOOL_1), venue(SCHOOL_5)])
    lines = generate_participants(seed=73, n=n, schools=2, subjects=["math"])
    response = await desk.import_file(olympiad_id, to_csv(lines))
    assert response.status_code == 200, response.text
    return olympiad_id, [p["participant_id"] for p in response.json()["participants"]]


def coordinator_of(desk: Any, *venues: str) -> dict[str, str]:
    """Headers of a venue coordinator whose token is limited to `venues`; sub names the first."""
    return desk.svc.auth(  # type: ignore[no-any-return]
        Role.VENUE_COORDINATOR, sub=f"coordinator {venues[0]}", scopes={ScopeKind.VENUE: venues}
    )


async def check_in(
    desk: Any,
    olympiad_id: str,
    entries: list[tuple[str, bool]],
    headers: dict[str, str],
    **body: Any,
) -> Any:
    return await desk.svc.client.post(
        f"/olympiads/{olympiad_id}/subjects/math/check-in",
        json={"entries": [{"participant_id": p, "present": v} for p, v in entries], **body},
        headers=headers,
    )


async def removal(desk: Any, olympiad_id: str, participant_id: str, headers: dict[str, str]) -> Any:
    return await desk.svc.client.post(
        f"/olympiads/{olympiad_id}/subjects/math/participants/{participant_id}/removal",
        json={"reason": "Пользовался мобильным телефоном"},
        headers=headers,
    )


async def listed(desk: Any, olympiad_id: str, headers: dict[str, str]) -> set[str]:
    response = await desk.svc.client.get(
        f"/olympiads/{olympiad_id}/participants",
        params={"subject_code": "math"},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    return {p["participant_id"] for p in response.json()["participants"]}


async def test_p36_venue_coordinator_checks_in_at_their_venue_only(desk: Any) -> None:
    olympiad_id, ids = await two_venues(desk)
    school_5 = coordinator_of(desk, SCHOOL_5)

    unnamed = await check_in(desk, olympiad_id, [(ids[0], True)], school_5)
    assert unnamed.status_code == 422
    assert "укажите в поле «venue»" in unnamed.json()["detail"]
    unknown = await check_in(desk, olympiad_id, [(ids[0], True)], school_5, venue="Гимназия № 9")
    assert unknown.status_code == 422
    assert "нет в этой олимпиаде" in unknown.json()["detail"]
    other = await check_in(desk, olympiad_id, [(ids[0], True)], school_5, venue=SCHOOL_1)
    assert other.status_code == 403
    assert f"«{SCHOOL_1}»" in other.json()["detail"]
    assert await desk.outbox_payloads("participant_checked_in", olympiad_id) == []

    own = await check_in(
        desk, olympiad_id, [(ids[0], True), (ids[1], False)], school_5, venue=SCHOOL_5
    )

    assert own.status_code == 200, own.text
    assert own.json() == {"present": 1, "absent": 1}
    events = await desk.outbox_payloads("participant_checked_in", olympiad_id)
    assert [(e["participant_id"], e["present"]) for e in events] == [
        (ids[0], True),
        (ids[1], False),
    ]
    [(_, _, audit)] = await desk.audit_entries(f"{olympiad_id}/math")
    assert audit["venue"] == SCHOOL_5


async def test_p53_removal_only_by_the_venue_where_the_participant_was_marked(desk: Any) -> None:
    olympiad_id, ids = await two_venues(desk)
    school_1, school_5 = coordinator_of(desk, SCHOOL_1), coordinator_of(desk, SCHOOL_5)
    at_1, unnamed = ids[0], ids[1]
    assert (await check_in(desk, olympiad_id, [(at_1, True)], school_1, venue=SCHOOL_1)).is_success
    anywhere = desk.svc.auth(
        Role.VENUE_COORDINATOR, sub="municipal-desk", scopes={ScopeKind.VENUE: ["*"]}
    )
    assert (await check_in(desk, olympiad_id, [(unnamed, True)], anywhere)).is_success
    desk.clock.set(DURING_ROUND)

    foreign = await removal(desk, olympiad_id, at_1, school_5)
    assert foreign.status_code == 403
    assert "удалить участника может только координатор площадки" in foreign.json()["detail"]
    # nor can the other venue take the participant over by marking them at its own venue
    taken = await check_in(desk, olympiad_id, [(at_1, True)], school_5, venue=SCHOOL_5)
    assert taken.status_code == 403
    assert "уже отмечен(а) 18.11.2025 на другой" in taken.json()["detail"]
    # a mark made without a venue belongs to no venue coordinator
    assert (await removal(desk, olympiad_id, unnamed, school_1)).status_code == 403
    assert await desk.outbox_payloads("participant_removed", olympiad_id) == []

    own = await removal(desk, olympiad_id, at_1, school_1)

    assert own.status_code == 200, own.text
    [removed] = await desk.outbox_payloads("participant_removed", olympiad_id)
    assert removed["participant_id"] == at_1
    [(actor, _, audit)] = await desk.audit_entries(at_1)
    assert (actor, audit["venue"]) == (f"coordinator {SCHOOL_1}", SCHOOL_1)
    # the unrestricted coordinator of the municipality keeps its removal right
    assert (await removal(desk, olympiad_id, unnamed, anywhere)).status_code == 200


async def test_venue_coordinator_lists_their_participants_and_the_unmarked(desk: Any) -> None:
    olympiad_id, ids = await two_venues(desk)
    school_1, school_5 = coordinator_of(desk, SCHOOL_1), coordinator_of(desk, SCHOOL_5)
    anywhere = desk.svc.auth(
        Role.VENUE_COORDINATOR, sub="municipal-desk", scopes={ScopeKind.VENUE: ["*"]}
    )
    await check_in(desk, olympiad_id, [(ids[0], True), (ids[1], False)], school_1, venue=SCHOOL_1)
    await check_in(desk, olympiad_id, [(ids[2], True)], school_5, venue=SCHOOL_5)
    await check_in(desk, olympiad_id, [(ids[3], True)], anywhere)
    # marking again without a venue keeps the venue the mark was made at
    await check_in(desk, olympiad_id, [(ids[2], False)], anywhere)
    unmarked = set(ids[4:])

    assert await listed(desk, olympiad_id, school_1) == {ids[0], ids[1], *unmarked}
    assert await listed(desk, olympiad_id, school_5) == {ids[2], *unmarked}
    both = coordinator_of(desk, SCHOOL_1, SCHOOL_5)
    assert await listed(desk, olympiad_id, both) == {ids[0], ids[1], ids[2], *unmarked}
    assert await listed(desk, olympiad_id, anywhere) == set(ids)
    assert await listed(desk, olympiad_id, desk.svc.auth(Role.COORDINATOR)) == set(ids)


async def test_grpc_present_participants_only_of_the_callers_subject(desk: Any) -> None:
    olympiad_id, ids = await two_venues(desk, n=3)
    anywhere = desk.svc.auth(Role.VENUE_COORDINATOR, scopes={ScopeKind.VENUE: ["*"]})
    assert (await check_in(desk, olympiad_id, [(ids[0], True)], anywhere)).is_success
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{desk.svc.service.grpc_port}")
    registration = pb_grpc.RegistrationServiceStub(channel)
    request = pb.ListPresentParticipantsRequest(olympiad_id=olympiad_id, subject_code="math")

    def officer_of(subject_code: str) -> Any:
        token = desk.svc.issuer.issue(
            f"coding-{subject_code}", [Role.CODING_OFFICER], {ScopeKind.SUBJECT: [subject_code]}
        )
        return bearer_metadata(token)

    async with channel:
        with pytest.raises(grpc.aio.AioRpcError) as denied:
            await registration.ListPresentParticipants(request, metadata=officer_of("physics"))
        allowed = await registration.ListPresentParticipants(request, metadata=officer_of("math"))

    assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert "physics" in (denied.value.details() or "")
    assert [p.participant_id for p in allowed.participants] == [ids[0]]


def assigning(data: bytes, venues: list[str]) -> bytes:
    """The application CSV with a «Площадка проведения» column: row i gets `venues[i]`."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    rows = [
        [*rows[0], "Площадка проведения"],
        *([*r, v] for r, v in zip(rows[1:], venues, strict=True)),
    ]
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


async def assigned_olympiad(desk: Any, venues: list[str]) -> tuple[str, list[str]]:
    olympiad_id = await desk.create_olympiad(venues=[venue(SCHOOL_1), venue(SCHOOL_5)])
    lines = generate_participants(seed=79, n=len(venues), schools=2, subjects=["math"])
    response = await desk.import_file(olympiad_id, assigning(to_csv(lines), venues))
    assert response.status_code == 200, response.text
    # the response lists participants in the file's order
    return olympiad_id, [p["participant_id"] for p in response.json()["participants"]]


async def test_m2_a_venue_coordinator_cannot_take_over_a_participant_of_another_venue(
    desk: Any,
) -> None:
    """Before: any venue coordinator could check in someone not yet marked — a participant of
    another venue — at their own venue, and then remove them (§53: the work annulled)."""
    # spelt loosely in the file: the olympiad's own spelling is stored
    olympiad_id, (of_1, of_5, anyone) = await assigned_olympiad(
        desk, ["мбоу «усть-ишимская сош №1»", SCHOOL_5, ""]
    )
    school_1, school_5 = coordinator_of(desk, SCHOOL_1), coordinator_of(desk, SCHOOL_5)

    taken = await check_in(desk, olympiad_id, [(of_1, True)], school_5, venue=SCHOOL_5)
    assert taken.status_code == 403, taken.text
    assert taken.headers["content-type"].startswith("application/problem+json")
    problem = taken.json()
    assert problem["type"].endswith("venue-out-of-scope")
    assert f"выполняет задания на площадке проведения «{SCHOOL_1}»" in problem["detail"]
    assert "сообщите в оргкомитет" in problem["detail"]
    assert (problem["participant_id"], problem["assigned_venue"]) == (of_1, SCHOOL_1)
    removed = await removal(desk, olympiad_id, of_1, school_5)
    assert removed.status_code == 403, removed.text
    assert removed.json()["type"].endswith("venue-out-of-scope")
    assert await desk.outbox_payloads("participant_checked_in", olympiad_id) == []
    assert await desk.outbox_payloads("participant_removed", olympiad_id) == []

    # their own venue marks and removes them; the other still cannot remove them
    assert (await check_in(desk, olympiad_id, [(of_1, True)], school_1, venue=SCHOOL_1)).is_success
    desk.clock.set(DURING_ROUND)
    assert (await removal(desk, olympiad_id, of_1, school_5)).status_code == 403
    assert (await removal(desk, olympiad_id, of_1, school_1)).status_code == 200
    # a participant of school 5, and one the application assigned nowhere, school 5 may mark
    mine = await check_in(
        desk, olympiad_id, [(of_5, True), (anyone, True)], school_5, venue=SCHOOL_5
    )
    assert mine.status_code == 200, mine.text


async def test_m2_the_municipal_desk_may_seat_a_participant_at_another_venue(desk: Any) -> None:
    olympiad_id, (of_1,) = await assigned_olympiad(desk, [SCHOOL_1])
    anywhere = desk.svc.auth(
        Role.VENUE_COORDINATOR, sub="municipal-desk", scopes={ScopeKind.VENUE: ["*"]}
    )
    school_5 = coordinator_of(desk, SCHOOL_5)

    # the participant came to school 5 and the municipal desk marked them there
    moved = await check_in(desk, olympiad_id, [(of_1, True)], anywhere, venue=SCHOOL_5)
    assert moved.status_code == 200, moved.text
    desk.clock.set(DURING_ROUND)

    assert (await removal(desk, olympiad_id, of_1, school_5)).status_code == 200


async def test_m2_a_venue_coordinator_lists_participants_of_their_venue_and_the_unassigned(
    desk: Any,
) -> None:
    olympiad_id, (of_1, of_5, anyone) = await assigned_olympiad(desk, [SCHOOL_1, SCHOOL_5, ""])

    assert await listed(desk, olympiad_id, coordinator_of(desk, SCHOOL_5)) == {of_5, anyone}
    assert await listed(desk, olympiad_id, coordinator_of(desk, SCHOOL_1)) == {of_1, anyone}
    everyone = await desk.participants(olympiad_id)
    assert {p["participant_id"]: p["venue"] for p in everyone} == {
        of_1: SCHOOL_1,
        of_5: SCHOOL_5,
        anyone: None,
    }


async def test_m2_a_venue_the_olympiad_does_not_have_is_a_row_problem(desk: Any) -> None:
    olympiad_id = await desk.create_olympiad(venues=[venue(SCHOOL_1), venue(SCHOOL_5)])
    lines = generate_participants(seed=83, n=2, schools=1, subjects=["math"])

    response = await desk.import_file(
        olympiad_id, assigning(to_csv(lines), [SCHOOL_1, "Гимназия № 9"])
    )

    assert response.status_code == 422
    [problem] = response.json()["errors"]
    assert (problem["row"], problem["column"], problem["kind"]) == (
        3,
        "Площадка проведения",
        "unknown_venue",
    )
    assert "«Гимназия № 9» нет в этой олимпиаде" in problem["message"]
    assert await desk.participants(olympiad_id) == []


async def test_p36_a_venue_coordinators_token_naming_no_venue_acts_nowhere(desk: Any) -> None:
    # A missing venue scope is not "every venue" (`venue=*` says that): such a token, issued
    # before the CLI refused it, must not check in, remove or count works at any venue.
    olympiad_id, ids = await two_venues(desk)
    unscoped = {
        "Authorization": "Bearer "
        + desk.svc.issuer.issue("coordinator nowhere", [Role.VENUE_COORDINATOR])
    }
    marked = await check_in(desk, olympiad_id, [(ids[0], True)], unscoped, venue=SCHOOL_1)
    assert marked.status_code == 403, marked.text
    assert "не указывает площадку проведения" in marked.json()["detail"]
    assert "venue=*" in marked.json()["detail"]
    listed = await desk.svc.client.get(f"/olympiads/{olympiad_id}/participants", headers=unscoped)
    assert listed.status_code == 403, listed.text
    assert await desk.outbox_payloads("participant_checked_in", olympiad_id) == []
