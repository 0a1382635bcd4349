"""Data is school-scoped: the other school's rows are never visible."""

from __future__ import annotations

from typing import Any

import pytest

from nextschool.testing.seed import load_seed

from .helpers import Api

SEED = load_seed(2567)
MINE, THEIRS = SEED.schools[1], SEED.schools[2]
THEIR_STUDENT_IDS = {s.id for s in THEIRS.students}
THEIR_TEACHER_IDS = {t.id for t in THEIRS.teachers}


def rows(api: Api, token: str, query: str, field: str) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = api.data(query, token=token)[field]
    return result


def test_the_two_schools_do_not_overlap() -> None:
    assert len(MINE.students) > 250
    assert 50 < len(THEIRS.students) < len(MINE.students)
    assert not {s.id for s in MINE.students} & THEIR_STUDENT_IDS
    assert not {s.citizenId for s in MINE.students} & {s.citizenId for s in THEIRS.students}


def test_lists_show_only_the_callers_school(
    shared_api: Api, demo_token: str, other_token: str
) -> None:
    query = "{ students(limit: 1000) { id } teachers(limit: 1000) { id } }"
    mine = shared_api.data(query, token=demo_token)
    theirs = shared_api.data(query, token=other_token)
    assert [r["id"] for r in mine["students"]] == [s.id for s in MINE.students]
    assert [r["id"] for r in theirs["students"]] == [s.id for s in THEIRS.students]
    assert [r["id"] for r in mine["teachers"]] == [t.id for t in MINE.teachers]
    assert [r["id"] for r in theirs["teachers"]] == [t.id for t in THEIRS.teachers]


def test_paging_never_reaches_the_other_school(shared_api: Api, demo_token: str) -> None:
    seen: set[int] = set()
    offset = 0
    while True:
        page = rows(
            shared_api,
            demo_token,
            f"{{ students(limit: 100, offset: {offset}) {{ id }} }}",
            "students",
        )
        seen.update(r["id"] for r in page)
        if len(page) < 100:
            break
        offset += 100
    assert seen == {s.id for s in MINE.students}


@pytest.mark.parametrize("attribute", ["citizenId", "code", "mobileNo", "firstname"])
def test_search_and_filters_never_match_the_other_school(
    shared_api: Api, demo_token: str, attribute: str
) -> None:
    theirs = next(s for s in THEIRS.students if getattr(s, attribute))
    value = getattr(theirs, attribute)
    for args in (f'search: "{value}"', f'{attribute}: "{value}"'):
        found = rows(
            shared_api, demo_token, f"{{ students({args}, limit: 1000) {{ id }} }}", "students"
        )
        assert not {r["id"] for r in found} & THEIR_STUDENT_IDS
    if attribute == "citizenId":
        assert found == []


def test_teacher_search_never_matches_the_other_school(shared_api: Api, demo_token: str) -> None:
    theirs = THEIRS.teachers[0]
    for args in (f'search: "{theirs.email}"', f'email: "{theirs.email}"', 'email: "watthachang"'):
        found = rows(shared_api, demo_token, f"{{ teachers({args}) {{ id }} }}", "teachers")
        assert found == []


def test_by_id_is_null_for_the_other_school(
    shared_api: Api, demo_token: str, other_token: str
) -> None:
    their_student, their_teacher = THEIRS.students[0], THEIRS.teachers[0]
    query = (
        f"{{ student(id: {their_student.id}) {{ id }} teacher(id: {their_teacher.id}) {{ id }} }}"
    )
    assert shared_api.data(query, token=demo_token) == {"student": None, "teacher": None}
    assert shared_api.data(query, token=other_token) == {
        "student": {"id": their_student.id},
        "teacher": {"id": their_teacher.id},
    }


@pytest.mark.parametrize("field", ["visitStudents", "adviserScreens"])
def test_care_lists_are_scoped(
    shared_api: Api, demo_token: str, other_token: str, field: str
) -> None:
    mine = rows(shared_api, demo_token, f"{{ {field}(limit: 1000) {{ studentId }} }}", field)
    theirs = rows(shared_api, other_token, f"{{ {field}(limit: 1000) {{ studentId }} }}", field)
    assert {r["studentId"] for r in mine} == {s.id for s in MINE.students}
    assert {r["studentId"] for r in theirs} == THEIR_STUDENT_IDS
    # The other school's ids select nothing, whichever scope argument carries them.
    their_room = next(iter(THEIRS.classrooms))
    their_year = THEIRS.active_year.id
    their_semester = THEIRS.active_semester.id
    for args in (
        f"classroomId: {their_room}",
        f"academicYearId: {their_year}",
        f"semesterId: {their_semester}",
    ):
        query = f"{{ {field}({args}, limit: 1000) {{ studentId }} }}"
        assert rows(shared_api, demo_token, query, field) == []


def test_stats_count_only_the_callers_school(
    shared_api: Api, demo_token: str, other_token: str
) -> None:
    query = "{ visitStats { total } }"
    assert shared_api.data(query, token=demo_token)["visitStats"]["total"] == len(MINE.students)
    assert shared_api.data(query, token=other_token)["visitStats"]["total"] == len(THEIRS.students)
    screen = "{ adviserScreenStats { totalNormal } }"
    assert shared_api.data(screen, token=demo_token) != shared_api.data(screen, token=other_token)


def test_visit_summary_with_the_other_schools_semester_is_empty(
    shared_api: Api, demo_token: str
) -> None:
    query = (
        f"{{ teachers(limit: 1000) {{ visitSummary(semesterId: {THEIRS.active_semester.id}) "
        "{ total visited } } }"
    )
    summaries = [t["visitSummary"] for t in rows(shared_api, demo_token, query, "teachers")]
    assert summaries
    assert all(s == {"total": 0, "visited": 0} for s in summaries)


def test_templates_are_shared(shared_api: Api, demo_token: str, other_token: str) -> None:
    query = "{ sdqTemplate { id questions { id } } eqTemplate { id } }"
    assert shared_api.data(query, token=demo_token) == shared_api.data(query, token=other_token)
