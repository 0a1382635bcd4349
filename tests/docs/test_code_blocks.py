"""Every ```python block of README.md, PYPI.md and docs/**/*.md runs as written.

Each block runs in a fresh interpreter against a fresh local server, with only
the URL and the demo credentials in the environment, as a reader who follows
the README's "Trying it offline" section would run it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from nextschool import NextSchool
from nextschool.testing import DEMO_PASSWORD, DEMO_USERNAME, LocalServer
from nextschool.testing.pytest_plugin import nextschool_server, nextschool_server_factory

from .code_blocks import ROOT, CodeBlock, all_python_blocks, markdown_files, python_blocks

__all__ = ["nextschool_server", "nextschool_server_factory"]

BLOCKS = all_python_blocks()
RUNNABLE = [block for block in BLOCKS if block.not_run_reason is None]
BLOCK_TIMEOUT = 60


def reader_environment(server: LocalServer, home: Path) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("NEXTSCHOOL")}
    env.update(
        NEXTSCHOOL_URL=server.url,
        NEXTSCHOOL_USERNAME=DEMO_USERNAME,
        NEXTSCHOOL_PASSWORD=DEMO_PASSWORD,
        # Whatever a block writes under ~ stays in the test's directory.
        HOME=str(home),
        PYTHONIOENCODING="utf-8",
    )
    env.pop("XDG_CONFIG_HOME", None)
    return env


@pytest.mark.parametrize("block", RUNNABLE, ids=[block.name for block in RUNNABLE])
def test_block_runs_as_written(
    block: CodeBlock, nextschool_server: LocalServer, tmp_path: Path
) -> None:
    script = tmp_path / "block.py"
    script.write_text(block.code, encoding="utf-8")
    completed = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        env=reader_environment(nextschool_server, tmp_path),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=BLOCK_TIMEOUT,
    )
    assert completed.returncode == 0, (
        f"{block.name} failed:\n{block.code}\n--- stdout\n{completed.stdout}"
        f"\n--- stderr\n{completed.stderr}"
    )
    if "print(" in block.code:
        # A block that prints nothing on the seed data shows the reader nothing.
        assert completed.stdout.strip(), f"{block.name} printed nothing"


RECORD_LOOKUP = re.compile(r"\.(student|teacher)\(id=(\d+)")


def test_records_looked_up_by_id_exist_in_the_seed_data(nextschool_server: LocalServer) -> None:
    lookups = {
        (kind, int(number))
        for block in RUNNABLE
        for kind, number in RECORD_LOOKUP.findall(block.code)
    }
    assert lookups, "no block looks a record up by id"
    with NextSchool(
        nextschool_server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD
    ) as client:
        for kind, number in sorted(lookups):
            fetch = client.student if kind == "student" else client.teacher
            assert fetch(id=number) is not None, f"no {kind} with id {number} in the seed data"


def test_the_readme_has_runnable_python_blocks() -> None:
    readme = [block for block in RUNNABLE if block.path == ROOT / "README.md"]
    assert len(readme) >= 4, [block.name for block in BLOCKS]


def test_every_not_run_block_says_why() -> None:
    for block in BLOCKS:
        if block.not_run_reason is not None:
            assert block.not_run_reason, f"{block.name}: <!-- not-run: --> needs a reason"


SAMPLE = """\
Intro.

```python
print("runs")
```

<!-- not-run: needs a real account -->
```python
print("skipped")
```

```bash
echo not python
```

````markdown
```python
print("inside another fence: not a block of its own")
```
````

```python
print("last")
```
"""


def test_blocks_are_found_with_their_not_run_markers(tmp_path: Path) -> None:
    blocks = python_blocks(tmp_path / "sample.md", SAMPLE)
    assert [(block.line, block.code, block.not_run_reason) for block in blocks] == [
        (3, 'print("runs")\n', None),
        (8, 'print("skipped")\n', "needs a real account"),
        (22, 'print("last")\n', None),
    ]


def test_docs_pages_are_collected(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("```python\nprint(1)\n```\n", encoding="utf-8")
    (tmp_path / "docs" / "guide").mkdir(parents=True)
    (tmp_path / "docs" / "guide" / "paging.md").write_text(
        "```python\nprint(2)\n```\n", encoding="utf-8"
    )
    assert [path.relative_to(tmp_path).as_posix() for path in markdown_files(tmp_path)] == [
        "README.md",
        "docs/guide/paging.md",
    ]
