"""Subgraph selections built by the planner, and their deterministic printing."""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql import ArgumentNode, DirectiveNode, print_ast

from gateway.planner.plan import INTERNAL_ALIAS_SUFFIX


@dataclass
class FieldSel:
    """A field selected from a subgraph; `children` is None for leaves."""

    name: str
    alias: str | None = None
    arguments: tuple[ArgumentNode, ...] = ()
    directives: tuple[DirectiveNode, ...] = ()
    children: list[Sel] | None = None
    internal: bool = False  # added by the planner (a key, @requires), not asked by the client
    type_text: str = ""  # the field's type in the subgraph
    original: str | None = None  # the client's response key, when aliased apart (see below)

    @property
    def response_key(self) -> str:
        return self.alias or self.name

    def shape(self) -> tuple[str, tuple[str, ...]]:
        return (self.name, tuple(print_ast(a) for a in self.arguments))

    def signature(self) -> tuple[str, str]:
        return (self.response_key, _print_directives(self.directives))


@dataclass
class FragmentSel:
    """An inline fragment `... on T @dirs { }` in a subgraph selection."""

    type_condition: str | None
    directives: tuple[DirectiveNode, ...] = ()
    children: list[Sel] = field(default_factory=list)
    possible: tuple[str, ...] = ()  # in a representation: the object types it applies to

    def signature(self) -> tuple[str, str]:
        return (self.type_condition or "", _print_directives(self.directives))


Sel = FieldSel | FragmentSel


def _print_directives(directives: tuple[DirectiveNode, ...]) -> str:
    return "".join(" " + print_ast(d) for d in directives)


def _collision(target: list[Sel], new: FieldSel) -> FieldSel | None:
    signature = new.signature()
    for existing in target:
        if isinstance(existing, FieldSel) and existing.signature() == signature:
            return existing
    return None


def add_field(target: list[Sel], new: FieldSel) -> FieldSel:
    """Add a field, or return the existing one with the same response key and directives.

    When the planner's own field (a key or @requires field) and a client's field share a
    response key but not the field (`id` against a client's `id: title`), the planner's field
    moves aside to the alias `<name>__key`, where representations look for it first.
    """
    for _ in range(3):
        existing = _collision(target, new)
        if existing is None:
            break
        if existing.shape() == new.shape():
            if new.children is not None and existing.children is None:
                existing.children = []
            existing.internal = existing.internal and new.internal
            return existing
        if new.internal and new.alias is None:
            new.alias = new.name + INTERNAL_ALIAS_SUFFIX
        elif existing.internal and existing.alias is None:
            existing.alias = existing.name + INTERNAL_ALIAS_SUFFIX
        else:  # two client fields: validation guarantees they are the same field
            return existing
    target.append(new)
    return new


def conflicts(scope: list[list[Sel]], new: FieldSel, target: list[Sel]) -> bool:
    """Whether a client field of the same response key but another shape in the subgraph
    (`Int` against `Int!`, `[ID]` against `ID`, `Int` against `String`) is selected elsewhere
    in the merge scope (`scope`: selection lists and the fragments in them): the subgraph would
    refuse the operation (fields in a set must merge), so the new field must be aliased apart.
    Within `target` itself `add_field` settles collisions."""
    key = new.response_key

    def clash(selections: list[Sel]) -> bool:
        for existing in selections:
            if isinstance(existing, FragmentSel):
                if clash(existing.children):
                    return True
            elif (
                selections is not target
                and not existing.internal
                and existing.response_key == key
                and shapes_differ(existing, new)
            ):
                return True
        return False

    return any(clash(selections) for selections in scope)


def merged_children(scope: list[list[Sel]], key: str, own: list[Sel]) -> list[list[Sel]]:
    """The merge scope below a field of response key `key`: the sub-selections of every field
    of that key in `scope` (through fragments), its own (`own`) first."""
    found: list[list[Sel]] = [own]

    def collect(selections: list[Sel]) -> None:
        for existing in selections:
            if isinstance(existing, FragmentSel):
                collect(existing.children)
            elif (
                existing.response_key == key
                and existing.children is not None
                and all(existing.children is not seen for seen in found)
            ):
                found.append(existing.children)

    for selections in scope:
        collect(selections)
    return found


def shapes_differ(a: FieldSel, b: FieldSel) -> bool:
    """Whether two fields' types in the subgraph differ in shape: list and non-null wrappers,
    or the type itself when either is a leaf (composite types are compared by their fields)."""
    if not a.type_text or not b.type_text:
        return False
    left, right = a.type_text, b.type_text
    while True:
        if left.endswith("!") != right.endswith("!"):
            return True
        left, right = left.rstrip("!"), right.rstrip("!")
        if left.startswith("[") != right.startswith("["):
            return True
        if not left.startswith("["):
            either_leaf = a.children is None or b.children is None
            return either_leaf and left != right
        left, right = left[1:-1], right[1:-1]


def add_fragment(
    target: list[Sel], type_condition: str | None, directives: tuple[DirectiveNode, ...] = ()
) -> FragmentSel:
    """Add an inline fragment, or return the existing one with the same condition."""
    new = FragmentSel(type_condition, directives)
    signature = new.signature()
    for existing in target:
        if isinstance(existing, FragmentSel) and existing.signature() == signature:
            return existing
    target.append(new)
    return new


def print_selections(selections: list[Sel], indent: int = 0) -> str:
    """Print `{ ... }` with two-space indentation, one selection a line."""
    pad = "  " * indent
    lines = ["{"]
    for selection in selections:
        if isinstance(selection, FieldSel):
            text = f"{pad}  "
            if selection.alias:
                text += f"{selection.alias}: "
            text += selection.name
            if selection.arguments:
                text += "(" + ", ".join(print_ast(a) for a in selection.arguments) + ")"
            text += _print_directives(selection.directives)
            if selection.children is not None:
                text += " " + print_selections(selection.children, indent + 1)
        else:
            text = f"{pad}  ..."
            if selection.type_condition:
                text += f" on {selection.type_condition}"
            text += _print_directives(selection.directives)
            text += " " + print_selections(selection.children, indent + 1)
        lines.append(text)
    lines.append(pad + "}")
    return "\n".join(lines)


def print_compact(selections: list[Sel]) -> str:
    """Print a selection set on one line (the operation text sent to a subgraph)."""
    parts = []
    for selection in selections:
        if isinstance(selection, FieldSel):
            text = (f"{selection.alias}: " if selection.alias else "") + selection.name
            if selection.arguments:
                text += "(" + ", ".join(print_ast(a) for a in selection.arguments) + ")"
            text += _print_directives(selection.directives)
            if selection.children is not None:
                text += " " + print_compact(selection.children)
        else:
            text = "..." + (f" on {selection.type_condition}" if selection.type_condition else "")
            text += _print_directives(selection.directives)
            text += " " + print_compact(selection.children)
        parts.append(text)
    return "{ " + " ".join(parts) + " }"
