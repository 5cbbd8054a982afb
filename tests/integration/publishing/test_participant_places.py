"""§91: a participant reads their own place and status in the latest published table, with a
token pinned to them; another participant's, or an unpinned token, gets nothing."""

from __future__ import annotations

import pytest

from olymp_core.auth import Role, ScopeKind
from olymp_core.testing.service import ServiceHarness

from .conftest import Subject

pytestmark = pytest.mark.integration


async def test_p91_a_participant_reads_their_own_place_only(
    svc: ServiceHarness, subject: Subject
) -> None:
    await svc.deliver(subject.created())
    await svc.deliver(*subject.registered(), subject.decoded(), subject.checked())
    abramov, morozov = subject.ids["Абрамов"], subject.ids["Морозов"]

    def pinned(who: object) -> dict[str, str]:
        return svc.auth(Role.PARTICIPANT, sub="p", scopes={ScopeKind.PARTICIPANT: [str(who)]})

    url = f"/olympiads/{subject.olympiad_id}/participants/{abramov}/places"
    mine = await svc.client.get(url, headers=pinned(abramov))

    assert mine.status_code == 200, mine.text
    [place] = mine.json()["places"]
    assert (place["subject_code"], place["grade"], place["stage"]) == ("math", 9, "preliminary")
    assert (place["place"], place["status"], place["total"]) == ("1", "победитель", "48")
    assert place["ranked"] == 6  # Морозов's work is annulled: no place
    annulled = await svc.client.get(
        f"/olympiads/{subject.olympiad_id}/participants/{morozov}/places", headers=pinned(morozov)
    )
    [own] = annulled.json()["places"]
    assert own["place"] is None and own["status"] == "аннулировано"

    for headers in (
        pinned(morozov),  # another participant's
        svc.auth(Role.PARTICIPANT, sub="p"),  # pinned to nobody
        svc.auth(Role.JURY_CHAIR),  # staff read the tables, not this
    ):
        refused = await svc.client.get(url, headers=headers)
        assert refused.status_code == 403, refused.text
