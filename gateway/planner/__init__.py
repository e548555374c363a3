"""The query planner: pure functions from (supergraph, operation) to a printed-able plan."""

from __future__ import annotations

from gateway.planner.build import build_plan
from gateway.planner.plan import Fetch, Flatten, Parallel, QueryPlan, Sequence, print_plan
from gateway.planner.search import PlanningError

__all__ = [
    "Fetch",
    "Flatten",
    "Parallel",
    "PlanningError",
    "QueryPlan",
    "Sequence",
    "build_plan",
    "print_plan",
]
