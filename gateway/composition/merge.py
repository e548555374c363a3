"""Merging parsed subgraphs into one supergraph model, collecting every composition error."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from graphql import (
    DirectiveNode,
    InputValueDefinitionNode,
    ListTypeNode,
    NamedTypeNode,
    NonNullTypeNode,
    TypeNode,
    ValueNode,
    print_ast,
)

from gateway.composition.errors import CompositionError
from gateway.composition.fieldset import top_level_fields
from gateway.composition.subgraph import SubEnumValue, SubField, Subgraph, SubType


@dataclass
class MergedField:
    """A field of the supergraph and its definition in each graph that has it."""

    name: str
    type: TypeNode
    args: tuple[InputValueDefinitionNode, ...]
    per_graph: dict[str, SubField]
    description: str | None = None
    deprecated: DirectiveNode | None = None
    inaccessible: bool = False
    tags: tuple[str, ...] = ()
    default_value: ValueNode | None = None
    types_differ: bool = False


@dataclass
class MergedType:
    """A named type of the supergraph and its definition in each graph that has it."""

    name: str
    kind: str
    per_graph: dict[str, SubType]
    description: str | None = None
    fields: dict[str, MergedField] = field(default_factory=dict)
    interfaces: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    values: dict[str, dict[str, SubEnumValue]] = field(default_factory=dict)
    inaccessible: bool = False
    tags: list[str] = field(default_factory=list)


@dataclass
class MergedSchema:
    """The result of merging: graphs (name → url) and types by name."""

    graphs: dict[str, str]
    types: dict[str, MergedType]


def _named(node: TypeNode) -> str:
    while not isinstance(node, NamedTypeNode):
        node = node.type  # type: ignore[attr-defined]
    return node.name.value


def _merge_output_type(nodes: list[TypeNode]) -> TypeNode | None:
    """The least restrictive of compatible output types (nullable wins), None if incompatible."""
    nullable = any(not isinstance(n, NonNullTypeNode) for n in nodes)
    inner = [n.type if isinstance(n, NonNullTypeNode) else n for n in nodes]
    if all(isinstance(n, ListTypeNode) for n in inner):
        merged = _merge_output_type([n.type for n in inner])  # type: ignore[attr-defined]
        result: TypeNode | None = None if merged is None else ListTypeNode(type=merged)
    elif all(isinstance(n, NamedTypeNode) for n in inner):
        names = {n.name.value for n in inner}  # type: ignore[attr-defined]
        result = inner[0] if len(names) == 1 else None
    else:
        return None
    if result is None or nullable:
        return result
    assert isinstance(result, NamedTypeNode | ListTypeNode)
    return NonNullTypeNode(type=result)


class _Merger:
    def __init__(self, subgraphs: Sequence[Subgraph]) -> None:
        self.subgraphs = sorted(subgraphs, key=lambda s: s.name)
        self.problems: list[str] = []
        self.types: dict[str, MergedType] = {}
        # (graph, type, field) of external fields a @provides makes the graph resolve
        self.provided: set[tuple[str, str, str]] = {
            (sub.name, _named(sub_field.type), name)
            for sub in self.subgraphs
            for sub_type in sub.types.values()
            for sub_field in sub_type.fields.values()
            if sub_field.provides
            for name in top_level_fields(sub_field.provides)
        }

    def merge(self) -> MergedSchema:
        names = sorted({n for s in self.subgraphs for n in s.types})
        input_enums, output_enums = self._enum_usage()
        for name in names:
            per_graph = {s.name: s.types[name] for s in self.subgraphs if name in s.types}
            kinds = {t.kind for t in per_graph.values()}
            kind = next(iter(kinds))
            if kinds == {"object", "interface"} and all(
                t.interface_object for t in per_graph.values() if t.kind == "object"
            ):
                kind = "interface"
            elif len(kinds) > 1:
                listed = ", ".join(f'"{g}" ({t.kind})' for g, t in per_graph.items())
                self.problems.append(f'Type "{name}" has different kinds in subgraphs {listed}')
                continue
            merged = MergedType(name=name, kind=kind, per_graph=per_graph)
            for sub in per_graph.values():
                merged.description = merged.description or sub.description
                merged.inaccessible = merged.inaccessible or sub.inaccessible
                merged.tags.extend(t for t in sub.tags if t not in merged.tags)
                merged.interfaces.extend(i for i in sub.interfaces if i not in merged.interfaces)
                merged.members.extend(m for m in sub.members if m not in merged.members)
            if kind in ("object", "interface"):
                self._merge_fields(merged)
            elif kind == "input":
                self._merge_inputs(merged)
            elif kind == "enum":
                self._merge_enum(merged, name in input_enums, name in output_enums)
            self.types[name] = merged
        self._check_interface_objects()
        self._propagate_interface_object_fields()
        if self.problems:
            raise CompositionError(self.problems)
        return MergedSchema({s.name: s.spec.url for s in self.subgraphs}, self.types)

    def _enum_usage(self) -> tuple[set[str], set[str]]:
        inputs: set[str] = set()
        outputs: set[str] = set()
        for sub in self.subgraphs:
            for sub_type in sub.types.values():
                for sub_field in sub_type.fields.values():
                    target = inputs if sub_type.kind == "input" else outputs
                    target.add(_named(sub_field.type))
                    inputs.update(_named(arg.type) for arg in sub_field.args)
        return inputs, outputs

    def _merge_fields(self, merged: MergedType) -> None:
        overridden: set[tuple[str, str]] = set()
        for sub in merged.per_graph.values():
            for sub_field in sub.fields.values():
                if sub_field.override and sub_field.override in merged.per_graph:
                    overridden.add((sub_field.override, sub_field.name))
        for graph, sub in merged.per_graph.items():
            key_fields = {f for fields, _ in sub.keys for f in top_level_fields(fields)}
            for sub_field in sub.fields.values():
                if (graph, sub_field.name) in overridden:
                    continue
                if sub_field.external and sub_field.name in key_fields:
                    # Fed 1 style `extend type T @key(fields: "id") { id: ID! @external }`: the
                    # graph receives key fields in representations, so it resolves them.
                    sub_field.external = False
                    sub_field.shareable = True
                elif sub_field.name in key_fields:
                    sub_field.shareable = True
                target = merged.fields.get(sub_field.name)
                if target is None:
                    merged.fields[sub_field.name] = MergedField(
                        name=sub_field.name,
                        type=sub_field.type,
                        args=sub_field.args,
                        per_graph={graph: sub_field},
                    )
                else:
                    target.per_graph[graph] = sub_field
        for merged_field in merged.fields.values():
            self._finish_field(merged, merged_field)

    def _finish_field(self, merged: MergedType, merged_field: MergedField) -> None:
        subs = merged_field.per_graph
        for sub_field in subs.values():
            merged_field.description = merged_field.description or sub_field.description
            merged_field.deprecated = merged_field.deprecated or sub_field.deprecated
            merged_field.inaccessible = merged_field.inaccessible or sub_field.inaccessible
            merged_field.tags += tuple(t for t in sub_field.tags if t not in merged_field.tags)
        where = f'"{merged.name}.{merged_field.name}"'
        resolving = [g for g, f in subs.items() if not f.external]
        if not resolving:
            self.problems.append(
                f"Field {where} is marked @external in every subgraph that defines it "
                f"({', '.join(sorted(subs))}): no subgraph resolves it"
            )
        provided = [g for g in subs if (g, merged.name, merged_field.name) in self.provided]
        sharing = sorted({*resolving, *provided})
        if merged.kind == "object" and len(sharing) > 1:
            unshared = [g for g in sharing if not (subs[g].shareable or subs[g].external)]
            if unshared:
                self.problems.append(
                    f"Non-shareable field {where} is resolved from multiple subgraphs: it is "
                    f"resolved from subgraphs {_quote(sharing)} and defined as non-shareable "
                    f"in subgraph(s) {_quote(unshared)}"
                )
        merged_type = _merge_output_type([f.type for f in subs.values()])
        if merged_type is None:
            types = ", ".join(f'"{print_ast(f.type)}" in "{g}"' for g, f in subs.items())
            self.problems.append(f"Field {where} has incompatible types across subgraphs: {types}")
            return
        merged_field.type = merged_type
        merged_field.types_differ = len({print_ast(f.type) for f in subs.values()}) > 1
        names = [{a.name.value for a in f.args} for f in subs.values() if not f.external]
        common = set.intersection(*names) if names else set()
        first = next(iter(subs.values()))
        merged_field.args = tuple(a for a in first.args if a.name.value in common or not names)

    def _merge_inputs(self, merged: MergedType) -> None:
        graphs = list(merged.per_graph.values())
        common = set.intersection(*(set(t.fields) for t in graphs))
        for sub_field in graphs[0].fields.values():
            if sub_field.name not in common:
                continue
            types = {print_ast(t.fields[sub_field.name].type) for t in graphs}
            if len(types) > 1:
                self.problems.append(
                    f'Input field "{merged.name}.{sub_field.name}" has different types across '
                    f"subgraphs: {', '.join(sorted(types))}"
                )
            merged.fields[sub_field.name] = MergedField(
                name=sub_field.name,
                type=sub_field.type,
                args=(),
                per_graph={g: t.fields[sub_field.name] for g, t in merged.per_graph.items()},
                description=sub_field.description,
                deprecated=sub_field.deprecated,
                inaccessible=any(t.fields[sub_field.name].inaccessible for t in graphs),
                default_value=sub_field.default_value,
            )

    def _merge_enum(self, merged: MergedType, in_input: bool, in_output: bool) -> None:
        value_sets = [set(t.values) for t in merged.per_graph.values()]
        if in_input and in_output and len({frozenset(v) for v in value_sets}) > 1:
            self.problems.append(
                f'Enum "{merged.name}" is used as both input and output type but its values '
                "differ across subgraphs"
            )
        keep = set.intersection(*value_sets) if in_input else set.union(*value_sets)
        for graph, sub in merged.per_graph.items():
            for value in sub.values.values():
                if value.name in keep:
                    merged.values.setdefault(value.name, {})[graph] = value

    def _check_interface_objects(self) -> None:
        for merged in self.types.values():
            if merged.kind != "interface":
                continue
            for graph, sub in merged.per_graph.items():
                if sub.kind == "object" and not sub.keys:
                    self.problems.append(
                        f'@interfaceObject "{merged.name}" in "{graph}" must have a @key'
                    )

    def _propagate_interface_object_fields(self) -> None:
        """Fields an @interfaceObject graph adds to an interface belong to every implementation."""
        for interface in self.types.values():
            if interface.kind != "interface":
                continue
            added = {
                name: {
                    g: f
                    for g, f in merged_field.per_graph.items()
                    if interface.per_graph[g].kind == "object"
                }
                for name, merged_field in interface.fields.items()
            }
            for implementation in self.types.values():
                if (
                    implementation.kind != "object"
                    or interface.name not in implementation.interfaces
                ):
                    continue
                for name, per_graph in added.items():
                    if per_graph and name not in implementation.fields:
                        source = interface.fields[name]
                        implementation.fields[name] = MergedField(
                            name=name,
                            type=source.type,
                            args=source.args,
                            per_graph=dict(per_graph),
                            description=source.description,
                        )


def _quote(names: list[str]) -> str:
    return " and ".join(f'"{n}"' for n in names)


def merge_subgraphs(subgraphs: Sequence[Subgraph]) -> MergedSchema:
    """Merge subgraphs; raises CompositionError listing every problem."""
    seen: set[str] = set()
    duplicates = [s.name for s in subgraphs if s.name in seen or seen.add(s.name)]  # type: ignore[func-returns-value]
    upper = [s.name.upper() for s in subgraphs]
    if duplicates or len(set(upper)) != len(upper):
        raise CompositionError([f"Duplicate subgraph names: {sorted(set(upper))}"])
    return _Merger(subgraphs).merge()
