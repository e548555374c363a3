"""Static limits on operations: depth and alias counts, measured before any subgraph call."""

from __future__ import annotations

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)


def _depth(
    selection_set: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    visiting: frozenset[str],
) -> int:
    if selection_set is None:
        return 0
    deepest = 0
    for node in selection_set.selections:
        if isinstance(node, FieldNode):
            depth = 1 + _depth(node.selection_set, fragments, visiting)
        elif isinstance(node, InlineFragmentNode):
            depth = _depth(node.selection_set, fragments, visiting)
        elif isinstance(node, FragmentSpreadNode):
            name = node.name.value
            fragment = fragments.get(name)
            if fragment is None or name in visiting:
                continue
            depth = _depth(fragment.selection_set, fragments, visiting | {name})
        else:  # pragma: no cover
            continue
        deepest = max(deepest, depth)
    return deepest


def max_depth(document: DocumentNode) -> int:
    """The deepest field nesting of any operation (fragments expanded; root fields are 1)."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    return max(
        (
            _depth(d.selection_set, fragments, frozenset())
            for d in document.definitions
            if isinstance(d, OperationDefinitionNode)
        ),
        default=0,
    )


def alias_count(document: DocumentNode) -> int:
    """How many aliased fields the document contains."""
    count = 0
    stack: list[SelectionSetNode] = [
        d.selection_set
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode | FragmentDefinitionNode)
    ]
    while stack:
        selection_set = stack.pop()
        for node in selection_set.selections:
            if isinstance(node, FieldNode) and node.alias is not None:
                count += 1
            child = getattr(node, "selection_set", None)
            if child is not None:
                stack.append(child)
    return count
