"""The routing facts of a supergraph, read from its join-spec directives.

The planner asks this model which graphs define a type, by which keys each graph can resolve
it, and which graphs resolve a field (with its requires/provides/external/override).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property

from graphql import (
    BooleanValueNode,
    DirectiveNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumValueNode,
    FieldNode,
    GraphQLSyntaxError,
    InlineFragmentNode,
    InterfaceTypeDefinitionNode,
    ListTypeNode,
    NamedTypeNode,
    NonNullTypeNode,
    ObjectTypeDefinitionNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    SelectionSetNode,
    StringValueNode,
    TypeDefinitionNode,
    TypeNode,
    UnionTypeDefinitionNode,
    parse,
    print_ast,
)

from gateway.composition.errors import SupergraphError
from gateway.composition.fieldset import parse_field_set

# join v0.2-v0.5 read by this gateway (contextual arguments aside, refused by field).
SUPPORTED_EXECUTION_SPECS = (
    "https://specs.apollo.dev/join/v0.2",
    "https://specs.apollo.dev/join/v0.3",
    "https://specs.apollo.dev/join/v0.4",
    "https://specs.apollo.dev/join/v0.5",
)
BUILTIN_SCALARS = frozenset({"String", "Int", "Float", "Boolean", "ID"})


@dataclass(frozen=True)
class Key:
    """A key by which one graph can resolve (or only reference) an entity."""

    fields: str
    selection: SelectionSetNode
    resolvable: bool


@dataclass(frozen=True)
class TypeInGraph:
    """How one graph declares a type."""

    graph: str
    keys: tuple[Key, ...]
    extension: bool
    interface_object: bool


@dataclass(frozen=True)
class FieldInGraph:
    """How one graph declares a field (from `@join__field`)."""

    graph: str
    external: bool = False
    requires: SelectionSetNode | None = None
    requires_text: str | None = None
    provides: SelectionSetNode | None = None
    override: str | None = None
    type: str | None = None  # the graph's own type of the field when it differs (`Int!`)


@dataclass
class FieldInfo:
    """A field of the supergraph: its type and the graphs that declare it."""

    name: str
    type_name: str
    list_depth: int
    graphs: dict[str, FieldInGraph]
    type: str = ""  # the supergraph's type of the field, printed

    def type_in(self, graph: str) -> str:
        """The field's type as `graph` declares it."""
        in_graph = self.graphs.get(graph)
        return (in_graph.type if in_graph is not None else None) or self.type

    def resolvable_in(self, graph: str) -> bool:
        info = self.graphs.get(graph)
        return info is not None and not info.external


@dataclass
class TypeInfo:
    """A named type of the supergraph and where it lives."""

    name: str
    kind: str
    graphs: dict[str, TypeInGraph] = field(default_factory=dict)
    fields: dict[str, FieldInfo] = field(default_factory=dict)
    implementations: dict[str, set[str]] = field(default_factory=dict)  # graph -> interfaces
    members: dict[str, set[str]] = field(default_factory=dict)  # graph -> union members

    @property
    def is_abstract(self) -> bool:
        return self.kind in ("interface", "union")


def _arg(directive: DirectiveNode, name: str) -> object:
    for argument in directive.arguments or ():
        if argument.name.value == name:
            value = argument.value
            if isinstance(value, StringValueNode | BooleanValueNode):
                return value.value
            if isinstance(value, EnumValueNode):
                return value.value
    return None


def _named(node: TypeNode) -> tuple[str, int]:
    depth = 0
    while not isinstance(node, NamedTypeNode):
        if isinstance(node, ListTypeNode):
            depth += 1
        assert isinstance(node, ListTypeNode | NonNullTypeNode)
        node = node.type
    return node.name.value, depth


class Supergraph:
    """A parsed supergraph SDL: graphs (enum name → subgraph name and URL) and types."""

    def __init__(self, sdl: str) -> None:
        self.sdl = sdl
        self.hash = hashlib.sha256(sdl.encode()).hexdigest()
        try:
            self.document: DocumentNode = parse(sdl, no_location=True)
        except GraphQLSyntaxError as error:
            raise SupergraphError(f"Invalid supergraph SDL: {error.message}") from error
        self.graph_names: dict[str, str] = {}
        self.graph_urls: dict[str, str] = {}
        self.types: dict[str, TypeInfo] = {}
        self.roots = {"query": "Query", "mutation": "Mutation", "subscription": "Subscription"}
        self._read()
        self._check()

    def _check(self) -> None:
        """Refuse, naming the element, what this gateway cannot serve."""
        for definition in self.document.definitions:
            if isinstance(definition, SchemaDefinitionNode | SchemaExtensionNode):
                for directive in definition.directives or ():
                    if directive.name.value == "core":
                        raise SupergraphError(
                            "Federation 1 supergraphs (@core) are not supported: compose the "
                            "subgraphs as Federation v2"
                        )
                    if directive.name.value != "link" or _arg(directive, "for") != "EXECUTION":
                        continue
                    url = str(_arg(directive, "url"))
                    if not url.startswith(SUPPORTED_EXECUTION_SPECS):
                        raise SupergraphError(
                            f'@link(url: "{url}", for: EXECUTION): a feature this gateway '
                            "does not implement"
                        )
        for name, url in self.graph_urls.items():
            if not url or url == "None":
                raise SupergraphError(f'Subgraph "{name}" has no URL in @join__graph')
        query = self.types.get(self.roots["query"])
        if query is None or query.kind != "object":
            raise SupergraphError(f'The supergraph has no query type "{self.roots["query"]}"')
        for info in self.types.values():
            for in_graph in info.graphs.values():
                for key in in_graph.keys:
                    self._check_field_set(info.name, key.selection, f'@key(fields: "{key.fields}")')
            for field_info in info.fields.values():
                if field_info.type_name not in self.types and field_info.type_name not in (
                    BUILTIN_SCALARS
                ):
                    raise SupergraphError(
                        f'{info.name}.{field_info.name}: unknown type "{field_info.type_name}"'
                    )
                for in_graph_field in field_info.graphs.values():
                    where = f"{info.name}.{field_info.name} in {in_graph_field.graph}"
                    if in_graph_field.requires is not None:
                        self._check_field_set(
                            info.name, in_graph_field.requires, f"{where}: @requires"
                        )
                    if in_graph_field.provides is not None:
                        self._check_field_set(
                            field_info.type_name, in_graph_field.provides, f"{where}: @provides"
                        )

    def _check_field_set(self, type_name: str, selection: SelectionSetNode, where: str) -> None:
        info = self.types.get(type_name)
        if info is None:
            raise SupergraphError(f'{where}: unknown type "{type_name}"')
        for node in selection.selections:
            if isinstance(node, InlineFragmentNode):
                condition = node.type_condition.name.value if node.type_condition else type_name
                self._check_field_set(condition, node.selection_set, where)
                continue
            if not isinstance(node, FieldNode):
                raise SupergraphError(f"{where}: field sets hold fields and inline fragments")
            name = node.name.value
            if name == "__typename":
                continue
            field_info = info.fields.get(name)
            if field_info is None:
                raise SupergraphError(f'{where}: "{type_name}" has no field "{name}"')
            if node.selection_set is not None:
                self._check_field_set(field_info.type_name, node.selection_set, where)

    def _graph(self, directive: DirectiveNode) -> str:
        enum = _arg(directive, "graph")
        if not isinstance(enum, str) or enum not in self.graph_names:
            raise SupergraphError(f"Unknown join__Graph value {enum!r}")
        return self.graph_names[enum]

    def _read(self) -> None:
        definitions = self.document.definitions
        for definition in definitions:
            if (
                isinstance(definition, EnumTypeDefinitionNode)
                and definition.name.value == "join__Graph"
            ):
                for value in definition.values or ():
                    for directive in value.directives or ():
                        if directive.name.value == "join__graph":
                            name = str(_arg(directive, "name"))
                            self.graph_names[value.name.value] = name
                            self.graph_urls[name] = str(_arg(directive, "url"))
            elif isinstance(definition, SchemaDefinitionNode):
                for operation in definition.operation_types:
                    self.roots[operation.operation.value] = operation.type.name.value
        if not self.graph_names:
            raise SupergraphError("The supergraph declares no join__Graph values")
        for definition in definitions:
            if isinstance(definition, TypeDefinitionNode):
                self._read_type(definition)

    def _read_type(self, node: TypeDefinitionNode) -> None:
        name = node.name.value
        if name.startswith(("join__", "link__")):
            return
        kind = {
            ObjectTypeDefinitionNode: "object",
            InterfaceTypeDefinitionNode: "interface",
            UnionTypeDefinitionNode: "union",
        }.get(type(node), "leaf")
        info = self.types[name] = TypeInfo(name=name, kind=kind)
        for directive in node.directives or ():
            directive_name = directive.name.value
            if directive_name == "join__type":
                graph = self._graph(directive)
                previous = info.graphs.get(graph)
                keys = previous.keys if previous else ()
                key = _arg(directive, "key")
                if isinstance(key, str):
                    resolvable = _arg(directive, "resolvable")
                    keys += (Key(key, parse_field_set(key), resolvable is not False),)
                info.graphs[graph] = TypeInGraph(
                    graph,
                    keys,
                    bool(_arg(directive, "extension")) or bool(previous and previous.extension),
                    bool(_arg(directive, "isInterfaceObject")),
                )
            elif directive_name == "join__implements":
                graph = self._graph(directive)
                info.implementations.setdefault(graph, set()).add(str(_arg(directive, "interface")))
            elif directive_name == "join__unionMember":
                graph = self._graph(directive)
                info.members.setdefault(graph, set()).add(str(_arg(directive, "member")))
        if not info.graphs:  # join spec: no @join__type means every graph
            info.graphs = {g: TypeInGraph(g, (), False, False) for g in self.graph_urls}
        if isinstance(node, ObjectTypeDefinitionNode | InterfaceTypeDefinitionNode):
            for field_node in node.fields or ():
                type_name, list_depth = _named(field_node.type)
                graphs: dict[str, FieldInGraph] = {}
                bare = False  # `@join__field` alone: no graph resolves it on this type
                for directive in field_node.directives or ():
                    if directive.name.value != "join__field":
                        continue
                    if _arg(directive, "graph") is None:
                        bare = True
                        continue
                    if _arg(directive, "usedOverridden"):
                        continue
                    if any(a.name.value == "contextArguments" for a in directive.arguments or ()):
                        raise SupergraphError(
                            f"{name}.{field_node.name.value}: contextual arguments "
                            "(@fromContext) are not supported"
                        )
                    requires = _arg(directive, "requires")
                    provides = _arg(directive, "provides")
                    override = _arg(directive, "override")
                    graph = self._graph(directive)
                    graphs[graph] = FieldInGraph(
                        graph=graph,
                        external=bool(_arg(directive, "external")),
                        requires=parse_field_set(requires) if isinstance(requires, str) else None,
                        requires_text=requires if isinstance(requires, str) else None,
                        provides=parse_field_set(provides) if isinstance(provides, str) else None,
                        override=override if isinstance(override, str) else None,
                        type=declared
                        if isinstance(declared := _arg(directive, "type"), str)
                        else None,
                    )
                if not graphs and not bare:
                    graphs = {g: FieldInGraph(g) for g in info.graphs}
                info.fields[field_node.name.value] = FieldInfo(
                    field_node.name.value, type_name, list_depth, graphs, print_ast(field_node.type)
                )

    @cached_property
    def possible_types(self) -> dict[str, set[str]]:
        """Abstract type name → every object type that may be returned for it (any graph)."""
        result: dict[str, set[str]] = {}
        for info in self.types.values():
            for interfaces in info.implementations.values():
                for interface in interfaces:
                    result.setdefault(interface, set()).add(info.name)
            for members in info.members.values():
                result.setdefault(info.name, set()).update(members)
        return result

    def possible_types_in(self, abstract: str, graph: str) -> set[str]:
        """The object types a graph may return for an abstract type."""
        info = self.types[abstract]
        if info.kind == "union":
            return set(info.members.get(graph, set()))
        return {
            t.name for t in self.types.values() if abstract in t.implementations.get(graph, set())
        }
