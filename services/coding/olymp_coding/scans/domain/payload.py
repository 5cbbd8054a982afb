"""What a label's QR code carries: the label's kind, the work code and, on answer labels, a number.

`OLYMP:T:<code>` marks the title page (it carries the participant's name, §62–63), so it can be
routed apart before anyone but the coding officer sees it; `OLYMP:A:<code>:<n>` marks the n-th
answer-sheet label of the work. Every character is in the QR alphanumeric set, which keeps the
symbol small (version 2) and so its modules large on a 25 mm label.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Final

from olymp_coding.domain import MistypedCode, validate_code

MAGIC: Final = "OLYMP"


class LabelKind(enum.StrEnum):
    TITLE = "title"
    ANSWER = "answer"


_TAG: Final = {LabelKind.TITLE: "T", LabelKind.ANSWER: "A"}


@dataclass(frozen=True)
class LabelPayload:
    kind: LabelKind
    work_code: str
    sheet: int | None  # the answer label's number; None on the title label


def title_payload(work_code: str) -> str:
    return f"{MAGIC}:T:{validate_code(work_code)}"


def answer_payload(work_code: str, sheet: int) -> str:
    if sheet < 1:
        raise ValueError(f"answer label numbers start at 1, got {sheet}")
    return f"{MAGIC}:A:{validate_code(work_code)}:{sheet}"


def parse_payload(text: str) -> LabelPayload | None:
    """The label behind a QR text, or None if it is not ours or its code fails the check character."""
    parts = text.strip().split(":")
    if len(parts) < 3 or parts[0] != MAGIC:
        return None
    try:
        code = validate_code(parts[2])
    except MistypedCode:
        return None
    if parts[1] == _TAG[LabelKind.TITLE] and len(parts) == 3:
        return LabelPayload(LabelKind.TITLE, code, None)
    if parts[1] == _TAG[LabelKind.ANSWER] and len(parts) == 4 and parts[3].isdigit():
        return LabelPayload(LabelKind.ANSWER, code, int(parts[3]))
    return None
