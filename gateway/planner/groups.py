"""Fetch groups (what one subgraph request selects) and their assembly into plan nodes."""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql import OperationDefinitionNode, VariableNode, Visitor, print_ast, visit

from gateway.planner.plan import (
    Fetch,
    Flatten,
    Parallel,
    PlanNode,
    RequiredField,
    Requires,
    Sequence,
)
from gateway.planner.search import PlanningError
from gateway.planner.selection import FieldSel, FragmentSel, Sel, print_compact, print_selections


@dataclass(eq=False)
class FetchGroup:
    """The selections one subgraph request will make, while planning."""

    index: int
    service: str
    path: tuple[str, ...]
    parent: FetchGroup | None
    selections: list[Sel] = field(default_factory=list)
    requires: list[Sel] = field(default_factory=list)
    deps: set[int] = field(default_factory=set)
    object_types: dict[str, tuple[str, ...]] = field(default_factory=dict)  # see Requires

    @property
    def is_entity(self) -> bool:
        return self.parent is not None


def check_acyclic(groups: list[FetchGroup]) -> None:
    """Raise PlanningError unless the groups' dependencies form a DAG (Kahn's algorithm)."""
    waiting = {g.index: set(g.deps) - {g.index} for g in groups}
    if any(g.index in g.deps for g in groups):
        raise PlanningError("The plan's fetches depend on themselves")
    ready = [i for i, deps in waiting.items() if not deps]
    done = 0
    while ready:
        index = ready.pop()
        done += 1
        for other, deps in waiting.items():
            if index in deps:
                deps.discard(index)
                if not deps:
                    ready.append(other)
    if done != len(groups):
        raise PlanningError("The plan's fetches depend on one another in a cycle")


def stages(
    all_groups: list[FetchGroup], groups: list[FetchGroup], operation: OperationDefinitionNode
) -> PlanNode | None:
    """Nest groups into stages: each stage runs after the groups it depends on."""
    members = {g.index for g in groups}
    depth: dict[int, int] = {}

    def depth_of(group: FetchGroup) -> int:
        if group.index not in depth:  # a DAG (check_acyclic): this ends
            depth[group.index] = 1 + max(
                (depth_of(all_groups[d]) for d in group.deps if d in members), default=-1
            )
        return depth[group.index]

    for group in groups:
        depth_of(group)
    stages: list[PlanNode] = []
    for level in range(max(depth.values(), default=-1) + 1):
        nodes = tuple(group_node(g, operation) for g in groups if depth[g.index] == level)
        stage = wrap(nodes, Parallel)
        if stage is not None:
            stages.append(stage)
    return wrap(tuple(stages), Sequence)


def group_node(group: FetchGroup, operation: OperationDefinitionNode) -> PlanNode:
    """The Fetch (root) or Flatten (entity) node of one group."""
    kind = operation.operation.value if not group.is_entity else "query"
    variables = _variables_in(group.selections)
    definitions = [
        d for d in operation.variable_definitions or () if d.variable.name.value in variables
    ]
    declared = [print_ast(d) for d in definitions]
    body = print_compact(group.selections)
    if group.is_entity:
        declared.insert(0, "$representations: [_Any!]!")
        body = "{ _entities(representations: $representations) " + body + " }"
    header = kind + ("(" + ", ".join(declared) + ")" if declared else "")
    text = (header + " " + body) if declared or kind != "query" else body
    fetch = Fetch(
        service=group.service,
        operation=text,
        selection=print_selections(group.selections),
        requires=tuple(
            _requires(s, group.object_types) for s in group.requires if isinstance(s, FragmentSel)
        ),
        requires_text=print_selections(group.requires) if group.is_entity else None,
        variable_usages=tuple(d.variable.name.value for d in definitions),
        response_keys=() if group.is_entity else _response_keys(group.selections),
        renames=tuple(_renames(group.selections, ())),
    )
    return Flatten(group.path, fetch) if group.is_entity else fetch


def _required_fields(
    selections: list[Sel], condition: tuple[str, ...] | None = None
) -> tuple[RequiredField, ...]:
    found: list[RequiredField] = []
    for s in selections:
        if isinstance(s, FieldSel):
            children = None if s.children is None else _required_fields(s.children)
            found.append(RequiredField(s.name, children, condition))
        else:
            types = s.possible or ((s.type_condition,) if s.type_condition else None)
            found += _required_fields(s.children, types)
    return tuple(found)


def _requires(fragment: FragmentSel, object_types: dict[str, tuple[str, ...]]) -> Requires:
    type_name = fragment.type_condition or ""
    applies_to = object_types.get(type_name, (type_name,))
    return Requires(
        type_name,
        _required_fields(fragment.children),
        () if applies_to == (type_name,) else applies_to,
    )


def _renames(
    selections: list[Sel], path: tuple[str, ...]
) -> list[tuple[tuple[str, ...], str, str]]:
    found: list[tuple[tuple[str, ...], str, str]] = []
    for selection in selections:
        if isinstance(selection, FieldSel):
            if selection.original is not None and selection.alias is not None:
                found.append((path, selection.alias, selection.original))
            if selection.children:
                found += _renames(selection.children, (*path, selection.response_key))
        else:
            found += _renames(selection.children, path)
    return found


def _response_keys(selections: list[Sel]) -> tuple[str, ...]:
    keys: list[str] = []
    for selection in selections:
        if isinstance(selection, FieldSel):
            keys.append(selection.response_key)
        else:
            keys += _response_keys(selection.children)
    return tuple(dict.fromkeys(keys))


def _variables_in(selections: list[Sel]) -> set[str]:
    names: set[str] = set()

    class _Collect(Visitor):
        def enter_variable(self, node: VariableNode, *_: object) -> None:
            names.add(node.name.value)

    collector = _Collect()
    for selection in selections:
        for node in (*getattr(selection, "arguments", ()), *selection.directives):
            visit(node, collector)
        if selection.children:
            names |= _variables_in(selection.children)
    return names


def wrap(nodes: tuple[PlanNode, ...], kind: type[Sequence] | type[Parallel]) -> PlanNode | None:
    if not nodes:
        return None
    return nodes[0] if len(nodes) == 1 else kind(nodes)


def sequence_nodes(node: PlanNode | None) -> tuple[PlanNode, ...]:
    if node is None:
        return ()
    return node.nodes if isinstance(node, Sequence) else (node,)
