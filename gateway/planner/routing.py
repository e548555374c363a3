"""Routing questions the planner asks the supergraph: who resolves a field, by which key.

Pure functions over `Supergraph`. An entity jump targets an *entity type*: the parent type
itself, or an interface the target graph declares with `@interfaceObject` (that graph knows no
implementations, so representations carry the interface's name, whatever the object's type).
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql import FieldNode, SelectionSetNode

from gateway.composition.supergraph import Key, Supergraph


class PlanningError(Exception):
    """The operation cannot be planned over this supergraph (code QUERY_PLANNING_FAILED)."""

    code = "QUERY_PLANNING_FAILED"


@dataclass(frozen=True)
class Jump:
    """An `_entities` fetch to `graph` by `key`, selecting fields of `entity_type`."""

    graph: str
    key: Key
    entity_type: str


def selects(selection: SelectionSetNode, name: str) -> bool:
    return any(isinstance(s, FieldNode) and s.name.value == name for s in selection.selections)


def is_interface_object(sg: Supergraph, graph: str, type_name: str) -> bool:
    """Whether `graph` declares the interface `type_name` as an object (@interfaceObject)."""
    in_graph = sg.types[type_name].graphs.get(graph)
    return in_graph is not None and in_graph.interface_object


def object_types(sg: Supergraph, entity_type: str) -> tuple[str, ...]:
    """The `__typename` values of objects a representation of `entity_type` is made from."""
    if not sg.types[entity_type].is_abstract:
        return (entity_type,)
    return tuple(sorted({entity_type, *sg.possible_types.get(entity_type, set())}))


def resolves(
    sg: Supergraph, graph: str, type_name: str, field_name: str, provided: SelectionSetNode | None
) -> bool:
    """Whether `graph` can return `type_name.field_name` where it stands."""
    info = sg.types[type_name]
    if graph not in info.graphs:
        return False
    field_info = info.fields.get(field_name)
    if field_info is None:
        return False
    if field_info.resolvable_in(graph):
        return True
    in_graph = field_info.graphs.get(graph)
    return in_graph is not None and provided is not None and selects(provided, field_name)


def needs_requires(sg: Supergraph, graph: str, type_name: str, field_name: str) -> bool:
    """Whether the field needs @requires fields in `graph` (only an entity fetch has them)."""
    field_info = sg.types[type_name].fields.get(field_name)
    in_graph = field_info.graphs.get(graph) if field_info else None
    return in_graph is not None and in_graph.requires is not None


def can_fetch(sg: Supergraph, graph: str, type_name: str, selection: SelectionSetNode) -> bool:
    """Whether `graph` alone can fetch a field set (a key) of `type_name`."""
    for node in selection.selections:
        if not isinstance(node, FieldNode):
            return False
        if node.name.value == "__typename":
            continue
        if not resolves(sg, graph, type_name, node.name.value, None):
            return False
        if node.selection_set is not None:
            child = sg.types[type_name].fields[node.name.value].type_name
            if not can_fetch(sg, graph, child, node.selection_set):
                return False
    return True


def _interfaces(sg: Supergraph, type_name: str) -> list[str]:
    info = sg.types[type_name]
    return sorted({i for interfaces in info.implementations.values() for i in interfaces})


def jump_candidates(sg: Supergraph, type_name: str, field_name: str) -> list[tuple[str, str]]:
    """(graph, entity type) pairs whose graph resolves the field, in a deterministic order."""
    found: list[tuple[str, str]] = []
    field_info = sg.types[type_name].fields.get(field_name)
    if field_info is not None:
        found += [(g, type_name) for g in sorted(field_info.graphs) if field_info.resolvable_in(g)]
    for interface in _interfaces(sg, type_name):  # fields an @interfaceObject graph adds
        interface_field = sg.types[interface].fields.get(field_name)
        for graph in sorted(interface_field.graphs if interface_field else ()):
            if is_interface_object(sg, graph, interface) and (graph, type_name) not in found:
                found.append((graph, interface))
    return found


def choose_jump(
    sg: Supergraph,
    from_graph: str,
    type_name: str,
    field_name: str,
    preferred: set[str],
) -> Jump:
    """Pick the graph and key for a field `from_graph` cannot resolve.

    Graphs already fetched from at this path (`preferred`) first; a key `from_graph` can
    provide first, otherwise one whose fields come from another graph, like @requires fields.
    """
    candidates = jump_candidates(sg, type_name, field_name)
    candidates.sort(key=lambda c: c[0] not in preferred)
    for direct in (True, False):
        for graph, entity_type in candidates:
            in_graph = sg.types[entity_type].graphs.get(graph)
            for key in in_graph.keys if in_graph else ():
                if key.resolvable and (
                    not direct or can_fetch(sg, from_graph, type_name, key.selection)
                ):
                    return Jump(graph, key, entity_type)
    raise PlanningError(
        f'Cannot plan field "{type_name}.{field_name}": no subgraph that resolves it has a '
        f'key that subgraph "{from_graph}" can provide'
    )


def typename_jump(sg: Supergraph, from_graph: str, interface: str) -> Jump:
    """Where an @interfaceObject graph learns an object's real type: the interface's owner."""
    for graph, in_graph in sorted(sg.types[interface].graphs.items()):
        if in_graph.interface_object:
            continue
        for key in in_graph.keys:
            if key.resolvable and can_fetch(sg, from_graph, interface, key.selection):
                return Jump(graph, key, interface)
    raise PlanningError(
        f'Cannot plan "{interface}" from subgraph "{from_graph}": no subgraph that knows its '
        "implementations has a key it can provide"
    )
