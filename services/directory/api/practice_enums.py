"""The practice enums, named as the domain's (``practice.records``); each value is its name."""

# mypy: disallow-subclassing-any=False
# (graphene ships no type information, so its base classes are ``Any`` to mypy.)

from __future__ import annotations

from typing import Any

import graphene

from services.directory.domain import records as practice

TrainingModule = type(
    "TrainingModule",
    (graphene.Enum,),
    {"Meta": type("Meta", (), {"enum": practice.TrainingModule})},
)
CentreKind = type(
    "CentreKind", (graphene.Enum,), {"Meta": type("Meta", (), {"enum": practice.CentreKind})}
)
AttentionReason = type(
    "AttentionReason",
    (graphene.Enum,),
    {"Meta": type("Meta", (), {"enum": practice.AttentionReason})},
)


def enum_name(value: Any) -> str:
    """An enum argument as graphene hands it over (a member or its value), by name."""
    return str(getattr(value, "name", value))
