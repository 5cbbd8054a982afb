"""Synthetic scans for tests: the page generator of the scanning unit tests, plus multi-page PDFs.

Re-exported from `tests/unit/coding/scans/conftest.py` so that unit and integration tests draw
the same pages (A4, a QR label in the top right corner, handwriting-like lines).
"""

from __future__ import annotations

import io

from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from tests.unit.coding.scans.conftest import encode, make_page_image, qr_label

__all__ = ["encode", "make_page_image", "pdf_of", "qr_label"]


def pdf_of(pages: list[Image.Image]) -> bytes:
    """The pages as a scanner's PDF: one full-page image per A4 page."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=True)
    for page in pages:
        canvas.drawImage(ImageReader(page.convert("RGB")), 0, 0, *A4)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
