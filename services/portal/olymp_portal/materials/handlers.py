"""What the materials screens read and send (§24–25): the hub's grid of municipalities by package
for the regional coordinator, and on a municipality's mirror the packages, the released archive
and the confirmation of receipt and completeness. materials decides what may be seen when.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from olymp_portal.clients import Caller, Refused, Unavailable
from olymp_portal.pages import subject_name

KINDS = {"tasks": "задания", "criteria": "критерии"}


@dataclass(frozen=True)
class Column:
    package_id: str
    title: str  # «математика: задания»
    release: str  # local time of the instant
    released: bool
    quarantine: str | None  # why its key cannot be given out


@dataclass(frozen=True)
class Cell:
    state: str  # css class: waiting / fetched / keyed / confirmed / problem / late
    words: str  # what the cell says (the colour is never the only sign)


@dataclass(frozen=True)
class Grid:
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, tuple[Cell, ...]], ...]  # municipality, a cell per column
    late_after_min: int
    refreshed: str
    lagging: int  # municipalities with any late or problem cell


def _local(text: str | None, zone: ZoneInfo) -> str:
    if not text:
        return ""
    return f"{dt.datetime.fromisoformat(text).astimezone(zone):%d.%m %H:%M}"


def _cell(found: Mapping[str, Any] | None, released: bool) -> Cell:
    if found is None:
        return Cell("waiting", "нет сведений")
    if found["has_problems"] or found["complete"] is False:
        missing = ", ".join(found["missing"])
        return Cell("problem", "некомплект" + (f": {missing}" if missing else ""))
    if found["receipt_confirmed"]:
        return Cell("confirmed", "получение подтверждено")
    if found["late"]:
        return Cell("late", "опаздывает с подтверждением")
    if found["key_delivered"]:
        return Cell("keyed", "ключ доставлен")
    if found["ciphertext_fetched"]:
        return Cell("fetched", "пакет получен" + ("" if released else ", ждёт ключа"))
    return Cell("waiting", "пакет ещё не получен")


def grid_of(status: Mapping[str, Any], zone: ZoneInfo, now: dt.datetime) -> Grid:
    packages = sorted(status["items"], key=lambda p: (p["release_at"], p["subject_code"]))
    columns = tuple(
        Column(
            str(p["package_id"]),
            f"{subject_name(p['subject_code'])}: {KINDS.get(p['kind'], p['kind'])}",
            _local(p["release_at"], zone),
            p["released_at"] is not None,
            p.get("quarantine_reason") if p.get("quarantined") else None,
        )
        for p in packages
    )
    municipalities = sorted({m["municipality_id"] for p in packages for m in p["municipalities"]})
    by_package = [{m["municipality_id"]: m for m in p["municipalities"]} for p in packages]
    rows = tuple(
        (
            name,
            tuple(
                _cell(found.get(name), column.released)
                for found, column in zip(by_package, columns, strict=True)
            ),
        )
        for name in municipalities
    )
    lagging = sum(1 for _, cells in rows if any(c.state in ("late", "problem") for c in cells))
    return Grid(
        columns, rows, int(status["late_after_min"]), f"{now.astimezone(zone):%H:%M:%S}", lagging
    )


async def time_zone_of(caller: Caller, olympiad_id: uuid.UUID) -> ZoneInfo:
    listed = await caller.get_json("materials", f"/olympiads/{olympiad_id}/packages")
    return ZoneInfo(listed.get("time_zone") or "UTC")


async def grid(caller: Caller, olympiad_id: uuid.UUID, now: dt.datetime) -> Grid:
    status = await caller.get_json("materials", f"/olympiads/{olympiad_id}/packages/status")
    return grid_of(status, await time_zone_of(caller, olympiad_id), now)


@dataclass(frozen=True)
class MirrorPackage:
    package_id: str
    title: str
    release: str
    released: bool


async def mirror_packages(caller: Caller, olympiad_id: uuid.UUID) -> list[MirrorPackage]:
    listed = await caller.get_json("materials", f"/olympiads/{olympiad_id}/packages")
    zone = ZoneInfo(listed.get("time_zone") or "UTC")
    return [
        MirrorPackage(
            str(p["package_id"]),
            f"{subject_name(p['subject_code'])}: {KINDS.get(p['kind'], p['kind'])}",
            _local(p["release_at"], zone),
            bool(p["released"]),
        )
        for p in sorted(listed["items"], key=lambda p: (p["release_at"], p["subject_code"]))
    ]


def missing_items(typed: str) -> list[str]:
    """What the coordinator listed as missing: one item a line (or separated by semicolons)."""
    return [item.strip() for line in typed.splitlines() for item in line.split(";") if item.strip()]


async def confirm_receipt(
    caller: Caller,
    olympiad_id: uuid.UUID,
    package_id: uuid.UUID,
    complete: bool,
    missing: Sequence[str],
    problems: str,
) -> str | None:
    """§25: the package received and checked; a refusal of materials comes back for the page."""
    if not complete and not missing:
        return "Перечислите, чего не хватает в пакете (по строке на позицию), или отметьте «Комплектен»."
    try:
        await caller.call(
            "materials",
            "POST",
            f"/olympiads/{olympiad_id}/packages/{package_id}/receipt",
            json={"complete": complete, "missing": list(missing), "problems": problems or None},
        )
    except Refused as refusal:
        return refusal.detail
    return None


async def package_content(caller: Caller, olympiad_id: uuid.UUID, package_id: uuid.UUID) -> bytes:
    response = await caller.call(
        "materials", "GET", f"/olympiads/{olympiad_id}/packages/{package_id}/content"
    )
    return response.content


async def olympiads(caller: Caller) -> list[Any]:
    listed = await caller.get_json("registration", "/olympiads")
    found: list[Any] = listed["olympiads"]
    return found


@dataclass(frozen=True)
class ReleasedCriteria:
    """A subject's criteria as a participant or the commission sees them (§24, §91, §108)."""

    subject_code: str
    released: bool
    note: str  # when they open, or why they cannot be read now


async def released_criteria(
    caller: Caller, olympiad_id: uuid.UUID, subject_code: str
) -> ReleasedCriteria:
    """Whether the criteria may be downloaded now by this caller; otherwise when they will be, in
    the zone."""
    try:
        found = await caller.get_json(
            "materials", f"/olympiads/{olympiad_id}/subjects/{subject_code}/criteria"
        )
    except Refused as refusal:
        if refusal.status == 404:
            return ReleasedCriteria(subject_code, False, "Критерии оценивания ещё не загружены.")
        return ReleasedCriteria(subject_code, False, f"Критерии недоступны: {refusal.detail}")
    except Unavailable:
        return ReleasedCriteria(
            subject_code, False, "Критерии сейчас недоступны: служба материалов не отвечает."
        )
    if found["available"]:
        return ReleasedCriteria(subject_code, True, "")
    # a participant's come after the subject's last round (materials says when, if it knows)
    if found["available_at"] is None:
        return ReleasedCriteria(
            subject_code,
            False,
            "Критерии оценивания будут доступны после окончания последнего тура по предмету.",
        )
    zone = ZoneInfo(found.get("time_zone") or "UTC")
    at = dt.datetime.fromisoformat(found["available_at"]).astimezone(zone)
    when = f"с {at:%d.%m.%Y в %H:%M} ({zone.key})"
    if found["available_at"] != found["release_at"]:
        when = f"после окончания тура по предмету, {when}"
    return ReleasedCriteria(subject_code, False, f"Критерии оценивания будут доступны {when}.")


@dataclass(frozen=True)
class CriteriaDownload:
    data: bytes
    media_type: str
    disposition: str


async def criteria_files(
    caller: Caller, olympiad_id: uuid.UUID, subject_code: str
) -> CriteriaDownload:
    """The released criteria as materials gives them (each download is in its audit trail)."""
    response = await caller.call(
        "materials", "GET", f"/olympiads/{olympiad_id}/subjects/{subject_code}/criteria/files"
    )
    return CriteriaDownload(
        response.content,
        response.headers.get("content-type", "application/octet-stream"),
        response.headers.get("content-disposition", "attachment"),
    )
