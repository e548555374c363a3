"""Errors raised while composing subgraphs or reading a supergraph.

CompositionError      (code COMPOSITION_FAILED) every problem found, listed in `problems`
SupergraphError       (code INVALID_SUPERGRAPH) the supergraph SDL cannot be read
"""

from __future__ import annotations

from collections.abc import Sequence


class CompositionError(Exception):
    """The subgraphs cannot be composed; `problems` lists every reason found."""

    code = "COMPOSITION_FAILED"

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("Composition failed:\n" + "\n".join(f"- {p}" for p in self.problems))


class SupergraphError(Exception):
    """The supergraph SDL is malformed or uses a join spec this gateway does not read."""

    code = "INVALID_SUPERGRAPH"
