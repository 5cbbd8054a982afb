"""M6: a page's size never decides how much memory reading it takes.

A PDF page may declare any MediaBox up to 14,400 pt (200 inches): rendered at the scan resolution
that is a 40,000 × 40,000 bitmap, about 1.6 GB. Rendering is bounded by a pixel budget derived
from an A3 sheet at 300 dpi, so an odd page is scaled down (its label, if it is as large as the
page, still reads); a raster that is itself beyond any scanner's sheet is refused, naming the
file and the page.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from olymp_coding.scans.domain import (
    MAX_RENDER_PIXELS,
    PageTooLarge,
    answer_payload,
    read_code,
    split_document,
)

PageMaker = Callable[..., Image.Image]
PDF_MAX_POINTS = 14_400  # the largest page side PDF allows (200 inches)
A3_AT_300_DPI = 3508 * 4961


def _huge_pdf(image: Image.Image | None = None, side: float = PDF_MAX_POINTS) -> bytes:
    """One page whose MediaBox is `side` points square; the image, if any, fills its width."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(side, side), invariant=True)
    if image is not None:
        height = side * image.height / image.width
        canvas.drawImage(ImageReader(image.convert("RGB")), 0, side - height, side, height)
    else:
        canvas.drawString(72, 72, "almost nothing on a very large page")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def test_m6_render_budget_is_an_a3_sheet_at_scan_resolution() -> None:
    assert MAX_RENDER_PIXELS == A3_AT_300_DPI


def test_m6_page_of_the_largest_mediabox_renders_within_the_budget() -> None:
    (page,) = split_document(_huge_pdf(), "huge.pdf")
    width, height = page.image().size
    assert width * height <= MAX_RENDER_PIXELS
    assert abs(width - height) <= 1  # scaled, not cropped: the whole page is still there


def test_m6_scaled_page_still_reads_its_label(
    page_image: PageMaker, codes: Callable[..., list[str]]
) -> None:
    # A scan written "one point per pixel" by a careless tool: an A4 sheet as a huge page.
    code = codes(1)[0]
    (page,) = split_document(
        _huge_pdf(page_image((answer_payload(code, 3),), dpi=150)), "careless.pdf"
    )
    read = read_code(page)
    assert read is not None and (read.work_code, read.sheet) == (code, 3)


def test_m6_huge_mediabox_takes_no_more_memory_than_a_page(tmp_path: Path) -> None:
    """The probe: split the 14,400 pt page in a fresh process and look at its peak resident size."""
    pdf = tmp_path / "huge.pdf"
    pdf.write_bytes(_huge_pdf())
    probe = textwrap.dedent(
        f"""
        import json, resource
        from pathlib import Path
        from olymp_coding.scans.domain import read_code, split_document
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        for page in split_document(Path({str(pdf)!r}).read_bytes(), "huge.pdf"):
            read_code(page)
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(json.dumps({{"grew_mb": (after - before) / 1024}}))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    grew_mb = json.loads(done.stdout.splitlines()[-1])["grew_mb"]
    # A3 at 300 dpi in grayscale is 17 MB; rendering, PNG encoding and reading stay well inside.
    assert grew_mb < 250, f"splitting one page grew the process by {grew_mb:.0f} MB"


# 8,000 × 9,000 px: more than an A3 sheet at 600 dpi (7016 × 9921); of one colour it packs small.
BEYOND_A3_AT_600_DPI = (8_000, 9_000)


def test_m6_image_beyond_any_scanner_sheet_is_refused_naming_file_and_page() -> None:
    buffer = io.BytesIO()
    Image.new("L", BEYOND_A3_AT_600_DPI, 235).save(buffer, format="PNG")
    with pytest.raises(PageTooLarge, match=r"Страница 1 файла «poster\.png»") as caught:
        list(split_document(buffer.getvalue(), "poster.png"))
    assert caught.value.filename == "poster.png"
    assert caught.value.extensions["page"] == 1
    assert "8000 × 9000" in caught.value.detail


def test_m6_pdf_page_holding_an_image_beyond_any_sheet_is_refused_before_rendering() -> None:
    # pdfium decodes an embedded image whole, whatever the scale the page is rendered at.
    pdf = _huge_pdf(Image.new("L", BEYOND_A3_AT_600_DPI, 235), side=842)
    with pytest.raises(PageTooLarge, match=r"Страница 1 файла «dense\.pdf»"):
        list(split_document(pdf, "dense.pdf"))


def test_m6_tiff_frame_beyond_any_scanner_sheet_is_refused_naming_its_page(
    page_image: PageMaker,
) -> None:
    buffer = io.BytesIO()
    big = Image.new("L", BEYOND_A3_AT_600_DPI, 235)
    page_image(dpi=72).save(buffer, format="TIFF", save_all=True, append_images=[big])
    pages = split_document(buffer.getvalue(), "batch.tiff")
    assert next(pages).number == 1
    with pytest.raises(PageTooLarge, match=r"Страница 2 файла «batch\.tiff»"):
        next(pages)
