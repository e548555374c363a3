"""The query plan: plain, frozen data that prints deterministically.

A plan is a tree of `Fetch` (one subgraph request), `Sequence` (children run one after another),
`Parallel` (children run concurrently) and `Flatten` (run a fetch for the objects at a path).
"""

from __future__ import annotations

from dataclasses import dataclass

# The alias of a key or @requires field the planner added where the client's own selection
# already uses the field's name as a response key; representations read it first.
INTERNAL_ALIAS_SUFFIX = "__key"


@dataclass(frozen=True)
class RequiredField:
    """A field a representation carries; `children` for nested field sets."""

    name: str
    children: tuple[RequiredField, ...] | None = None
    # only for objects of these `__typename`s (a field under `... on T` in the field set)
    condition: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Requires:
    """What to copy from an object into its `_entities` representation of `type_name`.

    `object_types` are the `__typename`s of objects it applies to: `type_name` itself, or an
    interface's implementations when the target graph sees the interface as an
    @interfaceObject (the representation then carries the interface's name).
    """

    type_name: str
    fields: tuple[RequiredField, ...]
    object_types: tuple[str, ...] = ()

    @property
    def applies_to(self) -> tuple[str, ...]:
        return self.object_types or (self.type_name,)


@dataclass(frozen=True)
class Fetch:
    """One request to a subgraph.

    `operation` is the document sent; `selection` its printed selection (for plans);
    `requires` is empty for root fetches and lists the representation shape per entity type
    for `_entities` fetches.
    """

    service: str
    operation: str
    selection: str
    requires: tuple[Requires, ...] = ()
    requires_text: str | None = None
    variable_usages: tuple[str, ...] = ()
    response_keys: tuple[str, ...] = ()  # a root fetch's top-level keys (for fallbacks)
    # (path of response keys, alias, client's key) for fields aliased apart in this operation
    # because their types conflict in the subgraph; the executor renames them back
    renames: tuple[tuple[tuple[str, ...], str, str], ...] = ()


@dataclass(frozen=True)
class Flatten:
    """Run `node` for every object found at `path` (`@` steps into lists)."""

    path: tuple[str, ...]
    node: Fetch


@dataclass(frozen=True)
class Sequence:
    """Children run one after another."""

    nodes: tuple[PlanNode, ...]


@dataclass(frozen=True)
class Parallel:
    """Children run concurrently."""

    nodes: tuple[PlanNode, ...]


PlanNode = Fetch | Flatten | Sequence | Parallel


@dataclass(frozen=True)
class QueryPlan:
    """The plan of one operation; `node` is None when nothing needs a subgraph."""

    node: PlanNode | None
    operation_kind: str = "query"


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line if line else line for line in text.split("\n"))


def _print_node(node: PlanNode) -> str:
    if isinstance(node, Fetch):
        body = node.selection
        if node.requires_text is not None:
            body = node.requires_text + " =>\n" + body
            for requires in node.requires:
                if requires.applies_to != (requires.type_name,):
                    sources = ", ".join(requires.applies_to)
                    body = f"representations of {sources} as {requires.type_name}:\n" + body
        return f'Fetch(service: "{node.service}") {{\n{_indent(body, "  ")}\n}}'
    if isinstance(node, Flatten):
        inner = _indent(_print_node(node.node), "  ")
        return f'Flatten(path: "{".".join(node.path)}") {{\n{inner},\n}}'
    name = "Sequence" if isinstance(node, Sequence) else "Parallel"
    children = "\n".join(_indent(_print_node(child), "  ") + "," for child in node.nodes)
    return f"{name} {{\n{children}\n}}"


def print_plan(plan: QueryPlan) -> str:
    """Print a plan in the spirit of Apollo's query plan printer."""
    if plan.node is None:
        return "QueryPlan {\n}"
    return "QueryPlan {\n" + _indent(_print_node(plan.node), "  ") + ",\n}"
