"""M6 through the station's upload: the body goes to a file, not twice into memory; an oversized
page is scaled or refused by name; a body beyond the limit is refused before it is read."""

from __future__ import annotations

import gc
import io
import os
import tempfile
import tracemalloc
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from olymp_coding.scans.api import MAX_UPLOAD_BYTES
from olymp_coding.scans.domain import answer_payload
from olymp_core.auth import Role
from tests.support.scan_pages import make_page_image

from .conftest import Olympiad

pytestmark = pytest.mark.integration

CHUNK = 64 * 1024


def _pdf(image: Image.Image, pagesize: tuple[float, float] = A4) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=pagesize, invariant=True)
    width, height = pagesize
    drawn = width * image.height / image.width
    canvas.drawImage(ImageReader(image), 0, height - drawn, width, drawn)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


async def _in_chunks(data: bytes) -> AsyncIterator[bytes]:
    # As a station's client sends a file: the body arrives in network-sized pieces.
    for start in range(0, len(data), CHUNK):
        yield data[start : start + CHUNK]


@pytest.fixture
def spool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The temporary directory uploads are spooled to, this test's own."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


async def test_m6_upload_is_spooled_to_a_file_not_held_in_memory(
    olympiad: Olympiad, spool: Path
) -> None:
    # 48 MB of noise inside one PDF page (a colour scan at a high resolution looks like this).
    noise = Image.frombytes("L", (6000, 8000), os.urandom(6000 * 8000))
    body = _pdf(noise)
    assert len(body) > 40 * 2**20
    gc.collect()
    tracemalloc.start()
    try:
        response = await olympiad.svc.client.post(
            f"{olympiad.base}/scans",
            params={"filename": "noise.pdf", "subject_code": "math"},
            content=_in_chunks(body),
            headers=olympiad.svc.auth(Role.SCANNER, sub="station-1"),
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 200, response.text
    assert [page["outcome"] for page in response.json()["pages"]] == ["manual"]
    assert not list(spool.iterdir())  # the spooled file is gone
    # Held twice it would be twice the body; held once, the body. Spooled, a rendered page.
    assert peak < len(body) / 4, f"an upload of {len(body) >> 20} MB peaked at {peak >> 20} MB"


async def test_m6_page_with_the_largest_mediabox_is_scaled_and_read(olympiad: Olympiad) -> None:
    code = olympiad.math[0]
    page = make_page_image((answer_payload(code, 1),), dpi=150)
    body = _pdf(page.convert("RGB"), pagesize=(10_185, 14_400))  # A4's shape, 200 inches tall

    response = await olympiad.upload(body, "careless-tool.pdf")

    assert response.status_code == 200, response.text
    (outcome,) = response.json()["pages"]
    assert (outcome["outcome"], outcome["work_code"], outcome["sheet"]) == ("work", code, 1)


async def test_m6_image_beyond_any_sheet_is_refused_naming_file_and_page(
    olympiad: Olympiad,
) -> None:
    buffer = io.BytesIO()
    Image.new("L", (8_000, 9_000), 235).save(buffer, format="PNG")

    response = await olympiad.upload(buffer.getvalue(), "poster.png")

    assert response.status_code == 422, response.text
    problem = response.json()
    assert (problem["filename"], problem["page"], problem["error"]) == (
        "poster.png",
        1,
        "PageTooLarge",
    )
    assert "Страница 1 файла «poster.png»" in problem["detail"]
    assert "200–300 dpi" in problem["detail"]
    assert await olympiad.pages() == []


async def test_body_declared_beyond_the_limit_is_refused_before_it_is_read(
    olympiad: Olympiad, spool: Path
) -> None:
    sent = 0

    async def endless() -> AsyncIterator[bytes]:
        nonlocal sent
        while sent < 8 * CHUNK:  # a client that would go on far past the limit
            sent += CHUNK
            yield b"\0" * CHUNK

    response = await olympiad.svc.client.post(
        f"{olympiad.base}/scans",
        params={"filename": "huge.pdf", "subject_code": "math"},
        content=endless(),
        headers={
            **olympiad.svc.auth(Role.SCANNER, sub="station-1"),
            "Content-Length": str(MAX_UPLOAD_BYTES + 1),
        },
    )

    assert response.status_code == 413, response.text
    assert response.json()["max_bytes"] == MAX_UPLOAD_BYTES
    assert sent <= CHUNK  # nothing was read past what the transport had in hand
    assert not list(spool.iterdir())  # nothing was left spooled
