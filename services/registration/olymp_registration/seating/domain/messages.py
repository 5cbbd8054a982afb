"""The Russian wording of seating reports: what cannot be seated, where, and what to do."""

from __future__ import annotations

from collections.abc import Sequence

from olymp_registration.seating.domain.model import Candidate, PlannedRoom

# How many names a report lists before it says «и ещё N».
NAMES_SHOWN = 5


def plural(count: int, one: str, few: str, many: str) -> str:
    """«1 участник», «3 участника», «11 участников»."""
    tens, units = count % 100, count % 10
    if 11 <= tens <= 14:
        word = many
    elif units == 1:
        word = one
    elif 2 <= units <= 4:
        word = few
    else:
        word = many
    return f"{count} {word}"


def participants(count: int) -> str:
    return plural(count, "участник", "участника", "участников")


def desks(count: int) -> str:
    return plural(count, "парта", "парты", "парт")


def places(count: int) -> str:
    return plural(count, "место", "места", "мест")


def places_lacking(count: int) -> str:
    """«не хватает 1 места», «не хватает 3 мест»"""
    return plural(count, "места", "мест", "мест")


def desks_for(count: int) -> str:
    """«на 1 парту», «на 4 парты», «на 10 парт»"""
    return "на " + plural(count, "парту", "парты", "парт")


def grade_group(grade: int, special: bool) -> str:
    """«7 класс» or «7 класс, участники с особыми условиями»."""
    return f"{grade} класс" + (", участники с особыми условиями (§12)" if special else "")


def names(people: Sequence[Candidate]) -> str:
    shown = ", ".join(f"{p.full_name} ({p.school})" for p in people[:NAMES_SHOWN])
    rest = len(people) - NAMES_SHOWN
    return shown + (f" и ещё {rest}" if rest > 0 else "")


def rooms_with_desks(rooms: Sequence[PlannedRoom]) -> str:
    if len(rooms) > NAMES_SHOWN:
        return f"{len(rooms)} аудиторий"
    return ", ".join(f"«{room.name}» — {desks(room.desks)}" for room in rooms)


def no_room(grade: int, special: bool, people: Sequence[Candidate]) -> str:
    if special:
        return (
            f"{grade} класс: у {plural(len(people), 'участника', 'участников', 'участников')} "
            "указаны особые условия (§12) — "
            f"{names(people)}; в плане рассадки нет аудитории, выбранной для участников "
            f"{grade} класса с особыми условиями. Отметьте в плане такую аудиторию для "
            f"{grade} класса (в ней сидят только участники с особыми условиями)."
        )
    return (
        f"{grade} класс: {participants(len(people))} этой площадки, а в плане рассадки нет "
        f"аудитории для {grade} класса. Добавьте в план аудиторию для {grade} класса "
        f"(нужно {places(len(people))})."
    )


def too_few_desks(
    grade: int, special: bool, count: int, rooms: Sequence[PlannedRoom], shared_with: Sequence[str]
) -> str:
    available = sum(room.desks for room in rooms)
    group = grade_group(grade, special)
    if count > available:
        return (
            f"{group}: {participants(count)}, а в аудиториях для них "
            f"{desks(available)} ({rooms_with_desks(rooms)}): не хватает "
            f"{places_lacking(count - available)}. За каждой партой сидит один участник (§40): добавьте "
            f"в план аудиторию для {grade} класса или увеличьте число парт."
        )
    return (
        f"{group}: {participants(count)}, в аудиториях для них {desks(available)} "
        f"({rooms_with_desks(rooms)}), но эти аудитории нужны и участникам "
        f"({', '.join(shared_with)}), и на всех мест не хватает. Добавьте в план аудиторию для "
        f"{grade} класса или увеличьте число парт."
    )


def rooms_named(rooms: Sequence[PlannedRoom]) -> str:
    """«в аудитории «Кабинет 12» (7 класс, 25 парт)», or of several, or «в 12 аудиториях»."""
    grades = sorted({g for room in rooms for g in room.grades})
    grade_text = ", ".join(str(g) for g in grades) + (" класс" if len(grades) == 1 else " классы")
    if all(room.special_conditions for room in rooms):
        grade_text += ", участники с особыми условиями"
    total = sum(room.desks for room in rooms)
    if len(rooms) == 1:
        return f"в аудитории «{rooms[0].name}» ({grade_text}, {desks(total)})"
    if len(rooms) <= NAMES_SHOWN:
        named = ", ".join(f"«{room.name}»" for room in rooms)
        return f"в аудиториях {named} ({grade_text}, всего {desks(total)})"
    return f"в {len(rooms)} аудиториях ({grade_text}, всего {desks(total)})"


def school_too_large(school: str, count: int, rooms: Sequence[PlannedRoom]) -> str:
    limit = sum(room.neighbour_limit for room in rooms)
    excess = count - limit
    return (
        f"{school}: {participants(count)} {rooms_named(rooms)}, а так, чтобы соседи слева, "
        f"справа, спереди и сзади были из разных школ (§30), можно посадить не больше {limit} "
        f"участников одной школы: лишних {excess}. Добавьте в план для этих классов аудиторию "
        f"не меньше чем {desks_for(2 * excess)} (или столько парт в выбранные аудитории): "
        "участники одной школы сидят через парту."
    )


def room_unsolved(room: PlannedRoom) -> str:
    return (
        f"Аудиторию {room.label} не удалось рассадить так, чтобы соседи были из разных школ "
        "(§30). Добавьте в план ещё одну аудиторию для этих классов и повторите рассадку."
    )
