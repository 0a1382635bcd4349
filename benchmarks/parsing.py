"""Row 5: decoding 10,000 students into typed models, against `json.loads` alone.

`json.loads` gives dicts and checks nothing; the SDK gives validated models.
Time and peak memory are measured in separate passes, since tracing
allocations slows everything down. tracemalloc sees the Python objects both
sides create (dicts, strings, model instances), which is what stays alive.
"""

from __future__ import annotations

import gc
import json
import statistics
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

from nextschool._response import parse_response
from nextschool.generated_client.models import Students

from ._data import students_response
from ._table import Comparison, Row, times

STUDENTS = 10_000


def _sdk_parse(body: bytes) -> Any:
    result = parse_response(
        operation="Students", status_code=200, headers={}, content=body, model=Students
    )
    return result.data.students


def _json_loads(body: bytes) -> Any:
    return json.loads(body)["data"]["students"]


def _loads_then_validate(body: bytes) -> Any:
    # What the generated client does on its own: dicts first, then models from them.
    return Students.model_validate(json.loads(body)["data"]).students


def _median_seconds(parse: Callable[[bytes], Any], body: bytes, repeats: int) -> float:
    parse(body)
    samples = []
    for _ in range(repeats):
        gc.collect()
        started = time.perf_counter()
        rows = parse(body)
        samples.append(time.perf_counter() - started)
        assert len(rows) == STUDENTS
        del rows
    return statistics.median(samples)


def _peak_bytes(parse: Callable[[bytes], Any], body: bytes) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        rows = parse(body)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(rows) == STUDENTS
    return peak


def run(*, quick: bool) -> list[Row]:
    body = students_response(STUDENTS)
    repeats = 1 if quick else 9
    parsers = {"sdk": _sdk_parse, "loads": _json_loads, "validate": _loads_then_validate}
    seconds = {name: _median_seconds(parse, body, repeats) for name, parse in parsers.items()}
    peaks = {name: _peak_bytes(parse, body) for name, parse in parsers.items()}

    def ms(name: str) -> str:
        return f"{seconds[name] * 1000:.1f} ms"

    def mib(name: str) -> str:
        return f"{peaks[name] / 2**20:.1f} MiB"

    size = f"{len(body) / 2**20:.1f} MiB"
    return [
        Row(
            "5a",
            f"Parse 10,000 students ({size} body), time",
            f"typed models: {ms('sdk')}",
            (
                Comparison(
                    f"json.loads to dicts: {ms('loads')}", times(seconds["sdk"] / seconds["loads"])
                ),
                Comparison(
                    f"json.loads + model_validate: {ms('validate')}",
                    times(seconds["sdk"] / seconds["validate"]),
                ),
            ),
        ),
        Row(
            "5b",
            "Parse 10,000 students, peak traced memory",
            f"typed models: {mib('sdk')}",
            (
                Comparison(
                    f"json.loads to dicts: {mib('loads')}", times(peaks["sdk"] / peaks["loads"])
                ),
                Comparison(
                    f"json.loads + model_validate: {mib('validate')}",
                    times(peaks["sdk"] / peaks["validate"]),
                ),
            ),
        ),
    ]
