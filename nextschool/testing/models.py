"""Records of the seeded school world.

Attributes that the schema exposes keep the schema's camelCase names, so
graphql-core's default resolver reads them straight off the objects with no
per-field resolver. Attributes only the server uses are snake_case.
"""

from __future__ import annotations

from dataclasses import dataclass, field

VISIT_OVERALL_TEXT: dict[str, str] = {
    "NOT_VISITED": "ยังไม่เยี่ยม",
    "NORMAL": "ปกติ",
    "PROBLEM": "มีปัญหา",
}

# The 12 risk flags of the visitor-opinion section, in documented order.
VISIT_FLAGS: tuple[str, ...] = (
    "studyAssist",
    "abilityAssist",
    "mentalAssist",
    "physicalAssist",
    "securityAssist",
    "drugAssist",
    "houseAssist",
    "drug",
    "violence",
    "sexual",
    "game",
    "electronic",
)

SCREEN_DOMAINS: tuple[str, ...] = (
    "STUDY",
    "HEALTH",
    "FINANCIAL",
    "SECURITY",
    "DRUG",
    "VIOLENCE",
    "SEXUAL",
    "GAME",
    "ELECTRONIC",
)


@dataclass(frozen=True, slots=True)
class School:
    """A school of the seed data."""

    id: int
    name: str
    domain: str


@dataclass(frozen=True, slots=True)
class AcademicYear:
    """An academic year of a school (Buddhist Era year)."""

    id: int
    school_id: int
    year: int  # Buddhist Era, e.g. 2567
    is_active: bool


@dataclass(frozen=True, slots=True)
class Semester:
    """A semester of an academic year."""

    id: int
    school_id: int
    academic_year_id: int
    term: int
    is_active: bool


@dataclass(frozen=True, slots=True)
class Classroom:
    """A classroom (e.g. ม.1/1) in an academic year."""

    id: int
    school_id: int
    academic_year_id: int
    level: int
    room: int
    name: str  # e.g. "ม.1/1"


@dataclass(frozen=True, slots=True)
class Enrolment:
    """A student's classroom in one academic year."""

    student_id: int
    classroom: Classroom
    order_number: int


@dataclass(frozen=True, slots=True)
class StudentVisit:
    """The schema's StudentVisit: the short form of a home visit."""

    id: int
    overall: str
    overallText: str
    visitedAt: str


@dataclass(frozen=True, slots=True)
class HomeVisit:
    """A home visit of a student in a semester."""

    id: int
    school_id: int
    student_id: int
    semester_id: int
    visited_at: str
    flags: tuple[bool, ...]

    @property
    def overall(self) -> str:
        # Documented rule: any of the 12 risk flags makes the visit a PROBLEM.
        return "PROBLEM" if any(self.flags) else "NORMAL"

    def as_student_visit(self) -> StudentVisit:
        """The visit as the API's `StudentVisit` object."""
        overall = self.overall
        return StudentVisit(self.id, overall, VISIT_OVERALL_TEXT[overall], self.visited_at)


@dataclass(frozen=True, slots=True)
class AdviserScreen:
    """An adviser screening of a student in a semester."""

    id: int
    school_id: int
    student_id: int
    semester_id: int
    screened_at: str
    domains: tuple[str, ...]  # NORMAL, RISK or PROBLEM per SCREEN_DOMAINS entry
    is_genius: bool
    is_academic_special: bool
    is_activity: bool

    @property
    def overall(self) -> str:
        # The documented evaluation order: SPECIAL wins even over PROBLEM.
        if self.is_genius:
            return "SPECIAL"
        if "PROBLEM" in self.domains:
            return "PROBLEM"
        if "RISK" in self.domains:
            return "RISK"
        if self.is_academic_special or self.is_activity:
            return "TALENT"
        return "NORMAL"


@dataclass(frozen=True, slots=True)
class Student:
    """A student of the seed data, with the fields the API exposes."""

    id: int
    code: str
    title: str
    firstname: str
    lastname: str
    fullName: str
    firstnameEn: str
    lastnameEn: str
    citizenId: str
    gender: str
    blood: str
    dob: str
    address: str
    telephone: str | None
    mobileNo: str | None
    status: int
    statusText: str
    image: str | None
    imageURI: str | None
    orderNumber: int
    classroomName: str
    visit: StudentVisit | None
    school_id: int
    classroom_id: int


@dataclass(frozen=True, slots=True)
class Teacher:
    """A teacher of the seed data, with the fields the API exposes."""

    id: int
    username: str
    email: str
    status: int
    statusText: str
    type: int
    title: str
    firstname: str
    lastname: str
    fullName: str
    mobileNo: str | None
    empNo: str
    empPosition: str
    teachGroup: str | None
    gender: str
    profilePic: str | None
    imageURI: str | None
    takecare: str | None
    citizenId: str  # searchable, though the schema does not expose it
    school_id: int
    # Homeroom classroom ids per academic year id.
    classroom_ids: dict[int, tuple[int, ...]] = field(default_factory=dict[int, tuple[int, ...]])


@dataclass(frozen=True, slots=True)
class QuestionnaireAnswer:
    """One answer choice of a questionnaire question."""

    id: int
    answerText: str
    answerPoint: int


@dataclass(frozen=True, slots=True)
class QuestionnaireQuestion:
    """One question of a questionnaire template."""

    id: int
    orderNumber: int
    questionText: str
    answers: tuple[QuestionnaireAnswer, ...]


@dataclass(frozen=True, slots=True)
class QuestionnaireTemplate:
    """A questionnaire template (SDQ or EQ)."""

    id: int
    name: str
    questions: tuple[QuestionnaireQuestion, ...]
