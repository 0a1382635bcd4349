"""Which operation a GraphQL document runs, and whether it is a mutation.

Retries depend on it: a mutation is never re-sent after a connection error or
a 5xx, since the server may have run it. A look at the first word is not
enough (a comment, a byte-order mark or a fragment may come first), and
graphql-core is not a runtime dependency, so this is a small lexer-level
reading of the GraphQL grammar: skip what the spec ignores (BOM, white space,
commas, comments), step over strings, fragments and nested braces, and pick
the operation by `operationName` when there are several.
"""

from __future__ import annotations

import re
from functools import lru_cache

_LEXEME = re.compile(
    "|".join(
        (
            r"(?P<ignored>(?:[\ufeff \t\r\n,]|#[^\r\n]*)+)",
            r'(?P<block_string>"""(?:\\"""|(?!""")[\s\S])*""")',
            r'(?P<string>"(?:\\.|[^"\\\r\n])*")',
            r"(?P<name>[_A-Za-z][_0-9A-Za-z]*)",
            r"(?P<number>-?[0-9][0-9A-Za-z.+-]*)",
            r"(?P<punctuator>\.\.\.|[!$&():=@\[\]{|}])",
        )
    )
)
_OPERATION_TYPES = frozenset({"query", "mutation", "subscription"})
_OPENING = frozenset("([{")
_CLOSING = frozenset(")]}")


def is_mutation(document: str, operation_name: str | None) -> bool:
    """Whether the operation the server will run is a mutation.

    A document whose operation cannot be told (not valid GraphQL, several
    operations and no name, a name it does not define) counts as a mutation:
    the server refuses it anyway, and not re-sending is the safe side.
    """
    operations = _operations(document)
    if operations is None:
        return True
    if operation_name is None:
        if len(operations) != 1:
            return True
        return operations[0][0] == "mutation"
    kinds = [kind for kind, name in operations if name == operation_name]
    return kinds != ["query"] and kinds != ["subscription"]


@lru_cache(maxsize=512)
def _operations(document: str) -> tuple[tuple[str, str | None], ...] | None:
    """(type, name) of each operation definition, or None if unreadable."""
    lexemes = _lexemes(document)
    if lexemes is None:
        return None
    operations: list[tuple[str, str | None]] = []
    position = 0
    while position < len(lexemes):
        lexeme = lexemes[position]
        if lexeme == "{":  # the query shorthand
            kind: str | None = "query"
            name = None
        elif lexeme in _OPERATION_TYPES or lexeme == "fragment":
            kind = lexeme if lexeme != "fragment" else None
            position += 1
            name = (
                lexemes[position]
                if position < len(lexemes) and _is_name(lexemes[position])
                else None
            )
            selection = _selection_set_start(lexemes, position)
            if selection is None:
                return None
            position = selection
        else:
            return None  # type system definitions, or not GraphQL
        end = _after_block(lexemes, position)
        if end is None:
            return None
        if kind is not None:
            operations.append((kind, name))
        position = end
    return tuple(operations)


def _lexemes(document: str) -> list[str] | None:
    lexemes = []
    position = 0
    while position < len(document):
        match = _LEXEME.match(document, position)
        if match is None:
            return None
        if match.lastgroup != "ignored":
            lexemes.append(match.group())
        position = match.end()
    return lexemes


def _is_name(lexeme: str) -> bool:
    return lexeme[0] == "_" or (lexeme[0].isascii() and lexeme[0].isalpha())


def _selection_set_start(lexemes: list[str], position: int) -> int | None:
    """Index of the `{` opening the selection set, past variables and directives."""
    depth = 0
    for index in range(position, len(lexemes)):
        lexeme = lexemes[index]
        if lexeme == "{" and depth == 0:
            return index
        if lexeme in _OPENING:
            depth += 1
        elif lexeme in _CLOSING:
            depth -= 1
            if depth < 0:
                return None
    return None


def _after_block(lexemes: list[str], position: int) -> int | None:
    """Index just past the braces opening at `position`."""
    depth = 0
    for index in range(position, len(lexemes)):
        lexeme = lexemes[index]
        if lexeme == "{":
            depth += 1
        elif lexeme == "}":
            depth -= 1
            if depth == 0:
                return index + 1
    return None


__all__ = ["is_mutation"]
