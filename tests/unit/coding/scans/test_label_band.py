"""The label's corner first: a JPEG page is read from its top quarter before the whole page is
decoded, and nothing a whole-page read would catch is lost by it."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from PIL import Image

from olymp_coding.scans.domain import (
    LABEL_BAND,
    CorruptDocument,
    answer_payload,
    read_code,
    split_document,
    title_payload,
)

PageMaker = Callable[..., Image.Image]


def _jpeg(image: Image.Image, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85, **options)
    return buffer.getvalue()


def test_band_is_the_top_quarter_decoded_reduced(page_image: PageMaker) -> None:
    image = page_image(dpi=300)
    (page,) = split_document(_jpeg(image), "a.jpg")
    band = page.top_band(600)
    assert band is not None and band.mode == "L"
    assert band.width >= 600
    assert band.height == pytest.approx(band.width * image.height * LABEL_BAND / image.width, 2)


def test_label_in_its_corner_is_read_from_the_band(
    page_image: PageMaker, codes: Callable[..., list[str]]
) -> None:
    code = codes(1)[0]
    (page,) = split_document(_jpeg(page_image((answer_payload(code, 4),), dpi=300)), "a.jpg")
    read = read_code(page)
    assert read is not None and (read.work_code, read.sheet, read.attempts) == (code, 4, 1)
    assert set(page._decoded) == set()  # the whole page was never decoded


def test_upside_down_page_is_read_from_the_whole_page_next(
    page_image: PageMaker, codes: Callable[..., list[str]]
) -> None:
    code = codes(1)[0]
    turned = page_image((title_payload(code),), dpi=300, turn=180)
    (page,) = split_document(_jpeg(turned), "t.jpg")
    read = read_code(page)
    assert read is not None and (read.work_code, read.orientation, read.attempts) == (code, 180, 2)


def test_two_labels_in_the_corner_are_both_seen(
    page_image: PageMaker, codes: Callable[..., list[str]]
) -> None:
    first, second = codes(2)
    image = page_image((answer_payload(first, 1), answer_payload(second, 1)), dpi=300)
    (page,) = split_document(_jpeg(image), "two.jpg")
    read = read_code(page)
    assert read is not None and {read.work_code, *read.other_codes} == {first, second}


def test_cut_off_jpeg_is_not_read_from_its_intact_top(
    page_image: PageMaker, codes: Callable[..., list[str]]
) -> None:
    data = _jpeg(page_image((answer_payload(codes(1)[0], 1),), dpi=300))
    (page,) = split_document(data[: len(data) * 2 // 3], "cut.jpg")
    assert page.top_band(600) is None
    with pytest.raises(CorruptDocument, match=r"Страница 1 файла «cut\.jpg» повреждена"):
        read_code(page)


def test_progressive_jpeg_and_other_formats_are_read_whole(
    page_image: PageMaker, codes: Callable[..., list[str]]
) -> None:
    code = codes(1)[0]
    image = page_image((answer_payload(code, 2),), dpi=200)
    for data, name in ((_jpeg(image, progressive=True), "p.jpg"), (_png(image), "p.png")):
        (page,) = split_document(data, name)
        assert page.top_band(600) is None
        read = read_code(page)
        assert read is not None and read.work_code == code


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
