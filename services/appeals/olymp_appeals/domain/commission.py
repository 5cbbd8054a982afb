"""The appeal commission (§102): an odd number of members, at least three, one of them the chair."""

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
        if size < 3 or size % 2 == 0:
            raise AppealRuleError(
                f"В составе апелляционной комиссии {size} чел.: нужно нечётное число членов,"
                " не менее трёх (п. 102). Дополните или сократите состав."
            )
        if self.chair not in self.members:
            raise AppealRuleError(
                f"Председатель {self.chair} не входит в состав апелляционной комиссии."
                " Укажите председателя из числа её членов."
            )

    @property
    def majority(self) -> int:
        """Votes a decision needs: more than half of the listed members (§106)."""
        return len(self.members) // 2 + 1
