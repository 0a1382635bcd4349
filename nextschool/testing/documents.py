"""Parsed and validated GraphQL documents, cached by their exact text.

Clients send the same few documents over and over, so parsing and validating
each once keeps the per-request cost to a dictionary lookup.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    parse,
    validate,
)

_CACHE_SIZE = 512


@dataclass(frozen=True, slots=True)
class Operation:
    """One operation of a GraphQL document: its name, kind and root fields."""

    name: str | None
    kind: OperationType
    # Root fields other than __schema/__type/__typename: the ones that need
    # an authenticated caller when the operation is a query.
    data_fields: tuple[FieldNode, ...]
    has_login: bool

    @property
    def needs_auth(self) -> bool:
        return self.kind is OperationType.QUERY and bool(self.data_fields)


@dataclass(frozen=True, slots=True)
class PreparedDocument:
    """A parsed and validated document, or the errors that made it unusable."""

    document: DocumentNode | None
    errors: tuple[GraphQLError, ...]
    operations: tuple[Operation, ...]

    def operation(self, name: str | None) -> Operation | None:
        """The operation a request runs, or None when graphql-core will reject it."""
        if name:
            return next((op for op in self.operations if op.name == name), None)
        return self.operations[0] if len(self.operations) == 1 else None


def response_key(field: FieldNode) -> str:
    """The key a field has in the response: its alias, else its name."""
    return field.alias.value if field.alias else field.name.value


class DocumentCache:
    """Parsed and validated documents by query text, so repeated queries skip both steps."""

    def __init__(self, schema: GraphQLSchema) -> None:
        self._schema = schema
        self._lock = threading.Lock()
        self._entries: dict[str, PreparedDocument] = {}

    def get(self, query: str) -> PreparedDocument:
        """The prepared document for `query`, parsed and validated once."""
        prepared = self._entries.get(query)
        if prepared is None:
            prepared = self._prepare(query)
            with self._lock:
                if len(self._entries) >= _CACHE_SIZE:
                    # Drop the oldest entry; dicts keep insertion order.
                    self._entries.pop(next(iter(self._entries)))
                self._entries[query] = prepared
        return prepared

    def _prepare(self, query: str) -> PreparedDocument:
        try:
            document = parse(query)
        except GraphQLError as error:
            return PreparedDocument(None, (error,), ())
        errors = validate(self._schema, document)
        if errors:
            return PreparedDocument(document, tuple(errors), ())
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        operations = tuple(
            _describe(d, fragments)
            for d in document.definitions
            if isinstance(d, OperationDefinitionNode)
        )
        return PreparedDocument(document, (), operations)


def _describe(
    definition: OperationDefinitionNode, fragments: dict[str, FragmentDefinitionNode]
) -> Operation:
    # One entry per response key: a field selected twice is answered once.
    unique: dict[str, FieldNode] = {}
    for field in _root_fields(definition.selection_set, fragments):
        unique.setdefault(response_key(field), field)
    fields = tuple(unique.values())
    data = tuple(f for f in fields if not f.name.value.startswith("__"))
    return Operation(
        name=definition.name.value if definition.name else None,
        kind=definition.operation,
        data_fields=data,
        has_login=any(f.name.value == "login" for f in fields),
    )


def _root_fields(
    selection_set: SelectionSetNode, fragments: dict[str, FragmentDefinitionNode]
) -> list[FieldNode]:
    # Directives are ignored: a field under @skip still asks for data, and
    # treating it as present can only make the server stricter.
    found: list[FieldNode] = []
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            found.append(selection)
        elif isinstance(selection, InlineFragmentNode):
            found.extend(_root_fields(selection.selection_set, fragments))
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            if fragment is not None:
                found.extend(_root_fields(fragment.selection_set, fragments))
    return found
