"""What the observer's screens show and how, without I/O: the services and actions by the names
officials use, the time filters in the olympiad's zone, and the chain link between the entries
of a page of the audit trail."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from zoneinfo import ZoneInfo

GENESIS_HASH = "0" * 64
SHORT_HASH = 16

# in the order of the stage: materials reach the venues, participants register, works are coded,
# checked, appealed and published
SERVICE_LABELS = {
    "materials": "Олимпиадные материалы и ключи",
    "registration": "Регистрация, площадки, наблюдатели",
    "coding": "Кодирование работ",
    "scoring": "Проверка работ",
    "appeals": "Апелляции",
    "publishing": "Результаты",
}

# the actions an observer most often looks for; others are shown by their code
ACTION_LABELS = {
    "package_uploaded": "пакет материалов загружен",
    "package_released": "ключ пакета открыт в назначенное время",
    "package_key_accessed": "ключ пакета получен",
    "package_key_sent": "ключ отправлен муниципалитету",
    "package_key_delivered": "ключ доставлен муниципалитету",
    "package_receipt_confirmed": "получение пакета подтверждено",
    "package_content_downloaded": "пакет скачан",
    "criteria_downloaded": "критерии скачаны участником или апелляционной комиссией",
    "criteria_refused_before_release": "отказ: критерии ещё не раскрыты",
    "olympiad.created": "олимпиада создана",
    "participants.imported": "заявка участников загружена",
    "participants.checked_in": "регистрация участников в день тура",
    "participant.removed": "участник удалён, составлен акт",
    "video.playback_granted": "выдан просмотр видеозаписи",
    "observer.accredited": "наблюдатель аккредитован",
    "observer.assigned": "наблюдатель назначен",
    "observer.assignment_cancelled": "назначение наблюдателя отменено",
    "violation_report.filed": "подано сообщение о нарушении",
    "violation_report.attachment_added": "к сообщению приложен файл",
    "violation_report.attachment_read": "открыт файл сообщения",
    "violation_report.decided": "принято решение по сообщению",
    "work.coded": "работа зашифрована",
    "code_table.read": "открыта таблица шифров",
    "works.decoded": "работы расшифрованы",
    "scan.title_read": "открыт титульный лист",
    "scheme.set": "заданы критерии оценивания",
    "work.marked": "работа проверена членом жюри",
    "work.annulled": "работа аннулирована",
    "work.corrected": "исправлена техническая ошибка",
    "work.appeal_applied": "баллы изменены по апелляции",
    "appeal.filed": "подана апелляция",
    "appeal.vote_cast": "голос члена комиссии",
    "appeal.decided": "решение по апелляции",
    "appeal_commission.set": "утверждена апелляционная комиссия",
    "results.final_approved": "итоговые результаты утверждены",
    "results.handed_over": "результаты переданы региону",
}


def service_label(service: str) -> str:
    return SERVICE_LABELS.get(service, service)


def action_label(action: str) -> str:
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    if action.startswith("results.published."):
        return "опубликованы результаты"
    return ""


def ordered_services(configured: Sequence[str]) -> list[str]:
    """The portal's services that keep a trail, in the order of the stage."""
    return [service for service in SERVICE_LABELS if service in configured]


class TimeFilterError(ValueError):
    """A time typed into a filter that is not a date and time; the message is for the person."""


def instant_of(typed: str, zone: ZoneInfo) -> str | None:
    """A date and time typed in the form (`2025-11-18T10:00`), read in `zone`, as ISO 8601 with
    the zone's offset for the services; None when nothing was typed."""
    text = typed.strip()
    if not text:
        return None
    try:
        local = dt.datetime.fromisoformat(text)
    except ValueError:
        raise TimeFilterError(
            f"«{text}» — не дата и время: укажите, например, 18.11.2025 10:00."
        ) from None
    if local.tzinfo is not None:
        return local.isoformat()
    return local.replace(tzinfo=zone).isoformat()


Link = Literal["linked", "broken", "genesis", "outside"]


@dataclass(frozen=True)
class EntryView:
    """An entry of the trail as the page shows it, with its link to the entry before it."""

    seq: int
    at: dt.datetime
    actor: str
    action: str
    action_label: str
    object_type: str
    object_id: str
    payload: Mapping[str, Any]
    hash: str
    prev_hash: str
    hash_matches: bool
    link: Link

    @property
    def short_hash(self) -> str:
        return self.hash[:SHORT_HASH]

    @property
    def short_prev_hash(self) -> str:
        return self.prev_hash[:SHORT_HASH]

    @property
    def payload_text(self) -> str:
        return json.dumps(self.payload, ensure_ascii=False, indent=1, sort_keys=True)


def entry_views(entries: Sequence[Mapping[str, Any]], zone: ZoneInfo) -> list[EntryView]:
    """The entries of one page (newest first, as the services give them) with each one's link:
    `linked` when the entry before it on the page carries the hash it names, `broken` when that
    entry carries another, `genesis` for the first entry of the trail, `outside` when the entry
    before it is not on this page (filtered out, or on the next page)."""
    by_seq = {int(entry["seq"]): entry for entry in entries}
    views = []
    for entry in entries:
        seq = int(entry["seq"])
        prev_hash = str(entry["prev_hash"])
        before = by_seq.get(seq - 1)
        link: Link
        if seq == 1:
            link = "genesis" if prev_hash == GENESIS_HASH else "broken"
        elif before is None:
            link = "outside"
        else:
            link = "linked" if before["hash"] == prev_hash else "broken"
        views.append(
            EntryView(
                seq=seq,
                at=dt.datetime.fromisoformat(str(entry["at"])).astimezone(zone),
                actor=str(entry["actor"]),
                action=str(entry["action"]),
                action_label=action_label(str(entry["action"])),
                object_type=str(entry["object_type"]),
                object_id=str(entry["object_id"]),
                payload=dict(entry["payload"]),
                hash=str(entry["hash"]),
                prev_hash=prev_hash,
                hash_matches=bool(entry["hash_matches"]),
                link=link,
            )
        )
    return views
