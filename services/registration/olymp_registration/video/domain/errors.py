"""Refusals of room video (§21). The detail is what a venue or an organiser reads: Russian.

`video.api.ERRORS` gives each its HTTP status.
"""

from __future__ import annotations

from olymp_core.errors import DomainError, NotPermitted
from olymp_registration.domain import SubjectNotScheduled


class VideoError(DomainError):
    """A rule of room video was broken; `str(error)` says what and what to do."""

    title = "Нарушено правило видеозаписи"


class VenueNotFound(DomainError):
    title = "Площадка не найдена"


class RoomNotFound(VideoError):
    title = "Аудитория не найдена"


class SubjectNotInSchedule(SubjectNotScheduled):
    """The subject named in a recording's request is not in the schedule: the request is wrong."""

    type_ = "subject-not-scheduled"


class RoundNotScheduled(VideoError):
    title = "Тур не найден в расписании"


class InvalidChecksum(VideoError):
    title = "Некорректная контрольная сумма"


class UploadNotFound(DomainError):
    title = "Загрузка не найдена"


class UploadClosed(DomainError):
    title = "Загрузка уже завершена"


class PartsGoToStore(DomainError):
    """Parts of this upload go to the store's signed URLs, not through the service."""

    title = "Части отправляются в хранилище"


class PartTooLarge(DomainError):
    title = "Часть файла слишком большая"


class InvalidFileName(VideoError):
    title = "Недопустимое имя файла"


class RecordingTooLarge(VideoError):
    """The declared size is more than a room can record, or than the store takes in parts."""

    title = "Файл записи слишком большой"


class InvalidPart(VideoError):
    title = "Часть вне файла"


class ChecksumMismatch(VideoError):
    """The parts that arrived do not add up to the file the upload declared."""

    type_ = "checksum-mismatch"
    title = "Файл получен не полностью"


class UploadIncomplete(VideoError):
    title = "Загрузку нельзя завершить"


class RecordingNotFound(DomainError):
    title = "Видеозапись не найдена"


class PlaybackLinkInvalid(NotPermitted):
    type_ = "playback-link-invalid"


class InvalidRetention(VideoError):
    title = "Недопустимый срок хранения"
