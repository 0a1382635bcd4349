"""The ```python blocks of the project's Markdown, as the reader sees them.

Convention: every ```python block in README.md, PYPI.md and docs/**/*.md runs
as written against a local server, with only NEXTSCHOOL_URL,
NEXTSCHOOL_USERNAME and NEXTSCHOOL_PASSWORD set. A block that deliberately
cannot run has `<!-- not-run: reason -->` on the line right before its fence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOP_LEVEL_DOCS = ("README.md", "PYPI.md")
FENCE_OPEN = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`\s]*)")
NOT_RUN = re.compile(r"^\s*<!--\s*not-run:(?P<reason>.*?)-->\s*$")


@dataclass(frozen=True)
class CodeBlock:
    path: Path
    line: int  # 1-based line of the opening fence
    code: str
    not_run_reason: str | None

    @property
    def name(self) -> str:
        return f"{self.path.relative_to(ROOT).as_posix()}:{self.line}"


def markdown_files(root: Path = ROOT) -> list[Path]:
    files = [root / name for name in TOP_LEVEL_DOCS if (root / name).is_file()]
    return files + sorted((root / "docs").glob("**/*.md"))


def python_blocks(path: Path, text: str | None = None) -> list[CodeBlock]:
    """Every fenced block whose info string is `python`, in file order."""
    lines = (path.read_text(encoding="utf-8") if text is None else text).splitlines()
    blocks: list[CodeBlock] = []
    index = 0
    while index < len(lines):
        opening = FENCE_OPEN.match(lines[index])
        if opening is None:
            index += 1
            continue
        fence, info = opening.group("fence"), opening.group("info")
        body_start = index + 1
        index = body_start
        while index < len(lines) and not lines[index].strip().startswith(fence):
            index += 1
        if info == "python":
            previous = lines[body_start - 2] if body_start >= 2 else ""
            marker = NOT_RUN.match(previous)
            blocks.append(
                CodeBlock(
                    path=path,
                    line=body_start,
                    code="\n".join(lines[body_start:index]) + "\n",
                    not_run_reason=marker.group("reason").strip() if marker else None,
                )
            )
        index += 1  # past the closing fence
    return blocks


def all_python_blocks(root: Path = ROOT) -> list[CodeBlock]:
    return [block for path in markdown_files(root) for block in python_blocks(path)]
