"""The seed data looks like a real Thai school and is deterministic."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from typing import Any

from nextschool.testing.seed import REFERENCE_DATE, age_on, load_seed

from .helpers import Api

STUDENT_FIELDS = """id code title firstname lastname fullName firstnameEn lastnameEn
citizenId gender blood dob address telephone mobileNo status statusText image imageURI
orderNumber classroomName"""
CLASSROOM = re.compile(r"^ม\.([1-6])/([1-9])$")
THAI = re.compile(r"^[\u0E00-\u0E7F]+$")


def fetch_students(api: Api, token: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = api.data(
        f"{{ students(limit: 1000) {{ {STUDENT_FIELDS} }} }}", token=token
    )["students"]
    return rows


def citizen_id_is_valid(number: str) -> bool:
    if not re.fullmatch(r"\d{13}", number):
        return False
    total = sum(int(d) * (13 - i) for i, d in enumerate(number[:12]))
    return (11 - total % 11) % 10 == int(number[12])


def test_a_few_hundred_students_in_real_looking_classrooms(
    shared_api: Api, demo_token: str, other_token: str
) -> None:
    mine = fetch_students(shared_api, demo_token)
    theirs = fetch_students(shared_api, other_token)
    assert 300 <= len(mine) + len(theirs) <= 600
    rooms = Counter(s["classroomName"] for s in mine)
    assert set(rooms) == {f"ม.{level}/{room}" for level in range(1, 7) for room in (1, 2)}
    assert all(18 <= size <= 30 for size in rooms.values())
    assert {s["classroomName"] for s in theirs} == {
        f"ม.{level}/{room}" for level in range(1, 4) for room in (1, 2)
    }


def test_titles_follow_gender_and_age(shared_api: Api, demo_token: str) -> None:
    students = fetch_students(shared_api, demo_token)
    titles = Counter(s["title"] for s in students)
    assert set(titles) == {"เด็กชาย", "เด็กหญิง", "นาย", "นางสาว"}
    for student in students:
        age = age_on(date.fromisoformat(student["dob"]), REFERENCE_DATE)
        male = student["gender"] == "ชาย"
        assert student["gender"] in ("ชาย", "หญิง")
        if age < 15:
            assert student["title"] == ("เด็กชาย" if male else "เด็กหญิง"), student
        else:
            assert student["title"] == ("นาย" if male else "นางสาว"), student


def test_ages_fit_the_grade(shared_api: Api, demo_token: str) -> None:
    for student in fetch_students(shared_api, demo_token):
        match = CLASSROOM.match(student["classroomName"])
        assert match, student["classroomName"]
        level = int(match.group(1))
        age = age_on(date.fromisoformat(student["dob"]), REFERENCE_DATE)
        # ม.1 pupils are 12-13; each grade adds a year.
        assert 11 + level <= age <= 12 + level, (level, age)


def test_youngest_grades_are_children_oldest_are_adults(shared_api: Api, demo_token: str) -> None:
    students = fetch_students(shared_api, demo_token)
    for student in students:
        level = int(student["classroomName"][2])
        if level <= 2:
            assert student["title"] in ("เด็กชาย", "เด็กหญิง")
        if level >= 4:
            assert student["title"] in ("นาย", "นางสาว")


def test_names_and_identifiers_look_real(shared_api: Api, demo_token: str) -> None:
    students = fetch_students(shared_api, demo_token)
    for student in students:
        assert THAI.match(student["firstname"]), student["firstname"]
        assert THAI.match(student["lastname"]), student["lastname"]
        assert student["fullName"] == (
            f"{student['title']}{student['firstname']} {student['lastname']}"
        )
        assert re.fullmatch(r"[A-Z][a-z]+", student["firstnameEn"])
        assert re.fullmatch(r"[A-Z][a-z]+", student["lastnameEn"])
        assert citizen_id_is_valid(student["citizenId"]), student["citizenId"]
        assert re.fullmatch(r"\d{5}", student["code"])
        assert student["mobileNo"] is None or re.fullmatch(r"0[689]\d{8}", student["mobileNo"])
        assert student["blood"] in ("A", "B", "O", "AB")
        assert (student["status"], student["statusText"]) == (10, "กำลังศึกษา")
        assert "จ.ขอนแก่น" in student["address"]
        assert (student["image"] is None) == (student["imageURI"] is None)
    assert len({s["code"] for s in students}) == len(students)
    assert len({s["citizenId"] for s in students}) == len(students)
    # Codes start with the two-digit year of entry (B.E.).
    assert {s["code"][:2] for s in students} == {"62", "63", "64", "65", "66", "67"}


def test_order_numbers_list_boys_first(shared_api: Api, demo_token: str) -> None:
    students = fetch_students(shared_api, demo_token)
    by_room: dict[str, list[dict[str, Any]]] = {}
    for student in students:
        by_room.setdefault(student["classroomName"], []).append(student)
    for members in by_room.values():
        members.sort(key=lambda s: s["orderNumber"])
        assert [s["orderNumber"] for s in members] == list(range(1, len(members) + 1))
        genders = [s["gender"] for s in members]
        assert genders == sorted(genders, key=lambda g: g != "ชาย")


def test_questionnaire_templates(shared_api: Api, demo_token: str) -> None:
    fields = (
        "id name questions { id orderNumber questionText answers { id answerText answerPoint } }"
    )
    body = shared_api.data(
        f"{{ sdqTemplate {{ {fields} }} eqTemplate {{ {fields} }} }}", token=demo_token
    )
    sdq, eq = body["sdqTemplate"], body["eqTemplate"]
    assert "SDQ" in sdq["name"]
    assert "EQ" in eq["name"]
    assert len(sdq["questions"]) == 25
    assert len(eq["questions"]) == 52
    for template, choices, points in ((sdq, 3, {0, 1, 2}), (eq, 4, {1, 2, 3, 4})):
        questions = template["questions"]
        assert [q["orderNumber"] for q in questions] == list(range(1, len(questions) + 1))
        for question in questions:
            assert re.search(r"[\u0E00-\u0E7F]", question["questionText"])
            assert len(question["answers"]) == choices
            assert {a["answerPoint"] for a in question["answers"]} == points
    # Reverse-scored SDQ items (7, 11, 14, 21, 25) give 2 points for "ไม่จริง".
    first_answer = {q["orderNumber"]: q["answers"][0] for q in sdq["questions"]}
    assert {n for n, a in first_answer.items() if a["answerPoint"] == 2} == {7, 11, 14, 21, 25}
    assert all(a["answerText"] == "ไม่จริง" for a in first_answer.values())
    answer_ids = [a["id"] for t in (sdq, eq) for q in t["questions"] for a in q["answers"]]
    assert len(set(answer_ids)) == len(answer_ids)


def test_seed_is_deterministic_and_seed_dependent() -> None:
    load_seed.cache_clear()
    first = load_seed(2567)
    load_seed.cache_clear()
    again = load_seed(2567)
    assert first is not again
    assert first.schools[1].students == again.schools[1].students
    assert first.schools[2].teachers == again.schools[2].teachers
    other = load_seed(1)
    assert other.schools[1].students != first.schools[1].students


def test_teachers_look_real(shared_api: Api, demo_token: str) -> None:
    teachers = shared_api.data(
        "{ teachers(limit: 1000) { username email empPosition teachGroup gender title } }",
        token=demo_token,
    )["teachers"]
    assert 20 <= len(teachers) <= 60
    positions = Counter(t["empPosition"] for t in teachers)
    assert positions["ผู้อำนวยการโรงเรียน"] == 1
    for teacher in teachers:
        assert re.fullmatch(r"[a-z]+\.[a-z]+\d*", teacher["username"])
        assert teacher["email"] == f"{teacher['username']}@nongbua.ac.th"
        assert (teacher["title"] == "นาย") == (teacher["gender"] == "ชาย")
    assert any(t["teachGroup"] and t["teachGroup"].startswith("กลุ่มสาระ") for t in teachers)
