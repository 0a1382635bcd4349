"""Row 6: the cost of `import nextschool` in a fresh interpreter, and of the first call.

6a times `from nextschool import NextSchool`, what a program does: the
package's `__init__` loads some names (the async client, the Redis stores) on
first use, so a bare `import nextschool` would not count the client.

Each measurement is a fresh child interpreter that times its own imports, so
interpreter start-up is not counted. The children take turns, every program
once per turn in a shuffled order, and ratios are per turn, like every other
row. Bytecode is cached in a directory of the run's own
(PYTHONPYCACHEPREFIX), written by a first child, so every side is measured as
an installed package is used: from cached bytecode, whatever
PYTHONDONTWRITEBYTECODE says and without touching the tree.

httpx imports its command-line client (`httpx._main`: click, rich, pygments)
when those happen to be installed, which they are in a development
environment for other tools but not in an install of the SDK, whose runtime
dependencies are httpx and pydantic alone. Every child blocks those three
imports, so both sides pay for httpx as a user's install does.

6b adds what the first call costs on top of the import: the client, one
`students(limit=20)` through an in-process transport, and whatever the first
call builds lazily (validators, the async stack for async users).
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from ._data import fake_access_token, students_response
from ._table import Row, compare
from ._timing import RatioStats

TARGET = 1.15
# The modules httpx's command-line client needs; not installed with the SDK.
_NOT_INSTALLED_WITH_THE_SDK = ("click", "rich", "pygments")
_PROGRAM = """\
import sys
class _NotInstalled:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in {blocked!r}:
            raise ModuleNotFoundError(name)
        return None
sys.meta_path.insert(0, _NotInstalled())
{setup}
import time
started = time.perf_counter()
{statement}
print(time.perf_counter() - started)
"""
OURS = "from nextschool import NextSchool"
HTTPX = "import httpx"
# What any pydantic-based client pays before its own code: httpx and a BaseModel.
DEPENDENCIES = "import httpx\nfrom pydantic import BaseModel"
# Defining any model loads pydantic.fields, pydantic.types and annotated_types,
# which `from pydantic import BaseModel` alone does not: the least a client
# with one typed result pays. For reference; the target stays on DEPENDENCIES.
ONE_MODEL = DEPENDENCIES + "\nclass Student(BaseModel):\n    id: int\n"
_TRANSPORT = """\
transport = httpx.MockTransport(
    lambda request: httpx.Response(200, headers={"content-type": "application/json"}, content=BODY)
)
"""
OURS_FIRST_CALL = (
    "import httpx\nfrom nextschool import NextSchool\n"
    + _TRANSPORT
    + """\
with NextSchool("http://nextschool.test/", access_token=TOKEN, refresh_token="r",
                http_client=httpx.Client(transport=transport)) as client:
    assert len(client.students(limit=20)) == 20
"""
)
DEPENDENCIES_FIRST_CALL = (
    "import json\nimport httpx\nfrom pydantic import BaseModel\n"
    + _TRANSPORT
    + """\
with httpx.Client(transport=transport) as client:
    answer = client.post("http://nextschool.test/", json={"query": "{ students { id } }"},
                         headers={"Authorization": "Bearer " + TOKEN})
    assert len(json.loads(answer.content)["data"]["students"]) == 20
"""
)


def _seconds(program: str, setup: str, env: dict[str, str]) -> float:
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            _PROGRAM.format(blocked=_NOT_INSTALLED_WITH_THE_SDK, setup=setup, statement=program),
        ],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return float(completed.stdout)


def run(*, quick: bool) -> list[Row]:
    turns = 2 if quick else 15
    programs = {
        "ours": OURS,
        "httpx": HTTPX,
        "dependencies": DEPENDENCIES,
        "one_model": ONE_MODEL,
        "ours_call": OURS_FIRST_CALL,
        "dependencies_call": DEPENDENCIES_FIRST_CALL,
    }
    seconds: dict[str, list[float]] = {name: [] for name in programs}
    with tempfile.TemporaryDirectory(prefix="nextschool-bench-import-") as scratch:
        body = Path(scratch, "body.json")
        body.write_bytes(students_response(20))
        setup = f"BODY = open({str(body)!r}, 'rb').read()\nTOKEN = {fake_access_token()!r}"
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(Path(scratch, "pycache"))
        for program in (OURS_FIRST_CALL, DEPENDENCIES_FIRST_CALL):
            _seconds(program, setup, env)  # writes the bytecode cache
        names = list(programs)
        order = random.Random(2567)
        for _ in range(turns):
            order.shuffle(names)
            for name in names:
                seconds[name].append(_seconds(programs[name], setup, env))

    def ms(name: str) -> str:
        return f"{statistics.median(seconds[name]) * 1000:.0f} ms"

    def ratio(name: str, baseline: str) -> RatioStats:
        return RatioStats.of(seconds[name], seconds[baseline], turns)

    pairs = zip(seconds["ours_call"], seconds["ours"], strict=True)
    first_call = statistics.median(call - imported for call, imported in pairs)
    return [
        Row(
            "6a",
            "from nextschool import NextSchool (fresh interpreter, median)",
            ms("ours"),
            (
                compare(f"import httpx: {ms('httpx')}", ratio("ours", "httpx")),
                compare(
                    f"httpx + pydantic.BaseModel: {ms('dependencies')}",
                    ratio("ours", "dependencies"),
                    at_most=TARGET,
                ),
                compare(
                    f"httpx + one pydantic model: {ms('one_model')}",
                    ratio("ours", "one_model"),
                ),
            ),
        ),
        Row(
            "6b",
            "import + first call (sync, MockTransport, 20 students)",
            f"{ms('ours_call')} (first call {first_call * 1000:.0f} ms)",
            (
                compare(
                    f"httpx + pydantic.BaseModel, one raw call: {ms('dependencies_call')}",
                    ratio("ours_call", "dependencies_call"),
                ),
            ),
        ),
    ]
