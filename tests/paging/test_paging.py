"""The paging helpers (`iter_students` and friends) of both clients, over real HTTP.

The oracle is one big query of the same list with the same filters: paging
must return exactly its rows, each once, in order, with one request per page.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any, cast

import pytest
from pydantic import BaseModel

from nextschool import AsyncNextSchool, ConfigurationError, NextSchool
from nextschool.testing import DEMO_PASSWORD, DEMO_USERNAME, LocalServer

EVERYTHING = 1000


@dataclass(frozen=True)
class ListCase:
    method: str  # the one-page operation, e.g. "students"
    operation: str  # its GraphQL operation name, as the server counts it
    filters: dict[str, Any]

    @property
    def helper(self) -> str:
        return f"iter_{self.method}"

    def __str__(self) -> str:
        return f"{self.method}{self.filters}"


CASES = [
    ListCase("students", "Students", {"firstname": "า"}),
    ListCase("students", "Students", {"code": "67"}),
    ListCase("teachers", "Teachers", {"status": 1}),
    ListCase("adviser_screens", "AdviserScreens", {"status": "normal"}),
    ListCase("visit_students", "VisitStudents", {"status": "visited"}),
]


def key(row: BaseModel) -> int:
    """The row's identity: a person's id, or the student's id in care lists."""
    for name in ("id", "student_id"):
        value = getattr(row, name, None)
        if isinstance(value, int):
            return value
    raise AssertionError(f"no id on {row!r}")


def requests(server: LocalServer, operation: str) -> int:
    return server.counters.requests_by_operation.get(operation, 0)


def page_size_with_short_last_page(total: int) -> int:
    """A page size giving at least four pages, the last one short."""
    size = max(1, total // 4)
    while total % size == 0 or total <= 3 * size:
        size -= 1
    assert size >= 1
    return size


def page_size_dividing(total: int) -> int:
    """A page size giving at least four full pages and nothing left over."""
    return next(size for size in range(total // 4, 0, -1) if total % size == 0)


@pytest.fixture(scope="module")
def sync_client(paging_server: LocalServer) -> Iterator[NextSchool]:
    with NextSchool(paging_server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as client:
        yield client


@pytest.fixture
async def async_client(paging_server: LocalServer) -> AsyncIterator[AsyncNextSchool]:
    async with AsyncNextSchool(
        paging_server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD
    ) as client:
        yield client


def everything(client: NextSchool, case: ListCase) -> list[BaseModel]:
    rows = getattr(client, case.method)(limit=EVERYTHING, **case.filters)
    assert isinstance(rows, list)
    assert 0 < len(rows) < EVERYTHING
    return rows


def test_filters_narrow_the_lists(sync_client: NextSchool) -> None:
    # Otherwise the paging tests would not show that filters reach the API.
    for case in CASES:
        unfiltered = getattr(sync_client, case.method)(limit=EVERYTHING)
        assert len(everything(sync_client, case)) < len(unfiltered), case


# -- sync client -------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=str)
def test_sync_pages_return_every_row_once_and_stop_after_a_short_page(
    sync_client: NextSchool, paging_server: LocalServer, case: ListCase
) -> None:
    expected = everything(sync_client, case)
    page_size = page_size_with_short_last_page(len(expected))
    before = requests(paging_server, case.operation)

    rows = list(getattr(sync_client, case.helper)(page_size=page_size, **case.filters))

    assert rows == expected
    assert len({key(row) for row in rows}) == len(rows)
    pages = -(-len(expected) // page_size)
    assert pages > 3
    assert requests(paging_server, case.operation) - before == pages


@pytest.mark.parametrize("case", CASES[:3], ids=str)
def test_sync_exact_multiple_ends_with_one_empty_page(
    sync_client: NextSchool, paging_server: LocalServer, case: ListCase
) -> None:
    expected = everything(sync_client, case)
    page_size = page_size_dividing(len(expected))
    before = requests(paging_server, case.operation)

    rows = list(getattr(sync_client, case.helper)(page_size=page_size, **case.filters))

    assert [key(row) for row in rows] == [key(row) for row in expected]
    assert requests(paging_server, case.operation) - before == len(expected) // page_size + 1


def test_sync_pages_are_fetched_only_as_rows_are_consumed(
    sync_client: NextSchool, paging_server: LocalServer
) -> None:
    before = requests(paging_server, "Students")
    rows = sync_client.iter_students(page_size=4, code="67")
    first_five = [next(rows) for _ in range(5)]
    assert requests(paging_server, "Students") - before == 2
    assert [key(row) for row in first_five] == [
        key(row) for row in sync_client.students(limit=5, code="67")
    ]


def test_sync_no_match_is_one_request_and_no_rows(
    sync_client: NextSchool, paging_server: LocalServer
) -> None:
    before = requests(paging_server, "Students")
    assert list(sync_client.iter_students(page_size=10, lastname="ไม่มีนามสกุลนี้")) == []
    assert requests(paging_server, "Students") - before == 1


BAD_PAGE_SIZES: list[object] = [0, -1, 1001, True, 2.5, "10", None]


@pytest.mark.parametrize("page_size", BAD_PAGE_SIZES, ids=repr)
def test_sync_bad_page_size_is_a_configuration_error_before_any_request(
    sync_client: NextSchool, paging_server: LocalServer, page_size: object
) -> None:
    before = paging_server.counters.requests_total
    for helper in ("iter_students", "iter_teachers", "iter_adviser_screens", "iter_visit_students"):
        with pytest.raises(ConfigurationError, match="page_size"):
            next(getattr(sync_client, helper)(page_size=cast(Any, page_size)))
    assert paging_server.counters.requests_total == before


# -- async client ------------------------------------------------------------


async def collect(rows: AsyncIterator[BaseModel]) -> list[BaseModel]:
    return [row async for row in rows]


@pytest.mark.parametrize("case", CASES, ids=str)
async def test_async_pages_return_every_row_once_and_stop_after_a_short_page(
    async_client: AsyncNextSchool,
    sync_client: NextSchool,
    paging_server: LocalServer,
    case: ListCase,
) -> None:
    expected = everything(sync_client, case)
    page_size = page_size_with_short_last_page(len(expected))
    before = requests(paging_server, case.operation)

    rows = await collect(getattr(async_client, case.helper)(page_size=page_size, **case.filters))

    assert rows == expected
    assert len({key(row) for row in rows}) == len(rows)
    pages = -(-len(expected) // page_size)
    assert pages > 3
    assert requests(paging_server, case.operation) - before == pages


@pytest.mark.parametrize("case", CASES[3:], ids=str)
async def test_async_exact_multiple_ends_with_one_empty_page(
    async_client: AsyncNextSchool,
    sync_client: NextSchool,
    paging_server: LocalServer,
    case: ListCase,
) -> None:
    expected = everything(sync_client, case)
    page_size = page_size_dividing(len(expected))
    before = requests(paging_server, case.operation)

    rows = await collect(getattr(async_client, case.helper)(page_size=page_size, **case.filters))

    assert [key(row) for row in rows] == [key(row) for row in expected]
    assert requests(paging_server, case.operation) - before == len(expected) // page_size + 1


async def test_async_stopping_early_fetches_no_further_page(
    async_client: AsyncNextSchool, paging_server: LocalServer
) -> None:
    before = requests(paging_server, "Teachers")
    seen = 0
    async for _teacher in async_client.iter_teachers(page_size=3, status=1):
        seen += 1
        if seen == 7:
            break
    assert requests(paging_server, "Teachers") - before == 3


@pytest.mark.parametrize("page_size", BAD_PAGE_SIZES, ids=repr)
async def test_async_bad_page_size_is_a_configuration_error_before_any_request(
    async_client: AsyncNextSchool, paging_server: LocalServer, page_size: object
) -> None:
    before = paging_server.counters.requests_total
    for helper in ("iter_students", "iter_teachers", "iter_adviser_screens", "iter_visit_students"):
        with pytest.raises(ConfigurationError, match="page_size"):
            await anext(getattr(async_client, helper)(page_size=cast(Any, page_size)))
    assert paging_server.counters.requests_total == before
