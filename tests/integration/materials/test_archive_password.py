"""§24: the coordinator's WinZip-AES archive and its password are checked at push, not at 08:00."""

from __future__ import annotations

import io

import pytest
import pyzipper

from olymp_materials.domain.archive import ArchivePasswordWrong, NotAPasswordArchive, check_archive
from tests.support.archives import winzip_aes

FILES = {"задания_9.pdf": b"%PDF-1.4 tasks", "бланк_ответов.pdf": b"%PDF-1.4 form"}


def test_p24_archive_that_opens_with_its_password_is_accepted_and_listed() -> None:
    names = check_archive(winzip_aes("Vsosh-2026-math", FILES), "Vsosh-2026-math")
    assert sorted(names) == sorted(FILES)


def test_p24_wrong_password_is_refused_at_push_with_what_to_do() -> None:
    with pytest.raises(ArchivePasswordWrong, match="не открывается"):
        check_archive(winzip_aes("Vsosh-2026-math", FILES), "Vsosh-2026-mat")


def test_p24_a_password_with_a_file_that_is_not_an_archive_is_refused() -> None:
    with pytest.raises(NotAPasswordArchive, match="ZIP"):
        check_archive(b"%PDF-1.4 not an archive", "Vsosh-2026-math")


def test_p24_an_archive_without_encryption_is_refused_when_a_password_is_given() -> None:
    buffer = io.BytesIO()
    with pyzipper.ZipFile(buffer, "w") as archive:
        archive.writestr("задания.pdf", b"%PDF-1.4")
    with pytest.raises(NotAPasswordArchive, match="не защищён паролем"):
        check_archive(buffer.getvalue(), "Vsosh-2026-math")
