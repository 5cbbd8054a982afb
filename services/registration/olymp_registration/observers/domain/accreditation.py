"""Accreditation of a public observer and their assignments to procedures (§18, §86, §99).

An observer presents an identity document and the observer's certificate (удостоверение
общественного наблюдателя) to attend any procedure of the stage — the rounds, the checking, the
analysis and show of works, the appeals (§18). The organiser records both, with the login under
which the observer signs in: that login is how the suite knows the observer (a token's subject).
Every problem of a request is reported at once, in Russian.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from olymp_core.subjects import UnknownSubject, subject
from olymp_registration.domain import Olympiad, clean_text
from olymp_registration.domain.olympiad import school_year_bounds
from olymp_registration.domain.text import school_key
from olymp_registration.observers.domain.errors import InvalidAssignment, InvalidObserver

# the portal's logins: an observer signs in with the account the operator made for them
LOGIN: Final = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")
NAME_MAX: Final = 200
DOCUMENT_MAX: Final = 200
CERTIFICATE_MAX: Final = 50
VENUE_MAX: Final = 300


class Procedure(StrEnum):
    """What an observer attends (§18: every procedure, checking, show and appeals included)."""

    ROUND = "round"
    CHECKING = "checking"
    ANALYSIS_AND_SHOW = "analysis_and_show"
    APPEALS = "appeals"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Procedure.ROUND: "проведение олимпиады (тур)",
    Procedure.CHECKING: "проверка олимпиадных работ",
    Procedure.ANALYSIS_AND_SHOW: "анализ олимпиадных заданий и показ работ",
    Procedure.APPEALS: "рассмотрение апелляций",
}


@dataclass(frozen=True)
class Accreditation:
    """An accredited observer: who they are, their certificate, and the login they sign in with."""

    full_name: str
    identity_document: str
    certificate_number: str
    certificate_date: dt.date
    login: str


def accredit(
    *,
    full_name: str,
    identity_document: str,
    certificate_number: str,
    certificate_date: dt.date,
    login: str,
    today: dt.date,
) -> Accreditation:
    """The accreditation as recorded, or InvalidObserver naming every problem.

    `today` is the olympiad's local date: a certificate cannot be dated after it.
    """
    name = clean_text(full_name)
    document = clean_text(identity_document)
    number = clean_text(certificate_number)
    login = login.strip().lower()
    problems = []
    if len(name.split()) < 2 or len(name) > NAME_MAX or any(c.isdigit() for c in name):
        problems.append(
            f"ФИО наблюдателя «{name}»: укажите фамилию, имя и (если есть) отчество полностью, "
            "без цифр, например «Орлова Мария Ильинична»."
        )
    if not any(c.isdigit() for c in document) or len(document) > DOCUMENT_MAX:
        problems.append(
            "Документ, удостоверяющий личность: укажите его вид, серию и номер, например "
            "«паспорт 5218 654321» (п. 18: наблюдатель предъявляет его вместе с удостоверением)."
        )
    if not number or len(number) > CERTIFICATE_MAX:
        problems.append(
            f"Укажите номер удостоверения общественного наблюдателя (до {CERTIFICATE_MAX} знаков)."
        )
    if certificate_date > today:
        problems.append(
            f"Дата удостоверения {certificate_date:%d.%m.%Y} ещё не наступила (сегодня "
            f"{today:%d.%m.%Y}): укажите дату, которой удостоверение выдано."
        )
    if not LOGIN.match(login):
        problems.append(
            f"Логин «{login}» не подходит: латинские строчные буквы, цифры, точка, дефис или "
            "подчёркивание, от 2 до 63 знаков — тот, под которым наблюдатель входит в портал."
        )
    if problems:
        raise InvalidObserver(problems)
    return Accreditation(name, document, number, certificate_date, login)


@dataclass(frozen=True)
class Assignment:
    """An observer at a procedure on a date, at a venue (or the place of checking, show, appeals),
    for one subject or (empty `subject_code`) for all held there that day."""

    procedure: Procedure
    day: dt.date
    venue: str
    subject_code: str = ""


def assign(
    olympiad: Olympiad, procedure: Procedure, day: dt.date, venue: str, subject_code: str = ""
) -> Assignment:
    """The assignment as recorded (the venue's name as the olympiad spells it), or
    InvalidAssignment naming every problem."""
    place = clean_text(venue)
    code = subject_code.strip()
    problems: list[str] = []
    first_year_day, last_year_day = school_year_bounds(olympiad.school_year)
    if not first_year_day <= day <= last_year_day:
        problems.append(
            f"Дата {day:%d.%m.%Y} вне учебного года {olympiad.school_year} этой олимпиады."
        )
    # venues are schools: «СОШ № 1» and "сош №1" are one (as in the participants' import)
    known = {school_key(v.name): v.name for v in olympiad.venues}
    if not place or len(place) > VENUE_MAX:
        problems.append("Укажите место: площадку олимпиады или место проверки, показа, апелляции.")
    elif school_key(place) in known:
        place = known[school_key(place)]
    elif procedure is Procedure.ROUND:
        listed = "; ".join(f"«{name}»" for name in known.values()) or "площадок нет"
        problems.append(
            f"Площадка «{place}» не указана в олимпиаде. Тур проходит на её площадках: {listed}."
        )
    round_days = _round_days(olympiad, code, problems)
    if round_days and not problems:
        problems.extend(_day_problems(procedure, day, code, round_days))
    if problems:
        raise InvalidAssignment(problems)
    return Assignment(procedure, day, place, code)


def _round_days(olympiad: Olympiad, code: str, problems: list[str]) -> list[dt.date]:
    """The days of the rounds the assignment concerns: the subject's, or every subject's."""
    if not code:
        days = sorted({d for schedule in olympiad.subjects for d in schedule.days})
        if not days:
            problems.append("В расписании олимпиады нет ни одного тура: сначала задайте его.")
        return days
    for schedule in olympiad.subjects:
        if schedule.subject_code == code:
            return list(schedule.days)
    try:
        name = f"«{subject(code).name}»"
    except UnknownSubject:
        name = f"с кодом «{code}»"
    problems.append(f"Предмет {name} не включён в расписание этой олимпиады.")
    return []


def _day_problems(
    procedure: Procedure, day: dt.date, code: str, round_days: list[dt.date]
) -> list[str]:
    listed = ", ".join(f"{d:%d.%m.%Y}" for d in round_days)
    what = "этого предмета" if code else "олимпиады"
    if procedure is Procedure.ROUND and day not in round_days:
        return [f"{day:%d.%m.%Y} нет тура {what}; туры — {listed}."]
    if procedure is not Procedure.ROUND and day < round_days[0]:
        return [
            f"{procedure.label.capitalize()} не может идти {day:%d.%m.%Y}, до первого тура "
            f"{what} ({round_days[0]:%d.%m.%Y})."
        ]
    return []
