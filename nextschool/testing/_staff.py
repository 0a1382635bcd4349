"""Seed generators for staff and the questionnaire templates."""

from __future__ import annotations

from nextschool.testing import _names
from nextschool.testing._builder import IMAGE_BASE, Builder, SchoolPlan
from nextschool.testing.models import (
    AcademicYear,
    Classroom,
    QuestionnaireAnswer,
    QuestionnaireQuestion,
    QuestionnaireTemplate,
    Teacher,
)

TEACHER_STATUS_TEXT = {1: "ปฏิบัติงาน", 2: "ลาศึกษาต่อ", 3: "ย้ายออก"}
TEACHER_TYPES = {1: "ครู", 2: "ผู้บริหาร", 3: "บุคลากรสนับสนุน"}

_TEACHER_POSITIONS = ("ครู คศ.1", "ครู คศ.2", "ครู คศ.3", "ครูผู้ช่วย", "พนักงานราชการ", "ครูอัตราจ้าง")


def build_teachers(
    builder: Builder,
    plan: SchoolPlan,
    years: list[AcademicYear],
    rooms: dict[tuple[int, int, int], Classroom],
) -> tuple[Teacher, ...]:
    rng = builder.rng
    count = plan.teachers
    # Roles by position in the staff list: a director, a deputy, classroom
    # teachers, and one administrative officer at the end.
    kinds = ["director", "deputy"] + ["teacher"] * (count - 3) + ["staff"]
    # A couple of teachers are away, so the status filter has something to do.
    away = {count - 2: 2, count - 3: 3} if count > 20 else {}
    advisers = [i for i, k in enumerate(kinds) if k == "teacher" and i not in away]
    homerooms: dict[int, dict[int, list[int]]] = {}
    for shift, year in enumerate(sorted(years, key=lambda y: not y.is_active)):
        year_rooms = sorted(
            (r for r in rooms.values() if r.academic_year_id == year.id),
            key=lambda r: (r.level, r.room),
        )
        # Each classroom has two homeroom teachers; they rotate between years.
        for n, room in enumerate(year_rooms):
            for k in (2 * n, 2 * n + 1):
                teacher = advisers[(k + 3 * shift) % len(advisers)]
                homerooms.setdefault(teacher, {}).setdefault(year.id, []).append(room.id)
    active_year = next(y for y in years if y.is_active)
    room_names = {r.id: r.name for r in rooms.values()}
    usernames: set[str] = set()
    result: list[Teacher] = []
    for index, kind in enumerate(kinds):
        male = rng.random() < 0.4
        first = rng.choice(_names.MALE_FIRST_NAMES if male else _names.FEMALE_FIRST_NAMES)
        last = rng.choice(_names.LAST_NAMES)
        title = "นาย" if male else rng.choice(("นาง", "นางสาว"))
        username = f"{first[1]}.{last[1][:2]}".lower()
        while username in usernames:
            username += str(rng.randint(0, 9))
        usernames.add(username)
        teacher_id = builder.ids("teacher")
        status = away.get(index, 1)
        position = {
            "director": "ผู้อำนวยการโรงเรียน",
            "deputy": "รองผู้อำนวยการโรงเรียน",
            "staff": "เจ้าหน้าที่ธุรการ",
        }.get(kind) or rng.choice(_TEACHER_POSITIONS)
        picture = f"t{teacher_id}.jpg" if rng.random() < 0.8 else None
        by_year = {y: tuple(ids) for y, ids in homerooms.get(index, {}).items()}
        takecare = ", ".join(room_names[i] for i in by_year.get(active_year.id, ()))
        result.append(
            Teacher(
                id=teacher_id,
                username=username,
                email=f"{username}@{plan.domain}",
                status=status,
                statusText=TEACHER_STATUS_TEXT[status],
                type={"director": 2, "deputy": 2, "staff": 3}.get(kind, 1),
                title=title,
                firstname=first[0],
                lastname=last[0],
                fullName=f"{title}{first[0]} {last[0]}",
                mobileNo=builder.mobile(),
                empNo=f"{plan.id}{teacher_id:04d}",
                empPosition=position,
                teachGroup=rng.choice(_names.TEACH_GROUPS) if kind == "teacher" else None,
                gender="ชาย" if male else "หญิง",
                profilePic=picture,
                imageURI=f"{IMAGE_BASE}/{plan.id}/teachers/{picture}" if picture else None,
                takecare=takecare or None,
                citizenId=builder.citizen_id(rng.choice("13"), plan.province_code),
                school_id=plan.id,
                classroom_ids=by_year,
            )
        )
    return tuple(result)


def build_template(
    builder: Builder,
    template_id: int,
    name: str,
    questions: tuple[str, ...],
    answers: tuple[str, ...],
    reversed_items: frozenset[int],
    first_point: int,
) -> QuestionnaireTemplate:
    items: list[QuestionnaireQuestion] = []
    for number, text in enumerate(questions, 1):
        points = [first_point + i for i in range(len(answers))]
        if number in reversed_items:
            points.reverse()
        choices = tuple(
            QuestionnaireAnswer(builder.ids("answer"), label, point)
            for label, point in zip(answers, points, strict=True)
        )
        items.append(QuestionnaireQuestion(builder.ids("question"), number, text, choices))
    return QuestionnaireTemplate(template_id, name, tuple(items))
