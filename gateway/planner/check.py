"""Checking a plan against the subgraphs: every operation it sends must be valid there.

Used by the test suite on every plan built; cheap enough to run on a cold plan when debugging.
"""

from __future__ import annotations

from collections.abc import Iterator

from gateway.composition.extract import validate_fetch
from gateway.composition.supergraph import Supergraph
from gateway.planner.plan import Fetch, Flatten, PlanNode, QueryPlan


def fetches(node: PlanNode | None) -> Iterator[Fetch]:
    """Every fetch of a plan, in plan order."""
    if node is None:
        return
    if isinstance(node, Fetch):
        yield node
    elif isinstance(node, Flatten):
        yield node.node
    else:
        for child in node.nodes:
            yield from fetches(child)


def plan_problems(supergraph: Supergraph, plan: QueryPlan) -> list[str]:
    """What each subgraph would refuse in the plan's operations (empty: all valid)."""
    return [
        f"{fetch.service}: {error.message} in {fetch.operation}"
        for fetch in fetches(plan.node)
        for error in validate_fetch(supergraph, fetch.service, fetch.operation)
    ]
