"""Forms of the portal's pages, as typed values."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation


@dataclass(frozen=True)
class PointsField:
    """One task's points as typed: kept as text, so a refused form shows exactly what was typed."""

    task_number: int
    text: str

    @property
    def value(self) -> Decimal | None:
        cleaned = self.text.strip().replace(",", ".")
        if not cleaned:
            return None
        try:
            found = Decimal(cleaned)
        except InvalidOperation:
            return None
        return found if found.is_finite() else None
