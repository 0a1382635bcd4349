"""Valid `data` payloads of the operations the robustness suites exercise.

Each builder returns a fresh dict, so a test may mutate it freely.
"""

from __future__ import annotations

import secrets
from typing import Any

Json = Any

USERNAME = "robustness.user"
# Long and random so they can only appear in an error message or a log line
# if the SDK copied them there.
PASSWORD = f"pw-{secrets.token_hex(12)}"
INITIAL_ACCESS_TOKEN = f"at-initial-{secrets.token_hex(12)}"
INITIAL_REFRESH_TOKEN = f"rt-initial-{secrets.token_hex(12)}"
# Tokens inside the malformed login and refresh bodies: never adopted unless
# the malformed body still validates, and never to be echoed either way.
CANARY_ACCESS_TOKEN = f"at-canary-{secrets.token_hex(12)}"
CANARY_REFRESH_TOKEN = f"rt-canary-{secrets.token_hex(12)}"
FIXED_SECRETS = (
    PASSWORD,
    INITIAL_ACCESS_TOKEN,
    INITIAL_REFRESH_TOKEN,
    CANARY_ACCESS_TOKEN,
    CANARY_REFRESH_TOKEN,
)


def _visit() -> dict[str, Json]:
    return {
        "id": 501,
        "overall": "NORMAL",
        "overallText": "ปกติ",
        "visitedAt": "2024-07-01T09:30:00+07:00",
    }


def _student(student_id: int, firstname: str) -> dict[str, Json]:
    return {
        "id": student_id,
        "code": f"65{student_id:03d}",
        "title": "เด็กหญิง",
        "firstname": firstname,
        "lastname": "ใจดี",
        "fullName": f"เด็กหญิง{firstname} ใจดี",
        "firstnameEn": None,
        "lastnameEn": None,
        "citizenId": "1101700203451",
        "gender": "หญิง",
        "blood": "O",
        "dob": "2011-05-14",
        "address": "99/1 หมู่ 3",
        "telephone": None,
        "mobileNo": "0812345678",
        "status": 10,
        "statusText": "กำลังศึกษา",
        "image": None,
        "imageURI": None,
        "orderNumber": student_id,
        "classroomName": "ม.1/1",
        "visit": _visit(),
    }


def _visit_stats() -> dict[str, Json]:
    return {"total": 40, "visited": 31, "notVisited": 9, "problem": 2, "normal": 29}


def _teacher(teacher_id: int) -> dict[str, Json]:
    return {
        "id": teacher_id,
        "username": f"teacher{teacher_id}",
        "email": None,
        "status": 1,
        "statusText": "ปฏิบัติงาน",
        "type": 1,
        "title": "นาง",
        "firstname": "มาลี",
        "lastname": "ศรีสุข",
        "fullName": "นางมาลี ศรีสุข",
        "mobileNo": None,
        "empNo": "T001",
        "empPosition": "ครู",
        "teachGroup": "คณิตศาสตร์",
        "gender": "หญิง",
        "profilePic": None,
        "imageURI": None,
        "takecare": "ม.1/1",
        "visitSummary": _visit_stats(),
    }


def _sdq_template() -> dict[str, Json]:
    return {
        "id": 1,
        "name": "SDQ (ครูประเมิน)",
        "questions": [
            {
                "id": 11,
                "orderNumber": 1,
                "questionText": "ห่วงใยความรู้สึกคนอื่น",
                "answers": [
                    {"id": 111, "answerText": "ไม่จริง", "answerPoint": 0},
                    {"id": 112, "answerText": "จริงบางครั้ง", "answerPoint": 1},
                ],
            }
        ],
    }


def login_data(access_token: str, refresh_token: str) -> dict[str, Json]:
    return {
        "login": {
            "accessToken": access_token,
            "refreshToken": refresh_token,
            "expiresIn": 900,
            "user": {"id": 42, "username": USERNAME, "name": "API User", "email": None},
        }
    }


def refresh_data(access_token: str) -> dict[str, Json]:
    return {"refreshToken": {"accessToken": access_token, "expiresIn": 900}}


def query_data(operation: str) -> dict[str, Json]:
    """The `data` of a successful answer to a query operation."""
    if operation == "Students":
        return {"students": [_student(1, "มณี"), _student(2, "สุดา")]}
    if operation == "Student":
        return {"student": _student(1, "มณี")}
    if operation == "Teachers":
        return {"teachers": [_teacher(7)]}
    if operation == "VisitStats":
        return {"visitStats": _visit_stats()}
    if operation == "SdqTemplate":
        return {"sdqTemplate": _sdq_template()}
    if operation == "Logout":
        return {"logout": True}
    raise ValueError(f"no payload for {operation}")


def template_data(operation: str) -> dict[str, Json]:
    """A valid payload to derive malformed variants from (auth ones carry canary tokens)."""
    if operation == "Login":
        return login_data(CANARY_ACCESS_TOKEN, CANARY_REFRESH_TOKEN)
    if operation == "RefreshToken":
        return refresh_data(CANARY_ACCESS_TOKEN)
    return query_data(operation)
