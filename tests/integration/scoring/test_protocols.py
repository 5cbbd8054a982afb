"""§69–75: the checking protocol (App. 10) — every work by code, each task's marks by member and
round, the score, and the score after an appeal or a correction; PDF text checked, page 1 drawn."""

from __future__ import annotations

import io
import uuid
from pathlib import Path

import pypdfium2  # type: ignore[import-untyped]
import pytest
from openpyxl import load_workbook

from olymp_core.auth import Role, ScopeKind
from olymp_core.testing.service import ServiceHarness
from tests.integration.scoring.conftest import CHAIR, base, code_works, mark, set_scheme

pytestmark = pytest.mark.integration


async def test_p75_the_checking_protocol_shows_each_round_by_member(
    svc: ServiceHarness, olympiad_id: uuid.UUID, tmp_path: Path
) -> None:
    await set_scheme(svc, olympiad_id)  # threshold 2 points
    await code_works(svc, olympiad_id, "M9-701", "M9-702", "M9-703")
    await mark(svc, olympiad_id, "M9-701", "jury-a", t1="4", t2="6")
    await mark(svc, olympiad_id, "M9-701", "jury-b", t1="4", t2="6")
    await mark(svc, olympiad_id, "M9-702", "jury-a", t1="1", t2="9")
    await mark(svc, olympiad_id, "M9-702", "jury-b", t1="1", t2="3")  # task 2 differs by 6
    await mark(svc, olympiad_id, "M9-702", "jury-c", t2="8")  # the third marking decides
    chair = svc.auth(Role.JURY_CHAIR, sub=CHAIR, scopes={ScopeKind.SUBJECT: ["math"]})
    annulled = await svc.client.post(
        f"/olympiads/{olympiad_id}/works/M9-703/annulment",
        json={"reason": "identifying_marks"},
        headers=chair,
    )
    assert annulled.status_code == 200, annulled.text
    corrected = await svc.client.post(
        f"/olympiads/{olympiad_id}/works/M9-701/correction",
        json={"task_scores": {"1": "5"}, "reason": "ошибка при переносе балла за задание 1"},
        headers=chair,
    )
    assert corrected.status_code == 200, corrected.text

    answer = await svc.client.get(base(olympiad_id) + "/protocols/checking.pdf", headers=chair)
    assert answer.status_code == 200, answer.text
    document = pypdfium2.PdfDocument(answer.content)
    try:
        text = " ".join(" ".join(page.get_textpage().get_text_range().split()) for page in document)
        image = document[0].render(scale=1.5).to_pil().convert("L")
    finally:
        document.close()
    image.save(tmp_path / "checking.png")
    assert sum(image.histogram()[:128]) > 3000  # the Cyrillic text is drawn, not blank boxes
    assert "Протокол проверки работ (Приложение № 10" in text
    for cell in ("jury-a: 1", "jury-b: 3", "jury-c: 8", "jury-a: 9"):
        assert cell in text
    assert "5 (после апелляции или исправления)" in text
    assert "аннулирована" in text
    assert "Работ: 3; проверено: 2; аннулировано: 1; с третьей проверкой: 1." in text

    xlsx = await svc.client.get(base(olympiad_id) + "/protocols/checking.xlsx", headers=chair)
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    values = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    assert ["M9-702", "2", "10", "jury-a: 9", "jury-b: 3", "jury-c: 8", "8", "8"] in values

    member = svc.auth(Role.JURY_MEMBER, sub="jury-a")
    refused = await svc.client.get(base(olympiad_id) + "/protocols/checking.pdf", headers=member)
    assert refused.status_code == 403
