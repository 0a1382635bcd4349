"""AsyncNextSchool: the async client for the API's operations, with paging.

Its operations are generated from queries/ onto `AsyncBaseClient` by the same
ariadne-codegen plugin that `nextschool generate` runs for your operations
(`GeneratedAsyncClient`); this class adds the `iter_*` paging helpers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, TypeVar

from typing_extensions import Unpack

from .._paging import (
    DEFAULT_PAGE_SIZE,
    CareListFilters,
    StudentFilters,
    TeacherFilters,
    check_page_size,
)
from ..generated_client.async_client import GeneratedAsyncClient

if TYPE_CHECKING:
    from ..generated_client.models import (
        AdviserScreensAdviserScreens,
        StudentsStudents,
        TeachersTeachers,
        VisitStudentsVisitStudents,
    )

RowT = TypeVar("RowT")


class AsyncNextSchool(GeneratedAsyncClient):
    """Async client for the NextSchool Data API.

    Logs in lazily (or via `login()`), refreshes the access token before it
    expires, renews and retries once when the API answers UNAUTHENTICATED, and
    retries rate-limited and failed queries within bounds. Safe to share
    between any number of coroutines on one event loop.
    """

    # -- paging ------------------------------------------------------------

    async def iter_students(
        self, *, page_size: int = DEFAULT_PAGE_SIZE, **filters: Unpack[StudentFilters]
    ) -> AsyncIterator[StudentsStudents]:
        """Every student matching the filters, fetched `page_size` rows at a time."""
        async for row in self._pages(self.students, page_size, filters):
            yield row

    async def iter_teachers(
        self, *, page_size: int = DEFAULT_PAGE_SIZE, **filters: Unpack[TeacherFilters]
    ) -> AsyncIterator[TeachersTeachers]:
        """Every teacher matching the filters, fetched `page_size` rows at a time."""
        async for row in self._pages(self.teachers, page_size, filters):
            yield row

    async def iter_adviser_screens(
        self, *, page_size: int = DEFAULT_PAGE_SIZE, **filters: Unpack[CareListFilters]
    ) -> AsyncIterator[AdviserScreensAdviserScreens]:
        """Every adviser-screen row in scope, fetched `page_size` rows at a time."""
        async for row in self._pages(self.adviser_screens, page_size, filters):
            yield row

    async def iter_visit_students(
        self, *, page_size: int = DEFAULT_PAGE_SIZE, **filters: Unpack[CareListFilters]
    ) -> AsyncIterator[VisitStudentsVisitStudents]:
        """Every home-visit row in scope, fetched `page_size` rows at a time."""
        async for row in self._pages(self.visit_students, page_size, filters):
            yield row

    async def _pages(
        self,
        fetch: Callable[..., Awaitable[list[RowT]]],
        page_size: int,
        filters: Mapping[str, object],
    ) -> AsyncIterator[RowT]:
        check_page_size(page_size)
        offset = 0
        while True:
            page = await fetch(limit=page_size, offset=offset, **filters)
            count = len(page)
            for row in page:
                yield row
            # Released before the next request: at most one page of rows alive.
            del page
            if count < page_size:
                return
            offset += count
