"""After the upload: the manual queue, the jury's links (answer pages only), title pages, labels."""

from __future__ import annotations

import datetime as dt
import uuid
from urllib.parse import parse_qs, urlsplit

import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pytest
import sqlalchemy as sa

from olymp_coding import store as coding_store
from olymp_coding.scans.domain import TITLES_PREFIX, answer_payload, title_payload
from olymp_core.audit import audit_log
from olymp_core.auth import Role, ScopeKind
from olymp_core.contracts.coding import PageScanned
from olymp_core.events.tables import outbox
from tests.support.scan_pages import encode, make_page_image

from .conftest import Olympiad

pytestmark = pytest.mark.integration


async def audit_actions(olympiad: Olympiad, object_id: str) -> list[tuple[str, str]]:
    async with olympiad.svc.uows() as uow:
        rows = await uow.session.execute(
            sa.select(audit_log.c.action, audit_log.c.actor)
            .where(audit_log.c.object_id == object_id)
            .order_by(audit_log.c.seq)
        )
        return [(row.action, row.actor) for row in rows]


async def unreadable_page(olympiad: Olympiad, seed: int) -> str:
    response = await olympiad.upload(encode(make_page_image((), seed=seed)), f"blank-{seed}.jpg")
    (outcome,) = response.json()["pages"]
    assert outcome["outcome"] == "manual"
    return str(outcome["page_id"])


def assignment_url(olympiad: Olympiad, page_id: str) -> str:
    return f"{olympiad.base}/scans/{page_id}/assignment"


async def test_coding_officer_settles_a_queued_page_on_a_work(olympiad: Olympiad) -> None:
    svc, code = olympiad.svc, olympiad.math[0]
    page_id = await unreadable_page(olympiad, seed=11)
    officer = svc.auth(Role.CODING_OFFICER, sub="officer-1")
    queue = (await svc.client.get(f"{olympiad.base}/scans/manual", headers=officer)).json()
    assert [p["page_id"] for p in queue["pages"]] == [page_id]
    image = await svc.client.get(queue["pages"][0]["image_url"], headers=officer)
    assert image.status_code == 200 and image.content[:3] == b"\xff\xd8\xff"

    mistyped = code[:-1] + ("2" if code[-1] != "2" else "3")
    typo = await svc.client.post(
        assignment_url(olympiad, page_id),
        json={"work_code": mistyped, "subject_code": "math"},
        headers=officer,
    )
    wrong_subject = await svc.client.post(
        assignment_url(olympiad, page_id),
        json={"work_code": code, "subject_code": "physics"},
        headers=officer,
    )
    done = await svc.client.post(
        assignment_url(olympiad, page_id),
        json={"work_code": code.lower(), "subject_code": "math"},
        headers=officer,
    )
    again = await svc.client.post(
        assignment_url(olympiad, page_id),
        json={"work_code": code, "subject_code": "math"},
        headers=officer,
    )

    assert typo.status_code == 422 and "контрольный символ" in typo.json()["detail"]
    assert wrong_subject.status_code == 409 and "«математика»" in wrong_subject.json()["detail"]
    assert done.status_code == 200, done.text
    assert done.json() == {
        "page_id": page_id,
        "work_code": code,
        "kind": "answer",
        "queue_state": "resolved",
    }
    assert again.status_code == 409
    queue = (await svc.client.get(f"{olympiad.base}/scans/manual", headers=officer)).json()
    assert queue["pages"] == []
    async with svc.uows() as uow:
        events = list(
            await uow.session.scalars(
                sa.select(outbox.c.payload).where(outbox.c.routing_key == PageScanned.routing_key())
            )
        )
    assert any(e["page_id"] == page_id and e["work_code"] == code for e in events)
    assert ("scan.page_assigned", "officer-1") in await audit_actions(olympiad, page_id)


async def test_p63_queued_page_assigned_as_title_moves_under_titles(olympiad: Olympiad) -> None:
    svc = olympiad.svc
    page_id = await unreadable_page(olympiad, seed=12)

    response = await svc.client.post(
        assignment_url(olympiad, page_id),
        json={"work_code": olympiad.math[1], "subject_code": "math", "kind": "title"},
        headers=svc.auth(Role.CODING_OFFICER),
    )

    assert response.status_code == 200, response.text
    (row,) = await olympiad.pages()
    assert row.kind == "title" and row.object_key.startswith(f"{TITLES_PREFIX}/")
    root = olympiad.storage_root
    # this olympiad's answer scans (other tests share the store)
    assert [p.name for p in (root / "scans" / str(olympiad.olympiad_id)).rglob("*.png")] == []
    title = await svc.client.get(
        f"{olympiad.base}/titles/{olympiad.math[1]}", headers=svc.auth(Role.CODING_OFFICER)
    )
    assert title.status_code == 200 and title.headers["x-title-pages"] == "1"


async def upload_work(olympiad: Olympiad, code: str) -> None:
    for n, payload in enumerate(
        (title_payload(code), answer_payload(code, 1), answer_payload(code, 2))
    ):
        response = await olympiad.upload(
            encode(make_page_image((payload,), seed=20 + n)), f"{n}.jpg"
        )
        assert response.status_code == 200, response.text


async def test_p62_jury_reads_answer_pages_by_code_through_audited_links(
    olympiad: Olympiad,
) -> None:
    svc, code = olympiad.svc, olympiad.math[2]
    await upload_work(olympiad, code)
    jury = svc.auth(Role.JURY_MEMBER, sub="jury-5", scopes={ScopeKind.SUBJECT: ["math"]})

    response = await svc.client.get(f"{olympiad.base}/works/{code}/pages", headers=jury)

    assert response.status_code == 200, response.text
    pages = response.json()["pages"]
    assert [p["sheet"] for p in pages] == [1, 2]  # the title page is never among them
    rows = {str(row.page_id): row for row in await olympiad.pages()}
    assert {rows[p["page_id"]].kind for p in pages} == {"answer"}
    for page in pages:
        image = await svc.client.get(page["url"])  # the signature is the credential
        assert image.status_code == 200
        assert (
            image.content == (olympiad.storage_root / rows[page["page_id"]].object_key).read_bytes()
        )
        assert await audit_actions(olympiad, page["page_id"]) == [
            ("scan.page_link_issued", "jury-5"),
            ("scan.page_read", "jury-5"),
        ]


async def test_page_link_refused_when_tampered_expired_or_pointed_at_a_title(
    olympiad: Olympiad,
) -> None:
    svc, code = olympiad.svc, olympiad.math[0]
    await upload_work(olympiad, code)
    jury = svc.auth(Role.JURY_CHAIR, sub="chair")
    (first, _) = (await svc.client.get(f"{olympiad.base}/works/{code}/pages", headers=jury)).json()[
        "pages"
    ]
    path, query = urlsplit(first["url"]).path, parse_qs(urlsplit(first["url"]).query)
    title_id = next(str(row.page_id) for row in await olympiad.pages() if row.kind == "title")

    stretched = await svc.client.get(
        path,
        params={**{k: v[0] for k, v in query.items()}, "expires": int(query["expires"][0]) + 3600},
    )
    other_page = await svc.client.get(
        f"{olympiad.base}/pages/{title_id}", params={k: v[0] for k, v in query.items()}
    )
    olympiad.clock.advance(dt.timedelta(minutes=6))
    try:
        expired = await svc.client.get(first["url"])
    finally:
        olympiad.clock.advance(-dt.timedelta(minutes=6))

    assert stretched.status_code == 403
    assert other_page.status_code == 403
    assert expired.status_code == 403 and "срок" in expired.json()["detail"]


async def test_p63_title_page_is_for_the_coding_role_only(olympiad: Olympiad) -> None:
    svc, code = olympiad.svc, olympiad.math[1]
    await upload_work(olympiad, code)
    url = f"{olympiad.base}/titles/{code}"

    for role in (Role.JURY_MEMBER, Role.JURY_CHAIR, Role.SCANNER):
        assert (await svc.client.get(url, headers=svc.auth(role))).status_code == 403
    officer = await svc.client.get(url, headers=svc.auth(Role.CODING_OFFICER, sub="officer-2"))

    assert officer.status_code == 200 and officer.content[:3] == b"\xff\xd8\xff"
    title_id = next(str(row.page_id) for row in await olympiad.pages() if row.kind == "title")
    assert await audit_actions(olympiad, title_id) == [("scan.title_read", "officer-2")]


async def test_jury_of_another_subject_gets_no_links(olympiad: Olympiad) -> None:
    svc = olympiad.svc
    response = await svc.client.get(
        f"{olympiad.base}/works/{olympiad.math[0]}/pages",
        headers=svc.auth(Role.JURY_MEMBER, scopes={ScopeKind.SUBJECT: ["physics"]}),
    )

    assert response.status_code == 403


async def test_p62_label_sheets_carry_the_codes_of_the_grade(olympiad: Olympiad) -> None:
    svc = olympiad.svc
    response = await svc.client.get(
        f"{olympiad.base}/subjects/math/labels.pdf",
        params={"grade": 9},
        headers=svc.auth(Role.CODING_OFFICER),
    )
    informatics = await svc.client.get(
        f"{olympiad.base}/subjects/informatics/labels.pdf", headers=svc.auth(Role.CODING_OFFICER)
    )

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    document = pdfium.PdfDocument(response.content)
    text = "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    assert all(code in text for code in olympiad.math)
    assert olympiad.physics[0] not in text
    assert informatics.status_code == 409


@pytest.mark.parametrize(
    ("method", "path", "allowed", "refused"),
    [
        ("POST", "/scans?filename=a.jpg&subject_code=math", Role.SCANNER, Role.JURY_MEMBER),
        ("GET", "/scans/manual", Role.CODING_OFFICER, Role.SCANNER),
        ("POST", f"/scans/{uuid.uuid4()}/assignment", Role.CODING_OFFICER, Role.JURY_CHAIR),
        ("GET", f"/scans/{uuid.uuid4()}/image", Role.CODING_OFFICER, Role.JURY_MEMBER),
        ("GET", "/subjects/math/labels.pdf", Role.CODING_OFFICER, Role.SCANNER),
        ("GET", "/works/2345678/pages", Role.JURY_MEMBER, Role.CODING_OFFICER),
        ("GET", "/titles/2345678", Role.CODING_OFFICER, Role.JURY_CHAIR),
    ],
)
async def test_every_route_family_needs_a_token_and_the_right_role(
    olympiad: Olympiad, method: str, path: str, allowed: Role, refused: Role
) -> None:
    svc, url = olympiad.svc, olympiad.base + path

    anonymous = await svc.client.request(method, url)
    wrong_role = await svc.client.request(method, url, headers=svc.auth(refused))
    right_role = await svc.client.request(method, url, headers=svc.auth(allowed))

    assert anonymous.status_code == 401
    assert wrong_role.status_code == 403
    assert right_role.status_code not in (401, 403)


async def test_page_link_without_a_valid_signature_is_refused(olympiad: Olympiad) -> None:
    response = await olympiad.svc.client.get(
        f"{olympiad.base}/pages/{uuid.uuid4()}",
        params={"expires": 4102444800, "to": "jury-5", "sig": "0" * 64},
    )

    assert response.status_code == 403


async def test_p63_coding_officer_of_one_subject_sees_no_pages_of_another(
    olympiad: Olympiad,
) -> None:
    svc, physics = olympiad.svc, olympiad.physics[0]
    title = encode(make_page_image((title_payload(physics),), seed=41))
    assert (await olympiad.upload(title, "title.jpg", "physics")).status_code == 200
    queued = await olympiad.upload(encode(make_page_image((), seed=42)), "blank.jpg", "physics")
    (outcome,) = queued.json()["pages"]
    page_id = str(outcome["page_id"])
    maths = svc.auth(Role.CODING_OFFICER, sub="officer-math", scopes={ScopeKind.SUBJECT: ["math"]})
    physicist = svc.auth(
        Role.CODING_OFFICER, sub="officer-physics", scopes={ScopeKind.SUBJECT: ["physics"]}
    )

    title_read = await svc.client.get(f"{olympiad.base}/titles/{physics}", headers=maths)
    assert title_read.status_code == 403
    assert "не назначен" in title_read.json()["detail"]
    queue = await svc.client.get(f"{olympiad.base}/scans/manual", headers=maths)
    assert queue.status_code == 200 and queue.json()["pages"] == []
    image = await svc.client.get(f"{olympiad.base}/scans/{page_id}/image", headers=maths)
    assert image.status_code == 403
    assigned = await svc.client.post(
        assignment_url(olympiad, page_id),
        json={"work_code": physics, "subject_code": "physics"},
        headers=maths,
    )
    assert assigned.status_code == 403
    assert await audit_actions(olympiad, page_id) == []

    theirs = await svc.client.get(f"{olympiad.base}/scans/manual", headers=physicist)
    assert [p["page_id"] for p in theirs.json()["pages"]] == [page_id]
    own = await svc.client.get(f"{olympiad.base}/titles/{physics}", headers=physicist)
    assert own.status_code == 200


async def _participant_of(olympiad: Olympiad, code: str) -> uuid.UUID:
    codes = await olympiad.svc.client.get(
        f"{olympiad.base}/subjects/math/codes", headers=olympiad.svc.auth(Role.CODING_OFFICER)
    )
    [entry] = [e for e in codes.json()["entries"] if e["work_code"] == code]
    return uuid.UUID(entry["participant_id"])


async def test_p91_a_participant_sees_their_own_answer_pages_only_after_decoding(
    olympiad: Olympiad,
) -> None:
    svc, code, other = olympiad.svc, olympiad.math[0], olympiad.math[1]
    await upload_work(olympiad, code)
    await upload_work(olympiad, other)
    me, them = await _participant_of(olympiad, code), await _participant_of(olympiad, other)

    def as_participant(who: uuid.UUID) -> dict[str, str]:
        return svc.auth(
            Role.PARTICIPANT,
            sub=f"participant-{who.hex[:8]}",
            scopes={ScopeKind.PARTICIPANT: [str(who)]},
        )

    url = f"{olympiad.base}/participants/{me}/works"
    before = await svc.client.get(url, headers=as_participant(me))
    assert before.status_code == 200, before.text
    assert before.json()["works"] == []  # coded, not decoded: the work is nobody's yet

    async with svc.uows() as uow:
        await coding_store.insert_decoding(
            uow.session,
            olympiad_id=olympiad.olympiad_id,
            subject_code="math",
            grade=9,
            count=3,
            at=olympiad.clock.now(),
            by="coding-officer",
        )
        await uow.commit()
    after = await svc.client.get(url, headers=as_participant(me))

    [work] = after.json()["works"]
    assert (work["subject_code"], work["grade"]) == ("math", 9)
    assert "work_code" not in work and code not in after.text
    assert [p["sheet"] for p in work["pages"]] == [1, 2]  # never the title page
    rows = {str(row.page_id): row for row in await olympiad.pages()}
    assert {rows[p["page_id"]].work_code for p in work["pages"]} == {code}
    image = await svc.client.get(work["pages"][0]["url"])
    assert image.status_code == 200

    for headers, target in (
        (as_participant(me), them),  # another participant's works
        (svc.auth(Role.PARTICIPANT, sub="participant-x"), me),  # a token pinned to nobody
        (svc.auth(Role.JURY_MEMBER), me),  # staff do not read through this route
    ):
        refused = await svc.client.get(
            f"{olympiad.base}/participants/{target}/works", headers=headers
        )
        assert refused.status_code == 403, refused.text
    for staff_route in (f"{olympiad.base}/works/{other}/pages", f"{olympiad.base}/titles/{code}"):
        refused = await svc.client.get(staff_route, headers=as_participant(me))
        assert refused.status_code == 403, (staff_route, refused.text)


async def test_p108_the_appeal_commission_opens_a_work_of_a_decoded_grade_only(
    olympiad: Olympiad,
) -> None:
    svc, code = olympiad.svc, olympiad.math[2]
    await upload_work(olympiad, code)
    commission = svc.auth(Role.APPEAL_MEMBER, sub="appeal-orlova")
    url = f"{olympiad.base}/works/{code}/pages"

    before = await svc.client.get(url, headers=commission)
    assert before.status_code == 403
    assert "ещё не декодирована" in before.json()["detail"]
    async with svc.uows() as uow:
        await coding_store.insert_decoding(
            uow.session, olympiad_id=olympiad.olympiad_id, subject_code="math", grade=9,
            count=3, at=olympiad.clock.now(), by="coding-officer",
        )  # fmt: skip
        await uow.commit()
    after = await svc.client.get(url, headers=commission)
    assert after.status_code == 200, after.text
    assert [p["sheet"] for p in after.json()["pages"]] == [1, 2]  # never the title page
    title = await svc.client.get(f"{olympiad.base}/titles/{code}", headers=commission)
    assert title.status_code == 403
