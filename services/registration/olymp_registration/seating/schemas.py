"""HTTP models of seating."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel, Field

from olymp_registration import store
from olymp_registration.seating.domain import RoomChoice
from olymp_registration.seating.handlers import SeatingView


class RoomChoiceModel(BaseModel):
    room: str = Field(
        description="A room of the venue, as the venue names it", examples=["Кабинет 12"]
    )
    grades: list[int] = Field(
        min_length=1, max_length=5, description="The grades seated in this room", examples=[[7]]
    )
    special_conditions: bool = Field(
        default=False,
        description="A room chosen for participants with special conditions (§12): it seats "
        "only them, and they sit only in such rooms",
    )

    def to_domain(self) -> RoomChoice:
        return RoomChoice(self.room, tuple(self.grades), self.special_conditions)


class SeatingCreate(BaseModel):
    rooms: list[RoomChoiceModel] = Field(min_length=1, max_length=500)


class SeatRead(BaseModel):
    row: int = Field(description="Ряд, from 1 at the left as the participants face the board")
    desk: int = Field(description="Парта in the row, from 1 at the board")
    participant_id: uuid.UUID
    surname: str
    name: str
    patronymic: str
    grade: int
    school: str
    special_conditions: bool


class SeatingRoomRead(BaseModel):
    room: str
    rows: int
    desks_per_row: int
    grades: list[int]
    special_conditions: bool
    seats: list[SeatRead] = Field(description="From the board backwards, each line from the left")


class WaitingRead(BaseModel):
    participant_id: uuid.UUID
    surname: str
    name: str
    patronymic: str
    grade: int
    school: str

    @classmethod
    def of(cls, stored: store.StoredParticipant) -> WaitingRead:
        p = stored.participant
        return cls(
            participant_id=stored.participant_id,
            surname=p.surname,
            name=p.name,
            patronymic=p.patronymic,
            grade=p.grade,
            school=p.school,
        )


class SeatingRead(BaseModel):
    olympiad_id: uuid.UUID
    subject_code: str
    subject_name: str
    venue: str
    round_day: dt.date
    last_seating_day: dt.date = Field(description="§30: no later than one day before the round")
    version: int = Field(description="1 for the first seating, one more for each reseat")
    seated_at: dt.datetime
    seated_by: str
    seated: int
    moved: int = Field(description="Participants the last reseat moved to another desk")
    added: int = Field(description="Participants the last reseat seated for the first time")
    released: int = Field(description="Desks the last reseat freed (withdrawn, or a grade dropped)")
    rooms: list[SeatingRoomRead]
    not_seated: list[WaitingRead] = Field(
        description="Participants of the venue registered after the last seating: reseat to seat them"
    )

    @classmethod
    def of(cls, view: SeatingView) -> SeatingRead:
        by_room: dict[str, list[SeatRead]] = {room.name: [] for room in view.rooms}
        for seated in view.seated:
            p = seated.stored.participant
            by_room.setdefault(seated.seat.room, []).append(
                SeatRead(
                    row=seated.seat.desk.row,
                    desk=seated.seat.desk.number,
                    participant_id=seated.stored.participant_id,
                    surname=p.surname,
                    name=p.name,
                    patronymic=p.patronymic,
                    grade=p.grade,
                    school=p.school,
                    special_conditions=bool(p.special_conditions),
                )
            )
        return cls(
            olympiad_id=view.olympiad_id,
            subject_code=view.subject_code,
            subject_name=view.subject_name,
            venue=view.venue.name,
            round_day=view.round_day,
            last_seating_day=view.last_day,
            version=view.plan.version,
            seated_at=view.plan.seated_at,
            seated_by=view.plan.seated_by,
            seated=len(view.seated),
            moved=view.plan.moved,
            added=view.plan.added,
            released=view.plan.released,
            rooms=[
                SeatingRoomRead(
                    room=room.name,
                    rows=room.rows,
                    desks_per_row=room.desks_per_row,
                    grades=list(room.grades),
                    special_conditions=room.special_conditions,
                    seats=by_room[room.name],
                )
                for room in view.rooms
            ],
            not_seated=[WaitingRead.of(p) for p in view.not_seated],
        )
