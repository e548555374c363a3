"""Static limits on GraphQL documents, measured in time linear in the document.

Everything here runs before validation and planning, because both of those can take time
exponential (the planner walks every fragment spread) or quadratic (graphql-core's
OverlappingFieldsCanBeMerged compares every pair of fields sharing a response key) in a small
document. A 1 KB document of fragments that each spread the next one twice describes 2^20 fields;
measuring it here costs one pass over its text:

1. `parse_document` parses with graphql-core's `max_tokens`, so a huge document stops early;
2. `measure_document` orders the fragments so each one is measured once (a spread adds the
   memoised figures of its fragment, multiplied by nothing), refuses cycles and unused
   fragments, and computes per operation: depth, expanded selections, aliases, directives,
   root fields and an estimated cost (fields weighted by list sizes);
3. only when those are within bounds is the expanded operation walked once more, merged by
   response path, to count the fields that land on one path (what the overlap rule compares
   pairwise).

Figures saturate at `_CAP`, so a bomb of any depth is arithmetic on small integers.
Both the gateway and every subgraph's own `/graphql` use this module (subgraphs through
`saathi.document_limits`), so one implementation guards every port.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    is_composite_type,
    parse,
)
from graphql.type.definition import GraphQLField, GraphQLType

from gateway.errors import OperationError, QueryTooComplex

_CAP = 1 << 62  # figures saturate here: far above any limit, and still a machine-size integer


@dataclass(frozen=True)
class DocumentLimits:
    """The bounds a document must stay within before anything expensive runs.

    `max_cost` weighs each field by the sizes of the lists it sits in: a list's size is its
    `first`/`last`/`limit` argument (or the length of a list argument such as `_entities`'
    `representations`), else that argument's default in the schema, else `default_list_size`.
    A list directly under a sized field (a connection's `edges`) takes the connection's size.
    A page size above `max_list_size` counts as `max_list_size`: every list field of this
    network refuses larger pages itself (BAD_USER_INPUT), so the client hears that instead.
    """

    max_tokens: int = 2000
    max_depth: int = 15
    max_aliases: int = 30
    max_root_fields: int = 20
    max_directives: int = 50
    max_selections: int = 500  # fields, spreads and inline fragments, fragments expanded
    max_field_repeats: int = 10  # fields merged on one response path (the overlap rule's pairs)
    max_fragments: int = 30  # fragment definitions (the overlap rule compares them pairwise)
    max_cost: int = 10_000
    default_list_size: int = 20
    max_list_size: int = 100
    list_size_arguments: tuple[str, ...] = ("first", "last", "limit", "representations")


@dataclass(frozen=True)
class DocumentMeasure:
    """What a document would cost, fragments expanded (the largest operation's figures)."""

    depth: int = 0
    selections: int = 0
    aliases: int = 0
    directives: int = 0
    root_fields: int = 0
    cost: int = 0


def _add(*values: int) -> int:
    return min(sum(values), _CAP)


def _mul(a: int, b: int) -> int:
    return min(a * b, _CAP)


def parse_document(query: str, limits: DocumentLimits) -> DocumentNode:
    """Parse `query`, stopping after `limits.max_tokens` tokens.

    Raises `QueryTooComplex` for too many tokens (or nesting too deep for the parser), and
    graphql-core's `GraphQLError` for a syntax error.
    """
    try:
        return parse(query, no_location=False, max_tokens=limits.max_tokens)
    except GraphQLError as error:
        if f"more than {limits.max_tokens} tokens" in error.message:
            raise QueryTooComplex(
                f"Query has more than {limits.max_tokens} tokens, the limit."
            ) from None
        raise
    except RecursionError:  # brackets nested beyond the parser's stack, within the token limit
        raise QueryTooComplex(f"Query depth exceeds the limit of {limits.max_depth}.") from None


@dataclass
class _Figures:
    """Figures of one selection set, fragments expanded (memoised per fragment)."""

    depth: int = 0
    selections: int = 0
    aliases: int = 0
    directives: int = 0
    fields: int = 0  # fields at this level, fragments flattened (root fields of an operation)
    cost: int = 0


@dataclass
class _Measurer:
    limits: DocumentLimits
    schema: GraphQLSchema | None
    variables: Mapping[str, Any]
    variable_defaults: dict[str, Any] = field(default_factory=dict)
    fragments: dict[str, _Figures] = field(default_factory=dict)

    def selection_set(
        self, selection_set: SelectionSetNode, parent: GraphQLType | None, sized: bool
    ) -> _Figures:
        total = _Figures()
        for node in selection_set.selections:
            total.directives = _add(total.directives, len(node.directives or ()))
            total.selections = _add(total.selections, 1)
            if isinstance(node, FieldNode):
                self._field(node, parent, sized, total)
                continue
            if isinstance(node, FragmentSpreadNode):
                inner = self.fragments.get(node.name.value)
                if inner is None:  # unknown fragment: validation reports it
                    continue
            else:
                assert isinstance(node, InlineFragmentNode)
                condition = parent
                if node.type_condition is not None and self.schema is not None:
                    condition = self.schema.get_type(node.type_condition.name.value)
                inner = self.selection_set(node.selection_set, condition, sized)
            total.depth = max(total.depth, inner.depth)
            total.selections = _add(total.selections, inner.selections)
            total.aliases = _add(total.aliases, inner.aliases)
            total.directives = _add(total.directives, inner.directives)
            total.fields = _add(total.fields, inner.fields)
            total.cost = _add(total.cost, inner.cost)
        return total

    def _field(
        self, node: FieldNode, parent: GraphQLType | None, sized: bool, total: _Figures
    ) -> None:
        total.fields = _add(total.fields, 1)
        if node.alias is not None:
            total.aliases = _add(total.aliases, 1)
        definition = _field_definition(parent, node.name.value)
        size = self._argument_size(node, definition)
        lists = _list_depth(definition.type) if definition is not None else 0
        multiplier = 1
        if size is not None:
            multiplier = size
        elif lists and not sized:
            multiplier = self.limits.default_list_size
        for _ in range(max(lists - 1, 0)):  # [[T]]: each inner list its default size
            multiplier = _mul(multiplier, self.limits.default_list_size)
        if getattr(parent, "name", "").startswith("__"):
            # Introspection lists are as long as the schema is, answered from memory: GraphiQL's
            # query must pass, and depth and selections still bound it.
            multiplier = 1
        if node.selection_set is None:
            total.depth = max(total.depth, 1)
            total.cost = _add(total.cost, 1)
            return
        child_type = get_named_type(definition.type) if definition is not None else None
        if child_type is not None and not is_composite_type(child_type):
            child_type = None
        # A sized field that is not itself a list (a connection) has sized its list children.
        inner = self.selection_set(node.selection_set, child_type, size is not None and not lists)
        total.depth = max(total.depth, _add(inner.depth, 1))
        total.selections = _add(total.selections, inner.selections)
        total.aliases = _add(total.aliases, inner.aliases)
        total.directives = _add(total.directives, inner.directives)
        total.cost = _add(total.cost, 1, _mul(max(multiplier, 1), inner.cost))

    def _argument_size(self, node: FieldNode, definition: GraphQLField | None) -> int | None:
        for name in self.limits.list_size_arguments:
            given = next((a for a in node.arguments or () if a.name.value == name), None)
            value: Any = None
            if given is not None:
                if isinstance(given.value, IntValueNode):
                    value = int(given.value.value)
                elif isinstance(given.value, ListValueNode):
                    value = len(given.value.values)
                elif isinstance(given.value, VariableNode):
                    variable = given.value.name.value
                    value = self.variables.get(variable, self.variable_defaults.get(variable))
            if value is None and definition is not None and name in definition.args:
                value = definition.args[name].default_value
            if isinstance(value, list):
                return len(value)
            if isinstance(value, int) and not isinstance(value, bool):
                return min(max(value, 0), self.limits.max_list_size)
        return None


def _field_definition(parent: GraphQLType | None, name: str) -> GraphQLField | None:
    fields = getattr(parent, "fields", None)
    if not isinstance(fields, dict):
        return None
    definition = fields.get(name)
    return definition if isinstance(definition, GraphQLField) else None


def _list_depth(type_: GraphQLType) -> int:
    depth = 0
    while True:
        if isinstance(type_, GraphQLNonNull):
            type_ = type_.of_type
        elif isinstance(type_, GraphQLList):
            depth += 1
            type_ = type_.of_type
        else:
            return depth


def _spreads_and_nesting(selection_set: SelectionSetNode) -> tuple[list[str], int]:
    """The fragment names spread anywhere in a selection set, and its deepest nesting
    (fields and inline fragments), without recursion."""
    names: list[str] = []
    deepest = 0
    stack = [(selection_set, 1)]
    while stack:
        current, level = stack.pop()
        deepest = max(deepest, level)
        for node in current.selections:
            if isinstance(node, FragmentSpreadNode):
                names.append(node.name.value)
            elif node.selection_set is not None:  # type: ignore[attr-defined]
                stack.append((node.selection_set, level + 1))  # type: ignore[attr-defined]
    return names, deepest


def _fragment_order(
    fragments: dict[str, FragmentDefinitionNode],
    spreads: dict[str, list[str]],
    roots: Iterable[str],
) -> list[str]:
    """Fragments reachable from `roots`, each after every fragment it spreads; refuses cycles."""
    order: list[str] = []
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for root in roots:
        if root not in fragments or state.get(root) == 2:
            continue
        state[root] = 1
        stack = [(root, iter(spreads[root]))]
        while stack:
            name, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                state[name] = 2
                order.append(name)
                continue
            if child not in fragments or state.get(child) == 2:
                continue
            if state.get(child) == 1:
                raise OperationError(f'Cannot spread fragment "{child}" within itself.')
            state[child] = 1
            stack.append((child, iter(spreads[child])))
    return order


def _variable_defaults(operations: list[OperationDefinitionNode]) -> dict[str, Any]:
    defaults: dict[str, Any] = {}
    for operation in operations:
        for definition in operation.variable_definitions or ():
            value = definition.default_value
            if isinstance(value, IntValueNode):
                defaults[definition.variable.name.value] = int(value.value)
            elif isinstance(value, ListValueNode):
                defaults[definition.variable.name.value] = [None] * len(value.values)
    return defaults


def _root_type(schema: GraphQLSchema | None, operation: OperationDefinitionNode) -> Any:
    if schema is None:
        return None
    kind = operation.operation.value
    return {
        "query": schema.query_type,
        "mutation": schema.mutation_type,
        "subscription": schema.subscription_type,
    }[kind]


def measure_document(
    document: DocumentNode,
    limits: DocumentLimits,
    schema: GraphQLSchema | None = None,
    variables: Mapping[str, Any] | None = None,
) -> DocumentMeasure:
    """Measure `document` against `limits` in time linear in its size, or raise.

    Raises `QueryTooComplex` for a limit exceeded, `OperationError` for a fragment cycle or a
    fragment no operation uses. `schema` (optional) gives list types and argument defaults for
    the cost; `variables` the values of sizes passed as variables.
    """
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    if len(fragments) > limits.max_fragments:
        raise QueryTooComplex(
            f"Query defines {len(fragments)} fragments, more than the limit of "
            f"{limits.max_fragments}."
        )
    spreads: dict[str, list[str]] = {}
    nesting = 0
    for name, fragment in fragments.items():
        spreads[name], deepest = _spreads_and_nesting(fragment.selection_set)
        nesting = max(nesting, deepest)
    used: list[str] = []
    for operation in operations:
        names, deepest = _spreads_and_nesting(operation.selection_set)
        used.extend(names)
        nesting = max(nesting, deepest)
    # Syntactic nesting only ever adds to the expanded depth (inline fragments aside): refusing
    # here keeps the measuring recursion shallow.
    if nesting > 2 * limits.max_depth:
        raise QueryTooComplex(f"Query depth exceeds the limit of {limits.max_depth}.")
    order = _fragment_order(fragments, spreads, used)
    unused = set(fragments) - set(order)
    if unused:
        raise OperationError(f'Fragment "{min(unused)}" is never used.')

    measurer = _Measurer(limits, schema, variables or {}, _variable_defaults(operations))
    for name in order:
        fragment = fragments[name]
        condition = (
            schema.get_type(fragment.type_condition.name.value) if schema is not None else None
        )
        measurer.fragments[name] = measurer.selection_set(fragment.selection_set, condition, False)

    measure = DocumentMeasure()
    selections = 0
    for operation in operations:
        figures = measurer.selection_set(
            operation.selection_set, _root_type(schema, operation), False
        )
        selections = _add(selections, figures.selections)
        measure = DocumentMeasure(
            depth=max(measure.depth, figures.depth),
            selections=selections,
            aliases=max(measure.aliases, figures.aliases),
            directives=max(
                measure.directives, _add(figures.directives, len(operation.directives or ()))
            ),
            root_fields=max(measure.root_fields, figures.fields),
            cost=max(measure.cost, figures.cost),
        )
    _check(measure, limits)
    for operation in operations:
        _check_repeats([operation.selection_set], fragments, limits.max_field_repeats)
    return measure


def _check(measure: DocumentMeasure, limits: DocumentLimits) -> None:
    if measure.depth > limits.max_depth:
        raise QueryTooComplex(
            f"Query depth {_shown(measure.depth)} exceeds the limit of {limits.max_depth}."
        )
    if measure.selections > limits.max_selections:
        raise QueryTooComplex(
            f"Query selects {_shown(measure.selections)} fields and fragments (fragments "
            f"expanded), more than the limit of {limits.max_selections}."
        )
    if measure.aliases > limits.max_aliases:
        raise QueryTooComplex(
            f"Query uses {_shown(measure.aliases)} aliases, more than the limit of "
            f"{limits.max_aliases}."
        )
    if measure.root_fields > limits.max_root_fields:
        raise QueryTooComplex(
            f"Query selects {_shown(measure.root_fields)} root fields, more than the limit of "
            f"{limits.max_root_fields}."
        )
    if measure.directives > limits.max_directives:
        raise QueryTooComplex(
            f"Query uses {_shown(measure.directives)} directives, more than the limit of "
            f"{limits.max_directives}."
        )
    if measure.cost > limits.max_cost:
        raise QueryTooComplex(
            f"Query cost {_shown(measure.cost)} exceeds the limit of {limits.max_cost}."
        )


def _shown(value: int) -> str:
    return "more than 10^18" if value >= _CAP else str(value)


def _check_repeats(
    selection_sets: list[SelectionSetNode],
    fragments: dict[str, FragmentDefinitionNode],
    limit: int,
) -> None:
    """Refuse more than `limit` fields merged on one response path.

    Runs only on documents whose expanded size is already bounded, so walking the expansion
    costs at most `max_selections` steps per operation.
    """
    pending = [selection_sets]
    while pending:
        merged: dict[str, list[FieldNode]] = {}
        for node in _collect(pending.pop(), fragments):
            merged.setdefault(node.alias.value if node.alias else node.name.value, []).append(node)
        for key, nodes in merged.items():
            if len(nodes) > limit:
                raise QueryTooComplex(
                    f'Query selects "{key}" {len(nodes)} times on one path, more than the limit '
                    f"of {limit}."
                )
            children = [n.selection_set for n in nodes if n.selection_set is not None]
            if children:
                pending.append(children)


def _collect(
    selection_sets: list[SelectionSetNode], fragments: dict[str, FragmentDefinitionNode]
) -> list[FieldNode]:
    fields: list[FieldNode] = []
    stack: list[SelectionNode] = [
        s for ss in reversed(selection_sets) for s in reversed(ss.selections)
    ]
    while stack:
        node = stack.pop()
        if isinstance(node, FieldNode):
            fields.append(node)
        elif isinstance(node, FragmentSpreadNode):
            fragment = fragments.get(node.name.value)
            if fragment is not None:
                stack.extend(reversed(fragment.selection_set.selections))
        elif isinstance(node, InlineFragmentNode):
            stack.extend(reversed(node.selection_set.selections))
    return fields
