"""Splitting uploads into pages, the bad files a scan station meets, content hashes and object keys."""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable, Iterator, Sized

import pytest
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from olymp_coding.scans.domain import (
    CorruptDocument,
    EmptyFile,
    UnsupportedFileType,
    answer_payload,
    content_hash,
    page_key,
    read_code,
    split_document,
)

PageMaker = Callable[..., Image.Image]


def _pdf(images: list[Image.Image] | None = None, blank_pages: int = 0) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=True)
    width, height = A4
    for image in images or []:
        canvas.drawImage(ImageReader(image), 0, 0, width, height)
        canvas.showPage()
    for number in range(blank_pages):
        canvas.drawString(72, 720, f"page {number + 1}")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def test_multi_page_pdf_splits_into_pages_in_order(
    page_image: PageMaker, codes: Callable[..., list[str]]
) -> None:
    works = codes(3)
    pdf = _pdf(
        [page_image((answer_payload(code, 1),), dpi=150, seed=n) for n, code in enumerate(works)]
    )
    pages = list(split_document(pdf, "room-12.pdf"))
    assert [page.number for page in pages] == [1, 2, 3]
    assert all(page.content_type == "image/png" for page in pages)
    reads = [read_code(page) for page in pages]
    assert [read.work_code if read else None for read in reads] == works


def test_300_page_pdf_is_split_lazily() -> None:
    pages = split_document(_pdf(blank_pages=300), "whole-day.pdf")
    assert isinstance(pages, Iterator)
    assert not isinstance(pages, Sized)
    assert [page.number for page in itertools.islice(pages, 3)] == [1, 2, 3]


def test_image_files_are_one_page_each_and_keep_their_bytes(
    page_image: PageMaker, encoded: Callable[..., bytes]
) -> None:
    image = page_image(dpi=100)
    for kind, content_type in (
        ("JPEG", "image/jpeg"),
        ("PNG", "image/png"),
        ("TIFF", "image/tiff"),
    ):
        data = encoded(image, kind)
        (page,) = split_document(data, f"scan.{kind.lower()}")
        assert (page.data, page.content_type) == (data, content_type)
        assert page.image().size == image.size


def test_multi_page_tiff_splits_per_frame(
    page_image: PageMaker, codes: Callable[..., list[str]]
) -> None:
    works = codes(2)
    first, second = (page_image((answer_payload(code, 1),), dpi=150) for code in works)
    buffer = io.BytesIO()
    first.save(buffer, format="TIFF", save_all=True, append_images=[second])
    pages = list(split_document(buffer.getvalue(), "scan.tiff"))
    assert [read.work_code if (read := read_code(page)) else None for page in pages] == works


def test_colour_scan_is_read_in_grayscale(
    page_image: PageMaker, encoded: Callable[..., bytes], codes: Callable[..., list[str]]
) -> None:
    code = codes(1)[0]
    (page,) = split_document(
        encoded(page_image((answer_payload(code, 1),)).convert("RGB")), "c.jpg"
    )
    assert page.image(600).mode == "L"
    read = read_code(page)
    assert read is not None and read.work_code == code


def test_zero_byte_file_is_rejected_with_a_clear_message() -> None:
    with pytest.raises(EmptyFile, match=r"«empty\.pdf» пустой"):
        split_document(b"", "empty.pdf")


def test_corrupt_pdf_is_rejected_with_a_clear_message() -> None:
    with pytest.raises(CorruptDocument, match=r"PDF «broken\.pdf» повреждён") as caught:
        split_document(b"%PDF-1.7\n" + b"\x00garbage" * 100, "broken.pdf")
    assert caught.value.filename == "broken.pdf"


def test_truncated_pdf_is_rejected(page_image: PageMaker) -> None:
    pdf = _pdf([page_image(dpi=72)])
    with pytest.raises(CorruptDocument):
        list(split_document(pdf[: len(pdf) // 3], "cut.pdf"))


def test_unknown_file_type_is_rejected_with_a_clear_message() -> None:
    with pytest.raises(UnsupportedFileType, match="принимаются PDF, JPEG, PNG или TIFF"):
        split_document(b"PK\x03\x04 a zip archive", "scans.zip")


def test_truncated_jpeg_fails_on_its_page_not_silently(
    page_image: PageMaker, encoded: Callable[..., bytes]
) -> None:
    data = encoded(page_image(dpi=100))
    (page,) = split_document(data[: len(data) // 2], "cut.jpg")
    with pytest.raises(CorruptDocument, match=r"Страница 1 файла «cut\.jpg» повреждена"):
        read_code(page)


def test_same_page_twice_has_the_same_hash_and_key(
    page_image: PageMaker, encoded: Callable[..., bytes]
) -> None:
    data = encoded(page_image(dpi=100))
    (once,) = split_document(data, "a.jpg")
    (again,) = split_document(data, "b.jpg")
    assert content_hash(once.data) == content_hash(again.data)
    other = encoded(page_image(dpi=100, seed=1))
    assert content_hash(other) != content_hash(data)


def test_same_pdf_page_renders_to_the_same_hash(page_image: PageMaker) -> None:
    pdf = _pdf([page_image(dpi=72)])
    first = [content_hash(page.data) for page in split_document(pdf, "a.pdf")]
    second = [content_hash(page.data) for page in split_document(pdf, "a-copy.pdf")]
    assert first == second


def test_p21_keys_reveal_no_identity_and_titles_live_apart(codes: Callable[..., list[str]]) -> None:
    digest = content_hash(b"page")
    scan = page_key("vsosh-2025", digest, "jpg", title_page=False)
    title = page_key("vsosh-2025", digest, "jpg", title_page=True)
    assert scan == f"scans/vsosh-2025/{digest[:2]}/{digest}.jpg"
    assert title == f"titles/vsosh-2025/{digest[:2]}/{digest}.jpg"
    for bad in ("../x", "a/b", ""):
        with pytest.raises(ValueError, match="olympiad id"):
            page_key(bad, digest, "jpg", title_page=False)
    with pytest.raises(ValueError, match="sha256"):
        page_key("vsosh-2025", codes(1)[0], "jpg", title_page=False)
