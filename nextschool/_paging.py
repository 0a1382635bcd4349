"""Filters accepted by the paging helpers (`iter_students` and friends).

Lists in the API are plain limit/offset arrays without a total, so a helper
asks for pages of `page_size` rows until a page comes back short.
"""

from __future__ import annotations

from typing import TypedDict

from ._exceptions import ConfigurationError

DEFAULT_PAGE_SIZE = 100
# The largest `limit` the API is known to accept.
MAX_PAGE_SIZE = 1000


class StudentFilters(TypedDict, total=False):
    """Filters of `students`, accepted by `iter_students`."""

    search: str | None
    code: str | None
    firstname: str | None
    lastname: str | None
    mobile_no: str | None
    citizen_id: str | None


class TeacherFilters(TypedDict, total=False):
    """Filters of `teachers`, accepted by `iter_teachers`."""

    search: str | None
    username: str | None
    firstname: str | None
    lastname: str | None
    email: str | None
    mobile_no: str | None
    citizen_id: str | None
    status: int | None
    visit_semester_id: int | None


class CareListFilters(TypedDict, total=False):
    """Filters of the care lists, accepted by `iter_adviser_screens` and `iter_visit_students`."""

    academic_year_id: int | None
    semester_id: int | None
    classroom_id: int | None
    status: str | None


def check_page_size(page_size: int) -> int:
    # Checked at run time too: callers without a type checker pass anything.
    if isinstance(page_size, bool) or not isinstance(page_size, int):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise ConfigurationError("page_size must be an integer")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ConfigurationError(f"page_size must be between 1 and {MAX_PAGE_SIZE}")
    return page_size
