"""The analysis of tasks and the show of works (§82–89), which open the appeal window (§96).

The organiser sets, per subject, when and where each takes place: a place (a school, a room) or
a link for an online session (§97 allows the appeal itself online too). The show follows the
analysis (§89). Appeals are filed from the show's start, when a participant has been able to see
their work, until the end of the second working day after the show (§96, `deadline.py`).

§82 and §88 also bound both to seven calendar days after the olympiad; the service does not know
when the olympiad's last round ended, so that limit stays the organiser's to keep.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlsplit

from olymp_appeals.domain.errors import AppealRuleError


@dataclass(frozen=True)
class Procedure:
    """One sitting: when it starts and ends, and where (a place, a link, or both)."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    online_url: str

    @property
    def online(self) -> bool:
        return bool(self.online_url)

    def check(self, what: str) -> None:
        """Refuse a sitting that cannot take place, naming it (`what`) and the fix."""
        if self.starts_at.tzinfo is None or self.ends_at.tzinfo is None:
            raise AppealRuleError(
                f"{what}: время указано без часового пояса. Укажите его со смещением, например "
                "2026-11-23T15:00:00+06:00."
            )
        if self.ends_at <= self.starts_at:
            raise AppealRuleError(
                f"{what}: окончание ({self.ends_at.isoformat()}) раньше начала "
                f"({self.starts_at.isoformat()}) или совпадает с ним. Исправьте время."
            )
        if not self.place.strip() and not self.online_url:
            raise AppealRuleError(
                f"{what}: укажите место проведения (адрес, аудиторию) или ссылку на "
                "видеоконференцию для проведения в дистанционной форме."
            )
        if self.online_url:
            parts = urlsplit(self.online_url)
            if parts.scheme != "https" or not parts.netloc:
                raise AppealRuleError(
                    f"{what}: ссылка «{self.online_url}» не подходит — укажите адрес, "
                    "начинающийся с https://."
                )


@dataclass(frozen=True)
class ShowSchedule:
    """A subject's analysis of tasks and show of works, checked as a whole."""

    analysis: Procedure
    show: Procedure

    def __post_init__(self) -> None:
        self.analysis.check("Анализ заданий")
        self.show.check("Показ работ")
        if self.show.starts_at < self.analysis.ends_at:
            raise AppealRuleError(
                "Показ работ назначен до окончания анализа заданий, а он проводится после анализа "
                "заданий (п. 89). Перенесите начало показа или окончание анализа."
            )

    @property
    def opens_at(self) -> dt.datetime:
        """The first instant an appeal may be filed: the show has begun."""
        return self.show.starts_at

    @property
    def show_ends_at(self) -> dt.datetime:
        """The instant §96 counts the filing period from."""
        return self.show.ends_at
