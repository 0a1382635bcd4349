"""Typed use of the generated clients with httpx clients the application already has.

Applications often own their httpx clients: one pool shared with other calls,
their own timeouts, proxies, event hooks or User-Agent. This module hands such
ready-made `httpx.AsyncClient` / `httpx.Client` instances to the generated
clients and works with the typed results. `mypy --strict` checks it with the
rest of tests/, and test_typing_example.py runs it against a fake API.

The generated clients close the httpx client they were given when used as a
context manager (`async with client:` / `with client:`). The caller owns the
httpx client here, so these functions never do that.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import httpx
from pydantic import SecretStr

from nextschool.generated_client.async_client import GeneratedAsyncClient
from nextschool.generated_client.async_client.async_base_client import (
    HttpClient as AsyncHttpClient,
)
from nextschool.generated_client.models import (
    QuestionnaireTemplateFields,
    StudentsStudents,
    TeachersTeachers,
    VisitStudentsVisitStudents,
)
from nextschool.generated_client.sync_client import GeneratedSyncClient
from nextschool.generated_client.sync_client.base_client import HttpClient as SyncHttpClient

SANDBOX_URL = "https://sandbox.nextschool.io/"


def async_api(http_client: httpx.AsyncClient, url: str = SANDBOX_URL) -> GeneratedAsyncClient:
    # ariadne-codegen 0.19 types `http_client` as its own HttpClient Protocol,
    # whose post() takes json/data/files/headers positionally, while httpx
    # makes them keyword-only, so mypy rejects a real httpx.AsyncClient
    # (upstream issue #463). At runtime it is exactly what the base client
    # would build itself; only this argument is cast, nothing else is silenced.
    return GeneratedAsyncClient(url=url, http_client=cast(AsyncHttpClient, http_client))


def sync_api(http_client: httpx.Client, url: str = SANDBOX_URL) -> GeneratedSyncClient:
    # Same as async_api: the cast only bridges the HttpClient Protocol (#463).
    return GeneratedSyncClient(url=url, http_client=cast(SyncHttpClient, http_client))


def bearer(access_token: SecretStr) -> dict[str, str]:
    """Per-call headers; `headers=` given to a generated method goes to httpx."""
    return {"Authorization": f"Bearer {access_token.get_secret_value()}"}


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
    api = async_api(http_client, url)
    session = await api.login(username=username, password=password)
    auth = bearer(session.access_token)
    students = await api.students(search=search, limit=50, headers=auth)
    teachers = await api.teachers(visit_semester_id=semester_id, headers=auth)
    pending = await api.visit_students(semester_id=semester_id, status="not_visited", headers=auth)
    stats = await api.visit_stats(headers=auth)
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
    api = sync_api(http_client, url)
    session = api.login(username=username, password=password)
    auth = bearer(session.access_token)
    students = api.students(search=search, limit=50, headers=auth)
    teachers = api.teachers(visit_semester_id=semester_id, headers=auth)
    pending = api.visit_students(semester_id=semester_id, status="not_visited", headers=auth)
    stats = api.visit_stats(headers=auth)
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
    api = async_api(http_client)
    student = await api.student(id=student_id, headers=bearer(access_token))
    return student_line(student) if student else None


def renewed_access_token(http_client: httpx.Client, refresh_token: SecretStr) -> SecretStr:
    """Exchange the refresh token; unwrap the SecretStr, or the mask is sent."""
    api = sync_api(http_client)
    refreshed = api.refresh_token(refresh_token=refresh_token.get_secret_value())
    return refreshed.access_token


def questionnaire_sizes(http_client: httpx.Client, access_token: SecretStr) -> dict[str, int]:
    api = sync_api(http_client)
    auth = bearer(access_token)
    return {
        "SDQ": question_count(api.sdq_template(headers=auth)),
        "EQ": question_count(api.eq_template(headers=auth)),
    }
