"""Parsing and normalising federation field sets (`"id"`, `"id owner { id }"`)."""

from __future__ import annotations

from functools import lru_cache

from graphql import FieldNode, InlineFragmentNode, SelectionSetNode, parse
from graphql.language import OperationDefinitionNode


@lru_cache(maxsize=1024)
def parse_field_set(fields: str) -> SelectionSetNode:
    """Parse a field set string into a selection set."""
    document = parse("{" + fields + "}", no_location=True)
    operation = document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    return operation.selection_set


def print_field_set(selection_set: SelectionSetNode) -> str:
    """Print a selection set compactly, as composition writes `key:` and `requires:`."""
    parts: list[str] = []
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            text = selection.name.value
            if selection.alias is not None:
                text = f"{selection.alias.value}: {text}"
        elif isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            text = "..." + (f" on {condition.name.value}" if condition else "")
        else:  # pragma: no cover - field sets contain no fragment spreads
            continue
        if selection.selection_set is not None:
            text += " { " + print_field_set(selection.selection_set) + " }"
        parts.append(text)
    return " ".join(parts)


def normalize_field_set(fields: str) -> str:
    """Return the field set in canonical spacing."""
    return print_field_set(parse_field_set(fields))


def top_level_fields(fields: str) -> tuple[str, ...]:
    """Names of the top-level fields of a field set."""
    return tuple(
        s.name.value for s in parse_field_set(fields).selections if isinstance(s, FieldNode)
    )
