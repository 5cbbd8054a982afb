"""The participant's pages, the organiser's access codes and the appeal commission's session over
httpx, against the real registration, coding, scoring, appeals and publishing (§91, §95–114)."""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid
import zipfile
from collections.abc import AsyncIterator

import httpx
import pytest

from olymp_core.auth import Role, ScopeKind
from olymp_core.clock import ManualClock, local_instant, to_local
from olymp_portal.domain import Grant
from tests.integration.portal.conftest import ORGANISER_ANYWHERE, add_account, client_of, csrf_of
from tests.integration.portal.suite import (
    BACKENDS,
    SUBJECT,
    TIME_ZONE,
    Olympiad,
    Suite,
    new_olympiad,
    participant,
    running_suite,
    services_clock,
    signed_in,
    until,
)
from tests.support.archives import winzip_aes

pytestmark = pytest.mark.integration

ORGANISER = "organiser-ust-ishim"
# an even commission (§102 recommends odd; §107 settles its ties)
COMMISSION = {
    "ap-kuznetsova": "Кузнецова-Ильина Мария Сергеевна",
    "ap-orlov": "Орлов Пётр Андреевич",
    "ap-yolkin": "Ёлкин Фёдор Ильич",
    "ap-smirnova": "Смирнова Анна Петровна",
}
PEOPLE = {
    ("Ёлкина", "Алёна", "Фёдоровна", "МБОУ «Лицей»"): ["7", "3.5", "10", "0", "5"],
    ("Ёлкин", "Семён", "Ильич", "МБОУ «Лицей»"): ["4", "4", "4", "4", "4"],
    ("Римская-Корсакова", "Варвара", "Петровна", "МБОУ «СОШ № 2»"): ["10", "9", "8", "7", "6"],
}
CRITERIA_PASSWORD = "Ust-Ishim-kriterii-1200"
CRITERIA = {"критерии_9_класс.pdf": b"%PDF-1.4 task 1: 10 points for the full answer " * 16}
CODE = re.compile(r'class="code">([0-9A-Z-]{19})<')


@pytest.fixture(scope="module")
def clock() -> ManualClock:
    return services_clock()


@pytest.fixture(scope="module")
async def suite(
    tmp_path_factory: pytest.TempPathFactory, clock: ManualClock
) -> AsyncIterator[Suite]:
    backends = (*BACKENDS, "appeals", "materials")
    async with running_suite(tmp_path_factory.mktemp("participant"), clock, backends) as found:
        await add_account(found.portal, ORGANISER, ORGANISER_ANYWHERE, name="Орлова Нина Павловна")
        for login, name in COMMISSION.items():
            await add_account(found.portal, login, Grant(Role.APPEAL_MEMBER), name=name)
        yield found


@pytest.fixture(scope="module")
async def olympiad(suite: Suite) -> Olympiad:
    """Three works marked and decoded; the show has begun, the commission is set."""
    found = await new_olympiad(suite, [participant(*person) for person in PEOPLE])
    await found.set_scheme()
    for person, marks in PEOPLE.items():
        code = found.code_of(person[0] + " " + person[1])
        for member in ("jury-ivanova", "jury-petrov"):
            await found.mark(code, member, marks)
    await found.decode()
    now = suite.clock.now()
    organiser = suite["appeals"].auth(Role.MUNICIPAL_COORDINATOR)
    base = f"/olympiads/{found.olympiad_id}/subjects/{SUBJECT}"

    async def schedule_set() -> bool:  # appeals hears of the olympiad through the broker
        response = await suite["appeals"].client.put(
            base + "/analysis-and-show",
            json={
                "analysis": {
                    "starts_at": (now - dt.timedelta(hours=3)).isoformat(),
                    "ends_at": (now - dt.timedelta(hours=2)).isoformat(),
                    "place": "МБОУ «Усть-Ишимская СОШ № 1», актовый зал",
                },
                "show": {
                    "starts_at": (now - dt.timedelta(hours=2)).isoformat(),
                    "ends_at": (now - dt.timedelta(hours=1)).isoformat(),
                    "place": "МБОУ «Усть-Ишимская СОШ № 1», кабинет 1",
                },
            },
            headers=organiser,
        )
        return response.status_code == 200

    await until(schedule_set, "appeals to hear of the olympiad")
    commission = await suite["appeals"].client.put(
        base + "/commission",
        json={"members": list(COMMISSION), "chair": "ap-kuznetsova"},
        headers=organiser,
    )
    assert commission.status_code == 200, commission.text
    return found


async def participant_id_of(olympiad: Olympiad, surname: str, name: str) -> uuid.UUID:
    listed = await olympiad.suite["registration"].client.get(
        f"/olympiads/{olympiad.olympiad_id}/participants",
        headers=olympiad.suite["registration"].auth(Role.MUNICIPAL_COORDINATOR),
    )
    [found] = [
        p for p in listed.json()["participants"] if (p["surname"], p["name"]) == (surname, name)
    ]
    return uuid.UUID(found["participant_id"])


async def issue_code(suite: Suite, olympiad: Olympiad, who: uuid.UUID) -> str:
    async with signed_in(suite, ORGANISER) as organiser:
        page = await organiser.get(f"/organiser/{olympiad.olympiad_id}/codes")
        assert page.status_code == 200, page.text
        slips = await organiser.post(
            f"/organiser/{olympiad.olympiad_id}/codes",
            data={"csrf": csrf_of(page.text), "participant": str(who)},
        )
        assert slips.status_code == 200, slips.text
        assert slips.headers["cache-control"] == "no-store"
        [code] = CODE.findall(slips.text)
        return str(code)


async def code_sign_in(suite: Suite, browser: httpx.AsyncClient, code: str) -> httpx.Response:
    form = await browser.get("/login/code")
    return await browser.post("/login/code", data={"code": code, "csrf": csrf_of(form.text)})


async def test_p91_the_organiser_issues_a_code_and_the_participant_reads_their_points(
    suite: Suite, olympiad: Olympiad
) -> None:
    alyona = await participant_id_of(olympiad, "Ёлкина", "Алёна")
    async with signed_in(suite, ORGANISER) as organiser:
        listing = await organiser.get(f"/organiser/{olympiad.olympiad_id}/codes")
    assert "Римская-Корсакова Варвара Петровна" in listing.text
    assert "не выдан" in listing.text
    code = await issue_code(suite, olympiad, alyona)

    async with client_of(suite.portal) as browser:
        signed = await code_sign_in(suite, browser, code.lower().replace("-", " "))
        assert signed.status_code == 303, signed.text
        assert signed.headers["location"] == "/participant"
        page = await browser.get("/participant")

    assert page.status_code == 200, page.text
    text = " ".join(re.sub(r"<[^>]+>", " ", page.text).split())
    assert "Ёлкина Алёна Фёдоровна" in text  # the header names the person
    assert "Математика, 9 класс" in text
    assert "1 7 10 2 3,5 10 3 10 10 4 0 10 5 5 10 Итого 25,5 50" in text
    # the quota (45 % of three, rounded down) leaves one place for the winner (§117)
    assert "Место 2 из 3, участник (предварительные результаты, версия 1)" in text
    assert "кабинет 1" in text and "Подача апелляций" in text
    assert "Подать апелляцию" in text
    for other in ("Ёлкин Семён", "Римская-Корсакова"):
        assert other not in text
    for code_of_work in olympiad.codes:
        assert code_of_work not in page.text  # no work code beside the person


async def test_p98_the_participant_files_an_appeal_online_and_a_refusal_keeps_the_text(
    suite: Suite, olympiad: Olympiad
) -> None:
    semyon = await participant_id_of(olympiad, "Ёлкин", "Семён")
    code = await issue_code(suite, olympiad, semyon)
    statement = "Прошу пересмотреть задания 2 и 4: решения полные, ответ «х = ё-5» верен."
    async with client_of(suite.portal) as browser:
        assert (await code_sign_in(suite, browser, code)).status_code == 303
        page = await browser.get("/participant")
        no_tasks = await browser.post(
            "/participant/appeals",
            data={"csrf": csrf_of(page.text), "subject_code": SUBJECT, "statement": statement},
        )
        assert no_tasks.status_code == 422
        assert "не указано ни одного задания" in no_tasks.text
        assert "ответ «х = ё-5» верен" in no_tasks.text.replace("&#34;", '"')  # kept as typed

        filed = await browser.post(
            "/participant/appeals",
            data={
                "csrf": csrf_of(page.text),
                "subject_code": SUBJECT,
                "tasks": ["2", "4"],
                "statement": statement,
                "review_without_participant": "true",
            },
        )
        assert filed.status_code == 303, filed.text
        after = await browser.get(filed.headers["location"])

    assert "Заявление на апелляцию принято" in after.text
    assert "по заданиям № 2, 4" in after.text
    assert "рассмотрение без моего участия" in after.text
    listed = await suite["appeals"].client.get(
        f"/olympiads/{olympiad.olympiad_id}/appeals",
        headers=suite["appeals"].auth(Role.APPEAL_MEMBER),
    )
    [appeal] = [a for a in listed.json()["items"] if a["participant_id"] == str(semyon)]
    assert appeal["tasks"] == [2, 4]
    assert appeal["statement"] == statement


async def test_a_wrong_or_revoked_code_opens_nothing_and_is_never_shown_back(
    suite: Suite, olympiad: Olympiad
) -> None:
    varvara = await participant_id_of(olympiad, "Римская-Корсакова", "Варвара")
    first = await issue_code(suite, olympiad, varvara)
    second = await issue_code(suite, olympiad, varvara)  # a lost slip: the first code ends
    async with client_of(suite.portal) as browser:
        revoked = await code_sign_in(suite, browser, first)
        assert revoked.status_code == 401
        assert "Код не подошёл" in revoked.text
        assert first not in revoked.text
        nonsense = await code_sign_in(suite, browser, "<script>1</script>")
        assert nonsense.status_code == 401 and "<script>1" not in nonsense.text
        assert (await code_sign_in(suite, browser, second)).status_code == 303
        # a participant's session is no key to the staff's screens
        for staff_page in (
            "/chair",
            "/marking",
            "/coding",
            f"/organiser/{olympiad.olympiad_id}/codes",
        ):
            refused = await browser.get(staff_page)
            assert refused.status_code == 403, (staff_page, refused.status_code)


async def test_the_participant_services_refuse_a_token_for_another_participant(
    suite: Suite, olympiad: Olympiad
) -> None:
    """What the participant's page relies on: the services, not the portal, keep people apart."""
    alyona = await participant_id_of(olympiad, "Ёлкина", "Алёна")
    semyon = await participant_id_of(olympiad, "Ёлкин", "Семён")
    for service in ("appeals", "coding"):
        harness = suite[service]
        token = harness.auth(
            Role.PARTICIPANT, sub="participant-x", scopes={ScopeKind.PARTICIPANT: [str(alyona)]}
        )
        mine = await harness.client.get(
            f"/olympiads/{olympiad.olympiad_id}/participants/{alyona}/works", headers=token
        )
        theirs = await harness.client.get(
            f"/olympiads/{olympiad.olympiad_id}/participants/{semyon}/works", headers=token
        )
        assert (mine.status_code, theirs.status_code) == (200, 403), service


async def test_p102_p107_the_commission_hears_votes_two_two_and_its_chair_decides(
    suite: Suite, olympiad: Olympiad
) -> None:
    varvara = await participant_id_of(olympiad, "Римская-Корсакова", "Варвара")
    filed = await suite["appeals"].client.post(
        f"/olympiads/{olympiad.olympiad_id}/participants/{varvara}/appeals",
        json={"subject_code": SUBJECT, "tasks": [5], "statement": "Задача 5 решена полностью."},
        headers=suite["appeals"].auth(
            Role.PARTICIPANT, sub="p", scopes={ScopeKind.PARTICIPANT: [str(varvara)]}
        ),
    )
    assert filed.status_code == 201, filed.text
    hearing = f"/commission/{olympiad.olympiad_id}/appeals/{filed.json()['appeal_id']}"

    async with signed_in(suite, "ap-kuznetsova") as chair:
        listing = await chair.get(f"/commission/{olympiad.olympiad_id}/{SUBJECT}")
        assert hearing in listing.text
        page = await chair.get(hearing)
        assert page.status_code == 200, page.text
        text = " ".join(re.sub(r"<[^>]+>", " ", page.text).split())
        assert "Апелляция: Римская-Корсакова Варвара Петровна" in text
        assert "Задача 5 решена полностью." in text
        assert "1-я проверка" in text and "2-я проверка" in text  # the rounds (§108)
        assert "не менее 3 из 4" in text
        csrf = csrf_of(page.text)
        unchecked = await chair.post(
            hearing + "/attendance", data={"csrf": csrf, "attendance": "present"}
        )
        assert unchecked.status_code == 422 and "п. 103" in unchecked.text
        assert 'value="present" checked' in unchecked.text  # what was chosen stays
        present = await chair.post(
            hearing + "/attendance",
            data={"csrf": csrf, "attendance": "present", "identity_checked": "true"},
        )
        assert present.status_code == 303, present.text
        voted = await chair.post(
            hearing + "/vote", data={"csrf": csrf, "outcome": "raise", "score-5": "8"}
        )
        assert voted.status_code == 303, voted.text
        projector = await chair.get(hearing + "?projector=1")
        assert 'class="hearing projector"' in projector.text

    for member, outcome, score in (
        ("ap-orlov", "raise", "8"),
        ("ap-yolkin", "reject", ""),
        ("ap-smirnova", "reject", ""),
    ):
        async with signed_in(suite, member) as browser:
            page = await browser.get(hearing)
            form = {"csrf": csrf_of(page.text), "outcome": outcome, "score-5": score}
            voted = await browser.post(hearing + "/vote", data=form)
            assert voted.status_code == 303, (member, voted.text)
            if member == "ap-orlov":  # only the chair closes the vote
                refused = await browser.post(
                    hearing + "/decision", data={"csrf": csrf_of(page.text)}
                )
                assert refused.status_code == 409
                assert "только председатель апелляционной комиссии" in refused.text

    async with signed_in(suite, "ap-kuznetsova") as chair:
        page = await chair.get(hearing)
        closed = await chair.post(hearing + "/decision", data={"csrf": csrf_of(page.text)})
        assert closed.status_code == 303, closed.text
        after = await chair.get(closed.headers["location"])
        assert "Решение принято: удовлетворить апелляцию с повышением количества баллов" in (
            after.text
        )
        protocol = await chair.get(hearing + "/protocol.pdf")
        assert protocol.status_code == 200
        assert protocol.headers["content-type"] == "application/pdf"

    code = await issue_code(suite, olympiad, varvara)
    async with client_of(suite.portal) as browser:
        assert (await code_sign_in(suite, browser, code)).status_code == 303
        own = await browser.get("/participant")
    text = " ".join(re.sub(r"<[^>]+>", " ", own.text).split())
    assert "апелляция удовлетворена с повышением количества баллов" in text
    assert "окончательное (п. 114)" in text


async def test_p82_p96_the_olympiads_public_page_shows_the_analysis_show_and_appeal_window(
    suite: Suite, olympiad: Olympiad
) -> None:
    async with client_of(suite.portal) as anyone:  # nobody signed in
        page = await anyone.get(f"/olympiad/{olympiad.olympiad_id}")
    assert page.status_code == 200, page.text
    text = " ".join(re.sub(r"<[^>]+>", " ", page.text).split())
    assert "Муниципальный этап ВсОШ 2026/27, Усть-Ишимский район" in text
    assert "Математика Анализ заданий и их решений" in text
    assert "МБОУ «Усть-Ишимская СОШ № 1», актовый зал" in text
    assert "Показ работ" in text and "кабинет 1" in text
    assert "Подача апелляций (п. 96) с " in text
    assert "Назначений наблюдателей пока нет." in text
    assert page.headers["cache-control"] == "public, max-age=60"
    assert f"/results/{olympiad.olympiad_id}/index.html" in page.text


async def test_p91_p108_the_criteria_after_their_instant_for_the_participant_and_the_commission(
    suite: Suite, olympiad: Olympiad
) -> None:
    materials = suite["materials"]
    now = suite.clock.now()
    release = now + dt.timedelta(hours=1)
    uploaded = await materials.client.post(
        f"/olympiads/{olympiad.olympiad_id}/subjects/{SUBJECT}/packages/criteria",
        content=winzip_aes(CRITERIA_PASSWORD, CRITERIA),
        params={"release_at": release.isoformat()},
        headers={
            **materials.auth(Role.COORDINATOR, sub="region-petrova"),
            "X-Package-Password": CRITERIA_PASSWORD,
        },
    )
    assert uploaded.status_code == 201, uploaded.text
    alyona = await participant_id_of(olympiad, "Ёлкина", "Алёна")
    code = await issue_code(suite, olympiad, alyona)
    download = f"/participant/criteria/{SUBJECT}"
    # the round is today 10:00-14:00 (new_olympiad): a participant gets the criteria after it
    today = to_local(now, TIME_ZONE).date()
    round_ends = local_instant(today, dt.time(14, 0), TIME_ZONE)
    opens_at = max(release, round_ends)
    async with client_of(suite.portal) as browser:
        assert (await code_sign_in(suite, browser, code)).status_code == 303
        before = await browser.get("/participant")
        text = " ".join(re.sub(r"<[^>]+>", " ", before.text).split())
        opens = f"с {to_local(opens_at, TIME_ZONE):%d.%m.%Y в %H:%M} ({TIME_ZONE})"
        if round_ends > release:
            opens = f"после окончания тура по предмету, {opens}"
        assert f"Критерии оценивания будут доступны {opens}." in text
        assert download not in before.text
        early = await browser.get(download)
        assert early.status_code == 403  # materials refuses before the instant, whoever asks
        # §91: the criteria of the participant's own subjects only, whatever the materials say
        other = await browser.get("/participant/criteria/physics")
        assert other.status_code == 403
        assert other.json()["detail"] == (
            "Среди ваших работ нет работы по предмету «физика»: критерии оценивания выдаются "
            "только по предметам, по которым вы участвовали."
        )

        suite.clock.set(opens_at + dt.timedelta(minutes=1))
        try:
            after = await browser.get("/participant")
            assert f'href="{download}"' in after.text
            files = await browser.get(download)
            assert files.status_code == 200, files.text
            with zipfile.ZipFile(io.BytesIO(files.content)) as unpacked:
                assert {n: unpacked.read(n) for n in unpacked.namelist()} == CRITERIA
            assert files.headers["cache-control"] == "private, no-store"

            filed = await suite["appeals"].client.post(
                f"/olympiads/{olympiad.olympiad_id}/participants/{alyona}/appeals",
                json={"subject_code": SUBJECT, "tasks": [2], "statement": "Задача 2 решена."},
                headers=suite["appeals"].auth(
                    Role.PARTICIPANT, sub="p", scopes={ScopeKind.PARTICIPANT: [str(alyona)]}
                ),
            )
            assert filed.status_code == 201, filed.text
            hearing = f"/commission/{olympiad.olympiad_id}/appeals/{filed.json()['appeal_id']}"
            async with signed_in(suite, "ap-orlov") as member:
                page = await member.get(hearing)
                assert page.status_code == 200, page.text
                criteria = f"/commission/{olympiad.olympiad_id}/criteria/{SUBJECT}"
                assert f'href="{criteria}"' in page.text
                assert "Критерии оценивания (п. 108)" in page.text
                given = await member.get(criteria)
            assert given.status_code == 200
            assert given.content == files.content
        finally:
            suite.clock.set(now)
