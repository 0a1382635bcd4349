"""Care Module reads: home visits and adviser screening over one school."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from nextschool.testing.models import VISIT_OVERALL_TEXT, AdviserScreen, Enrolment, HomeVisit
from nextschool.testing.queries import bad_input, page_bounds
from nextschool.testing.seed import SchoolWorld

CARE_DEFAULT_LIMIT = 50

_VISIT_STATUS = {
    "all": None,
    "visited": {"NORMAL", "PROBLEM"},
    "not_visited": {"NOT_VISITED"},
    "problem": {"PROBLEM"},
    "normal": {"NORMAL"},
}
_SCREEN_STATUS = {
    "all": None,
    "special": {"SPECIAL"},
    "talent": {"TALENT"},
    "problem": {"PROBLEM"},
    "risk": {"RISK"},
    "normal": {"NORMAL"},
    "not_screened": {"NOT_SCREENED"},
}


@dataclass(frozen=True, slots=True)
class Scope:
    """The academic year and semesters a care query covers."""

    academic_year_id: int
    semester_ids: tuple[int, ...]


def scope_of(
    world: SchoolWorld, academic_year_id: int | None, semester_id: int | None
) -> Scope | None:
    """The semesters a care query looks at, or None when the ids are not this school's.

    `semesterId` overrides `academicYearId`; neither means the active year.
    """
    if semester_id is not None:
        for semester in world.semesters:
            if semester.id == semester_id:
                return Scope(semester.academic_year_id, (semester.id,))
        return None
    year_id = world.active_year.id if academic_year_id is None else academic_year_id
    semesters = tuple(s.id for s in world.semesters if s.academic_year_id == year_id)
    return Scope(year_id, semesters) if semesters else None


def _enrolled(
    world: SchoolWorld, scope: Scope, classroom_ids: tuple[int, ...] | None
) -> Iterator[Enrolment]:
    for enrolment in world.enrolments.get(scope.academic_year_id, ()):
        if classroom_ids is None or enrolment.classroom.id in classroom_ids:
            yield enrolment


def _visit(world: SchoolWorld, student_id: int, scope: Scope) -> HomeVisit | None:
    # One row per student: a semester with a visit wins, the latest visit first.
    best: HomeVisit | None = None
    for semester_id in scope.semester_ids:
        visit = world.visits.get((student_id, semester_id))
        if visit is not None and (best is None or visit.visited_at > best.visited_at):
            best = visit
    return best


def _screen(world: SchoolWorld, student_id: int, scope: Scope) -> AdviserScreen | None:
    # One row per student: the latest screened record wins.
    best: AdviserScreen | None = None
    for semester_id in scope.semester_ids:
        screen = world.screens.get((student_id, semester_id))
        if screen is not None and (best is None or screen.screened_at > best.screened_at):
            best = screen
    return best


def _status(args: dict[str, Any], table: dict[str, set[str] | None]) -> set[str] | None:
    status = args.get("status") or "all"
    if status not in table:
        raise bad_input(f"status must be one of {', '.join(table)}")
    return table[status]


def _row_base(world: SchoolWorld, enrolment: Enrolment) -> dict[str, Any]:
    student = world.students_by_id[enrolment.student_id]
    return {
        "studentId": student.id,
        "code": student.code,
        "title": student.title,
        "firstname": student.firstname,
        "lastname": student.lastname,
        "classroomName": enrolment.classroom.name,
        "orderNumber": enrolment.order_number,
    }


def visit_students(world: SchoolWorld, args: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows of `visitStudents` for the query arguments `args`."""
    limit, offset = page_bounds(args, CARE_DEFAULT_LIMIT)
    wanted = _status(args, _VISIT_STATUS)
    scope = scope_of(world, args.get("academicYearId"), args.get("semesterId"))
    if scope is None:
        return []
    classroom = args.get("classroomId")
    rows: list[dict[str, Any]] = []
    for enrolment in _enrolled(world, scope, None if classroom is None else (classroom,)):
        visit = _visit(world, enrolment.student_id, scope)
        overall = visit.overall if visit else "NOT_VISITED"
        if wanted is not None and overall not in wanted:
            continue
        row = _row_base(world, enrolment)
        row["visitId"] = visit.id if visit else None
        row["visitedAt"] = visit.visited_at if visit else None
        row["overall"] = overall
        row["overallText"] = VISIT_OVERALL_TEXT[overall]
        rows.append(row)
    return rows[offset : offset + limit]


def visit_stats(
    world: SchoolWorld, scope: Scope | None, classroom_ids: tuple[int, ...] | None = None
) -> dict[str, int]:
    """The `visitStats` totals in `scope`, optionally for some classrooms only."""
    stats = {"total": 0, "visited": 0, "notVisited": 0, "problem": 0, "normal": 0}
    if scope is None:
        return stats
    for enrolment in _enrolled(world, scope, classroom_ids):
        visit = _visit(world, enrolment.student_id, scope)
        stats["total"] += 1
        if visit is None:
            stats["notVisited"] += 1
            continue
        stats["visited"] += 1
        stats["problem" if visit.overall == "PROBLEM" else "normal"] += 1
    return stats


def adviser_screens(world: SchoolWorld, args: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows of `adviserScreens` for the query arguments `args`."""
    limit, offset = page_bounds(args, CARE_DEFAULT_LIMIT)
    wanted = _status(args, _SCREEN_STATUS)
    scope = scope_of(world, args.get("academicYearId"), args.get("semesterId"))
    if scope is None:
        return []
    classroom = args.get("classroomId")
    rows: list[dict[str, Any]] = []
    for enrolment in _enrolled(world, scope, None if classroom is None else (classroom,)):
        screen = _screen(world, enrolment.student_id, scope)
        overall = screen.overall if screen else "NOT_SCREENED"
        if wanted is not None and overall not in wanted:
            continue
        row = _row_base(world, enrolment)
        row["screenId"] = screen.id if screen else None
        row["screenedAt"] = screen.screened_at if screen else None
        row["overall"] = overall
        rows.append(row)
    return rows[offset : offset + limit]


def adviser_screen_stats(world: SchoolWorld) -> dict[str, int]:
    """Counts over the active academic year.

    The four overall totals count students by their overall result; the
    genius/academic/activity totals count the flags, which can overlap.
    """
    scope = scope_of(world, None, None)
    stats: dict[str, int] = dict.fromkeys(
        (
            "totalSpecial",
            "totalNormal",
            "totalRisk",
            "totalProblem",
            "totalGenius",
            "totalAcademicSpecial",
            "totalActivitySpecial",
        ),
        0,
    )
    if scope is None:
        return stats
    overall_key = {
        "SPECIAL": "totalSpecial",
        "NORMAL": "totalNormal",
        "RISK": "totalRisk",
        "PROBLEM": "totalProblem",
    }
    for enrolment in _enrolled(world, scope, None):
        screen = _screen(world, enrolment.student_id, scope)
        if screen is None:
            continue
        key = overall_key.get(screen.overall)
        if key:
            stats[key] += 1
        stats["totalGenius"] += screen.is_genius
        stats["totalAcademicSpecial"] += screen.is_academic_special
        stats["totalActivitySpecial"] += screen.is_activity
    return stats
