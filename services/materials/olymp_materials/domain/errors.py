"""Why a rule of the materials service refused: each carries the Russian text an official reads.

The slugs (`type_`) are the ones clients have always seen; `api.ERRORS` and `feed.api.ERRORS` give
the statuses.
"""

from __future__ import annotations

import datetime as dt

from olymp_core.errors import DomainError


class MaterialsRuleError(DomainError):
    """A materials rule was broken; `detail` is the message for the official."""

    title = "Нарушено правило работы с пакетами"


class NotYetReleased(MaterialsRuleError):
    """The package's instant has not come: nothing about its key may leave the service (§24)."""

    type_ = "package-not-released"
    title = "Пакет ещё не раскрыт"

    def __init__(self, release_at: dt.datetime, shown_as: str) -> None:
        # the instant is public (it is in the list); nothing else about the package is said
        super().__init__(
            f"Пакет ещё не раскрыт: ключ будет доступен в {shown_as}.",
            release_at=release_at.isoformat(),
        )
        self.release_at = release_at


class AlreadyReleased(MaterialsRuleError):
    type_ = "package-released"
    title = "Пакет уже раскрыт"

    def __init__(self) -> None:
        super().__init__(
            "Пакет уже раскрыт, заменить его нельзя: его ключ уже могли получить муниципалитеты. "
            "Об ошибке в пакете сообщите организатору муниципального этапа."
        )


class UnknownReleaseInstant(MaterialsRuleError):
    type_ = "release-instant-unknown"
    title = "Момент раскрытия не известен"

    def __init__(self, subject_code: str) -> None:
        super().__init__(
            f"Не известен день олимпиады по предмету «{subject_code}», поэтому момент раскрытия "
            "пакета нельзя вычислить: укажите release_at (момент с часовым поясом, например "
            "2025-10-14T08:00:00+06:00) или дождитесь, пока олимпиада будет создана."
        )


class UnsealFailed(MaterialsRuleError):
    type_ = "package-unreadable"
    title = "Ошибка службы"

    def __init__(self) -> None:
        super().__init__(
            "Не удалось расшифровать пакет: запечатанный ключ не подходит к мастер-ключу службы. "
            "Проверьте OLYMP_MATERIALS_MASTER_KEY на сервере."
        )


class InstantInThePast(MaterialsRuleError):
    type_ = "instant-in-the-past"
    title = "Момент раскрытия уже наступил"

    def __init__(self, release_at: dt.datetime) -> None:
        super().__init__(
            f"Новый момент раскрытия {release_at.isoformat()} уже наступил: пакет, объявленный "
            "муниципалитетам, можно перенести только на будущий момент."
        )


class EquipmentListNotNeeded(MaterialsRuleError):
    type_ = "equipment-list-not-needed"
    title = "Перечень оборудования не рассылается"

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


class PackageRefused(MaterialsRuleError):
    """What was sent as a package cannot be one: the request is wrong, not the state."""

    title = "Пакет не принят"


class UnknownSubjectCode(PackageRefused):
    type_ = "unknown-subject"


class NaiveInstant(PackageRefused):
    """An instant without a time zone: 08:00 where?"""

    type_ = "naive-instant"


class EmptyPackage(PackageRefused):
    def __init__(self) -> None:
        super().__init__("Тело запроса пусто: передайте файл пакета как тело запроса.")


class ArchiveRefused(PackageRefused):
    """The coordinator's password archive does not open (see domain/archive.py)."""

    type_ = "package-archive-refused"


class PackageNotFound(DomainError):
    type_ = "not-found"
    title = "Не найдено"


class KeyNotReceived(DomainError):
    """A mirror has the package but not yet its key: nothing can be checked against it."""

    type_ = "package-not-released"
    title = "Пакет ещё не раскрыт"

    def __init__(self) -> None:
        super().__init__(
            "Ключ пакета ещё не получен от регионального узла: проверить комплектность "
            "можно только после раскрытия."
        )


class MirrorReadOnly(DomainError):
    """Uploads, schedule changes and the readiness table are the hub's; a mirror only holds."""

    title = "Это муниципальный узел"

    def __init__(self) -> None:
        super().__init__(
            "Это муниципальный узел: пакеты загружает и переносит региональный координатор "
            "на региональном узле."
        )


class HubHasNoReceipts(DomainError):
    title = "Это региональный узел"

    def __init__(self) -> None:
        super().__init__("Получение подтверждается на муниципальном узле, а это региональный узел.")


class ReceiptWithoutDetails(DomainError):
    title = "Неполное подтверждение"

    def __init__(self) -> None:
        super().__init__(
            "Комплект неполон, но не сказано, чего не хватает: перечислите недостающие формы "
            "в missing или опишите проблему в problems."
        )


class HubUnavailable(DomainError):
    title = "Региональный узел недоступен"

    def __init__(self) -> None:
        super().__init__(
            "Подтверждение записано на муниципальном узле, но региональный узел недоступен: "
            "повторите отправку позже."
        )
