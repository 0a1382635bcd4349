"""Run typing_example.py, so the typed usage example is executed, not only type-checked."""

from __future__ import annotations

import httpx
from pydantic import SecretStr

from . import typing_example
from .fake_api import (
    ACCESS_TOKEN,
    API_URL,
    EQ_TEMPLATE,
    LOGIN_DATA,
    REFRESH_TOKEN,
    REFRESH_TOKEN_DATA,
    REFRESHED_ACCESS_TOKEN,
    SDQ_TEMPLATE,
    STUDENT_ALL_NULL,
    STUDENT_SOMCHAI,
    STUDENT_SOMYING,
    TEACHER_ALL_NULL,
    TEACHER_EMPTY_SUMMARY,
    TEACHER_SOMSRI,
    VISIT_STATS_DATA,
    VISIT_STUDENT_ROWS,
    FakeApi,
)
from .typing_example import CareOverview, StudentLine, TeacherVisits

CREDENTIALS = {"username": "api.nongbua", "password": "รหัสผ่าน-ลับ#2567"}

CARE_RESPONSES = {
    "Login": LOGIN_DATA,
    "Students": {"students": [STUDENT_SOMCHAI, STUDENT_SOMYING, STUDENT_ALL_NULL]},
    "Teachers": {"teachers": [TEACHER_SOMSRI, TEACHER_ALL_NULL, TEACHER_EMPTY_SUMMARY]},
    "VisitStudents": {"visitStudents": VISIT_STUDENT_ROWS},
    "VisitStats": VISIT_STATS_DATA,
}

EXPECTED_OVERVIEW = CareOverview(
    api_account="โรงเรียนบ้านหนองบัว",
    students=(
        StudentLine(1024, "เด็กชายสมชาย ใจดี", "ม.1/1", "ปกติ"),
        StudentLine(1031, "เด็กหญิงสมหญิง รักเรียน", "ม.1/1", "มีปัญหา"),
        StudentLine(1025, "#1025", "-", "ยังไม่เยี่ยม"),
    ),
    teachers=(
        TeacherVisits(88, "นางสาวสมศรี มีสุข", "ม.1/1", visited=30, total=32),
        TeacherVisits(89, "#89", "-", visited=0, total=0),
        TeacherVisits(90, "นายประเสริฐ ขยันดี", "-", visited=0, total=0),
    ),
    not_visited=(
        "ม.1/1 เลขที่ 7 เด็กชาย สมชาย ใจดี",
        "ม.1/1 เลขที่ 15 เด็กหญิง สมหญิง รักเรียน",
        "- เลขที่ - 1025",
    ),
    visited_in_school=598,
    students_in_school=640,
)
CARE_CALLS = ["Login", "Students", "Teachers", "VisitStudents", "VisitStats"]


def assert_care_requests(api: FakeApi) -> None:
    assert api.operation_names == CARE_CALLS
    login, *authorised = api.calls
    assert "authorization" not in login.headers
    assert login.variables == CREDENTIALS
    assert {call.headers["authorization"] for call in authorised} == {f"Bearer {ACCESS_TOKEN}"}
    students, teachers, pending, stats = (call.variables for call in authorised)
    assert students == {"search": "สมชาย", "limit": 50}
    assert teachers == {"visitSemesterId": 3}
    assert pending == {"semesterId": 3, "status": "not_visited"}
    assert stats == {}


async def test_care_overview_with_a_ready_made_async_client() -> None:
    api = FakeApi(CARE_RESPONSES)
    async with httpx.AsyncClient(transport=api.transport, timeout=10.0) as http_client:
        overview = await typing_example.care_overview(
            http_client, **CREDENTIALS, search="สมชาย", semester_id=3, url=API_URL
        )
        # The example leaves the caller's client open for further use.
        assert not http_client.is_closed
    assert overview == EXPECTED_OVERVIEW
    assert_care_requests(api)


def test_care_overview_with_a_ready_made_sync_client() -> None:
    api = FakeApi(CARE_RESPONSES)
    with httpx.Client(transport=api.transport, timeout=10.0) as http_client:
        overview = typing_example.care_overview_sync(
            http_client, **CREDENTIALS, search="สมชาย", semester_id=3, url=API_URL
        )
        assert not http_client.is_closed
    assert overview == EXPECTED_OVERVIEW
    assert_care_requests(api)


# A session token the client uses as it is: opaque, so never due for renewal
# (the fake API's JWTs expired long ago).
SESSION_TOKEN = "session-access-token"


async def test_find_student() -> None:
    token = SecretStr(SESSION_TOKEN)
    api = FakeApi({"Student": {"student": STUDENT_SOMYING}})
    async with httpx.AsyncClient(transport=api.transport) as http_client:
        found = await typing_example.find_student(http_client, token, 1031)
        api.responses = {"Student": {"student": None}}
        missing = await typing_example.find_student(http_client, token, 9999)
    assert found == StudentLine(1031, "เด็กหญิงสมหญิง รักเรียน", "ม.1/1", "มีปัญหา")
    assert missing is None
    assert [call.variables for call in api.calls] == [{"id": 1031}, {"id": 9999}]
    assert {call.headers["authorization"] for call in api.calls} == {f"Bearer {SESSION_TOKEN}"}


def test_renewed_access_token_sends_the_real_refresh_token() -> None:
    api = FakeApi({"RefreshToken": REFRESH_TOKEN_DATA})
    with httpx.Client(transport=api.transport) as http_client:
        renewed = typing_example.renewed_access_token(http_client, SecretStr(REFRESH_TOKEN))
    assert isinstance(renewed, SecretStr)
    assert renewed.get_secret_value() == REFRESHED_ACCESS_TOKEN
    assert api.last.variables == {"refreshToken": REFRESH_TOKEN}
    assert "authorization" not in api.last.headers


def test_questionnaire_sizes() -> None:
    api = FakeApi(
        {"SdqTemplate": {"sdqTemplate": SDQ_TEMPLATE}, "EqTemplate": {"eqTemplate": None}}
    )
    with httpx.Client(transport=api.transport) as http_client:
        sizes = typing_example.questionnaire_sizes(http_client, SecretStr(SESSION_TOKEN))
        api.responses = {
            "SdqTemplate": {"sdqTemplate": None},
            "EqTemplate": {"eqTemplate": EQ_TEMPLATE},
        }
        swapped = typing_example.questionnaire_sizes(http_client, SecretStr(SESSION_TOKEN))
    assert sizes == {"SDQ": 2, "EQ": 0}
    assert swapped == {"SDQ": 0, "EQ": 1}
    assert api.operation_names == ["SdqTemplate", "EqTemplate"] * 2
