"""An observer's report of a violation (§19): sent to the organiser not later than three days after
the day the violation was found, for the organiser to consider and decide on.

The day counted from is the day of the assignment the report is about (the observer was there
then); the three days are calendar days in the olympiad's own time zone, so a report is taken
until 23:59:59 local time on the third day after it and refused from 00:00 of the fourth. A report
about a procedure that has not begun yet (its day has not come) is refused too.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePosixPath
from typing import Final

from olymp_core.clock import local_instant, to_local
from olymp_registration.domain import clean_text
from olymp_registration.observers.domain.errors import (
    AttachmentRefused,
    AttachmentTooLarge,
    ReportDecided,
    ReportRefused,
    ReportTextRefused,
    ReportTooLate,
)

REPORT_DAYS: Final = 3
TEXT_MAX: Final = 20_000
DECISION_MAX: Final = 10_000
# photos of a notice, a scan of an act, a short clip: what an observer takes with a phone
ATTACHMENT_MAX_BYTES: Final = 20 * 1024 * 1024
ATTACHMENTS_MAX: Final = 10
ATTACHMENT_TYPES: Final = {
    "image/jpeg": "фотография JPEG",
    "image/png": "изображение PNG",
    "application/pdf": "документ PDF",
    "text/plain": "текст",
    "video/mp4": "видео MP4",
}
_FILE_NAME_MAX: Final = 200
_UNSAFE_IN_NAME = re.compile(r"[\x00-\x1f\x7f/\\]")


class Outcome(StrEnum):
    """The organiser's decision on a report (§19: considered, a decision taken)."""

    CONFIRMED = "confirmed"
    NOT_CONFIRMED = "not_confirmed"

    @property
    def label(self) -> str:
        return _OUTCOMES[self]


_OUTCOMES = {
    Outcome.CONFIRMED: "нарушение подтверждено, меры приняты",
    Outcome.NOT_CONFIRMED: "нарушение не подтвердилось",
}


def report_deadline(event_day: dt.date, tz_name: str) -> dt.datetime:
    """The last instant (UTC) a report about `event_day` is taken: the end of its third day after."""
    next_midnight = local_instant(
        event_day + dt.timedelta(days=REPORT_DAYS + 1), dt.time(0), tz_name
    )
    return next_midnight - dt.timedelta(microseconds=1)


@dataclass(frozen=True)
class ReportWindow:
    """When reports about one assignment are taken, in the olympiad's zone."""

    event_day: dt.date
    tz_name: str

    @property
    def opens_at(self) -> dt.datetime:
        return local_instant(self.event_day, dt.time(0), self.tz_name)

    @property
    def deadline(self) -> dt.datetime:
        return report_deadline(self.event_day, self.tz_name)

    def check_open(self, now: dt.datetime, what: str = "Сообщение о нарушении") -> None:
        """ReportRefused before the event's day, ReportTooLate after the third day."""
        if now < self.opens_at:
            raise ReportRefused(
                f"{what} подаётся о выявленном нарушении, а мероприятие назначено на "
                f"{self.event_day:%d.%m.%Y}: подайте его в этот день или в три дня после него."
            )
        if now > self.deadline:
            raise ReportTooLate(
                f"Срок подачи истёк {_moment(self.deadline, self.tz_name)}: информация о "
                f"нарушении направляется организатору не позднее чем через {REPORT_DAYS} дня со "
                f"дня выявления (п. 19), а мероприятие было {self.event_day:%d.%m.%Y}; сейчас "
                f"{_moment(now, self.tz_name)}. Обратитесь к организатору олимпиады напрямую.",
                deadline=self.deadline.isoformat(),
            )


def report_text(text: str) -> str:
    """The report's text as stored (trimmed, line breaks kept), or ReportRefused."""
    cleaned = "\n".join(line.rstrip() for line in text.strip().splitlines())
    if not cleaned:
        raise ReportTextRefused(
            "Опишите нарушение: что, где и когда произошло, кто присутствовал (п. 19)."
        )
    if len(cleaned) > TEXT_MAX:
        raise ReportTextRefused(
            f"Текст сообщения длиннее {TEXT_MAX} знаков: сократите его или приложите документ."
        )
    return cleaned


def attachment_name(file_name: str, content_type: str, size: int, already: int) -> str:
    """The file name as stored, once the attachment passes every rule; else a refusal."""
    name = clean_text(_UNSAFE_IN_NAME.sub("_", PurePosixPath(file_name or "").name))
    if not name or name in {".", ".."} or len(name) > _FILE_NAME_MAX:
        raise AttachmentRefused(
            f"Укажите имя файла вложения (до {_FILE_NAME_MAX} знаков), например «акт.pdf»."
        )
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind not in ATTACHMENT_TYPES:
        accepted = ", ".join(ATTACHMENT_TYPES.values())
        raise AttachmentRefused(
            f"Файл «{name}» ({kind or 'тип не указан'}) не принимается: приложите {accepted}."
        )
    if size == 0:
        raise AttachmentRefused(f"Файл «{name}» пуст: приложите файл ещё раз.")
    if size > ATTACHMENT_MAX_BYTES:
        raise AttachmentTooLarge(
            f"Файл «{name}» больше {ATTACHMENT_MAX_BYTES // (1024 * 1024)} МБ: уменьшите его "
            "(фотографию — снимком меньшего размера, видео — коротким фрагментом).",
            max_bytes=ATTACHMENT_MAX_BYTES,
        )
    if already >= ATTACHMENTS_MAX:
        raise AttachmentRefused(
            f"К сообщению уже приложено {already} файлов — это наибольшее число. Объедините "
            "документы в один PDF."
        )
    return name


def attachment_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def decision_text(text: str, decided: bool) -> str:
    """The organiser's decision as stored; a second decision on the same report is refused."""
    if decided:
        raise ReportDecided(
            "Решение по этому сообщению уже записано и не меняется: при новых обстоятельствах "
            "запишите их в новом сообщении или в протоколе оргкомитета."
        )
    cleaned = text.strip()
    if not cleaned:
        raise ReportRefused("Запишите решение: что установлено и какие меры приняты (п. 19).")
    if len(cleaned) > DECISION_MAX:
        raise ReportRefused(f"Текст решения длиннее {DECISION_MAX} знаков: сократите его.")
    return cleaned


def _moment(instant: dt.datetime, tz_name: str) -> str:
    local = to_local(instant, tz_name)
    return f"{local:%d.%m.%Y в %H:%M} (время {tz_name})"
