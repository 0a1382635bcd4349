"""`schema pull`: introspect the API and write its schema as SDL.

The output is sorted (types, fields, arguments, enum values) so that two pulls
of the same schema give the same bytes and a diff shows only real changes. A
file that already describes the same schema is left as it is, comments and
order included, so a scheduled pull proposes a change only when the API moved.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

from .._json import json_object
from ._context import Context
from ._errors import CommandError, ExitCode

MISSING_GRAPHQL_CORE = (
    "`schema pull` needs graphql-core: install it with pip install 'nextschool[cli]'"
)


def import_graphql() -> ModuleType:
    try:
        import graphql
    except ImportError:
        raise CommandError(MISSING_GRAPHQL_CORE, ExitCode.MISSING_DEPENDENCY) from None
    return graphql


def sorted_sdl_from_introspection(introspection: Any) -> str:
    graphql = import_graphql()
    content = json_object(introspection)
    if content is None or json_object(content.get("__schema")) is None:
        raise CommandError("The API returned no introspection result", ExitCode.API_ERROR)
    try:
        schema = graphql.build_client_schema(introspection)
    except (TypeError, ValueError, graphql.GraphQLError) as error:
        raise CommandError(
            f"The API's introspection result is not a valid schema: {error}", ExitCode.API_ERROR
        ) from error
    return str(graphql.print_schema(graphql.lexicographic_sort_schema(schema))) + "\n"


def sorted_sdl_from_text(sdl: str) -> str | None:
    """The sorted form of an SDL document, or None if it is not a valid schema."""
    graphql = import_graphql()
    try:
        schema = graphql.build_schema(sdl)
    except (TypeError, ValueError, graphql.GraphQLError):
        return None
    return str(graphql.print_schema(graphql.lexicographic_sort_schema(schema))) + "\n"


def write_atomically(path: Path, text: str) -> None:
    directory = path.parent if str(path.parent) else Path(".")
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}-", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def run_schema_pull(ctx: Context) -> int:
    graphql = import_graphql()
    output: str = ctx.args.output
    with ctx.client() as client:
        result = client.execute(
            graphql.get_introspection_query(descriptions=True),
            operation_name="IntrospectionQuery",
        )
        pulled = sorted_sdl_from_introspection(client.get_data(result))
    if output == "-":
        ctx.stdout.write(pulled)
        return ExitCode.OK
    path = Path(output)
    try:
        current = path.read_text(encoding="utf-8") if path.exists() else None
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror}", ExitCode.USAGE) from error
    if current is not None and sorted_sdl_from_text(current) == pulled:
        ctx.stdout.write(f"{path}: unchanged, the API's schema is the same\n")
        return ExitCode.OK
    if ctx.args.check:
        ctx.stdout.write(f"{path}: out of date, the API's schema differs\n")
        return ExitCode.API_ERROR
    try:
        write_atomically(path, pulled)
    except OSError as error:
        raise CommandError(f"Cannot write {path}: {error.strerror}", ExitCode.USAGE) from error
    ctx.stdout.write(f"{path}: written ({pulled.count(chr(10))} lines)\n")
    return ExitCode.OK
