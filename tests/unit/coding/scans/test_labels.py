"""Code labels and packet cover sheets (§48, §62): readable by the scanner and by people, in Cyrillic."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pytest
import zxingcpp

from olymp_coding.scans.documents import label_sheets_pdf, packet_cover_pdf
from olymp_coding.scans.domain import LabelKind, parse_payload
from olymp_core.pdf_fonts import FontMissing, find_font_dir


def _pages_text(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    return [document[index].get_textpage().get_text_range() for index in range(len(document))]


def test_p62_label_sheet_has_a_title_and_answer_labels_per_work(
    codes: Callable[..., list[str]],
) -> None:
    works = [(code, 9) for code in codes(5)]
    pdf = label_sheets_pdf("12", "Математика", works, answer_labels_per_work=3)
    document = pdfium.PdfDocument(pdf)
    assert len(document) == math.ceil(5 * 4 / 21)
    sheet = document[0].render(scale=200 / 72, grayscale=True).to_pil()
    labels = [parse_payload(barcode.text) for barcode in zxingcpp.read_barcodes(sheet)]
    found = {(label.kind, label.work_code, label.sheet) for label in labels if label is not None}
    expected = {(LabelKind.TITLE, code, None) for code, _ in works} | {
        (LabelKind.ANSWER, code, sheet) for code, _ in works for sheet in (1, 2, 3)
    }
    assert found == expected
    text = _pages_text(pdf)[0]
    assert text.count("Титульный лист") == 5
    assert "Лист ответов 3" in text and "Аудитория 12" in text and works[0][0] in text


def test_label_sheets_continue_on_new_pages(codes: Callable[..., list[str]]) -> None:
    pdf = label_sheets_pdf("3", "Физика", [(code, 10) for code in codes(9, prefix="PH")])
    assert len(_pages_text(pdf)) == math.ceil(9 * 5 / 21)


def test_p48_packet_cover_lists_the_packet_and_its_codes(codes: Callable[..., list[str]]) -> None:
    works = codes(130)
    pdf = packet_cover_pdf(
        venue="МБОУ «СОШ № 1»", room="12", subject_name="Математика", grade=9, work_codes=works
    )
    pages = _pages_text(pdf)
    assert len(pages) == 2
    text = "\n".join(pages)
    assert "Сопроводительный бланк к доставочному пакету" in text
    for field in ("МБОУ «СОШ № 1»", "Математика", "Количество работ: 130"):
        assert field in text.replace("\r", "")
    assert all(code in text for code in works)


def test_labels_are_deterministic(codes: Callable[..., list[str]]) -> None:
    works = [(code, 9) for code in codes(2)]
    assert label_sheets_pdf("1", "История", works) == label_sheets_pdf("1", "История", works)


def test_missing_font_names_the_package_to_install(tmp_path: Path) -> None:
    with pytest.raises(FontMissing, match="fonts-dejavu-core"):
        find_font_dir([tmp_path])
