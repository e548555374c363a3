"""The pure query planner: an operation and a supergraph in, a `QueryPlan` out.

No I/O and no caching here (caching wraps it from outside); see GATEWAY.md "Planning".
"""

from __future__ import annotations

from collections.abc import Iterable

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

from gateway.composition.supergraph import Key, Supergraph
from gateway.planner.groups import FetchGroup, sequence_nodes, stages, wrap
from gateway.planner.plan import (
    QueryPlan,
    Sequence,
)
from gateway.planner.selection import (
    FieldSel,
    Sel,
    add_field,
    add_fragment,
)

INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})


class PlanningError(Exception):
    """The operation cannot be planned over this supergraph (code QUERY_PLANNING_FAILED)."""

    code = "QUERY_PLANNING_FAILED"


class _Planner:
    def __init__(
        self,
        supergraph: Supergraph,
        operation: OperationDefinitionNode,
        fragments: dict[str, FragmentDefinitionNode],
    ) -> None:
        self.sg = supergraph
        self.operation = operation
        self.fragments = fragments
        self.groups: list[FetchGroup] = []
        self.by_key: dict[tuple[str, tuple[str, ...], int], FetchGroup] = {}
        # groups that fetched fields while key or @requires fields were being planned
        self._touched: list[set[int]] = []

    # -- groups -------------------------------------------------------------------------------

    def _new_group(
        self, service: str, path: tuple[str, ...], parent: FetchGroup | None
    ) -> FetchGroup:
        group = FetchGroup(len(self.groups), service, path, parent)
        self.groups.append(group)
        if parent is not None:
            group.deps.add(parent.index)
            self.by_key[(service, path, parent.index)] = group
        return group

    def _entity_group(self, service: str, path: tuple[str, ...], parent: FetchGroup) -> FetchGroup:
        existing = self.by_key.get((service, path, parent.index))
        return existing or self._new_group(service, path, parent)

    # -- resolvability ------------------------------------------------------------------------

    def _resolves(
        self, graph: str, type_name: str, field_name: str, provided: SelectionSetNode | None
    ) -> bool:
        info = self.sg.types[type_name]
        if graph not in info.graphs:
            return False
        field_info = info.fields.get(field_name)
        if field_info is None:
            return False
        if field_info.resolvable_in(graph):
            return True
        in_graph = field_info.graphs.get(graph)
        return in_graph is not None and provided is not None and _selects(provided, field_name)

    def _can_fetch(self, graph: str, type_name: str, selection: SelectionSetNode) -> bool:
        for node in selection.selections:
            if not isinstance(node, FieldNode):
                return False
            if node.name.value == "__typename":
                continue
            if not self._resolves(graph, type_name, node.name.value, None):
                return False
            if node.selection_set is not None:
                child = self.sg.types[type_name].fields[node.name.value].type_name
                if not self._can_fetch(graph, child, node.selection_set):
                    return False
        return True

    # -- walking the operation ----------------------------------------------------------------

    def _visit(
        self,
        group: FetchGroup,
        target: list[Sel],
        parent_type: str,
        selections: Iterable[SelectionNode],
        path: tuple[str, ...],
        provided: SelectionSetNode | None,
        conditions: tuple[DirectiveNode, ...],
    ) -> None:
        for node in selections:
            if isinstance(node, FieldNode):
                self._visit_field(group, target, parent_type, node, path, provided, conditions)
                continue
            if isinstance(node, FragmentSpreadNode):
                fragment = self.fragments[node.name.value]
                condition: str | None = fragment.type_condition.name.value
                directives = tuple(node.directives or ())
                inner = fragment.selection_set.selections
            else:
                assert isinstance(node, InlineFragmentNode)
                condition = node.type_condition.name.value if node.type_condition else None
                directives = tuple(node.directives or ())
                inner = node.selection_set.selections
            self._visit_fragment(
                group, target, parent_type, condition, directives, inner, path, provided, conditions
            )

    def _visit_fragment(
        self,
        group: FetchGroup,
        target: list[Sel],
        parent_type: str,
        condition: str | None,
        directives: tuple[DirectiveNode, ...],
        inner: Iterable[SelectionNode],
        path: tuple[str, ...],
        provided: SelectionSetNode | None,
        conditions: tuple[DirectiveNode, ...],
    ) -> None:
        condition = condition or parent_type
        if condition == parent_type and not directives:
            self._visit(group, target, parent_type, inner, path, provided, conditions)
            return
        info = self.sg.types[condition]
        if group.service in info.graphs:
            fragment = add_fragment(target, condition, directives)
            self._visit(
                group, fragment.children, condition, inner, path, provided, conditions + directives
            )
            return
        if info.is_abstract:  # the graph does not know the abstract type: use its concrete ones
            known = self.sg.possible_types.get(condition, set())
            for type_name in sorted(known):
                if group.service in self.sg.types[type_name].graphs:
                    self._visit_fragment(
                        group,
                        target,
                        parent_type,
                        type_name,
                        directives,
                        inner,
                        path,
                        provided,
                        conditions,
                    )
        # an object type the graph does not know can never be returned by it: nothing to fetch

    def _visit_field(
        self,
        group: FetchGroup,
        target: list[Sel],
        parent_type: str,
        node: FieldNode,
        path: tuple[str, ...],
        provided: SelectionSetNode | None,
        conditions: tuple[DirectiveNode, ...],
    ) -> None:
        name = node.name.value
        if name == "__typename":
            add_field(
                target,
                FieldSel(
                    "__typename",
                    node.alias.value if node.alias else None,
                    directives=tuple(node.directives or ()),
                ),
            )
            return
        info = self.sg.types[parent_type]
        if self._resolves(group.service, parent_type, name, provided):
            for touched in self._touched:
                touched.add(group.index)
            self._add_local(group, target, parent_type, node, path, provided)
            return
        if info.is_abstract:
            for type_name in sorted(self.sg.possible_types_in(parent_type, group.service)):
                fragment = add_fragment(target, type_name)
                self._visit_field(
                    group, fragment.children, type_name, node, path, provided, conditions
                )
            return
        self._jump(group, target, parent_type, node, path, provided, conditions)

    def _add_local(
        self,
        group: FetchGroup,
        target: list[Sel],
        parent_type: str,
        node: FieldNode,
        path: tuple[str, ...],
        provided: SelectionSetNode | None,
    ) -> None:
        field_info = self.sg.types[parent_type].fields[node.name.value]
        sel = add_field(
            target,
            FieldSel(
                node.name.value,
                node.alias.value if node.alias else None,
                tuple(node.arguments or ()),
                tuple(node.directives or ()),
                [] if node.selection_set is not None else None,
            ),
        )
        if node.selection_set is None or sel.children is None:
            return
        child_type = field_info.type_name
        if self.sg.types[child_type].is_abstract:
            add_field(sel.children, FieldSel("__typename"))
        in_graph = field_info.graphs.get(group.service)
        child_provided = None
        if in_graph is not None and in_graph.provides is not None:
            child_provided = in_graph.provides
        elif provided is not None:
            child_provided = _sub_selection(provided, node.name.value)
        child_path = path + (sel.response_key,) + ("@",) * field_info.list_depth
        self._visit(
            group,
            sel.children,
            child_type,
            node.selection_set.selections,
            child_path,
            child_provided,
            (),
        )

    def _choose_jump(
        self, group: FetchGroup, type_name: str, field_name: str, path: tuple[str, ...]
    ) -> tuple[str, Key]:
        field_info = self.sg.types[type_name].fields[field_name]
        candidates = sorted(g for g in field_info.graphs if field_info.resolvable_in(g))
        candidates.sort(key=lambda g: (g, path, group.index) not in self.by_key)
        for direct in (True, False):
            # Prefer a key the current graph can provide; otherwise its fields are fetched
            # first from another graph, like @requires fields.
            for graph in candidates:
                in_graph = self.sg.types[type_name].graphs.get(graph)
                for key in in_graph.keys if in_graph else ():
                    if key.resolvable and (
                        not direct or self._can_fetch(group.service, type_name, key.selection)
                    ):
                        return graph, key
        raise PlanningError(
            f'Cannot plan field "{type_name}.{field_name}": no subgraph that resolves it has a '
            f'key that subgraph "{group.service}" can provide'
        )

    def _jump(
        self,
        group: FetchGroup,
        target: list[Sel],
        parent_type: str,
        node: FieldNode,
        path: tuple[str, ...],
        provided: SelectionSetNode | None,
        conditions: tuple[DirectiveNode, ...],
    ) -> None:
        graph, key = self._choose_jump(group, parent_type, node.name.value, path)
        add_field(target, FieldSel("__typename"))
        touched: set[int] = set()
        self._touched.append(touched)
        self._visit(group, target, parent_type, key.selection.selections, path, provided, ())
        requires = self.sg.types[parent_type].fields[node.name.value].graphs[graph].requires
        if requires is not None:
            self._visit(group, target, parent_type, requires.selections, path, provided, ())
        self._touched.pop()
        child = self._entity_group(graph, path, group)
        child.deps.update(touched - {child.index})
        representation = add_fragment(child.requires, parent_type)
        add_field(representation.children, FieldSel("__typename"))
        _copy_field_set(representation.children, key.selection)
        if requires is not None:
            _copy_field_set(representation.children, requires)
        fragment = add_fragment(child.selections, parent_type)
        if conditions:
            fragment = add_fragment(fragment.children, parent_type, conditions)
        self._visit(child, fragment.children, parent_type, [node], path, None, ())

    # -- roots ----------------------------------------------------------------------------------

    def _root_fields(
        self, selections: Iterable[SelectionNode], inherited: tuple[DirectiveNode, ...] = ()
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
                fragment = self.fragments[node.name.value]
                result.extend(
                    self._root_fields(
                        fragment.selection_set.selections, inherited + tuple(node.directives or ())
                    )
                )
            elif isinstance(node, InlineFragmentNode):
                result.extend(
                    self._root_fields(
                        node.selection_set.selections, inherited + tuple(node.directives or ())
                    )
                )
        return result

    def plan(self) -> QueryPlan:
        kind = self.operation.operation.value
        root_type = self.sg.roots[kind]
        fields = [
            f
            for f in self._root_fields(self.operation.selection_set.selections)
            if f.name.value not in INTROSPECTION_FIELDS and f.name.value != "__typename"
        ]
        roots: list[FetchGroup] = []
        for node in fields:
            field_info = self.sg.types[root_type].fields.get(node.name.value)
            if field_info is None:
                raise PlanningError(f'Cannot query field "{node.name.value}" on "{root_type}"')
            graphs = sorted(g for g in field_info.graphs if field_info.resolvable_in(g))
            if kind == "mutation":
                reusable = [roots[-1]] if roots and roots[-1].service in graphs else []
            else:
                reusable = [g for g in roots if g.service in graphs]
            group = reusable[0] if reusable else self._new_group(graphs[0], (), None)
            if not reusable:
                roots.append(group)
            self._visit(group, group.selections, root_type, [node], (), None, ())
        if kind == "mutation":
            steps = [stages(self.groups, self._descendants(root), self.operation) for root in roots]
            nodes = tuple(n for step in steps for n in sequence_nodes(step))
            return QueryPlan(wrap(nodes, Sequence), kind)
        return QueryPlan(stages(self.groups, self.groups, self.operation), kind)

    def _descendants(self, root: FetchGroup) -> list[FetchGroup]:
        members = {root.index}
        for group in self.groups:
            if group.parent is not None and group.parent.index in members:
                members.add(group.index)
        return [g for g in self.groups if g.index in members]


def _selects(selection: SelectionSetNode, name: str) -> bool:
    return any(isinstance(s, FieldNode) and s.name.value == name for s in selection.selections)


def _sub_selection(selection: SelectionSetNode, name: str) -> SelectionSetNode | None:
    for node in selection.selections:
        if isinstance(node, FieldNode) and node.name.value == name:
            return node.selection_set
    return None


def _copy_field_set(target: list[Sel], selection: SelectionSetNode) -> None:
    for node in selection.selections:
        if isinstance(node, FieldNode):
            children: list[Sel] | None = [] if node.selection_set is not None else None
            sel = add_field(target, FieldSel(node.name.value, children=children))
            if node.selection_set is not None and sel.children is not None:
                _copy_field_set(sel.children, node.selection_set)


def build_plan(
    supergraph: Supergraph, document: DocumentNode, operation_name: str | None = None
) -> QueryPlan:
    """Plan one operation of a validated document over the supergraph."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    if operation_name is None:
        if len(operations) != 1:
            raise PlanningError(
                "Must provide operation name if query contains multiple operations."
            )
        operation = operations[0]
    else:
        matches = [o for o in operations if o.name and o.name.value == operation_name]
        if not matches:
            raise PlanningError(f'Unknown operation named "{operation_name}".')
        operation = matches[0]
    return _Planner(supergraph, operation, fragments).plan()
