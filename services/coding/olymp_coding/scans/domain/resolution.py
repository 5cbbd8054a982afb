"""What the coding officer decides about a page of the manual queue, and which way up it stands.

A page is assigned to a work, or marked a draft («черновик»: never checked and never coded, §45),
or discarded (a blank sheet, a misfeed: it belongs to no work). A wrong decision is taken back by
returning the page to the queue — for an assigned page only while its work's subject and grade is
not decoded (§65): after that the jury's checking and the decoded table stand as they are.
"""

from __future__ import annotations

import enum
from typing import Final

QUARTER_TURNS: Final = (0, 90, 180, 270)


class Resolution(enum.StrEnum):
    ASSIGNED = "assigned"
    DRAFT = "draft"
    DISCARDED = "discarded"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Resolution.ASSIGNED: "привязана к работе",
    Resolution.DRAFT: "черновик: не проверяется и не шифруется (п. 45)",
    Resolution.DISCARDED: "не относится ни к одной работе",
}


def is_quarter_turn(degrees: int) -> bool:
    return degrees in QUARTER_TURNS


def upright_rotation(orientation: int) -> int:
    """Degrees to turn a page's image clockwise so that it stands upright.

    `orientation` is how far the scan is turned clockwise (read from its label, or set by the
    officer); turning it back is the rest of a full turn.
    """
    return (360 - orientation) % 360


def orientation_of(rotation: int) -> int:
    """The stored orientation of a page the officer stood upright by turning it `rotation`° clockwise."""
    return (360 - rotation) % 360
