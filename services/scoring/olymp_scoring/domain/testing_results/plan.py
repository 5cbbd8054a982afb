"""What importing a results file would change, or every reason it cannot be imported (§60, §67).

Each row must name a participant whose work of this subject and grade scoring holds (the work of an
uncoded subject carries the registration number, §60), and every such work must have its row: the
file replaces the grade's points as a whole. A work annulled earlier (a removal, §53) keeps its
annulment; its row is passed over and named. The same file again changes nothing; a corrected file
changes the points of the works it corrects, each with its points before and after.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from olymp_scoring.domain.testing_results.problems import Problem, ResultsFileRejected, shown
from olymp_scoring.domain.testing_results.reading import ResultsFile
from olymp_scoring.domain.work import WorkStatus

# the works a refusal names when many rows are missing: the rest are counted
MISSING_NAMED = 10


@dataclass(frozen=True)
class ImportTarget:
    """A work of the grade as it stands: its status, the points imported last, and whether a
    later decision (an appeal, §116, or a correction, §120) fixed its scores over them."""

    status: WorkStatus
    imported: Mapping[int, Decimal] | None
    scores_fixed: bool = False


@dataclass(frozen=True)
class Change:
    work_code: str
    before: dict[int, Decimal] | None
    after: dict[int, Decimal]


@dataclass(frozen=True)
class ImportPlan:
    changes: tuple[Change, ...]
    unchanged: tuple[str, ...]
    annulled_rows: tuple[str, ...]  # registration numbers of annulled works, passed over
    ignored_columns: tuple[str, ...]

    @property
    def rows(self) -> int:
        return len(self.changes) + len(self.unchanged) + len(self.annulled_rows)


def plan_import(
    results: ResultsFile,
    works: Mapping[str, ImportTarget],
    other_grades: Mapping[str, int],
    *,
    subject_name: str,
    grade: int,
) -> ImportPlan:
    """The changes the file makes to `works` (the grade's works by code); ResultsFileRejected
    with every problem of the file when any row cannot be imported."""
    problems = list(results.problems)
    where = f"по предмету «{subject_name}», {grade} класс"
    changes: list[Change] = []
    unchanged: list[str] = []
    annulled: list[str] = []
    named: set[str] = set(results.named)
    for row in results.rows:
        code = row.registration_number
        target = works.get(code)
        if target is None:
            elsewhere = other_grades.get(code)
            if elsewhere is not None:
                what = (
                    f"участник «{row.as_typed}» выполнял задания {elsewhere} класса: загрузите "
                    f"его результат в файле {elsewhere} класса и удалите строку из этого файла."
                )
            else:
                what = (
                    f"участника с регистрационным номером «{row.as_typed}» нет среди работ {where}."
                    " Проверьте номер по списку участников (логин в тестирующей системе должен "
                    "совпадать с регистрационным номером); участника, который не явился, из файла "
                    "удалите."
                )
            problems.append(Problem(row.line, row.column, shown(row.as_typed), what))
            continue
        named.add(code)
        if target.status is WorkStatus.ANNULLED:
            annulled.append(code)
            continue
        if target.imported is not None and dict(target.imported) == row.points:
            unchanged.append(code)
            continue
        if target.scores_fixed:
            problems.append(
                Problem(
                    row.line,
                    row.column,
                    shown(row.as_typed),
                    f"баллы участника «{row.as_typed}» уже изменены решением апелляционной "
                    "комиссии или исправлением технической ошибки: файл их не заменяет. Верните в "
                    "строке прежние баллы; ошибку исправляют как техническую (п. 120).",
                )
            )
            continue
        before = dict(target.imported) if target.imported is not None else None
        changes.append(Change(code, before, dict(row.points)))
    missing = sorted(
        code
        for code, target in works.items()
        if code not in named and target.status is not WorkStatus.ANNULLED
    )
    if missing:
        listed = ", ".join(f"«{code}»" for code in missing[:MISSING_NAMED])
        more = f" и ещё {len(missing) - MISSING_NAMED}" if len(missing) > MISSING_NAMED else ""
        problems.append(
            Problem(
                None,
                None,
                "",
                f"В файле нет результатов участников {where} (всего {len(missing)}): "
                f"{listed}{more}. Файл заменяет результаты всего класса: добавьте строку каждому "
                "участнику, сдавшему работу (с нулями, если он не отправил ни одного решения).",
            )
        )
    if problems:
        raise ResultsFileRejected(problems)
    return ImportPlan(tuple(changes), tuple(unchanged), tuple(annulled), results.ignored_columns)
