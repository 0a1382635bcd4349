"""Mutation testing of the core modules (mutmut 3), with a per-module score table.

    python scripts/mutate.py                      # every core module
    python scripts/mutate.py nextschool/_response.py
    python scripts/mutate.py --quick              # one small module, its unit tests
    python scripts/mutate.py --recheck            # survivors of the last run vs new tests
    python scripts/mutate.py --report             # the last run's table again

Settings live in pyproject.toml: `[tool.mutmut]` is mutmut's own (so a bare
`mutmut run` works too) and `[tool.nextschool.mutation]` says which modules are
core, which tests each is run against, the quick target, the minimum score and
where the equivalent mutants are listed. The modules are mutated one after the
other, each against its own tests (mutmut then runs, per mutant, only the tests
that reach the mutated function), and each in its own copy of the sources in
build/mutation/<module>, so the worktree is never touched and an unchanged
module reuses earlier results. One run at a time: a second one waits.

A mutant counts as killed when a test fails, times out or crashes on it. The
score of a module is killed / (mutants - listed equivalents); a surviving
mutant that is not listed is printed with its diff. Exit status 1 when a
module scores below the minimum or its run went wrong, the quick run included.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import json
import os
import shutil
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

if sys.version_info >= (3, 11):
    import tomllib

    def load_toml(text: str) -> dict[str, Any]:
        return tomllib.loads(text)
else:  # mutmut depends on `toml` on 3.10
    import toml  # type: ignore[import-untyped,unused-ignore]

    def load_toml(text: str) -> dict[str, Any]:
        return dict(toml.loads(text))


ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
COPIED = ["nextschool", "tests", "pyproject.toml"]
KILLED = {1, 3, 24, -24, 36, 37, 152, 255, -9, -11}  # failed, error, timeout, type check, crash
SURVIVED = {0, 5, 33}  # passed, or no test ran it
NO_TESTS = 33


@dataclass
class Mutant:
    name: str
    exit_code: int | None
    function: str = ""
    change: str = ""

    @property
    def killed(self) -> bool:
        return self.exit_code in KILLED


@dataclass
class ModuleResult:
    path: str
    mutants: list[Mutant] = field(default_factory=list)
    equivalent: list[Mutant] = field(default_factory=list)
    survivors: list[Mutant] = field(default_factory=list)
    unknown: list[Mutant] = field(default_factory=list)
    unchecked: list[Mutant] = field(default_factory=list)

    @property
    def killed(self) -> int:
        return sum(m.killed for m in self.mutants)

    @property
    def score(self) -> float:
        scored = len(self.mutants) - len(self.equivalent) - len(self.unchecked)
        return 100.0 if scored == 0 else 100.0 * self.killed / scored


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("modules", nargs="*", help="core modules to mutate (default: all)")
    parser.add_argument("--quick", action="store_true", help="the quick CI target only")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument(
        "--recheck",
        action="store_true",
        help="run the last run's survivors against the test files changed since",
    )
    parser.add_argument("--report", action="store_true", help="print the last run's table")
    args = parser.parse_args()

    settings = load_toml(PYPROJECT.read_text(encoding="utf-8"))["tool"]["nextschool"]["mutation"]
    runs = _runs(settings, args.modules, quick=args.quick)
    equivalents = _read_equivalents(ROOT / settings["equivalents"])
    min_score = float(settings["min_score"])

    if args.report:
        return _report([_collect(w, m, equivalents) for w, m, _ in runs], min_score, equivalents)
    results: list[ModuleResult] = []
    with _OneRunAtATime(ROOT / "build" / "mutation" / ".lock"):
        for workdir, module, tests in runs:
            if args.recheck:
                _recheck(workdir, [module], tests, equivalents, args.jobs)
            elif not _mutate(workdir, module, tests, args.jobs):
                return 1
            _run_unreached(workdir, module, tests, args.jobs)
            results.append(_collect(workdir, module, equivalents))
            if len(runs) > 1:
                _report(results[-1:], min_score, {}, brief=True)
    return _report(results, min_score, equivalents)


def _runs(
    settings: dict[str, Any], names: list[str], *, quick: bool
) -> list[tuple[Path, str, list[str]]]:
    """(work directory, module, its tests) for each module of this run, in order."""
    build = ROOT / "build" / "mutation"
    if quick:
        return [(build / "quick", settings["quick_module"], list(settings["quick_tests"]))]
    modules = [_module_path(m) for m in names] or list(settings["modules"])
    tests_of: dict[str, list[str]] = settings.get("module_tests", {})
    return [
        (build / _label(module), module, list(tests_of.get(module, settings["tests"])))
        for module in modules
    ]


def _label(module: str) -> str:
    """`nextschool/auth/_tokens.py` -> `auth._tokens`, the name of its work directory."""
    return module.removeprefix("nextschool/").removesuffix(".py").replace("/", ".")


class _OneRunAtATime:
    """An exclusive lock on `path`: mutation runs are CPU-heavy, two at once halve both."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.file: TextIO | None = None

    def __enter__(self) -> None:
        try:
            import fcntl
        except ImportError:  # Windows: no waiting, as before
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.file = self.path.open("w", encoding="utf-8")
        try:
            fcntl.flock(self.file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print("another mutation run is in progress: waiting for it to end", flush=True)
            fcntl.flock(self.file, fcntl.LOCK_EX)

    def __exit__(self, *_: object) -> None:
        if self.file is not None:
            self.file.close()  # closing releases the lock


def _mutate(workdir: Path, module: str, tests: list[str], jobs: int) -> bool:
    """Run mutmut on `module` against `tests` in `workdir`; False when the run failed."""
    _forget_survivors_if_tests_changed(workdir, module)
    _prepare(workdir, [module], tests)
    log = workdir / "mutmut.log"
    print(f"mutating {module} against {' '.join(tests)} (log: {log})", flush=True)
    with log.open("w", encoding="utf-8") as out:
        # Its own process group, so an interrupt stops every forked worker too.
        mutmut = subprocess.Popen(
            [sys.executable, "-m", "mutmut", "run", "--max-children", str(jobs)],
            cwd=workdir,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={"HYPOTHESIS_PROFILE": "mutation", **os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
            start_new_session=True,
        )
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
        try:
            returncode = mutmut.wait()
        except BaseException:
            os.killpg(mutmut.pid, signal.SIGTERM)
            mutmut.wait()
            raise
    if returncode != 0:
        print(log.read_text(encoding="utf-8", errors="replace")[-4000:])
        print(f"mutmut failed on {module} with exit status {returncode}")
        return False
    return True


def _selected(test_file: str, tests: list[str]) -> bool:
    """Whether `test_file` is one of, or under one of, the run's `tests`."""
    return any(test_file == t or test_file.startswith(t.rstrip("/") + "/") for t in tests)


def _recheck(
    workdir: Path, modules: list[str], tests: list[str], equivalents: dict[str, str], jobs: int
) -> None:
    """Run the survivors again, against the run's test files changed since the run.

    A survivor passed every test of the run, and unchanged tests would pass
    again, so only new or edited test files can kill it. The module itself
    must be as it was: a changed module needs a new run.
    """
    changed_sources = _changed_files(ROOT / "nextschool", workdir / "nextschool")
    own = {module.removeprefix("nextschool/") for module in modules}
    if own & set(changed_sources):
        sys.exit(f"{', '.join(sorted(own))} changed since the run: run again")
    if changed_sources:
        # The survivors run against the run's own copy of the sources, so the
        # results stay those of that copy; a change elsewhere may shift them.
        print(f"note: other sources changed since the run: {', '.join(changed_sources)}")
    changed_tests = _changed_files(ROOT / "tests", workdir / "tests")
    # New test files first: they are the ones written to kill survivors, and
    # pytest stops at the first failure.
    changed_tests.sort(key=lambda name: (workdir / "tests" / name).exists())
    for name in changed_tests:
        for target in (workdir / "tests" / name, workdir / "mutants" / "tests" / name):
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / "tests" / name, target)
    test_files = [
        f"tests/{name}"
        for name in changed_tests
        if Path(name).name.startswith("test_") and _selected(f"tests/{name}", tests)
    ]
    print(f"rechecking survivors against {len(test_files)} changed test files", flush=True)
    for module in modules:
        meta_path = Path(f"{workdir / 'mutants' / module}.meta")
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        codes: dict[str, int | None] = meta["exit_code_by_key"]
        survivors = [
            mutant
            for mutant in _collect(workdir, module, equivalents).survivors
            if mutant.exit_code in SURVIVED
        ]
        if not test_files or not survivors:
            continue
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            outcomes = pool.map(lambda m: _run_one(workdir, m.name, test_files), survivors)
            for mutant, code in zip(survivors, outcomes, strict=True):
                # One no test reached stays so until it has met every test.
                unreached = code == 0 and mutant.exit_code == NO_TESTS
                codes[mutant.name] = NO_TESTS if unreached else code
        meta_path.write_text(json.dumps(meta, indent=4), encoding="utf-8")


def _forget_survivors_if_tests_changed(workdir: Path, module: str) -> None:
    """Have mutmut run the last run's survivors again when any test changed since.

    mutmut keeps each mutant's result while its function is unchanged, so a
    new test would otherwise never meet the survivors it was written for.
    Killed mutants keep their result.
    """
    meta_path = Path(f"{workdir / 'mutants' / module}.meta")
    if not meta_path.exists() or not _changed_files(ROOT / "tests", workdir / "tests"):
        return
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    codes: dict[str, int | None] = meta["exit_code_by_key"]
    for name, code in codes.items():
        if code in SURVIVED:
            codes[name] = None
    meta_path.write_text(json.dumps(meta, indent=4), encoding="utf-8")


def _run_unreached(workdir: Path, module: str, tests: list[str], jobs: int) -> None:
    """Run the mutants no test reached, by mutmut's account, against all of `tests`.

    mutmut learns which tests reach a function by watching the test process;
    code that runs only in a forked child (the at-fork hooks) or another
    process is never seen there, and its mutants would count as survivors
    without a single test run against them.
    """
    meta_path = Path(f"{workdir / 'mutants' / module}.meta")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    codes: dict[str, int | None] = meta["exit_code_by_key"]
    unreached = [name for name, code in codes.items() if code == NO_TESTS]
    if not unreached:
        return
    print(f"running {len(unreached)} mutants no test reached against every test", flush=True)
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for name, code in zip(
            unreached, pool.map(lambda name: _run_one(workdir, name, tests), unreached), strict=True
        ):
            # Still "no tests" when none fails: it stays a survivor either way.
            codes[name] = code if code != 0 else NO_TESTS
    meta_path.write_text(json.dumps(meta, indent=4), encoding="utf-8")


def _changed_files(current: Path, copied: Path) -> list[str]:
    changed = []
    for path in sorted(current.rglob("*")):
        if path.is_dir() or "__pycache__" in path.parts:
            continue
        relative = path.relative_to(current)
        copy = copied / relative
        if not copy.exists() or copy.read_bytes() not in _as_copied(path):
            changed.append(relative.as_posix())
    return changed


def _as_copied(path: Path) -> tuple[bytes, ...]:
    """The contents a copy of `path` has in a work directory: as is, or marked by _prepare."""
    content = path.read_bytes()
    if path.suffix != ".py":
        return (content,)
    marked = _protocols_unmutated(content.decode("utf-8")).encode("utf-8")
    return (content, marked)


def _run_one(workdir: Path, mutant: str, test_files: list[str]) -> int:
    """pytest's exit status for the test files with `mutant` active (1: killed)."""
    mutants = workdir / "mutants"
    # The run's own pytest options (deselected tests), as mutmut passes them.
    options = load_toml((workdir / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mutmut"]
    try:
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-x",
                "-q",
                *options.get("pytest_add_cli_args", ["-p", "no:cacheprovider"]),
                *test_files,
            ],
            cwd=mutants,
            env={
                "HYPOTHESIS_PROFILE": "mutation",
                **os.environ,
                "MUTANT_UNDER_TEST": mutant,
                "PYTHONPATH": str(mutants),
                "PYTHONDONTWRITEBYTECODE": "1",
            },
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=300,
        )
    except subprocess.TimeoutExpired:
        return 36  # mutmut's code for a timeout, which counts as killed
    if run.returncode == 4:
        sys.exit(f"pytest could not run {test_files}")
    return 0 if run.returncode == 5 else run.returncode


def _module_path(name: str) -> str:
    """Accept `nextschool/auth/_tokens.py`, `auth/_tokens.py` or `nextschool.auth._tokens`."""
    if not name.endswith(".py"):
        name = name.replace(".", "/") + ".py"
    if not name.startswith("nextschool/"):
        name = "nextschool/" + name
    if not (ROOT / name).is_file():
        sys.exit(f"no such module: {name}")
    return name


def _prepare(workdir: Path, modules: list[str], tests: list[str]) -> None:
    workdir.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        target = workdir / name
        if target.is_dir():
            shutil.rmtree(target)
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target)
    pyproject = workdir / "pyproject.toml"
    pyproject.write_text(
        _with_mutmut_table(pyproject.read_text(encoding="utf-8"), modules, tests),
        encoding="utf-8",
    )
    for module in modules:
        copy = workdir / module
        copy.write_text(_protocols_unmutated(copy.read_text(encoding="utf-8")), encoding="utf-8")


def _protocols_unmutated(source: str) -> str:
    """`source` with its Protocol classes marked for mutmut to leave alone.

    mutmut adds each mutant of a method to its class as another method; on a
    runtime-checkable Protocol those become members that every implementation
    lacks, so `isinstance(store, SharedTokenStore)` turns false under every
    mutant. A Protocol's methods are stubs, with nothing to mutate anyway.
    """
    lines = source.splitlines(keepends=True)
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef) and any(
            (isinstance(base, ast.Name) and base.id == "Protocol")
            or (isinstance(base, ast.Attribute) and base.attr == "Protocol")
            for base in node.bases
        ):
            header = lines[node.lineno - 1]
            if header.rstrip().endswith(":") and "#" not in header:
                lines[node.lineno - 1] = header.rstrip() + "  # pragma: no mutate block\n"
    return "".join(lines)


def _with_mutmut_table(text: str, modules: list[str], tests: list[str]) -> str:
    """pyproject.toml text with [tool.mutmut] narrowed to this run's modules and tests."""
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.strip() == "[tool.mutmut]")
    end = next(
        (i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("[")), len(lines)
    )
    table = load_toml("".join(lines[start:end]))["tool"]["mutmut"]
    table["only_mutate"] = modules
    table["pytest_add_cli_args_test_selection"] = tests
    body = "".join(f"{key} = {json.dumps(value)}\n" for key, value in table.items())
    return "".join(lines[:start]) + "[tool.mutmut]\n" + body + "\n" + "".join(lines[end:])


def _collect(workdir: Path, module: str, equivalents: dict[str, str]) -> ModuleResult:
    result = ModuleResult(module)
    mutated = workdir / "mutants" / module
    meta = json.loads(Path(f"{mutated}.meta").read_text(encoding="utf-8"))
    functions = _functions(mutated.read_text(encoding="utf-8"))
    for name, exit_code in meta["exit_code_by_key"].items():
        mutant = Mutant(name, exit_code)
        mutant.function, mutant.change = _describe(name, functions)
        result.mutants.append(mutant)
        if mutant.killed:
            continue
        if exit_code is None:
            result.unchecked.append(mutant)
        elif exit_code not in SURVIVED:
            result.unknown.append(mutant)
        elif _key(mutant) in equivalents:
            result.equivalent.append(mutant)
        else:
            result.survivors.append(mutant)
    return result


def _functions(source: str) -> dict[str, str]:
    """Every function in the mutated file by name, as source text."""
    lines = source.splitlines()
    found: dict[str, str] = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found[node.name] = "\n".join(lines[node.lineno - 1 : node.end_lineno])
    return found


def _describe(name: str, functions: dict[str, str]) -> tuple[str, str]:
    """(dotted function name, `- old | + new` lines) for a mutant name."""
    module, _, local = name.rpartition(".")
    base, _, _ = local.rpartition("__mutmut_")
    function = module + "." + base.removeprefix("x_").replace("x\u01c1", "").replace("\u01c1", ".")
    # The signature too (a changed default), with the mutant's name as the original's.
    original = functions.get(base + "__mutmut_orig", "").splitlines()
    mutated = functions.get(local, "").replace(local, base + "__mutmut_orig", 1).splitlines()
    plain = function.rpartition(".")[2]
    changed = [
        line[0] + " " + line[1:].strip().replace(base + "__mutmut_orig", plain)
        for line in difflib.unified_diff(original, mutated, lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    return function, " | ".join(changed)


def _key(mutant: Mutant) -> str:
    return f"{mutant.function} :: {mutant.change}"


def _read_equivalents(path: Path) -> dict[str, str]:
    """`function :: - old | + new  ->  why it changes nothing`, one per line."""
    found: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, why = line.partition("  ->  ")
            found[key.strip()] = why.strip()
    return found


def _report(
    results: list[ModuleResult],
    min_score: float,
    equivalents: dict[str, str],
    *,
    brief: bool = False,
) -> int:
    """Print the score table (and, unless `brief`, every survivor); 1 if any module fails."""
    print()
    print("| module | mutants | killed | equivalent | survived | not run | score |")
    print("|---|---|---|---|---|---|---|")
    failed = False
    for r in results:
        below = r.score < min_score or r.unknown or r.unchecked
        failed = failed or bool(below)
        note = f" (below {min_score:g}%)" if below else ""
        print(
            f"| `{r.path}` | {len(r.mutants)} | {r.killed} | {len(r.equivalent)} | "
            f"{len(r.survivors)} | {len(r.unchecked)} | {r.score:.1f}%{note} |"
        )
    if brief:
        return 1 if failed else 0
    for r in results:
        for mutant in r.survivors:
            print(f"survived: {_key(mutant)}")
        for mutant in r.unknown:
            print(f"not run (exit {mutant.exit_code}): {_key(mutant)}")
    listed = {_key(m) for r in results for m in r.equivalent}
    checked = tuple(r.path.removesuffix(".py").replace("/", ".") + "." for r in results)
    for key in equivalents:
        if key not in listed and key.startswith(checked):
            print(f"listed as equivalent but not a survivor any more: {key}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
