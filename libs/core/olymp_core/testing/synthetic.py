"""Realistic synthetic participants for tests and the demo, written in the application format.

What real district files contain and what breaks naive code: «ё» in names, surnames and
patronymics (Королёва Алёна Фёдоровна), hyphenated surnames (Римская-Корсакова), twins and
namesakes with the same surname in one school, quotes and «№» in school names, basic schools
(ООШ) that end at grade 9, a few participants doing tasks of a higher grade (§11), last year's
awardees (§10), no consent to publish (§21) and special conditions (§12).

One generated participant is one person in one subject, one line of the application (заявка),
as municipalities send them; the same person appears once per subject they take.
Deterministic for a seed. The name lists below are ordinary Russian names, not real people.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from olymp_core.subjects import GRADES, subject

SCHOOL_STAGE_SCORE: Final = "school_stage_score"
PREVIOUS_YEAR_AWARDEE: Final = "previous_year_awardee"

# The application's columns, in order. The registration service's importer reads this format;
# the round-trip tests there keep the two in step.
COLUMNS: Final = (
    "Фамилия",
    "Имя",
    "Отчество",
    "Класс",
    "Класс выполнения заданий",
    "Образовательная организация",
    "Предмет",
    "Основание участия",
    "Согласие на публикацию",
    "Особые условия",
)

Gender = Literal["male", "female"]
_GENDERS: Final[tuple[Gender, Gender]] = ("male", "female")


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


@dataclass(frozen=True)
class SyntheticParticipant:
    surname: str
    name: str
    patronymic: str
    gender: Gender
    grade: int
    task_grade: int
    school: str
    subject_code: str
    eligibility: str
    """SCHOOL_STAGE_SCORE or PREVIOUS_YEAR_AWARDEE, the values of the registration enum."""
    consent_to_publish: bool
    special_conditions: str = ""


_SURNAMES: Final = _words(
    """
    Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов Волков
    Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев Макаров Никитин
    Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв Сергеев Кузьмин Фролов
    Александров Дмитриев Королёв Гусев Киселёв Ильин Максимов Поляков Сорокин Виноградов Ковалёв
    Белов Медведев Антонов Тарасов Жуков Баранов Филиппов Комаров Давыдов Беляев Герасимов Богданов
    Осипов Сидоров Матвеев Титов Марков Миронов Крылов Куликов Карпов Власов Мельников Денисов
    Гаврилов Тихонов Казаков Афанасьев Данилов Савельев Тимофеев Фомин Чернов Абрамов Мартынов
    Ефимов Федотов Щербаков Назаров Калинин Исаев Чернышёв Быков Маслов Родионов Коновалов Лазарев
    Воронин Климов Филатов Пономарёв Голубев Кудрявцев Прохоров Наумов Потапов Журавлёв Овчинников
    Трофимов Леонов Соболев Ермаков Колесников Гончаров Емельянов Никифоров Грачёв Котов Гришин
    Ефремов Архипов Громов Кириллов Малышев Панов Моисеев Румянцев Акимов Кондратьев Бирюков
    Горбунов Анисимов Ерёмин Тихомиров Галкин Лукьянов Михеев Скворцов Юдин Белоусов Нестеров
    Симонов Прокофьев Харитонов Князев Цветков Левин Митрофанов Воронов Аксёнов Мальцев Логинов
    Горшков Савин Краснов Майоров Демидов Елисеев Рыбаков Сафонов Плотников Дёмин Хохлов Жданов
    Зуев Шмелёв Селезнёв Пугачёв Горбачёв Толмачёв Снегирёв Бобылёв Рублёв Ёлкин Ёжиков Ершов
    Лёвкин Артёмов Копылов Шубин Лыткин Вершинин Кочетков Сычёв Пестов Туманов Вишневский
    Покровский Успенский Преображенский Воскресенский Троицкий Островский Заболоцкий Ковальский
    Толстой Донской Трубецкой Коваленко Шевченко Бондаренко Ткаченко Седых Черных Долгих Белых Ким
    Мартиросян Шевчук Кравчук Гуревич Петров-Водкин Римский-Корсаков Мамин-Сибиряк
    Соколов-Микитов Семёнов-Тян-Шанский Лебедев-Кумач Голенищев-Кутузов Муравьёв-Апостол
    Бонч-Бруевич Грум-Гржимайло
    """
)

_MALE_NAMES: Final = _words(
    """
    Александр Алексей Анатолий Андрей Антон Арсений Артём Артур Богдан Борис Вадим Валентин
    Василий Виктор Виталий Владимир Владислав Всеволод Вячеслав Георгий Глеб Гордей Григорий Давид
    Даниил Демид Денис Дмитрий Евгений Егор Елисей Захар Иван Игорь Илья Кирилл Константин Лев
    Леонид Лука Макар Максим Марк Матвей Мирон Михаил Никита Николай Олег Павел Пётр Платон Прохор
    Роман Руслан Савелий Святослав Семён Серафим Сергей Станислав Степан Тимофей Тимур Тихон Фёдор
    Филипп Юрий Ярослав Артём Пётр Фёдор Семён
    """
)

_FEMALE_NAMES: Final = _words(
    """
    Агата Александра Алина Алиса Алёна Анастасия Ангелина Анна Арина Валентина Валерия Варвара
    Василиса Вера Вероника Виктория Дарья Диана Ева Евгения Екатерина Елена Елизавета Есения Злата
    Зоя Карина Кира Кристина Ксения Лидия Любовь Маргарита Марина Мария Милана Мирослава Надежда
    Наталья Ника Нина Олеся Полина Регина Светлана Серафима София Софья Стефания Таисия Татьяна
    Ульяна Эвелина Юлия Яна Ярослава Фёкла Алёна Алёна
    """
)

# Father's name, then the son's and the daughter's patronymic: the forms are irregular enough
# (Пётр → Петрович, Илья → Ильинична, Лев → Львовна) that a table beats a rule.
_FATHERS: Final = tuple(
    tuple(entry.split(":"))
    for entry in _words(
        """
    Александр:Александрович:Александровна Алексей:Алексеевич:Алексеевна
    Анатолий:Анатольевич:Анатольевна Андрей:Андреевич:Андреевна Антон:Антонович:Антоновна
    Аркадий:Аркадьевич:Аркадьевна Артём:Артёмович:Артёмовна Борис:Борисович:Борисовна
    Вадим:Вадимович:Вадимовна Валерий:Валерьевич:Валерьевна Василий:Васильевич:Васильевна
    Виктор:Викторович:Викторовна Виталий:Витальевич:Витальевна Владимир:Владимирович:Владимировна
    Вячеслав:Вячеславович:Вячеславовна Геннадий:Геннадьевич:Геннадьевна
    Георгий:Георгиевич:Георгиевна Григорий:Григорьевич:Григорьевна Денис:Денисович:Денисовна
    Дмитрий:Дмитриевич:Дмитриевна Евгений:Евгеньевич:Евгеньевна Егор:Егорович:Егоровна
    Иван:Иванович:Ивановна Игорь:Игоревич:Игоревна Илья:Ильич:Ильинична
    Кирилл:Кириллович:Кирилловна Константин:Константинович:Константиновна Лев:Львович:Львовна
    Леонид:Леонидович:Леонидовна Максим:Максимович:Максимовна Матвей:Матвеевич:Матвеевна
    Михаил:Михайлович:Михайловна Никита:Никитич:Никитична Николай:Николаевич:Николаевна
    Олег:Олегович:Олеговна Павел:Павлович:Павловна Пётр:Петрович:Петровна Роман:Романович:Романовна
    Руслан:Русланович:Руслановна Семён:Семёнович:Семёновна Сергей:Сергеевич:Сергеевна
    Станислав:Станиславович:Станиславовна Степан:Степанович:Степановна
    Тимофей:Тимофеевич:Тимофеевна Фёдор:Фёдорович:Фёдоровна Юрий:Юрьевич:Юрьевна
    Ярослав:Ярославович:Ярославовна Артём:Артёмович:Артёмовна Фёдор:Фёдорович:Фёдоровна
    """
    )
)

_SETTLEMENTS: Final = _words(
    """
    Усть-Ишимская Большетавинская Ашеванская Слободчиковская Кайсаровская Загваздинская Никольская
    Малобичинская Ореховская Берёзовская Сосновская Кедровская Тевризская Ермаковская Дубровская
    Крутоярская Камышинская Озёрская Подгорная Белоярская Ивановская Михайловская Знаменская
    Покровская Успенская Троицкая Васильевская Луговская Черноозёрская Новосёловская Старосельская
    Верхнеомская Нижнетарская Большереченская Яровская Боровская Рябиновская Вагайская Ёрмская
    """
)

_SPECIAL_CONDITIONS: Final = (
    "ОВЗ: увеличение времени выполнения заданий на 1,5 часа",
    "Слабовидящий участник: задания крупным шрифтом (кегль 16–18)",
    "Ребёнок-инвалид: нужен ассистент, рабочее место на первом этаже",
    "ОВЗ (нарушение слуха): инструктаж в письменном виде",
    "Сахарный диабет: разрешён перерыв на приём пищи",
)

_AWARDEE_LABEL: Final = "победитель или призёр муниципального этапа предыдущего учебного года"


def feminine_surname(surname: str) -> str:
    """The feminine form of a masculine surname, part by part for hyphenated ones.

    Иванов → Иванова, Королёв → Королёва, Римский-Корсаков → Римская-Корсакова,
    Толстой → Толстая; Коваленко, Седых, Ким, Бонч-Бруевич do not change.
    """
    return "-".join(_feminine_part(part) for part in surname.split("-"))


def _feminine_part(part: str) -> str:
    for masculine, feminine in (("ский", "ская"), ("цкий", "цкая"), ("ой", "ая")):
        if part.endswith(masculine):
            return part[: -len(masculine)] + feminine
    if part.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return part + "а"
    return part


def generate_participants(
    seed: int, n: int, schools: int, subjects: Sequence[str]
) -> list[SyntheticParticipant]:
    """`n` application lines from `schools` schools in the given subject codes, the same for a seed.

    The first two people are twins: same surname, patronymic, school, grade and first subject,
    different names, so tables with equal surnames appear even in small samples.
    """
    if n < 0 or schools < 1 or not subjects:
        raise ValueError("need n >= 0, schools >= 1 and at least one subject code")
    codes = list(dict.fromkeys(subject(code).code for code in subjects))
    rng = random.Random(seed)  # noqa: S311 - test data wants reproducibility, not secrecy
    school_names = _school_names(rng, schools)
    lines: list[SyntheticParticipant] = []
    taken: set[tuple[str, str, str, str, int, str]] = set()
    family_index = 0
    while len(lines) < n:
        # Every school sends someone before schools are drawn at random.
        school = school_names[family_index] if family_index < schools else rng.choice(school_names)
        twins = family_index == 0
        for person in _family(rng, school, twins=twins):
            for line in _lines(rng, person, codes, with_first_subject=twins):
                key = (*_person_of(line), line.subject_code)
                if len(lines) < n and key not in taken:
                    taken.add(key)
                    lines.append(line)
        family_index += 1
    return lines


def _person_of(line: SyntheticParticipant) -> tuple[str, str, str, str, int]:
    return line.surname, line.name, line.patronymic, line.school, line.grade


@dataclass(frozen=True)
class _Person:
    surname: str
    name: str
    patronymic: str
    gender: Gender
    grade: int
    school: str
    consent_to_publish: bool
    special_conditions: str


def _family(rng: random.Random, school: str, *, twins: bool) -> list[_Person]:
    """One pupil, or (one time in five) siblings or namesakes sharing a surname in one school."""
    surname = rng.choice(_SURNAMES)
    top_grade = 9 if "ООШ" in school else GRADES[-1]
    twin_gender = rng.choice(_GENDERS) if twins else None
    size = 2 if twins else (rng.choice((2, 2, 3)) if rng.random() < 0.2 else 1)
    father = rng.choice(_FATHERS)
    grade = rng.randint(GRADES[0], top_grade)
    people: list[_Person] = []
    used_names: list[str] = []
    for _ in range(size):
        person_gender = twin_gender if twin_gender is not None else rng.choice(_GENDERS)
        if not twins and rng.random() < 0.3:
            father = rng.choice(_FATHERS)  # a namesake, not a sibling
        names = _MALE_NAMES if person_gender == "male" else _FEMALE_NAMES
        name = rng.choice([n for n in names if n not in used_names])
        used_names.append(name)
        people.append(
            _Person(
                surname=surname if person_gender == "male" else feminine_surname(surname),
                name=name,
                patronymic=father[1] if person_gender == "male" else father[2],
                gender=person_gender,
                grade=grade if twins else rng.randint(GRADES[0], top_grade),
                school=school,
                consent_to_publish=rng.random() >= 0.1,
                special_conditions=(rng.choice(_SPECIAL_CONDITIONS) if rng.random() < 0.04 else ""),
            )
        )
    return people


def _lines(
    rng: random.Random, person: _Person, codes: list[str], *, with_first_subject: bool
) -> list[SyntheticParticipant]:
    """The person's applications: most take one subject, some two or three."""
    count = min(len(codes), rng.choice((1, 1, 1, 2, 2, 3)))
    chosen = rng.sample(codes, count)
    if with_first_subject and codes[0] not in chosen:
        chosen[0] = codes[0]
    lines = []
    for code in chosen:
        higher = person.grade < GRADES[-1] and rng.random() < 0.08
        awardee = person.grade > GRADES[0] and rng.random() < 0.15
        lines.append(
            SyntheticParticipant(
                surname=person.surname,
                name=person.name,
                patronymic=person.patronymic,
                gender=person.gender,
                grade=person.grade,
                task_grade=rng.randint(person.grade + 1, GRADES[-1]) if higher else person.grade,
                school=person.school,
                subject_code=code,
                eligibility=PREVIOUS_YEAR_AWARDEE if awardee else SCHOOL_STAGE_SCORE,
                consent_to_publish=person.consent_to_publish,
                special_conditions=person.special_conditions,
            )
        )
    return lines


def _school_names(rng: random.Random, count: int) -> list[str]:
    names: list[str] = []
    numbered = 1
    while len(names) < count:
        settlement = rng.choice(_SETTLEMENTS)
        number = rng.randint(1, 3)
        candidates = (
            f'МБОУ "{settlement} СОШ"',
            f'МБОУ "{settlement} СОШ № {number}"',
            f'МКОУ "{settlement} ООШ"',
            f'МБОУ "{settlement} гимназия"',
            f"Гимназия № {rng.randint(1, 12)}",
            f'МАОУ "Лицей № {rng.randint(1, 9)}"',
        )
        name = rng.choice(candidates)
        if name in names:
            name = f'МБОУ "СОШ № {numbered}"'
            numbered += 1
        if name not in names:
            names.append(name)
    return names


def _row(p: SyntheticParticipant) -> list[str | int]:
    if p.eligibility == PREVIOUS_YEAR_AWARDEE:
        basis = _AWARDEE_LABEL
    else:
        verb = "набрал" if p.gender == "male" else "набрала"
        basis = f"{verb} необходимое количество баллов на школьном этапе"
    return [
        p.surname,
        p.name,
        p.patronymic,
        p.grade,
        p.task_grade,
        p.school,
        subject(p.subject_code).name,
        basis,
        "да" if p.consent_to_publish else "нет",
        p.special_conditions,
    ]


def to_csv(
    participants: Iterable[SyntheticParticipant],
    *,
    encoding: str = "utf-8-sig",
    delimiter: str = ";",
) -> bytes:
    """The application as a CSV file; by default what Excel in a Russian locale writes."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(_row(p) for p in participants)
    return buffer.getvalue().encode(encoding)


def to_xlsx(participants: Iterable[SyntheticParticipant]) -> bytes:
    """The application as an Excel workbook with one sheet, header in the first row."""
    # Imported here: only tests and the demo write workbooks, the core library does not need it.
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Заявка"
    sheet.append(list(COLUMNS))
    for p in participants:
        sheet.append(_row(p))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
