"""The terms of a consent every service speaks: what it may share and why.

Consent stores consents in these terms; sessions asks consent for a read in them
(``sharedRecord``); both subgraphs show them as the same GraphQL enums
(``saathi.service.strawberry.consent_terms``). One definition, so the two can never drift.
"""

from __future__ import annotations

import enum


class DataCategory(enum.Enum):
    """What a consent may share."""

    PROFILE = "PROFILE"
    ATTENDANCE = "ATTENDANCE"
    FEEDBACK = "FEEDBACK"
    WELLBEING = "WELLBEING"
    GOALS = "GOALS"


class ConsentPurpose(enum.Enum):
    """Why the receiving centre may read what a consent shares."""

    CARE_CONTINUITY = "CARE_CONTINUITY"
    REFERRAL = "REFERRAL"
    PROGRAMME_EVALUATION = "PROGRAMME_EVALUATION"
    RESEARCH = "RESEARCH"
