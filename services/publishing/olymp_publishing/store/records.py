"""What the publishing service's queries return."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from olymp_core.subject_grade import SubjectGrade


@dataclass(frozen=True)
class Olympiad:
    olympiad_id: uuid.UUID
    title: str
    time_zone: str | None


@dataclass(frozen=True)
class ChairDecisionRecord:
    """A ruling of the jury chair on a tie group (§117), with who made it and when."""

    total: Decimal
    status: str
    decided_by: str
    decided_at: dt.datetime


@dataclass(frozen=True)
class VersionRef:
    """A published version without its document: what an index lists and an address resolves to."""

    key: SubjectGrade
    version: int
    stage: str
    sha256: str
    created_at: dt.datetime
    note: str | None = None  # why the version was published, when it says (a §120 correction)


@dataclass(frozen=True)
class StoredVersion:
    key: SubjectGrade
    version: int
    stage: str
    document: dict[str, Any]
    sha256: str
    created_at: dt.datetime
    protocol: dict[str, Any] = field(default_factory=dict)  # the jury's full table, as stored
