"""Reading a page's label and routing the page (§62–63): to its work, to the title store, or to a person."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PIL import Image

from olymp_coding.scans.domain import (
    REASON_OTHER_SUBJECT,
    REASON_SEVERAL_CODES,
    REASON_UNKNOWN_CODE,
    REASON_UNREADABLE,
    CodeRead,
    Destination,
    LabelKind,
    answer_payload,
    parse_payload,
    read_code,
    route_page,
    split_document,
    title_payload,
)

PageMaker = Callable[..., Image.Image]


def _read_jpeg(image: Image.Image, encoded: Callable[..., bytes]) -> CodeRead | None:
    (page,) = split_document(encoded(image), "scan.jpg")
    return read_code(page)


def test_p62_clean_answer_page_routes_to_its_work_on_the_fast_path(
    page_image: PageMaker, encoded: Callable[..., bytes], codes: Callable[..., list[str]]
) -> None:
    code, *_ = codes(3)
    read = _read_jpeg(page_image((answer_payload(code, 2),)), encoded)
    assert read is not None
    assert (read.kind, read.work_code, read.sheet, read.orientation) == (
        LabelKind.ANSWER,
        code,
        2,
        0,
    )
    assert read.attempts == 1
    routing = route_page(read, "MA", set(codes(3)))
    assert (routing.destination, routing.work_code, routing.title_page, routing.reason) == (
        Destination.WORK,
        code,
        False,
        None,
    )


def test_p63_title_page_goes_to_the_title_store(
    page_image: PageMaker, codes: Callable[..., list[str]]
) -> None:
    code = codes(1)[0]
    read = read_code(page_image((title_payload(code),)))
    assert read is not None and read.kind is LabelKind.TITLE
    routing = route_page(read, "MA", {code})
    assert routing.destination is Destination.TITLE
    assert routing.title_page


@pytest.mark.parametrize("turn", [90, 180, 270])
def test_turned_page_reads_and_reports_how_to_stand_it_up(
    turn: int, page_image: PageMaker, codes: Callable[..., list[str]]
) -> None:
    code = codes(1)[0]
    turned = page_image((answer_payload(code, 1),), turn=turn)
    read = read_code(turned)
    assert read is not None and read.work_code == code
    assert read.orientation == (360 - turn) % 360
    upright = read_code(turned.rotate(read.orientation, expand=True))
    assert upright is not None and upright.orientation == 0


def test_faint_code_reads(page_image: PageMaker, codes: Callable[..., list[str]]) -> None:
    code = codes(1)[0]
    read = read_code(page_image((answer_payload(code, 3),), ink=205))
    assert read is not None and read.work_code == code


def test_partly_covered_code_within_error_correction_reads(
    page_image: PageMaker, codes: Callable[..., list[str]]
) -> None:
    code = codes(1)[0]
    # A patch in the middle of the data area, clear of the finder and alignment patterns.
    read = read_code(page_image((answer_payload(code, 1),), cover=(0.40, 0.40, 0.60, 0.55)))
    assert read is not None and read.work_code == code


def test_code_covered_beyond_repair_goes_to_manual_queue(
    page_image: PageMaker, codes: Callable[..., list[str]]
) -> None:
    code = codes(1)[0]
    read = read_code(page_image((answer_payload(code, 1),), cover=(0.0, 0.0, 1.0, 0.5)))
    assert read is None
    routing = route_page(read, "MA", {code})
    assert (routing.destination, routing.reason, routing.title_page) == (
        Destination.MANUAL,
        REASON_UNREADABLE,
        False,
    )


def test_page_without_label_goes_to_manual_queue(page_image: PageMaker) -> None:
    assert route_page(read_code(page_image()), "MA", set()).reason == REASON_UNREADABLE


def test_code_of_another_subject_goes_to_manual_queue(
    page_image: PageMaker, codes: Callable[..., list[str]]
) -> None:
    physics = codes(1, prefix="PH")[0]
    routing = route_page(
        read_code(page_image((answer_payload(physics, 1),))), "MA", set(codes(3)) | {physics}
    )
    assert (routing.destination, routing.reason, routing.work_code) == (
        Destination.MANUAL,
        REASON_OTHER_SUBJECT,
        physics,
    )


def test_unknown_code_goes_to_manual_queue(
    page_image: PageMaker, codes: Callable[..., list[str]]
) -> None:
    stranger, *known = codes(4)
    routing = route_page(read_code(page_image((answer_payload(stranger, 1),))), "MA", set(known))
    assert (routing.destination, routing.reason) == (Destination.MANUAL, REASON_UNKNOWN_CODE)


def test_unknown_title_page_stays_a_title_page_in_the_manual_queue(
    page_image: PageMaker, codes: Callable[..., list[str]]
) -> None:
    stranger = codes(1)[0]
    routing = route_page(read_code(page_image((title_payload(stranger),))), "MA", set())
    assert (routing.destination, routing.title_page) == (Destination.MANUAL, True)


def test_two_different_codes_on_one_page_go_to_manual_queue(
    page_image: PageMaker, codes: Callable[..., list[str]]
) -> None:
    first, second = codes(2)
    read = read_code(page_image((answer_payload(first, 1), answer_payload(second, 1))))
    assert read is not None and set(read.other_codes) | {read.work_code} == {first, second}
    assert route_page(read, "MA", {first, second}).reason == REASON_SEVERAL_CODES


def test_p62_code_with_broken_check_character_is_unreadable(
    page_image: PageMaker, codes: Callable[..., list[str]]
) -> None:
    code = codes(1)[0]
    last = code[-1]
    mistyped = code[:-1] + ("2" if last != "2" else "3")
    assert parse_payload(f"OLYMP:A:{mistyped}:1") is None
    assert read_code(page_image((f"OLYMP:A:{mistyped}:1",))) is None


def test_foreign_qr_codes_are_ignored(page_image: PageMaker) -> None:
    assert read_code(page_image(("https://olympiads.example/task/7",))) is None


@pytest.mark.parametrize(
    "text",
    [
        "",
        "OLYMP",
        "OLYMP:X:MA-2222222",
        "OLYMP:T:MA-64A5TPT:1",
        "OLYMP:A:MA-64A5TPT",
        "OLYMP:A:MA-64A5TPT:x",
    ],
)
def test_malformed_payloads_are_not_labels(text: str) -> None:
    assert parse_payload(text) is None


def test_payloads_round_trip(codes: Callable[..., list[str]]) -> None:
    code = codes(1)[0]
    title = parse_payload(title_payload(code.lower()))
    answer = parse_payload(answer_payload(code, 4))
    assert title is not None and (title.kind, title.work_code, title.sheet) == (
        LabelKind.TITLE,
        code,
        None,
    )
    assert answer is not None and (answer.kind, answer.work_code, answer.sheet) == (
        LabelKind.ANSWER,
        code,
        4,
    )
    with pytest.raises(ValueError, match="start at 1"):
        answer_payload(code, 0)
