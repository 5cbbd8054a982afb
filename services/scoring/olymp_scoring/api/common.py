"""What the scoring API's routes share: who may call them, the grade in the address, settings."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import Depends, Path

from olymp_core.auth import Principal, Role, ScopeKind, ScopeRule, authorize
from olymp_core.dependencies import context
from olymp_scoring.settings import ScoringSettings

_SUBJECT = ScopeRule(ScopeKind.SUBJECT, "subject_code")
Chair = Annotated[Principal, Depends(authorize(Role.JURY_CHAIR, scope=_SUBJECT))]
ChairOnly = Annotated[Principal, Depends(authorize(Role.JURY_CHAIR))]
ProtocolReader = Annotated[
    Principal,
    Depends(authorize(Role.JURY_CHAIR, Role.MUNICIPAL_COORDINATOR, scope=_SUBJECT)),
]
# §67: the jury checks informatics with the testing system, so its chair brings the system's
# results in; the organiser, who runs the testing system's accounts, may too
ResultsImporter = Annotated[
    Principal,
    Depends(authorize(Role.JURY_CHAIR, Role.MUNICIPAL_COORDINATOR, scope=_SUBJECT)),
]
# §21, seed 000 §2: the organiser (the municipal coordinator) has the jury re-check a sample
Organiser = Annotated[Principal, Depends(authorize(Role.MUNICIPAL_COORDINATOR, scope=_SUBJECT))]
# §21: the regional organiser asks for works to re-check
RegionalCoordinator = Annotated[Principal, Depends(authorize(Role.COORDINATOR, scope=_SUBJECT))]
RecheckReader = Annotated[
    Principal,
    Depends(
        authorize(Role.MUNICIPAL_COORDINATOR, Role.JURY_CHAIR, Role.COORDINATOR, scope=_SUBJECT)
    ),
]
# §120, §21: the organiser reviews the protocols and corrects; the jury chair may too
Corrector = Annotated[Principal, Depends(authorize(Role.JURY_CHAIR, Role.MUNICIPAL_COORDINATOR))]
Jury = Annotated[Principal, Depends(authorize(Role.JURY_MEMBER, Role.JURY_CHAIR, scope=_SUBJECT))]
JuryAnyWork = Annotated[Principal, Depends(authorize(Role.JURY_MEMBER, Role.JURY_CHAIR))]
Watchers = Annotated[
    Principal,
    Depends(authorize(Role.JURY_CHAIR, Role.CODING_OFFICER, Role.OBSERVER, scope=_SUBJECT)),
]
# the grades of the municipal stage; outside them the address names nothing (and no database
# column holds a number that large)
Grade = Annotated[int, Path(ge=1, le=11, description="Класс (параллель)")]
Settings = Annotated[ScoringSettings, Depends(context(ScoringSettings))]


def points_read(scores: dict[int, Decimal] | None) -> dict[str, Decimal] | None:
    """Task scores as the API writes them: by task number as a string, in task order."""
    return None if scores is None else {str(n): p for n, p in sorted(scores.items())}
