"""Every GraphQL example in the README validates against the composed supergraph, so a reader
who pastes one gets an answer, not a validation error."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from graphql import parse, validate

from gateway import api_schema

ROOT = Path(__file__).resolve().parents[2]
BLOCKS = re.findall(r"```graphql\n(.*?)```", (ROOT / "README.md").read_text(), re.S)


def test_the_readme_has_examples() -> None:
    assert len(BLOCKS) >= 2


@pytest.mark.parametrize("block", BLOCKS, ids=range(len(BLOCKS)))
def test_each_readme_example_validates(block: str) -> None:
    schema = api_schema((ROOT / "schema" / "supergraph.graphql").read_text())

    # a block lists one operation, or several one after another (each begins a line with
    # `query` or `mutation`): each is validated alone, as a reader would paste it
    for operation in re.split(r"\n(?=(?:query|mutation)\b)", block):
        if not re.search(r"^(?:query|mutation)\b", operation, re.M):
            continue  # the comment line that heads the block
        assert validate(schema, parse(operation)) == [], operation


# The fields the peer-support issue names: the README shows each at least once, in a block
# that validates (above).
NAMED = (
    "supportersNeedingAttention",
    "suggestMentors",
    "concerns",
    "myWellbeing",
    "recordTraining",
    "certifySupporter",
    "recordSupervision",
    "reportConcern",
    "recordWellbeingCheckin",
    "myGoals",
)


@pytest.mark.parametrize("field", NAMED)
def test_the_readme_has_an_example_of_each_named_operation(field: str) -> None:
    assert any(re.search(rf"\b{field}\s*[({{]", block) for block in BLOCKS), field
