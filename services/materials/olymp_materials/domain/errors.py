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


class CriteriaAfterTheRound(MaterialsRuleError):
    """A participant asks for the criteria before their subject's last round has ended: the round
    runs past the criteria's release instant, and German and French end on a later day (§60)."""

    type_ = "criteria-after-the-round"
    title = "Критерии оценивания ещё недоступны участникам"

    def __init__(self, shown_as: str | None) -> None:
        if shown_as is None:
            super().__init__(
                "Критерии оценивания выдаются участникам после окончания последнего тура по "
                "предмету, а время его окончания здесь не известно. Обратитесь к организатору: "
                "он может заново сохранить время тура в настройке олимпиады."
            )
        else:
            super().__init__(
                "Критерии оценивания выдаются участникам после окончания последнего тура по "
                f"предмету: они будут доступны с {shown_as}."
            )


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
    """Something sealed does not open. The subclasses say why, when the row tells (sealing.py)."""

    type_ = "package-unreadable"
    title = "Ошибка службы"

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(
            detail
            or "Не удалось расшифровать: зашифрованные данные не открываются своим ключом "
            "(они повреждены или подменены)."
        )


# what a coordinator does about a package whose key cannot be given out
_QUARANTINE = (
    "Пакет в карантине: его ключ не выдаётся и не рассылается муниципалитетам, остальные пакеты "
    "раскрываются как обычно."
)


class PackageKeyForeign(UnsealFailed):
    """The row's sealed key was sealed for another package (two uploads once mixed their rows)."""

    type_ = "package-key-foreign"

    def __init__(self, package_id: object) -> None:
        super().__init__(
            f"Ключ пакета {package_id} не открывается: запечатанный ключ в записи пакета не "
            "принадлежит этому пакету (он запечатан для другого пакета — запись повреждена). "
            "Мастер-ключ верен: этот пакет запечатан им же. "
            f"{_QUARANTINE} Если момент раскрытия ещё не наступил, загрузите пакет заново — он "
            "будет запечатан новым ключом; если наступил, разошлите пакет резервным способом и "
            "сообщите администратору регионального узла."
        )


class SealedUnderAnotherMasterKey(UnsealFailed):
    """The row was sealed under another master key than the one this node now has."""

    type_ = "package-sealed-under-another-master-key"

    def __init__(self, package_id: object) -> None:
        super().__init__(
            f"Ключ пакета {package_id} запечатан другим мастер-ключом, чем задан сейчас: "
            "OLYMP_MATERIALS_MASTER_KEY на этом узле не тот, которым пакет был запечатан. "
            "Верните прежнее значение OLYMP_MATERIALS_MASTER_KEY и перезапустите узел. "
            f"{_QUARANTINE}"
        )


class SealedKeyUnreadable(UnsealFailed):
    """A row sealed before the master key's id was recorded: which of the two causes is unknown."""

    type_ = "package-key-unreadable"

    def __init__(self, package_id: object) -> None:
        super().__init__(
            f"Ключ пакета {package_id} не открывается мастер-ключом этого узла: либо запись "
            "пакета повреждена (ключ запечатан для другого пакета), либо "
            "OLYMP_MATERIALS_MASTER_KEY не тот, которым пакет был запечатан — сравните его "
            f"с прежним значением. {_QUARANTINE}"
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


class PackageUnfetchable(MaterialsRuleError):
    """A mirror could not fetch an announced package: it reports it and follows the feed on."""

    def __init__(self, package_id: object, version: int, reason: str) -> None:
        super().__init__(
            f"Пакет {package_id} (версия {version}) не получен от регионального узла ({reason}). "
            "Он пропущен, чтобы ключи остальных пакетов приходили вовремя; региональный "
            "координатор видит его в таблице готовности как не полученный и может загрузить "
            "пакет заново."
        )


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


class AcknowledgedUnsent(DomainError):
    """A mirror acknowledged events the hub has not sent it."""

    title = "Подтверждены неотправленные события"

    def __init__(self, sequence: int, sent_through: int) -> None:
        super().__init__(
            f"Подтверждено событие ленты {sequence}, а этому муниципалитету отправлены события "
            f"только до {sent_through}: подтверждается лишь полученное. Перезапустите "
            "муниципальный узел; если повторится, сообщите администратору регионального узла.",
            sequence=sequence,
            sent_through=sent_through,
        )


class ReceiptBeforeRelease(DomainError):
    """A receipt (§25) for a package whose key has not been released: nothing was checked."""

    type_ = "package-not-released"
    title = "Пакет ещё не раскрыт"

    def __init__(self, package_id: object) -> None:
        super().__init__(
            f"Ключ пакета {package_id} ещё не раскрыт, поэтому его получение и комплектность "
            "подтвердить нельзя: подтвердите после момента раскрытия, когда пакет откроется."
        )


class HubUnavailable(DomainError):
    title = "Региональный узел недоступен"

    def __init__(self) -> None:
        super().__init__(
            "Подтверждение записано на муниципальном узле, но региональный узел недоступен: "
            "повторите отправку позже."
        )
