"""The Cyrillic font every PDF of the suite is set in: DejaVu Sans.

Looked up where Linux distributions and macOS install it (`scripts/bootstrap.sh` and the image
install Debian's fonts-dejavu-core when it is missing); a missing font is an error that names the
package and the variable that points elsewhere.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from olymp_core.errors import DomainError

FONT_ENV: Final = "OLYMP_FONT_DIR"
FONT_DIRS: Final = (
    "/usr/share/fonts/truetype/dejavu",  # Debian, Ubuntu: fonts-dejavu-core
    "/usr/share/fonts/dejavu",  # Fedora
    "/usr/share/fonts/TTF",  # Arch
    "/usr/local/share/fonts",
    "/Library/Fonts",
)
REGULAR_FILE: Final = "DejaVuSans.ttf"
BOLD_FILE: Final = "DejaVuSans-Bold.ttf"
REGULAR: Final = "OlympSans"
BOLD: Final = "OlympSans-Bold"


class FontMissing(DomainError):
    """No Cyrillic TrueType font on this machine: no PDF until one is installed."""

    type_ = "font-missing"
    title = "Нет шрифта для документов PDF"


def find_font_dir(directories: Sequence[str | Path] | None = None) -> Path:
    """The first directory holding DejaVu Sans: `$OLYMP_FONT_DIR`, then the usual places."""
    if directories is None:
        directories = [*([os.environ[FONT_ENV]] if os.environ.get(FONT_ENV) else []), *FONT_DIRS]
    for directory in directories:
        if (Path(directory) / REGULAR_FILE).is_file():
            return Path(directory)
    raise FontMissing(
        f"Не найден шрифт DejaVu Sans ({REGULAR_FILE}) для кириллицы в документах PDF. Установите"
        " пакет fonts-dejavu-core (apt-get install fonts-dejavu-core) или укажите каталог со"
        f" шрифтом в переменной окружения {FONT_ENV}."
    )


def register_fonts() -> tuple[str, str]:
    """Register the regular and bold faces with reportlab (once); their names."""
    if REGULAR in pdfmetrics.getRegisteredFontNames():
        return REGULAR, BOLD
    directory = find_font_dir()
    pdfmetrics.registerFont(TTFont(REGULAR, str(directory / REGULAR_FILE)))
    bold = directory / BOLD_FILE
    pdfmetrics.registerFont(TTFont(BOLD, str(bold if bold.is_file() else directory / REGULAR_FILE)))
    return REGULAR, BOLD
