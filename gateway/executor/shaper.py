"""Shaping merged subgraph data into the client's response.

Compiled once per (document, operation) and cached with the plan: field collection per runtime
type is memoised, so a request only walks data. It applies aliases, field order, fragments,
`@skip`/`@include`, `__typename`, drops fields the plan added (keys, requires), and propagates
nulls in non-null fields to the nearest nullable parent.

Two ways to shape, one answer. The *program* (`_Program`) is the fast one: per (selection,
runtime type) it writes one Python function that builds the object as a dict display, leaves
read straight from the merged data, so a request costs one call per object rather than one per
field. It handles answers without problems only: at the first null in a non-null field or
enum value the API schema lacks, it gives up, and the *walk* (`Shaper._object`), which keeps
the path of every field to report it, shapes the whole answer instead.
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
    always: bool  # some occurrence has no conditions: the field is always in the answer
    unconditional: bool = True  # no occurrence has conditions: its sub-selections are fixed

    def passing(self, variables: dict[str, Any]) -> list[_Occurrence]:
        """The occurrences whose `@skip`/`@include` let them in, with these variables."""
        if self.unconditional:
            return self.occurrences
        return [o for o in self.occurrences if _passes(o.conditions, variables)]


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
        self._program = _Program(self)

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
                    fields[key] = _Field(
                        key, name, field_type, [occurrence], not conditions, not conditions
                    )
                else:
                    existing.occurrences.append(occurrence)
                    existing.always = existing.always or not conditions
                    existing.unconditional = existing.unconditional and not conditions
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
        try:
            return self._program.shape(data, variables, introspection or {}), []
        except _GiveUp:
            pass  # a problem to report: the walk finds it, with its path
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
            occurrences = compiled.passing(variables)
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


# --- the program: one generated function per (selection, runtime type) ----------------------


class _GiveUp(Exception):
    """The answer has a problem to report (a null in a non-null field, an unknown enum value):
    the program leaves it to the walk."""


def _give_up() -> Any:
    raise _GiveUp


Complete = Any  # a function of (value, context) → the shaped value
Context = tuple[dict[str, Any], dict[str, Any]]  # (variables, introspection)


class _Program:
    """Generates, once per (selection sets, runtime type), a function building the object."""

    def __init__(self, shaper: Shaper) -> None:
        self.shaper = shaper
        self._objects: dict[tuple[tuple[int, ...], str], Complete] = {}
        self._root: Complete | None = None

    def shape(
        self, data: dict[str, Any], variables: dict[str, Any], introspection: dict[str, Any]
    ) -> dict[str, Any]:
        if self._root is None:
            self._root = self.object((self.shaper.operation.selection_set,), self.shaper.root)
        result: dict[str, Any] = self._root(data, (variables, introspection))
        return result

    def object(
        self,
        selection_sets: tuple[SelectionSetNode, ...],
        type_: GraphQLObjectType | GraphQLInterfaceType,
    ) -> Complete:
        key = (tuple(id(s) for s in selection_sets), type_.name)
        made = self._objects.get(key)
        if made is None:
            made = self._objects[key] = self._generate(selection_sets, type_)
        return made

    def _generate(
        self,
        selection_sets: tuple[SelectionSetNode, ...],
        type_: GraphQLObjectType | GraphQLInterfaceType,
    ) -> Complete:
        shaper = self.shaper
        names: dict[str, Any] = {"_give_up": _give_up}
        lines = ["def shape(value, context):", "    get = value.get", "    result = {}"]
        for index, field in enumerate(shaper._collect(selection_sets, type_)):
            key = repr(field.response_key)
            if field.name == "__typename":
                expression = repr(type_.name)
            elif field.name in INTROSPECTION_ROOTS and type_ is shaper.root:
                expression = f"context[1].get({key})"
            else:
                assert field.type is not None
                if field.unconditional:
                    sets = tuple(
                        o.selection_set for o in field.occurrences if o.selection_set is not None
                    )
                    expression = self._expression(field.type, sets, f"get({key})", names)
                else:  # sub-selections depend on the variables: chosen per request
                    names[f"f{index}"] = self._conditional(field)
                    expression = f"f{index}(get({key}), context)"
            if field.always:
                lines.append(f"    result[{key}] = {expression}")
            else:
                names[f"c{index}"] = field.occurrences
                lines.append(
                    f"    if any(_passes(o.conditions, context[0]) for o in c{index}):"
                    f" result[{key}] = {expression}"
                )
                names["_passes"] = _passes
        lines.append("    return result")
        exec("\n".join(lines), names)  # our own text: keys and type names go in through repr()
        return names["shape"]

    def _expression(
        self,
        type_: GraphQLOutputType,
        selection_sets: tuple[SelectionSetNode, ...],
        value: str,
        names: dict[str, Any],
    ) -> str:
        """Python text shaping `value` (an expression) of `type_`; plain leaves inline."""
        inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
        if is_leaf_type(inner) and not isinstance(inner, GraphQLEnumType):
            if inner is type_:
                return value
            return f"(_v if (_v := {value}) is not None else _give_up())"
        name = f"k{len(names)}"
        names[name] = self.complete(type_, selection_sets)
        return f"{name}({value}, context)"

    def _conditional(self, field: _Field) -> Complete:
        made: dict[tuple[int, ...], Complete] = {}
        assert field.type is not None
        field_type = field.type

        def complete(value: Any, context: Context) -> Any:
            passing = field.passing(context[0])
            chosen = tuple(id(o) for o in passing)
            function = made.get(chosen)
            if function is None:
                sets = tuple(o.selection_set for o in passing if o.selection_set is not None)
                function = made[chosen] = self.complete(field_type, sets)
            return function(value, context)

        return complete

    def complete(
        self, type_: GraphQLOutputType, selection_sets: tuple[SelectionSetNode, ...]
    ) -> Complete:
        """A function shaping a value of `type_`, like `Shaper._complete` on clean data."""
        if isinstance(type_, GraphQLNonNull) and isinstance(type_.of_type, GraphQLObjectType):
            object_type = type_.of_type
            shape_object: Complete | None = None  # generated on first use: may recurse

            def non_null_object(value: Any, context: Context) -> Any:
                nonlocal shape_object
                if not isinstance(value, dict):
                    raise _GiveUp
                if shape_object is None:
                    shape_object = self.object(selection_sets, object_type)
                return shape_object(value, context)

            return non_null_object
        if isinstance(type_, GraphQLNonNull):
            inner = self.complete(type_.of_type, selection_sets)

            def non_null(value: Any, context: Context) -> Any:
                completed = inner(value, context)
                if completed is None:
                    raise _GiveUp
                return completed

            return non_null
        if isinstance(type_, GraphQLList):
            if is_leaf_type(type_.of_type) and not isinstance(type_.of_type, GraphQLEnumType):
                return lambda value, context: value if isinstance(value, list) else None
            item = self.complete(type_.of_type, selection_sets)

            def list_(value: Any, context: Context) -> Any:
                if not isinstance(value, list):
                    return None
                return [item(v, context) for v in value]

            return list_
        if isinstance(type_, GraphQLEnumType):
            values = type_.values

            def enum(value: Any, context: Context) -> Any:
                if value is not None and value not in values:
                    raise _GiveUp
                return value

            return enum
        if is_leaf_type(type_):
            return lambda value, context: value
        if is_abstract_type(type_):
            return self._abstract(type_, selection_sets)
        assert isinstance(type_, GraphQLObjectType)
        nullable_type = type_
        shape_nullable: Complete | None = None  # generated on first use: may recurse

        def object_(value: Any, context: Context) -> Any:
            nonlocal shape_nullable
            if not isinstance(value, dict):
                return None
            if shape_nullable is None:
                shape_nullable = self.object(selection_sets, nullable_type)
            return shape_nullable(value, context)

        return object_

    def _abstract(
        self, type_: GraphQLOutputType, selection_sets: tuple[SelectionSetNode, ...]
    ) -> Complete:
        schema = self.shaper.schema
        by_name: dict[str, Complete | None] = {}

        def abstract(value: Any, context: Context) -> Any:
            if not isinstance(value, dict):
                return None
            name = str(value.get("__typename", ""))
            if name not in by_name:
                runtime = schema.get_type(name)
                if isinstance(runtime, GraphQLObjectType) or (
                    runtime is type_ and isinstance(runtime, GraphQLInterfaceType)
                ):
                    by_name[name] = self.object(selection_sets, runtime)
                else:
                    by_name[name] = None
            function = by_name[name]
            return None if function is None else function(value, context)

        return abstract
