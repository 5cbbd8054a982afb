"""A member's comment and annotations: page-relative places, the kinds' own rules, sizes."""

from __future__ import annotations

import math
import uuid

import pytest

from olymp_scoring.domain.errors import InvalidMarks
from olymp_scoring.domain.notes import (
    ANNOTATIONS_MAX,
    COMMENT_MAX_CHARS,
    Annotation,
    AnnotationKind,
    MarkingNotes,
)

PAGE = uuid.UUID("6f1c1f0e-0000-4000-8000-000000000001")


def test_each_kind_round_trips_through_its_stored_form() -> None:
    made = [
        Annotation(PAGE, AnnotationKind.TICK, 0.25, 0.5),
        Annotation(PAGE, AnnotationKind.CROSS, 0.0, 1.0),
        Annotation(PAGE, AnnotationKind.BOX, 0.1, 0.2, 0.3, 0.4, "неверный знак"),
        Annotation(PAGE, AnnotationKind.TEXT, 0.9, 0.05, text="см. задание 3"),
    ]
    assert [Annotation.from_json(a.to_json()) for a in made] == made


@pytest.mark.parametrize(("x", "y"), [(-0.01, 0.5), (0.5, 1.01), (math.nan, 0.5), (math.inf, 0.0)])
def test_a_place_off_the_page_is_refused(x: float, y: float) -> None:
    with pytest.raises(InvalidMarks, match="вне страницы"):
        Annotation(PAGE, AnnotationKind.TICK, x, y)


def test_a_box_needs_a_size_and_stays_on_the_page() -> None:
    with pytest.raises(InvalidMarks, match="ширина и высота"):
        Annotation(PAGE, AnnotationKind.BOX, 0.1, 0.1)
    with pytest.raises(InvalidMarks, match="за край"):
        Annotation(PAGE, AnnotationKind.BOX, 0.8, 0.1, 0.3, 0.1)
    assert Annotation(PAGE, AnnotationKind.BOX, 0.7, 0.9, 0.3, 0.1).to_json()["width"] == 0.3


def test_only_a_box_has_a_size_and_a_tick_has_no_text() -> None:
    with pytest.raises(InvalidMarks, match="только у рамки"):
        Annotation(PAGE, AnnotationKind.TICK, 0.1, 0.1, 0.1, 0.1)
    with pytest.raises(InvalidMarks, match="нет текста"):
        Annotation(PAGE, AnnotationKind.CROSS, 0.1, 0.1, text="нет")


def test_a_text_annotation_must_say_something() -> None:
    with pytest.raises(InvalidMarks, match="пуста"):
        Annotation(PAGE, AnnotationKind.TEXT, 0.1, 0.1, text="   ")


def test_sizes_are_bounded_and_the_refusal_says_what_to_do() -> None:
    with pytest.raises(InvalidMarks, match="сократите"):
        Annotation(PAGE, AnnotationKind.TEXT, 0.1, 0.1, text="ё" * 501)
    with pytest.raises(InvalidMarks, match="сократите"):
        MarkingNotes("ё" * (COMMENT_MAX_CHARS + 1))
    many = [Annotation(PAGE, AnnotationKind.TICK, 0.5, 0.5)] * (ANNOTATIONS_MAX + 1)
    with pytest.raises(InvalidMarks, match="удалите лишние"):
        MarkingNotes.of("", many)


def test_notes_are_empty_without_comment_and_annotations() -> None:
    assert MarkingNotes.of("  \n", []).empty
    assert not MarkingNotes.of("Решение списано с черновика?", []).empty
    assert MarkingNotes.of(None, [Annotation(PAGE, AnnotationKind.TICK, 0.5, 0.5)]).comment == ""
