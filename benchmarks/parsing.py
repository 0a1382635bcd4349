"""Row 5: decoding 10,000 students into typed models, against `json.loads` alone.

`json.loads` gives dicts and checks nothing; the SDK gives validated models.
Time is measured in interleaved turns (every parser once per turn, in a
shuffled order, each after a `gc.collect()`), then memory apart, since tracing
allocations slows everything down: what each result holds per row under
tracemalloc (the Python objects: dicts, strings, model instances) and in
resident memory (RSS, in a fresh child per sample, so no other allocation
shares its pages), and the peak while parsing.
"""

from __future__ import annotations

import gc
import json
import os
import statistics
import subprocess
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pydantic

from nextschool._exceptions import GraphQLError
from nextschool._gc import gc_held_for
from nextschool._response import parse_response
from nextschool.generated_client.models import Students

from ._data import students_error_response, students_response
from ._table import Comparison, Row, compare, times
from ._timing import measure_blocking

STUDENTS = 10_000
TARGET_LOADS = 1.25
# An error answer is classified before its data is validated: about one json.loads.
TARGET_ERROR = 1.10
REPO = Path(__file__).resolve().parent.parent


def _sdk_parse(body: bytes) -> Any:
    result = parse_response(
        operation="Students", status_code=200, headers={}, content=body, model=Students
    )
    return result.data.students


# The SDK's envelope, built here: the floor must not share the SDK's cache.
_FLOOR_ENVELOPE = pydantic.create_model(
    "StudentsFloorEnvelope",
    data=(Students | None, None),
    errors=(list[Any] | None, None),
)


def _pydantic_floor(body: bytes) -> Any:
    # pydantic's own one-pass decode into the same models, under the same
    # collector hold as the SDK, and nothing else: the least a client that
    # returns these validated models can pay. The SDK's ratio to it is what
    # its own code costs.
    with gc_held_for(len(body)):
        return _FLOOR_ENVELOPE.model_validate_json(body).data.students


def _json_loads(body: bytes) -> Any:
    return json.loads(body)["data"]["students"]


def _loads_then_validate(body: bytes) -> Any:
    # What ariadne-codegen's own base client does: dicts first, then models from them.
    return Students.model_validate(json.loads(body)["data"]).students


PARSERS: dict[str, Callable[[bytes], Any]] = {
    "sdk": _sdk_parse,
    "loads": _json_loads,
    "validate": _loads_then_validate,
    "floor": _pydantic_floor,
}


def _sdk_error(body: bytes) -> Any:
    try:
        _sdk_parse(body)
    except GraphQLError as error:
        return error
    raise AssertionError("an answer with errors parsed as a success")


def _checked(parse: Callable[[bytes], Any], body: bytes, rows: int) -> Callable[[], None]:
    def call() -> None:
        result = parse(body)
        if rows and len(result) != rows:
            raise AssertionError(f"{parse.__name__} returned {len(result)} rows, not {rows}")

    return call


def _traced(parse: Callable[[bytes], Any], body: bytes) -> tuple[int, int]:
    """Bytes the result holds, and the peak while parsing, under tracemalloc."""
    gc.collect()
    tracemalloc.start()
    try:
        rows = parse(body)
        gc.collect()
        held, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(rows) == STUDENTS
    return held, peak


def _resident_per_row(kind: str, samples: int) -> float | None:
    """Resident bytes per row the parsed result holds, median over fresh children."""
    if not Path("/proc/self/statm").exists():
        return None
    values = []
    for _ in range(samples):
        child = subprocess.run(
            [sys.executable, "-m", "benchmarks._held_rss", kind, str(STUDENTS)],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        values.append(float(child.stdout))
    return statistics.median(values)


def run(*, quick: bool) -> list[Row]:
    body = students_response(STUDENTS)
    error_body = students_error_response(STUDENTS)
    turns = 3 if quick else 20
    calls = {name: _checked(parse, body, STUDENTS) for name, parse in PARSERS.items()}
    calls["sdk_error"] = _checked(_sdk_error, error_body, 0)
    calls["loads_error"] = _checked(json.loads, error_body, 0)
    for call in calls.values():
        call()
    timings = measure_blocking(calls, turns, before_each=gc.collect)
    # The floor holds the same models as the SDK: rows 5c and 5d leave it out.
    measured = ("sdk", "loads", "validate")
    traced = {name: _traced(PARSERS[name], body) for name in measured}
    resident = {name: _resident_per_row(name, 1 if quick else 3) for name in measured}

    def ms(name: str) -> str:
        return f"{statistics.median(timings.seconds[name]) * 1000:.1f} ms"

    def held(name: str) -> str:
        per_row = f"{traced[name][0] / STUDENTS:,.0f} B/row"
        rss = resident[name]
        return per_row + (f" ({rss:,.0f} B/row RSS)" if rss is not None else "")

    def peak(name: str) -> str:
        return f"{traced[name][1] / 2**20:.1f} MiB"

    def memory_ratio(name: str) -> str:
        traced_ratio = traced["sdk"][0] / traced[name][0]
        rss_sdk, rss_other = resident["sdk"], resident[name]
        if rss_sdk is None or rss_other is None:
            return times(traced_ratio)
        return f"{times(traced_ratio)} ({times(rss_sdk / rss_other)} RSS)"

    size = f"{len(body) / 2**20:.1f} MiB"
    return [
        Row(
            "5a",
            f"Parse 10,000 students ({size} body), time",
            f"typed models: {ms('sdk')}",
            (
                compare(
                    f"json.loads to dicts: {ms('loads')}",
                    timings.ratio("sdk", "loads"),
                    at_most=TARGET_LOADS,
                ),
                compare(
                    f"json.loads + model_validate: {ms('validate')}",
                    timings.ratio("sdk", "validate"),
                ),
                compare(
                    f"pydantic floor (model_validate_json, collector held): {ms('floor')}",
                    timings.ratio("sdk", "floor"),
                ),
                compare(
                    f"pydantic floor vs json.loads: {ms('floor')} / {ms('loads')}",
                    timings.ratio("floor", "loads"),
                ),
            ),
        ),
        Row(
            "5b",
            "Error answer carrying 10,000 students of partial data, time to the error",
            f"GraphQLError: {ms('sdk_error')}",
            (
                compare(
                    f"json.loads of the same body: {ms('loads_error')}",
                    timings.ratio("sdk_error", "loads_error"),
                    at_most=TARGET_ERROR,
                ),
            ),
        ),
        Row(
            "5c",
            "Hold 10,000 parsed students, memory per row (tracemalloc, RSS)",
            f"typed models: {held('sdk')}",
            (
                Comparison(f"json.loads dicts: {held('loads')}", memory_ratio("loads")),
                Comparison(
                    f"json.loads + model_validate: {held('validate')}", memory_ratio("validate")
                ),
            ),
        ),
        Row(
            "5d",
            "Parse 10,000 students, peak traced memory",
            f"typed models: {peak('sdk')}",
            (
                Comparison(
                    f"json.loads to dicts: {peak('loads')}",
                    times(traced["sdk"][1] / traced["loads"][1]),
                ),
                Comparison(
                    f"json.loads + model_validate: {peak('validate')}",
                    times(traced["sdk"][1] / traced["validate"][1]),
                ),
            ),
        ),
    ]
