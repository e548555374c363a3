"""The consent service's collaborators for a test that writes through its domain directly."""

from __future__ import annotations

from saathi.runtime import key_store_for, master_key_for, signing_key_for
from saathi.settings import Settings
from services.consent.domain.anchor import AuditTrail
from services.consent.domain.delivery import OutboxDelivery
from services.consent.domain.deps import Deps


def consent_deps(settings: Settings) -> Deps:
    return Deps(
        settings=settings,
        signing_key=signing_key_for(settings),
        master_key=master_key_for(settings),
        delivery=OutboxDelivery(settings.outbox_path),
        keys=key_store_for(settings, "consent"),
        audit=AuditTrail.for_data_dir(settings.data_dir),
    )
