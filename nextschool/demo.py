"""A tour of the SDK against the local NextSchool server. Offline, a few seconds.

    python -m nextschool.demo

Logs in with the demo account, lists students, then has the server revoke the
access token and shows, step by step, how the next call renews it and retries
without the caller noticing. Every line of the timeline comes from a real
event: an HTTP request or response seen by the client, a log record of the
SDK, or the server's own counters. Needs the `testing` extra.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TextIO, TypeVar

import httpx

from ._logging import logger
from .auth import AsyncNextSchool, StoredTokens
from .cli._output import Column, write_table
from .cli._resources import STUDENT_COLUMNS, TEACHER_COLUMNS
from .types import QuestionnaireTemplate

RowT = TypeVar("RowT")


class Style:
    """ANSI styles on a terminal; plain text in CI logs, files and pipes."""

    def __init__(self, stream: TextIO) -> None:
        self.enabled = stream.isatty() and "NO_COLOR" not in os.environ

    def _wrap(self, code: str, text: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.enabled else text

    def heading(self, text: str) -> str:
        return self._wrap("1", text)

    def dim(self, text: str) -> str:
        return self._wrap("2", text)

    def bad(self, text: str) -> str:
        return self._wrap("31", text)

    def good(self, text: str) -> str:
        return self._wrap("32", text)


@dataclass(frozen=True)
class Event:
    at: float
    marker: str
    source: str
    detail: str
    tone: str = "plain"


class Timeline:
    """Collects what happens during one call, from the client's side."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self._recording = False
        self._started = 0.0
        self._sent: dict[str, int] = {}

    def start(self) -> None:
        self.events.clear()
        self._sent.clear()
        self._started = time.perf_counter()
        self._recording = True

    def stop(self) -> float:
        self._recording = False
        return (time.perf_counter() - self._started) * 1000

    def add(self, marker: str, source: str, detail: str, tone: str = "plain") -> None:
        if self._recording:
            at = (time.perf_counter() - self._started) * 1000
            self.events.append(Event(at, marker, source, detail, tone))

    def count(self, marker: str, source: str | None = None) -> int:
        return sum(1 for e in self.events if e.marker == marker and source in (None, e.source))

    # -- sources of events -------------------------------------------------

    async def on_request(self, request: httpx.Request) -> None:
        operation = _operation_name(request.content)
        self._sent[operation] = self._sent.get(operation, 0) + 1
        retry = " (retry)" if self._sent[operation] > 1 else ""
        self.add("→", operation, f"request{retry}")

    async def on_response(self, response: httpx.Response) -> None:
        await response.aread()
        operation = _operation_name(response.request.content)
        detail, tone = _describe_response(response)
        self.add("←", operation, detail, tone)

    def on_tokens_changed(self, tokens: StoredTokens | None) -> None:
        self.add("·", "client", "new tokens handed to on_tokens_changed")

    def log_handler(self) -> logging.Handler:
        timeline = self

        class TimelineHandler(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                timeline.add("·", "SDK log", record.getMessage())

        handler = TimelineHandler(logging.INFO)
        return handler


def _operation_name(body: bytes) -> str:
    try:
        payload = json.loads(body)
    except ValueError:
        return "?"
    name = payload.get("operationName") if isinstance(payload, dict) else None
    return name if isinstance(name, str) else "?"


def _describe_response(response: httpx.Response) -> tuple[str, str]:
    status = f"HTTP {response.status_code}"
    try:
        payload = response.json()
    except ValueError:
        return f"{status}, not JSON", "bad"
    errors = payload.get("errors") if isinstance(payload, dict) else None
    if errors:
        codes = sorted({str((e.get("extensions") or {}).get("code", "error")) for e in errors})
        return f"{status}, {', '.join(codes)}: {errors[0].get('message', '')}", "bad"
    data = payload.get("data") or {}
    # Describe the result without ever showing a token.
    if "refreshToken" in data or "login" in data:
        result = data.get("refreshToken") or data.get("login") or {}
        return f"{status}, new access token, valid {result.get('expiresIn')} s", "good"
    rows = next(iter(data.values()), None)
    if isinstance(rows, list):
        return f"{status}, ok, {len(rows)} rows", "good"
    return f"{status}, ok", "good"


class Tour:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.style = Style(out)

    def section(self, title: str) -> None:
        self.out.write("\n" + self.style.heading(title) + "\n")

    def line(self, text: str = "") -> None:
        self.out.write(text + "\n")

    def table(self, columns: Sequence[Column[RowT]], rows: Sequence[RowT]) -> None:
        write_table(columns, rows, self.out)

    def timeline(self, timeline: Timeline) -> None:
        source_width = max((len(e.source) for e in timeline.events), default=0)
        paint: dict[str, Callable[[str], str]] = {
            "bad": self.style.bad,
            "good": self.style.good,
            "plain": str,
        }
        for event in timeline.events:
            stamp = self.style.dim(f"{event.at:8.1f} ms")
            detail = paint[event.tone](event.detail)
            self.line(f"  {stamp}  {event.marker} {event.source:<{source_width}}  {detail}")


def question_summary(template: QuestionnaireTemplate | None, label: str) -> tuple[str, Any, Any]:
    if template is None:
        return (label, None, None)
    answers = sum(len(question.answers) for question in template.questions)
    return (template.name or label, len(template.questions), answers)


async def tour(url: str, username: str, password: str, server: Any, out: TextIO) -> None:
    show = Tour(out)
    timeline = Timeline()
    hooks: dict[str, list[Callable[..., Any]]] = {
        "request": [timeline.on_request],
        "response": [timeline.on_response],
    }
    log_handler = timeline.log_handler()
    logger.addHandler(log_handler)
    previous_level = logger.level
    logger.setLevel(logging.INFO)
    try:
        async with (
            httpx.AsyncClient(event_hooks=hooks, timeout=10.0) as http,
            AsyncNextSchool(
                url,
                username=username,
                password=password,
                http_client=http,
                on_tokens_changed=timeline.on_tokens_changed,
            ) as client,
        ):
            login = await client.login()
            show.line(f"Logged in to {url} as {login.user.name} ({login.user.username})")

            show.section("Students (first 10)")
            show.table(STUDENT_COLUMNS, await client.students(limit=10))

            show.section("The access token stops working")
            server.controls.revoke_access_tokens()
            show.line("The server now rejects every access token it has issued, as it does")
            show.line("with an expired one. The next call is made as if nothing happened:")
            before = server.counters.snapshot()
            timeline.start()
            students = await client.students(limit=5, offset=10)
            elapsed = timeline.stop()
            after = server.counters.snapshot()
            show.line()
            show.line(f"  await client.students(limit=5, offset=10)  ->  {len(students)} students")
            show.line()
            show.timeline(timeline)
            show.line()
            retries = timeline.count("→", "Students") - 1
            show.line(
                f"  1 call, {timeline.count('→')} HTTP requests, "
                f"{after.refreshes - before.refreshes} refresh, {retries} retry, "
                f"{after.logins - before.logins} new logins, {elapsed:.1f} ms"
            )
            show.line(
                f"  server counters: logins {after.logins}, refreshes {after.refreshes}, "
                f"UNAUTHENTICATED answers {after.unauthenticated_responses}"
            )

            show.section("Teachers (first 8)")
            show.table(TEACHER_COLUMNS, await client.teachers(limit=8))

            show.section("Care module")
            visits, screens, sdq, eq = await asyncio.gather(
                client.visit_stats(),
                client.adviser_screen_stats(),
                client.sdq_template(),
                client.eq_template(),
            )
            counts: list[tuple[str, Any]] = []
            if visits is not None:
                counts += [
                    ("home visits: students", visits.total),
                    ("home visits: visited", visits.visited),
                    ("home visits: not visited", visits.not_visited),
                    ("home visits: with problems", visits.problem),
                ]
            if screens is not None:
                counts += [
                    ("screening: normal", screens.total_normal),
                    ("screening: at risk", screens.total_risk),
                    ("screening: with problems", screens.total_problem),
                    ("screening: special", screens.total_special),
                ]
            show.table(
                [Column("Measure", lambda r: r[0]), Column("Count", lambda r: r[1], "right")],
                counts,
            )
            show.line()
            show.table(
                [
                    Column("Questionnaire", lambda r: r[0]),
                    Column("Questions", lambda r: r[1], "right"),
                    Column("Answer choices", lambda r: r[2], "right"),
                ],
                [question_summary(sdq, "SDQ"), question_summary(eq, "EQ")],
            )
            await client.logout()
    finally:
        logger.removeHandler(log_handler)
        logger.setLevel(previous_level)


def main() -> int:
    try:
        from .testing import DEMO_PASSWORD, DEMO_USERNAME, run_local_server
    except ImportError as error:
        sys.stderr.write(f"nextschool demo: {error}\n")
        return 6
    started = time.perf_counter()
    with run_local_server() as server:
        sys.stdout.write(f"Local NextSchool server at {server.url}\n")
        asyncio.run(tour(server.url, DEMO_USERNAME, DEMO_PASSWORD, server, sys.stdout))
    sys.stdout.write(f"\nDone in {time.perf_counter() - started:.1f} s.\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
