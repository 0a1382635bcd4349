"""Deterministic seed data: two Thai secondary schools and the care records.

The same seed always gives the same world, so tests can rely on counts and
ids. Everything is generated from one `random.Random(seed)`, school by school,
in a fixed order.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from nextschool.testing import _names
from nextschool.testing._builder import IMAGE_BASE, PLANS, Builder, SchoolPlan
from nextschool.testing._questionnaires import (
    EQ_ANSWERS,
    EQ_NAME,
    EQ_QUESTIONS,
    EQ_REVERSED,
    SDQ_ANSWERS,
    SDQ_NAME,
    SDQ_QUESTIONS,
    SDQ_REVERSED,
)
from nextschool.testing._staff import build_teachers, build_template
from nextschool.testing.models import (
    SCREEN_DOMAINS,
    VISIT_FLAGS,
    AcademicYear,
    AdviserScreen,
    Classroom,
    Enrolment,
    HomeVisit,
    QuestionnaireTemplate,
    School,
    Semester,
    Student,
    Teacher,
)

# "Today" of the seeded world: in semester 2 of academic year 2567 (B.E.).
# Titles depend on age, so they are computed against this fixed date, never
# the real clock, to keep the data deterministic.
REFERENCE_DATE = date(2024, 12, 16)
ACTIVE_YEAR_BE = 2567
BE_OFFSET = 543
# Thai law: เด็กชาย/เด็กหญิง below this age, นาย/นางสาว from it.
ADULT_TITLE_AGE = 15
STUDENT_STATUS_TEXT = {10: "กำลังศึกษา"}


def age_on(dob: date, day: date) -> int:
    """Age in whole years on `day`."""
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def student_title(gender: str, dob: date) -> str:
    """The Thai title of a student (เด็กชาย, เด็กหญิง, นาย, นางสาว) by gender and age."""
    young = age_on(dob, REFERENCE_DATE) < ADULT_TITLE_AGE
    if gender == "ชาย":
        return "เด็กชาย" if young else "นาย"
    return "เด็กหญิง" if young else "นางสาว"


@dataclass(frozen=True)
class SchoolWorld:
    """Everything one school owns. Queries never look outside it."""

    school: School
    years: tuple[AcademicYear, ...]
    semesters: tuple[Semester, ...]
    classrooms: dict[int, Classroom]
    students: tuple[Student, ...]
    teachers: tuple[Teacher, ...]
    # Enrolments per academic year id, sorted by student id.
    enrolments: dict[int, tuple[Enrolment, ...]]
    visits: dict[tuple[int, int], HomeVisit]  # by (student id, semester id)
    screens: dict[tuple[int, int], AdviserScreen]  # by (student id, semester id)
    students_by_id: dict[int, Student] = field(init=False)
    teachers_by_id: dict[int, Teacher] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "students_by_id", {s.id: s for s in self.students})
        object.__setattr__(self, "teachers_by_id", {t.id: t for t in self.teachers})

    @property
    def active_year(self) -> AcademicYear:
        return next(y for y in self.years if y.is_active)

    @property
    def active_semester(self) -> Semester:
        return next(s for s in self.semesters if s.is_active)


@dataclass(frozen=True)
class SeedData:
    """Everything the server serves: the schools' worlds and the questionnaire templates."""

    schools: dict[int, SchoolWorld]
    sdq_template: QuestionnaireTemplate
    eq_template: QuestionnaireTemplate


def _calendar(builder: Builder, school_id: int) -> tuple[list[AcademicYear], list[Semester]]:
    years: list[AcademicYear] = []
    semesters: list[Semester] = []
    for year_be in (ACTIVE_YEAR_BE - 1, ACTIVE_YEAR_BE):
        year = AcademicYear(builder.ids("year"), school_id, year_be, year_be == ACTIVE_YEAR_BE)
        years.append(year)
        for term in (1, 2):
            active = year.is_active and term == 2
            semesters.append(Semester(builder.ids("semester"), school_id, year.id, term, active))
    return years, semesters


def _semester_span(year_be: int, term: int) -> tuple[date, date]:
    year = year_be - BE_OFFSET
    if term == 1:
        return date(year, 5, 16), date(year, 10, 10)
    end = date(year + 1, 3, 31)
    # Only the past of the active semester has happened yet.
    return date(year, 11, 1), min(end, REFERENCE_DATE - timedelta(days=1))


@dataclass
class _Pupil:
    id: int
    code: str
    gender: str
    first: tuple[str, str]
    last: tuple[str, str]
    dob: date
    level: int
    room: int


def _pupils(builder: Builder, plan: SchoolPlan) -> list[_Pupil]:
    rng = builder.rng
    pupils: list[_Pupil] = []
    cohort_seq: dict[int, int] = {}
    for level in range(1, plan.levels + 1):
        # Entering ม.1 at the start of the year, a pupil was born 12-13 years
        # earlier: between mid-May of one year and mid-May of the next.
        born_from = date(ACTIVE_YEAR_BE - BE_OFFSET - 12 - level, 5, 17)
        for room in range(1, plan.rooms + 1):
            for _ in range(rng.randint(*plan.room_size)):
                male = rng.random() < 0.5
                pool = _names.MALE_FIRST_NAMES if male else _names.FEMALE_FIRST_NAMES
                if plan.cohort_codes:
                    entry = (ACTIVE_YEAR_BE - (level - 1)) % 100
                    cohort_seq[entry] = cohort_seq.get(entry, 0) + 1
                    code = f"{entry:02d}{cohort_seq[entry]:03d}"
                else:
                    code = str(4001 + len(pupils))
                pupils.append(
                    _Pupil(
                        id=builder.ids("student"),
                        code=code,
                        gender="ชาย" if male else "หญิง",
                        first=rng.choice(pool),
                        last=rng.choice(_names.LAST_NAMES),
                        dob=born_from + timedelta(days=rng.randint(0, 364)),
                        level=level,
                        room=room,
                    )
                )
    return pupils


def _classrooms(
    builder: Builder, plan: SchoolPlan, years: list[AcademicYear]
) -> dict[tuple[int, int, int], Classroom]:
    rooms: dict[tuple[int, int, int], Classroom] = {}
    for year in years:
        # Last year's top level has graduated and left the data set.
        top = plan.levels if year.is_active else plan.levels - 1
        for level in range(1, top + 1):
            for room in range(1, plan.rooms + 1):
                rooms[(year.id, level, room)] = Classroom(
                    builder.ids("classroom"), plan.id, year.id, level, room, f"ม.{level}/{room}"
                )
    return rooms


def _enrolments(
    pupils: list[_Pupil],
    years: list[AcademicYear],
    rooms: dict[tuple[int, int, int], Classroom],
) -> dict[int, tuple[Enrolment, ...]]:
    result: dict[int, tuple[Enrolment, ...]] = {}
    for year in years:
        shift = 0 if year.is_active else 1
        members: dict[int, list[_Pupil]] = {}
        for pupil in pupils:
            room = rooms.get((year.id, pupil.level - shift, pupil.room))
            if room is not None:
                members.setdefault(room.id, []).append(pupil)
        by_room = {r.id: r for r in rooms.values()}
        rows: list[Enrolment] = []
        for room_id, group in members.items():
            # Thai class registers list boys first, each group by student code.
            group.sort(key=lambda p: (p.gender != "ชาย", p.code))
            rows.extend(Enrolment(p.id, by_room[room_id], n) for n, p in enumerate(group, 1))
        result[year.id] = tuple(sorted(rows, key=lambda e: e.student_id))
    return result


def _care_records(
    builder: Builder,
    school_id: int,
    years: list[AcademicYear],
    semesters: list[Semester],
    enrolments: dict[int, tuple[Enrolment, ...]],
) -> tuple[dict[tuple[int, int], HomeVisit], dict[tuple[int, int], AdviserScreen]]:
    rng = builder.rng
    year_be = {y.id: y.year for y in years}
    visits: dict[tuple[int, int], HomeVisit] = {}
    screens: dict[tuple[int, int], AdviserScreen] = {}
    for semester in semesters:
        start, end = _semester_span(year_be[semester.academic_year_id], semester.term)
        # Home visits happen mostly in term 1; the active term is still young.
        visit_rate = 0.3 if semester.is_active else (0.82 if semester.term == 1 else 0.25)
        screen_rate = 0.3 if semester.is_active else (0.9 if semester.term == 1 else 0.35)
        for enrolment in enrolments[semester.academic_year_id]:
            key = (enrolment.student_id, semester.id)
            if rng.random() < visit_rate:
                flags = tuple(rng.random() < 0.03 for _ in VISIT_FLAGS)
                visits[key] = HomeVisit(
                    builder.ids("visit"),
                    school_id,
                    enrolment.student_id,
                    semester.id,
                    builder.timestamp(start, end),
                    flags,
                )
            if rng.random() < screen_rate:
                domains = tuple(
                    rng.choices(("NORMAL", "RISK", "PROBLEM"), (95, 3.5, 1.5))[0]
                    for _ in SCREEN_DOMAINS
                )
                screens[key] = AdviserScreen(
                    builder.ids("screen"),
                    school_id,
                    enrolment.student_id,
                    semester.id,
                    builder.timestamp(start, end),
                    domains,
                    is_genius=rng.random() < 0.02,
                    is_academic_special=rng.random() < 0.07,
                    is_activity=rng.random() < 0.08,
                )
    return visits, screens


def _students(
    builder: Builder,
    plan: SchoolPlan,
    pupils: list[_Pupil],
    active: tuple[Enrolment, ...],
    visits: dict[tuple[int, int], HomeVisit],
) -> tuple[Student, ...]:
    rng = builder.rng
    current = {e.student_id: e for e in active}
    latest: dict[int, HomeVisit] = {}
    for visit in visits.values():
        seen = latest.get(visit.student_id)
        if seen is None or visit.visited_at > seen.visited_at:
            latest[visit.student_id] = visit
    students: list[Student] = []
    for pupil in pupils:
        enrolment = current[pupil.id]
        title = student_title(pupil.gender, pupil.dob)
        image = f"{pupil.code}.jpg" if rng.random() < 0.9 else None
        last_visit = latest.get(pupil.id)
        students.append(
            Student(
                id=pupil.id,
                code=pupil.code,
                title=title,
                firstname=pupil.first[0],
                lastname=pupil.last[0],
                fullName=f"{title}{pupil.first[0]} {pupil.last[0]}",
                firstnameEn=pupil.first[1],
                lastnameEn=pupil.last[1],
                citizenId=builder.citizen_id("1", plan.province_code),
                gender=pupil.gender,
                blood=rng.choices(("O", "B", "A", "AB"), (38, 33, 22, 7))[0],
                dob=pupil.dob.isoformat(),
                address=builder.address(plan.id),
                telephone=None
                if rng.random() < 0.8
                else f"0{plan.area_code}{rng.randint(0, 999_999):06d}",
                mobileNo=builder.mobile() if rng.random() < 0.85 else None,
                status=10,
                statusText=STUDENT_STATUS_TEXT[10],
                image=image,
                imageURI=f"{IMAGE_BASE}/{plan.id}/students/{image}" if image else None,
                orderNumber=enrolment.order_number,
                classroomName=enrolment.classroom.name,
                visit=last_visit.as_student_visit() if last_visit else None,
                school_id=plan.id,
                classroom_id=enrolment.classroom.id,
            )
        )
    return tuple(sorted(students, key=lambda s: s.id))


@functools.lru_cache(maxsize=4)
def load_seed(seed: int) -> SeedData:
    """The world for `seed`. Immutable, so server instances share it."""
    builder = Builder(random.Random(seed))
    schools: dict[int, SchoolWorld] = {}
    for plan in PLANS:
        years, semesters = _calendar(builder, plan.id)
        rooms = _classrooms(builder, plan, years)
        pupils = _pupils(builder, plan)
        enrolments = _enrolments(pupils, years, rooms)
        visits, screens = _care_records(builder, plan.id, years, semesters, enrolments)
        active_year = next(y for y in years if y.is_active)
        students = _students(builder, plan, pupils, enrolments[active_year.id], visits)
        teachers = build_teachers(builder, plan, years, rooms)
        schools[plan.id] = SchoolWorld(
            school=School(plan.id, plan.name, plan.domain),
            years=tuple(years),
            semesters=tuple(semesters),
            classrooms={r.id: r for r in rooms.values()},
            students=students,
            teachers=teachers,
            enrolments=enrolments,
            visits=visits,
            screens=screens,
        )
    return SeedData(
        schools=schools,
        sdq_template=build_template(
            builder, 1, SDQ_NAME, SDQ_QUESTIONS, SDQ_ANSWERS, SDQ_REVERSED, 0
        ),
        eq_template=build_template(builder, 2, EQ_NAME, EQ_QUESTIONS, EQ_ANSWERS, EQ_REVERSED, 1),
    )
