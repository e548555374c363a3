"""Reading one Federation v2 subgraph's SDL into a normalised model.

Both strawberry (`schema @link(...)`) and graphene-federation (`extend schema @link(...)`,
custom root type names, `extend type`) print their SDL differently; this module hides that:
root types are renamed to `Query`/`Mutation`/`Subscription`, the federation internals
(`_entities`, `_service`, `_Any`, `FieldSet`, `federation__*`) are dropped, and directives are
read under their federation names whatever `@link(import:)` renamed them to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graphql import (
    ArgumentNode,
    BooleanValueNode,
    ConstDirectiveNode,
    DefinitionNode,
    DirectiveNode,
    EnumTypeDefinitionNode,
    EnumTypeExtensionNode,
    GraphQLSyntaxError,
    InputObjectTypeDefinitionNode,
    InputObjectTypeExtensionNode,
    InputValueDefinitionNode,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
    ListTypeNode,
    ListValueNode,
    NamedTypeNode,
    NameNode,
    NonNullTypeNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    ObjectValueNode,
    ScalarTypeDefinitionNode,
    ScalarTypeExtensionNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    StringValueNode,
    TypeNode,
    UnionTypeDefinitionNode,
    UnionTypeExtensionNode,
    ValueNode,
    parse,
)

from gateway.composition.errors import CompositionError

FEDERATION_TYPES = frozenset(
    {"_Service", "_Any", "_Entity", "FieldSet", "_FieldSet", "link__Import", "link__Purpose"}
)
FEDERATION_ROOT_FIELDS = frozenset({"_entities", "_service"})
ROOT_NAMES = {"query": "Query", "mutation": "Mutation", "subscription": "Subscription"}
FEDERATION_DIRECTIVES = frozenset(
    {
        "key",
        "shareable",
        "external",
        "requires",
        "provides",
        "inaccessible",
        "override",
        "interfaceObject",
        "tag",
        "extends",
    }
)

FieldsNodes = (
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
)


@dataclass(frozen=True)
class SubgraphSpec:
    """A subgraph to compose: its name (`directory`), routing URL and printed SDL."""

    name: str
    url: str
    sdl: str


@dataclass
class SubField:
    """A field (or input field / argument holder) as one subgraph declares it."""

    name: str
    type: TypeNode
    args: tuple[InputValueDefinitionNode, ...] = ()
    description: str | None = None
    default_value: ValueNode | None = None
    external: bool = False
    shareable: bool = False
    requires: str | None = None
    provides: str | None = None
    override: str | None = None
    inaccessible: bool = False
    tags: tuple[str, ...] = ()
    deprecated: DirectiveNode | None = None


@dataclass
class SubEnumValue:
    """An enum value as one subgraph declares it."""

    name: str
    description: str | None = None
    inaccessible: bool = False
    tags: tuple[str, ...] = ()
    deprecated: DirectiveNode | None = None


@dataclass
class SubType:
    """A named type as one subgraph declares it (definition and extensions merged)."""

    name: str
    kind: str  # object | interface | union | enum | input | scalar
    description: str | None = None
    keys: list[tuple[str, bool]] = field(default_factory=list)
    extension: bool = False
    shareable: bool = False
    interface_object: bool = False
    inaccessible: bool = False
    tags: list[str] = field(default_factory=list)
    fields: dict[str, SubField] = field(default_factory=dict)
    interfaces: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    values: dict[str, SubEnumValue] = field(default_factory=dict)


@dataclass
class Subgraph:
    """A parsed subgraph: its spec and its types by name."""

    spec: SubgraphSpec
    types: dict[str, SubType]

    @property
    def name(self) -> str:
        return self.spec.name


def _argument(directive: DirectiveNode, name: str) -> ValueNode | None:
    for argument in directive.arguments or ():
        if argument.name.value == name:
            return argument.value
    return None


def _string_argument(directive: DirectiveNode, name: str) -> str | None:
    value = _argument(directive, name)
    return value.value if isinstance(value, StringValueNode) else None


def _bool_argument(directive: DirectiveNode, name: str, default: bool) -> bool:
    value = _argument(directive, name)
    return value.value if isinstance(value, BooleanValueNode) else default


class _DirectiveNames:
    """Maps the directive names used in a subgraph's SDL to federation names."""

    def __init__(self, links: list[DirectiveNode]) -> None:
        self.names: dict[str, str] = {}
        for link in links:
            url = _string_argument(link, "url") or ""
            if "specs.apollo.dev/federation" not in url:
                continue
            imports = _argument(link, "import")
            for item in imports.values if isinstance(imports, ListValueNode) else ():
                if isinstance(item, StringValueNode):
                    local = imported = item.value
                elif isinstance(item, ObjectValueNode):
                    values = {f.name.value: f.value for f in item.fields}
                    name_value, as_value = values.get("name"), values.get("as")
                    if not isinstance(name_value, StringValueNode):
                        continue
                    imported = name_value.value
                    local = as_value.value if isinstance(as_value, StringValueNode) else imported
                else:
                    continue
                self.names[local.lstrip("@")] = imported.lstrip("@")

    def federation_name(self, directive: DirectiveNode) -> str | None:
        name = directive.name.value
        if name.startswith("federation__"):
            return name.removeprefix("federation__")
        mapped = self.names.get(name, name)
        return mapped if mapped in FEDERATION_DIRECTIVES or name == "deprecated" else None


def _rename_type(node: TypeNode, renames: dict[str, str]) -> TypeNode:
    if isinstance(node, NonNullTypeNode):
        inner = _rename_type(node.type, renames)
        assert isinstance(inner, NamedTypeNode | ListTypeNode)
        return NonNullTypeNode(type=inner)
    if isinstance(node, ListTypeNode):
        return ListTypeNode(type=_rename_type(node.type, renames))
    assert isinstance(node, NamedTypeNode)
    name = node.name.value
    return NamedTypeNode(name=NameNode(value=renames.get(name, name)))


def _description(node: DefinitionNode | InputValueDefinitionNode) -> str | None:
    description = getattr(node, "description", None)
    return description.value if isinstance(description, StringValueNode) else None


class _Reader:
    def __init__(self, spec: SubgraphSpec) -> None:
        self.spec = spec
        self.problems: list[str] = []
        try:
            self.document = parse(spec.sdl, no_location=True)
        except GraphQLSyntaxError as error:
            raise CompositionError([f"[{spec.name}] invalid SDL: {error.message}"]) from error
        links: list[DirectiveNode] = []
        self.renames: dict[str, str] = {}
        for definition in self.document.definitions:
            if isinstance(definition, SchemaDefinitionNode | SchemaExtensionNode):
                links.extend(d for d in definition.directives or () if d.name.value == "link")
                for operation in definition.operation_types or ():
                    self.renames[operation.type.name.value] = ROOT_NAMES[operation.operation.value]
        self.directives = _DirectiveNames(links)
        self.types: dict[str, SubType] = {}

    def read(self) -> Subgraph:
        for definition in self.document.definitions:
            self._read_definition(definition)
        if self.problems:
            raise CompositionError(self.problems)
        for root in ROOT_NAMES.values():
            if root in self.types and not self.types[root].fields:
                del self.types[root]
        return Subgraph(self.spec, self.types)

    def _fed(
        self, node: DefinitionNode | InputValueDefinitionNode
    ) -> list[tuple[str, DirectiveNode]]:
        found: list[tuple[str, DirectiveNode]] = []
        for directive in getattr(node, "directives", None) or ():
            name = self.directives.federation_name(directive)
            if name is not None:
                found.append((name, directive))
        return found

    def _read_definition(self, node: DefinitionNode) -> None:
        kind = _kind_of(node)
        if kind is None:
            return
        raw_name = getattr(node, "name").value  # noqa: B009 - every typed definition has a name
        name = self.renames.get(raw_name, raw_name)
        if name in FEDERATION_TYPES or name.startswith(("federation__", "link__")):
            return
        sub = self.types.get(name)
        if sub is None:
            sub = self.types[name] = SubType(name=name, kind=kind)
        elif sub.kind != kind and {sub.kind, kind} != {"object", "interface"}:
            self.problems.append(f'[{self.spec.name}] type "{name}" is declared as two kinds')
        is_extension = node.kind.endswith("_extension")
        sub.description = sub.description or _description(node)
        for directive_name, directive in self._fed(node):
            if directive_name == "key":
                fields = _string_argument(directive, "fields") or ""
                sub.keys.append((fields, _bool_argument(directive, "resolvable", True)))
            elif directive_name == "extends":
                is_extension = True
            elif directive_name == "shareable":
                sub.shareable = True
            elif directive_name == "interfaceObject":
                sub.interface_object = True
            elif directive_name == "inaccessible":
                sub.inaccessible = True
            elif directive_name == "tag":
                sub.tags.append(_string_argument(directive, "name") or "")
        if (
            is_extension
            and not isinstance(node, SchemaExtensionNode)
            and name not in ROOT_NAMES.values()
        ):
            sub.extension = True
        if isinstance(node, FieldsNodes):
            for interface in node.interfaces or ():
                if interface.name.value not in sub.interfaces:
                    sub.interfaces.append(interface.name.value)
            for field_node in node.fields or ():
                if name in ROOT_NAMES.values() and field_node.name.value in FEDERATION_ROOT_FIELDS:
                    continue
                self._read_field(
                    sub,
                    field_node.name.value,
                    field_node.type,
                    field_node,
                    tuple(field_node.arguments or ()),
                )
        elif isinstance(node, InputObjectTypeDefinitionNode | InputObjectTypeExtensionNode):
            for input_node in node.fields or ():
                self._read_field(sub, input_node.name.value, input_node.type, input_node, ())
                sub.fields[input_node.name.value].default_value = input_node.default_value
        elif isinstance(node, UnionTypeDefinitionNode | UnionTypeExtensionNode):
            for member in node.types or ():
                if member.name.value not in sub.members:
                    sub.members.append(member.name.value)
        elif isinstance(node, EnumTypeDefinitionNode | EnumTypeExtensionNode):
            for value_node in node.values or ():
                value = SubEnumValue(value_node.name.value, _description(value_node))
                for directive_name, directive in self._fed(value_node):
                    if directive_name == "inaccessible":
                        value.inaccessible = True
                    elif directive_name == "tag":
                        value.tags += (_string_argument(directive, "name") or "",)
                    elif directive_name == "deprecated":
                        value.deprecated = directive
                sub.values[value.name] = value

    def _read_field(
        self,
        sub: SubType,
        name: str,
        type_node: TypeNode,
        node: DefinitionNode | InputValueDefinitionNode,
        args: tuple[InputValueDefinitionNode, ...],
    ) -> None:
        sub_field = SubField(
            name=name,
            type=_rename_type(type_node, self.renames),
            args=tuple(_strip_arg(arg, self) for arg in args),
            description=_description(node),
            shareable=sub.shareable,
        )
        for directive_name, directive in self._fed(node):
            if directive_name == "external":
                sub_field.external = True
            elif directive_name == "shareable":
                sub_field.shareable = True
            elif directive_name == "requires":
                sub_field.requires = _string_argument(directive, "fields")
            elif directive_name == "provides":
                sub_field.provides = _string_argument(directive, "fields")
            elif directive_name == "override":
                sub_field.override = _string_argument(directive, "from")
            elif directive_name == "inaccessible":
                sub_field.inaccessible = True
            elif directive_name == "tag":
                sub_field.tags += (_string_argument(directive, "name") or "",)
            elif directive_name == "deprecated":
                sub_field.deprecated = directive
        sub.fields[name] = sub_field


def _strip_arg(arg: InputValueDefinitionNode, reader: _Reader) -> InputValueDefinitionNode:
    """Keep only the directives an API schema shows (@deprecated, @inaccessible, @tag)."""
    kept = tuple(
        ConstDirectiveNode(
            name=NameNode(value=name),
            arguments=tuple(ArgumentNode(name=a.name, value=a.value) for a in d.arguments or ()),
        )
        for name, d in reader._fed(arg)
        if name in {"deprecated", "inaccessible", "tag"}
    )
    return InputValueDefinitionNode(
        name=arg.name,
        description=arg.description,
        type=_rename_type(arg.type, reader.renames),
        default_value=arg.default_value,
        directives=kept,
    )


_KINDS = (
    ((ObjectTypeDefinitionNode, ObjectTypeExtensionNode), "object"),
    ((InterfaceTypeDefinitionNode, InterfaceTypeExtensionNode), "interface"),
    ((UnionTypeDefinitionNode, UnionTypeExtensionNode), "union"),
    ((EnumTypeDefinitionNode, EnumTypeExtensionNode), "enum"),
    ((InputObjectTypeDefinitionNode, InputObjectTypeExtensionNode), "input"),
    ((ScalarTypeDefinitionNode, ScalarTypeExtensionNode), "scalar"),
)


def _kind_of(node: DefinitionNode) -> str | None:
    for classes, kind in _KINDS:
        if isinstance(node, classes):
            return kind
    return None


_NAME = re.compile(r"^[a-z_][a-z0-9_]*$", re.IGNORECASE)


def read_subgraph(spec: SubgraphSpec) -> Subgraph:
    """Parse a subgraph's SDL; raises CompositionError when it cannot be read."""
    if not _NAME.match(spec.name):
        raise CompositionError([f'subgraph name "{spec.name}" must be a GraphQL name'])
    return _Reader(spec).read()
