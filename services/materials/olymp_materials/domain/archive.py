"""The password archive a regional coordinator makes today (WinZip-AES ZIP), checked at push.

A wrong password found at 08:00 would leave every municipality with a package it cannot open, so
the hub opens the archive with the given password when it is pushed and refuses it otherwise.
"""

from __future__ import annotations

import io
import zipfile

import pyzipper

from olymp_materials.domain.errors import ArchiveRefused


class NotAPasswordArchive(ArchiveRefused):
    """A password came with something that is not a password-protected ZIP archive."""


class ArchivePasswordWrong(ArchiveRefused):
    def __init__(self) -> None:
        super().__init__(
            "Архив не открывается с указанным паролем: проверьте пароль (раскладку и регистр) "
            "и загрузите пакет ещё раз."
        )


def check_archive(content: bytes, password: str) -> list[str]:
    """The names in the archive, if every file opens and passes its checksum with `password`."""
    try:
        archive = pyzipper.AESZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, pyzipper.BadZipFile):
        raise NotAPasswordArchive(
            "С паролем загружается архив ZIP (WinZip-AES), а этот файл не архив: загрузите "
            "архив или отправьте файлы без пароля — узел зашифрует их сам."
        ) from None
    with archive:
        members = archive.infolist()
        if not members or not all(member.flag_bits & 0x1 for member in members):
            raise NotAPasswordArchive(
                "Архив не защищён паролем (или защищён не целиком): отправьте его без пароля — "
                "узел зашифрует пакет сам — или зашифруйте все файлы архива."
            )
        archive.setpassword(password.encode())
        try:
            for member in members:
                archive.read(member)  # decrypts and checks the file's CRC / authentication code
        except (RuntimeError, zipfile.BadZipFile, pyzipper.BadZipFile):
            raise ArchivePasswordWrong() from None
    return [member.filename for member in members]
