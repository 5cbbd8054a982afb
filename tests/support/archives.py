"""The password archives regional coordinators make today (WinZip-AES ZIP), for tests."""

from olymp_cli.demo.archives import winzip_aes

__all__ = ["winzip_aes"]
