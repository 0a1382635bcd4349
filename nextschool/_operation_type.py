"""Which kind of operation a request runs, read from the document's text.

A mutation is never re-sent after a failure that may have run it, so the kind
must be right for any document a user sends through `execute()` or
`nextschool query`: with comments, fragments or several operations before the
one that runs. This is a small scanner, not a parser (graphql-core is not a
runtime dependency): it skips strings and comments, and only looks at the
top level of the document.
"""

from __future__ import annotations

import re
from functools import lru_cache

_TOKENS = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'  # block string
    r'|"(?:[^"\\\n]|\\.)*"'  # string
    r"|#[^\n\r]*"  # comment
    r"|[{}()]"
    r"|[_A-Za-z][_0-9A-Za-z]*"
)
_OPERATION_KEYWORDS = frozenset({"query", "mutation", "subscription"})


def _operations(document: str) -> list[tuple[str, str | None]]:
    """(kind, name) of each operation at the top level of the document."""
    operations: list[tuple[str, str | None]] = []
    depth = 0
    in_definition = False
    expecting_name = False
    for match in _TOKENS.finditer(document):
        part = match.group()
        if part[0] in '"#':
            continue
        if part in "{(":
            if part == "{" and depth == 0 and not in_definition:
                operations.append(("query", None))  # the { ... } shorthand
            expecting_name = False
            depth += 1
            continue
        if part in "})":
            depth = max(0, depth - 1)
            if depth == 0 and part == "}":
                in_definition = False
            continue
        if depth > 0:
            continue
        if expecting_name:
            operations[-1] = (operations[-1][0], part)
            expecting_name = False
        elif part in _OPERATION_KEYWORDS and not in_definition:
            operations.append((part, None))
            in_definition = expecting_name = True
        elif part == "fragment" and not in_definition:
            in_definition = True
    return operations


@lru_cache(maxsize=512)
def is_mutation(document: str, operation_name: str | None) -> bool:
    """Whether the operation the server will run is a mutation.

    When the document does not say which operation runs (no or an unknown
    name with several operations), any mutation in it counts: a query taken
    for a mutation is merely not retried, the other way round a mutation could
    run twice.
    """
    operations = _operations(document)
    named = [kind for kind, name in operations if name == operation_name]
    if operation_name is not None and len(named) == 1:
        return named[0] == "mutation"
    if len(operations) == 1:
        return operations[0][0] == "mutation"
    return any(kind == "mutation" for kind, _ in operations)
