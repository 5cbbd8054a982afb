"""Synthetic scanned answer sheets: A4 paper, code labels in the top right corner as the labels
coding prints, and lines like handwriting. The demo's scan station uploads them so that works can
be opened in the staff portal; the tests build their scans with the same maker.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable

import segno
from PIL import Image, ImageDraw

A4_MM = (210, 297)
QR_SIDE_MM = 30
PAPER = 235
INK = 20

PageMaker = Callable[..., Image.Image]


def qr_label(payload: str, dpi: int, ink: int = INK, paper: int = PAPER) -> Image.Image:
    qr = segno.make(payload, error="q", micro=False, boost_error=False)
    modules = len(qr.matrix) + 8
    scale = max(1, round(QR_SIDE_MM / 25.4 * dpi / modules))
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=scale, border=4)
    buffer.seek(0)
    return Image.open(buffer).convert("L").point(lambda v: ink if v < 128 else paper)


def scribble(
    draw: ImageDraw.ImageDraw, rng: random.Random, width: int, top: int, bottom: int, dpi: int
) -> None:
    line_gap = dpi * 3 // 10
    for y in range(top, bottom, line_gap):
        x = width // 12
        while x < width * 11 // 12:
            stroke = [
                (x + i * dpi // 50, y + rng.randint(-dpi // 20, dpi // 20))
                for i in range(rng.randint(4, 14))
            ]
            draw.line(stroke, fill=rng.randint(10, 90), width=max(2, dpi // 100))
            x = stroke[-1][0] + rng.randint(dpi // 15, dpi // 6)


def make_page_image(
    payloads: tuple[str, ...] = (),
    *,
    dpi: int = 200,
    turn: int = 0,
    ink: int = INK,
    cover: tuple[float, float, float, float] | None = None,
    seed: int = 0,
) -> Image.Image:
    """A grayscale A4 page; `turn` degrees counter-clockwise (PIL's sense); `cover` is a box, as
    fractions of the label, painted over with paper (a torn corner, correction fluid)."""
    width, height = (round(side / 25.4 * dpi) for side in A4_MM)
    page = Image.new("L", (width, height), PAPER)
    margin = dpi // 3
    x = width - margin
    for payload in payloads:
        label = qr_label(payload, dpi, ink=ink)
        x -= label.width
        if cover is not None:
            left, top, right, bottom = cover
            ImageDraw.Draw(label).rectangle(
                (
                    left * label.width,
                    top * label.height,
                    right * label.width,
                    bottom * label.height,
                ),
                fill=PAPER,
            )
        page.paste(label, (x, margin))
        x -= margin
    rng = random.Random(seed)  # noqa: S311 (the look of handwriting, not a secret)
    scribble(ImageDraw.Draw(page), rng, width, height // 6, height - margin, dpi)
    return page.rotate(turn, expand=True, fillcolor=PAPER) if turn else page


def encode(image: Image.Image, kind: str = "JPEG") -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=kind, **({"quality": 85} if kind == "JPEG" else {}))
    return buffer.getvalue()
