"""Composition: subgraph SDLs → supergraph SDL, and the models read back from it."""

from __future__ import annotations

from collections.abc import Sequence

from graphql import GraphQLError

from gateway.composition.api import api_schema
from gateway.composition.errors import CompositionError, SupergraphError
from gateway.composition.merge import merge_subgraphs
from gateway.composition.printer import print_supergraph
from gateway.composition.subgraph import SubgraphSpec, read_subgraph
from gateway.composition.supergraph import Supergraph

__all__ = [
    "CompositionError",
    "SubgraphSpec",
    "Supergraph",
    "SupergraphError",
    "api_schema",
    "compose",
]


def compose(subgraphs: Sequence[SubgraphSpec]) -> str:
    """Compose Federation v2 subgraph SDLs into a supergraph SDL.

    Raises CompositionError listing every problem found across all subgraphs.
    """
    if not subgraphs:
        raise CompositionError(["No subgraphs to compose"])
    problems: list[str] = []
    parsed = []
    for spec in subgraphs:
        try:
            parsed.append(read_subgraph(spec))
        except CompositionError as error:
            problems.extend(error.problems)
    if problems:
        raise CompositionError(problems)
    supergraph_sdl = print_supergraph(merge_subgraphs(parsed))
    try:
        api_schema(supergraph_sdl)  # the API schema must build; surfaces invalid merges early
    except (TypeError, GraphQLError) as error:
        raise CompositionError([f"The API schema is invalid: {error}"]) from error
    return supergraph_sdl
