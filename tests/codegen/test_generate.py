"""`nextschool generate`: the package it writes, determinism and --check, refusals of
invalid operations (nothing written), and the documented ariadne-codegen route."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nextschool.cli import main
from nextschool.codegen._generate import config_text

from .conftest import OPERATIONS, PACKAGE, Generated

ROOT = Path(__file__).resolve().parents[2]


def files_of(directory: Path) -> dict[str, bytes]:
    return {
        path.relative_to(directory).as_posix(): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def generate(*args: str) -> int:
    return main(["generate", *args])


def test_the_package_has_both_clients_models_and_py_typed(generated: Generated) -> None:
    names = set(files_of(generated.directory))
    assert {"__init__.py", "client.py", "py.typed", "roster.py", "fragments.py"} <= names
    # The bundled base client and its exceptions are replaced by the SDK's.
    assert not names & {"async_base_client.py", "base_client.py", "exceptions.py"}
    package = generated.package
    assert {"AsyncClient", "Client", "RosterStudents", "TeacherName"} <= set(package.__all__)
    methods = {"roster", "student_name", "teacher_visits", "teacher_names", "care_rows"}
    assert methods <= set(vars(package.AsyncClient)) and methods <= set(vars(package.Client))


def test_same_input_same_bytes_and_check(generated: Generated, tmp_path: Path) -> None:
    again = tmp_path / "again"
    assert generate(str(OPERATIONS), "--package", PACKAGE, "--output", str(again)) == 0
    assert files_of(again / PACKAGE) == files_of(generated.directory)

    assert generate(str(OPERATIONS), "--package", PACKAGE, "-o", str(again), "--check") == 0
    (again / PACKAGE / "roster.py").write_text("# edited\n", encoding="utf-8")
    (again / PACKAGE / "stale_operation.py").write_text("", encoding="utf-8")
    edited = files_of(again / PACKAGE)
    assert generate(str(OPERATIONS), "--package", PACKAGE, "-o", str(again), "--check") == 1
    assert files_of(again / PACKAGE) == edited, "--check writes nothing"

    # Regenerating replaces the package, stale modules included.
    assert generate(str(OPERATIONS), "--package", PACKAGE, "-o", str(again)) == 0
    assert files_of(again / PACKAGE) == files_of(generated.directory)
    assert sorted(p.name for p in again.iterdir()) == [PACKAGE]


INVALID = [
    (
        "unknown field",
        "query Roster {\n  students(limit: 2) {\n    id\n    nickname\n  }\n}\n",
        "bad.graphql:4:5: Cannot query field 'nickname' on type 'Student'.",
    ),
    (
        "wrong argument type",
        'query Roster {\n  students(limit: "two") {\n    id\n  }\n}\n',
        'bad.graphql:2:19: Int cannot represent non-integer value: "two"',
    ),
    (
        "undeclared variable",
        "query Roster {\n  students(search: $search) {\n    id\n  }\n}\n",
        "bad.graphql:2:20: Variable '$search' is not defined by operation 'Roster'.",
    ),
    (
        "variable of the wrong type",
        "query Roster($limit: String) {\n  students(limit: $limit) { id }\n}\n",
        "bad.graphql:1:14: Variable '$limit' of type 'String' used in position "
        "expecting type 'Int'.",
    ),
    (
        "shadows a method of the base",
        "query Login {\n  visitStats { total }\n}\n",
        "bad.graphql:1:1: operation Login would become the method login(), which would "
        "shadow login of the client's base class; rename the operation",
    ),
    (
        "shadows execute",
        "query Execute {\n  visitStats { total }\n}\n",
        "shadow execute of the client's base class",
    ),
    (
        "overwrites a module of the package",
        "query Client {\n  visitStats { total }\n}\n",
        "client is reserved in the generated package",
    ),
    (
        "anonymous",
        "{\n  visitStats { total }\n}\n",
        "bad.graphql:1:1: the operation needs a name: it names the method",
    ),
    ("syntax", "query Roster {\n  students { id \n", "bad.graphql:3:1: syntax error:"),
]


@pytest.mark.parametrize(
    ("document", "problem"),
    [pytest.param(doc, problem, id=name) for name, doc, problem in INVALID],
)
def test_invalid_operations_exit_non_zero_naming_the_problem_and_write_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], document: str, problem: str
) -> None:
    sources = tmp_path / "queries"
    sources.mkdir()
    (sources / "good.graphql").write_text("query Fine { visitStats { total } }\n")
    (sources / "bad.graphql").write_text(document)
    output = tmp_path / "out"

    code = generate(str(sources), "--package", "mine", "--output", str(output))

    err = capsys.readouterr().err
    assert code == 1
    assert problem in err
    assert "Traceback" not in err
    assert not output.exists()


def test_a_failed_generation_leaves_the_previous_package_as_it_was(
    generated: Generated, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "out"
    shutil.copytree(generated.directory, output / PACKAGE)
    before = files_of(output)
    bad = tmp_path / "extra.graphql"
    bad.write_text("query Extra { teacher(id: 1) { salary } }\n")

    assert generate(str(OPERATIONS), str(bad), "--package", PACKAGE, "-o", str(output)) == 1

    assert "extra.graphql:1:32: Cannot query field 'salary' on type 'Teacher'." in (
        capsys.readouterr().err
    )
    assert files_of(output) == before


def test_every_problem_is_reported_with_its_own_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.graphql").write_text("fragment F on Student { id }\n")
    (tmp_path / "b.graphql").write_text("\n\nquery B { students { ...F nickname } }\n")
    (tmp_path / "c.graphql").write_text("query C($id: Int!) { student(id: $nope) { id } }\n")

    assert generate(str(tmp_path), "--package", "p", "-o", str(tmp_path / "out")) == 1

    err = capsys.readouterr().err.splitlines()
    assert any(
        "b.graphql:3:27: Cannot query field 'nickname' on type 'Student'." in line for line in err
    )
    assert any("c.graphql:1:34: Variable '$nope' is not defined" in line for line in err)


def test_a_schema_from_schema_pull_can_be_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    schema = tmp_path / "older.graphql"
    schema.write_text(
        "type Query { students(limit: Int): [Student!]! }\ntype Student { id: Int! }\n"
    )

    code = generate(
        str(OPERATIONS / "students.graphql"),
        "--package",
        "p",
        "--schema",
        str(schema),
        "-o",
        str(tmp_path / "out"),
    )

    err = capsys.readouterr().err
    assert code == 1
    assert "students.graphql:3:27: Unknown argument 'offset' on field 'Query.students'." in err
    assert "Cannot query field 'classroomName' on type 'Student'." in err


def test_bad_package_names_and_missing_files_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert generate(str(OPERATIONS), "--package", "my-client", "-o", str(tmp_path)) == 1
    assert "not a valid Python package name" in capsys.readouterr().err
    assert generate(str(tmp_path / "nowhere"), "--package", "p", "-o", str(tmp_path)) == 1
    assert "no such file or directory" in capsys.readouterr().err
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "__init__.py").write_text("# mine\n")
    assert generate(str(OPERATIONS), "--package", "p", "-o", str(tmp_path)) == 1
    assert "exists and was not generated" in capsys.readouterr().err
    assert (tmp_path / "p" / "__init__.py").read_text() == "# mine\n"


def test_without_the_codegen_extra_the_command_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "ariadne_codegen", None)
    assert generate(str(OPERATIONS), "--package", "p", "-o", str(tmp_path)) == 6
    assert "pip install 'nextschool[codegen]'" in capsys.readouterr().err


def readme_block(language: str, after: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index(after) :]
    match = re.search(rf"```{language}\n(.*?)```", section, re.S)
    assert match is not None
    return match.group(1)


def run_ariadne_codegen(project: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "ariadne_codegen"],
        cwd=project,
        check=True,
        capture_output=True,
        timeout=120,
    )


def test_the_documented_configuration_gives_the_same_package(
    generated: Generated, tmp_path: Path
) -> None:
    config = readme_block("toml", "with ariadne-codegen itself")
    assert config == config_text("roster")
    project = tmp_path / "project"
    shutil.copytree(OPERATIONS, project / "queries")
    (project / "pyproject.toml").write_text(config.replace('"roster"', f'"{PACKAGE}"'))

    run_ariadne_codegen(project)

    assert files_of(project / PACKAGE) == files_of(generated.directory)


def test_the_plugin_refuses_an_operation_that_shadows_the_base(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "queries").mkdir(parents=True)
    (project / "queries" / "ops.graphql").write_text(
        "mutation Logout($t: String!) { logout(refreshToken: $t) }\n"
    )
    (project / "pyproject.toml").write_text(config_text("mine"))

    result = subprocess.run(
        [sys.executable, "-m", "ariadne_codegen"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode != 0
    assert "method logout() would shadow logout of the NextSchool base client" in result.stderr


def test_base_client_file_path_route(tmp_path: Path) -> None:
    """ariadne-codegen's own base_client_name / base_client_file_path, as documented."""
    project = tmp_path / "project"
    shutil.copytree(OPERATIONS, project / "queries")
    config = readme_block("toml", "base_client_file_path")
    (project / "pyproject.toml").write_text(config.replace('"roster"', f'"{PACKAGE}"'))
    (project / "nextschool_base.py").write_text(readme_block("python", "nextschool_base.py"))

    run_ariadne_codegen(project)

    code = (
        "import nextschool, school_ops\n"
        "assert issubclass(school_ops.AsyncClient, nextschool.AsyncBaseClient)\n"
        "assert school_ops.AsyncClient._unset is school_ops.base_model.UNSET\n"
        "print(sorted(m for m in vars(school_ops.AsyncClient) if not m.startswith('_')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=project, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "'roster'" in result.stdout and "'teacher_visits'" in result.stdout
