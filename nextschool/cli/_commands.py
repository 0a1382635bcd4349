"""The data commands: lists (one page, or every page with --all), records, care module."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from ..auth import NextSchool
from ._context import Context
from ._errors import CommandError, ExitCode
from ._output import (
    Column,
    JsonArrayWriter,
    Progress,
    TableWriter,
    write_fields,
    write_json,
    write_table,
)
from ._resources import (
    ADVISER_SCREEN_COLUMNS,
    QUESTION_COLUMNS,
    STATS_COLUMNS,
    STUDENT_COLUMNS,
    TEACHER_COLUMNS,
    VISIT_STUDENT_COLUMNS,
    model_fields,
    stats_rows,
)

RowT = TypeVar("RowT")
FetchPage = Callable[..., Sequence[RowT]]
IterateAll = Callable[..., Iterator[RowT]]

STUDENT_FILTERS = ("search", "code", "firstname", "lastname", "mobile_no", "citizen_id")
TEACHER_FILTERS = (
    "search",
    "username",
    "firstname",
    "lastname",
    "email",
    "mobile_no",
    "citizen_id",
    "status",
    "visit_semester_id",
)
CARE_FILTERS = ("academic_year_id", "semester_id", "classroom_id", "status")


def chosen_filters(args: argparse.Namespace, names: Iterable[str]) -> dict[str, Any]:
    # Only filters the user gave: an explicit null would override the API's
    # own defaults (status "all", limit 20).
    return {name: getattr(args, name) for name in names if getattr(args, name) is not None}


def batched(rows: Iterable[RowT], size: int) -> Iterator[list[RowT]]:
    batch: list[RowT] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def list_rows(
    ctx: Context,
    columns: Sequence[Column[RowT]],
    fetch_page: FetchPage[RowT],
    iterate_all: IterateAll[RowT],
    filters: dict[str, Any],
) -> int:
    args = ctx.args
    if args.all and args.offset is not None:
        raise CommandError("--offset cannot be combined with --all", ExitCode.USAGE)
    writer: JsonArrayWriter | TableWriter[RowT]
    writer = JsonArrayWriter(ctx.stdout) if ctx.json else TableWriter(columns, ctx.stdout)
    if args.all:
        # The SDK's paging helper asks for page after page until one comes
        # back short; regrouping its rows by page size recovers the pages.
        progress = Progress(ctx.stderr, enabled=not args.quiet)
        count = 0
        rows = iterate_all(page_size=args.page_size, **filters)
        # Written rows go before the next page is fetched, so one page is alive
        # at a time. (Not enumerate(): its reused result tuple would keep the
        # previous page alive.)
        number = 0
        for page in batched(rows, args.page_size):
            number += 1  # noqa: SIM113
            writer.write(page)
            count += len(page)
            progress.page(count, number)
            del page
        progress.done(count)
    else:
        paging = {"limit": args.limit, "offset": args.offset}
        page_args = {key: value for key, value in paging.items() if value is not None}
        writer.write(fetch_page(**page_args, **filters))
    writer.finish()
    return ExitCode.OK


def run_students(ctx: Context) -> int:
    with ctx.client() as client:
        filters = chosen_filters(ctx.args, STUDENT_FILTERS)
        return list_rows(ctx, STUDENT_COLUMNS, client.students, client.iter_students, filters)


def run_teachers(ctx: Context) -> int:
    with ctx.client() as client:
        filters = chosen_filters(ctx.args, TEACHER_FILTERS)
        return list_rows(ctx, TEACHER_COLUMNS, client.teachers, client.iter_teachers, filters)


def run_adviser_screens(ctx: Context) -> int:
    with ctx.client() as client:
        filters = chosen_filters(ctx.args, CARE_FILTERS)
        return list_rows(
            ctx,
            ADVISER_SCREEN_COLUMNS,
            client.adviser_screens,
            client.iter_adviser_screens,
            filters,
        )


def run_visit_students(ctx: Context) -> int:
    with ctx.client() as client:
        filters = chosen_filters(ctx.args, CARE_FILTERS)
        return list_rows(
            ctx, VISIT_STUDENT_COLUMNS, client.visit_students, client.iter_visit_students, filters
        )


def run_student(ctx: Context) -> int:
    student_id: int = ctx.args.id
    with ctx.client() as client:
        student = client.student(id=student_id)
    if student is None:
        raise CommandError(f"No student with id {student_id}", ExitCode.API_ERROR)
    if ctx.json:
        write_json(student, ctx.stdout)
    else:
        write_fields(model_fields(student), ctx.stdout)
    return ExitCode.OK


def run_teacher(ctx: Context) -> int:
    teacher_id: int = ctx.args.id
    with ctx.client() as client:
        teacher = client.teacher(id=teacher_id, **chosen_filters(ctx.args, ["visit_semester_id"]))
    if teacher is None:
        raise CommandError(f"No teacher with id {teacher_id}", ExitCode.API_ERROR)
    if ctx.json:
        write_json(teacher, ctx.stdout)
    else:
        write_fields(model_fields(teacher), ctx.stdout)
    return ExitCode.OK


def run_stats(ctx: Context) -> int:
    with ctx.client() as client:
        visits = client.visit_stats()
        screens = client.adviser_screen_stats()
    if ctx.json:
        write_json({"visitStats": visits, "adviserScreenStats": screens}, ctx.stdout)
    else:
        write_table(STATS_COLUMNS, stats_rows(visits, screens), ctx.stdout)
    return ExitCode.OK


def run_template(ctx: Context, which: Callable[[NextSchool], Any], label: str) -> int:
    with ctx.client() as client:
        template = which(client)
    if template is None:
        raise CommandError(f"The API returned no {label} template", ExitCode.API_ERROR)
    if ctx.json:
        write_json(template, ctx.stdout)
    else:
        name = template.name or label
        ctx.stdout.write(f"{name}: {len(template.questions)} questions\n")
        write_table(QUESTION_COLUMNS, template.questions, ctx.stdout)
    return ExitCode.OK


def run_sdq_template(ctx: Context) -> int:
    return run_template(ctx, lambda client: client.sdq_template(), "SDQ")


def run_eq_template(ctx: Context) -> int:
    return run_template(ctx, lambda client: client.eq_template(), "EQ")
