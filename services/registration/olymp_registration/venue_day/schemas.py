"""HTTP models of the venue's count of works (§141)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from olymp_registration.venue_day.domain import EXPLANATION_MAX_LENGTH, RoomTally
from olymp_registration.venue_day.handlers import VenueCounts


class WorksCountCreate(BaseModel):
    works: int = Field(ge=0, le=10_000, description="Works handed over by the room's organisers")
    explanation: str = Field(
        default="",
        max_length=EXPLANATION_MAX_LENGTH,
        description="Required when the number differs from those present in the room",
        examples=["Участник Ёлкин-Петров сдал пустой бланк вместе с работой соседа"],
    )
    day: dt.date | None = Field(
        default=None, description="Round day; by default today in the olympiad's time zone"
    )


class RoomCountRead(BaseModel):
    room: str
    present: int = Field(description="Checked in present that day, seated in the room, not removed")
    removed: int = Field(description="Removed from the room that day (their works are annulled)")
    works: int | None = Field(description="Works handed over; null before the count")
    mismatch: int = Field(description="works − present; 0 before the count")
    explanation: str
    counted_at: dt.datetime | None
    counted_by: str

    @classmethod
    def of(cls, tally: RoomTally) -> RoomCountRead:
        return cls(
            room=tally.room,
            present=tally.present,
            removed=tally.removed,
            works=tally.works,
            mismatch=tally.mismatch,
            explanation=tally.explanation,
            counted_at=tally.counted_at,
            counted_by=tally.counted_by,
        )


class VenueCountsRead(BaseModel):
    venue: str
    day: dt.date
    rooms: list[RoomCountRead]
    unseated_present: int = Field(
        description="Present at the venue without a desk there: in no room's count"
    )
    present_without_documents: int = Field(
        description="Present at the venue with no identity document recorded (§36): the check-in "
        "sent none («документ не отмечен»)"
    )

    @classmethod
    def of(cls, found: VenueCounts) -> VenueCountsRead:
        return cls(
            venue=found.venue,
            day=found.day,
            rooms=[RoomCountRead.of(t) for t in found.rooms],
            unseated_present=found.unseated_present,
            present_without_documents=found.present_without_documents,
        )
