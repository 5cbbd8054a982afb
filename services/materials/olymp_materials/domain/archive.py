"""The password archive a regional coordinator makes today (WinZip-AES ZIP), checked at push.

A wrong password found at 08:00 would leave every municipality with a package it cannot open, so
the hub opens the archive with the given password when it is pushed and refuses it otherwise.

Opening means decompressing every file, which a small archive can make enormous (a "zip bomb") or
slow: the check reads each file in chunks and stops at a budget of unpacked bytes and of seconds.
It is CPU work, so the handler runs it off the event loop (the hub keeps streaming keys meanwhile).
"""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import pyzipper

from olymp_materials.domain.errors import ArchiveRefused

CHUNK = 1 << 20
MIB = 1 << 20


@dataclass(frozen=True)
class ArchiveBudget:
    """How much one archive check may unpack and how long it may take."""

    max_unpacked_bytes: int = 2048 * MIB
    max_members: int = 10_000
    seconds: float = 60.0


class NotAPasswordArchive(ArchiveRefused):
    """A password came with something that is not a password-protected ZIP archive."""


class ArchivePasswordWrong(ArchiveRefused):
    def __init__(self) -> None:
        super().__init__(
            "Архив не открывается с указанным паролем: проверьте пароль (раскладку и регистр) "
            "и загрузите пакет ещё раз."
        )


class ArchiveTooLarge(ArchiveRefused):
    """It unpacks beyond the budget: a zip bomb, or a package far larger than any real one."""

    type_ = "package-archive-too-large"

    def __init__(self, budget: ArchiveBudget, what: str) -> None:
        super().__init__(
            f"Архив не принят: {what}, а проверка пароля распаковывает не больше "
            f"{budget.max_unpacked_bytes // MIB} МБ в {budget.max_members} файлах. Так "
            "выглядит «zip-бомба» — маленький архив, распаковывающийся в огромный объём. "
            "Проверьте, что загружаете нужный архив; если пакет действительно так велик, "
            "разделите его на несколько архивов."
        )


class ArchiveCheckTooSlow(ArchiveRefused):
    type_ = "package-archive-too-slow"

    def __init__(self, budget: ArchiveBudget) -> None:
        super().__init__(
            f"Архив не принят: его проверка с паролем не уложилась в {budget.seconds:g} с. "
            "Загрузите архив поменьше (например, без вложенных архивов) или разделите пакет "
            "на несколько архивов."
        )


def check_archive(
    content: bytes,
    password: str,
    budget: ArchiveBudget | None = None,
    *,
    clock: Callable[[], float] = time.monotonic,
) -> list[str]:
    """The names in the archive, if every file opens and passes its checksum with `password`."""
    return [name for name, _ in _open_members(content, password, budget, clock, keep=False)]


def unlock_archive(
    content: bytes,
    password: str,
    budget: ArchiveBudget | None = None,
    *,
    clock: Callable[[], float] = time.monotonic,
) -> bytes:
    """The same files in a ZIP without a password: released criteria for people who read them
    (a participant, the appeal commission) and were never meant to be given the password."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as plain:
        for name, data in _open_members(content, password, budget, clock, keep=True):
            plain.writestr(name, data)
    return out.getvalue()


def _open_members(
    content: bytes,
    password: str,
    budget: ArchiveBudget | None,
    clock: Callable[[], float],
    *,
    keep: bool,
) -> list[tuple[str, bytes]]:
    """Each file's name and (when `keep`) its bytes, within the budget; refused as check_archive
    says."""
    budget = budget or ArchiveBudget()
    deadline = clock() + budget.seconds
    try:
        archive = pyzipper.AESZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, pyzipper.BadZipFile):
        raise NotAPasswordArchive(
            "С паролем загружается архив ZIP (WinZip-AES), а этот файл не архив: загрузите "
            "архив или отправьте файлы без пароля — узел зашифрует их сам."
        ) from None
    found: list[tuple[str, bytes]] = []
    with archive:
        members = archive.infolist()
        if not members or not all(member.flag_bits & 0x1 for member in members):
            raise NotAPasswordArchive(
                "Архив не защищён паролем (или защищён не целиком): отправьте его без пароля — "
                "узел зашифрует пакет сам — или зашифруйте все файлы архива."
            )
        if len(members) > budget.max_members:
            raise ArchiveTooLarge(budget, f"в нём {len(members)} файлов")
        declared = sum(member.file_size for member in members)
        if declared > budget.max_unpacked_bytes:
            raise ArchiveTooLarge(budget, f"он распаковывается в {declared // MIB} МБ")
        archive.setpassword(password.encode())
        unpacked = 0
        try:
            for member in members:
                chunks: list[bytes] = []
                # read in chunks: decrypts and checks the CRC / authentication code at the end,
                # while the sizes in the headers (which may lie) are counted, not trusted
                with archive.open(member) as file:
                    while chunk := file.read(CHUNK):
                        unpacked += len(chunk)
                        if unpacked > budget.max_unpacked_bytes:
                            raise ArchiveTooLarge(
                                budget, f"он распаковывается больше чем в {unpacked // MIB} МБ"
                            )
                        if clock() > deadline:
                            raise ArchiveCheckTooSlow(budget)
                        if keep:
                            chunks.append(chunk)
                found.append((member.filename, b"".join(chunks)))
        except (RuntimeError, zipfile.BadZipFile, pyzipper.BadZipFile):
            raise ArchivePasswordWrong() from None
    return found
