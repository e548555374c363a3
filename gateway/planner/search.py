"""Planning as a search over the query graph.

For every selection at a vertex (type, graph) the search lists its *options*: stay in the graph
(a field edge), jump by a key edge to a graph that resolves it (with the key's fields and any
@requires fields planned as conditions, from where the walk stands), or, at an abstract type,
split into the concrete types the graph knows (downcast edges). Each option carries the cost of
everything below it; `choose` then picks one option per selection so that the whole selection
set costs the fewest fetches, then the shortest chain of dependent fetches, then stays in the
current graph where it can. Jumps to one graph from one place share one fetch, which is why the
choice is made per selection set and not per field.

A jump never returns to a (type, graph) vertex already used at the same place in the response
(`visited`): chains of keys and @requires conditions are finite by construction, so the search
ends on every supergraph. The result is a tree of steps (`Step`) that `gateway.planner.emit`
turns into fetches.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from graphql import (
    DirectiveNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    NamedTypeNode,
    NameNode,
    SelectionNode,
    SelectionSetNode,
)

from gateway.planner.graph import FieldEdge, KeyEdge, QueryGraph, provided_subselection


class PlanningError(Exception):
    """The operation cannot be planned over this supergraph (code QUERY_PLANNING_FAILED)."""

    code = "QUERY_PLANNING_FAILED"


@dataclass(frozen=True, order=True)
class Cost:
    """Fetches, then the longest chain of dependent fetches, then how many jumps were taken."""

    fetches: int = 0
    depth: int = 0
    jumps: int = 0

    def __add__(self, other: Cost) -> Cost:
        return Cost(
            self.fetches + other.fetches, max(self.depth, other.depth), self.jumps + other.jumps
        )


ZERO = Cost()


@dataclass(frozen=True)
class Planned:
    """A planned selection set: its steps in document order and what they cost."""

    steps: tuple[Step, ...]
    cost: Cost


@dataclass(frozen=True)
class TypenameStep:
    node: FieldNode


@dataclass(frozen=True)
class FieldStep:
    """Select the field in the current graph; `child` is its planned selection set."""

    node: FieldNode
    edge: FieldEdge
    child: Planned | None


@dataclass(frozen=True)
class FragmentStep:
    """`... on condition @directives { child }` (no condition: only the directives)."""

    condition: str | None
    directives: tuple[DirectiveNode, ...]
    child: Planned


@dataclass(frozen=True)
class JumpStep:
    """Jump by `edge`: `key` and `requires` are planned where the walk stands, `child` in the
    target graph on the entity type."""

    edge: KeyEdge
    key: Planned
    requires: Planned | None
    child: Planned


Step = TypenameStep | FieldStep | FragmentStep | JumpStep


@dataclass(frozen=True)
class Option:
    """One way to serve one selection: its steps, their cost, and the graph of its own fetch
    (`share`: jumps from one place to one graph share it)."""

    steps: tuple[Step, ...]
    cost: Cost
    share: str | None = None


Entry = FieldNode | tuple[str | None, tuple[DirectiveNode, ...], tuple[SelectionNode, ...]]
Visited = frozenset[tuple[str, str]]

MAX_COMBINATIONS = 256  # past this many, choose selection by selection
MAX_OPTIONS = 4  # options kept per selection, cheapest first


def choose(entries: Sequence[list[Option]]) -> tuple[list[Option], Cost] | None:
    """The cheapest combination of one option per entry; None when one has no option."""
    if any(not options for options in entries):
        return None

    def total(combination: Sequence[Option]) -> Cost:
        cost = ZERO
        for option in combination:
            cost = cost + option.cost
        shares = {o.share for o in combination if o.share is not None}
        return Cost(cost.fetches + len(shares), cost.depth, cost.jumps)

    sizes = 1
    for options in entries:
        sizes *= len(options)
    if sizes <= MAX_COMBINATIONS:
        best = min(itertools.product(*entries), key=total)
        return list(best), total(best)
    chosen: list[Option] = []
    for options in entries:  # greedy: the option that adds least to what is chosen so far
        chosen.append(min(options, key=lambda o: total([*chosen, o])))
    return chosen, total(chosen)


class Search:
    """The search for one operation (memoised per vertex and selection)."""

    def __init__(self, qg: QueryGraph, fragments: dict[str, FragmentDefinitionNode]) -> None:
        self.qg = qg
        self.sg = qg.sg
        self.fragments = fragments
        self.failures: list[str] = []
        self._memo: dict[tuple[object, ...], Planned | None] = {}
        self._keep: list[object] = []

    # -- entries ---------------------------------------------------------------------------

    def entries(self, selections: Iterable[SelectionNode]) -> list[Entry]:
        result: list[Entry] = []
        for node in selections:
            if isinstance(node, FieldNode):
                result.append(node)
            elif isinstance(node, FragmentSpreadNode):
                fragment = self.fragments[node.name.value]
                result.append(
                    (
                        fragment.type_condition.name.value,
                        tuple(node.directives or ()),
                        tuple(fragment.selection_set.selections),
                    )
                )
            else:
                assert isinstance(node, InlineFragmentNode)
                condition = node.type_condition.name.value if node.type_condition else None
                result.append(
                    (condition, tuple(node.directives or ()), tuple(node.selection_set.selections))
                )
        return result

    # -- selection sets ----------------------------------------------------------------------

    def plan_set(
        self,
        type_name: str,
        graph: str,
        selections: Sequence[SelectionNode],
        provided: SelectionSetNode | None,
        visited: Visited,
    ) -> Planned | None:
        """Plan `selections` at vertex (type_name, graph); None when some cannot be served."""
        # keyed by node identity: keep the nodes alive so that no id is ever reused
        self._keep.append((selections, provided))
        memo_key = (type_name, graph, tuple(map(id, selections)), id(provided), visited)
        if memo_key in self._memo:
            return self._memo[memo_key]
        self._memo[memo_key] = None  # a re-entrant call (none expected) finds no plan
        options = [
            self.options(type_name, graph, entry, provided, visited | {(type_name, graph)})
            for entry in self.entries(selections)
        ]
        chosen = choose(options)
        result = None
        if chosen is not None:
            picked, cost = chosen
            result = Planned(tuple(s for option in picked for s in option.steps), cost)
        self._memo[memo_key] = result
        return result

    def options(
        self,
        type_name: str,
        graph: str,
        entry: Entry,
        provided: SelectionSetNode | None,
        visited: Visited,
    ) -> list[Option]:
        if isinstance(entry, FieldNode):
            found = self.field_options(type_name, graph, entry, provided, visited)
            if not found:
                self.failures.append(
                    f'Cannot plan field "{type_name}.{entry.name.value}" from subgraph '
                    f'"{graph}": no subgraph that resolves it can be reached by a key'
                )
            found.sort(key=lambda o: (o.cost.fetches + (o.share is not None), o.cost))
            return found[:MAX_OPTIONS]
        return self.fragment_options(type_name, graph, entry, provided, visited)

    def _abstract(self, type_name: str, graph: str) -> bool:
        return self.sg.types[type_name].is_abstract and not self.qg.is_interface_object(
            type_name, graph
        )

    # -- fields ------------------------------------------------------------------------------

    def _local_edge(
        self, type_name: str, graph: str, name: str, provided: SelectionSetNode | None
    ) -> tuple[FieldEdge, SelectionSetNode | None] | None:
        """The field edge usable here without a jump, and the @provides below it."""
        edge = self.qg.field_edge(type_name, graph, name)
        if edge is None or edge.requires is not None:
            return None
        covered = provided_subselection(provided, type_name, name, self.qg)
        if edge.external and covered is False:
            return None
        if edge.provides is not None:
            return edge, edge.provides
        return edge, covered if isinstance(covered, SelectionSetNode) else None

    def _child(
        self, edge: FieldEdge, node: FieldNode, provided: SelectionSetNode | None
    ) -> Planned | bool | None:
        """The field's planned selection set (None for leaves; False when it cannot be served)."""
        if node.selection_set is None:
            return None
        child = self.plan_set(
            edge.target, edge.graph, node.selection_set.selections, provided, frozenset()
        )
        return False if child is None else child

    def _field_step(
        self, node: FieldNode, edge: FieldEdge, provided: SelectionSetNode | None
    ) -> Option | None:
        child = self._child(edge, node, provided)
        if child is False:
            return None
        assert child is None or isinstance(child, Planned)
        return Option((FieldStep(node, edge, child),), child.cost if child else ZERO)

    def field_options(
        self,
        type_name: str,
        graph: str,
        node: FieldNode,
        provided: SelectionSetNode | None,
        visited: Visited,
    ) -> list[Option]:
        name = node.name.value
        if name == "__typename":
            if not self.qg.is_interface_object(type_name, graph):
                return [Option((TypenameStep(node),), ZERO)]
            # the graph only knows the interface: ask a graph that knows the real type
            return self.jump_options(type_name, graph, node, provided, visited, real_only=True)
        found: list[Option] = []
        if self._abstract(type_name, graph):
            local = self._interface_local(type_name, graph, node, provided)
            if local is not None:
                found.append(local)
            if local is None or local.cost.fetches:
                # each type on its own may do better (a @provides on one implementation)
                split = self._downcast(type_name, graph, node, provided, visited)
                if split is not None:
                    found.append(split)
            if self.sg.types[type_name].kind == "interface":
                found += self.jump_options(type_name, graph, node, provided, visited)
            return found
        local_edge = self._local_edge(type_name, graph, name, provided)
        if local_edge is not None:
            option = self._field_step(node, *local_edge)
            if option is not None:
                found.append(option)
        found += self.jump_options(type_name, graph, node, provided, visited)
        if not found:
            split = self._split(type_name, graph, node, provided, visited)
            if split is not None:
                found.append(split)
        return found

    def _split(
        self,
        type_name: str,
        graph: str,
        node: FieldNode,
        provided: SelectionSetNode | None,
        visited: Visited,
    ) -> Option | None:
        """No one route serves the whole field: serve each of its selections by its own route
        (`child { z }` here, `child { y }` through the parent in another graph)."""
        if node.selection_set is None or len(node.selection_set.selections) < 2:
            return None
        parts: list[list[Option]] = []
        for selection in node.selection_set.selections:
            part = FieldNode(
                alias=node.alias,
                name=node.name,
                arguments=node.arguments,
                directives=node.directives,
                selection_set=SelectionSetNode(selections=(selection,)),
            )
            self._keep.append(part)
            parts.append(self.field_options(type_name, graph, part, provided, visited))
        chosen = choose(parts)
        if chosen is None:
            return None
        picked, cost = chosen
        return Option(tuple(step for option in picked for step in option.steps), cost)

    def _interface_local(
        self, type_name: str, graph: str, node: FieldNode, provided: SelectionSetNode | None
    ) -> Option | None:
        """The field selected on the abstract type itself, when every type the graph may return
        for it resolves the field in this graph (an @override can move one away)."""
        name = node.name.value
        local_edge = self._local_edge(type_name, graph, name, provided)
        if local_edge is None:
            return None
        for concrete in self.qg.possible_in(type_name, graph):
            if self._local_edge(concrete, graph, name, provided) is None:
                return None
        return self._field_step(node, *local_edge)

    def _downcast(
        self,
        type_name: str,
        graph: str,
        node: FieldNode,
        provided: SelectionSetNode | None,
        visited: Visited,
    ) -> Option | None:
        """`... on C { field }` for every C the graph may return for the abstract type."""
        steps: list[Step] = []
        cost = ZERO
        for concrete in self.qg.possible_in(type_name, graph):
            planned = self.plan_set(concrete, graph, (node,), provided, visited)
            if planned is None:
                return None
            steps.append(FragmentStep(concrete, (), planned))
            cost = cost + planned.cost
        return Option(tuple(steps), cost) if steps else None

    def jump_options(
        self,
        type_name: str,
        graph: str,
        node: FieldNode,
        provided: SelectionSetNode | None,
        visited: Visited,
        *,
        real_only: bool = False,
    ) -> list[Option]:
        """Key edges to graphs that resolve the field (or, `real_only`, that know the real
        type of an @interfaceObject's objects)."""
        name = node.name.value
        found: list[Option] = []
        for edge in self.qg.key_edges(type_name):
            target = (edge.entity_type, edge.graph)
            seen = visited
            if real_only:
                if self.qg.is_interface_object(edge.entity_type, edge.graph):
                    continue
                content: Option | None = Option((TypenameStep(node),), ZERO)
                requires = None
            else:
                field_edge = self.qg.field_edge(edge.entity_type, edge.graph, name)
                if field_edge is None or field_edge.external:
                    continue
                requires = field_edge.requires
                content = self._field_step(node, field_edge, field_edge.provides)
            if content is None:
                continue
            if target in visited:
                # only a @requires field may come back to the graph it stands in, once
                marker = ("@requires " + name, edge.graph)
                if requires is None or target != (type_name, graph) or marker in visited:
                    continue
                seen = visited | {marker}
            option = self._jump(type_name, graph, edge, content, requires, provided, seen)
            if option is not None:
                found.append(option)
        return found

    def _jump(
        self,
        type_name: str,
        graph: str,
        edge: KeyEdge,
        content: Option,
        requires: SelectionSetNode | None,
        provided: SelectionSetNode | None,
        visited: Visited,
    ) -> Option | None:
        inner = visited | {(edge.entity_type, edge.graph)}
        key = self.plan_set(type_name, graph, edge.key.selection.selections, provided, inner)
        if key is None:
            return None
        required = None
        if requires is not None:
            required = self.plan_set(type_name, graph, requires.selections, provided, inner)
            if required is None:
                return None
        before = key.cost + (required.cost if required else ZERO)
        child = Planned(content.steps, content.cost)
        cost = Cost(
            before.fetches + content.cost.fetches,
            before.depth + 1 + content.cost.depth,
            before.jumps + 1 + content.cost.jumps,
        )
        return Option((JumpStep(edge, key, required, child),), cost, edge.graph)

    # -- fragments ---------------------------------------------------------------------------

    def fragment_options(
        self,
        type_name: str,
        graph: str,
        entry: tuple[str | None, tuple[DirectiveNode, ...], tuple[SelectionNode, ...]],
        provided: SelectionSetNode | None,
        visited: Visited,
    ) -> list[Option]:
        condition, directives, inner = entry
        condition = condition or type_name
        qg = self.qg
        same = condition == type_name or (
            not self.sg.types[type_name].is_abstract and type_name in qg.possible(condition)
        )
        if same:  # the fragment always applies here: keep only its directives
            planned = self.plan_set(type_name, graph, inner, provided, visited)
            if planned is None:
                return []
            if not directives:
                return [Option(planned.steps, planned.cost)]
            return [Option((FragmentStep(None, directives, planned),), planned.cost)]
        if not self.sg.types[type_name].is_abstract:
            return [Option((), ZERO)]  # never applies to this object type
        if qg.is_interface_object(type_name, graph):
            # which implementation an object is: only a graph that knows the interface can say
            fragment = InlineFragmentNode(
                type_condition=None,
                directives=directives,
                selection_set=SelectionSetNode(selections=inner),
            )
            options: list[Option] = []
            for edge in qg.key_edges(type_name):
                target = (edge.entity_type, edge.graph)
                if target in visited or qg.is_interface_object(*target):
                    continue
                content = self.plan_set(
                    type_name,
                    edge.graph,
                    (_with_condition(fragment, condition),),
                    None,
                    frozenset(),
                )
                if content is None:
                    continue
                option = self._jump(
                    type_name, graph, edge, Option(content.steps, content.cost), None, None, visited
                )
                if option is not None:
                    options.append(option)
            return options
        here = set(qg.possible_in(type_name, graph))
        if condition in self.sg.types and graph in self.sg.types[condition].graphs:
            if self.sg.types[condition].is_abstract:
                if not here & set(qg.possible_in(condition, graph)):
                    return [Option((), ZERO)]
            elif condition not in here:
                return [Option((), ZERO)]  # the graph never returns that type here
            planned = self.plan_set(condition, graph, inner, provided, visited)
            if planned is None:
                return []
            return [Option((FragmentStep(condition, directives, planned),), planned.cost)]
        # the graph does not know the condition: narrow it to the types it knows
        steps: list[Step] = []
        cost = ZERO
        for concrete in sorted(here & qg.possible(condition)):
            planned = self.plan_set(concrete, graph, inner, provided, visited)
            if planned is None:
                return []
            steps.append(FragmentStep(concrete, directives, planned))
            cost = cost + planned.cost
        return [Option(tuple(steps), cost)]


def _with_condition(fragment: InlineFragmentNode, condition: str) -> InlineFragmentNode:
    return InlineFragmentNode(
        type_condition=NamedTypeNode(name=NameNode(value=condition)),
        directives=fragment.directives,
        selection_set=fragment.selection_set,
    )
