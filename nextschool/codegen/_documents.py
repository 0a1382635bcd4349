"""Reading a user's operation files and checking them against the schema.

Every problem is reported as `file:line:column: message`, with graphql-core's
message naming the offending field, argument or variable, before anything is
generated. The documents are validated together, as ariadne-codegen reads them
(one document, fragments shared between files).
"""

from __future__ import annotations

import keyword
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    GraphQLSyntaxError,
    NoUnusedFragmentsRule,
    OperationDefinitionNode,
    OperationType,
    build_schema,
    parse,
    specified_rules,
    validate,
)

GRAPHQL_SUFFIXES = (".graphql", ".gql")
# Modules of the generated package; an operation's result module is named
# after the operation, so these names would overwrite them.
PACKAGE_MODULES = frozenset(
    {"__init__", "client", "base_model", "enums", "fragments", "input_types"}
)


class DocumentError(Exception):
    """Invalid operations: `problems` are `file:line:column: message` lines."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class OperationFile:
    path: Path  # as the user named it, for messages
    name: str  # where it goes in the generated package's queries directory
    text: str


def collect(paths: Iterable[Path]) -> list[OperationFile]:
    """The .graphql/.gql files named or found (recursively) under the paths."""
    files: list[OperationFile] = []
    seen: dict[str, Path] = {}
    for given in paths:
        if given.is_dir():
            found = sorted(p for p in given.rglob("*") if p.suffix in GRAPHQL_SUFFIXES)
            pairs = [(p, p.relative_to(given).as_posix()) for p in found if p.is_file()]
        elif given.is_file():
            pairs = [(given, given.name)]
        else:
            raise DocumentError([f"{given}: no such file or directory"])
        for path, name in pairs:
            if name in seen and seen[name].resolve() != path.resolve():
                raise DocumentError([f"{path}: same name as {seen[name]}; rename one of them"])
            if name in seen:
                continue
            seen[name] = path
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                raise DocumentError([f"{path}: cannot read: {error}"]) from error
            files.append(OperationFile(path, name, text))
    if not files:
        raise DocumentError(["no .graphql or .gql files in " + ", ".join(map(str, paths))])
    return sorted(files, key=lambda file: file.name)


def load_schema(path: Path) -> GraphQLSchema:
    try:
        return build_schema(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise DocumentError([f"{path}: cannot read the schema: {error}"]) from error
    except (GraphQLError, TypeError) as error:
        raise DocumentError([f"{path}: not a valid schema: {error}"]) from error


class _Combined:
    """The files as one document, and where each of its lines came from."""

    def __init__(self, files: Sequence[OperationFile]) -> None:
        self.files = files
        self.starts: list[int] = []
        line = 1
        parts = []
        for file in files:
            self.starts.append(line)
            text = file.text if file.text.endswith("\n") else file.text + "\n"
            parts.append(text)
            line += text.count("\n")
        self.text = "".join(parts)

    def where(self, line: int, column: int) -> str:
        index = max(i for i, start in enumerate(self.starts) if start <= line)
        return f"{self.files[index].path}:{line - self.starts[index] + 1}:{column}"

    def located(self, error: GraphQLError) -> str:
        if not error.locations:
            return f"{self.files[0].path}: {error.message}"
        first = error.locations[0]
        return f"{self.where(first.line, first.column)}: {error.message}"


def check(
    files: Sequence[OperationFile], schema: GraphQLSchema, reserved: frozenset[str]
) -> DocumentNode:
    """The combined document, if every operation is valid and can become a method."""
    problems = []
    for file in files:
        try:
            parse(file.text)
        except GraphQLSyntaxError as error:
            location = error.locations[0] if error.locations else None
            where = f"{location.line}:{location.column}" if location else "1"
            problems.append(f"{file.path}:{where}: syntax error: {error.message}")
    if problems:
        raise DocumentError(problems)
    combined = _Combined(files)
    document = parse(combined.text)
    rules = [rule for rule in specified_rules if rule is not NoUnusedFragmentsRule]
    problems = [combined.located(error) for error in validate(schema, document, rules)]
    problems += _method_problems(document, combined, reserved)
    if problems:
        raise DocumentError(problems)
    return document


def method_name(operation_name: str) -> str:
    from ariadne_codegen.utils import str_to_snake_case

    name: str = str_to_snake_case(operation_name)
    return name


def _method_problems(
    document: DocumentNode, combined: _Combined, reserved: frozenset[str]
) -> list[str]:
    problems = []
    methods: dict[str, str] = {}
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if not operations:
        problems.append(f"{combined.files[0].path}: no operation (query or mutation) to generate")
    for operation in operations:
        location = operation.loc.source.get_location(operation.loc.start) if operation.loc else None
        where = combined.where(location.line, location.column) if location else "?"
        if operation.name is None:
            problems.append(f"{where}: the operation needs a name: it names the method")
            continue
        name = operation.name.value
        method = method_name(name)
        if operation.operation == OperationType.SUBSCRIPTION:
            problems.append(f"{where}: subscription {name}: the API has no subscriptions")
        elif method in reserved:
            problems.append(
                f"{where}: operation {name} would become the method {method}(), which "
                f"would shadow {method} of the client's base class; rename the operation"
            )
        elif method in PACKAGE_MODULES or keyword.iskeyword(method):
            problems.append(
                f"{where}: operation {name} cannot be used: {method} is reserved in the "
                "generated package; rename the operation"
            )
        elif method in methods:
            problems.append(
                f"{where}: operations {methods[method]} and {name} would both become "
                f"the method {method}(); rename one"
            )
        else:
            methods[method] = name
    return problems
