"""§75, §77, §21: the results protocol (App. 11) and the jury protocol (App. 12) of a published
version, as PDF and XLSX, checked against the data; a PNG of each PDF's first page is rendered so
that a broken font fails here."""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2  # type: ignore[import-untyped]
import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from olymp_core.audit import audit_log
from olymp_core.auth import Role, ScopeKind
from olymp_core.testing.service import ServiceHarness

from .conftest import Subject, approve_final

pytestmark = pytest.mark.integration


def pdf_text(body: bytes) -> str:
    document = pypdfium2.PdfDocument(body)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def first_page_png(body: bytes, path: Path) -> tuple[int, int]:
    """Render page 1 and return (width, dark pixels): a page whose font failed is blank."""
    document = pypdfium2.PdfDocument(body)
    try:
        image = document[0].render(scale=1.5).to_pil().convert("L")
    finally:
        document.close()
    image.save(path)
    dark = sum(image.histogram()[:128])
    return image.width, dark


async def published_final(svc: ServiceHarness, subject: Subject) -> None:
    await svc.deliver(subject.created())
    await svc.deliver(*subject.registered(), subject.decoded(), subject.checked())
    await svc.deliver(subject.rescored("Жукова", "49"))
    approved = await approve_final(svc, subject)
    assert approved.status_code == 201, approved.text


async def test_p75_the_results_protocol_lists_points_per_task_totals_and_annulled_works(
    svc: ServiceHarness, subject: Subject, tmp_path: Path
) -> None:
    await published_final(svc, subject)
    chair = svc.auth(Role.JURY_CHAIR, scopes={ScopeKind.SUBJECT: ["math"]})
    answer = await svc.client.get(f"{subject.jury}/protocols/results.pdf", headers=chair)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/pdf"
    assert "results-protocol-math-9-v2.pdf" in answer.headers["content-disposition"]

    text = pdf_text(answer.content)
    assert "Протокол результатов (Приложение № 11" in text
    assert "Муниципальный этап ВсОШ 2025/26, Омская область" in text
    # full names, even without consent: the protocol is the jury's, not the public's
    for line in ("Жукова Мария Петровна", "Скрытнов Иван Иванович", "Ёлкина Анна Владимировна"):
        assert line in text
    assert subject.codes["Жукова"] in text and "49" in text
    assert "Аннулированные работы" in text and "удалён с олимпиады (акт № 3)" in text
    assert "Председатель жюри" in text

    width, dark = first_page_png(answer.content, tmp_path / "results.png")
    assert width > 1000 and dark > 5000

    again = await svc.client.get(f"{subject.jury}/protocols/results.pdf", headers=chair)
    assert again.content == answer.content  # the same version, the same bytes


async def test_p21_the_jury_protocol_has_the_rating_table_the_quota_and_signatures(
    svc: ServiceHarness, subject: Subject, tmp_path: Path
) -> None:
    await published_final(svc, subject)
    organiser = svc.auth(Role.MUNICIPAL_COORDINATOR, sub="komitet")
    pdf = await svc.client.get(f"{subject.jury}/protocols/jury.pdf", headers=organiser)
    assert pdf.status_code == 200, pdf.text
    text = pdf_text(pdf.content)
    assert "Протокол жюри по определению победителей и призёров (Приложение № 12)" in text
    assert "Победителей: 1; призёров: 1; участников: 4." in text
    assert "Секретарь жюри" in text
    first_page_png(pdf.content, tmp_path / "jury.png")

    xlsx = await svc.client.get(f"{subject.jury}/protocols/jury.xlsx", headers=organiser)
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    cells = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    header_at = cells.index(
        [
            "№",
            "Фамилия, имя, отчество",
            "Класс",
            "Образовательная организация",
            "Баллы",
            "Место",
            "Статус",
        ]
    )
    assert cells[header_at + 1] == [
        "1",
        "Жукова Мария Петровна",
        "9",
        "МБОУ «Гимназия № 1»",
        "49",
        "1",
        "победитель",
    ]

    async with svc.uows() as uow:
        taken = list(
            await uow.session.scalars(
                sa.select(audit_log.c.payload).where(
                    audit_log.c.action == "document.generated", audit_log.c.actor == "komitet"
                )
            )
        )
    assert [(t["format"], t["version"]) for t in taken] == [("pdf", 2), ("xlsx", 2)]


async def test_protocols_are_for_the_people_who_sign_them(
    svc: ServiceHarness, subject: Subject
) -> None:
    await published_final(svc, subject)
    url = f"{subject.jury}/protocols/results.pdf"
    assert (await svc.client.get(url)).status_code == 401
    member = svc.auth(Role.JURY_MEMBER)
    assert (await svc.client.get(url, headers=member)).status_code == 403
    other = svc.auth(Role.JURY_CHAIR, scopes={ScopeKind.SUBJECT: ["physics"]})
    assert (await svc.client.get(url, headers=other)).status_code == 403
    chair = svc.auth(Role.JURY_CHAIR, scopes={ScopeKind.SUBJECT: ["math"]})
    missing = await svc.client.get(url, params={"version": 9}, headers=chair)
    assert missing.status_code == 404 and "версии 9" in missing.json()["detail"]
    odd = await svc.client.get(f"{subject.jury}/protocols/results.docx", headers=chair)
    assert odd.status_code == 422
