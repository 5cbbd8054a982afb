"""From printed label to stored page: the label PDF is 'printed', stuck on pages, scanned, ingested."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pytest
from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from olymp_coding.domain import generate_code
from olymp_coding.scans.documents import label_sheets_pdf
from olymp_coding.scans.domain import (
    REASON_UNREADABLE,
    Destination,
    content_hash,
    page_key,
    read_code,
    route_page,
    split_document,
)
from olymp_core.storage import LocalDirectoryStore

pytestmark = pytest.mark.integration

DPI = 300
PAPER = 235


def _printed_labels(pdf: bytes) -> list[Image.Image]:
    """The first sheet's labels cut apart: 3 columns × 7 rows of 70 × 42.3 mm."""
    sheet = pdfium.PdfDocument(pdf)[0].render(scale=DPI / 72, grayscale=True).to_pil()
    width, height = sheet.width / 3, sheet.height / 7
    return [
        sheet.crop(
            (
                round(column * width),
                round(row * height),
                round((column + 1) * width),
                round((row + 1) * height),
            )
        )
        for row in range(7)
        for column in range(3)
    ]


def _answer_page(label: Image.Image | None, seed: int) -> Image.Image:
    page = Image.new("L", (round(210 / 25.4 * DPI), round(297 / 25.4 * DPI)), PAPER)
    if label is not None:
        page.paste(label, (page.width - label.width - 60, 60))
    rng, draw = random.Random(seed), ImageDraw.Draw(page)
    for y in range(700, page.height - 200, 90):
        draw.line([(200 + i * 40, y + rng.randint(-12, 12)) for i in range(50)], fill=40, width=3)
    return page


def _scanned_pdf(pages: list[Image.Image]) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=True)
    for page in pages:
        canvas.drawImage(ImageReader(page.convert("RGB")), 0, 0, *A4)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


async def _ingest(
    store: LocalDirectoryStore, data: bytes, filename: str, known: set[str]
) -> list[tuple[str, str, bool]]:
    outcomes = []
    for page in split_document(data, filename):
        routing = route_page(read_code(page), "HK", known)
        key = page_key(
            "vsosh-2025", content_hash(page.data), page.extension, title_page=routing.title_page
        )
        is_new = not await store.exists(key)
        if is_new:
            await store.put(key, page.data, content_type=page.content_type)
        outcomes.append((routing.destination.value, key, is_new))
    return outcomes


async def test_p62_printed_labels_route_scanned_pages_and_titles_are_stored_apart(
    tmp_path: Path,
) -> None:
    rng = random.Random(5)
    issued: set[str] = set()
    codes = [generate_code(rng, issued, "HK") for _ in range(2)]
    labels = _printed_labels(
        label_sheets_pdf("7", "История", [(code, 8) for code in codes], answer_labels_per_work=2)
    )
    # Labels in print order: code 0 title, answer 1, answer 2, code 1 title, ...
    scan = _scanned_pdf(
        [
            _answer_page(labels[0], 0),
            _answer_page(labels[1], 1),
            _answer_page(labels[4], 2),
            _answer_page(None, 3),
        ]
    )
    store = LocalDirectoryStore(tmp_path / "store")
    await store.ensure_ready()

    first = await _ingest(store, scan, "room-7.pdf", set(codes))
    assert [destination for destination, _, _ in first] == ["title", "work", "work", "manual"]
    assert first[0][1].startswith("titles/vsosh-2025/")
    assert all(key.startswith("scans/vsosh-2025/") for _, key, _ in first[1:])
    assert not any(code in key for code in codes for _, key, _ in first)
    assert route_page(None, "HK", set(codes)).reason == REASON_UNREADABLE
    assert {destination for destination, _, _ in first} <= {d.value for d in Destination}

    again = await _ingest(store, scan, "room-7-again.pdf", set(codes))
    assert [key for _, key, _ in again] == [key for _, key, _ in first]
    assert not any(is_new for _, _, is_new in again)
    assert len(await store.list("scans/")) == 3
    assert len(await store.list("titles/")) == 1
