"""Synthetic scanned pages: A4 paper, a code label in the top right corner, handwriting-like lines."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from olymp_cli.demo.sheets import (
    A4_MM,
    INK,
    PAPER,
    QR_SIDE_MM,
    PageMaker,
    encode,
    make_page_image,
    qr_label,
    scribble,
)
from olymp_coding.domain import generate_code

__all__ = [
    "A4_MM",
    "INK",
    "PAPER",
    "QR_SIDE_MM",
    "PageMaker",
    "encode",
    "make_page_image",
    "qr_label",
    "scribble",
]


@pytest.fixture
def codes() -> Callable[..., list[str]]:
    def make(count: int, prefix: str = "MA", seed: int = 7) -> list[str]:
        rng = random.Random(seed)
        issued: set[str] = set()
        for _ in range(count):
            issued.add(generate_code(rng, issued, prefix))
        return sorted(issued)

    return make


@pytest.fixture
def page_image() -> PageMaker:
    return make_page_image


@pytest.fixture
def encoded() -> Callable[..., bytes]:
    return encode
