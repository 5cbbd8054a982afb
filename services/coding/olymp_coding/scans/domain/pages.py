"""Splitting an uploaded file into pages: a PDF page by page, an image as one page, a TIFF per frame.

A PDF from a scan station can hold hundreds of pages, so `split_document` returns an iterator that
renders one page at a time; at most one rendered page is alive while the caller handles it.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Final

import pypdfium2 as pdfium  # type: ignore[import-untyped]
from PIL import Image, ImageSequence

from olymp_coding.scans.domain.errors import CorruptDocument, EmptyFile, UnsupportedFileType

PDF_RENDER_DPI: Final = 200
_POINTS_PER_INCH: Final = 72
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


def split_document(data: bytes, filename: str) -> Iterator[Page]:
    """The pages of one uploaded file, lazily; raises ScanError (Russian) for a file it cannot take.

    The file-level checks (empty, unknown type, unreadable PDF) happen at the call, before the
    first page; a page that fails later raises CorruptDocument naming its number.
    """
    if not data:
        raise EmptyFile(
            filename, f"Файл «{filename}» пустой (0 байт). Загрузите его заново со станции."
        )
    kind = sniff_kind(data)
    if kind is None:
        raise UnsupportedFileType(
            filename,
            f"Файл «{filename}» не является сканом: принимаются {_SUPPORTED}. "
            "Сохраните скан в одном из этих форматов.",
        )
    if kind == "pdf":
        return _pdf_pages(_open_pdf(data, filename), filename)
    return _image_pages(data, filename, kind)


def _open_pdf(data: bytes, filename: str) -> pdfium.PdfDocument:
    try:
        document = pdfium.PdfDocument(data)
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


def _render(document: pdfium.PdfDocument, index: int, filename: str) -> Image.Image:
    try:
        pdf_page = document[index]
        try:
            bitmap = pdf_page.render(scale=PDF_RENDER_DPI / _POINTS_PER_INCH, grayscale=True)
            image: Image.Image = bitmap.to_pil().convert("L")
            bitmap.close()
        finally:
            pdf_page.close()
    except pdfium.PdfiumError as error:
        raise CorruptDocument(
            filename,
            f"Страница {index + 1} PDF «{filename}» повреждена ({error}). "
            "Отсканируйте её заново; остальные страницы файла загружены.",
        ) from error
    return image


def _image_pages(data: bytes, filename: str, kind: str) -> Iterator[Page]:
    try:
        opened = Image.open(io.BytesIO(data))
        frames = getattr(opened, "n_frames", 1)
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        raise CorruptDocument(
            filename,
            f"Изображение «{filename}» повреждено и не открывается ({error}). "
            "Отсканируйте страницу заново.",
        ) from error
    if frames == 1:
        return iter([Page(filename, 1, data, f"image/{kind}", "jpg" if kind == "jpeg" else kind)])
    return _tiff_frames(opened, filename)


def _tiff_frames(opened: Image.Image, filename: str) -> Iterator[Page]:
    # A multi-page TIFF is stored per page, so each frame becomes a PNG of its own.
    for number, frame in enumerate(ImageSequence.Iterator(opened), start=1):
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
