"""Lists, filters, search, paging and the Care Module queries."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nextschool.testing.seed import load_seed

from .helpers import Api

STUDENT_FIELDS = "id code firstname lastname mobileNo citizenId classroomName"
TEACHER_FIELDS = "id username firstname lastname email mobileNo status"
VISIT_ROW = "studentId classroomName orderNumber visitId visitedAt overall overallText"
SCREEN_ROW = "studentId classroomName orderNumber screenId screenedAt overall"

WORLD = load_seed(2567).schools[1]
YEAR_PREVIOUS, YEAR_ACTIVE = (y.id for y in WORLD.years)
SEMESTERS = {(s.academic_year_id, s.term): s.id for s in WORLD.semesters}


def students(api: Api, token: str, args: str = "", fields: str = STUDENT_FIELDS) -> Any:
    query = f"{{ students{f'({args})' if args else ''} {{ {fields} }} }}"
    return api.data(query, token=token)["students"]


def all_students(api: Api, token: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = students(api, token, "limit: 1000")
    return rows


def ids(rows: list[dict[str, Any]], key: str = "id") -> list[int]:
    return [row[key] for row in rows]


def test_students_default_page_is_20_sorted_by_id(shared_api: Api, demo_token: str) -> None:
    rows = students(shared_api, demo_token)
    everyone = all_students(shared_api, demo_token)
    assert 250 <= len(everyone) <= 400
    assert ids(rows) == ids(everyone)[:20]
    assert ids(everyone) == sorted(ids(everyone))


def test_limit_and_offset_page_through(shared_api: Api, demo_token: str) -> None:
    everyone = ids(all_students(shared_api, demo_token))
    pages: list[int] = []
    offset = 0
    while True:
        page = ids(students(shared_api, demo_token, f"limit: 64, offset: {offset}", "id"))
        pages.extend(page)
        if len(page) < 64:
            break
        offset += 64
    assert pages == everyone
    assert students(shared_api, demo_token, "limit: 0") == []
    assert students(shared_api, demo_token, "offset: 100000") == []


def test_explicit_null_means_the_default(shared_api: Api, demo_token: str) -> None:
    query = "query($l: Int, $o: Int) { students(limit: $l, offset: $o) { id } }"
    body = shared_api.data(query, {"l": None, "o": None}, token=demo_token)
    assert ids(body["students"]) == ids(students(shared_api, demo_token, fields="id"))
    care = "query($l: Int) { visitStudents(limit: $l) { studentId } }"
    assert len(shared_api.data(care, {"l": None}, token=demo_token)["visitStudents"]) == 50


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ("limit: -1", "limit"),
        ("limit: 1001", "limit"),
        ("offset: -5", "offset"),
    ],
)
@pytest.mark.parametrize("field", ["students", "teachers", "visitStudents", "adviserScreens"])
def test_out_of_range_paging_is_bad_user_input(
    shared_api: Api, demo_token: str, args: str, message: str, field: str
) -> None:
    key = "studentId" if field in ("visitStudents", "adviserScreens") else "id"
    body = shared_api.gql(f"{{ {field}({args}) {{ {key} }} }}", token=demo_token)
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT"}
    assert message in error["message"]
    assert error["path"] == [field]


def test_limit_1000_is_allowed(shared_api: Api, demo_token: str) -> None:
    assert len(students(shared_api, demo_token, "limit: 1000", "id")) > 250


def test_partial_filters_are_case_insensitive_substrings(shared_api: Api, demo_token: str) -> None:
    everyone = all_students(shared_api, demo_token)
    some = everyone[17]
    piece = some["firstname"][1:4]
    rows = students(shared_api, demo_token, f'limit: 1000, firstname: "{piece}"')
    assert ids(rows) == [r["id"] for r in everyone if piece in r["firstname"]]
    assert some["id"] in ids(rows)
    code_rows = students(shared_api, demo_token, 'limit: 1000, code: "670"')
    assert ids(code_rows) == [r["id"] for r in everyone if "670" in r["code"]]
    assert code_rows
    last = some["lastname"]
    assert some["id"] in ids(students(shared_api, demo_token, f'limit: 1000, lastname: "{last}"'))
    teachers = shared_api.data(
        f'{{ teachers(limit: 1000, email: "NONGBUA.AC") {{ {TEACHER_FIELDS} }} }}',
        token=demo_token,
    )["teachers"]
    assert teachers
    assert all("nongbua.ac" in t["email"] for t in teachers)


def test_mobile_and_citizen_id_are_exact(shared_api: Api, demo_token: str) -> None:
    everyone = all_students(shared_api, demo_token)
    some = next(r for r in everyone[40:] if r["mobileNo"])
    assert ids(students(shared_api, demo_token, f'mobileNo: "{some["mobileNo"]}"')) == [some["id"]]
    assert students(shared_api, demo_token, f'mobileNo: "{some["mobileNo"][:-1]}"') == []
    citizen = some["citizenId"]
    assert ids(students(shared_api, demo_token, f'citizenId: "{citizen}"')) == [some["id"]]
    assert students(shared_api, demo_token, f'citizenId: "{citizen[1:]}"') == []


def test_filters_combine_with_and(shared_api: Api, demo_token: str) -> None:
    everyone = all_students(shared_api, demo_token)
    some = everyone[60]
    rows = students(
        shared_api,
        demo_token,
        f'limit: 1000, firstname: "{some["firstname"]}", lastname: "{some["lastname"]}"',
    )
    expected = [
        r["id"]
        for r in everyone
        if some["firstname"] in r["firstname"] and some["lastname"] in r["lastname"]
    ]
    assert ids(rows) == expected
    assert len(expected) < len([r for r in everyone if some["firstname"] in r["firstname"]])


def test_search_matches_any_documented_field(shared_api: Api, demo_token: str) -> None:
    everyone = all_students(shared_api, demo_token)
    some = everyone[5]
    for term in (some["code"], some["firstname"], some["lastname"], some["citizenId"]):
        assert some["id"] in ids(students(shared_api, demo_token, f'limit: 1000, search: "{term}"'))
    assert some["mobileNo"] is None or some["id"] in ids(
        students(shared_api, demo_token, f'limit: 1000, search: "{some["mobileNo"]}"')
    )
    # Thai search terms, as in the docs' example.
    thai = students(shared_api, demo_token, 'limit: 1000, search: "สม"')
    assert thai
    assert all("สม" in r["firstname"] or "สม" in r["lastname"] for r in thai), (
        "a Thai term can only match names"
    )


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(term=st.text(alphabet="0123456789สมชายใจดีกนพร", min_size=1, max_size=3))
def test_search_agrees_with_a_reference_filter(shared_api: Api, demo_token: str, term: str) -> None:
    fields = ("code", "firstname", "lastname", "mobileNo", "citizenId")
    expected = [s.id for s in WORLD.students if any(term in (getattr(s, f) or "") for f in fields)]
    query = "query($t: String) { students(search: $t, limit: 1000) { id } }"
    assert ids(shared_api.data(query, {"t": term}, token=demo_token)["students"]) == expected


def test_students_and_teachers_by_id(shared_api: Api, demo_token: str) -> None:
    student = WORLD.students[3]
    body = shared_api.data(
        f"{{ student(id: {student.id}) {{ id fullName }} teacher(id: 3) {{ id username }} "
        "missing: student(id: 999999) { id } }",
        token=demo_token,
    )
    assert body["student"] == {"id": student.id, "fullName": student.fullName}
    assert body["teacher"] == {"id": 3, "username": WORLD.teachers_by_id[3].username}
    assert body["missing"] is None


def test_teachers_filters(shared_api: Api, demo_token: str) -> None:
    everyone = shared_api.data(
        f"{{ teachers(limit: 1000) {{ {TEACHER_FIELDS} }} }}", token=demo_token
    )["teachers"]
    assert len(everyone) == len(WORLD.teachers)
    assert len(shared_api.data("{ teachers { id } }", token=demo_token)["teachers"]) == 20
    away = shared_api.data("{ teachers(status: 2) { id status } }", token=demo_token)["teachers"]
    assert away
    assert away == [{"id": t["id"], "status": 2} for t in everyone if t["status"] == 2]
    some = everyone[4]
    by_username = shared_api.data(
        f'{{ teachers(username: "{some["username"][:5].upper()}") {{ id }} }}', token=demo_token
    )["teachers"]
    assert some["id"] in ids(by_username)
    by_search = shared_api.data(
        f'{{ teachers(search: "{some["email"]}") {{ id }} }}', token=demo_token
    )["teachers"]
    assert ids(by_search) == [some["id"]]
    by_mobile = shared_api.data(
        f'{{ teachers(mobileNo: "{some["mobileNo"]}") {{ id }} }}', token=demo_token
    )["teachers"]
    assert ids(by_mobile) == [some["id"]]


def test_teacher_fields(shared_api: Api, demo_token: str) -> None:
    query = """{ teachers(limit: 1000) { id title firstname lastname fullName takecare
                 empPosition statusText type imageURI profilePic } }"""
    teachers = shared_api.data(query, token=demo_token)["teachers"]
    for teacher in teachers:
        assert teacher["title"] in ("นาย", "นาง", "นางสาว")
        assert (
            teacher["fullName"] == f"{teacher['title']}{teacher['firstname']} {teacher['lastname']}"
        )
        assert teacher["statusText"]
        assert (teacher["imageURI"] is None) == (teacher["profilePic"] is None)
    homerooms = [t["takecare"] for t in teachers if t["takecare"]]
    rooms = {room for value in homerooms for room in value.split(", ")}
    assert rooms == {f"ม.{level}/{room}" for level in range(1, 7) for room in (1, 2)}


def test_visit_students_default_scope_and_page(shared_api: Api, demo_token: str) -> None:
    rows = shared_api.data(f"{{ visitStudents {{ {VISIT_ROW} }} }}", token=demo_token)[
        "visitStudents"
    ]
    assert len(rows) == 50
    everyone = shared_api.data(
        f"{{ visitStudents(limit: 1000) {{ {VISIT_ROW} }} }}", token=demo_token
    )["visitStudents"]
    # The active year: every current student, once, sorted by student id.
    assert ids(everyone, "studentId") == [s.id for s in WORLD.students]
    assert rows == everyone[:50]
    texts = {"NOT_VISITED": "ยังไม่เยี่ยม", "NORMAL": "ปกติ", "PROBLEM": "มีปัญหา"}
    for row in everyone:
        assert row["overallText"] == texts[row["overall"]]
        assert (row["visitId"] is None) == (row["overall"] == "NOT_VISITED")
        assert (row["visitedAt"] is None) == (row["visitId"] is None)
    assert {row["overall"] for row in everyone} == set(texts)


@pytest.mark.parametrize(
    ("status", "overalls"),
    [
        ("visited", {"NORMAL", "PROBLEM"}),
        ("not_visited", {"NOT_VISITED"}),
        ("problem", {"PROBLEM"}),
        ("normal", {"NORMAL"}),
        ("all", {"NORMAL", "PROBLEM", "NOT_VISITED"}),
    ],
)
def test_visit_students_status(
    shared_api: Api, demo_token: str, status: str, overalls: set[str]
) -> None:
    everyone = shared_api.data(
        "{ visitStudents(limit: 1000) { studentId overall } }", token=demo_token
    )["visitStudents"]
    rows = shared_api.data(
        f'{{ visitStudents(limit: 1000, status: "{status}") {{ studentId overall }} }}',
        token=demo_token,
    )["visitStudents"]
    assert rows
    assert rows == [r for r in everyone if r["overall"] in overalls]


def test_semester_overrides_academic_year(shared_api: Api, demo_token: str) -> None:
    semester = SEMESTERS[(YEAR_PREVIOUS, 1)]
    query = (
        "query($y: Int, $s: Int) { visitStudents(academicYearId: $y, semesterId: $s, "
        "limit: 1000) { studentId visitedAt classroomName } }"
    )
    by_semester = shared_api.data(query, {"s": semester}, token=demo_token)["visitStudents"]
    overridden = shared_api.data(query, {"y": YEAR_ACTIVE, "s": semester}, token=demo_token)[
        "visitStudents"
    ]
    assert by_semester == overridden
    # Last year had no ม.1 of today's students, and visits are from that term.
    assert len(by_semester) < len(WORLD.students)
    visited = [r["visitedAt"] for r in by_semester if r["visitedAt"]]
    assert visited
    assert all(v.startswith("2023-") for v in visited)


def test_academic_year_scope_changes_rows(shared_api: Api, demo_token: str) -> None:
    query = (
        "query($y: Int) { visitStudents(academicYearId: $y, limit: 1000) "
        "{ studentId classroomName } }"
    )
    active = shared_api.data(query, {"y": YEAR_ACTIVE}, token=demo_token)["visitStudents"]
    previous = shared_api.data(query, {"y": YEAR_PREVIOUS}, token=demo_token)["visitStudents"]
    default = shared_api.data(query, {}, token=demo_token)["visitStudents"]
    assert default == active
    now = {r["studentId"]: r["classroomName"] for r in active}
    for row in previous:
        # Everyone moved up one level since last year.
        level_then = int(row["classroomName"][2])
        assert int(now[row["studentId"]][2]) == level_then + 1


def test_classroom_filter(shared_api: Api, demo_token: str) -> None:
    room = next(
        r
        for r in WORLD.classrooms.values()
        if r.academic_year_id == YEAR_ACTIVE and r.name == "ม.2/1"
    )
    for field in ("visitStudents", "adviserScreens"):
        rows = shared_api.data(
            f"{{ {field}(classroomId: {room.id}, limit: 1000) {{ classroomName orderNumber }} }}",
            token=demo_token,
        )[field]
        assert rows
        assert {r["classroomName"] for r in rows} == {"ม.2/1"}
        assert sorted(r["orderNumber"] for r in rows) == list(range(1, len(rows) + 1))
    # A classroom of another year is outside the default scope.
    old_room = next(r for r in WORLD.classrooms.values() if r.academic_year_id == YEAR_PREVIOUS)
    assert (
        shared_api.data(
            f"{{ visitStudents(classroomId: {old_room.id}) {{ studentId }} }}", token=demo_token
        )["visitStudents"]
        == []
    )


@pytest.mark.parametrize("field", ["visitStudents", "adviserScreens"])
def test_unknown_status_is_bad_user_input(shared_api: Api, demo_token: str, field: str) -> None:
    body = shared_api.gql(f'{{ {field}(status: "sideways") {{ studentId }} }}', token=demo_token)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_visit_stats_match_the_list(shared_api: Api, demo_token: str) -> None:
    body = shared_api.data(
        "{ visitStats { total visited notVisited problem normal } "
        "visitStudents(limit: 1000) { overall } }",
        token=demo_token,
    )
    overalls = [r["overall"] for r in body["visitStudents"]]
    assert body["visitStats"] == {
        "total": len(overalls),
        "visited": len(overalls) - overalls.count("NOT_VISITED"),
        "notVisited": overalls.count("NOT_VISITED"),
        "problem": overalls.count("PROBLEM"),
        "normal": overalls.count("NORMAL"),
    }


def test_teacher_visit_summary(shared_api: Api, demo_token: str) -> None:
    query = (
        "query($s: Int) { teachers(limit: 1000) { id takecare visitSummary(semesterId: $s) "
        "{ total visited notVisited problem normal } } }"
    )
    teachers = shared_api.data(query, {}, token=demo_token)["teachers"]
    for teacher in teachers:
        summary = teacher["visitSummary"]
        assert summary["total"] == summary["visited"] + summary["notVisited"]
        assert summary["visited"] == summary["problem"] + summary["normal"]
        assert (summary["total"] > 0) == bool(teacher["takecare"])
    # Two homeroom teachers per room: the rooms' students are counted twice.
    total = sum(t["visitSummary"]["total"] for t in teachers)
    assert total == 2 * len(WORLD.students)
    one_term = shared_api.data(query, {"s": SEMESTERS[(YEAR_ACTIVE, 2)]}, token=demo_token)
    visited_term = sum(t["visitSummary"]["visited"] for t in one_term["teachers"])
    visited_year = sum(t["visitSummary"]["visited"] for t in teachers)
    assert 0 < visited_term < visited_year


def test_adviser_screens_rows_and_status(shared_api: Api, demo_token: str) -> None:
    everyone = shared_api.data(
        f"{{ adviserScreens(limit: 1000) {{ {SCREEN_ROW} }} }}", token=demo_token
    )["adviserScreens"]
    assert ids(everyone, "studentId") == [s.id for s in WORLD.students]
    default = shared_api.data("{ adviserScreens { studentId } }", token=demo_token)
    assert len(default["adviserScreens"]) == 50
    for row in everyone:
        assert (row["screenId"] is None) == (row["overall"] == "NOT_SCREENED")
    seen = {r["overall"] for r in everyone}
    assert {"NOT_SCREENED", "NORMAL", "RISK", "PROBLEM", "TALENT"} <= seen
    for status in ("special", "talent", "problem", "risk", "normal", "not_screened"):
        rows = shared_api.data(
            f'{{ adviserScreens(status: "{status}", limit: 1000) {{ studentId overall }} }}',
            token=demo_token,
        )["adviserScreens"]
        assert rows == [
            {"studentId": r["studentId"], "overall": r["overall"]}
            for r in everyone
            if r["overall"] == status.upper()
        ]


def test_adviser_screen_stats_match_the_list(shared_api: Api, demo_token: str) -> None:
    body = shared_api.data(
        "{ adviserScreenStats { totalSpecial totalNormal totalRisk totalProblem totalGenius "
        "totalAcademicSpecial totalActivitySpecial } adviserScreens(limit: 1000) { overall } }",
        token=demo_token,
    )
    stats = body["adviserScreenStats"]
    overalls = [r["overall"] for r in body["adviserScreens"]]
    assert stats["totalSpecial"] == overalls.count("SPECIAL")
    assert stats["totalNormal"] == overalls.count("NORMAL")
    assert stats["totalRisk"] == overalls.count("RISK")
    assert stats["totalProblem"] == overalls.count("PROBLEM")
    assert stats["totalGenius"] == stats["totalSpecial"]
    assert stats["totalAcademicSpecial"] + stats["totalActivitySpecial"] > 0


def test_student_visit_is_the_latest_visit(shared_api: Api, demo_token: str) -> None:
    rows = shared_api.data(
        "{ students(limit: 1000) { id visit { id overall overallText visitedAt } } }",
        token=demo_token,
    )["students"]
    with_visit = [r for r in rows if r["visit"]]
    assert len(with_visit) > len(rows) / 2
    for row in with_visit:
        visits = [v for (sid, _), v in WORLD.visits.items() if sid == row["id"]]
        latest = max(visits, key=lambda v: v.visited_at)
        assert row["visit"]["id"] == latest.id
        assert row["visit"]["overall"] in ("NORMAL", "PROBLEM")
