"""Row 9: rows 1 and 5 counted in CPU instructions instead of seconds.

Wall time on a shared machine swings with load; the number of instructions a
call executes does not. Each contender runs in a child interpreter under
valgrind's cachegrind, twice, with two numbers of calls: the difference,
divided by the difference in calls, is the instructions of one call, with
start-up and warm-up cancelled out. Hash randomisation is fixed, so a count
repeats to within a few hundred instructions. Instructions are not time: they
leave out cache misses and page faults, which a result that holds more memory
pays (row 5c), so row 9e can show fewer instructions than `json.loads` where
row 5a shows more time. Needs `valgrind` (the Debian package).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ._table import INFO, Comparison, Row, shown, times, verdict

REPO = Path(__file__).resolve().parent.parent
_INSTRUCTIONS = re.compile(r"I\s+refs:\s+([\d,]+)")
TARGET_RAW = 1.05
TARGET_FLOOR = 1.02
# (kind, rows, fewer calls, more calls)
_FULL = [
    *(
        (f"{family}:{name}", 20, 10, 410)
        for family in ("sync", "async")
        for name in ("sdk", "raw", "floor")
    ),
    *(
        (f"{family}:{name}", 500, 5, 45)
        for family in ("sync", "async")
        for name in ("sdk", "floor")
    ),
    *((f"parse:{name}", 10_000, 1, 4) for name in ("sdk", "floor", "loads")),
]
_QUICK = [("sync:sdk", 20, 2, 12), ("sync:floor", 20, 2, 12)]


def _count(kind: str, rows: int, calls: int) -> int:
    completed = subprocess.run(
        [
            "valgrind",
            "--tool=cachegrind",
            "--cache-sim=no",
            "--cachegrind-out-file=/dev/null",
            sys.executable,
            "-m",
            "benchmarks._instruction_child",
            kind,
            str(rows),
            str(calls),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONHASHSEED": "0", "PYTHONPATH": str(REPO)},
    )
    found = _INSTRUCTIONS.search(completed.stderr)
    if completed.returncode != 0 or found is None:
        raise RuntimeError(f"cachegrind run of {kind} failed:\n{completed.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def _per_call(kind: str, rows: int, fewer: int, more: int) -> float:
    return (_count(kind, rows, more) - _count(kind, rows, fewer)) / (more - fewer)


def _comparison(baseline: str, ratio: float, at_most: float | None) -> Comparison:
    if at_most is None:
        return Comparison(baseline, times(ratio), rounds="exact")
    return Comparison(
        baseline, times(ratio), f"<= {at_most:.2f}x", verdict(shown(ratio) <= at_most), "exact"
    )


def _millions(count: float) -> str:
    return f"{count / 1e6:,.2f} M instructions" if count >= 1e7 else f"{count:,.0f} instructions"


def run(*, quick: bool) -> list[Row]:
    if shutil.which("valgrind") is None:
        return [
            Row(
                "9",
                "Rows 1 and 5 in CPU instructions (cachegrind)",
                "skipped",
                (
                    Comparison(
                        "valgrind is not installed (apt-get install valgrind)", "-", "-", INFO
                    ),
                ),
            )
        ]
    plan = _QUICK if quick else _FULL
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        futures = {
            (kind, rows): pool.submit(_per_call, kind, rows, a, b) for kind, rows, a, b in plan
        }
        counts = {key: future.result() for key, future in futures.items()}

    def ratio(ours: str, baseline: str, rows: int) -> float:
        return counts[ours, rows] / counts[baseline, rows]

    def call_row(number: str, family: str, rows: int, with_raw: bool) -> Row:
        sdk = f"{family}:sdk"
        comparisons = []
        if with_raw:
            comparisons.append(
                _comparison(
                    f"raw httpx + json.loads: {_millions(counts[f'{family}:raw', rows])}",
                    ratio(sdk, f"{family}:raw", rows),
                    TARGET_RAW,
                )
            )
        comparisons.append(
            _comparison(
                f"typed floor: {_millions(counts[f'{family}:floor', rows])}",
                ratio(sdk, f"{family}:floor", rows),
                TARGET_FLOOR,
            )
        )
        return Row(
            number,
            f"One call, {rows} students, {family} (instructions per call)",
            _millions(counts[sdk, rows]),
            tuple(comparisons),
        )

    if quick:
        return [call_row("9a", "sync", 20, with_raw=False)]
    parsed = 10_000
    return [
        call_row("9a", "async", 20, with_raw=True),
        call_row("9b", "sync", 20, with_raw=True),
        call_row("9c", "async", 500, with_raw=False),
        call_row("9d", "sync", 500, with_raw=False),
        Row(
            "9e",
            "Parse 10,000 students (instructions per parse)",
            _millions(counts["parse:sdk", parsed]),
            (
                # No verdict: row 5a's target is on time, which the larger
                # result's memory traffic decides, and instructions leave out.
                _comparison(
                    f"json.loads to dicts: {_millions(counts['parse:loads', parsed])}",
                    ratio("parse:sdk", "parse:loads", parsed),
                    None,
                ),
                _comparison(
                    f"pydantic floor: {_millions(counts['parse:floor', parsed])}",
                    ratio("parse:sdk", "parse:floor", parsed),
                    None,
                ),
            ),
        ),
    ]
