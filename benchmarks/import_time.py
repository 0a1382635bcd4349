"""Row 6: the cost of `import nextschool` in a fresh interpreter, against `import httpx`.

The import is timed inside each child interpreter, so interpreter start-up is
not counted; the median of several children is reported. Bytecode is cached in
a directory of the run's own (PYTHONPYCACHEPREFIX), written by a first child,
so every side is measured as an installed package is used: from cached
bytecode, whatever PYTHONDONTWRITEBYTECODE says and without touching the tree.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile

from ._table import Comparison, Row, times

_PROGRAM = """\
import time
started = time.perf_counter()
{statement}
print(time.perf_counter() - started)
"""
OURS = "import nextschool"
HTTPX = "import httpx"
# What any pydantic-based client pays before its own code: httpx and a BaseModel.
DEPENDENCIES = "import httpx\nfrom pydantic import BaseModel"


def _import_seconds(statement: str, repeats: int, env: dict[str, str]) -> float:
    samples = []
    for _ in range(repeats):
        completed = subprocess.run(
            [sys.executable, "-c", _PROGRAM.format(statement=statement)],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        )
        samples.append(float(completed.stdout))
    return statistics.median(samples)


def run(*, quick: bool) -> list[Row]:
    repeats = 1 if quick else 9
    with tempfile.TemporaryDirectory(prefix="nextschool-bench-pycache-") as cache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = cache
        _import_seconds(DEPENDENCIES + "\n" + OURS, 1, env)  # writes the bytecode cache
        ours = _import_seconds(OURS, repeats, env)
        httpx_alone = _import_seconds(HTTPX, repeats, env)
        dependencies = _import_seconds(DEPENDENCIES, repeats, env)

    def ms(seconds: float) -> str:
        return f"{seconds * 1000:.0f} ms"

    return [
        Row(
            "6",
            "import nextschool (fresh interpreter, median)",
            ms(ours),
            (
                Comparison(f"import httpx: {ms(httpx_alone)}", times(ours / httpx_alone)),
                Comparison(
                    f"httpx + pydantic.BaseModel: {ms(dependencies)}", times(ours / dependencies)
                ),
            ),
        )
    ]
