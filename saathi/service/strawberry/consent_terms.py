"""``DataCategory`` and ``ConsentPurpose`` (``saathi.consent_terms``) registered as strawberry
enums once, for every subgraph that shows them (consent and sessions): an API module imports
them from here, so both subgraphs print the same GraphQL types."""

from __future__ import annotations

import strawberry

from saathi.consent_terms import ConsentPurpose, DataCategory

strawberry.enum(DataCategory, name="DataCategory")
strawberry.enum(ConsentPurpose, name="ConsentPurpose")

__all__ = ["ConsentPurpose", "DataCategory"]
