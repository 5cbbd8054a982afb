"""Day-of registration (§36–37) and removal of a violator (§53–54), as pure state transitions.

One `SubjectAttendance` follows one participant through one subject: a mark per round day
(German and French have a second, oral day) and at most one removal. Every function returns a new
value or raises `CheckInRefused` with a Russian message; nothing here reads a clock or a database,
the caller passes the instant.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Final

from olymp_core.subjects import subject
from olymp_registration.domain.errors import CheckInRefused
from olymp_registration.domain.identity import IdentityDocument
from olymp_registration.domain.text import clean_text


class Attendance(StrEnum):
    PRESENT = "present"
    ABSENT = "absent"

    @property
    def label(self) -> str:
        return "явился" if self is Attendance.PRESENT else "не явился"


@dataclass(frozen=True)
class DayMark:
    day: dt.date
    attendance: Attendance
    marked_at: dt.datetime
    documents: frozenset[IdentityDocument] = frozenset()
    """The identity documents shown at the entrance (§36); empty for an absence."""


class SignatoryRole(StrEnum):
    """Who signs the removal act (§53): the organisers in the room and the orgcommittee's members
    (its representative at the venue, §136, §142)."""

    ORGANISER_IN_ROOM = "organiser_in_room"
    ORGCOMMITTEE = "orgcommittee"

    @property
    def label(self) -> str:
        if self is SignatoryRole.ORGANISER_IN_ROOM:
            return "Организатор в аудитории"
        return "Член организационного комитета"


SIGNATORY_MAX_LENGTH: Final = 200


@dataclass(frozen=True)
class Signatory:
    role: SignatoryRole
    name: str


@dataclass(frozen=True)
class Removal:
    """The act of removal (§53, App. 14): why, when, where and by whom; who signs it. The work of
    the subject is annulled. Acts made before numbering have no number, room or signatories."""

    day: dt.date
    reason: str
    removed_at: dt.datetime
    removed_by: str
    act_number: int | None = None
    venue: str | None = None
    room: str | None = None
    signatories: tuple[Signatory, ...] = ()


@dataclass(frozen=True)
class SubjectAttendance:
    participant_id: str
    subject_code: str
    round_days: tuple[dt.date, ...]
    marks: tuple[DayMark, ...] = ()
    removal: Removal | None = None

    def mark_on(self, day: dt.date) -> DayMark | None:
        return next((m for m in self.marks if m.day == day), None)

    def is_present_on(self, day: dt.date) -> bool:
        mark = self.mark_on(day)
        return mark is not None and mark.attendance is Attendance.PRESENT

    @property
    def removed(self) -> bool:
        return self.removal is not None

    @property
    def work_annulled(self) -> bool:
        """§53: the work of a removed participant is annulled."""
        return self.removal is not None


def new_attendance(
    participant_id: str, subject_code: str, round_days: tuple[dt.date, ...] | list[dt.date]
) -> SubjectAttendance:
    """A participant's attendance in a subject before any round: nothing marked yet."""
    subject(subject_code)
    if not round_days:
        raise CheckInRefused(
            f"По предмету «{subject(subject_code).name}» не запланирован ни один тур: "
            "сначала внесите дату тура в расписание олимпиады."
        )
    return SubjectAttendance(participant_id, subject_code, tuple(sorted(set(round_days))))


def check_in(
    state: SubjectAttendance,
    day: dt.date,
    at: dt.datetime,
    documents: frozenset[IdentityDocument] = frozenset(),
) -> SubjectAttendance:
    """Mark the participant present on `day` after the ID check (§36), with the documents shown
    (checked against the age by `identity.check_documents`). Repeating it changes nothing; new
    documents for a participant already present correct the record, keeping the time of entry.

    Refused for a removed participant (§54: no further participation in the subject this year).
    """
    _require_round_day(state, day)
    _require_instant(at, "the check-in")
    if state.removal is not None:
        removal = state.removal
        raise CheckInRefused(
            f"Участник удалён с олимпиады по предмету «{_subject_name(state)}» "
            f"{removal.day:%d.%m.%Y} (причина: {removal.reason}) и лишён права дальнейшего "
            "участия по этому предмету в текущем году: зарегистрировать его нельзя."
        )
    mark = state.mark_on(day)
    if mark is not None and mark.attendance is Attendance.PRESENT:
        if not documents or documents == mark.documents:
            return state
        return _with_mark(state, replace(mark, documents=documents))
    return _with_mark(state, DayMark(day, Attendance.PRESENT, at, documents))


def mark_absent(state: SubjectAttendance, day: dt.date, at: dt.datetime) -> SubjectAttendance:
    """Mark the participant absent on `day`; also corrects a check-in entered by mistake.

    A participant removed on `day` was there: that record cannot be turned into an absence.
    """
    _require_round_day(state, day)
    _require_instant(at, "the absence mark")
    if state.removal is not None and state.removal.day == day:
        raise CheckInRefused(
            f"Участник удалён с олимпиады {day:%d.%m.%Y}, то есть присутствовал в этот день: "
            "отметить неявку нельзя."
        )
    mark = state.mark_on(day)
    if mark is not None and mark.attendance is Attendance.ABSENT:
        return state
    return _with_mark(state, DayMark(day, Attendance.ABSENT, at))


def remove(
    state: SubjectAttendance,
    *,
    day: dt.date,
    reason: str,
    removed_at: dt.datetime,
    removed_by: str,
    act_number: int | None = None,
    venue: str | None = None,
    room: str | None = None,
    signatories: Sequence[Signatory] = (),
) -> SubjectAttendance:
    """Record the removal of a violator from the room (§53): the reason, when, where and by whom,
    and who signs the act (a name left out is written in by hand on the printed act)."""
    _require_round_day(state, day)
    _require_instant(removed_at, "the removal")
    reason, removed_by = clean_text(reason), clean_text(removed_by)
    room = clean_text(room or "") or None
    signed = tuple(Signatory(s.role, clean_text(s.name)) for s in signatories)
    for signatory in signed:
        if not signatory.name or len(signatory.name) > SIGNATORY_MAX_LENGTH:
            raise CheckInRefused(
                f"Подписант акта ({signatory.role.label.lower()}) указан без фамилии или длиннее "
                f"{SIGNATORY_MAX_LENGTH} символов: впишите фамилию и инициалы, например "
                "«Ёлкина-Соловьёва А. П.», или уберите пустую строку."
            )
    if not reason:
        raise CheckInRefused(
            "Не указана причина удаления: опишите нарушение так, как оно записано в акте."
        )
    if not removed_by:
        raise CheckInRefused("Не указано, кто удалил участника: впишите ФИО организатора.")
    if state.removal is not None:
        raise CheckInRefused(
            f"Участник уже удалён по предмету «{_subject_name(state)}» "
            f"{state.removal.day:%d.%m.%Y}: повторный акт не составляется."
        )
    mark = state.mark_on(day)
    if mark is None or mark.attendance is not Attendance.PRESENT:
        raise CheckInRefused(
            f"Участник не зарегистрирован на олимпиаде {day:%d.%m.%Y}: удалить из аудитории "
            "можно только присутствующего. Сначала отметьте его явку."
        )
    if removed_at < mark.marked_at:
        raise CheckInRefused(
            "Время удаления раньше времени регистрации участника: проверьте время в акте."
        )
    removal = Removal(day, reason, removed_at, removed_by, act_number, venue, room, signed)
    return replace(state, removal=removal)


def _with_mark(state: SubjectAttendance, mark: DayMark) -> SubjectAttendance:
    others = tuple(m for m in state.marks if m.day != mark.day)
    return replace(state, marks=tuple(sorted((*others, mark), key=lambda m: m.day)))


def _require_round_day(state: SubjectAttendance, day: dt.date) -> None:
    if day not in state.round_days:
        planned = ", ".join(f"{d:%d.%m.%Y}" for d in state.round_days)
        raise CheckInRefused(
            f"{day:%d.%m.%Y} по предмету «{_subject_name(state)}» тура нет; "
            f"дни туров: {planned}. Проверьте дату."
        )


def _require_instant(instant: dt.datetime, what: str) -> None:
    # A naive datetime is a caller's bug, not an official's mistake: it never reaches a person.
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"naive datetime for {what}: pass a timezone-aware instant")


def _subject_name(state: SubjectAttendance) -> str:
    return subject(state.subject_code).name
