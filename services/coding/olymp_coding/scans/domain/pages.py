"""Splitting an uploaded file into pages: a PDF page by page, an image as one page, a TIFF per frame.

A PDF from a scan station can hold hundreds of pages, so `split_document` returns an iterator that
renders one page at a time; at most one rendered page is alive while the caller handles it. The
upload is read from its file: a PDF is never held in memory as a whole, an image once.

No page costs more memory than a sheet (M6). A PDF page may declare any size up to 14,400 pt
(200 inches, a 1.6 GB bitmap at the render resolution): rendering is bounded by `MAX_RENDER_PIXELS`,
an A3 sheet at scan resolution, and a larger page is rendered scaled down to it, so a page that a
careless tool wrote "one point per pixel" still reads. A raster that no scan station produces (an
uploaded image, a TIFF frame or an image inside a PDF page beyond an A3 sheet at 600 dpi) is refused
with `PageTooLarge`, naming the file and the page, before it is decoded.
"""

from __future__ import annotations

import io
import logging
import math
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pypdfium2.raw as pdfium_c  # type: ignore[import-untyped]
from PIL import Image, ImageSequence

from olymp_coding.scans.domain.errors import (
    CorruptDocument,
    EmptyFile,
    PageTooLarge,
    UnsupportedFileType,
)

log = logging.getLogger("olymp.coding.scans")

PDF_RENDER_DPI: Final = 200
_POINTS_PER_INCH: Final = 72
_MM_PER_INCH: Final = 25.4
_A3_MM: Final = (297, 420)


def _sheet_pixels(dpi: int) -> int:
    width, height = (round(side / _MM_PER_INCH * dpi) for side in _A3_MM)
    return width * height


# The most a rendered PDF page may take: an A3 sheet at 300 dpi (3508 × 4961 px, 17 MB in gray).
MAX_RENDER_PIXELS: Final = _sheet_pixels(300)
# The largest raster accepted at all: an A3 sheet at 600 dpi, beyond what any scan station makes.
MAX_SOURCE_PIXELS: Final = _sheet_pixels(600)
# Labels are stuck in the top right corner of a sheet, where the code goes: this share of the
# page's height is read first.
LABEL_BAND: Final = 0.25
# Fast PNG compression: the page is stored once and read rarely, and encoding time is per page.
_PNG_COMPRESS_LEVEL: Final = 1


@dataclass(frozen=True, eq=False)
class Page:
    """One page of an upload; `data` are the bytes to store (and hash) for it."""

    filename: str
    number: int  # 1-based position within its file
    data: bytes
    content_type: str
    extension: str
    _decoded: dict[int, Image.Image] = field(default_factory=dict, repr=False)

    def image(self, min_width: int | None = None) -> Image.Image:
        """The page in grayscale; with `min_width`, a cheaper reduced decode at least that wide.

        A JPEG is decoded with `draft`, which skips most of the inverse DCT work at 1/2, 1/4 or 1/8
        scale: that, not the code reader, is what bounds pages per second.
        """
        key = min_width or 0
        if key not in self._decoded:
            self._decoded[key] = self._decode(min_width)
        return self._decoded[key]

    def top_band(self, min_width: int) -> Image.Image | None:
        """The top `LABEL_BAND` of a sequential JPEG page, reduced to at least `min_width` wide;
        None for any other page.

        The decoder is told the image ends below the band (the frame header's height, patched in
        a copy), so the rest of the file is not even entropy-decoded: for an upright page this
        costs a quarter of the reduced decode of the whole page. A file without its end marker
        (a cut-off upload) is left to the whole page's decode, which reports it.
        """
        frame = _sequential_frame(self.data) if self.content_type == "image/jpeg" else None
        if frame is None or not self.data.rstrip(b"\0").endswith(b"\xff\xd9"):
            return None
        height, width = struct.unpack_from(">HH", self.data, frame + 5)
        rows = round(height * LABEL_BAND)
        if not width or rows < 1 or rows >= height:
            return None  # a height given later in the file (DNL), or a page too small to cut
        patched = b"".join(
            (self.data[: frame + 5], struct.pack(">H", rows), self.data[frame + 7 :])
        )
        try:
            opened = Image.open(io.BytesIO(patched))
            opened.draft("L", (min_width, max(1, round(min_width * rows / width))))
            gray = opened.convert("L")
        except (OSError, ValueError, Image.DecompressionBombError):
            return None  # the whole page's decode says what is wrong with the file
        return reduce_to_width(gray, min_width)

    def _decode(self, min_width: int | None) -> Image.Image:
        try:
            if 0 in self._decoded:
                full = self._decoded[0]
                return reduce_to_width(full, min_width) if min_width else full
            opened = Image.open(io.BytesIO(self.data))
            if min_width and opened.format == "JPEG":
                ratio = opened.height / opened.width
                opened.draft("L", (min_width, round(min_width * ratio)))
            gray = opened.convert("L")
        except (OSError, ValueError, Image.DecompressionBombError) as error:
            raise CorruptDocument(
                self.filename,
                f"Страница {self.number} файла «{self.filename}» повреждена и не читается "
                f"({error}). Отсканируйте её заново.",
            ) from error
        return reduce_to_width(gray, min_width) if min_width else gray


def _sequential_frame(data: bytes) -> int | None:
    """Where a baseline or extended sequential (Huffman) JPEG's frame header starts, else None:
    a progressive or arithmetic-coded file needs all of its data to show any row."""
    at = 2
    while at + 9 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in (0xC0, 0xC1):
            return at
        if (0xC2 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC)) or marker == 0xDA:
            return None  # another frame type, or the scan began without a frame header
        (length,) = struct.unpack_from(">H", data, at + 2)
        at += 2 + length
    return None


def reduce_to_width(image: Image.Image, min_width: int) -> Image.Image:
    """`image` shrunk by a whole factor to no less than `min_width` pixels wide."""
    factor = image.width // min_width
    return image.reduce(factor) if factor > 1 else image


_KIND_BY_MAGIC: Final = (
    (b"%PDF-", "pdf"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
)
_SUPPORTED: Final = "PDF, JPEG, PNG или TIFF"


def sniff_kind(data: bytes) -> str | None:
    """The file's kind by its first bytes (a name's extension is not trusted), or None."""
    # Some scanners put a few bytes of junk before the PDF header; PDF readers accept up to 1 KiB.
    if b"%PDF-" in data[:1024]:
        return "pdf"
    for magic, kind in _KIND_BY_MAGIC:
        if data.startswith(magic):
            return kind
    return None


def split_document(source: bytes | Path, filename: str) -> Iterator[Page]:
    """The pages of one uploaded file (its bytes, or the file it was spooled to), lazily; raises
    ScanError (Russian) for a file it cannot take.

    The file-level checks (empty, unknown type, unreadable PDF) happen at the call, before the
    first page; a page that fails later raises CorruptDocument or PageTooLarge naming its number.
    """
    head = _head(source)
    if not head:
        raise EmptyFile(
            filename, f"Файл «{filename}» пустой (0 байт). Загрузите его заново со станции."
        )
    kind = sniff_kind(head)
    if kind is None:
        raise UnsupportedFileType(
            filename,
            f"Файл «{filename}» не является сканом: принимаются {_SUPPORTED}. "
            "Сохраните скан в одном из этих форматов.",
        )
    if kind == "pdf":
        return _pdf_pages(_open_pdf(source, filename), filename)
    return _image_pages(source, filename, kind)


def _head(source: bytes | Path) -> bytes:
    if isinstance(source, Path):
        with source.open("rb") as file:
            return file.read(1024)
    return source[:1024]


def _open_pdf(source: bytes | Path, filename: str) -> pdfium.PdfDocument:
    # From a path pdfium reads the file as it renders: the document is never in memory as a whole.
    try:
        document = pdfium.PdfDocument(source)
    except pdfium.PdfiumError as error:
        raise CorruptDocument(
            filename,
            f"PDF «{filename}» повреждён и не открывается ({error}). "
            "Сохраните скан заново и загрузите ещё раз.",
        ) from error
    if len(document) == 0:
        document.close()
        raise EmptyFile(filename, f"В PDF «{filename}» нет ни одной страницы.")
    return document


def _pdf_pages(document: pdfium.PdfDocument, filename: str) -> Iterator[Page]:
    try:
        for index in range(len(document)):
            image = _render(document, index, filename)
            buffer = io.BytesIO()
            image.save(buffer, format="PNG", compress_level=_PNG_COMPRESS_LEVEL)
            page = Page(filename, index + 1, buffer.getvalue(), "image/png", "png")
            page._decoded[0] = image
            yield page
    finally:
        document.close()


def render_scale(width_pt: float, height_pt: float) -> float:
    """Pixels per point for a page of this size: the render resolution, or less for a page that
    would exceed `MAX_RENDER_PIXELS` (pdfium's bitmap is the ceiling of each side times it)."""
    scale = PDF_RENDER_DPI / _POINTS_PER_INCH
    budget = MAX_RENDER_PIXELS
    if math.ceil(width_pt * scale) * math.ceil(height_pt * scale) > budget:
        scale = math.sqrt(budget / (width_pt * height_pt))
        while math.ceil(width_pt * scale) * math.ceil(height_pt * scale) > budget:
            scale *= 0.999  # the ceilings add up to a pixel per side
    return scale


def _render(document: pdfium.PdfDocument, index: int, filename: str) -> Image.Image:
    number = index + 1
    try:
        pdf_page = document[index]
        try:
            width_pt, height_pt = pdf_page.get_size()
            if not (
                math.isfinite(width_pt)
                and math.isfinite(height_pt)
                and min(width_pt, height_pt) > 0
            ):
                raise CorruptDocument(
                    filename,
                    f"Страница {number} PDF «{filename}» не имеет размера "
                    f"({width_pt} × {height_pt} пт). Отсканируйте её заново.",
                )
            _refuse_huge_images(pdf_page, number, filename)
            scale = render_scale(width_pt, height_pt)
            if scale < PDF_RENDER_DPI / _POINTS_PER_INCH:
                log.warning(
                    "oversized PDF page rendered scaled down",
                    extra={
                        "file": filename,
                        "page": number,
                        "width_pt": round(width_pt),
                        "height_pt": round(height_pt),
                        "dpi": round(scale * _POINTS_PER_INCH, 1),
                    },
                )
            bitmap = pdf_page.render(scale=scale, grayscale=True)
            image: Image.Image = bitmap.to_pil().convert("L")
            bitmap.close()
        finally:
            pdf_page.close()
    except pdfium.PdfiumError as error:
        raise CorruptDocument(
            filename,
            f"Страница {number} PDF «{filename}» повреждена ({error}). "
            "Отсканируйте её заново; остальные страницы файла загружены.",
        ) from error
    return image


def _refuse_huge_images(pdf_page: pdfium.PdfPage, number: int, filename: str) -> None:
    # pdfium decodes an embedded image whole whatever the render scale: check before rendering.
    for found in pdf_page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=4):
        width, height = found.get_px_size()
        _check_pixels(width, height, number, filename)


def _check_pixels(width: int, height: int, number: int, filename: str) -> None:
    if width * height > MAX_SOURCE_PIXELS:
        raise PageTooLarge(
            filename,
            number,
            f"Страница {number} файла «{filename}» — изображение {width} × {height} пикселей, "
            "больше листа A3 при 600 dpi: со станции сканирования такие не приходят. "
            "Отсканируйте лист заново с разрешением 200–300 dpi и загрузите файл ещё раз.",
        )


def _image_pages(source: bytes | Path, filename: str, kind: str) -> Iterator[Page]:
    try:
        opened = Image.open(io.BytesIO(source) if isinstance(source, bytes) else source)
        frames = getattr(opened, "n_frames", 1)
    except Image.DecompressionBombError as error:
        raise PageTooLarge(
            filename,
            1,
            f"Страница 1 файла «{filename}» — изображение больше листа A3 при 600 dpi ({error}). "
            "Отсканируйте лист заново с разрешением 200–300 dpi и загрузите файл ещё раз.",
        ) from error
    except (OSError, ValueError) as error:
        raise CorruptDocument(
            filename,
            f"Изображение «{filename}» повреждено и не открывается ({error}). "
            "Отсканируйте страницу заново.",
        ) from error
    if frames == 1:
        try:
            _check_pixels(*opened.size, 1, filename)
        finally:
            opened.close()
        # The page's bytes are the file's: read once, stored and hashed as they are.
        data = source if isinstance(source, bytes) else source.read_bytes()
        extension = "jpg" if kind == "jpeg" else kind
        return iter([Page(filename, 1, data, f"image/{kind}", extension)])
    return _tiff_frames(opened, filename)


def _tiff_frames(opened: Image.Image, filename: str) -> Iterator[Page]:
    # A multi-page TIFF is stored per page, so each frame becomes a PNG of its own.
    try:
        for number, frame in enumerate(ImageSequence.Iterator(opened), start=1):
            _check_pixels(*frame.size, number, filename)
            try:
                gray = frame.convert("L")
            except (OSError, ValueError) as error:
                raise CorruptDocument(
                    filename,
                    f"Страница {number} TIFF «{filename}» повреждена ({error}). "
                    "Отсканируйте файл заново.",
                ) from error
            buffer = io.BytesIO()
            gray.save(buffer, format="PNG", compress_level=_PNG_COMPRESS_LEVEL)
            page = Page(filename, number, buffer.getvalue(), "image/png", "png")
            page._decoded[0] = gray
            yield page
    finally:
        opened.close()
