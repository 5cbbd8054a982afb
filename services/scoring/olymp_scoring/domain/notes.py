"""What a jury member writes beside the points: a comment on the work and annotations on its scans.

An annotation is data, not pixels: a kind (tick, cross, box with a note, text), the scanned page it
is on (coding's page id) and a place in page-relative coordinates, 0 to 1 from the page's top left
corner as scanned (before any rotation in the viewer). So it lands on the same spot at any zoom,
on any screen, and later in front of the third member, the chair and the appeal commission (§73,
§112), each round labelled. The second member never sees the first's (§69): they are read only
with the rounds.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from olymp_scoring.domain.errors import InvalidMarks

COMMENT_MAX_CHARS = 2000
NOTE_MAX_CHARS = 500
# a page of a work carries a few dozen at most; more is a script, not a person
ANNOTATIONS_MAX = 300


class AnnotationKind(enum.StrEnum):
    TICK = "tick"
    CROSS = "cross"
    BOX = "box"
    TEXT = "text"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    AnnotationKind.TICK: "галочка",
    AnnotationKind.CROSS: "крестик",
    AnnotationKind.BOX: "рамка",
    AnnotationKind.TEXT: "надпись",
}


@dataclass(frozen=True)
class Annotation:
    page_id: uuid.UUID
    kind: AnnotationKind
    x: float
    y: float
    width: float = 0.0  # a box only
    height: float = 0.0
    text: str = ""  # a box's note (may be empty) or the text itself (required)

    def __post_init__(self) -> None:
        place = f"Пометка «{self.kind.label}»"
        for name, value in (("x", self.x), ("y", self.y)):
            if not 0.0 <= value <= 1.0:
                raise InvalidMarks(
                    f"{place}: координата {name} = {value} вне страницы; "
                    "координаты задаются долями страницы, от 0 до 1."
                )
        if self.kind is AnnotationKind.BOX:
            if self.width <= 0 or self.height <= 0:
                raise InvalidMarks(f"{place}: у рамки должны быть ширина и высота больше нуля.")
            if self.x + self.width > 1.0 + 1e-9 or self.y + self.height > 1.0 + 1e-9:
                raise InvalidMarks(f"{place}: рамка выходит за край страницы.")
        elif self.width or self.height:
            raise InvalidMarks(f"{place}: ширина и высота бывают только у рамки.")
        if self.kind is AnnotationKind.TEXT and not self.text.strip():
            raise InvalidMarks(f"{place}: надпись пуста — введите текст или удалите пометку.")
        if self.kind in (AnnotationKind.TICK, AnnotationKind.CROSS) and self.text:
            raise InvalidMarks(f"{place}: у галочки и крестика нет текста; используйте рамку.")
        if len(self.text) > NOTE_MAX_CHARS:
            raise InvalidMarks(
                f"{place}: текст длиннее {NOTE_MAX_CHARS} знаков; сократите его "
                "или перенесите в комментарий к работе."
            )

    def to_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "page_id": str(self.page_id),
            "kind": self.kind.value,
            "x": self.x,
            "y": self.y,
        }
        if self.kind is AnnotationKind.BOX:
            found |= {"width": self.width, "height": self.height}
        if self.text:
            found["text"] = self.text
        return found

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Annotation:
        return cls(
            page_id=uuid.UUID(str(data["page_id"])),
            kind=AnnotationKind(data["kind"]),
            x=float(data["x"]),
            y=float(data["y"]),
            width=float(data.get("width", 0.0)),
            height=float(data.get("height", 0.0)),
            text=str(data.get("text", "")),
        )


@dataclass(frozen=True)
class MarkingNotes:
    """One member's comment and annotations on one work, saved with that member's marks."""

    comment: str = ""
    annotations: tuple[Annotation, ...] = ()

    def __post_init__(self) -> None:
        if len(self.comment) > COMMENT_MAX_CHARS:
            raise InvalidMarks(
                f"Комментарий к работе длиннее {COMMENT_MAX_CHARS} знаков "
                f"({len(self.comment)}); сократите его."
            )
        if len(self.annotations) > ANNOTATIONS_MAX:
            raise InvalidMarks(
                f"Пометок на страницах больше {ANNOTATIONS_MAX} ({len(self.annotations)}); "
                "удалите лишние."
            )

    @classmethod
    def of(cls, comment: str | None, annotations: Sequence[Annotation]) -> MarkingNotes:
        return cls((comment or "").strip(), tuple(annotations))

    @property
    def empty(self) -> bool:
        return not self.comment and not self.annotations

    def annotations_json(self) -> list[dict[str, Any]]:
        return [a.to_json() for a in self.annotations]
