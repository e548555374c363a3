"""Who may facilitate, who needs their centre's attention, and how a supporter's free text is
sealed.

A supporter may facilitate a group only when, on the date of its next session, they are
certified and have completed crisis management and boundaries training. A supporter needs
attention when their certification ends within ``CERTIFICATION_WARNING_DAYS`` (or has ended), or
their last supervision is older than their centre's interval (or they were never supervised).
"""

from __future__ import annotations

from datetime import date, timedelta

from saathi.crypto import seal, unseal
from saathi.errors import BadUserInput
from saathi.keystore import KeyStore
from services.directory.domain.records import (
    REQUIRED_TO_FACILITATE,
    Attention,
    AttentionReason,
    Practice,
    Profile,
    Supporter,
)

CERTIFICATION_WARNING_DAYS = 30
DEFAULT_SUPERVISION_INTERVAL_DAYS = 30

STATEMENT_FIELD = "lived_experience"
NOTES_FIELD = "supervision_notes"

DEFAULT_CODE_OF_CONDUCT = (
    "We keep what is shared here confidential. We listen without judging, interrupting or "
    "giving orders. We speak from our own experience. We respect everyone's identity, faith, "
    "caste, gender and sexuality. We come sober and safe; no one is pressured to share. "
    "Harassment, threats and violence are not tolerated. A concern about anyone, facilitators "
    "included, can be raised in the app, anonymously if you wish."
)


def check_facilitator(supporter: Supporter, profile: Profile | None, on: date) -> None:
    """``BadUserInput`` saying why ``supporter`` may not facilitate a session on ``on``."""
    name = f"facilitatorId {supporter.id!r}"
    if profile is None or not profile.certified_on_date(on):
        raise BadUserInput(
            f"{name} cannot facilitate: {supporter.display_name} is not certified on "
            f"{on.isoformat()}, the date of the group's next session."
        )
    missing = [m.label for m in REQUIRED_TO_FACILITATE if not profile.completed(m, on)]
    if missing:
        raise BadUserInput(
            f"{name} cannot facilitate: {supporter.display_name} has not completed "
            f"{' and '.join(missing)} training."
        )


def needing_attention(profile: Profile, practice: Practice, today: date) -> Attention | None:
    """Why ``profile``'s supporter needs attention today, or ``None``."""
    reasons: list[AttentionReason] = []
    sentences: list[str] = []
    until = profile.certified_until
    if until is not None and until < today:
        reasons.append(AttentionReason.CERTIFICATION_ENDED)
        sentences.append(f"certification ended on {until.isoformat()}")
    elif until is not None and until <= today + timedelta(days=CERTIFICATION_WARNING_DAYS):
        reasons.append(AttentionReason.CERTIFICATION_ENDING)
        sentences.append(f"certification ends on {until.isoformat()}")
    last = profile.last_supervised_on
    interval = practice.supervision_interval_days
    if last is None:
        reasons.append(AttentionReason.SUPERVISION_OVERDUE)
        sentences.append("never supervised")
    elif last < today - timedelta(days=interval):
        reasons.append(AttentionReason.SUPERVISION_OVERDUE)
        sentences.append(f"last supervised on {last.isoformat()}, more than {interval} days ago")
    if not reasons:
        return None
    return Attention(
        supporter_id=profile.supporter_id,
        reasons=tuple(reasons),
        explanation="; ".join(sentences).capitalize() + ".",
        certified_until=until,
        last_supervised_on=last,
    )


def _associated(owner: str, field: str) -> bytes:
    return f"{owner}:{field}".encode()


def seal_for(keys: KeyStore, owner: str, field: str, text: str) -> bytes:
    """``text`` sealed under ``owner``'s data key (made on first use), bound to the field."""
    return seal(keys.create(owner), text.encode(), _associated(owner, field))


def open_for(keys: KeyStore, owner: str, field: str, sealed: bytes | None) -> str | None:
    """What ``seal_for`` sealed; ``None`` when nothing was, or the owner's key is gone."""
    if sealed is None:
        return None
    key = keys.get(owner)
    if key is None:
        return None
    return unseal(key, sealed, _associated(owner, field)).decode()
