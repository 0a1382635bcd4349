"""Shared machinery of the seed generators: id sequences, school plans, and
realistic Thai identifiers drawn from one random generator."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from nextschool.testing import _names

IMAGE_BASE = "https://cdn.nextschool.io/schools"
BANGKOK = timezone(timedelta(hours=7))


@dataclass(frozen=True)
class SchoolPlan:
    id: int
    name: str
    domain: str
    levels: int
    rooms: int
    room_size: tuple[int, int]
    teachers: int
    province_code: str  # digits 2-3 of a national id born in the province
    area_code: str  # landline prefix
    cohort_codes: bool  # "67001"-style codes by entry year, else a running number


PLANS = (
    SchoolPlan(1, "โรงเรียนหนองบัววิทยาคม", "nongbua.ac.th", 6, 2, (22, 28), 30, "40", "43", True),
    SchoolPlan(2, "โรงเรียนวัดท่าช้างศึกษา", "watthachang.ac.th", 3, 2, (18, 22), 14, "30", "44", False),
)


class Ids:
    """Id sequences shared by both schools, as in one multi-tenant database."""

    def __init__(self) -> None:
        self._next: dict[str, int] = {
            "year": 1,
            "semester": 1,
            "classroom": 1,
            "student": 101,
            "teacher": 1,
            "visit": 1,
            "screen": 1,
            "question": 1,
            "answer": 1,
        }

    def __call__(self, kind: str) -> int:
        value = self._next[kind]
        self._next[kind] = value + 1
        return value


class Builder:
    """One random generator and the uniqueness sets every school shares."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.ids = Ids()
        self.citizen_ids: set[str] = set()
        self.phones: set[str] = set()

    def citizen_id(self, first_digit: str, province: str) -> str:
        while True:
            body = first_digit + province + f"{self.rng.randint(0, 99):02d}"
            body += "".join(str(self.rng.randint(0, 9)) for _ in range(12 - len(body)))
            # The official check digit of Thai national ids.
            total = sum(int(d) * (13 - i) for i, d in enumerate(body))
            number = body + str((11 - total % 11) % 10)
            if number not in self.citizen_ids:
                self.citizen_ids.add(number)
                return number

    def mobile(self) -> str:
        while True:
            number = self.rng.choice(("06", "08", "09")) + f"{self.rng.randint(0, 99_999_999):08d}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def address(self, school_id: int) -> str:
        villages, subdistrict, district, province, postcode = _names.SCHOOL_ADDRESSES[school_id]
        house = f"{self.rng.randint(1, 250)}"
        if self.rng.random() < 0.2:
            house += f"/{self.rng.randint(1, 9)}"
        moo = self.rng.randint(1, 12)
        village = self.rng.choice(villages)
        return f"{house} หมู่ {moo} {village} {subdistrict} {district} {province} {postcode}"

    def timestamp(self, start: date, end: date) -> str:
        day = start + timedelta(days=self.rng.randint(0, (end - start).days))
        moment = datetime(day.year, day.month, day.day, self.rng.randint(8, 16), 0, tzinfo=BANGKOK)
        return (moment + timedelta(minutes=5 * self.rng.randint(0, 11))).isoformat()
