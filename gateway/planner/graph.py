"""The query graph: what each subgraph can do from where, built once per supergraph.

A vertex is (type, graph) for every composite type a graph defines. From a vertex the planner
may follow
- a *field edge*: the graph resolves the field here (`FieldEdge`, with its @requires and
  @provides);
- a *key edge*: another graph (or the same one, for @requires) resolves the type by a key
  (`KeyEdge`); an @interfaceObject graph gives key edges to the interface from every
  implementation;
- a *downcast edge*: to a concrete type the graph itself knows belongs to the abstract type.

The search (`gateway.planner.search`) walks these edges; nothing here depends on an operation.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from functools import cache

from graphql import FieldNode, InlineFragmentNode, SelectionSetNode

from gateway.composition.supergraph import Key, Supergraph


@dataclass(frozen=True)
class FieldEdge:
    """A graph resolves `parent.name` at a vertex; `external` fields only where provided."""

    name: str
    graph: str
    target: str
    list_depth: int
    external: bool
    requires: SelectionSetNode | None
    provides: SelectionSetNode | None
    type_text: str = ""  # the field's type in this graph (`Int!`), for conflicting selections


@dataclass(frozen=True)
class KeyEdge:
    """Jump to `graph` by `key`; the representation names `entity_type` (the type itself, or
    the interface an @interfaceObject graph knows it as)."""

    graph: str
    key: Key
    entity_type: str


class QueryGraph:
    """Edges by vertex, computed lazily and memoised (a supergraph never changes)."""

    def __init__(self, supergraph: Supergraph) -> None:
        self.sg = supergraph

    def has_vertex(self, type_name: str, graph: str) -> bool:
        info = self.sg.types.get(type_name)
        return info is not None and graph in info.graphs

    def is_interface_object(self, type_name: str, graph: str) -> bool:
        in_graph = self.sg.types[type_name].graphs.get(graph)
        return in_graph is not None and in_graph.interface_object

    @cache  # noqa: B019 - one QueryGraph per supergraph, kept as long as it
    def field_edge(self, type_name: str, graph: str, name: str) -> FieldEdge | None:
        """The field edge of `type_name.name` in `graph`, external ones included."""
        info = self.sg.types[type_name]
        field_info = info.fields.get(name)
        if field_info is None or graph not in info.graphs:
            return None
        in_graph = field_info.graphs.get(graph)
        if in_graph is None:
            return None
        return FieldEdge(
            name,
            graph,
            field_info.type_name,
            field_info.list_depth,
            in_graph.external,
            in_graph.requires,
            in_graph.provides,
            field_info.type_in(graph),
        )

    @cache  # noqa: B019
    def key_edges(self, type_name: str) -> tuple[KeyEdge, ...]:
        """Every resolvable key of the type, and of its interfaces in @interfaceObject graphs."""
        edges: list[KeyEdge] = []
        info = self.sg.types[type_name]
        for graph, in_graph in sorted(info.graphs.items()):
            edges += [KeyEdge(graph, k, type_name) for k in in_graph.keys if k.resolvable]
        for interface in self.interfaces(type_name):
            for graph, in_graph in sorted(self.sg.types[interface].graphs.items()):
                if in_graph.interface_object:
                    edges += [KeyEdge(graph, k, interface) for k in in_graph.keys if k.resolvable]
        return tuple(edges)

    @cache  # noqa: B019
    def interfaces(self, type_name: str) -> tuple[str, ...]:
        info = self.sg.types[type_name]
        return tuple(sorted({i for found in info.implementations.values() for i in found}))

    @cache  # noqa: B019
    def possible_in(self, abstract: str, graph: str) -> tuple[str, ...]:
        """The object types `graph` itself may return for an abstract type (downcast edges)."""
        return tuple(sorted(self.sg.possible_types_in(abstract, graph)))

    @cache  # noqa: B019
    def possible(self, type_name: str) -> frozenset[str]:
        """The object types a value of `type_name` may have, in any graph."""
        if not self.sg.types[type_name].is_abstract:
            return frozenset({type_name})
        return frozenset(self.sg.possible_types.get(type_name, set()))

    def object_types(self, entity_type: str) -> tuple[str, ...]:
        """The `__typename`s a representation of `entity_type` is made from."""
        if not self.sg.types[entity_type].is_abstract:
            return (entity_type,)
        return tuple(sorted({entity_type, *self.possible(entity_type)}))


def provided_subselection(
    provided: SelectionSetNode | None, type_name: str, name: str, qg: QueryGraph
) -> SelectionSetNode | bool:
    """What a @provides selection says about field `name` of `type_name`.

    False: not provided; True: a provided leaf; a selection set: provided with these children.
    Inline fragments count when their condition is the type or one of its supertypes.
    """
    if provided is None:
        return False
    found: list[SelectionSetNode] = []
    leaf = False
    for node in provided.selections:
        if isinstance(node, FieldNode) and node.name.value == name:
            if node.selection_set is None:
                leaf = True
            else:
                found.append(node.selection_set)
        elif isinstance(node, InlineFragmentNode):
            condition = node.type_condition.name.value if node.type_condition else None
            if (
                condition is None
                or condition == type_name
                or (condition in qg.sg.types and type_name in qg.possible(condition))
            ):
                inner = provided_subselection(node.selection_set, type_name, name, qg)
                if inner is True:
                    leaf = True
                elif isinstance(inner, SelectionSetNode):
                    found.append(inner)
    if found:
        return SelectionSetNode(selections=tuple(s for f in found for s in f.selections))
    return leaf


_GRAPHS: weakref.WeakKeyDictionary[Supergraph, QueryGraph] = weakref.WeakKeyDictionary()


def query_graph(supergraph: Supergraph) -> QueryGraph:
    """The query graph of a supergraph, built once."""
    graph = _GRAPHS.get(supergraph)
    if graph is None:
        graph = _GRAPHS[supergraph] = QueryGraph(supergraph)
    return graph
