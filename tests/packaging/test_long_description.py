"""What a package index shows opens with installation and usage; the README with set-up."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def headings(text: str) -> list[str]:
    return re.findall(r"^## (.+)$", text, flags=re.MULTILINE)


def test_the_package_index_page_opens_with_install_and_usage() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^readme = "PYPI\.md"$', pyproject, flags=re.MULTILINE)
    text = (ROOT / "PYPI.md").read_text(encoding="utf-8")
    assert headings(text)[:2] == ["Install", "Usage"]
    # Nothing that exists only in a clone of the repository.
    assert "dev.py" not in text
    assert "benchmarks/" not in text


def test_the_readme_keeps_its_two_set_up_commands_first() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = re.search(r"```\w*\n(.*?)```", text, flags=re.DOTALL)
    assert first_block is not None
    assert text.index(first_block.group(0)) < text.index("\n## ")
    commands = [line.split("#")[0].strip() for line in first_block.group(1).splitlines()]
    assert commands == ["python dev.py demo", "python dev.py test"]
