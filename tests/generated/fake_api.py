"""A recording stand-in for the NextSchool Data API and realistic payloads.

`FakeApi` answers GraphQL POSTs through `httpx.MockTransport` with canned
`data` per operation name and records every request, so tests can look at the
exact JSON body and headers a generated client sent. The generated clients
are the SDK's (they derive from its base clients), handed an httpx client of
the caller's on this transport. The payloads follow the
shapes of schema.graphql: Thai names and classrooms, nested `visit` and
`visitSummary`, and rows whose nullable fields are all null.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

REPO_ROOT = Path(__file__).resolve().parents[2]
SCHEMA_PATH = REPO_ROOT / "schema.graphql"
QUERIES_DIR = REPO_ROOT / "queries"
API_URL = "https://sandbox.nextschool.io/"

# --- Tokens -----------------------------------------------------------------

ACCESS_TOKEN = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJzdWIiOjEyLCJzY2hvb2xJZCI6MzQ1LCJleHAiOjE3MjA3NzQ4MDB9."
    "q0Hk3u0fYl2m2YwH6Qz3d3u8wJ6xkz9nN2sXr4x1Q7c"
)
REFRESHED_ACCESS_TOKEN = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJzdWIiOjEyLCJzY2hvb2xJZCI6MzQ1LCJleHAiOjE3MjA3NzU3MDB9."
    "Zp8cR1m0aQ4wV7nK2sYt5uE9iO3lJ6hG1fD8bX0cN4k"
)
REFRESH_TOKEN = "3f6c2a9e-8d41-4b7a-9c15-2e7d0a6b5f38"

# --- Payloads (the `data` member of a GraphQL response) -----------------------

API_USER: dict[str, Any] = {
    "id": 12,
    "username": "api.nongbua",
    "name": "โรงเรียนบ้านหนองบัว",
    "email": None,
}
LOGIN_DATA: dict[str, Any] = {
    "login": {
        "accessToken": ACCESS_TOKEN,
        "refreshToken": REFRESH_TOKEN,
        "expiresIn": 900,
        "user": API_USER,
    }
}
REFRESH_TOKEN_DATA: dict[str, Any] = {
    "refreshToken": {"accessToken": REFRESHED_ACCESS_TOKEN, "expiresIn": 900}
}
LOGOUT_DATA: dict[str, Any] = {"logout": True}

STUDENT_SOMCHAI: dict[str, Any] = {
    "id": 1024,
    "code": "65001",
    "title": "เด็กชาย",
    "firstname": "สมชาย",
    "lastname": "ใจดี",
    "fullName": "เด็กชายสมชาย ใจดี",
    "firstnameEn": "Somchai",
    "lastnameEn": "Jaidee",
    "citizenId": "1101700203451",
    "gender": "ชาย",
    "blood": "O",
    "dob": "2011-05-14",
    "address": "99/1 หมู่ 3 ต.ในเมือง อ.เมือง จ.ขอนแก่น 40000",
    "telephone": "043-123456",
    "mobileNo": "0812345678",
    "status": 10,
    "statusText": "กำลังศึกษา",
    "image": "65001.jpg",
    "imageURI": "https://cdn.nextschool.io/students/65001.jpg",
    "orderNumber": 7,
    "classroomName": "ม.1/1",
    "visit": {
        "id": 501,
        "overall": "NORMAL",
        "overallText": "ปกติ",
        "visitedAt": "2024-07-12T09:30:00+07:00",
    },
}
STUDENT_SOMYING: dict[str, Any] = {
    **STUDENT_SOMCHAI,
    "id": 1031,
    "code": "65008",
    "title": "เด็กหญิง",
    "firstname": "สมหญิง",
    "lastname": "รักเรียน",
    "fullName": "เด็กหญิงสมหญิง รักเรียน",
    "firstnameEn": "Somying",
    "lastnameEn": "Rakrian",
    "citizenId": "1101700203460",
    "gender": "หญิง",
    "blood": "AB",
    "orderNumber": 15,
    "visit": {
        "id": 502,
        "overall": "PROBLEM",
        "overallText": "มีปัญหา",
        "visitedAt": "2024-07-19T14:00:00+07:00",
    },
}
# A student row as the API returns it for a freshly imported record: every
# nullable field is null, including the nested latest visit.
STUDENT_ALL_NULL: dict[str, Any] = {
    key: None for key in STUDENT_SOMCHAI if key not in {"id", "visit"}
} | {"id": 1025, "visit": None}

TEACHER_SOMSRI: dict[str, Any] = {
    "id": 88,
    "username": "somsri.m",
    "email": "somsri.m@nongbua.ac.th",
    "status": 1,
    "statusText": "ปฏิบัติราชการ",
    "type": 2,
    "title": "นางสาว",
    "firstname": "สมศรี",
    "lastname": "มีสุข",
    "fullName": "นางสาวสมศรี มีสุข",
    "mobileNo": "0891234567",
    "empNo": "T-0088",
    "empPosition": "ครูชำนาญการ",
    "teachGroup": "กลุ่มสาระการเรียนรู้คณิตศาสตร์",
    "gender": "หญิง",
    "profilePic": "t88.png",
    "imageURI": "https://cdn.nextschool.io/teachers/t88.png",
    "takecare": "ม.1/1",
    "visitSummary": {"total": 32, "visited": 30, "notVisited": 2, "problem": 3, "normal": 27},
}
TEACHER_ALL_NULL: dict[str, Any] = {
    key: None for key in TEACHER_SOMSRI if key not in {"id", "visitSummary"}
} | {"id": 89, "visitSummary": None}
# visitSummary present, but the server could not count anything yet.
TEACHER_EMPTY_SUMMARY: dict[str, Any] = TEACHER_SOMSRI | {
    "id": 90,
    "username": "prasert.k",
    "title": "นาย",
    "firstname": "ประเสริฐ",
    "lastname": "ขยันดี",
    "fullName": "นายประเสริฐ ขยันดี",
    "takecare": None,
    "visitSummary": {
        "total": None,
        "visited": None,
        "notVisited": None,
        "problem": None,
        "normal": None,
    },
}

ADVISER_SCREEN_ROWS: list[dict[str, Any]] = [
    {
        "studentId": 1024,
        "code": "65001",
        "title": "เด็กชาย",
        "firstname": "สมชาย",
        "lastname": "ใจดี",
        "classroomName": "ม.1/1",
        "orderNumber": 7,
        "screenId": 7001,
        "screenedAt": "2024-06-03T10:15:00+07:00",
        "overall": "SPECIAL",
    },
    {
        "studentId": 1025,
        "code": None,
        "title": None,
        "firstname": None,
        "lastname": None,
        "classroomName": None,
        "orderNumber": None,
        "screenId": None,
        "screenedAt": None,
        "overall": None,
    },
]
ADVISER_SCREEN_STATS_DATA: dict[str, Any] = {
    "adviserScreenStats": {
        "totalSpecial": 4,
        "totalNormal": 512,
        "totalRisk": 37,
        "totalProblem": 9,
        "totalGenius": 2,
        "totalAcademicSpecial": None,
        "totalActivitySpecial": 1,
    }
}

VISIT_STUDENT_ROWS: list[dict[str, Any]] = [
    {
        "studentId": 1024,
        "code": "65001",
        "title": "เด็กชาย",
        "firstname": "สมชาย",
        "lastname": "ใจดี",
        "classroomName": "ม.1/1",
        "orderNumber": 7,
        "visitId": None,
        "visitedAt": None,
        "overall": "NOT_VISITED",
        "overallText": "ยังไม่เยี่ยม",
    },
    {
        "studentId": 1031,
        "code": "65008",
        "title": "เด็กหญิง",
        "firstname": "สมหญิง",
        "lastname": "รักเรียน",
        "classroomName": "ม.1/1",
        "orderNumber": 15,
        "visitId": 502,
        "visitedAt": "2024-07-19T14:00:00+07:00",
        "overall": "PROBLEM",
        "overallText": "มีปัญหา",
    },
    {
        "studentId": 1025,
        "code": None,
        "title": None,
        "firstname": None,
        "lastname": None,
        "classroomName": None,
        "orderNumber": None,
        "visitId": None,
        "visitedAt": None,
        "overall": None,
        "overallText": None,
    },
]
VISIT_STATS_DATA: dict[str, Any] = {
    "visitStats": {"total": 640, "visited": 598, "notVisited": 42, "problem": 17, "normal": 581}
}

SDQ_TEMPLATE: dict[str, Any] = {
    "id": 1,
    "name": "แบบประเมินจุดแข็งและจุดอ่อน (SDQ)",
    "questions": [
        {
            "id": 101,
            "orderNumber": 1,
            "questionText": "ห่วงใยความรู้สึกคนอื่น",
            "answers": [
                {"id": 1, "answerText": "ไม่จริง", "answerPoint": 0},
                {"id": 2, "answerText": "ค่อนข้างจริง", "answerPoint": 1},
                {"id": 3, "answerText": "จริงแน่นอน", "answerPoint": 2},
            ],
        },
        {"id": 102, "orderNumber": None, "questionText": None, "answers": []},
    ],
}
EQ_TEMPLATE: dict[str, Any] = {
    "id": 2,
    "name": "แบบประเมินความฉลาดทางอารมณ์ (EQ)",
    "questions": [
        {
            "id": 201,
            "orderNumber": 1,
            "questionText": "เวลาโกรธหรือไม่สบายใจ ฉันรู้สึกได้ว่าเกิดอะไรขึ้นกับฉัน",
            "answers": [
                {"id": 11, "answerText": "ไม่จริง", "answerPoint": 1},
                {"id": 12, "answerText": "จริงบางครั้ง", "answerPoint": 2},
                {"id": 13, "answerText": "ค่อนข้างจริง", "answerPoint": 3},
                {"id": 14, "answerText": None, "answerPoint": None},
            ],
        }
    ],
}


# --- The fake server ------------------------------------------------------------


@dataclass(frozen=True)
class RecordedCall:
    """One GraphQL request as it went over the wire."""

    query: str
    operation_name: str
    variables: dict[str, Any]
    body: dict[str, Any]
    headers: httpx.Headers


@dataclass
class FakeApi:
    """Serves `{"data": responses[operationName]}` and records each request."""

    responses: Mapping[str, Any]
    calls: list[RecordedCall] = field(default_factory=list)

    def handle(self, request: httpx.Request) -> httpx.Response:
        assert request.method == "POST"
        assert str(request.url) == API_URL
        assert request.headers["content-type"] == "application/json"
        body = json.loads(request.content.decode("utf-8"))
        assert isinstance(body, dict)
        call = RecordedCall(
            query=body["query"],
            operation_name=body["operationName"],
            # Left out of the body when the operation declares no variables.
            variables=body.get("variables", {}),
            body=body,
            headers=request.headers,
        )
        self.calls.append(call)
        if call.operation_name not in self.responses:
            error = {"message": f"unexpected operation {call.operation_name}"}
            return httpx.Response(200, json={"data": None, "errors": [error]})
        # Serialise the way the real API does: raw UTF-8, not \u escapes.
        content = json.dumps({"data": self.responses[call.operation_name]}, ensure_ascii=False)
        return httpx.Response(
            200,
            content=content.encode("utf-8"),
            headers={"content-type": "application/json; charset=utf-8"},
        )

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    @property
    def operation_names(self) -> list[str]:
        return [call.operation_name for call in self.calls]

    @property
    def last(self) -> RecordedCall:
        assert self.calls, "no request reached the fake API"
        return self.calls[-1]
