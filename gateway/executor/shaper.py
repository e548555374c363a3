"""Shaping merged subgraph data into the client's response.

Compiled once per (document, operation) and cached with the plan: field collection per runtime
type is memoised, so a request only walks data. It applies aliases, field order, fragments,
`@skip`/`@include`, `__typename`, drops fields the plan added (keys, requires), and propagates
nulls in non-null fields to the nearest nullable parent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (
    DirectiveNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    is_abstract_type,
    is_leaf_type,
)

INTROSPECTION_ROOTS = frozenset({"__schema", "__type"})


class _Invalid:
    """A non-null field came back null: the parent must become null."""


INVALID: _Invalid = _Invalid()

Conditions = tuple[tuple[bool, ValueNode], ...]  # (is_include, value of `if:`)


@dataclass
class _Occurrence:
    conditions: Conditions
    selection_set: SelectionSetNode | None


@dataclass
class _Field:
    response_key: str
    name: str
    type: GraphQLOutputType | None  # None for __typename
    occurrences: list[_Occurrence]
    always: bool  # no conditions on any occurrence


def _conditions(directives: tuple[DirectiveNode, ...] | None) -> Conditions:
    result: list[tuple[bool, ValueNode]] = []
    for directive in directives or ():
        if directive.name.value in ("skip", "include"):
            for argument in directive.arguments or ():
                if argument.name.value == "if":
                    result.append((directive.name.value == "include", argument.value))
    return tuple(result)


def _passes(conditions: Conditions, variables: dict[str, Any]) -> bool:
    for is_include, value in conditions:
        flag = (
            bool(variables.get(value.name.value))
            if isinstance(value, VariableNode)
            else bool(getattr(value, "value", False))
        )
        if flag != is_include:
            return False
    return True


class Shaper:
    """Builds the client response from merged data for one operation."""

    def __init__(
        self,
        schema: GraphQLSchema,
        operation: OperationDefinitionNode,
        fragments: dict[str, FragmentDefinitionNode],
    ) -> None:
        self.schema = schema
        self.operation = operation
        self.fragments = fragments
        root = schema.get_root_type(operation.operation)
        assert root is not None
        self.root = root
        self._memo: dict[tuple[tuple[int, ...], str], list[_Field]] = {}

    def _collect(
        self,
        selection_sets: tuple[SelectionSetNode, ...],
        type_: GraphQLObjectType | GraphQLInterfaceType,
    ) -> list[_Field]:
        memo_key = (tuple(id(s) for s in selection_sets), type_.name)
        cached = self._memo.get(memo_key)
        if cached is not None:
            return cached
        fields: dict[str, _Field] = {}
        for selection_set in selection_sets:
            self._collect_into(fields, selection_set, type_, ())
        result = list(fields.values())
        self._memo[memo_key] = result
        return result

    def _collect_into(
        self,
        fields: dict[str, _Field],
        selection_set: SelectionSetNode,
        type_: GraphQLObjectType | GraphQLInterfaceType,
        inherited: Conditions,
    ) -> None:
        for node in selection_set.selections:
            conditions = inherited + _conditions(node.directives)
            if isinstance(node, FieldNode):
                key = node.alias.value if node.alias else node.name.value
                name = node.name.value
                definition = type_.fields.get(name)
                field_type = definition.type if definition is not None else None
                occurrence = _Occurrence(conditions, node.selection_set)
                existing = fields.get(key)
                if existing is None:
                    fields[key] = _Field(key, name, field_type, [occurrence], not conditions)
                else:
                    existing.occurrences.append(occurrence)
                    existing.always = existing.always or not conditions
                continue
            if isinstance(node, FragmentSpreadNode):
                fragment = self.fragments[node.name.value]
                condition: str | None = fragment.type_condition.name.value
                inner = fragment.selection_set
            else:
                assert isinstance(node, InlineFragmentNode)
                condition = node.type_condition.name.value if node.type_condition else None
                inner = node.selection_set
            if condition is None or self._applies(condition, type_):
                self._collect_into(fields, inner, type_, conditions)

    def _applies(self, condition: str, type_: GraphQLObjectType | GraphQLInterfaceType) -> bool:
        if condition == type_.name:
            return True
        if not isinstance(type_, GraphQLObjectType):
            return False
        conditional = self.schema.get_type(condition)
        if isinstance(conditional, GraphQLInterfaceType | GraphQLUnionType):
            return self.schema.is_sub_type(conditional, type_)
        return False

    def shape(
        self,
        data: dict[str, Any],
        variables: dict[str, Any],
        introspection: dict[str, Any] | None = None,
    ) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        """Return (data, problems): non-null violations, and field errors (those with
        `extensions`: a value the API schema cannot represent)."""
        violations: list[dict[str, Any]] = []
        result = self._object(
            data,
            self.root,
            (self.operation.selection_set,),
            variables,
            [],
            violations,
            introspection or {},
        )
        if result is INVALID or result is None:
            return None, violations
        assert isinstance(result, dict)
        return result, violations

    def _object(
        self,
        value: dict[str, Any],
        type_: GraphQLObjectType | GraphQLInterfaceType,
        selection_sets: tuple[SelectionSetNode, ...],
        variables: dict[str, Any],
        path: list[str | int],
        violations: list[dict[str, Any]],
        introspection: dict[str, Any],
    ) -> dict[str, Any] | _Invalid:
        result: dict[str, Any] = {}
        for compiled in self._collect(selection_sets, type_):
            if compiled.always:
                occurrences = compiled.occurrences
            else:
                occurrences = [o for o in compiled.occurrences if _passes(o.conditions, variables)]
                if not occurrences:
                    continue
            key = compiled.response_key
            if compiled.name == "__typename":
                result[key] = type_.name
                continue
            if compiled.name in INTROSPECTION_ROOTS and type_ is self.root:
                result[key] = introspection.get(key)
                continue
            assert compiled.type is not None
            sub_sets = tuple(o.selection_set for o in occurrences if o.selection_set is not None)
            path.append(key)
            raw = value.get(key)
            completed = self._complete(
                compiled.type, raw, sub_sets, variables, path, violations, introspection
            )
            if isinstance(completed, _Invalid):
                if raw is None:  # where the null started, not where it propagated to
                    violations.append(
                        {
                            "message": f"Cannot return null for non-nullable field "
                            f"{type_.name}.{compiled.name}.",
                            "path": list(path),
                        }
                    )
                path.pop()
                return INVALID
            path.pop()
            result[key] = completed
        return result

    def _complete(
        self,
        type_: GraphQLOutputType,
        value: Any,
        selection_sets: tuple[SelectionSetNode, ...],
        variables: dict[str, Any],
        path: list[str | int],
        violations: list[dict[str, Any]],
        introspection: dict[str, Any],
    ) -> Any:
        if isinstance(type_, GraphQLNonNull):
            completed = self._complete(
                type_.of_type, value, selection_sets, variables, path, violations, introspection
            )
            return INVALID if completed is None or completed is INVALID else completed
        if value is None:
            return None
        if isinstance(type_, GraphQLList):
            if not isinstance(value, list):
                return None
            items = []
            for index, item in enumerate(value):
                path.append(index)
                completed = self._complete(
                    type_.of_type,
                    item,
                    selection_sets,
                    variables,
                    path,
                    violations,
                    introspection,
                )
                path.pop()
                if completed is INVALID:
                    return None
                items.append(completed)
            return items
        if is_leaf_type(type_):
            if isinstance(type_, GraphQLEnumType) and value not in type_.values:
                # a value the API schema does not have (@inaccessible): null, with an error
                violations.append(
                    {
                        "message": f'Enum "{type_.name}" cannot represent value: {value!r}',
                        "path": list(path),
                        "extensions": {"code": "DOWNSTREAM_SERVICE_ERROR"},
                    }
                )
                return None
            return value
        if not isinstance(value, dict):
            return None
        object_type: GraphQLObjectType | GraphQLInterfaceType
        if is_abstract_type(type_):
            runtime = self.schema.get_type(str(value.get("__typename", "")))
            if isinstance(runtime, GraphQLObjectType):
                object_type = runtime
            elif runtime is type_ and isinstance(runtime, GraphQLInterfaceType):
                # from an @interfaceObject graph, where the plan needed no real type: only
                # the interface's own fields are selected
                object_type = runtime
            else:
                return None
        else:
            assert isinstance(type_, GraphQLObjectType)
            object_type = type_
        shaped = self._object(
            value, object_type, selection_sets, variables, path, violations, introspection
        )
        return None if shaped is INVALID else shaped
