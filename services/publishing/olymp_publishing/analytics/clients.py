"""What publishing asks of other services: the marks of the checking protocol (App. 10) on scoring.

Publishing never holds the jury's marks (scoring's events carry the final points of each task
only), yet the analytic report (App. 13) must say how often two members disagreed (§69, §73).
Scoring hands the checking protocol, as XLSX, to exactly the people who take the report — the
subject's jury chair and the organiser — so publishing asks for it on their behalf, with the
caller's own token: scoring's role and scope checks, and its audit of the document taken, stay
the only ones, and publishing learns nothing its caller could not read. When scoring is not
reachable or refuses, the report says why instead of the figures.

The protocol is read by its column names (`olymp_scoring.documents`): «Шифр», «Задание»,
«1-я проверка», «2-я проверка», «3-я проверка», each mark written «member: points».
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
from olymp_publishing.analytics.domain import TaskMarking

log = logging.getLogger("olymp.publishing.clients")

_COLUMNS: Final = {
    "work_code": "Шифр",
    "task": "Задание",
    "first": "1-я проверка",
    "second": "2-я проверка",
    "third": "3-я проверка",
}
_NONE: Final = "—"


class ProtocolUnreadable(ValueError):
    """The checking protocol is not laid out as this reader knows it."""


@dataclass(frozen=True)
class CheckingMarks:
    """The marks of a subject and grade, or why they are not at hand (Russian, for the report)."""

    markings: tuple[TaskMarking, ...] | None
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
            return CheckingMarks(None, "служба проверки работ не ответила; запросите отчёт позже.")
        if response.status_code != 200:
            return CheckingMarks(None, _refusal(response))
        try:
            markings = await asyncio.to_thread(read_checking_protocol, response.content)
        except ProtocolUnreadable as exc:
            log.error(
                "scoring's checking protocol not read",
                extra={"table": key.object_id, "error": str(exc)},
            )
            return CheckingMarks(
                None, "протокол проверки работ (Приложение № 10) не удалось прочитать."
            )
        return CheckingMarks(tuple(markings))


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
    try:
        workbook = load_workbook(io.BytesIO(body), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several kinds for a file that is no workbook
        raise ProtocolUnreadable(f"not a workbook: {type(exc).__name__}") from None
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        columns = _header(rows)
        return list(_markings(rows, columns))
    finally:
        workbook.close()


def _header(rows: Iterator[Sequence[Any]]) -> dict[str, int]:
    for row in rows:
        cells = [str(cell).strip() if cell is not None else "" for cell in row]
        if _COLUMNS["work_code"] in cells and _COLUMNS["task"] in cells:
            try:
                return {name: cells.index(title) for name, title in _COLUMNS.items()}
            except ValueError:
                break
    raise ProtocolUnreadable(f"no header row with the columns {list(_COLUMNS.values())}")


def _markings(rows: Iterator[Sequence[Any]], columns: dict[str, int]) -> Iterator[TaskMarking]:
    for row in rows:
        cells = [str(cell).strip() if cell is not None else "" for cell in row]
        if not any(cells):
            return  # the table ends with a blank row; the counts and signatures follow
        cells += [""] * (max(columns.values()) + 1 - len(cells))
        task = cells[columns["task"]]
        if task in ("", _NONE):
            continue  # an annulled work: no tasks, no marks
        yield TaskMarking(
            work_code=cells[columns["work_code"]],
            task=task,
            first=_points(cells[columns["first"]]),
            second=_points(cells[columns["second"]]),
            third_marked=cells[columns["third"]] not in ("", _NONE),
        )


def _points(cell: str) -> Decimal | None:
    """«ivanova: 7.5» → 7.5; «—» → None."""
    if cell in ("", _NONE):
        return None
    _, _, points = cell.rpartition(":")
    try:
        return Decimal(points.strip())
    except InvalidOperation:
        raise ProtocolUnreadable(f"a mark reads {cell!r}, not «member: points»") from None
