"""Finding a label's code on a page image with zxing-cpp, cheapest attempt first.

Labels are stuck in the top right corner, so a JPEG page is first read from a reduced decode of
its top quarter only (`Page.top_band`), which spares decoding the rest of the file; a page whose
label is not there (turned upside down, stuck lower) is then read from a small reduced decode of
the whole page, then at a larger size, then at full resolution, then contrast-stretched for a
faint print. A second label found on the page sends it to a person; one stuck far from the first,
below the band, is seen only when the band holds no label. A QR symbol is found in any
orientation by its three finder patterns, so a turned page reads without rotated copies and the
turn comes back in `orientation`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Final

import zxingcpp
from PIL import Image, ImageOps

from olymp_coding.scans.domain.pages import Page, reduce_to_width
from olymp_coding.scans.domain.payload import LabelKind, LabelPayload, parse_payload

# Widths of the reduced decodes tried before full resolution. A 25 mm label at 300 dpi has modules
# of about 9 px; at 1/4 scale (620 px for A4) they are 2 px, the least zxing reliably reads.
READ_WIDTHS: Final = (600, 1200)
_QR_ONLY: Final = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
_AUTOCONTRAST_CUTOFF: Final = 1  # percent clipped at each end, so dust does not set the range


@dataclass(frozen=True)
class CodeRead:
    """A label found on a page."""

    kind: LabelKind
    work_code: str
    sheet: int | None  # the answer label's number
    # Degrees the page is turned clockwise; `image.rotate(orientation, expand=True)` stands it up.
    orientation: int
    attempts: int  # how many decodes it took: 1 on the fast path
    # Other work codes also found on the page: a label stuck on the wrong work, for a person to settle.
    other_codes: tuple[str, ...] = ()


def read_code(source: Page | Image.Image) -> CodeRead | None:
    """The label on the page, or None if no QR code of ours with a valid check character is there."""
    for attempts, image in enumerate(_candidates(source), start=1):
        found = _decode(image, attempts)
        if found is not None:
            return found
    return None


def _candidates(source: Page | Image.Image) -> Iterator[Image.Image]:
    image_at: Callable[[int | None], Image.Image]
    if isinstance(source, Page):
        image_at = source.image
    else:
        gray = source if source.mode == "L" else source.convert("L")

        def image_at(width: int | None) -> Image.Image:
            return reduce_to_width(gray, width) if width else gray

    if isinstance(source, Page):
        band = source.top_band(READ_WIDTHS[0])
        if band is not None:
            yield band
    tried: set[tuple[int, int]] = set()
    for width in (*READ_WIDTHS, None):
        image = image_at(width)
        if image.size not in tried:
            tried.add(image.size)
            yield image
    full = image_at(None)
    yield ImageOps.autocontrast(full, cutoff=_AUTOCONTRAST_CUTOFF)


def _decode(image: Image.Image, attempts: int) -> CodeRead | None:
    found: list[tuple[LabelPayload, int]] = []
    for barcode in zxingcpp.read_barcodes(image, formats=_QR_ONLY, try_downscale=False):
        payload = parse_payload(barcode.text)
        if payload is not None:
            found.append((payload, _clockwise_quarter(barcode.orientation)))
    if not found:
        return None
    payload, orientation = found[0]
    others = tuple(sorted({p.work_code for p, _ in found} - {payload.work_code}))
    return CodeRead(
        kind=payload.kind,
        work_code=payload.work_code,
        sheet=payload.sheet,
        orientation=orientation,
        attempts=attempts,
        other_codes=others,
    )


def _clockwise_quarter(degrees: int) -> int:
    # zxing gives the symbol's turn in degrees, clockwise positive, in (-180, 180].
    return (round(degrees / 90) * 90) % 360
