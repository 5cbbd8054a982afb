"""The removal act (§53, App. 14) as a PDF, laid out by `olymp_core.protocol_documents` like every
document of the suite. §53 names who signs it: the organisers in the room and the members of the
organising committee; the act prints the names recorded and leaves a blank line for each role
that has none, to be filled in by hand."""

from __future__ import annotations

from olymp_core.clock import to_local
from olymp_core.protocol_documents import Report, Section, report_pdf
from olymp_registration.domain import SignatoryRole
from olymp_registration.venue_day.handlers import RemovalAct

BLANK = "____________________"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def removal_act_pdf(act: RemovalAct) -> bytes:
    removal, participant = act.removal, act.participant.participant
    at = to_local(removal.removed_at, act.time_zone)
    number = f"№ {removal.act_number}" if removal.act_number is not None else "б/н"
    facts = (
        ("Общеобразовательный предмет", _capital(act.subject_name)),
        ("Дата тура", f"{removal.day:%d.%m.%Y}"),
        ("Площадка проведения", removal.venue or act.participant.venue_on(removal.day) or "—"),
        ("Аудитория", removal.room or "—"),
        ("Фамилия, имя, отчество участника", participant.full_name),
        ("Класс", str(participant.grade)),
        ("Образовательная организация", participant.school),
        ("Время удаления", f"{at:%H:%M} ({act.time_zone})"),
        ("Нарушение (причина удаления)", removal.reason),
    )
    signatures: list[str] = []
    for role in SignatoryRole:
        names = [s.name for s in removal.signatories if s.role is role]
        signatures += [f"{role.label}: {BLANK} / {name} /" for name in names or [BLANK]]
    return report_pdf(
        Report(
            heading=(
                f"Акт об удалении участника олимпиады {number}",
                f"{_capital(act.subject_name)}, {removal.day:%d.%m.%Y}",
                act.olympiad_title,
                f"Составлен {at:%d.%m.%Y} в {at:%H:%M}",
            ),
            sections=(
                Section(
                    title="Сведения об удалении",
                    header=("Сведения", "Значение"),
                    rows=facts,
                    weights=(1.2, 2.0),
                ),
                Section(
                    title="Последствия удаления",
                    lines=(
                        "В связи с нарушением установленных правил участник удалён из аудитории, "
                        "его работа аннулируется (п. 53).",
                        "Участник лишается права дальнейшего участия в олимпиаде по данному "
                        "общеобразовательному предмету в текущем году (п. 54).",
                    ),
                ),
                Section(
                    title="Подписи",
                    lines=(
                        "Акт подписывается организаторами в аудитории и членами "
                        "организационного комитета (п. 53).",
                    ),
                ),
            ),
            signatures=tuple(signatures),
        )
    )
