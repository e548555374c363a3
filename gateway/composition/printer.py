"""Printing a merged schema as a supergraph SDL (join spec v0.3), deterministically."""

from __future__ import annotations

import json

from graphql import DirectiveNode, InputValueDefinitionNode, print_ast
from graphql.language.block_string import print_block_string

from gateway.composition.fieldset import normalize_field_set
from gateway.composition.merge import MergedField, MergedSchema, MergedType

HEADER = """schema
  @link(url: "https://specs.apollo.dev/link/v1.0")
  @link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION)
  @link(url: "https://specs.apollo.dev/inaccessible/v0.2", for: SECURITY)
  @link(url: "https://specs.apollo.dev/tag/v0.3")
{
%s}

directive @inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION \
| SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION

directive @join__enumValue(graph: join__Graph!) repeatable on ENUM_VALUE

directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, \
type: String, external: Boolean, override: String, usedOverridden: Boolean) repeatable on \
FIELD_DEFINITION | INPUT_FIELD_DEFINITION

directive @join__graph(name: String!, url: String!) on ENUM_VALUE

directive @join__implements(graph: join__Graph!, interface: String!) repeatable on OBJECT | \
INTERFACE

directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean! = false, \
resolvable: Boolean! = true, isInterfaceObject: Boolean! = false) repeatable on OBJECT | \
INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR

directive @join__unionMember(graph: join__Graph!, member: String!) repeatable on UNION

directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable \
on SCHEMA

directive @tag(name: String!) repeatable on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | \
ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION | SCHEMA
"""

LINK_AND_JOIN_TYPES = '''
scalar join__FieldSet

enum join__Graph {
%s}

scalar link__Import

enum link__Purpose {
  """
  `SECURITY` features provide metadata necessary to securely resolve fields.
  """
  SECURITY

  """
  `EXECUTION` features provide metadata necessary for operation execution.
  """
  EXECUTION
}
'''

KEYWORDS = {
    "object": "type",
    "interface": "interface",
    "union": "union",
    "enum": "enum",
    "input": "input",
    "scalar": "scalar",
}


def graph_enum_name(graph: str) -> str:
    """The `join__Graph` value naming a subgraph: its name upper-cased."""
    return graph.upper()


def _string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _description(text: str | None, indent: str) -> str:
    if not text:
        return ""
    if "\n" in text or '"' in text:
        block = print_block_string(text)
        return "\n".join(indent + line if line else line for line in block.split("\n")) + "\n"
    return f"{indent}{_string(text)}\n"


def _common(
    inaccessible: bool, tags: list[str] | tuple[str, ...], deprecated: DirectiveNode | None = None
) -> str:
    parts = []
    if deprecated is not None:
        parts.append(print_ast(deprecated))
    if inaccessible:
        parts.append("@inaccessible")
    parts.extend(f"@tag(name: {_string(t)})" for t in tags)
    return "".join(" " + p for p in parts)


def _args(args: tuple[InputValueDefinitionNode, ...]) -> str:
    if not args:
        return ""
    return "(" + ", ".join(print_ast(a) for a in args) + ")"


def _type_directives(merged: MergedType) -> list[str]:
    lines: list[str] = []
    for graph, sub in merged.per_graph.items():
        enum = graph_enum_name(graph)
        extra = ", isInterfaceObject: true" if sub.interface_object else ""
        extension = ", extension: true" if sub.extension else ""
        if sub.keys and merged.kind in ("object", "interface"):
            for fields, resolvable in sub.keys:
                flag = "" if resolvable else ", resolvable: false"
                lines.append(
                    f"@join__type(graph: {enum}, key: {_string(normalize_field_set(fields))}"
                    f"{extension}{flag}{extra})"
                )
        else:
            lines.append(f"@join__type(graph: {enum}{extension}{extra})")
    for graph, sub in merged.per_graph.items():
        lines.extend(
            f"@join__implements(graph: {graph_enum_name(graph)}, interface: {_string(i)})"
            for i in sub.interfaces
        )
        lines.extend(
            f"@join__unionMember(graph: {graph_enum_name(graph)}, member: {_string(m)})"
            for m in sub.members
        )
    return lines


def _field_directives(merged: MergedType, merged_field: MergedField) -> str:
    subs = merged_field.per_graph
    special = any(f.external or f.requires or f.provides or f.override for f in subs.values())
    if set(subs) == set(merged.per_graph) and not special and not merged_field.types_differ:
        return ""
    if not set(subs) & set(merged.per_graph):
        # added by an @interfaceObject graph: reached through the interface, as Apollo prints it
        return " @join__field"
    parts = []
    for graph, sub in subs.items():
        args = [f"graph: {graph_enum_name(graph)}"]
        if sub.requires:
            args.append(f"requires: {_string(normalize_field_set(sub.requires))}")
        if sub.provides:
            args.append(f"provides: {_string(normalize_field_set(sub.provides))}")
        if merged_field.types_differ:
            args.append(f"type: {_string(print_ast(sub.type))}")
        if sub.external:
            args.append("external: true")
        if sub.override:
            args.append(f"override: {_string(sub.override)}")
        parts.append(f" @join__field({', '.join(args)})")
    return "".join(parts)


def _print_type(merged: MergedType) -> str:
    keyword = KEYWORDS[merged.kind]
    head = _description(merged.description, "") + f"{keyword} {merged.name}"
    if merged.interfaces:
        head += " implements " + " & ".join(merged.interfaces)
    directives = _type_directives(merged)
    if merged.inaccessible:
        directives.append("@inaccessible")
    directives.extend(f"@tag(name: {_string(t)})" for t in merged.tags)
    head += "".join(f"\n  {d}" for d in directives)
    if merged.kind == "scalar":
        return head + "\n"
    if merged.kind == "union":
        return head + "\n  = " + " | ".join(merged.members) + "\n"
    lines: list[str] = []
    if merged.kind == "enum":
        for name, per_graph in merged.values.items():
            first = next(iter(per_graph.values()))
            text = _description(first.description, "  ") + f"  {name}"
            text += "".join(f" @join__enumValue(graph: {graph_enum_name(g)})" for g in per_graph)
            text += _common(
                any(v.inaccessible for v in per_graph.values()),
                sorted({t for v in per_graph.values() for t in v.tags}),
                first.deprecated,
            )
            lines.append(text)
    else:
        for merged_field in merged.fields.values():
            text = _description(merged_field.description, "  ") + f"  {merged_field.name}"
            text += _args(merged_field.args) + ": " + print_ast(merged_field.type)
            if merged_field.default_value is not None:
                text += " = " + print_ast(merged_field.default_value)
            if merged.kind != "input":
                text += _field_directives(merged, merged_field)
            text += _common(merged_field.inaccessible, merged_field.tags, merged_field.deprecated)
            lines.append(text)
    separator = "\n\n" if any("\n" in line for line in lines) else "\n"
    return head + "\n{\n" + separator.join(lines) + "\n}\n"


def print_supergraph(schema: MergedSchema) -> str:
    """Print the supergraph SDL: schema, directive definitions, join/link types, then types."""
    roots = "".join(
        f"  {op}: {name}\n"
        for op, name in (
            ("query", "Query"),
            ("mutation", "Mutation"),
            ("subscription", "Subscription"),
        )
        if name in schema.types
    )
    graphs = "".join(
        f"  {graph_enum_name(name)} @join__graph(name: {_string(name)}, url: {_string(url)})\n"
        for name, url in sorted(schema.graphs.items())
    )
    parts = [HEADER % roots, LINK_AND_JOIN_TYPES % graphs]
    parts.extend("\n" + _print_type(schema.types[name]) for name in sorted(schema.types))
    return "".join(parts)
