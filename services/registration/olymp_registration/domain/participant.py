"""A participant of the municipal stage in one subject: one line of a municipality's application.

Eligibility (§10) with the school-stage score, the task grade (§11), the consent to publish (§21)
and special conditions (§12) are stated per subject, which is why a participant here is a person
*in a subject*; the same person in three subjects is three participants with the same
`person_key`. Pupils in family education or self-education (§9) take part as everyone does; their
«school» is the form of education when they attend none.

The `*_problem` functions hold each rule once: the constructor raises on the first broken one,
the file import reports every broken one with its row and column.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Final

from olymp_core.subjects import GRADES, UnknownSubject, subject
from olymp_registration.domain.errors import InvalidParticipant
from olymp_registration.domain.text import clean_text, comparison_key, school_key

NAME_MAX_LENGTH: Final = 100
SCHOOL_MAX_LENGTH: Final = 300
SPECIAL_CONDITIONS_MAX_LENGTH: Final = 1000

# Letters of any alphabet joined by single hyphens, spaces or apostrophes («Мамин-Сибиряк»).
_NAME: Final = re.compile(r"[^\W\d_]+(?:[-' ’][^\W\d_]+)*")


class EligibilityBasis(StrEnum):
    """Why a participant is admitted to the municipal stage in a subject (§10)."""

    SCHOOL_STAGE_SCORE = "school_stage_score"
    PREVIOUS_YEAR_AWARDEE = "previous_year_awardee"

    @property
    def label(self) -> str:
        """The Russian wording an official reads and writes in the application."""
        return _LABELS[self]


_LABELS: Final = {
    EligibilityBasis.SCHOOL_STAGE_SCORE: "набрал необходимое количество баллов на школьном этапе",
    EligibilityBasis.PREVIOUS_YEAR_AWARDEE: (
        "победитель или призёр муниципального этапа предыдущего учебного года"
    ),
}


class EducationForm(StrEnum):
    """How the participant studies (§9): at an educational organisation, or outside one."""

    SCHOOL = "school"
    FAMILY = "family"
    SELF = "self"

    @property
    def label(self) -> str:
        return _FORM_LABELS[self]


_FORM_LABELS: Final = {
    EducationForm.SCHOOL: "в образовательной организации",
    EducationForm.FAMILY: "семейное образование",
    EducationForm.SELF: "самообразование",
}


def parse_education_form(text: str) -> EducationForm | None:
    """The form an official meant: «семейное образование», «семейная форма», «на семейном
    обучении», «самообразование», «очная»/«в школе» (the usual one); None when unclear."""
    key = comparison_key(text)
    for form in EducationForm:
        if key in (form.value, comparison_key(form.label)):
            return form
    if "самообраз" in key:
        return EducationForm.SELF
    if "семейн" in key:
        return EducationForm.FAMILY
    if key in {"очная", "очно", "очно-заочная", "заочная", "в школе", "школа", "в оо"}:
        return EducationForm.SCHOOL
    return None


def education_form_of_school(school: str) -> EducationForm:
    """A school cell that names a form of education instead of a school (§9)."""
    key = comparison_key(school)
    if key in ("семейное образование", "семейная форма обучения", "семейное обучение"):
        return EducationForm.FAMILY
    if key in ("самообразование", "форма самообразования"):
        return EducationForm.SELF
    return EducationForm.SCHOOL


MAX_SCHOOL_STAGE_SCORE: Final = Decimal(1000)


def parse_score(text: str) -> Decimal | None:
    """«23», «23,5», «23.5» → the points; None for anything else (negative, not a number)."""
    try:
        value = Decimal(clean_text(text).replace(",", ".").replace(" ", ""))
    except InvalidOperation:
        return None
    if not value.is_finite() or value < 0 or value > MAX_SCHOOL_STAGE_SCORE:
        return None
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:  # more than hundredths: a typing slip
        return None
    return value


def parse_eligibility(text: str) -> EligibilityBasis | None:
    """The basis an official meant by `text`, or None when it names neither basis of §10.

    Accepts the labels, the codes and the usual short wordings («набрала баллы на школьном этапе»,
    «призёр муниципального этапа прошлого года»). A bare «победитель» is refused: of which stage,
    which year? Only last year's municipal stage admits without the school-stage threshold.
    """
    key = comparison_key(text)
    for basis in EligibilityBasis:
        if key in (basis.value, comparison_key(basis.label)):
            return basis
    words = re.sub(r"[^\w]+", " ", key)
    awardee = "победител" in words or "призер" in words
    earlier_year = "прошл" in words or "предыдущ" in words
    if awardee and earlier_year and "школьн" not in words:
        return EligibilityBasis.PREVIOUS_YEAR_AWARDEE
    if "школьн" in words and ("балл" in words or words.strip() == "школьный этап"):
        return EligibilityBasis.SCHOOL_STAGE_SCORE
    return None


def name_problem(value: str, what: str, *, required: bool = True) -> str | None:
    """What is wrong with a surname, name or patronymic (`what` says which, in Russian)."""
    if not value:
        return f"Не заполнено поле «{what}»: впишите его." if required else None
    if len(value) > NAME_MAX_LENGTH:
        return f"Поле «{what}» длиннее {NAME_MAX_LENGTH} символов: проверьте значение."
    if _NAME.fullmatch(value) is None:
        return (
            f"Поле «{what}» содержит недопустимые символы: «{value}». Допустимы буквы, дефис, "
            "апостроф и пробел между частями; цифры и другие знаки — нет."
        )
    return None


def grade_problem(grade: int) -> str | None:
    if grade not in GRADES:
        return (
            f"Класс {grade} не подходит: муниципальный этап проводится для "
            f"{GRADES[0]}–{GRADES[-1]} классов. Укажите число от {GRADES[0]} до {GRADES[-1]}."
        )
    return None


def task_grade_problem(grade: int, task_grade: int) -> str | None:
    """§11: tasks of the participant's own grade or of a higher one, never of a lower one."""
    if task_grade not in GRADES:
        return (
            f"Класс выполнения заданий {task_grade} не подходит: задания муниципального этапа "
            f"разработаны для {GRADES[0]}–{GRADES[-1]} классов."
        )
    if task_grade < grade:
        return (
            f"Класс выполнения заданий ({task_grade}) ниже класса обучения ({grade}): участник "
            "выполняет задания своего или более старшего класса. Укажите число от "
            f"{grade} до {GRADES[-1]}."
        )
    return None


def school_problem(school: str) -> str | None:
    if not school:
        return "Не указана образовательная организация: впишите название школы участника."
    if len(school) > SCHOOL_MAX_LENGTH:
        return f"Название образовательной организации длиннее {SCHOOL_MAX_LENGTH} символов."
    return None


def special_conditions_problem(text: str) -> str | None:
    if len(text) > SPECIAL_CONDITIONS_MAX_LENGTH:
        return (
            f"Описание особых условий длиннее {SPECIAL_CONDITIONS_MAX_LENGTH} символов: "
            "сократите его."
        )
    return None


@dataclass(frozen=True)
class Participant:
    """One person admitted to the municipal stage in one subject. Text fields are stored trimmed."""

    surname: str
    name: str
    patronymic: str
    grade: int
    task_grade: int
    school: str
    subject_code: str
    eligibility: EligibilityBasis
    consent_to_publish: bool
    special_conditions: str = ""
    school_stage_score: Decimal | None = None
    """Points at this year's school stage (§10), when the application gives them."""
    education_form: EducationForm = EducationForm.SCHOOL
    birth_date: dt.date | None = None
    """From the application's optional column; decides the identity document at check-in (§36)."""

    def __post_init__(self) -> None:
        for attribute in ("surname", "name", "patronymic", "school", "special_conditions"):
            object.__setattr__(self, attribute, clean_text(getattr(self, attribute)))
        if self.education_form is not EducationForm.SCHOOL and not self.school:
            # §9: no organisation to name; the form of education stands in its place
            object.__setattr__(self, "school", self.education_form.label)
        checks = (
            ("surname", name_problem(self.surname, "Фамилия")),
            ("name", name_problem(self.name, "Имя")),
            ("patronymic", name_problem(self.patronymic, "Отчество", required=False)),
            ("grade", grade_problem(self.grade)),
            ("task_grade", task_grade_problem(self.grade, self.task_grade)),
            ("school", school_problem(self.school)),
            ("special_conditions", special_conditions_problem(self.special_conditions)),
        )
        for attribute, problem in checks:
            if problem is not None:
                raise InvalidParticipant(problem, field=attribute)
        try:
            subject(self.subject_code)
        except UnknownSubject as exc:
            raise InvalidParticipant(str(exc), field="subject_code") from None
        if not isinstance(self.eligibility, EligibilityBasis):
            raise InvalidParticipant(
                f"Основание участия {self.eligibility!r} не распознано.", field="eligibility"
            )

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.surname, self.name, self.patronymic) if p)

    @property
    def person_key(self) -> tuple[str, str, str, str, int]:
        """Who this is, whatever the subject: names, school and grade, compared loosely."""
        return (
            comparison_key(self.surname),
            comparison_key(self.name),
            comparison_key(self.patronymic),
            school_key(self.school),
            self.grade,
        )

    @property
    def duplicate_key(self) -> tuple[tuple[str, str, str, str, int], str]:
        """Two applications with this key are the same application sent twice."""
        return self.person_key, self.subject_code
