"""Fixtures shared by the whole suite."""

from __future__ import annotations

import re
from pathlib import Path

OPERATIONS = Path(__file__).parent / "operations"


def operation(file: str, name: str) -> str:
    """One named operation from ``tests/operations/<file>.graphql``, exactly as clients send it."""
    text = (OPERATIONS / f"{file}.graphql").read_text()
    match = re.search(rf"^(?:query|mutation) {name}\b.*?^}}", text, re.S | re.M)
    if match is None:
        raise KeyError(f"no operation {name} in {file}.graphql")
    return match.group(0)
