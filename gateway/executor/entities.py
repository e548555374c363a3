"""Flatten support: finding objects at a path, building representations, merging results."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import orjson

from gateway.planner.plan import INTERNAL_ALIAS_SUFFIX, RequiredField, Requires

Path = tuple[str | int, ...]


def objects_at(data: Any, path: tuple[str, ...]) -> list[tuple[dict[str, Any], Path]]:
    """Every object at `path` (`@` steps into lists) with its concrete response path."""
    found: list[tuple[dict[str, Any], Path]] = []

    def walk(value: Any, index: int, at: Path) -> None:
        if value is None:
            return
        if index == len(path):
            if isinstance(value, dict):
                found.append((value, at))
            elif isinstance(value, list):  # a list the path did not mark; keep walking
                for i, item in enumerate(value):
                    walk(item, index, (*at, i))
            return
        step = path[index]
        if step == "@":
            if isinstance(value, list):
                for i, item in enumerate(value):
                    walk(item, index + 1, (*at, i))
        elif isinstance(value, dict):
            walk(value.get(step), index + 1, (*at, step))

    walk(data, 0, ())
    return found


_MISSING = object()


def _project(value: Any, fields: tuple[RequiredField, ...]) -> Any:
    if isinstance(value, list):
        return [_project(item, fields) for item in value]
    if not isinstance(value, dict):
        return value
    result: dict[str, Any] = {}
    for required in fields:
        if required.condition is not None and value.get("__typename") not in required.condition:
            continue  # a field under `... on T` of an object of another type
        item = value.get(required.name + INTERNAL_ALIAS_SUFFIX, _MISSING)
        if item is _MISSING:
            item = value.get(required.name, _MISSING)
        if item is _MISSING:
            return _MISSING
        if required.children is not None and item is not None:
            item = _project(item, required.children)
            if item is _MISSING:
                return _MISSING
        result[required.name] = item
    return result


@dataclass
class Representations:
    """Deduplicated representations and, for each, the objects (and paths) sharing it."""

    items: list[dict[str, Any]] = field(default_factory=list)
    targets: list[list[tuple[dict[str, Any], Path]]] = field(default_factory=list)


def build_representations(
    objects: list[tuple[dict[str, Any], Path]], requires: tuple[Requires, ...]
) -> Representations:
    """One representation per distinct (`__typename`, key, required fields)."""
    by_type = {t: r for r in requires for t in r.applies_to}
    result = Representations()
    index: dict[bytes | str, int] = {}
    for obj, path in objects:
        spec = by_type.get(obj.get("__typename", ""))
        if spec is None:
            continue
        representation = _project(obj, spec.fields)
        if representation is _MISSING:
            continue
        representation["__typename"] = spec.type_name
        signature = _signature(representation)
        position = index.get(signature)
        if position is None:
            index[signature] = len(result.items)
            result.items.append(representation)
            result.targets.append([(obj, path)])
        else:
            result.targets[position].append((obj, path))
    return result


def _signature(representation: dict[str, Any]) -> bytes | str:
    """A text equal for equal representations (keys sorted), to send each one once."""
    try:
        return orjson.dumps(representation, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # an integer beyond 64 bits, which only the standard library writes
        return json.dumps(representation, sort_keys=True, separators=(",", ":"))


def deep_merge(target: dict[str, Any], source: dict[str, Any]) -> None:
    """Merge `source` into `target`: objects recursively, lists item by item."""
    for key, value in source.items():
        existing = target.get(key)
        if isinstance(existing, dict) and isinstance(value, dict):
            deep_merge(existing, value)
        elif isinstance(existing, list) and isinstance(value, list) and len(existing) == len(value):
            _merge_lists(existing, value)
        else:
            target[key] = value


def _merge_lists(target: list[Any], source: list[Any]) -> None:
    for i, (old, new) in enumerate(zip(target, source, strict=True)):
        if isinstance(old, dict) and isinstance(new, dict):
            deep_merge(old, new)
        elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
            _merge_lists(old, new)
        else:
            target[i] = new


def rename(value: Any, renames: tuple[tuple[tuple[str, ...], str, str], ...]) -> None:
    """Put fields a fetch aliased apart back under the client's response keys."""
    for path, alias, original in renames:
        _rename_at(value, path, alias, original)


def _rename_at(value: Any, path: tuple[str, ...], alias: str, original: str) -> None:
    if isinstance(value, list):
        for item in value:
            _rename_at(item, path, alias, original)
    elif isinstance(value, dict):
        if path:
            _rename_at(value.get(path[0]), path[1:], alias, original)
        elif alias in value:
            value[original] = value.pop(alias)
