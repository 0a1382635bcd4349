"""Check a release tag before publishing.

    python scripts/release_check.py v0.2.0

The tag must be `v` + the version in nextschool/_version.py, and CHANGELOG.md
must have a `## [<version>] - <date>` section for it.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def package_version(root: Path = ROOT) -> str:
    text = (root / "nextschool" / "_version.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__ = "([^"]+)"$', text, re.MULTILINE)
    if not match:
        raise SystemExit("release check: no __version__ in nextschool/_version.py")
    return match.group(1)


def problems(tag: str, root: Path = ROOT) -> list[str]:
    version = package_version(root)
    found = []
    if tag != f"v{version}":
        found.append(f"tag {tag!r} does not match the package version {version!r}")
    changelog = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    heading = re.compile(rf"^## \[{re.escape(version)}\] - \d{{4}}-\d{{2}}-\d{{2}}$", re.MULTILINE)
    if not heading.search(changelog):
        found.append(f"CHANGELOG.md has no '## [{version}] - YYYY-MM-DD' section")
    return found


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    found = problems(argv[0])
    for problem in found:
        print(f"release check: {problem}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
