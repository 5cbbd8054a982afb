"""Where a recording belongs: the venue, room and round of the olympiad, and its object's key.

Names are matched loosely (case, «ё», quotes), as venues type them; what is stored is the name
as the olympiad spells it. The object key is derived from the file's SHA-256, so the same file
uploaded twice is the same object.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from pathlib import Path

from olymp_core.subjects import UnknownSubject
from olymp_registration.domain import InvalidOlympiad, Olympiad, RoundSlot, Venue
from olymp_registration.domain.text import comparison_key
from olymp_registration.video.domain.errors import (
    InvalidFileName,
    RoomNotFound,
    RoundNotScheduled,
    SubjectNotInSchedule,
    VenueNotFound,
    VideoError,
)

_EXTENSION = re.compile(r"^[a-z0-9]{1,5}$")
_CONTENT_TYPES = {"mp4": "video/mp4", "mov": "video/quicktime", "mkv": "video/x-matroska"}


def find_venue(olympiad: Olympiad, name: str) -> Venue:
    key = comparison_key(name)
    for venue in olympiad.venues:
        if comparison_key(venue.name) == key:
            return venue
    listed = ", ".join(f"«{v.name}»" for v in olympiad.venues) or "нет ни одной"
    raise VenueNotFound(
        f"Площадка «{name}» не найдена в этой олимпиаде (площадки: {listed}). "
        "Проверьте название площадки."
    )


def room_of(venue: Venue, name: str) -> str:
    key = comparison_key(name)
    for room in venue.rooms:
        if comparison_key(room.name) == key:
            return room.name
    listed = ", ".join(f"«{r.name}»" for r in venue.rooms)
    raise RoomNotFound(
        f"Аудитории «{name}» нет на площадке «{venue.name}» (аудитории: {listed}). "
        "Видеозапись принимается только для аудитории из списка площадки."
    )


def scheduled_rounds(olympiad: Olympiad, subject_code: str) -> tuple[RoundSlot, ...]:
    try:
        return olympiad.schedule_of(subject_code).rounds
    except (InvalidOlympiad, UnknownSubject) as exc:
        raise SubjectNotInSchedule(f"{exc} Укажите предмет из расписания олимпиады.") from None


def resolve_round(olympiad: Olympiad, subject_code: str, round_code: str | None) -> str:
    """The round named, or the subject's only round when none is named."""
    rounds = scheduled_rounds(olympiad, subject_code)
    codes = [slot.round_code for slot in rounds]
    if round_code is None and len(codes) == 1:
        return codes[0]
    if round_code in codes:
        return round_code
    raise RoundNotScheduled(f"Укажите тур из расписания предмета: {', '.join(codes)}.")


def recording_file_name(given: str) -> str:
    """The name a recording is listed under: the last part of what the uploader sent.

    Uploaders send a bare name, or a whole path from Windows or a phone («C:\\Видео\\к12.mp4»);
    only the last part is kept. A name that is no file's name («..», «.», empty), or that holds
    control or direction-changing characters (a NUL, U+202E that shows «exe.mp4» as «mp4.exe»),
    is refused: it would be written to disk, stored and shown to people.
    """
    name = unicodedata.normalize("NFC", re.split(r"[\\/]", given)[-1]).strip()
    bad = [c for c in name if unicodedata.category(c) in ("Cc", "Cf")]
    if not name.strip(". ") or bad:
        shown = "".join(f"U+{ord(c):04X}" if c in bad else c for c in name)
        raise InvalidFileName(
            f"Имя файла «{shown}» не подходит для видеозаписи: укажите имя самого файла, "
            "например «кабинет-12.mp4» — без папок, без управляющих символов и не из одних точек."
        )
    return name


def camera_label(given: str) -> str:
    """The camera's label as typed («у доски»), trimmed; control characters are refused."""
    label = unicodedata.normalize("NFC", given).strip()
    bad = [c for c in label if unicodedata.category(c) in ("Cc", "Cf")]
    if bad:
        shown = "".join(f"U+{ord(c):04X}" if c in bad else c for c in label)
        raise VideoError(
            f"Название камеры «{shown}» содержит управляющие символы: впишите его обычным "
            "текстом, например «у доски»."
        )
    return label


def local_file_name(file_name: str) -> str:
    """A name that is safe to create in a directory of our own: the recording's, if it is one."""
    try:
        return recording_file_name(file_name)
    except InvalidFileName:
        extension = Path(file_name).suffix.lstrip(".").lower()
        return "recording." + (extension if _EXTENSION.match(extension) else "bin")


def object_key(olympiad_id: uuid.UUID, sha256: str, file_name: str) -> str:
    extension = Path(file_name).suffix.lstrip(".").lower()
    return f"video/{olympiad_id}/{sha256}.{extension if _EXTENSION.match(extension) else 'bin'}"


def content_type(key: str) -> str:
    return _CONTENT_TYPES.get(key.rsplit(".", 1)[-1], "application/octet-stream")
