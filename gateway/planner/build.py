"""The pure query planner: an operation and a supergraph in, a `QueryPlan` out.

Two steps: the search (`gateway.planner.search`) chooses, for every selection, which graph serves
it and by which edges; the emitter below writes those choices into fetch groups (one subgraph
request each), checks that their dependencies form a DAG and orders them into Sequence /
Parallel / Flatten nodes. No I/O and no caching here: the pipeline (``gateway.pipeline``)
caches plans around it.
"""

from __future__ import annotations

from collections.abc import Iterable

from graphql import (
    DirectiveNode,
    DocumentNode,
    FieldNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

from gateway.composition.supergraph import Supergraph
from gateway.operation import INTROSPECTION_ROOTS, Operation, normalise
from gateway.planner.graph import QueryGraph, query_graph
from gateway.planner.groups import FetchGroup, check_acyclic, sequence_nodes, stages, wrap
from gateway.planner.plan import QueryPlan, Sequence
from gateway.planner.search import (
    ZERO,
    FieldStep,
    FragmentStep,
    JumpStep,
    Option,
    Planned,
    PlanningError,
    Search,
    Step,
    TypenameStep,
    choose,
)
from gateway.planner.selection import (
    FieldSel,
    Sel,
    add_field,
    add_fragment,
    conflicts,
    merged_children,
)


class _Emitter:
    """Writes chosen steps into fetch groups."""

    def __init__(self, qg: QueryGraph) -> None:
        self.qg = qg
        self.groups: list[FetchGroup] = []
        self.by_key: dict[tuple[str, tuple[str, ...], int], FetchGroup] = {}
        # groups that received fields while key or @requires fields were being written
        self._touched: list[set[int]] = []
        self.aliases: list[str] = []  # aliases made for fields whose types conflict

    def new_group(
        self, service: str, path: tuple[str, ...], parent: FetchGroup | None
    ) -> FetchGroup:
        group = FetchGroup(len(self.groups), service, path, parent)
        self.groups.append(group)
        if parent is not None:
            group.deps.add(parent.index)
            self.by_key[(service, path, parent.index)] = group
        return group

    def emit(
        self,
        steps: Iterable[Step],
        group: FetchGroup,
        target: list[Sel],
        path: tuple[str, ...],
        conditions: tuple[DirectiveNode, ...],
        scope: list[list[Sel]] | None = None,
    ) -> None:
        """Write `steps` into `target`. `scope` is the merge scope of `target` in the
        subgraph operation: the selection lists whose fields (through their fragments) merge
        with the fields written into `target` (`[target]` by default). Below a field it is the
        sub-selections of every field of that response key in the scope, wherever they are:
        `... on Book { meta { year } } ... on Film { meta { year } }` merges both `year`."""
        scope = [target] if scope is None else scope
        for step in steps:
            if isinstance(step, TypenameStep):
                node = step.node
                self._touch(group)
                add_field(
                    target,
                    FieldSel(
                        "__typename",
                        node.alias.value if node.alias else None,
                        directives=tuple(node.directives or ()),
                        internal=bool(self._touched),
                    ),
                )
            elif isinstance(step, FieldStep):
                self._field(step, group, target, path, scope)
            elif isinstance(step, FragmentStep):
                if step.condition is None and not step.directives:
                    inner = target
                else:
                    inner = add_fragment(target, step.condition, step.directives).children
                self.emit(step.child.steps, group, inner, path, conditions + step.directives, scope)
            else:
                self._jump(step, group, target, path, conditions)

    def _touch(self, group: FetchGroup) -> None:
        for touched in self._touched:
            touched.add(group.index)

    def _field(
        self,
        step: FieldStep,
        group: FetchGroup,
        target: list[Sel],
        path: tuple[str, ...],
        scope: list[list[Sel]],
    ) -> None:
        node = step.node
        self._touch(group)
        new = FieldSel(
            node.name.value,
            node.alias.value if node.alias else None,
            tuple(node.arguments or ()),
            tuple(node.directives or ()),
            [] if node.selection_set is not None else None,
            internal=bool(self._touched),
            type_text=step.edge.type_text,
        )
        if not new.internal and conflicts(
            scope, new, target
        ):  # `Int` here, `Int!` in a fragment of the same merge scope: alias apart
            new.original = new.response_key
            new.alias = f"{new.response_key}__{len(self.aliases)}"
            self.aliases.append(new.alias)
        sel = add_field(target, new)
        if step.child is None or sel.children is None:
            return
        edge = step.edge
        if self.qg.sg.types[edge.target].is_abstract:
            add_field(sel.children, FieldSel("__typename", internal=True))
        child_path = path + (sel.response_key,) + ("@",) * edge.list_depth
        self.emit(
            step.child.steps,
            group,
            sel.children,
            child_path,
            (),
            merged_children(scope, sel.response_key, sel.children),
        )

    def _jump(
        self,
        step: JumpStep,
        group: FetchGroup,
        target: list[Sel],
        path: tuple[str, ...],
        conditions: tuple[DirectiveNode, ...],
    ) -> None:
        edge = step.edge
        self._touch(group)
        add_field(target, FieldSel("__typename", internal=True))
        touched: set[int] = set()
        self._touched.append(touched)
        self.emit(step.key.steps, group, target, path, ())
        if step.requires is not None:
            self.emit(step.requires.steps, group, target, path, ())
        self._touched.pop()
        child = self.by_key.get((edge.graph, path, group.index))
        if child is None or child.index in touched:
            child = self.new_group(edge.graph, path, group)
        child.deps.update(touched - {child.index})
        child.object_types[edge.entity_type] = self.qg.object_types(edge.entity_type)
        representation = add_fragment(child.requires, edge.entity_type)
        add_field(representation.children, FieldSel("__typename"))
        _copy_field_set(representation.children, edge.key.selection)
        if step.requires is not None:
            _copy_steps(self.qg, representation.children, step.requires.steps)
        fragment = add_fragment(child.selections, edge.entity_type)
        if conditions:
            fragment = add_fragment(fragment.children, edge.entity_type, conditions)
        if self.qg.sg.types[edge.entity_type].is_abstract and not self.qg.is_interface_object(
            edge.entity_type, edge.graph
        ):  # the graph knows the object's real type: the shaper needs it
            add_field(fragment.children, FieldSel("__typename", internal=True))
        self.emit(step.child.steps, child, fragment.children, path, (), [child.selections])


def _copy_field_set(target: list[Sel], selection: SelectionSetNode) -> None:
    for node in selection.selections:
        if isinstance(node, FieldNode):
            children: list[Sel] | None = [] if node.selection_set is not None else None
            sel = add_field(target, FieldSel(node.name.value, children=children))
            if node.selection_set is not None and sel.children is not None:
                _copy_field_set(sel.children, node.selection_set)
        elif isinstance(node, InlineFragmentNode):
            _copy_field_set(target, node.selection_set)


def _copy_steps(qg: QueryGraph, target: list[Sel], steps: Iterable[Step]) -> None:
    """The representation's shape of planned @requires fields (what the objects carry)."""
    for step in steps:
        if isinstance(step, FieldStep):
            node = step.node
            children: list[Sel] | None = [] if node.selection_set is not None else None
            sel = add_field(target, FieldSel(node.name.value, children=children))
            if step.child is not None and sel.children is not None:
                if qg.sg.types[step.edge.target].is_abstract:
                    add_field(sel.children, FieldSel("__typename"))
                _copy_steps(qg, sel.children, step.child.steps)
        elif isinstance(step, TypenameStep):
            add_field(target, FieldSel("__typename"))
        elif isinstance(step, FragmentStep) and step.condition is not None:
            fragment = add_fragment(target, step.condition)
            fragment.possible = tuple(sorted(qg.possible(step.condition)))
            _copy_steps(qg, fragment.children, step.child.steps)
        elif isinstance(step, FragmentStep | JumpStep):
            _copy_steps(qg, target, step.child.steps)


def _root_options(search: Search, root_type: str, node: FieldNode) -> list[Option]:
    """One option per graph resolving the root field (shared roots have several)."""
    field_info = search.sg.types[root_type].fields.get(node.name.value)
    if field_info is None:
        raise PlanningError(f'Cannot query field "{node.name.value}" on "{root_type}"')
    found: list[Option] = []
    for graph in sorted(field_info.graphs):
        edge = search.qg.field_edge(root_type, graph, node.name.value)
        if edge is None or edge.external or edge.requires is not None:
            continue
        child: Planned | None = None
        if node.selection_set is not None:
            child = search.plan_set(
                edge.target, graph, node.selection_set.selections, edge.provides, frozenset()
            )
            if child is None:
                continue
        cost = child.cost if child else ZERO
        found.append(Option((FieldStep(node, edge, child),), cost, graph))
    found.sort(key=lambda o: o.cost)  # stable: cheapest first, then by subgraph name
    if not found:
        reason = search.failures[-1] if search.failures else "no subgraph resolves it"
        raise PlanningError(f'Cannot plan root field "{root_type}.{node.name.value}": {reason}')
    return found


def plan_operation(supergraph: Supergraph, operation: Operation) -> QueryPlan:
    """Plan one normalised operation over the supergraph."""
    qg = query_graph(supergraph)
    search = Search(qg, dict(operation.fragments))
    kind = operation.kind
    root_type = supergraph.roots[kind]
    fields = [
        f.node
        for f in operation.root_fields
        if f.name not in INTROSPECTION_ROOTS and f.name != "__typename"
    ]
    entries = [_root_options(search, root_type, node) for node in fields]
    emitter = _Emitter(qg)
    roots: list[FetchGroup] = []
    if kind == "mutation":
        # in document order; a field shares the previous field's fetch when that graph can
        for options in entries:
            previous = roots[-1].service if roots else None
            option = next((o for o in options if o.share == previous), options[0])
            if option.share != previous or not roots:
                roots.append(emitter.new_group(option.share or "", (), None))
            emitter.emit(option.steps, roots[-1], roots[-1].selections, (), ())
    else:
        chosen = choose(entries)
        assert chosen is not None
        by_graph: dict[str, FetchGroup] = {}
        for option in chosen[0]:
            graph = option.share or ""
            group = by_graph.get(graph)
            if group is None:
                group = by_graph[graph] = emitter.new_group(graph, (), None)
                roots.append(group)
            emitter.emit(option.steps, group, group.selections, (), ())
    check_acyclic(emitter.groups)
    if kind == "mutation":
        steps = [
            stages(emitter.groups, _descendants(emitter.groups, root), operation.definition)
            for root in roots
        ]
        nodes = tuple(n for step in steps for n in sequence_nodes(step))
        return QueryPlan(wrap(nodes, Sequence), kind)
    return QueryPlan(stages(emitter.groups, emitter.groups, operation.definition), kind)


def _descendants(groups: list[FetchGroup], root: FetchGroup) -> list[FetchGroup]:
    members = {root.index}
    for group in groups:
        if group.parent is not None and group.parent.index in members:
            members.add(group.index)
    return [g for g in groups if g.index in members]


def build_plan(
    supergraph: Supergraph, document: DocumentNode, operation_name: str | None = None
) -> QueryPlan:
    """Plan one operation of a validated document over the supergraph."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
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
    return plan_operation(supergraph, normalise(document, operation))
