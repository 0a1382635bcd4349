"""Row 7: resident memory of the CLI's `--all` export, 10,000 rows against 500.

`nextschool students --all --json` runs in a child process against the local
server (its demo school grown to 10,000 students) with the default page size,
its output thrown away; the kernel reports the child's peak resident set
size. An export that keeps about one page of rows alive at a time peaks at
the same size whatever the number of rows.
"""

from __future__ import annotations

import contextlib
import os
import random
import statistics
import subprocess
import sys
import tempfile

from nextschool.testing import DEMO_PASSWORD, DEMO_USERNAME

from ._server import REPO, server_process
from ._table import Comparison, Row, verdict

ROWS, FEW_ROWS = 10_000, 500
# Bytes, not a ratio: what more rows may add to the peak. About one page of
# models is well under this; rows kept alive add about 5 MiB per 1,000.
TARGET_MIB = 4.0


# The kernel's high-water mark of the CLI's own address space, read as it
# exits. (A child's ru_maxrss would not do: it keeps the parent's size at fork.)
_CLI = """\
import atexit, sys
def report():
    with open("/proc/self/status") as status:
        peak = next(line for line in status if line.startswith("VmHWM:"))
    sys.stderr.write("peak " + peak.split()[1] + "\\n")
atexit.register(report)
from nextschool.cli import main
sys.exit(main(["students", "--all", "--json", "--quiet"]))
"""


def _peak_rss(url: str, config_dir: str) -> int:
    """Peak RSS in bytes of one export of every student the server has."""
    env = {
        **os.environ,
        "NEXTSCHOOL_URL": url,
        "NEXTSCHOOL_USERNAME": DEMO_USERNAME,
        "NEXTSCHOOL_PASSWORD": DEMO_PASSWORD,
        "NEXTSCHOOL_CONFIG_DIR": config_dir,
    }
    child = subprocess.run(
        [sys.executable, "-c", _CLI],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    peak = [line for line in child.stderr.splitlines() if line.startswith("peak ")]
    if child.returncode != 0 or not peak:
        raise RuntimeError(f"the export failed ({child.returncode}):\n{child.stderr}")
    return int(peak[-1].split()[1]) * 1024  # kB


def run(*, quick: bool) -> list[Row]:
    samples, rows_in_full = (1, 1_000) if quick else (3, ROWS)
    peaks: dict[int, list[int]] = {rows_in_full: [], FEW_ROWS: []}
    with (
        tempfile.TemporaryDirectory(prefix="nextschool-bench-export-") as config_dir,
        contextlib.ExitStack() as stack,
    ):
        servers = {rows: stack.enter_context(server_process(students=rows)) for rows in peaks}
        order = random.Random(2567)
        sizes = list(peaks)
        for _ in range(samples):
            order.shuffle(sizes)
            for rows in sizes:
                peaks[rows].append(_peak_rss(servers[rows].url, config_dir))

    def mib(rows: int) -> float:
        return statistics.median(peaks[rows]) / 2**20

    more = mib(rows_in_full) - mib(FEW_ROWS)
    return [
        Row(
            "7",
            f"CLI `students --all --json`, {rows_in_full:,} rows, peak RSS",
            f"{mib(rows_in_full):.1f} MiB",
            (
                Comparison(
                    f"the same export of {FEW_ROWS} rows: {mib(FEW_ROWS):.1f} MiB",
                    f"{more:+.1f} MiB",
                    f"<= +{TARGET_MIB:.1f} MiB",
                    verdict(round(more, 1) <= TARGET_MIB),
                ),
            ),
        )
    ]
