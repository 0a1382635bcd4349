"""Students and teachers: filters, search and paging over one school's rows."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from graphql import GraphQLError

from nextschool.testing.models import Student, Teacher
from nextschool.testing.seed import SchoolWorld

MAX_LIMIT = 1000
T = TypeVar("T")


def bad_input(message: str) -> GraphQLError:
    """A GraphQL error with code BAD_USER_INPUT."""
    return GraphQLError(message, extensions={"code": "BAD_USER_INPUT"})


def page_bounds(args: dict[str, Any], default_limit: int) -> tuple[int, int]:
    """(limit, offset), an explicit null meaning the default."""
    limit = args.get("limit")
    offset = args.get("offset")
    limit = default_limit if limit is None else limit
    offset = 0 if offset is None else offset
    if not 0 <= limit <= MAX_LIMIT:
        raise bad_input(f"limit must be between 0 and {MAX_LIMIT}")
    if offset < 0:
        raise bad_input("offset must not be negative")
    return limit, offset


def _fold(value: str | None) -> str:
    return value.casefold() if value else ""


def _partial(field: str, wanted: str) -> Callable[[Any], bool]:
    needle = wanted.casefold()
    return lambda row: needle in _fold(getattr(row, field))


def _exact(field: str, wanted: object) -> Callable[[Any], bool]:
    return lambda row: getattr(row, field) == wanted


def _search(fields: Sequence[str], term: str) -> Callable[[Any], bool]:
    needle = term.casefold()
    return lambda row: any(needle in _fold(getattr(row, f)) for f in fields)


def _select(
    rows: Sequence[T],
    args: dict[str, Any],
    *,
    search_fields: Sequence[str],
    partial: Sequence[str],
    exact: Sequence[str],
    default_limit: int = 20,
) -> list[T]:
    limit, offset = page_bounds(args, default_limit)
    tests: list[Callable[[Any], bool]] = []
    term = args.get("search")
    if term:
        tests.append(_search(search_fields, term))
    for name in partial:
        if args.get(name) is not None:
            tests.append(_partial(name, args[name]))
    for name in exact:
        if args.get(name) is not None:
            tests.append(_exact(name, args[name]))
    # Rows are kept sorted by id, so paging is stable.
    matched = [row for row in rows if all(test(row) for test in tests)]
    return matched[offset : offset + limit]


def students(world: SchoolWorld, args: dict[str, Any]) -> list[Student]:
    """The students matching the query arguments `args`, paged."""
    return _select(
        world.students,
        args,
        search_fields=("code", "firstname", "lastname", "mobileNo", "citizenId"),
        partial=("code", "firstname", "lastname"),
        exact=("mobileNo", "citizenId"),
    )


def teachers(world: SchoolWorld, args: dict[str, Any]) -> list[Teacher]:
    """The teachers matching the query arguments `args`, paged."""
    return _select(
        world.teachers,
        args,
        search_fields=("username", "firstname", "lastname", "email", "mobileNo", "citizenId"),
        partial=("username", "firstname", "lastname", "email"),
        exact=("mobileNo", "citizenId", "status"),
    )
