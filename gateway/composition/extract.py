"""Each subgraph's schema, read back from the supergraph's join directives.

What a subgraph itself would accept as an operation: its own types and fields (with the field
types it declares, `@join__field(type:)`), its own interface and union membership, enum values
and input fields, and `_entities` over the entities it can resolve. The planner's operations are
checked against these (`validate_fetch`), so a plan never sends a subgraph what it would refuse.
"""

from __future__ import annotations

import weakref
from typing import Any

from graphql import (
    DirectiveNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    FieldDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    InputObjectTypeDefinitionNode,
    InputValueDefinitionNode,
    InterfaceTypeDefinitionNode,
    NamedTypeNode,
    NameNode,
    ObjectTypeDefinitionNode,
    ScalarTypeDefinitionNode,
    TypeDefinitionNode,
    UnionTypeDefinitionNode,
    build_ast_schema,
    parse,
    validate,
)

from gateway.composition.supergraph import Supergraph

SERVICE = parse("type _Service { sdl: String }\nextend type Query { _service: _Service! }")
ENTITIES = parse(
    "scalar _Any\nextend type Query { _entities(representations: [_Any!]!): [_Entity]! }"
)
_KEPT = frozenset({"deprecated", "specifiedBy", "oneOf"})


def _args(directive: DirectiveNode) -> dict[str, Any]:
    return {a.name.value: getattr(a.value, "value", None) for a in directive.arguments or ()}


def _named(type_node: Any) -> str:
    while not isinstance(type_node, NamedTypeNode):
        type_node = type_node.type
    return str(type_node.name.value)


class _Extractor:
    def __init__(self, supergraph: Supergraph, graph: str) -> None:
        self.sg = supergraph
        self.graph = graph
        self.enum = {v: k for k, v in supergraph.graph_names.items()}[graph]
        self.definitions = [
            d
            for d in supergraph.document.definitions
            if isinstance(d, TypeDefinitionNode)
            and not d.name.value.startswith(("join__", "link__"))
        ]
        self.names = {d.name.value for d in self.definitions if self._in_graph(d)}

    def _mine(self, node: Any, directive_name: str) -> list[dict[str, Any]] | None:
        """The directive's arguments for this graph, or None when the node has none at all."""
        found = [d for d in node.directives or () if d.name.value == directive_name]
        if not found:
            return None
        return [_args(d) for d in found if _args(d).get("graph") == self.enum]

    def _in_graph(self, node: TypeDefinitionNode) -> bool:
        mine = self._mine(node, "join__type")
        return mine is None or bool(mine)

    def _clean(self, directives: Any) -> tuple[DirectiveNode, ...]:
        return tuple(d for d in directives or () if d.name.value in _KEPT)

    def _field(self, node: FieldDefinitionNode, interface_object: bool) -> Any:
        mine = self._mine(node, "join__field")
        if mine is not None and not mine:
            return None
        type_node = node.type
        declared = (mine or [{}])[0].get("type")
        if isinstance(declared, str):
            type_node = parse(f"type T {{ f: {declared} }}").definitions[0].fields[0].type  # type: ignore[attr-defined]
        if _named(type_node) not in self.names and _named(type_node) not in _BUILTIN:
            return None
        arguments = tuple(
            a.__class__(
                name=a.name,
                type=a.type,
                default_value=a.default_value,
                directives=self._clean(a.directives),
            )
            for a in node.arguments or ()
            if _named(a.type) in self.names or _named(a.type) in _BUILTIN
        )
        return FieldDefinitionNode(
            name=node.name,
            type=type_node,
            arguments=arguments,
            directives=self._clean(node.directives),
        )

    def _definition(self, node: TypeDefinitionNode, entities: list[str]) -> Any:
        name = node.name.value
        join_types = self._mine(node, "join__type") or []
        interface_object = any(t.get("isInterfaceObject") for t in join_types)
        if any(t.get("key") and t.get("resolvable") is not False for t in join_types):
            entities.append(name)
        if isinstance(node, ObjectTypeDefinitionNode | InterfaceTypeDefinitionNode):
            fields = tuple(
                f for f in (self._field(f, interface_object) for f in node.fields or ()) if f
            )
            if not fields:
                return None
            implements = self._mine(node, "join__implements")
            if interface_object:
                interfaces: tuple[NamedTypeNode, ...] = ()
            elif implements is None:
                interfaces = tuple(i for i in node.interfaces or () if i.name.value in self.names)
            else:
                interfaces = tuple(
                    NamedTypeNode(name=NameNode(value=str(i["interface"]))) for i in implements
                )
            kind = (
                ObjectTypeDefinitionNode
                if interface_object or isinstance(node, ObjectTypeDefinitionNode)
                else InterfaceTypeDefinitionNode
            )
            return kind(name=node.name, fields=fields, interfaces=interfaces, directives=())
        if isinstance(node, UnionTypeDefinitionNode):
            members = self._mine(node, "join__unionMember")
            types = (
                tuple(t for t in node.types or () if t.name.value in self.names)
                if members is None
                else tuple(NamedTypeNode(name=NameNode(value=str(m["member"]))) for m in members)
            )
            return UnionTypeDefinitionNode(name=node.name, types=types) if types else None
        if isinstance(node, EnumTypeDefinitionNode):
            values = tuple(
                v.__class__(name=v.name, directives=self._clean(v.directives))
                for v in node.values or ()
                if self._mine(v, "join__enumValue") is None or self._mine(v, "join__enumValue")
            )
            return EnumTypeDefinitionNode(name=node.name, values=values) if values else None
        if isinstance(node, InputObjectTypeDefinitionNode):
            input_fields = tuple(
                InputValueDefinitionNode(
                    name=f.name, type=f.type, default_value=f.default_value, directives=()
                )
                for f in node.fields or ()
                if self._mine(f, "join__field") is None or self._mine(f, "join__field")
            )
            return (
                InputObjectTypeDefinitionNode(name=node.name, fields=input_fields)
                if input_fields
                else None
            )
        assert isinstance(node, ScalarTypeDefinitionNode)
        return ScalarTypeDefinitionNode(name=node.name, directives=self._clean(node.directives))

    def schema(self) -> GraphQLSchema:
        entities: list[str] = []
        definitions = []
        for node in self.definitions:
            if node.name.value in self.names:
                built = self._definition(node, entities)
                if built is not None:
                    definitions.append(built)
        present = {d.name.value for d in definitions}
        interface_fields = {
            d.name.value: d.fields
            for d in definitions
            if isinstance(d, InterfaceTypeDefinitionNode)
        }
        fixed: list[Any] = []
        for definition in definitions:  # drop references to types this graph ended up without
            if isinstance(definition, ObjectTypeDefinitionNode | InterfaceTypeDefinitionNode):
                interfaces = tuple(
                    i for i in definition.interfaces or () if i.name.value in present
                )
                fields = list(definition.fields or ())
                names = {f.name.value for f in fields}
                for interface in interfaces:  # a field overridden away still exists here
                    for inherited in interface_fields.get(interface.name.value) or ():
                        if inherited.name.value not in names:
                            fields.append(inherited)
                            names.add(inherited.name.value)
                definition = definition.__class__(
                    name=definition.name, fields=tuple(fields), interfaces=interfaces
                )
            elif isinstance(definition, UnionTypeDefinitionNode):
                definition = UnionTypeDefinitionNode(
                    name=definition.name,
                    types=tuple(t for t in definition.types or () if t.name.value in present),
                )
            fixed.append(definition)
        if self.sg.roots["query"] not in present:
            fixed += parse("type Query").definitions
        objects = [
            d.name.value
            for d in fixed
            if isinstance(d, ObjectTypeDefinitionNode) and d.name.value in entities
        ]
        fixed += SERVICE.definitions
        if objects:
            fixed += parse(f"union _Entity = {' | '.join(objects)}").definitions
            fixed += ENTITIES.definitions
        return build_ast_schema(DocumentNode(definitions=tuple(fixed)), assume_valid_sdl=True)


_BUILTIN = frozenset({"String", "Int", "Float", "Boolean", "ID"})


_SCHEMAS: weakref.WeakKeyDictionary[Supergraph, dict[str, GraphQLSchema]] = (
    weakref.WeakKeyDictionary()
)


def subgraph_schema(supergraph: Supergraph, graph: str) -> GraphQLSchema:
    """The schema of one subgraph as the supergraph describes it (built once)."""
    schemas = _SCHEMAS.setdefault(supergraph, {})
    if graph not in schemas:
        schemas[graph] = _Extractor(supergraph, graph).schema()
    return schemas[graph]


def validate_fetch(supergraph: Supergraph, graph: str, operation: str) -> list[GraphQLError]:
    """Validation errors of an operation the planner wrote for `graph` (empty when valid)."""
    return validate(subgraph_schema(supergraph, graph), parse(operation))
