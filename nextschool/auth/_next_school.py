"""NextSchool: the sync client for the API's operations, with paging.

Its operations are generated from queries/ onto `BaseClient` by the same
ariadne-codegen plugin that `nextschool generate` runs for your operations
(`GeneratedSyncClient`); this class adds the `iter_*` paging helpers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, TypeVar

from typing_extensions import Unpack

from .._paging import (
    DEFAULT_PAGE_SIZE,
    CareListFilters,
    StudentFilters,
    TeacherFilters,
    check_page_size,
)
from ..generated_client.sync_client import GeneratedSyncClient

if TYPE_CHECKING:
    from ..generated_client.models import (
        AdviserScreensAdviserScreens,
        StudentsStudents,
        TeachersTeachers,
        VisitStudentsVisitStudents,
    )

RowT = TypeVar("RowT")


class NextSchool(GeneratedSyncClient):
    """Sync client for the NextSchool Data API.

    Logs in lazily (or via `login()`), refreshes the access token before it
    expires, renews and retries once when the API answers UNAUTHENTICATED, and
    retries rate-limited and failed queries within bounds. Safe to share
    between threads.
    """

    # -- paging ------------------------------------------------------------

    def iter_students(
        self, *, page_size: int = DEFAULT_PAGE_SIZE, **filters: Unpack[StudentFilters]
    ) -> Iterator[StudentsStudents]:
        """Every student matching the filters, fetched `page_size` rows at a time."""
        yield from self._pages(self.students, page_size, filters)

    def iter_teachers(
        self, *, page_size: int = DEFAULT_PAGE_SIZE, **filters: Unpack[TeacherFilters]
    ) -> Iterator[TeachersTeachers]:
        """Every teacher matching the filters, fetched `page_size` rows at a time."""
        yield from self._pages(self.teachers, page_size, filters)

    def iter_adviser_screens(
        self, *, page_size: int = DEFAULT_PAGE_SIZE, **filters: Unpack[CareListFilters]
    ) -> Iterator[AdviserScreensAdviserScreens]:
        """Every adviser-screen row in scope, fetched `page_size` rows at a time."""
        yield from self._pages(self.adviser_screens, page_size, filters)

    def iter_visit_students(
        self, *, page_size: int = DEFAULT_PAGE_SIZE, **filters: Unpack[CareListFilters]
    ) -> Iterator[VisitStudentsVisitStudents]:
        """Every home-visit row in scope, fetched `page_size` rows at a time."""
        yield from self._pages(self.visit_students, page_size, filters)

    def _pages(
        self,
        fetch: Callable[..., list[RowT]],
        page_size: int,
        filters: Mapping[str, object],
    ) -> Iterator[RowT]:
        check_page_size(page_size)
        offset = 0
        while True:
            page = fetch(limit=page_size, offset=offset, **filters)
            count = len(page)
            yield from page
            # Released before the next request: at most one page of rows alive.
            del page
            if count < page_size:
                return
            offset += count
