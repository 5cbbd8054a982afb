"""One olympiad day, driven through the suite's public HTTP APIs only.

Every step asks the services, as their users would, and waits for events to travel by polling — the
schedule is data: release instants are set seconds ahead, no clock is touched.

The same seed gives the same day: who is absent, who is removed and annulled, each work's marks and
the appeals are drawn per participant (from the seed and the person, never from the order in which
a service lists random work codes), so two runs end in the same tables — the fault tests compare a
day under faults with a fault-free one.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import time
import zlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any

from olymp_cli.demo.archives import archive_names, winzip_aes
from olymp_cli.demo.client import SuiteClient, SuiteError, until
from olymp_cli.demo.sheets import encode, make_page_image
from olymp_coding.scans.domain import answer_payload
from olymp_core.auth import Role
from olymp_core.clock import to_local
from olymp_core.testing.synthetic import generate_participants, to_csv

TIME_ZONE = "Asia/Omsk"
# whose olympiad the demo's is: its organiser's token is scoped to it (§4)
MUNICIPALITY = "ust-ishim"
SUBJECTS = ("math", "physics")
TASKS = 5
TASK_MAX = Decimal(10)
THRESHOLD = Decimal(2)
ROOM_SEATS = 30  # one room's attendance list, when venues check in side by side
# `olymp demo --until <stop>`: the last stage run (e.g. "coded": works coded, criteria set, no
# marks — the works then wait for the jury in the staff portal)
STOPS = {
    "imported": "import",
    "released": "materials_release",
    "checked-in": "check_in",
    "coded": "criteria",
    "marked": "marking",
    "preliminary": "preliminary_results",
}
JURY = ("jury-ivanova", "jury-petrov", "jury-kuzmina", "jury-sokolov", "jury-yolkina")
# four members: §102 recommends an odd number, an even one is lawful and §107 settles its ties
COMMISSION = ("appeal-orlova", "appeal-belov", "appeal-zhukova", "appeal-yolkin")


@dataclass
class DayReport:
    olympiad_id: str = ""
    participants: int = 0
    schools: int = 0
    absent: int = 0
    removed: int = 0
    works: int = 0
    third_marks: int = 0
    annulled: int = 0
    appeals: dict[str, dict[str, Any]] = field(default_factory=dict)
    final_tables: list[tuple[str, int]] = field(default_factory=list)
    # tables whose approval waits (the appeal window is open), with the reasons publishing gave
    waiting_tables: list[tuple[str, str]] = field(default_factory=list)
    example_table: dict[str, Any] = field(default_factory=dict)
    public_page: str = ""
    # requests the client had to send again (faults): what was retried and how it was answered
    retried: list[str] = field(default_factory=list)
    commands: int = 0  # requests other than GET the day sent (not counting retries)
    # wall time of each stage of the day, in the order they ran
    stage_seconds: dict[str, float] = field(default_factory=dict)


class OlympiadDay:
    def __init__(
        self,
        suite: SuiteClient,
        *,
        participants: int,
        schools: int,
        seed: int,
        say: Callable[[str], None],
        subjects: Sequence[str] = SUBJECTS,
        jury: Sequence[str] = JURY,
        concurrency: int = 1,
        scans: bool = False,
    ) -> None:
        """`concurrency` requests at once where people work side by side (venues checking in,
        jury members marking); 1 sends every request in turn, and the same seed then also sends
        the same commands in the same order. `scans`: the scan station uploads every work's
        answer sheets after coding, so that people can open them in the staff portal."""
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.suite = suite
        self.n = participants
        self.schools = schools
        self.seed = seed
        self.say = say
        self.subjects = tuple(subjects)
        if len(jury) < 3:
            raise ValueError("a work needs two jury members and a third for discrepancies")
        self.jury = tuple(jury)
        self.concurrency = concurrency
        self.scans = scans
        self.in_flight = asyncio.Semaphore(concurrency)
        # how long to wait for events to travel grows with the day: a thousand works take longer
        # to code and settle than sixty
        self.patience = max(1.0, participants / 1000)
        # a poll that lists every work costs the service as much as its real work at 10,000
        self.poll_s = 0.2 * self.patience
        self.report = DayReport()
        self.people: list[dict[str, Any]] = []
        # each participant's place in a fixed order of people: decides every draw about them
        self.rank: dict[str, int] = {}
        # subject -> the participant removed from its round, whose work scoring must annul
        self.removed: dict[str, str] = {}
        # what the demo's jury gave, so appeals can ask for a real raise or lowering
        self.task_one: dict[str, Decimal] = {}

    async def run(self, until: str | None = None) -> DayReport:
        """Every stage in turn; with `until`, stop after that stage (see STOPS)."""
        stages: tuple[tuple[str, Callable[[], Awaitable[None]]], ...] = (
            ("olympiad", self.create_olympiad),
            ("import", self.import_participants),
            ("materials_release", self.push_and_release_materials),
            ("check_in", self.check_in),
            ("coding", self.code_works),
            ("scanning", self.scan_works),
            ("criteria", self.set_criteria),
            ("marking", self.mark_works),
            ("decoding", self.decode),
            ("preliminary_results", self.preliminary_results),
            ("appeals", self.appeals),
            ("final_results", self.final_results),
        )
        last = STOPS[until] if until else stages[-1][0]
        for name, stage in stages:
            started = time.monotonic()
            await stage()
            self.report.stage_seconds[name] = round(time.monotonic() - started, 2)
            if name == last:
                break
        self.report.retried = list(self.suite.retried)
        self.report.commands = self.suite.commands
        return self.report

    # -- registration -------------------------------------------------------------------------

    async def create_olympiad(self) -> None:
        local_now = to_local(dt.datetime.now(dt.UTC), TIME_ZONE)
        today = local_now.date()
        # the demo replays a day whose round has just ended (four hours, or since midnight):
        # participants get the criteria only after the round (§91) and read them in the demo
        ends = max(local_now.time().replace(second=0, microsecond=0), dt.time(0, 1))
        starts = dt.time(ends.hour - 4, ends.minute) if ends.hour >= 4 else dt.time(0, 0)
        body = {
            "title": f"Муниципальный этап ВсОШ — демонстрация {self.seed}",
            "school_year": f"{today.year}/{today.year + 1}"
            if today.month >= 9
            else f"{today.year - 1}/{today.year}",
            "time_zone": TIME_ZONE,
            "municipality_id": MUNICIPALITY,
            "subjects": [
                {
                    "subject_code": code,
                    "day": today.isoformat(),
                    "round_start": starts.isoformat("minutes"),
                    "round_end": ends.isoformat("minutes"),
                }
                for code in self.subjects
            ],
            "venues": [
                {
                    "name": "МБОУ «Усть-Ишимская СОШ № 1»",
                    "rooms": [{"name": f"Кабинет {n}", "capacity": 30} for n in range(1, 8)],
                },
                {
                    "name": "МБОУ «Большетавинская СОШ»",
                    "rooms": [{"name": f"Кабинет {n}", "capacity": 25} for n in range(1, 6)],
                },
            ],
        }
        created = await self.suite.json(
            "POST", "registration", "/olympiads", json=body, role=Role.COORDINATOR
        )
        self.report.olympiad_id = created["olympiad_id"]
        self.say(
            f"1. Олимпиада создана: {created['olympiad_id']} ({TIME_ZONE}), предметы: "
            f"{', '.join(self.subjects)}"
        )

    async def import_participants(self) -> None:
        synthetic = generate_participants(self.seed, self.n, self.schools, self.subjects)
        imported = await self.suite.json(
            "POST",
            "registration",
            f"/olympiads/{self.oid}/participants/import",
            params={"format": "csv"},
            content=to_csv(synthetic),
            headers={"Content-Type": "text/csv"},
            role=Role.MUNICIPAL_COORDINATOR,
        )
        self.people = imported["participants"]
        ordered = sorted(self.people, key=person_key)
        self.rank = {p["participant_id"]: index for index, p in enumerate(ordered)}
        schools = {p["school"] for p in self.people}
        self.report.participants = len({p["participant_id"] for p in self.people})
        self.report.schools = len(schools)
        self.say(
            f"2. Импорт заявок: {imported['imported']} строк, {self.report.participants} "
            f"участников из {len(schools)} школ"
        )

    # -- materials ----------------------------------------------------------------------------

    async def push_and_release_materials(self) -> None:
        now = dt.datetime.now(dt.UTC)
        released_at = {
            "tasks": now + dt.timedelta(seconds=3),
            "criteria": now + dt.timedelta(seconds=5),
        }
        packages = []
        for code in self.subjects:
            for kind, instant in released_at.items():
                password = f"Vsosh-{code}-{kind}-{self.seed}"
                archive = winzip_aes(
                    password,
                    {f"{code}_{kind}_{grade}.pdf": f"%PDF-1.4 {kind} {code} {grade}".encode()
                     for grade in range(7, 12)},
                )  # fmt: skip
                package = await self.suite.json(
                    "POST",
                    "materials",
                    f"/olympiads/{self.oid}/subjects/{code}/packages/{kind}",
                    params={"release_at": instant.isoformat()},
                    content=archive,
                    headers={"X-Package-Password": password},
                    role=Role.COORDINATOR,
                )
                packages.append(package)
        early = await self.suite.call(
            "GET",
            "materials",
            f"/olympiads/{self.oid}/packages/{packages[0]['package_id']}/key",
            role=Role.MUNICIPAL_COORDINATOR,
            expect=(200, 403),
        )
        if early.status_code == 403:
            answer = f"{early.status_code} ({early.json()['detail']})"
        elif dt.datetime.now(dt.UTC) < released_at["tasks"]:
            raise SuiteError(f"the tasks key was handed out before its instant: {early.text}")
        else:
            # the uploads (or a retried request) outlasted the instant: a 200 is then correct
            answer = "не проверен — срок наступил раньше, чем пришёл ответ"
        self.say(
            f"3. Материалы загружены: {len(packages)} пакетов; запрос ключа до срока: {answer}"
        )
        for package in packages:

            async def key(package: dict[str, Any] = package) -> dict[str, Any] | None:
                response = await self.suite.call(
                    "GET",
                    "materials",
                    f"/olympiads/{self.oid}/packages/{package['package_id']}/key",
                    role=Role.MUNICIPAL_COORDINATOR,
                    expect=(200, 403),
                )
                return response.json() if response.status_code == 200 else None

            await until(key, f"release of package {package['package_id']}", within_s=30)
        first = packages[0]["package_id"]
        opened = await self.suite.json(
            "GET", "materials", f"/olympiads/{self.oid}/packages/{first}/key",
            role=Role.MUNICIPAL_COORDINATOR,
        )  # fmt: skip
        content = await self.suite.call(
            "GET", "materials", f"/olympiads/{self.oid}/packages/{first}/content",
            role=Role.MUNICIPAL_COORDINATOR,
        )  # fmt: skip
        names = archive_names(content.content, opened["password"])
        self.say(
            "   Ключи раскрыты в назначенное время: задания, затем критерии; архив заданий "
            f"открыт выданным паролем ({len(names)} файлов)"
        )

    # -- venue --------------------------------------------------------------------------------

    async def check_in(self) -> None:
        removed_one = False
        for code in self.subjects:
            entries = sorted(
                (p for p in self.people if p["subject_code"] == code), key=self.rank_of
            )
            absent = {
                p["participant_id"]
                for p in entries
                if self.draw("absent", p["participant_id"]).random() < 0.05
            }
            self.report.absent += len(absent)
            # one list per subject; when desks work side by side, one list per room
            size = len(entries) if self.concurrency == 1 else ROOM_SEATS
            await self.side_by_side(
                [
                    partial(self.mark_attendance, code, entries[start : start + size], absent)
                    for start in range(0, len(entries), size)
                ]
            )
            if not removed_one:
                violator = next(p for p in entries if p["participant_id"] not in absent)
                await self.suite.json(
                    "POST",
                    "registration",
                    f"/olympiads/{self.oid}/subjects/{code}/participants/"
                    f"{violator['participant_id']}/removal",
                    json={"reason": "Использование мобильного телефона во время тура (акт № 1)"},
                    role=Role.VENUE_COORDINATOR,
                )
                removed_one = True
                self.report.removed = 1
                self.removed[code] = violator["participant_id"]
                self.say(
                    f"4. Удалён участник ({violator['surname']} {violator['name']}): "
                    "использование телефона, акт № 1"
                )
        self.say(f"   Регистрация в день тура: неявка {self.report.absent}")

    async def mark_attendance(
        self, code: str, entries: Sequence[dict[str, Any]], absent: set[str]
    ) -> None:
        await self.suite.json(
            "POST",
            "registration",
            f"/olympiads/{self.oid}/subjects/{code}/check-in",
            json={
                "entries": [
                    {
                        "participant_id": p["participant_id"],
                        "present": p["participant_id"] not in absent,
                    }
                    for p in entries
                ]
            },
            role=Role.VENUE_COORDINATOR,
        )

    # -- coding and checking -----------------------------------------------------------------

    async def works_of(self, code: str) -> list[dict[str, Any]]:
        listed = await self.suite.json(
            "GET",
            "coding",
            f"/olympiads/{self.oid}/subjects/{code}/works",
            role=Role.CODING_OFFICER,
        )
        return list(listed["works"])

    async def code_works(self) -> None:
        present = sum(1 for p in self.people) - self.report.absent

        async def coded() -> int | None:
            total = 0
            for code in self.subjects:
                total += len(await self.works_of(code))
            return total if total == present else None

        self.report.works = await until(
            coded,
            f"{present} coded works",
            within_s=90 * self.patience,
            every_s=self.poll_s,
        )
        self.say(
            f"5. Шифрование: {self.report.works} работ получили шифры (неугадываемые, с "
            "контрольным символом)"
        )

    async def scan_works(self) -> None:
        """The scan station uploads each work's answer sheets, one or two pages, each labelled with
        its code and sheet number as coding prints them; coding routes them by the label."""
        if not self.scans:
            return
        uploads = []
        for code in self.subjects:
            for work in await self.works_of(code):
                # per work, not per participant: the codes are random, the look need not repeat
                sheets = 1 + zlib.crc32(f"{self.seed}:{work['work_code']}".encode()) % 2
                uploads += [(code, work["work_code"], n) for n in range(1, sheets + 1)]
        # a station's scanner and the coding service work side by side: a few pages in flight
        in_flight = asyncio.Semaphore(4)

        async def upload(code: str, work_code: str, sheet: int) -> None:
            async with in_flight:
                image = await asyncio.to_thread(_answer_sheet, work_code, sheet)
                await self.suite.call(
                    "POST",
                    "coding",
                    f"/olympiads/{self.oid}/scans",
                    role=Role.SCANNER,
                    sub="scan-station-1",
                    params={"filename": f"{work_code}-{sheet}.jpg", "subject_code": code},
                    content=image,
                )

        async with asyncio.TaskGroup() as group:
            for item in uploads:
                group.create_task(upload(*item))
        self.say(
            f"   Сканирование: {len(uploads)} страниц бланков ответов загружено и привязано "
            "к работам по шифрам"
        )

    def grades_of(self, code: str) -> list[int]:
        return sorted({p["task_grade"] for p in self.people if p["subject_code"] == code})

    async def set_criteria(self) -> None:
        """The chair sets each subject and grade's criteria; every coded work reaches scoring."""
        for code in self.subjects:
            for grade in self.grades_of(code):
                await self.suite.json(
                    "PUT",
                    "scoring",
                    f"/olympiads/{self.oid}/subjects/{code}/grades/{grade}/scheme",
                    json={
                        "tasks": [
                            {"number": n, "max_points": str(TASK_MAX)} for n in range(1, TASKS + 1)
                        ],
                        "step": "0.5",
                        "threshold": {"kind": "points", "value": str(THRESHOLD)},
                        "rule": "third_mark_decides",
                    },
                    role=Role.JURY_CHAIR,
                )
            await self._wait_scoring_has_works(code)
        self.say(
            f"   Критерии оценивания заданы: {TASKS} заданий по {TASK_MAX} баллов, шаг 0,5; "
            f"значительное расхождение — более {THRESHOLD} баллов (п. 73)"
        )

    async def mark_works(self) -> None:
        annulled_one = False
        for code in self.subjects:
            owners = await self.owners_of(code)
            for grade in self.grades_of(code):
                works = sorted(
                    await self.scoring_works(code, grade),
                    key=lambda w: self.rank[owners[w["work_code"]]],
                )
                marking: list[Callable[[], Awaitable[None]]] = []
                for index, work in enumerate(works):
                    if work["status"] in ("annulled", "аннулирована"):
                        continue
                    if not annulled_one:
                        await self.suite.json(
                            "POST",
                            "scoring",
                            f"/olympiads/{self.oid}/works/{work['work_code']}/annulment",
                            json={"reason": "identifying_marks"},
                            role=Role.JURY_CHAIR,
                        )
                        annulled_one = True
                        self.report.annulled += 1
                        continue
                    marking.append(
                        partial(self.mark_one, work["work_code"], index, owners[work["work_code"]])
                    )
                await self.side_by_side(marking)
        self.say(
            f"6. Проверка: по две независимые оценки на работу; третья проверка по "
            f"{self.report.third_marks} заданиям с расхождением > {THRESHOLD} баллов; "
            f"аннулировано за опознавательные пометки: {self.report.annulled}"
        )

    async def _wait_scoring_has_works(self, code: str) -> None:
        """Every coded work, and the removal's annulment, reached scoring: the jury then marks
        the same works however late the events travelled (a restarted service, a lost link)."""
        expected = len(await self.works_of(code))
        removed = self.removed.get(code)
        owners = await self.owners_of(code) if removed else {}

        async def arrived() -> bool:
            works = []
            for grade in self.grades_of(code):
                works += await self.scoring_works(code, grade)
            annulled = {
                owners.get(w["work_code"])
                for w in works
                if w["status"] in ("annulled", "аннулирована")
            }
            return len(works) == expected and (removed is None or removed in annulled)

        await until(
            arrived,
            f"scoring to know every {code} work",
            within_s=60 * self.patience,
            every_s=self.poll_s,
        )

    async def scoring_works(self, code: str, grade: int) -> list[dict[str, Any]]:
        listed = await self.suite.json(
            "GET",
            "scoring",
            f"/olympiads/{self.oid}/subjects/{code}/grades/{grade}/works",
            role=Role.JURY_CHAIR,
            sub="chair",
        )
        return list(listed["works"])

    async def owners_of(self, code: str) -> dict[str, str]:
        """Work code -> participant id (the coding officer's table; the jury never sees it)."""
        table = await self.suite.json(
            "GET",
            "coding",
            f"/olympiads/{self.oid}/subjects/{code}/codes",
            role=Role.CODING_OFFICER,
        )
        return {e["work_code"]: str(e["participant_id"]) for e in table["entries"]}

    async def mark_one(self, work_code: str, index: int, participant_id: str) -> None:
        first, second, third = (self.jury[(index + k) % len(self.jury)] for k in range(3))
        rng = self.draw("marks", participant_id)
        base = {n: Decimal(rng.randrange(0, 21)) / 2 for n in range(1, TASKS + 1)}
        other = dict(base)
        if rng.random() < 0.15:  # a significant discrepancy on one task
            task = rng.randrange(1, TASKS + 1)
            other[task] = min(TASK_MAX, base[task] + 3) if base[task] < 7 else base[task] - 3
        elif rng.random() < 0.5:
            task = rng.randrange(1, TASKS + 1)
            other[task] = min(TASK_MAX, base[task] + Decimal("0.5"))
        for member, marks in ((first, base), (second, other)):
            answer = await self.suite.json(
                "POST",
                "scoring",
                f"/olympiads/{self.oid}/works/{work_code}/marks",
                json={"task_scores": {str(n): str(v) for n, v in marks.items()}},
                role=Role.JURY_MEMBER,
                sub=member,
            )
        disputed = answer.get("needs_third_mark_tasks") or []
        if 1 in disputed or "1" in disputed:
            self.task_one[work_code] = base[1]
        else:  # the default rule: the mean of the two, half-up to the 0.5 step
            self.task_one[work_code] = ((base[1] + other[1]) / 2 * 2).quantize(
                Decimal(1), rounding="ROUND_HALF_UP"
            ) / 2
        if disputed:
            self.report.third_marks += len(disputed)
            await self.suite.json(
                "POST",
                "scoring",
                f"/olympiads/{self.oid}/works/{work_code}/marks",
                json={"task_scores": {str(n): str(base[int(n)]) for n in disputed}},
                role=Role.JURY_MEMBER,
                sub=third,
            )

    async def decode(self) -> None:
        for code in self.subjects:
            for grade in self.grades_of(code):

                async def checked(code: str = code, grade: int = grade) -> bool:
                    progress = await self.suite.json(
                        "GET",
                        "scoring",
                        f"/olympiads/{self.oid}/subjects/{code}/grades/{grade}/progress",
                        role=Role.JURY_CHAIR,
                    )
                    return bool(progress["all_checked"])

                await until(
                    checked, f"{code} grade {grade} fully checked", within_s=60 * self.patience
                )

                async def decoded(code: str = code, grade: int = grade) -> dict[str, Any] | None:
                    response = await self.suite.call(
                        "POST",
                        "coding",
                        f"/olympiads/{self.oid}/subjects/{code}/grades/{grade}/decode",
                        role=Role.CODING_OFFICER,
                        expect=(200, 409),
                    )
                    return response.json() if response.status_code == 200 else None

                # coding learns "all checked" from scoring's event; poll until it has arrived
                await until(
                    decoded, f"decoding of {code} grade {grade}", within_s=60 * self.patience
                )

    async def preliminary_results(self) -> None:
        """Publishing builds each decoded subject and grade's preliminary table from events."""
        await self._wait_tables("preliminary")
        self.say(
            "7. Дешифрование после проверки всех работ; предварительные результаты опубликованы"
        )

    async def _wait_tables(self, stage: str) -> None:
        for code in self.subjects:
            for grade in self.grades_of(code):

                async def published(code: str = code, grade: int = grade) -> bool:
                    response = await self.suite.call(
                        "GET",
                        "publishing",
                        f"/results/{self.oid}/{code}/{grade}",
                        params={"stage": stage},
                        expect=(200, 404),
                    )
                    return response.status_code == 200

                await until(
                    published, f"{stage} table {code} grade {grade}", within_s=60 * self.patience
                )

    # -- appeals ------------------------------------------------------------------------------

    async def appeals(self) -> None:
        from olymp_cli.demo.appeals import run_appeals

        self.report.appeals = await run_appeals(self)
        self.say("8. Апелляции (комиссия из трёх членов, решение большинством списочного состава):")
        for decision in self.report.appeals.values():
            casting = " — решающим голосом председателя" if decision["by_casting_vote"] else ""
            change = f", баллы: {decision['total_before']} → {decision['total_after']}"
            self.say(f"   {decision['outcome_text']}{casting}{change}")

    # -- results ------------------------------------------------------------------------------

    async def final_results(self) -> None:
        """The chair submits each table, the organiser approves it (§121). A subject whose appeal
        window is still open waits: the demo's day has no two working days in it."""
        from olymp_cli.demo.appeals import SUBJECT as APPEALED

        for code in self.subjects:
            for grade in self.grades_of(code):
                path = f"/olympiads/{self.oid}/subjects/{code}/grades/{grade}"
                if code == APPEALED:
                    await self.appeals_known(path)
                submitted = await self.suite.call(
                    "POST",
                    "publishing",
                    path + "/final/submission",
                    role=Role.JURY_CHAIR,
                    expect=(201, 409),
                )
                if submitted.status_code == 409:
                    await self.decide_ties(code, grade, submitted.json())
                    await self.suite.call(
                        "POST", "publishing", path + "/final/submission", role=Role.JURY_CHAIR
                    )
                approved = await self.suite.call(
                    "POST",
                    "publishing",
                    path + "/final",
                    role=Role.MUNICIPAL_COORDINATOR,
                    expect=(201, 409),
                )
                if approved.status_code == 409:
                    reasons = "; ".join(approved.json().get("reasons", []))
                    self.report.waiting_tables.append((f"{code}-{grade}", reasons))
                    continue
                table = await self.suite.json(
                    "GET",
                    "publishing",
                    f"/results/{self.oid}/{code}/{grade}",
                    params={"stage": "final"},
                )
                self.report.final_tables.append((f"{code}-{grade}", len(table.get("rows", []))))
                if not self.report.example_table or len(table.get("rows", [])) > len(
                    self.report.example_table.get("rows", [])
                ):
                    self.report.example_table = table
                    self.report.public_page = f"{self.suite.base_urls['publishing']}/results/{self.oid}/{code}/{grade}.html"
        self.say(f"9. Итоговые результаты утверждены: {len(self.report.final_tables)} таблиц")
        for name, reasons in self.report.waiting_tables:
            self.say(f"   {name}: утверждение отложено — {reasons}")

    async def appeals_known(self, path: str) -> None:
        """Wait until publishing has heard that every appeal is decided, so the approval below
        is refused for the open window alone, not allowed for want of news."""

        async def heard() -> bool:
            found = await self.suite.json(
                "GET", "publishing", path + "/final/status", role=Role.JURY_CHAIR
            )
            return found["appeal_deadline"] is not None and found["undecided_appeals"] == 0

        await until(heard, "the appeals' state at publishing", within_s=60)

    async def decide_ties(self, code: str, grade: int, problem: dict[str, Any]) -> None:
        for tie in problem.get("ties", []):
            await self.suite.json(
                "POST",
                "publishing",
                f"/olympiads/{self.oid}/subjects/{code}/grades/{grade}/tie-decisions",
                json={"total": tie["total"], "status": tie["statuses"][0]},
                role=Role.JURY_CHAIR,
            )
            self.say(
                f"   Председатель жюри решил по группе с равным баллом {tie['total']}: "
                f"«{tie['statuses'][0]}» для всех"
            )

    async def side_by_side(self, calls: Sequence[Callable[[], Awaitable[None]]]) -> None:
        """Run `calls`, up to `concurrency` at once; with 1, in turn and in order."""
        if self.concurrency == 1:
            for call in calls:
                await call()
            return

        async def bounded(call: Callable[[], Awaitable[None]]) -> None:
            async with self.in_flight:
                await call()

        async with asyncio.TaskGroup() as group:
            for call in calls:
                group.create_task(bounded(call))

    @property
    def oid(self) -> str:
        return self.report.olympiad_id

    def rank_of(self, participant: dict[str, Any]) -> int:
        return self.rank[participant["participant_id"]]

    def draw(self, purpose: str, participant_id: str) -> random.Random:
        """The random draws about one participant: the same for the same seed and person."""
        seed = f"{self.seed}:{purpose}:{self.rank[participant_id]}"
        return random.Random(seed)  # noqa: S311 (synthetic data, not security)


def person_key(participant: dict[str, Any]) -> tuple[str, ...]:
    """Who a participant is, independent of the ids a run gives them."""
    return tuple(
        str(participant[k])
        for k in ("subject_code", "surname", "name", "patronymic", "school", "grade")
    )


__all__ = ["DayReport", "OlympiadDay", "SuiteError"]


def _answer_sheet(work_code: str, sheet: int) -> bytes:
    # 120 dpi: a label is still read at once, and a page is a fifth of a 200 dpi scan's size
    page = make_page_image((answer_payload(work_code, sheet),), dpi=120, seed=sheet)
    return encode(page)
