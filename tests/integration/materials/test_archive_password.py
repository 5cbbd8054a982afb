"""§24: the coordinator's WinZip-AES archive and its password are checked at push, not at 08:00 —
within a budget of unpacked bytes and seconds, so that a zip bomb is refused, not unpacked."""

from __future__ import annotations

import io

import pytest
import pyzipper

from olymp_materials.domain.archive import (
    MIB,
    ArchiveBudget,
    ArchiveCheckTooSlow,
    ArchivePasswordWrong,
    ArchiveTooLarge,
    NotAPasswordArchive,
    check_archive,
)
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


def test_l_a_zip_bomb_is_refused_by_its_unpacked_size_not_unpacked() -> None:
    bomb = winzip_aes("Vsosh-2026-math", {"задания.pdf": bytes(24 * MIB)})
    assert len(bomb) < MIB  # a small upload that unpacks to 24 MiB
    with pytest.raises(ArchiveTooLarge, match="zip-бомб") as refused:
        check_archive(bomb, "Vsosh-2026-math", ArchiveBudget(max_unpacked_bytes=4 * MIB))
    assert "4 МБ" in refused.value.detail
    many = winzip_aes("Vsosh-2026-math", {f"{i}.pdf": b"%PDF" for i in range(20)})
    with pytest.raises(ArchiveTooLarge, match="20 файлов"):
        check_archive(many, "Vsosh-2026-math", ArchiveBudget(max_members=10))


def test_l_an_archive_check_stops_at_its_time_budget() -> None:
    ticks = iter(float(t) for t in range(1_000))  # every look at the clock is one second later
    archive = winzip_aes("Vsosh-2026-math", {"задания.pdf": bytes(3 * MIB)})
    with pytest.raises(ArchiveCheckTooSlow, match="не уложилась в 2 с"):
        check_archive(
            archive, "Vsosh-2026-math", ArchiveBudget(seconds=2), clock=lambda: next(ticks)
        )
