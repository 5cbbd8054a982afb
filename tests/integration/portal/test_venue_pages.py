"""The venue's check-in screen over httpx (§36–37), against the real registration, coding,
scoring and publishing: the participants of the venue alphabetically (ё with е), a mark sent
with htmx swaps the row and the counts, and registration keeps it."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from urllib.parse import quote

import pytest

from olymp_core.auth import Role, ScopeKind
from olymp_core.clock import ManualClock, to_local
from olymp_core.testing.synthetic import to_csv
from olymp_portal.domain import Grant
from tests.integration.portal.conftest import add_account, csrf_of
from tests.integration.portal.suite import (
    SUBJECT,
    TIME_ZONE,
    Suite,
    participant,
    running_suite,
    services_clock,
    signed_in,
)

pytestmark = pytest.mark.integration

VENUE = "МБОУ «Усть-Ишимская СОШ № 1»"
PEOPLE = [
    participant("Римская-Корсакова", "Варвара", "Петровна", "МБОУ «СОШ № 2»"),
    participant("Ёлкина", "Алёна", "Фёдоровна", "МБОУ «Лицей»"),
    participant("Ельцов", "Иван", "Сергеевич", "МБОУ «Лицей»"),
    participant("Ёлкин", "Семён", "Ильич", "МБОУ «Лицей»"),
]


@pytest.fixture(scope="module")
def clock() -> ManualClock:
    return services_clock()


@pytest.fixture(scope="module")
async def suite(
    tmp_path_factory: pytest.TempPathFactory, clock: ManualClock
) -> AsyncIterator[Suite]:
    async with running_suite(tmp_path_factory.mktemp("venue"), clock) as found:
        grant = Grant(Role.VENUE_COORDINATOR, {ScopeKind.VENUE: frozenset({VENUE})})
        await add_account(found.portal, "venue-sidorova", grant, name="Сидорова Вера Ивановна")
        yield found


async def imported(suite: Suite) -> uuid.UUID:
    """An olympiad whose mathematics round is today, the application imported, nobody marked."""
    registration = suite["registration"]
    today = to_local(suite.clock.now(), TIME_ZONE).date()
    created = await registration.client.post(
        "/olympiads",
        json={
            "title": "Муниципальный этап ВсОШ 2026/27, Усть-Ишимский район",
            "school_year": "2026/2027",
            "time_zone": TIME_ZONE,
            "subjects": [
                {
                    "subject_code": SUBJECT,
                    "day": today.isoformat(),
                    "round_start": "10:00",
                    "round_end": "14:00",
                },
            ],
            "venues": [{"name": VENUE, "rooms": [{"name": "Кабинет 1", "capacity": 30}]}],
        },
        headers=registration.auth(Role.COORDINATOR),
    )
    assert created.status_code == 201, created.text
    olympiad_id = uuid.UUID(created.json()["olympiad_id"])
    loaded = await registration.client.post(
        f"/olympiads/{olympiad_id}/participants/import",
        params={"format": "csv"},
        content=to_csv(PEOPLE),
        headers={"Content-Type": "text/csv", **registration.auth(Role.MUNICIPAL_COORDINATOR)},
    )
    assert loaded.status_code == 200, loaded.text
    return olympiad_id


def names_in_order(html: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", n).strip() for n in re.findall(r'<th scope="row">(.*?)</th>', html)
    ]


async def test_p36_the_entrance_marks_arrivals_one_at_a_time(suite: Suite) -> None:
    olympiad_id = await imported(suite)
    page_url = f"/venue/{olympiad_id}/{SUBJECT}/check-in?venue={quote(VENUE)}"
    async with signed_in(suite, "venue-sidorova") as venue:
        page = await venue.get(page_url)
        assert page.status_code == 200, page.text
        assert [n.split(" ОУ")[0] for n in names_in_order(page.text)] == [
            "Ёлкин Семён Ильич",
            "Ёлкина Алёна Фёдоровна",
            "Ельцов Иван Сергеевич",
            "Римская-Корсакова Варвара Петровна",
        ]  # ё sorts as е: «Ёлкин» before «Ельцов», as the lists at the entrance are read
        assert "ещё не отмечены: <strong>4</strong>" in page.text
        rows = dict(re.findall(r'<tr id="a-([0-9a-f-]+)" data-name="([^"]+)"', page.text))
        yolkina = next(pid for pid, name in rows.items() if name == "елкина алена")
        varvara = next(pid for pid, name in rows.items() if name.startswith("римская"))
        csrf = csrf_of(page.text)
        form = {"csrf": csrf, "venue": VENUE}

        arrived = await venue.post(
            f"/venue/{olympiad_id}/{SUBJECT}/check-in/{yolkina}",
            data={**form, "present": "true"},
            headers={"HX-Request": "true"},
        )
        assert arrived.status_code == 200, arrived.text
        assert arrived.text.lstrip().startswith(f'<tr id="a-{yolkina}"')
        assert "явился" in arrived.text and 'class="mark-present"' in arrived.text
        assert 'id="counts" class="counts" aria-live="polite" hx-swap-oob="true"' in arrived.text
        assert "Явились: <strong>1</strong>" in arrived.text

        missing = await venue.post(
            f"/venue/{olympiad_id}/{SUBJECT}/check-in/{varvara}", data={**form, "present": "false"}
        )  # without htmx: the whole page comes back
        assert missing.status_code == 200
        assert "не явились: <strong>1</strong>" in missing.text

    listed = await suite["registration"].client.get(
        f"/olympiads/{olympiad_id}/participants",
        headers=suite["registration"].auth(Role.MUNICIPAL_COORDINATOR),
    )
    marks = {
        p["participant_id"]: [m["attendance"] for m in p["marks"]]
        for p in listed.json()["participants"]
    }
    assert marks[yolkina] == ["present"] and marks[varvara] == ["absent"]
