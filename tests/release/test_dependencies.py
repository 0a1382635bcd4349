"""The declared dependencies are exactly what the package imports.

Each part of the package may import the runtime dependencies plus those of its
own extra: `nextschool.testing` the `testing` extra, `nextschool.codegen` the
`codegen` extra, `nextschool.cli` the `cli` extra (its `serve` and `generate`
commands import the other parts lazily and say which extra to install when it
is missing). A dependency declared for a part must also be imported by it, so
nothing is declared for nothing.
"""

from __future__ import annotations

import ast
import functools
import re
import sys
from collections import defaultdict
from importlib import metadata
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "nextschool"

# Which extras each part of the package may use, on top of the runtime ones.
# The shared-session stores are parts of their own: the Redis classes need the
# `redis` extra, the locked file store the `filelock` one, which the `cli`
# extra also brings because the CLI keeps its session in that store.
PART_EXTRAS = {
    "core": set(),
    "testing": {"testing"},
    "cli": {"cli"},
    "codegen": {"codegen"},
    "redis": {"redis"},
    "filelock": {"filelock", "cli"},
}
FILE_PARTS = {"_redis.py": "redis", "auth/_file_store.py": "filelock"}
# Distributions that arrive with a declared one, which pins them exactly.
PROVIDED_BY = {"pydantic-core": "pydantic"}
# Imports that need no declaration in their part, and why.
HOST_IMPORTS = {
    # The pytest plugin is imported by pytest itself.
    "pytest": {"nextschool/_pytest_plugin.py"},
    # `nextschool generate` checks that the codegen extra is there, to say so
    # when it is not, before it imports nextschool.codegen.
    "ariadne_codegen": {"nextschool/cli/_generate.py"},
    # The fleet tool's file mode loads filelock early, for FileTokenStore (above).
    "filelock": {"nextschool/testing/fleet.py"},
}


def part_of(path: Path) -> str:
    relative = path.relative_to(PACKAGE).parts
    if "/".join(relative) in FILE_PARTS:
        return FILE_PARTS["/".join(relative)]
    return relative[0] if relative[0] in {"testing", "cli", "codegen"} else "core"


def third_party_imports() -> dict[str, dict[str, set[str]]]:
    """{part: {top-level module: {files}}} for every absolute, non-stdlib import."""
    found: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top in {"__future__", "nextschool"}:
                    continue
                location = path.relative_to(PACKAGE.parent).as_posix()
                found[part_of(path)][top].add(location)
    return found


def declared() -> dict[str, set[str]]:
    """{extra or "core": {canonical distribution names}} from the installed metadata."""
    result: dict[str, set[str]] = defaultdict(set)
    # Parsed by hand: tests/packaging takes the name of the `packaging` library.
    for line in metadata.requires("nextschool") or []:
        name = re.match(r"[A-Za-z0-9._-]+", line)
        assert name, line
        extra = re.search(r"""extra\s*==\s*["']([^"']+)["']""", line)
        result[extra.group(1) if extra else "core"].add(canonicalize_name(name.group(0)))
    return result


def canonicalize_name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@functools.cache
def module_distributions() -> dict[str, list[str]]:
    """{top-level module: [distributions]}, like Python 3.11's packages_distributions().

    Python 3.10's version reads only `top_level.txt`, which wheels built by
    hatchling or maturin (httpx, pydantic) do not have; 3.11 also infers the
    names from each distribution's file list, as this does on every Python.
    """
    found: dict[str, list[str]] = defaultdict(list)
    for dist in metadata.distributions():
        top_level = (dist.read_text("top_level.txt") or "").split()
        if not top_level:
            top_level = sorted(
                {
                    path.parts[0].removesuffix(".py")
                    for path in dist.files or []
                    if len(path.parts) > 1 or path.suffix == ".py"
                }
            )
        for module in top_level:
            found[module].append(dist.metadata["Name"])
    return dict(found)


def distributions_of(module: str) -> set[str]:
    return {canonicalize_name(name) for name in module_distributions().get(module, [])}


def test_every_import_is_declared_for_its_part() -> None:
    deps = declared()
    missing = []
    for part, modules in third_party_imports().items():
        allowed = deps["core"].union(*(deps[extra] for extra in PART_EXTRAS[part]))
        for module, files in modules.items():
            if files <= HOST_IMPORTS.get(module, set()):
                continue
            dists = distributions_of(module)
            assert dists, f"{module} (imported by {sorted(files)}) is not installed"
            if not any(d in allowed or PROVIDED_BY.get(d) in allowed for d in dists):
                missing.append(f"{module} ({', '.join(sorted(dists))}) in {sorted(files)}")
    assert not missing, "imported but not declared: " + "; ".join(missing)


def test_every_declared_dependency_is_imported() -> None:
    imports = third_party_imports()
    imported_by: dict[str, set[str]] = defaultdict(set)
    for part, modules in imports.items():
        for module in modules:
            for dist in distributions_of(module):
                imported_by[dist].add(part)
    unused = []
    for group, names in declared().items():
        parts = {"core"} if group == "core" else {p for p, ex in PART_EXTRAS.items() if group in ex}
        unused += [f"{name} [{group}]" for name in names if not imported_by[name] & parts]
    assert not unused, "declared but never imported: " + ", ".join(sorted(unused))


def test_the_check_sees_the_imports_it_guards() -> None:
    """The scan finds the imports this test exists for (a broken scan would pass vacuously)."""
    imports = third_party_imports()
    assert {"httpx", "pydantic", "typing_extensions"} <= imports["core"].keys()
    assert {"uvicorn", "graphql"} <= imports["testing"].keys()
    assert {"graphql", "platformdirs"} <= imports["cli"].keys()
