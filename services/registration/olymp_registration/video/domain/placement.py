"""Where a recording belongs: the venue, room and round of the olympiad, and its object's key.

Names are matched loosely (case, «ё», quotes), as venues type them; what is stored is the name
as the olympiad spells it. The object key is derived from the file's SHA-256, so the same file
uploaded twice is the same object.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from olymp_core.subjects import UnknownSubject
from olymp_registration.domain import InvalidOlympiad, Olympiad, RoundSlot, Venue
from olymp_registration.domain.text import comparison_key
from olymp_registration.video.domain.errors import (
    RoomNotFound,
    RoundNotScheduled,
    SubjectNotInSchedule,
    VenueNotFound,
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


def object_key(olympiad_id: uuid.UUID, sha256: str, file_name: str) -> str:
    extension = Path(file_name).suffix.lstrip(".").lower()
    return f"video/{olympiad_id}/{sha256}.{extension if _EXTENSION.match(extension) else 'bin'}"


def content_type(key: str) -> str:
    return _CONTENT_TYPES.get(key.rsplit(".", 1)[-1], "application/octet-stream")
