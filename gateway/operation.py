"""One operation of a validated document, normalised once and cached with its document.

The limits, the planner, the fallbacks and the shaper read this value instead of walking the
document again: its root fields in document order (root fragments flattened, their `@skip` /
`@include` kept on each field), their response keys, and the introspection part (`__schema`,
`__type`) as a document of its own, found the same way whether or not it is wrapped in a
fragment.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from graphql import (
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionNode,
    SelectionSetNode,
)

INTROSPECTION_ROOTS = frozenset({"__schema", "__type"})


@dataclass(frozen=True)
class RootField:
    """A root field as the client selected it; `node` carries its root fragments' directives."""

    response_key: str
    node: FieldNode

    @property
    def name(self) -> str:
        return self.node.name.value


@dataclass(frozen=True)
class Operation:
    """The normalised operation: what every later stage reads."""

    definition: OperationDefinitionNode
    fragments: Mapping[str, FragmentDefinitionNode]
    root_fields: tuple[RootField, ...]
    introspection: DocumentNode | None  # the introspective root fields alone, when any

    @property
    def kind(self) -> str:
        return self.definition.operation.value

    @property
    def name(self) -> str | None:
        return self.definition.name.value if self.definition.name else None

    @property
    def response_keys(self) -> frozenset[str]:
        return frozenset(f.response_key for f in self.root_fields)


def root_fields(
    selections: Iterable[SelectionNode],
    fragments: Mapping[str, FragmentDefinitionNode],
    inherited: tuple[DirectiveNode, ...] = (),
) -> list[FieldNode]:
    """Root fields in document order, root fragments flattened (their directives kept)."""
    result: list[FieldNode] = []
    for node in selections:
        if isinstance(node, FieldNode):
            if inherited:
                node = FieldNode(
                    alias=node.alias,
                    name=node.name,
                    arguments=node.arguments,
                    directives=tuple(node.directives or ()) + inherited,
                    selection_set=node.selection_set,
                )
            result.append(node)
        elif isinstance(node, FragmentSpreadNode):
            fragment = fragments[node.name.value]
            result += root_fields(
                fragment.selection_set.selections,
                fragments,
                inherited + tuple(node.directives or ()),
            )
        elif isinstance(node, InlineFragmentNode):
            result += root_fields(
                node.selection_set.selections, fragments, inherited + tuple(node.directives or ())
            )
    return result


def normalise(document: DocumentNode, definition: OperationDefinitionNode) -> Operation:
    """The model of one operation of a validated document."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    fields = root_fields(definition.selection_set.selections, fragments)
    roots = tuple(RootField(f.alias.value if f.alias else f.name.value, f) for f in fields)
    introspective = tuple(f for f in fields if f.name.value in INTROSPECTION_ROOTS)
    introspection = None
    if introspective:
        reduced = OperationDefinitionNode(
            operation=definition.operation,
            name=definition.name,
            variable_definitions=definition.variable_definitions,
            directives=definition.directives,
            selection_set=SelectionSetNode(selections=introspective),
        )
        introspection = DocumentNode(definitions=(reduced, *fragments.values()))
    return Operation(definition, fragments, roots, introspection)


def operations(document: DocumentNode) -> dict[str | None, Operation]:
    """Every operation of a validated document by name (None for the one anonymous)."""
    return {
        (d.name.value if d.name else None): normalise(document, d)
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode)
    }
