"""What the tool shows of each kind of record: table columns and detail fields."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

import pydantic

from ..types import (
    AdviserScreenRow,
    AdviserScreenStats,
    QuestionnaireQuestion,
    Student,
    Teacher,
    VisitStats,
    VisitStudentRow,
)
from ._output import Column


class NamedRow(Protocol):
    @property
    def title(self) -> str | None: ...
    @property
    def firstname(self) -> str | None: ...
    @property
    def lastname(self) -> str | None: ...


def thai_name(row: NamedRow) -> str:
    # The Thai title is written joined to the first name: เด็กชายสมชาย ใจดี.
    first = f"{row.title or ''}{row.firstname or ''}"
    return " ".join(part for part in (first, row.lastname or "") if part)


def person_name(row: Student | Teacher) -> str:
    return row.full_name or thai_name(row)


STUDENT_COLUMNS: list[Column[Student]] = [
    Column("ID", lambda s: s.id, "right"),
    Column("Code", lambda s: s.code),
    Column("Name", person_name),
    Column("Classroom", lambda s: s.classroom_name),
    Column("No.", lambda s: s.order_number, "right"),
    Column("Status", lambda s: s.status_text),
]

TEACHER_COLUMNS: list[Column[Teacher]] = [
    Column("ID", lambda t: t.id, "right"),
    Column("Username", lambda t: t.username),
    Column("Name", person_name),
    Column("Position", lambda t: t.emp_position),
    Column("Group", lambda t: t.teach_group),
    Column("Homeroom", lambda t: t.takecare),
]

ADVISER_SCREEN_COLUMNS: list[Column[AdviserScreenRow]] = [
    Column("Student", lambda r: r.student_id, "right"),
    Column("Code", lambda r: r.code),
    Column("Name", thai_name),
    Column("Classroom", lambda r: r.classroom_name),
    Column("No.", lambda r: r.order_number, "right"),
    Column("Screening", lambda r: r.overall),
    Column("Screened at", lambda r: r.screened_at),
]

VISIT_STUDENT_COLUMNS: list[Column[VisitStudentRow]] = [
    Column("Student", lambda r: r.student_id, "right"),
    Column("Code", lambda r: r.code),
    Column("Name", thai_name),
    Column("Classroom", lambda r: r.classroom_name),
    Column("No.", lambda r: r.order_number, "right"),
    Column("Visit", lambda r: r.overall_text or r.overall),
    Column("Visited at", lambda r: r.visited_at),
]

QUESTION_COLUMNS: list[Column[QuestionnaireQuestion]] = [
    Column("No.", lambda q: q.order_number, "right"),
    Column("Question", lambda q: q.question_text),
    Column(
        "Answers (points)",
        lambda q: "; ".join(f"{a.answer_text} ({a.answer_point})" for a in q.answers),
    ),
]


def model_fields(model: pydantic.BaseModel, prefix: str = "") -> Iterator[tuple[str, object]]:
    """Every field of a record under its API name, nested records flattened (visit.overall)."""
    for name, info in type(model).model_fields.items():
        label = prefix + (info.alias or name)
        value = getattr(model, name)
        if isinstance(value, pydantic.BaseModel):
            yield from model_fields(value, label + ".")
        else:
            yield label, value


# What each count of the care-module summaries means, for people. A field the
# schema gains later is shown under its own name, in words (total_x -> "x").
STATS_LABELS = {
    "total": "students",
    "visited": "visited",
    "not_visited": "not visited",
    "problem": "with problems",
    "normal": "normal",
    "total_normal": "normal",
    "total_risk": "at risk",
    "total_problem": "with problems",
    "total_special": "special",
    "total_genius": "gifted",
    "total_academic_special": "academic talent",
    "total_activity_special": "activity talent",
}


def stats_label(field_name: str) -> str:
    return STATS_LABELS.get(field_name) or field_name.removeprefix("total_").replace("_", " ")


def stats_rows(
    visits: VisitStats | None, screens: AdviserScreenStats | None
) -> list[tuple[str, str, object]]:
    """(module, measure, count) for the care-module summary."""
    rows: list[tuple[str, str, object]] = []
    records: tuple[tuple[str, pydantic.BaseModel | None], ...] = (
        ("home visits", visits),
        ("adviser screening", screens),
    )
    for module, record in records:
        if record is None:
            rows.append((module, "(no data)", None))
            continue
        rows.extend(
            (module, stats_label(name), getattr(record, name)) for name in type(record).model_fields
        )
    return rows


STATS_COLUMNS: list[Column[tuple[str, str, object]]] = [
    Column("Module", lambda r: r[0]),
    Column("Measure", lambda r: r[1]),
    Column("Count", lambda r: r[2], "right"),
]
