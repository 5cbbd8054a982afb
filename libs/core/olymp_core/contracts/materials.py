"""Events of the materials service. No event ever carries a key or a password."""

from __future__ import annotations

import datetime as dt
import uuid

from olymp_core.events.model import Event, event


@event("materials", "package_released", 1, listeners_optional=True)
class PackageReleased(Event):
    package_id: uuid.UUID
    olympiad_id: uuid.UUID
    subject_code: str
    kind: str
    released_at: dt.datetime
