"""The pure rules of seating: the plan of rooms, the arrangement, the reports and the deadline."""

from olymp_registration.seating.domain.arrange import EMPTY, arrange
from olymp_registration.seating.domain.errors import (
    InvalidSeatingPlan,
    RoomLayoutInUse,
    SeatingImpossible,
    SeatingNotFound,
    SeatingTooLate,
)
from olymp_registration.seating.domain.model import (
    Candidate,
    Desk,
    PlannedRoom,
    Seat,
    neighbour_violations,
    neighbours,
)
from olymp_registration.seating.domain.plan import (
    RoomChoice,
    check_seating_day,
    last_seating_day,
    planned_rooms,
)
from olymp_registration.seating.domain.seat import Seating, seat

__all__ = [
    "EMPTY",
    "Candidate",
    "Desk",
    "InvalidSeatingPlan",
    "PlannedRoom",
    "RoomChoice",
    "RoomLayoutInUse",
    "Seat",
    "Seating",
    "SeatingImpossible",
    "SeatingNotFound",
    "SeatingTooLate",
    "arrange",
    "check_seating_day",
    "last_seating_day",
    "neighbour_violations",
    "neighbours",
    "planned_rooms",
    "seat",
]
