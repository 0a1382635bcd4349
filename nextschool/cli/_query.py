"""`query`: run any GraphQL document with the saved session and print its data as JSON.

    nextschool query 'query { students(limit: 2) { id code } }'
    nextschool query -f roster.graphql -v limit=50 -v search=สมชาย

Each `-v name=value` is typed from the variable's declared type in the
document: Int, Float and Boolean values are parsed, enum values are checked
against the schema, lists take a JSON array or a repeated `-v`, input objects a
JSON object. A value the type cannot hold is a usage error, before anything is
sent.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from types import ModuleType
from typing import Any

from ._context import Context
from ._errors import CommandError, ExitCode
from ._output import write_json
from ._schema import import_graphql

BOOLEAN_WORDS = {"true": True, "false": False}


@cache
def bundled_schema() -> Any:
    """The API schema shipped inside the package, as a graphql-core schema."""
    graphql = import_graphql()
    sdl = (
        resources.files("nextschool.generated_client")
        .joinpath("schema.graphql")
        .read_text(encoding="utf-8")
    )
    return graphql.build_schema(sdl)


def read_document(ctx: Context) -> str:
    inline: str | None = ctx.args.document
    path: str | None = ctx.args.file
    if (inline is None) == (path is None):
        raise CommandError("Give the document inline or with -f FILE (one of them)", ExitCode.USAGE)
    if inline is not None:
        return inline
    assert path is not None
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise CommandError(f"Cannot read {path}: {reason}", ExitCode.USAGE) from error


def select_operation(graphql: ModuleType, document: Any, name: str | None) -> Any:
    operations = [
        node for node in document.definitions if isinstance(node, graphql.OperationDefinitionNode)
    ]
    if not operations:
        raise CommandError("The document has no operation", ExitCode.USAGE)
    if name is not None:
        for operation in operations:
            if operation.name is not None and operation.name.value == name:
                return operation
        raise CommandError(f"The document has no operation named {name}", ExitCode.USAGE)
    if len(operations) > 1:
        names = ", ".join(op.name.value for op in operations if op.name is not None)
        raise CommandError(
            f"The document has several operations ({names}): choose one with --operation",
            ExitCode.USAGE,
        )
    return operations[0]


def parse_assignments(assignments: Sequence[str]) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for assignment in assignments:
        name, sep, value = assignment.partition("=")
        name = name.strip().lstrip("$")
        if not sep or not name:
            raise CommandError(f"-v takes NAME=VALUE, got {assignment!r}", ExitCode.USAGE)
        values.setdefault(name, []).append(value)
    return values


class VariableTyper:
    """Turns command-line text into the JSON value a declared variable type takes."""

    def __init__(self, graphql: ModuleType, schema: Any) -> None:
        self.graphql = graphql
        self.schema = schema

    def value(self, name: str, type_node: Any, texts: list[str]) -> Any:
        graphql = self.graphql
        inner = type_node.type if isinstance(type_node, graphql.NonNullTypeNode) else type_node
        if isinstance(inner, graphql.ListTypeNode):
            if len(texts) == 1 and texts[0].lstrip().startswith("["):
                items = self._json(name, texts[0], "a JSON array")
                if not isinstance(items, list):
                    raise self._error(name, texts[0], "a JSON array")
                return [self._item(name, inner.type, item) for item in items]
            return [self._item(name, inner.type, text) for text in texts]
        if len(texts) > 1:
            raise CommandError(f"${name} is not a list: give -v {name}=... once", ExitCode.USAGE)
        return self._item(name, inner, texts[0])

    def _item(self, name: str, type_node: Any, raw: object) -> Any:
        graphql = self.graphql
        non_null = isinstance(type_node, graphql.NonNullTypeNode)
        node = type_node.type if non_null else type_node
        if isinstance(node, graphql.ListTypeNode):
            if not isinstance(raw, list):
                raise self._error(name, raw, "a list")
            return [self._item(name, node.type, item) for item in raw]
        type_name: str = node.name.value
        if raw is None or (raw == "null" and type_name not in ("String", "ID")):
            if non_null:
                raise self._error(name, raw, f"a non-null {type_name}")
            return None
        return self._named(name, type_name, raw)

    def _named(self, name: str, type_name: str, raw: object) -> Any:
        graphql = self.graphql
        if type_name == "Int":
            return self._int(name, raw)
        if type_name == "Float":
            if isinstance(raw, (int, float)) and not isinstance(raw, bool):
                return raw
            try:
                return float(str(raw))
            except ValueError:
                raise self._error(name, raw, "a number (Float)") from None
        if type_name == "Boolean":
            if isinstance(raw, bool):
                return raw
            word = str(raw).strip().lower()
            if word not in BOOLEAN_WORDS:
                raise self._error(name, raw, "true or false (Boolean)")
            return BOOLEAN_WORDS[word]
        if type_name in ("String", "ID"):
            return raw if isinstance(raw, str) else json.dumps(raw, ensure_ascii=False)
        schema_type = self.schema.get_type(type_name)
        if isinstance(schema_type, graphql.GraphQLEnumType):
            allowed = sorted(schema_type.values)
            if raw not in allowed:
                raise self._error(name, raw, f"one of {', '.join(allowed)} ({type_name})")
            return raw
        if isinstance(schema_type, graphql.GraphQLInputObjectType):
            value = raw if isinstance(raw, dict) else self._json(name, raw, "a JSON object")
            if not isinstance(value, dict):
                raise self._error(name, raw, f"a JSON object ({type_name})")
            return value
        # A custom scalar, or a type this schema does not know: JSON if it
        # reads as JSON, else the text; the server has the last word.
        if isinstance(raw, str):
            try:
                return json.loads(raw)
            except ValueError:
                return raw
        return raw

    def _int(self, name: str, raw: object) -> int:
        if isinstance(raw, int) and not isinstance(raw, bool):
            return raw
        try:
            value = int(str(raw).strip())
        except ValueError:
            raise self._error(name, raw, "a whole number (Int)") from None
        if not -(2**31) <= value < 2**31:
            raise self._error(name, raw, "a 32-bit whole number (Int)")
        return value

    def _json(self, name: str, text: object, what: str) -> Any:
        try:
            return json.loads(str(text))
        except ValueError:
            raise self._error(name, text, what) from None

    @staticmethod
    def _error(name: str, raw: object, what: str) -> CommandError:
        return CommandError(f"-v {name}={raw}: ${name} takes {what}", ExitCode.USAGE)


def typed_variables(
    document_text: str, assignments: Sequence[str], operation_name: str | None = None
) -> tuple[str | None, dict[str, Any]]:
    """The operation to run and its variables, typed from the document's declarations."""
    graphql = import_graphql()
    try:
        document = graphql.parse(document_text)
    except graphql.GraphQLSyntaxError as error:
        where = ""
        if error.locations:
            where = f" at line {error.locations[0].line}, column {error.locations[0].column}"
        raise CommandError(
            f"The document is not valid GraphQL{where}: {error.message}", ExitCode.USAGE
        ) from None
    operation = select_operation(graphql, document, operation_name)
    declared = {
        definition.variable.name.value: definition.type
        for definition in operation.variable_definitions
    }
    given = parse_assignments(assignments)
    unknown = sorted(set(given) - set(declared))
    if unknown:
        known = ", ".join(f"${name}" for name in declared) or "no variables"
        raise CommandError(
            f"The operation does not declare ${unknown[0]} (it declares {known})", ExitCode.USAGE
        )
    typer = VariableTyper(graphql, bundled_schema())
    variables = {name: typer.value(name, declared[name], texts) for name, texts in given.items()}
    chosen = operation.name.value if operation.name is not None else None
    return chosen, variables


def run_query(ctx: Context) -> int:
    document = read_document(ctx)
    operation_name, variables = typed_variables(
        document, ctx.args.variables or [], ctx.args.operation
    )
    with ctx.client() as client:
        result = client.execute(document, operation_name=operation_name, variables=variables)
        data = client.get_data(result)
    write_json(data, ctx.stdout)
    return ExitCode.OK
