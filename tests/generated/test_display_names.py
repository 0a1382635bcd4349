"""Models print under the names the documentation gives them (`Student(...)`)."""

from __future__ import annotations

import pickle

import pydantic
import pytest

from nextschool import AsyncNextSchool, NextSchool, types
from nextschool.testing import DEMO_PASSWORD, DEMO_USERNAME, LocalServer
from nextschool.testing.pytest_plugin import nextschool_server, nextschool_server_factory

__all__ = ["nextschool_server", "nextschool_server_factory"]

MODEL_NAMES = [
    name
    for name in types.__all__
    if isinstance(getattr(types, name), type)
    and issubclass(getattr(types, name), pydantic.BaseModel)
]


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_every_exported_model_prints_under_its_exported_name(name: str) -> None:
    model = getattr(types, name).model_construct()
    assert repr(model).startswith(f"{name}("), repr(model)


def test_models_over_http_print_their_documented_names(nextschool_server: LocalServer) -> None:
    with NextSchool(
        nextschool_server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD
    ) as client:
        student = client.student(id=105)
        teacher = client.teacher(id=3)
        stats = client.visit_stats()
        rows = client.visit_students(limit=1)
        login = client.login()
    assert student is not None and teacher is not None and stats is not None
    assert repr(student).startswith("Student(id=105, code=")
    assert "visit=StudentVisit(" in repr(student)
    assert repr(teacher).startswith("Teacher(id=3, ")
    assert "visit_summary=TeacherVisitSummary(total=" in repr(teacher)
    assert repr(stats).startswith("VisitStats(total=")
    assert repr(rows[0]).startswith("VisitStudentRow(")
    assert repr(login).startswith("LoginResult(access_token=SecretStr('**********')")
    assert "user=AuthUser(" in repr(login)
    # Only the printed name changes: the classes still pickle by their own name.
    assert pickle.loads(pickle.dumps(student)) == student  # noqa: S301 (our own bytes)


async def test_the_async_client_returns_the_same_named_models(
    nextschool_server: LocalServer,
) -> None:
    async with AsyncNextSchool(
        nextschool_server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD
    ) as client:
        students = await client.students(limit=1)
    assert repr(students[0]).startswith("Student(id=")
