"""Where a scanned page goes: to its work, to the title-page store, or to a person (manual queue);
and what the upload reports for it (`Outcome`), a page seen before included."""

from __future__ import annotations

import enum
from collections.abc import Set
from dataclasses import dataclass
from typing import Final

from olymp_coding.domain import normalise_prefix
from olymp_coding.scans.domain.payload import LabelKind
from olymp_coding.scans.domain.reading import CodeRead

REASON_UNREADABLE: Final = "код не распознан"
REASON_OTHER_SUBJECT: Final = "код другого предмета"
REASON_UNKNOWN_CODE: Final = "неизвестный код"
REASON_SEVERAL_CODES: Final = "на странице несколько разных шифров"


class Destination(enum.StrEnum):
    WORK = "work"
    TITLE = "title"
    MANUAL = "manual"


@dataclass(frozen=True)
class Routing:
    destination: Destination
    work_code: str | None  # the code read, also on a manual page, to help the officer
    sheet: int | None
    # A title page carries the participant's name (§63): it is stored apart even when it goes to
    # the manual queue, so no path meant for the jury can reach it.
    title_page: bool
    reason: str | None = None  # why it went to the manual queue, in Russian


def subject_prefix(work_code: str) -> str:
    """The subject prefix of a canonical code ('' for a code without one)."""
    prefix, _, _ = work_code.rpartition("-")
    return prefix


def route_page(
    read: CodeRead | None, expected_subject_prefix: str, known_codes: Set[str]
) -> Routing:
    """Route a page read at a scan station that handles one subject; `known_codes` are canonical."""
    if read is None:
        return Routing(Destination.MANUAL, None, None, title_page=False, reason=REASON_UNREADABLE)
    title_page = read.kind is LabelKind.TITLE

    def manual(reason: str) -> Routing:
        return Routing(Destination.MANUAL, read.work_code, read.sheet, title_page, reason)

    if read.other_codes:
        return manual(REASON_SEVERAL_CODES)
    if subject_prefix(read.work_code) != normalise_prefix(expected_subject_prefix):
        return manual(REASON_OTHER_SUBJECT)
    if read.work_code not in known_codes:
        return manual(REASON_UNKNOWN_CODE)
    destination = Destination.TITLE if title_page else Destination.WORK
    return Routing(destination, read.work_code, read.sheet, title_page)


class Outcome(enum.StrEnum):
    WORK = "work"
    TITLE = "title"
    MANUAL = "manual"
    DUPLICATE = "duplicate"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Outcome.WORK: "страница отнесена к работе",
    Outcome.TITLE: "титульный лист сохранён отдельно",
    Outcome.MANUAL: "страница в очереди ручной привязки",
    Outcome.DUPLICATE: "страница уже была загружена",
}
