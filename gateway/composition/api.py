"""The API schema: the supergraph minus routing directives and @inaccessible elements."""

from __future__ import annotations

from typing import Any

from graphql import (
    DirectiveDefinitionNode,
    DocumentNode,
    GraphQLSchema,
    NamedTypeNode,
    Node,
    SchemaDefinitionNode,
    TypeDefinitionNode,
    build_ast_schema,
    parse,
)

KEPT_DIRECTIVES = frozenset({"deprecated", "specifiedBy", "oneOf"})


def _accessible(node: Node, hidden: frozenset[str] = frozenset()) -> bool:
    if any(d.name.value == "inaccessible" for d in getattr(node, "directives", None) or ()):
        return False
    type_node = getattr(node, "type", None)
    while type_node is not None and not isinstance(type_node, NamedTypeNode):
        type_node = type_node.type
    return type_node is None or type_node.name.value not in hidden


def _clean(node: Any, hidden: frozenset[str]) -> Any:
    """Copy a node without non-API directives and without inaccessible children."""
    changes: dict[str, Any] = {}
    if getattr(node, "directives", None):
        changes["directives"] = tuple(d for d in node.directives if d.name.value in KEPT_DIRECTIVES)
    for attribute in ("fields", "values", "arguments"):
        children = getattr(node, attribute, None)
        if children and isinstance(children, tuple) and isinstance(children[0], Node):
            if attribute == "arguments" and not hasattr(children[0], "type"):
                continue
            changes[attribute] = tuple(
                _clean(c, hidden) for c in children if _accessible(c, hidden)
            )
    if changes:
        node = node.__copy__()
        for key, value in changes.items():
            setattr(node, key, value)
    return node


def api_document(supergraph: DocumentNode) -> DocumentNode:
    """Strip join/link definitions, federation internals and @inaccessible elements."""
    hidden = frozenset(
        d.name.value
        for d in supergraph.definitions
        if isinstance(d, TypeDefinitionNode) and not _accessible(d)
    )
    definitions = []
    for definition in supergraph.definitions:
        if isinstance(definition, DirectiveDefinitionNode):
            continue
        if isinstance(definition, SchemaDefinitionNode):
            definitions.append(_clean(definition, hidden))
            continue
        if isinstance(definition, TypeDefinitionNode):
            name = definition.name.value
            if name.startswith(("join__", "link__")) or name in hidden:
                continue
            if name in ("_Service", "_Any", "_Entity"):
                continue
        cleaned = _clean(definition, hidden)
        if getattr(cleaned, "types", None):  # union members
            cleaned = cleaned.__copy__()
            cleaned.types = tuple(t for t in cleaned.types if t.name.value not in hidden)
        if getattr(cleaned, "interfaces", None):
            cleaned = cleaned.__copy__()
            cleaned.interfaces = tuple(i for i in cleaned.interfaces if i.name.value not in hidden)
        definitions.append(cleaned)
    return DocumentNode(definitions=tuple(definitions))


def api_schema(supergraph_sdl: str) -> GraphQLSchema:
    """Build the client-facing schema from a supergraph SDL."""
    return build_ast_schema(api_document(parse(supergraph_sdl, no_location=True)))
