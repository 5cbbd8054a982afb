"""§115: the appeal protocol (App. 9) of a decided appeal, PDF and XLSX, for those who sign it
and those who act on it; its text checked against the hearing, and page 1 drawn once."""

from __future__ import annotations

import io
import uuid
from pathlib import Path

import pypdfium2  # type: ignore[import-untyped]
import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from olymp_core.audit import audit_log
from olymp_core.auth import Role, ScopeKind

from .conftest import Olympiad

pytestmark = pytest.mark.integration

MEMBERS = ["Кузнецова-Ильина", "Орлов", "Ёлкин", "Смирнова"]


def pdf_text(body: bytes) -> str:
    document = pypdfium2.PdfDocument(body)
    try:
        return " ".join(" ".join(p.get_textpage().get_text_range().split()) for p in document)
    finally:
        document.close()


def first_page_dark_pixels(body: bytes, path: Path) -> int:
    document = pypdfium2.PdfDocument(body)
    try:
        image = document[0].render(scale=1.5).to_pil().convert("L")
    finally:
        document.close()
    image.save(path)
    return sum(image.histogram()[:128])


async def decided_by_the_chairs_vote(olympiad: Olympiad) -> str:
    """Four listed members split 2-2 on task 1; the chair's motion wins (§107)."""
    appeal_id = await olympiad.ready_appeal(MEMBERS, tasks=[1, 3])
    for member, outcome, scores in (
        ("Кузнецова-Ильина", "raise", {"1": "8"}),
        ("Орлов", "raise", {"1": "8"}),
        ("Ёлкин", "reject", None),
        ("Смирнова", "reject", None),
    ):
        voted = await olympiad.vote(appeal_id, member, outcome, scores)
        assert voted.status_code == 201, voted.text
    decided = await olympiad.decide(appeal_id, by="Кузнецова-Ильина")
    assert decided.status_code == 200, decided.text
    assert decided.json()["by_casting_vote"] is True
    return appeal_id


async def test_p115_the_protocol_records_the_hearing_the_votes_and_the_points(
    olympiad: Olympiad, tmp_path: Path
) -> None:
    appeal_id = await decided_by_the_chairs_vote(olympiad)
    url = f"{olympiad.base}/appeals/{appeal_id}/protocol"

    pdf = await olympiad.client.get(
        url + ".pdf", headers=olympiad.auth(Role.APPEAL_MEMBER, sub="Орлов")
    )

    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf"
    text = pdf_text(pdf.content)
    for expected in (
        "Протокол рассмотрения апелляции (Приложение № 9)",
        "Участник: Ёлкина Алёна Фёдоровна, МБОУ «Лицей № 1», 9 класс.",
        "указанные в заявлении (п. 105): 1, 3",
        "в присутствии участника (п. 101)",
        "решение принимается большинством не менее 3 голосов (п. 106)",
        "решающим стал голос председателя комиссии (п. 107)",
        "удовлетворить апелляцию с повышением количества баллов (п. 112)",
        "Итого баллов: до апелляции 13,5, после апелляции 15,5.",
        "окончательным (п. 114)",
        "Председатель апелляционной комиссии (Кузнецова-Ильина)",
        "Член апелляционной комиссии (Смирнова)",
    ):
        assert expected in text, expected
    assert "1 * 10 6 8 +2" in text  # task 1: max, before, after, the change
    assert first_page_dark_pixels(pdf.content, tmp_path / "appeal-protocol.png") > 5000

    xlsx = await olympiad.client.get(
        url + ".xlsx", headers=olympiad.auth(Role.MUNICIPAL_COORDINATOR)
    )
    assert xlsx.status_code == 200, xlsx.text
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    cells = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    assert ["1 *", "10", "6", "8", "+2"] in cells
    assert ["Итого", "30", "13,5", "15,5", "+2"] in cells

    async with olympiad.appeals.svc.uows() as uow:
        issued = await uow.session.scalars(
            sa.select(audit_log.c.actor).where(
                audit_log.c.object_id == appeal_id,
                audit_log.c.action == "appeal.protocol_issued",
            )
        )
        assert sorted(issued) == ["tester", "Орлов"]


async def test_p115_no_protocol_before_the_decision_and_not_for_outsiders(
    olympiad: Olympiad,
) -> None:
    appeal_id = await olympiad.ready_appeal(MEMBERS, tasks=[1])
    url = f"{olympiad.base}/appeals/{appeal_id}/protocol.pdf"

    undecided = await olympiad.client.get(
        url, headers=olympiad.auth(Role.APPEAL_MEMBER, sub="Орлов")
    )
    assert undecided.status_code == 409
    assert "ещё не приняла" in undecided.json()["detail"]

    for headers in (
        olympiad.auth(Role.APPEAL_MEMBER, sub="not-listed"),
        olympiad.auth(Role.JURY_MEMBER),
        olympiad.auth(Role.OBSERVER),
        olympiad.appeals.svc.auth(Role.JURY_CHAIR, scopes={ScopeKind.SUBJECT: ["physics"]}),
        olympiad.appeals.svc.auth(
            Role.PARTICIPANT, scopes={ScopeKind.PARTICIPANT: [str(uuid.uuid4())]}
        ),
    ):
        refused = await olympiad.client.get(url, headers=headers)
        assert refused.status_code == 403, refused.text
