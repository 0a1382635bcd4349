"""`python scripts/codegen.py --check` catches generated code that is out of date.

Each test works on a copy of the pieces codegen needs, in tmp_path, because
the script regenerates nextschool/generated_client in place: running it in the
real tree while other tests import the generated client would race them. The
copies come from one module-scoped snapshot of the working tree; a codegen
run takes about 1.5 s.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from .fake_api import REPO_ROOT

COPIED_PATHS = [
    "schema.graphql",
    "queries",
    "codegen",
    "scripts",
    "pyproject.toml",
    "nextschool/generated_client",
]
GENERATED = Path("nextschool/generated_client")
FIX_HINT = "Run `python scripts/codegen.py` and commit the result."


def copy_repo_pieces(source: Path, destination: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for relative in COPIED_PATHS:
        origin, target = source / relative, destination / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if origin.is_dir():
            shutil.copytree(origin, target, ignore=ignore)
        else:
            shutil.copy2(origin, target)
    return destination


def codegen(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "scripts/codegen.py", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def tree_hashes(directory: Path) -> dict[str, str]:
    return {
        path.relative_to(directory).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(directory.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


@dataclass(frozen=True)
class Drift:
    """The module lists of a failed check's message, by kind."""

    changed: set[str]
    new: set[str]
    stale: set[str]

    @classmethod
    def parse(cls, stderr: str) -> Drift:
        def modules(label: str) -> set[str]:
            return set(re.findall(rf"^  {label}: (\S+)$", stderr, flags=re.MULTILINE))

        return cls(
            changed=modules("changed"),
            new=modules("new module, not committed"),
            stale=modules("stale module, no longer generated"),
        )


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} not found once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def assert_failed_check(result: subprocess.CompletedProcess[str]) -> Drift:
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout == ""
    assert result.stderr.startswith(
        "codegen check failed: nextschool/generated_client is out of date with "
        "schema.graphql and queries/."
    )
    assert result.stderr.rstrip().endswith(FIX_HINT)
    return Drift.parse(result.stderr)


def failed_check(root: Path) -> tuple[subprocess.CompletedProcess[str], Drift]:
    """Run a check that must fail; its message must list exactly what differs.

    The check must leave the tree alone; a plain regeneration afterwards shows
    what it compared against. Which client modules change for a given query
    edit is ariadne-codegen's business (client.py, operations.py, ...); what
    the tests pin is that every difference is reported, by kind.
    """
    committed = tree_hashes(root / GENERATED)
    result = codegen(root, "--check")
    drift = assert_failed_check(result)
    assert tree_hashes(root / GENERATED) == committed
    codegen(root)
    regenerated = tree_hashes(root / GENERATED)
    assert drift == Drift(
        changed={
            name
            for name in committed.keys() & regenerated.keys()
            if committed[name] != regenerated[name]
        },
        new=regenerated.keys() - committed.keys(),
        stale=committed.keys() - regenerated.keys(),
    )
    return result, drift


def touched_packages(drift: Drift) -> set[str]:
    return {name.split("/")[0] for name in drift.changed | drift.new | drift.stale}


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository pieces as they are in the working tree, copied once."""
    return copy_repo_pieces(REPO_ROOT, tmp_path_factory.mktemp("pristine"))


@pytest.fixture
def workspace(pristine: Path, tmp_path: Path) -> Path:
    return copy_repo_pieces(pristine, tmp_path / "repo")


@dataclass(frozen=True)
class TwoRuns:
    committed: dict[str, str]
    check: subprocess.CompletedProcess[str]
    after_check: dict[str, str]
    regenerate: subprocess.CompletedProcess[str]
    after_regenerate: dict[str, str]


@pytest.fixture(scope="module")
def two_runs(pristine: Path, tmp_path_factory: pytest.TempPathFactory) -> TwoRuns:
    """`--check` on an untouched copy, then a plain regeneration of the same copy."""
    root = copy_repo_pieces(pristine, tmp_path_factory.mktemp("untouched"))
    committed = tree_hashes(root / GENERATED)
    check = codegen(root, "--check")
    after_check = tree_hashes(root / GENERATED)
    regenerate = codegen(root)
    return TwoRuns(committed, check, after_check, regenerate, tree_hashes(root / GENERATED))


def test_check_passes_on_an_untouched_copy(two_runs: TwoRuns) -> None:
    result = two_runs.check
    assert result.returncode == 0, result.stderr
    count = len(two_runs.committed)
    assert result.stdout.strip() == (
        f"codegen check: {count} generated files match schema.graphql and queries/"
    )
    assert two_runs.after_check == two_runs.committed


def test_regenerating_twice_gives_byte_identical_trees(two_runs: TwoRuns) -> None:
    assert two_runs.regenerate.returncode == 0, two_runs.regenerate.stderr
    assert two_runs.after_regenerate == two_runs.after_check
    # Sanity: the hashes cover all three generated packages.
    packages = {name.split("/")[0] for name in two_runs.after_regenerate if "/" in name}
    assert packages == {"async_client", "models", "sync_client"}


def test_check_fails_when_a_query_gains_a_field(workspace: Path) -> None:
    edit(
        workspace / "queries" / "care.graphql",
        "  adviserScreenStats {\n",
        "  adviserScreenStats {\n    __typename\n",
    )
    result, drift = failed_check(workspace)
    assert "models/adviser_screen_stats.py" in drift.changed
    assert drift.new == drift.stale == set()
    # Both clients carry the query text, so both are out of date too.
    assert touched_packages(drift) == {"models", "async_client", "sync_client"}
    # The message also shows what regeneration changes, as a unified diff.
    assert "    +++ regenerated/models/adviser_screen_stats.py" in result.stderr
    assert re.search(r"^    \+.*__typename", result.stderr, flags=re.MULTILINE)


def test_check_reports_the_stale_module_of_a_deleted_operation(workspace: Path) -> None:
    edit(
        workspace / "queries" / "care.graphql",
        "query EqTemplate {\n  eqTemplate {\n    ...QuestionnaireTemplateFields\n  }\n}\n",
        "",
    )
    _, drift = failed_check(workspace)
    assert drift.stale == {"models/eq_template.py"}
    assert drift.new == set()
    assert "models/__init__.py" in drift.changed
    assert touched_packages(drift) == {"models", "async_client", "sync_client"}


NEW_OPERATION = """
query ClassroomRoster($search: String, $limit: Int) {
  students(search: $search, limit: $limit) {
    id
    orderNumber
    fullName
    classroomName
  }
}
"""


def test_check_reports_the_module_of_a_new_operation(workspace: Path) -> None:
    with (workspace / "queries" / "students.graphql").open("a", encoding="utf-8") as file:
        file.write(NEW_OPERATION)
    _, drift = failed_check(workspace)
    assert drift.new == {"models/classroom_roster.py"}
    assert drift.stale == set()
    assert "models/__init__.py" in drift.changed
    assert touched_packages(drift) == {"models", "async_client", "sync_client"}


def test_check_reports_a_hand_edited_generated_module(workspace: Path) -> None:
    client = workspace / GENERATED / "sync_client" / "client.py"
    client.write_text(client.read_text(encoding="utf-8") + "\n# local tweak\n", encoding="utf-8")
    _, drift = failed_check(workspace)
    assert drift == Drift(changed={"sync_client/client.py"}, new=set(), stale=set())
