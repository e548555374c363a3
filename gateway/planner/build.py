"""The pure query planner: an operation and a supergraph in, a `QueryPlan` out.

No I/O and no caching here: the pipeline (``gateway.pipeline``) caches plans around it.
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

from gateway.composition.supergraph import Supergraph
from gateway.planner.groups import FetchGroup, sequence_nodes, stages, wrap
from gateway.planner.plan import (
    QueryPlan,
    Sequence,
)
from gateway.planner.routing import (
    Jump,
    PlanningError,
    choose_jump,
    is_interface_object,
    needs_requires,
    object_types,
    resolves,
    typename_jump,
)
from gateway.planner.selection import (
    FieldSel,
    FragmentSel,
    Sel,
    add_field,
    add_fragment,
)

INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})


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
            return
        if is_interface_object(self.sg, group.service, parent_type):
            # the graph sees the interface as an object: its real type lives elsewhere
            jump = typename_jump(self.sg, group.service, parent_type)
            child, fragment = self._enter(group, target, parent_type, jump, path, provided, ())
            self._visit_fragment(
                child,
                fragment.children,
                parent_type,
                condition,
                directives,
                inner,
                path,
                None,
                conditions,
            )
        # otherwise an object type the graph does not know can never be returned by it

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
        if resolves(self.sg, group.service, parent_type, name, provided) and not needs_requires(
            self.sg, group.service, parent_type, name
        ):
            self._add_local(group, target, parent_type, node, path, provided)
            return
        if info.is_abstract and not self._jumps_as_interface(group.service, parent_type, name):
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
        for touched in self._touched:
            touched.add(group.index)
        field_info = self.sg.types[parent_type].fields[node.name.value]
        sel = add_field(
            target,
            FieldSel(
                node.name.value,
                node.alias.value if node.alias else None,
                tuple(node.arguments or ()),
                tuple(node.directives or ()),
                [] if node.selection_set is not None else None,
                internal=bool(self._touched),
            ),
        )
        if node.selection_set is None or sel.children is None:
            return
        child_type = field_info.type_name
        if self.sg.types[child_type].is_abstract:
            add_field(sel.children, FieldSel("__typename", internal=True))
        in_graph = field_info.graphs.get(group.service)
        child_provided = None
        if in_graph is not None and in_graph.provides is not None:
            child_provided = in_graph.provides
        elif provided is not None:
            child_provided = _sub_selection(provided, node.name.value)
        child_path = path + (sel.response_key,) + ("@",) * field_info.list_depth
        if is_interface_object(self.sg, group.service, child_type):
            # "__typename" there is the interface's name: ask a graph knowing the real type
            jump = typename_jump(self.sg, group.service, child_type)
            _, fragment = self._enter(
                group, sel.children, child_type, jump, child_path, child_provided, ()
            )
            add_field(fragment.children, FieldSel("__typename"))
        self._visit(
            group,
            sel.children,
            child_type,
            node.selection_set.selections,
            child_path,
            child_provided,
            (),
        )

    def _jumps_as_interface(self, graph: str, interface: str, field_name: str) -> bool:
        """Jump with the interface itself when either side sees it as an @interfaceObject."""
        if is_interface_object(self.sg, graph, interface):
            return True
        field_info = self.sg.types[interface].fields.get(field_name)
        return field_info is not None and any(
            is_interface_object(self.sg, g, interface) for g in field_info.graphs
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
        preferred = {s for (s, p, i) in self.by_key if p == path and i == group.index}
        name = node.name.value
        jump = choose_jump(self.sg, group.service, parent_type, name, preferred)
        requires = self.sg.types[jump.entity_type].fields[name].graphs[jump.graph].requires
        child, fragment = self._enter(
            group, target, parent_type, jump, path, provided, conditions, requires
        )
        self._add_local(child, fragment.children, jump.entity_type, node, path, None)

    def _enter(
        self,
        group: FetchGroup,
        target: list[Sel],
        parent_type: str,
        jump: Jump,
        path: tuple[str, ...],
        provided: SelectionSetNode | None,
        conditions: tuple[DirectiveNode, ...],
        requires: SelectionSetNode | None = None,
    ) -> tuple[FetchGroup, FragmentSel]:
        """Select key (and required) fields in `group`; return the `_entities` group and the
        fragment on the entity type to select the jumped-to fields in."""
        add_field(target, FieldSel("__typename", internal=True))
        touched: set[int] = set()
        self._touched.append(touched)
        self._visit(group, target, parent_type, jump.key.selection.selections, path, provided, ())
        if requires is not None:
            self._visit(group, target, parent_type, requires.selections, path, provided, ())
        self._touched.pop()
        child = self._entity_group(jump.graph, path, group)
        child.deps.update(touched - {child.index})
        child.object_types[jump.entity_type] = object_types(self.sg, jump.entity_type)
        representation = add_fragment(child.requires, jump.entity_type)
        add_field(representation.children, FieldSel("__typename"))
        _copy_field_set(representation.children, jump.key.selection)
        if requires is not None:
            _copy_field_set(representation.children, requires)
        fragment = add_fragment(child.selections, jump.entity_type)
        if conditions:
            fragment = add_fragment(fragment.children, jump.entity_type, conditions)
        return child, fragment

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
