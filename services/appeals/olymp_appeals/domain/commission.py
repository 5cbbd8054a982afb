"""The appeal commission (§102): at least three members, one of them the chair.

§102 recommends an odd number; an even one is lawful, and a tie in it is settled by the chair's
vote (§107), so the service accepts it and says it is not the recommended size.
"""

from __future__ import annotations

from dataclasses import dataclass

from olymp_appeals.domain.errors import AppealRuleError


@dataclass(frozen=True)
class Commission:
    """The listed composition (списочный состав) that §106 counts the majority against."""

    members: tuple[str, ...]
    chair: str

    def __post_init__(self) -> None:
        if any(not member for member in self.members):
            raise AppealRuleError("В составе апелляционной комиссии есть член без идентификатора.")
        repeated = sorted({m for m in self.members if self.members.count(m) > 1})
        if repeated:
            raise AppealRuleError(
                f"Член апелляционной комиссии {', '.join(repeated)} указан в составе дважды."
            )
        size = len(self.members)
        if size < 3:
            raise AppealRuleError(
                f"В составе апелляционной комиссии {size} чел.: нужно не менее трёх человек"
                " (п. 102). Дополните состав."
            )
        if self.chair not in self.members:
            raise AppealRuleError(
                f"Председатель {self.chair} не входит в состав апелляционной комиссии."
                " Укажите председателя из числа её членов."
            )

    @property
    def odd(self) -> bool:
        """The size §102 recommends; with an even one, ties fall to the chair's vote (§107)."""
        return len(self.members) % 2 == 1

    @property
    def majority(self) -> int:
        """Votes a decision needs: more than half of the listed members (§106)."""
        return len(self.members) // 2 + 1
