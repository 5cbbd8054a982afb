"""Events of the registration service."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel, ConfigDict

from olymp_core.events.model import Event, event


class ScheduledSubject(BaseModel):
    model_config = ConfigDict(frozen=True)

    subject_code: str
    day: dt.date
    round_starts_at: dt.datetime
    round_ends_at: dt.datetime


@event("registration", "olympiad_created", 1)
class OlympiadCreated(Event):
    olympiad_id: uuid.UUID
    title: str
    time_zone: str
    subjects: tuple[ScheduledSubject, ...]
    # whose olympiad it is: every service admits a municipality's coordinator to its own only
    # (olymp_core.auth.olympiads); None for none (added with a default: a message from before it
    # still reads)
    municipality_id: str | None = None


class ScheduledRound(BaseModel):
    model_config = ConfigDict(frozen=True)

    round_code: str
    day: dt.date
    starts_at: dt.datetime
    ends_at: dt.datetime


@event("registration", "subject_schedule_changed", 1)
class SubjectScheduleChanged(Event):
    """Every round of a subject as it now stands, after one was added or moved in the set-up.

    The oral round of German and French comes on a later day (§60); a consumer learns from this
    when the subject really ends (§121 counts from it; the criteria reach participants after it).
    """

    olympiad_id: uuid.UUID
    subject_code: str
    rounds: tuple[ScheduledRound, ...]

    @property
    def last_round_ends_at(self) -> dt.datetime:
        return max(r.ends_at for r in self.rounds)


@event("registration", "participant_registered", 1)
class ParticipantRegistered(Event):
    """A participant entered for one subject, with what publishing publishes or hands over."""

    olympiad_id: uuid.UUID
    participant_id: uuid.UUID
    subject_code: str
    surname: str
    name: str
    patronymic: str
    grade: int
    task_grade: int
    school: str
    consent_to_publish: bool
    # for the results handed to the regional organiser (§21); None when the application had none
    # (added with a default: a message from before it still reads)
    birth_date: dt.date | None = None


@event("registration", "participant_checked_in", 1)
class ParticipantCheckedIn(Event):
    """Day-of registration: present (a work will exist) or absent."""

    olympiad_id: uuid.UUID
    participant_id: uuid.UUID
    subject_code: str
    task_grade: int
    present: bool
    at: dt.datetime


@event("registration", "participant_removed", 1)
class ParticipantRemoved(Event):
    """Removal from the venue with an act (§53): the work is annulled downstream."""

    olympiad_id: uuid.UUID
    participant_id: uuid.UUID
    subject_code: str
    reason: str
    removed_at: dt.datetime
