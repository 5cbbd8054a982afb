"""Which venues (площадки проведения) a caller may act at, read once from the token."""

from __future__ import annotations

from dataclasses import dataclass

from olymp_core.auth import PINNED_SCOPES, Principal, ScopeKind
from olymp_registration.domain.errors import UnknownVenue, VenueOutOfScope, VenueRequired
from olymp_registration.domain.olympiad import Olympiad


@dataclass(frozen=True)
class VenueScope:
    """`venues is None` when the caller is not limited to any venue."""

    venues: frozenset[str] | None = None

    @classmethod
    def of(cls, who: Principal) -> VenueScope:
        """The caller's venues; refused when the caller is only a venue coordinator and the token
        names no venue (a missing scope is not "every venue": `venue=*` says that)."""
        if ScopeKind.VENUE not in who.scopes and _venue_staff_only(who):
            raise VenueOutOfScope(
                "Ваш токен координатора на площадке не указывает площадку проведения, поэтому "
                "действие недоступно. Попросите координатора выдать токен с ограничением "
                "venue=<площадка> (или venue=* — для всех площадок олимпиады)."
            )
        if not who.is_restricted(ScopeKind.VENUE):
            return cls(None)
        return cls(frozenset(who.scopes[ScopeKind.VENUE]))

    @property
    def restricted(self) -> bool:
        return self.venues is not None

    def admits(self, venue: str | None) -> bool:
        """An unknown venue (None) is admitted only to a caller not limited to venues."""
        return self.venues is None or (venue is not None and venue in self.venues)

    @property
    def label(self) -> str:
        return ", ".join(f"«{v}»" for v in sorted(self.venues or ()))


def _venue_staff_only(who: Principal) -> bool:
    return bool(who.roles) and all(PINNED_SCOPES.get(role) is ScopeKind.VENUE for role in who.roles)


def check_in_venue(olympiad: Olympiad, venue: str | None, scope: VenueScope) -> str | None:
    """The venue a check-in is made at: known to the olympiad and within the caller's scope."""
    if venue is None:
        if scope.restricted:
            raise VenueRequired(
                f"Ваш доступ ограничен площадками проведения {scope.label}: укажите в поле "
                "«venue» площадку, на которой отмечаете явку, и повторите запрос."
            )
        return None
    known = [v.name for v in olympiad.venues]
    if venue not in known:
        listed = ", ".join(f"«{name}»" for name in known) or "площадки ещё не внесены"
        raise UnknownVenue(
            f"Площадки проведения «{venue}» нет в этой олимпиаде (есть: {listed}). "
            "Укажите название площадки так, как оно записано в олимпиаде.",
            venue=venue,
        )
    if not scope.admits(venue):
        raise VenueOutOfScope(
            f"Ваш доступ ограничен площадками проведения {scope.label}, а явка отмечается на "
            f"площадке «{venue}». Отмечайте явку только на своей площадке; если это ошибка, "
            "попросите координатора расширить ваш доступ."
        )
    return venue
