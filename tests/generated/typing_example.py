"""Typed use of the generated clients with httpx clients the application already has.

Applications often own their httpx clients: one pool shared with other calls,
their own timeouts, proxies, event hooks or User-Agent. This module hands such
ready-made `httpx.AsyncClient` / `httpx.Client` instances to the generated
clients and works with the typed results. `mypy --strict` checks it with the
rest of tests/, and test_typing_example.py runs it against a fake API.

The generated clients are generated onto the SDK's base clients, so they log in,
send the bearer token and renew it themselves, and take a real httpx client
without a cast. A client never closes an httpx client it was given: the caller
owns it, and these functions leave it open.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from pydantic import SecretStr

from nextschool.generated_client.async_client import GeneratedAsyncClient
from nextschool.generated_client.models import (
    QuestionnaireTemplateFields,
    StudentsStudents,
    TeachersTeachers,
    VisitStudentsVisitStudents,
)
from nextschool.generated_client.sync_client import GeneratedSyncClient

SANDBOX_URL = "https://sandbox.nextschool.io/"


@dataclass(frozen=True)
class StudentLine:
    student_id: int
    name: str
    classroom: str
    last_visit: str


@dataclass(frozen=True)
class TeacherVisits:
    teacher_id: int
    name: str
    homeroom: str
    visited: int
    total: int


@dataclass(frozen=True)
class CareOverview:
    api_account: str
    students: tuple[StudentLine, ...]
    teachers: tuple[TeacherVisits, ...]
    not_visited: tuple[str, ...]
    visited_in_school: int
    students_in_school: int


def student_line(s: StudentsStudents) -> StudentLine:
    name = s.full_name or " ".join(part for part in (s.firstname, s.lastname) if part)
    return StudentLine(
        student_id=s.id,
        name=name or f"#{s.id}",
        classroom=s.classroom_name or "-",
        last_visit=(s.visit.overall_text or "-") if s.visit else "ยังไม่เยี่ยม",
    )


def teacher_visits(t: TeachersTeachers) -> TeacherVisits:
    return TeacherVisits(
        teacher_id=t.id,
        name=t.full_name or t.username or f"#{t.id}",
        homeroom=t.takecare or "-",
        visited=(t.visit_summary.visited if t.visit_summary else 0) or 0,
        total=(t.visit_summary.total if t.visit_summary else 0) or 0,
    )


def pending_visit(row: VisitStudentsVisitStudents) -> str:
    name = " ".join(part for part in (row.title, row.firstname, row.lastname) if part)
    return f"{row.classroom_name or '-'} เลขที่ {row.order_number or '-'} {name or row.student_id}"


def question_count(template: QuestionnaireTemplateFields | None) -> int:
    return len(template.questions) if template else 0


async def care_overview(
    http_client: httpx.AsyncClient,
    *,
    username: str,
    password: str,
    search: str,
    semester_id: int,
    url: str = SANDBOX_URL,
) -> CareOverview:
    """Log in, then gather students, homeroom teachers and home-visit progress."""
    api = GeneratedAsyncClient(url, username=username, password=password, http_client=http_client)
    session = await api.login()
    students = await api.students(search=search, limit=50)
    teachers = await api.teachers(visit_semester_id=semester_id)
    pending = await api.visit_students(semester_id=semester_id, status="not_visited")
    stats = await api.visit_stats()
    return CareOverview(
        api_account=session.user.name or session.user.username or str(session.user.id),
        students=tuple(student_line(s) for s in students),
        teachers=tuple(teacher_visits(t) for t in teachers),
        not_visited=tuple(pending_visit(row) for row in pending),
        visited_in_school=(stats.visited or 0) if stats else 0,
        students_in_school=(stats.total or 0) if stats else 0,
    )


def care_overview_sync(
    http_client: httpx.Client,
    *,
    username: str,
    password: str,
    search: str,
    semester_id: int,
    url: str = SANDBOX_URL,
) -> CareOverview:
    """The same overview through the sync client; the result types are shared."""
    api = GeneratedSyncClient(url, username=username, password=password, http_client=http_client)
    session = api.login()
    students = api.students(search=search, limit=50)
    teachers = api.teachers(visit_semester_id=semester_id)
    pending = api.visit_students(semester_id=semester_id, status="not_visited")
    stats = api.visit_stats()
    return CareOverview(
        api_account=session.user.name or session.user.username or str(session.user.id),
        students=tuple(student_line(s) for s in students),
        teachers=tuple(teacher_visits(t) for t in teachers),
        not_visited=tuple(pending_visit(row) for row in pending),
        visited_in_school=(stats.visited or 0) if stats else 0,
        students_in_school=(stats.total or 0) if stats else 0,
    )


async def find_student(
    http_client: httpx.AsyncClient, access_token: SecretStr, student_id: int
) -> StudentLine | None:
    """One student, or None when the school has no such student."""
    api = GeneratedAsyncClient(
        SANDBOX_URL, access_token=access_token.get_secret_value(), http_client=http_client
    )
    student = await api.student(id=student_id)
    return student_line(student) if student else None


def renewed_access_token(http_client: httpx.Client, refresh_token: SecretStr) -> SecretStr:
    """Exchange the refresh token; unwrap the SecretStr, or the mask is sent."""
    api = GeneratedSyncClient(SANDBOX_URL, http_client=http_client)
    refreshed = api.refresh_token(refresh_token=refresh_token.get_secret_value())
    return refreshed.access_token


def questionnaire_sizes(http_client: httpx.Client, access_token: SecretStr) -> dict[str, int]:
    api = GeneratedSyncClient(
        SANDBOX_URL, access_token=access_token.get_secret_value(), http_client=http_client
    )
    return {
        "SDQ": question_count(api.sdq_template()),
        "EQ": question_count(api.eq_template()),
    }
