"""Deterministic student rows shaped like the API's `StudentFields` fragment."""

from __future__ import annotations

import base64
import json
import random
import time
from typing import Any

_FIRST_NAMES = (
    ("สมชาย", "Somchai", "ชาย"),
    ("ณัฐวุฒิ", "Nattawut", "ชาย"),
    ("ธีรภัทร", "Theeraphat", "ชาย"),
    ("สมหญิง", "Somying", "หญิง"),
    ("พิมพ์ชนก", "Phimchanok", "หญิง"),
    ("กมลชนก", "Kamonchanok", "หญิง"),
)
_LAST_NAMES = (
    ("ใจดี", "Jaidee"),
    ("ศรีสุข", "Srisuk"),
    ("วงศ์สวัสดิ์", "Wongsawat"),
    ("แก้วมณี", "Kaewmanee"),
)


def student_row(index: int, rng: random.Random) -> dict[str, Any]:
    first, first_en, gender = _FIRST_NAMES[index % len(_FIRST_NAMES)]
    last, last_en = _LAST_NAMES[(index // len(_FIRST_NAMES)) % len(_LAST_NAMES)]
    title = "เด็กชาย" if gender == "ชาย" else "เด็กหญิง"
    visited = index % 3 != 0
    return {
        "id": 10_000 + index,
        "code": f"{65_000 + index:05d}",
        "title": title,
        "firstname": first,
        "lastname": last,
        "fullName": f"{title}{first} {last}",
        "firstnameEn": first_en,
        "lastnameEn": last_en,
        "citizenId": f"1{rng.randrange(10**11, 10**12):012d}",
        "gender": gender,
        "blood": rng.choice(("A", "B", "AB", "O")),
        "dob": f"25{rng.randrange(50, 56)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
        "address": f"{rng.randrange(1, 200)} หมู่ {rng.randrange(1, 12)} ต.ท่าช้าง อ.เมือง",
        "telephone": None,
        "mobileNo": f"08{rng.randrange(10**7, 10**8)}",
        "status": 1,
        "statusText": "กำลังศึกษา",
        "image": f"students/{10_000 + index}.jpg",
        "imageURI": f"https://cdn.nextschool.io/students/{10_000 + index}.jpg",
        "orderNumber": index % 40 + 1,
        "classroomName": f"ม.{index % 6 + 1}/{index % 10 + 1}",
        "visit": {
            "id": 500 + index,
            "overall": "normal",
            "overallText": "ปกติ",
            "visitedAt": "2024-07-15T09:30:00+07:00",
        }
        if visited
        else None,
    }


def student_rows(count: int) -> list[dict[str, Any]]:
    rng = random.Random(2567)
    return [student_row(i, rng) for i in range(count)]


def students_response(count: int) -> bytes:
    """The body the API sends for `students(limit: count)`, compact like the server's."""
    return _compact({"data": {"students": student_rows(count)}})


def students_error_response(count: int) -> bytes:
    """`students(limit: count)` answered with its rows and an error: partial data."""
    error = {
        "message": "Visit record unavailable",
        "path": ["students", count - 1, "visit"],
        "extensions": {"code": "INTERNAL_SERVER_ERROR"},
    }
    return _compact({"data": {"students": student_rows(count)}, "errors": [error]})


def _compact(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def fake_access_token(lifetime: float = 3600.0) -> str:
    """A JWT-shaped token whose `exp` lies `lifetime` seconds ahead (never verified)."""

    def part(value: dict[str, Any]) -> str:
        raw = json.dumps(value, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    claims = {"sub": "42", "exp": int(time.time() + lifetime)}
    return f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part(claims)}.c2lnbmF0dXJl"
