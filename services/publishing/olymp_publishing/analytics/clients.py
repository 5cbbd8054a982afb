"""What publishing asks of other services: the marks of the checking protocol (App. 10) on scoring.

Publishing never holds the jury's marks (scoring's events carry the final points of each task
only), yet the analytic report (App. 13) must say how often two members disagreed (§69, §73).
Scoring hands the checking protocol, as XLSX, to exactly the people who take the report — the
subject's jury chair and the organiser — so publishing asks for it on their behalf, with the
caller's own token: scoring's role and scope checks, and its audit of the document taken, stay
the only ones, and publishing learns nothing its caller could not read. When scoring is not
reachable or refuses, the report says why instead of the figures. The objectivity monitoring
(`olymp_publishing.monitoring`) reads the same protocol for its figures by marker.

The protocol is read by its column names (`olymp_scoring.documents`): «Шифр», «Задание»,
«1-я проверка», «2-я проверка», «3-я проверка», each mark written «member: points» (the third
column may hold several, joined by «;»), and, when present, «Балл по проверке» and «Итоговый
балл» (the latter followed by a note when an appeal or a correction changed it).
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Final

import httpx
from openpyxl import load_workbook

from olymp_core.subject_grade import SubjectGrade
from olymp_publishing.analytics.domain import CheckedTask, TaskMarking

log = logging.getLogger("olymp.publishing.clients")

_COLUMNS: Final = {
    "work_code": "Шифр",
    "task": "Задание",
    "first": "1-я проверка",
    "second": "2-я проверка",
    "third": "3-я проверка",
}
_SCORES: Final = {"checked_score": "Балл по проверке", "final_score": "Итоговый балл"}
_NONE: Final = "—"


class ProtocolUnreadable(ValueError):
    """The checking protocol is not laid out as this reader knows it."""


@dataclass(frozen=True)
class CheckingMarks:
    """The marks of a subject and grade, or why they are not at hand (Russian, for the report)."""

    markings: tuple[TaskMarking, ...] | None
    missing: str | None = None


@dataclass(frozen=True)
class CheckedTasks:
    """The checking protocol's tasks whole, or why they are not at hand (Russian)."""

    tasks: tuple[CheckedTask, ...] | None
    missing: str | None = None


class ScoringDocuments:
    """Scoring's checking protocol of a subject and grade, asked for with the caller's token."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout_s: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._timeout_s = timeout_s
        self._transport = transport

    async def checking_marks(self, key: SubjectGrade, bearer: str | None) -> CheckingMarks:
        found = await self.checked_tasks(key, bearer)
        if found.tasks is None:
            return CheckingMarks(None, found.missing)
        return CheckingMarks(tuple(task.marking() for task in found.tasks))

    async def checked_tasks(self, key: SubjectGrade, bearer: str | None) -> CheckedTasks:
        path = (
            f"/olympiads/{key.olympiad_id}/subjects/{key.subject_code}/grades/{key.grade}"
            "/protocols/checking.xlsx"
        )
        headers = {} if bearer is None else {"Authorization": f"Bearer {bearer}"}
        try:
            async with httpx.AsyncClient(
                base_url=self._base_url, timeout=self._timeout_s, transport=self._transport
            ) as http:
                response = await http.get(path, headers=headers)
        except httpx.HTTPError as exc:
            log.warning(
                "scoring's checking protocol not fetched",
                extra={"table": key.object_id, "error": type(exc).__name__},
            )
            return CheckedTasks(None, "служба проверки работ не ответила; запросите отчёт позже.")
        if response.status_code != 200:
            return CheckedTasks(None, _refusal(response))
        try:
            tasks = await asyncio.to_thread(read_checked_tasks, response.content)
        except ProtocolUnreadable as exc:
            log.error(
                "scoring's checking protocol not read",
                extra={"table": key.object_id, "error": str(exc)},
            )
            return CheckedTasks(
                None, "протокол проверки работ (Приложение № 10) не удалось прочитать."
            )
        return CheckedTasks(tuple(tasks))


def _refusal(response: httpx.Response) -> str:
    """Why scoring said no, as the report states it."""
    detail = ""
    try:
        body = response.json()
        if isinstance(body, dict) and isinstance(body.get("detail"), str):
            detail = " " + body["detail"][:300]
    except ValueError:
        pass
    if response.status_code in (401, 403):
        return (
            "служба проверки работ не выдала протокол проверки (Приложение № 10) по этому"
            f" токену.{detail}"
        )
    return f"служба проверки работ ответила {response.status_code}.{detail}"


def read_checking_protocol(body: bytes) -> list[TaskMarking]:
    """Every task of every checked work in the checking protocol's table (annulled works have
    no tasks there); ProtocolUnreadable when its columns are not found."""
    return [task.marking() for task in read_checked_tasks(body)]


def read_checked_tasks(body: bytes) -> list[CheckedTask]:
    """As `read_checking_protocol`, each task whole: members, the score by the marks and the
    final one (None where the protocol has no such column)."""
    try:
        workbook = load_workbook(io.BytesIO(body), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several kinds for a file that is no workbook
        raise ProtocolUnreadable(f"not a workbook: {type(exc).__name__}") from None
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        columns = _header(rows)
        return list(_tasks(rows, columns))
    finally:
        workbook.close()


def _header(rows: Iterator[Sequence[Any]]) -> dict[str, int]:
    for row in rows:
        cells = [str(cell).strip() if cell is not None else "" for cell in row]
        if _COLUMNS["work_code"] in cells and _COLUMNS["task"] in cells:
            try:
                found = {name: cells.index(title) for name, title in _COLUMNS.items()}
            except ValueError:
                break
            # the scores' columns came later to the protocol: a copy without them still reads
            found |= {name: cells.index(title) for name, title in _SCORES.items() if title in cells}
            return found
    raise ProtocolUnreadable(f"no header row with the columns {list(_COLUMNS.values())}")


def _tasks(rows: Iterator[Sequence[Any]], columns: dict[str, int]) -> Iterator[CheckedTask]:
    for row in rows:
        cells = [str(cell).strip() if cell is not None else "" for cell in row]
        if not any(cells):
            return  # the table ends with a blank row; the counts and signatures follow
        cells += [""] * (max(columns.values()) + 1 - len(cells))
        task = cells[columns["task"]]
        if task in ("", _NONE):
            continue  # an annulled work: no tasks, no marks
        third = cells[columns["third"]]
        yield CheckedTask(
            work_code=cells[columns["work_code"]],
            task=task,
            first=_mark(cells[columns["first"]]),
            second=_mark(cells[columns["second"]]),
            third=()
            if third in ("", _NONE)
            else tuple(_required(_mark(part.strip())) for part in third.split(";")),
            checked_score=_score(cells, columns.get("checked_score")),
            final_score=_score(cells, columns.get("final_score")),
        )


def _mark(cell: str) -> tuple[str, Decimal] | None:
    """«ivanova: 7.5» → ("ivanova", 7.5); «—» → None."""
    if cell in ("", _NONE):
        return None
    member, _, points = cell.rpartition(":")
    try:
        value = Decimal(points.strip())
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise ProtocolUnreadable(f"a mark reads {cell!r}, not «member: points»")
    return member.strip(), value


def _required(mark: tuple[str, Decimal] | None) -> tuple[str, Decimal]:
    if mark is None:
        raise ProtocolUnreadable("an empty mark among the third member's marks")
    return mark


def _score(cells: Sequence[str], column: int | None) -> Decimal | None:
    """«7», «8 (после апелляции или исправления)» → the points; «—» or no column → None."""
    if column is None or cells[column] in ("", _NONE):
        return None
    try:
        value = Decimal(cells[column].split(maxsplit=1)[0])
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise ProtocolUnreadable(f"a score reads {cells[column]!r}, not points")
    return value
