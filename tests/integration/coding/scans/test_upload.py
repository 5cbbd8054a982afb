"""The scan station's upload: every page gets an outcome, every bad file a clear refusal (§21, §62–63)."""

from __future__ import annotations

import datetime as dt
import random

import pytest
import sqlalchemy as sa

from olymp_coding.domain import generate_code
from olymp_coding.scans.domain import (
    REASON_OTHER_SUBJECT,
    REASON_UNKNOWN_CODE,
    REASON_UNREADABLE,
    TITLES_PREFIX,
    answer_payload,
    title_payload,
)
from olymp_core.auth import Role, ScopeKind
from olymp_core.contracts.coding import PageScanned
from olymp_core.events.tables import outbox
from tests.support.scan_pages import encode, make_page_image, pdf_of

from .conftest import Olympiad

pytestmark = pytest.mark.integration


async def page_scanned_events(olympiad: Olympiad) -> list[dict[str, object]]:
    async with olympiad.svc.uows() as uow:
        payloads = await uow.session.scalars(
            sa.select(outbox.c.payload).where(outbox.c.routing_key == PageScanned.routing_key())
        )
        return [p for p in payloads if p["olympiad_id"] == str(olympiad.olympiad_id)]


async def test_p62_answer_page_is_routed_to_its_work_and_announced(olympiad: Olympiad) -> None:
    code = olympiad.math[0]
    page = encode(make_page_image((answer_payload(code, 2),), seed=1))

    response = await olympiad.upload(page, "station-1/0001.jpg")

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["filename"] == "0001.jpg"
    (outcome,) = body["pages"]
    assert (outcome["outcome"], outcome["work_code"], outcome["sheet"]) == ("work", code, 2)
    (row,) = await olympiad.pages()
    assert (row.kind, row.work_code, row.queue_state, row.source_page) == (
        "answer",
        code,
        "none",
        1,
    )
    assert code not in row.object_key  # keys reveal no work and no name
    (event,) = await page_scanned_events(olympiad)
    assert (event["work_code"], event["page_id"], event["sheet"]) == (code, str(row.page_id), 2)


async def test_p21_every_page_is_kept_a_year_and_the_policy_recorded(olympiad: Olympiad) -> None:
    await olympiad.upload(encode(make_page_image((answer_payload(olympiad.math[0], 1),))), "a.jpg")

    (row,) = await olympiad.pages()
    assert row.retain_until == row.uploaded_at.replace(year=row.uploaded_at.year + 1)
    assert row.retain_until - row.uploaded_at >= dt.timedelta(days=365)
    assert row.retention_mode == "recorded"  # a local directory has no object lock


async def test_p63_title_page_is_stored_apart_and_never_announced(olympiad: Olympiad) -> None:
    code = olympiad.math[1]

    response = await olympiad.upload(encode(make_page_image((title_payload(code),))), "t.jpg")

    (outcome,) = response.json()["pages"]
    assert (outcome["outcome"], outcome["work_code"]) == ("title", code)
    (row,) = await olympiad.pages()
    assert row.kind == "title"
    assert row.object_key.startswith(f"{TITLES_PREFIX}/")
    assert (olympiad.storage_root / row.object_key).is_file()
    assert await page_scanned_events(olympiad) == []


@pytest.mark.parametrize("turn", [90, 180])
async def test_turned_page_is_routed_and_its_turn_reported(olympiad: Olympiad, turn: int) -> None:
    code = olympiad.math[0]
    page = encode(make_page_image((answer_payload(code, 1),), turn=turn, seed=turn))

    (outcome,) = (await olympiad.upload(page, f"turned-{turn}.jpg")).json()["pages"]

    assert (outcome["outcome"], outcome["work_code"]) == ("work", code)
    assert outcome["orientation"] == (360 - turn) % 360


async def test_faint_and_partly_covered_labels_are_still_read(olympiad: Olympiad) -> None:
    code = olympiad.math[2]
    faint = encode(make_page_image((answer_payload(code, 1),), ink=205, seed=3))
    covered = encode(
        make_page_image((answer_payload(code, 2),), cover=(0.40, 0.40, 0.60, 0.55), seed=4)
    )

    outcomes = [
        (await olympiad.upload(data, name)).json()["pages"][0]
        for data, name in ((faint, "faint.jpg"), (covered, "covered.jpg"))
    ]

    assert [(o["outcome"], o["work_code"], o["sheet"]) for o in outcomes] == [
        ("work", code, 1),
        ("work", code, 2),
    ]


async def test_unreadable_other_subject_and_unknown_codes_go_to_the_manual_queue(
    olympiad: Olympiad,
) -> None:
    never_issued = generate_code(random.Random(99), set(olympiad.math))
    pages = [
        make_page_image((), seed=5),  # no label at all
        make_page_image((answer_payload(olympiad.physics[0], 1),), seed=6),
        make_page_image((answer_payload(never_issued, 1),), seed=7),
        make_page_image((answer_payload(olympiad.math[0], 1),), cover=(0.0, 0.0, 1.0, 0.5)),
    ]

    response = await olympiad.upload(pdf_of(pages), "mixed.pdf")

    assert response.status_code == 200, response.text
    outcomes = response.json()["pages"]
    assert [(o["page"], o["outcome"], o["reason"]) for o in outcomes] == [
        (1, "manual", REASON_UNREADABLE),
        (2, "manual", REASON_OTHER_SUBJECT),
        (3, "manual", REASON_UNKNOWN_CODE),
        (4, "manual", REASON_UNREADABLE),
    ]
    assert outcomes[1]["work_code"] == olympiad.physics[0]  # shown to help the officer
    rows = await olympiad.pages()
    assert {row.queue_state for row in rows} == {"pending"}
    assert all(row.work_code is None for row in rows)
    assert await page_scanned_events(olympiad) == []


async def test_same_page_uploaded_twice_is_stored_once_and_reported(olympiad: Olympiad) -> None:
    page = encode(make_page_image((answer_payload(olympiad.math[0], 1),), seed=8))
    first = (await olympiad.upload(page, "once.jpg")).json()["pages"][0]

    again = (await olympiad.upload(page, "again.jpg")).json()["pages"][0]
    inside_one_pdf = await olympiad.upload(pdf_of([make_page_image(seed=9)] * 2), "twice.pdf")

    assert again["outcome"] == "duplicate"
    assert again["page_id"] == first["page_id"]
    assert again["work_code"] == olympiad.math[0]
    assert [o["outcome"] for o in inside_one_pdf.json()["pages"]] == ["manual", "duplicate"]
    assert len(await olympiad.pages()) == 2
    assert len(await page_scanned_events(olympiad)) == 1


@pytest.mark.parametrize(
    ("data", "error", "words"),
    [
        (b"", "EmptyFile", "пустой"),
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ntruncated", "CorruptDocument", "повреждён"),
        (b"\xff\xd8\xff\xe0 not really a jpeg", "CorruptDocument", "повреждено"),
        (b"Surname, Name; grade 9\n", "UnsupportedFileType", "не является сканом"),
    ],
    ids=["zero-byte", "corrupt-pdf", "corrupt-jpeg", "not-a-scan"],
)
async def test_bad_file_is_refused_by_name_and_nothing_is_stored(
    olympiad: Olympiad, data: bytes, error: str, words: str
) -> None:
    response = await olympiad.upload(data, "bad-file.pdf")

    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["filename"] == "bad-file.pdf"
    assert problem["error"] == error
    assert "bad-file.pdf" in problem["detail"] and words in problem["detail"]
    assert await olympiad.pages() == []


async def test_long_pdf_streams_page_by_page_to_its_works(olympiad: Olympiad) -> None:
    # 40 pages here; a 300-page PDF takes the same path, with at most `scan_window` pages alive.
    codes = olympiad.math
    pages = [
        make_page_image((answer_payload(codes[n % 3], n // 3 + 1),), dpi=100, seed=n)
        for n in range(40)
    ]

    response = await olympiad.upload(pdf_of(pages), "long.pdf")

    assert response.status_code == 200, response.text
    outcomes = response.json()["pages"]
    assert [o["page"] for o in outcomes] == list(range(1, 41))
    assert {o["outcome"] for o in outcomes} == {"work"}
    assert [o["work_code"] for o in outcomes] == [codes[n % 3] for n in range(40)]
    assert len(await olympiad.pages()) == 40
    assert len(await page_scanned_events(olympiad)) == 40


async def test_station_of_another_subject_is_out_of_scope(olympiad: Olympiad) -> None:
    response = await olympiad.svc.client.post(
        f"{olympiad.base}/scans",
        params={"filename": "x.jpg", "subject_code": "math"},
        content=b"x",
        headers=olympiad.svc.auth(Role.SCANNER, scopes={ScopeKind.SUBJECT: ["physics"]}),
    )

    assert response.status_code == 403
