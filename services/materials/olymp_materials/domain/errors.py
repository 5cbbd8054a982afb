"""Why a rule of the materials service refused: each carries the Russian text an official reads."""

from __future__ import annotations

import datetime as dt


class MaterialsRuleError(ValueError):
    """A materials rule was broken; `str(error)` is the message for the official."""


class NotYetReleased(MaterialsRuleError):
    """The package's instant has not come: nothing about its key may leave the service (§24)."""

    def __init__(self, release_at: dt.datetime, shown_as: str) -> None:
        super().__init__(f"Пакет ещё не раскрыт: ключ будет доступен в {shown_as}.")
        self.release_at = release_at


class AlreadyReleased(MaterialsRuleError):
    def __init__(self) -> None:
        super().__init__(
            "Пакет уже раскрыт, заменить его нельзя: его ключ уже могли получить муниципалитеты. "
            "Об ошибке в пакете сообщите организатору муниципального этапа."
        )


class UnknownReleaseInstant(MaterialsRuleError):
    def __init__(self, subject_code: str) -> None:
        super().__init__(
            f"Не известен день олимпиады по предмету «{subject_code}», поэтому момент раскрытия "
            "пакета нельзя вычислить: укажите release_at (момент с часовым поясом, например "
            "2025-10-14T08:00:00+06:00) или дождитесь, пока олимпиада будет создана."
        )


class UnsealFailed(MaterialsRuleError):
    def __init__(self) -> None:
        super().__init__(
            "Не удалось расшифровать пакет: запечатанный ключ не подходит к мастер-ключу службы. "
            "Проверьте OLYMP_MATERIALS_MASTER_KEY на сервере."
        )


class InstantInThePast(MaterialsRuleError):
    def __init__(self, release_at: dt.datetime) -> None:
        super().__init__(
            f"Новый момент раскрытия {release_at.isoformat()} уже наступил: пакет, объявленный "
            "муниципалитетам, можно перенести только на будущий момент."
        )


class EquipmentListNotNeeded(MaterialsRuleError):
    def __init__(self, subject_code: str) -> None:
        super().__init__(
            f"По предмету «{subject_code}» перечень оборудования не рассылается (§24): он "
            "предусмотрен только по технологии, физической культуре и основам безопасности "
            "жизнедеятельности."
        )


class ManifestInvalid(MaterialsRuleError):
    """What a mirror received does not match what the hub signed: it is not stored."""

    def __init__(self, what: str) -> None:
        super().__init__(f"Полученный от регионального узла пакет отклонён: {what}.")
        self.what = what


class KeyConflict(MaterialsRuleError):
    def __init__(self) -> None:
        super().__init__(
            "Для уже раскрытого пакета получен другой ключ: повторное раскрытие с другим ключом "
            "запрещено. Сообщите региональному координатору."
        )
