"""`python benchmarks/run.py --quick` runs every benchmark and prints every row.

Only the shape of the table is checked: timings on a shared machine say
nothing reliable in a test.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
RUN = REPO / "benchmarks" / "run.py"
BENCHMARK_DEPENDENCIES = ("gql", "requests", "cryptography")
MISSING = [name for name in BENCHMARK_DEPENDENCIES if importlib.util.find_spec(name) is None]
EXPECTED_ROWS = [
    *("1a", "1b", "1c", "1d", "2a", "2b", "2c", "2d", "3a", "3b", "4a", "4b"),
    *("5a", "5b", "5c", "5d", "6a", "6b", "7", "8", "9a"),
]
RESULTS = ("PASS", "MISS", "info")

pytestmark = pytest.mark.skipif(
    bool(MISSING),
    reason=f"benchmark dependencies not installed ({', '.join(MISSING)}): "
    "pip install -r benchmarks/requirements.txt",
)


@pytest.fixture(scope="module")
def quick_run() -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(RUN), "--quick"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def _table_lines(stdout: str) -> list[str]:
    lines = stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("#  "))
    end = next(i for i, line in enumerate(lines) if line.startswith("Finished in "))
    # Skip the header and its rule; blank lines separate rows.
    return [line for line in lines[header + 2 : end] if line.strip()]


@pytest.mark.timeout(300)
def test_quick_run_exits_cleanly(quick_run: subprocess.CompletedProcess[str]) -> None:
    assert quick_run.returncode == 0, quick_run.stderr
    assert "Traceback" not in quick_run.stderr


@pytest.mark.timeout(300)
def test_quick_run_prints_every_row_in_order(
    quick_run: subprocess.CompletedProcess[str],
) -> None:
    lines = _table_lines(quick_run.stdout)
    numbers = [line.split()[0] for line in lines if not line.startswith(" ")]
    assert numbers == EXPECTED_ROWS


@pytest.mark.timeout(300)
def test_every_comparison_has_a_ratio_and_a_result(
    quick_run: subprocess.CompletedProcess[str],
) -> None:
    lines = _table_lines(quick_run.stdout)
    assert len(lines) > len(EXPECTED_ROWS)  # most rows compare with several baselines
    for line in lines:
        assert line.rstrip().endswith(RESULTS), line
        assert re.search(r"\d+\.\d\dx| vs \d+|[+-]\d+\.\d MiB", line), line


@pytest.mark.timeout(300)
def test_targets_carry_a_verdict(quick_run: subprocess.CompletedProcess[str]) -> None:
    # Rows with a target say PASS or MISS; rows without one say "info".
    for line in _table_lines(quick_run.stdout):
        has_target = re.search(r"<=? \+?\d|1 refresh per storm|0 expired-token", line)
        verdict = line.split()[-1]
        assert verdict in (("PASS", "MISS") if has_target else ("info",)), line


@pytest.mark.timeout(300)
def test_ratio_rows_report_their_rounds(quick_run: subprocess.CompletedProcess[str]) -> None:
    # Interleaved rows give the lowest round and the spread; targets count the rounds met.
    lines = _table_lines(quick_run.stdout)
    rounds = [line for line in lines if re.search(r"min \d+\.\d\dx, spread \d+\.\d\d", line)]
    assert len(rounds) >= 20
    for line in rounds:
        if line.rstrip().endswith(("PASS", "MISS")):
            assert re.search(r"\d+/\d+ met", line), line
