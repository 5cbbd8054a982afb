"""§123: participants with equal totals stand in alphabetical order (Russian collation)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from olymp_publishing.domain import collation_key
from olymp_publishing.domain.collation import name_part_key

RUSSIAN_LETTERS = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"


def _sorted_surnames(surnames: list[str]) -> list[str]:
    return sorted(surnames, key=name_part_key)


def test_p123_yo_sorts_as_ye() -> None:
    assert name_part_key("Ёлкина") == name_part_key("Елкина")
    assert _sorted_surnames(["Жуков", "Ершов", "Ёлкин", "Егоров"]) == [
        "Егоров",
        "Ёлкин",
        "Ершов",
        "Жуков",
    ]


def test_p123_case_does_not_matter() -> None:
    assert name_part_key("иВАНОВ") == name_part_key("Иванов")
    assert _sorted_surnames(["борисов", "Аксёнов", "Алексеев"]) == [
        "Аксёнов",
        "Алексеев",
        "борисов",
    ]


def test_p123_hyphenated_surname_follows_its_first_part_word_by_word() -> None:
    assert _sorted_surnames(["Петрова", "Петров-Водкин", "Петров", "Иванова-Петрова"]) == [
        "Иванова-Петрова",
        "Петров",
        "Петров-Водкин",
        "Петрова",
    ]
    # Any dash or stray spaces count as the same separator.
    assert name_part_key("Петров – Водкин") == name_part_key("Петров-Водкин")


def test_p123_short_i_is_a_letter_after_i() -> None:
    assert _sorted_surnames(["Кац", "Йошкин", "Ивлев", "Ия"]) == ["Ивлев", "Ия", "Йошкин", "Кац"]


def test_p123_surname_then_name_then_patronymic_empty_patronymic_first() -> None:
    people = [
        ("Иванов", "Пётр", ""),
        ("Иванов", "Иван", "Сергеевич"),
        ("Иванов", "Иван", ""),
        ("Иванова", "Анна", ""),
    ]
    assert sorted(people, key=lambda p: collation_key(*p)) == [
        ("Иванов", "Иван", ""),
        ("Иванов", "Иван", "Сергеевич"),
        ("Иванов", "Пётр", ""),
        ("Иванова", "Анна", ""),
    ]


@given(st.text(alphabet=RUSSIAN_LETTERS + "- ", max_size=20))
def test_p123_key_ignores_case_and_yo(text: str) -> None:
    plain = text.replace("ё", "е")
    assert name_part_key(text) == name_part_key(plain.upper()) == name_part_key(text.title())


@given(st.lists(st.text(alphabet="абвгдежзийклмнопрстуфхцчшщъыьэюя", min_size=1), min_size=2))
def test_p123_single_words_follow_the_alphabet(words: list[str]) -> None:
    alphabet = "абвгдежзийклмнопрстуфхцчшщъыьэюя"
    by_alphabet = sorted(words, key=lambda word: [alphabet.index(ch) for ch in word])
    assert sorted(words, key=name_part_key) == by_alphabet
