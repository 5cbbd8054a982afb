"""A small subject-grade fed to the publishing service as the other services' events."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from olymp_core.auth import Role, ScopeKind
from olymp_core.clock import ManualClock
from olymp_core.contracts.coding import DecodedWork, WorksDecoded
from olymp_core.contracts.registration import OlympiadCreated, ParticipantRegistered
from olymp_core.contracts.scoring import ScoredWork, SubjectGradeChecked, WorkRescored
from olymp_core.testing.service import ServiceHarness, running_service

PUBLISHED_AT = dt.datetime(2025, 10, 20, 5, 0, tzinfo=dt.UTC)
OLYMPIAD_TITLE = "Муниципальный этап ВсОШ 2025/26, Омская область"
TIME_ZONE = "Asia/Omsk"
SUBJECT = "math"
GRADE = 9
# where the public reaches the portal: the published results link to its pages
PORTAL = "https://portal.tara-omsk.example"

# surname, name, patronymic, school, total (None: annulled), consent
PEOPLE: tuple[tuple[str, str, str, str, str | None, bool], ...] = (
    ("Жукова", "Мария", "Петровна", "МБОУ «Гимназия № 1»", "35.5", True),
    ("Абрамов", "Пётр", "Ильич", "МБОУ «СОШ № 2»", "48", True),
    ("Ельцова", "Ирина", "", "МБОУ «СОШ № 2»", "35.5", True),
    ("Ёлкина", "Анна", "Владимировна", "МБОУ «Лицей»", "35.5", True),
    ("Скрытнов", "Иван", "Иванович", "МКОУ «Тайная школа»", "30", False),
    ("Кузнецов", "Олег", "Олегович", "МБОУ «Лицей»", "20", True),
    ("Морозов", "Денис", "", "МБОУ «Лицей»", None, True),
)


class Subject:
    """One olympiad's math, grade 9: participants, their work codes and scores."""

    def __init__(self) -> None:
        self.olympiad_id = uuid.uuid4()
        self.ids = {person[0]: uuid.uuid4() for person in PEOPLE}
        self.codes = {surname: f"МАТ-9-{n:03d}" for n, surname in enumerate(self.ids, 1)}
        self.revision = 0  # scoring numbers its statements of a subject and grade in order

    def next_revision(self) -> int:
        self.revision += 1
        return self.revision

    @property
    def base(self) -> str:
        return f"/results/{self.olympiad_id}/{SUBJECT}/{GRADE}"

    @property
    def jury(self) -> str:
        return f"/olympiads/{self.olympiad_id}/subjects/{SUBJECT}/grades/{GRADE}"

    def created(self, time_zone: str = TIME_ZONE) -> OlympiadCreated:
        return OlympiadCreated(
            olympiad_id=self.olympiad_id,
            title=OLYMPIAD_TITLE,
            time_zone=time_zone,
            subjects=(),
        )

    def registered(
        self,
        birth_dates: dict[str, dt.date] | None = None,
        schools: dict[str, str] | None = None,
    ) -> list[ParticipantRegistered]:
        """Registration's messages; `birth_dates` and `schools` by surname, where given."""
        birth_dates, schools = birth_dates or {}, schools or {}
        return [
            ParticipantRegistered(
                olympiad_id=self.olympiad_id,
                participant_id=self.ids[surname],
                subject_code=SUBJECT,
                surname=surname,
                name=name,
                patronymic=patronymic,
                grade=GRADE,
                task_grade=GRADE,
                school=schools.get(surname, school),
                consent_to_publish=consent,
                birth_date=birth_dates.get(surname),
            )
            for surname, name, patronymic, school, _, consent in PEOPLE
        ]

    def decoded(self) -> WorksDecoded:
        return WorksDecoded(
            olympiad_id=self.olympiad_id,
            subject_code=SUBJECT,
            grade=GRADE,
            works=tuple(
                DecodedWork(work_code=self.codes[s], participant_id=self.ids[s]) for s in self.ids
            ),
        )

    def work(self, surname: str, total: str | None) -> ScoredWork:
        annulled = total is None
        return ScoredWork(
            work_code=self.codes[surname],
            task_scores={} if annulled else {"1": Decimal(total or 0)},
            total=None if annulled else Decimal(total or 0),
            max_total=Decimal(50),
            annulled=annulled,
            annulment_reason="удалён с олимпиады (акт № 3)" if annulled else None,
        )

    def checked(
        self, *, annulled: tuple[str, ...] = (), revision: int | None = None
    ) -> SubjectGradeChecked:
        """Scoring's statement; `annulled`: surnames whose works were annulled since."""
        return SubjectGradeChecked(
            olympiad_id=self.olympiad_id,
            subject_code=SUBJECT,
            grade=GRADE,
            task_max={"1": Decimal(25), "2": Decimal(25)},
            works=tuple(
                self.work(person[0], None if person[0] in annulled else person[4])
                for person in PEOPLE
            ),
            revision=self.next_revision() if revision is None else revision,
        )

    def rescored(self, surname: str, total: str) -> WorkRescored:
        return WorkRescored(
            olympiad_id=self.olympiad_id,
            subject_code=SUBJECT,
            grade=GRADE,
            appeal_id=uuid.uuid4(),
            work=self.work(surname, total),
            revision=self.next_revision(),
        )


async def approve_final(svc: ServiceHarness, subject: Subject) -> httpx.Response:
    """The chair submits the table and the organiser approves it (§121); the approval's answer."""
    chair = svc.auth(Role.JURY_CHAIR, scopes={ScopeKind.SUBJECT: [SUBJECT]})
    submitted = await svc.client.post(f"{subject.jury}/final/submission", headers=chair)
    assert submitted.status_code == 201, submitted.text
    organiser = svc.auth(Role.MUNICIPAL_COORDINATOR)
    return await svc.client.post(f"{subject.jury}/final", headers=organiser)


@pytest.fixture
def subject() -> Subject:
    return Subject()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(PUBLISHED_AT)


@pytest.fixture
async def svc(tmp_path: Path, clock: ManualClock) -> AsyncIterator[ServiceHarness]:
    async with running_service(
        "publishing", tmp_path, clock=clock, public_page_url=PORTAL
    ) as harness:
        yield harness
