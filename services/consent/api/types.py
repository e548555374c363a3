"""The consent subgraph's GraphQL types: ``Participant`` (owned), consents, and references."""

from __future__ import annotations

from datetime import datetime
from typing import Self

import strawberry
from strawberry.federation.schema_directives import Key
from strawberry.federation.types import FieldSet

from saathi.service.strawberry import IsSelf, PageInfo
from saathi.service.strawberry.consent_terms import ConsentPurpose, DataCategory
from services.consent.api.context import Context
from services.consent.api.permissions import IsSelfOrStaffWhoMaySee
from services.consent.domain import access_log
from services.consent.domain.anchor import AnchoredHead
from services.consent.domain.consents import ConsentRequestView, consent_status, requests_for
from services.consent.domain.personal import (
    DISPLAY_NAME_FIELD,
    HOME_CITY_FIELD,
    UNREADABLE_NAME,
    open_field,
)
from services.consent.domain.records import (
    ConsentRecord,
    ConsentRequestStatus,
    ConsentStatus,
    DataAccessRecord,
    ParticipantRecord,
)

strawberry.enum(ConsentStatus, name="ConsentStatus")
strawberry.enum(ConsentRequestStatus, name="ConsentRequestStatus")


@strawberry.federation.type(keys=[Key(fields=FieldSet("id"), resolvable=False)])
class Centre:
    """A centre, by reference; the directory resolves its fields."""

    id: strawberry.ID


@strawberry.type
class DataAccess:
    """One read of the participant's records by a centre, under a consent."""

    at: datetime
    accessor: Centre
    categories: list[DataCategory]
    purpose: ConsentPurpose
    consent_id: strawberry.ID

    @classmethod
    def of(cls, record: DataAccessRecord) -> Self:
        return cls(
            at=record.at,
            accessor=Centre(id=strawberry.ID(record.accessor_centre_id)),
            categories=list(record.categories),
            purpose=record.purpose,
            consent_id=strawberry.ID(record.consent_id),
        )


@strawberry.type
class DataAccessEdge:
    cursor: str
    node: DataAccess


@strawberry.type
class SignedLogHead:
    """The newest entry of the log as the consent service signed it into its anchor file,
    outside the database. Keep ``signature``: if the log is later rewritten (entries removed or
    edited), this head no longer matches it, and the signature proves the service wrote it."""

    sequence: int = strawberry.field(description="The newest entry's number (from 0).")
    head_hash: str = strawberry.field(description="The log's keyed hash chain up to that entry.")
    signed_at: datetime
    key_id: str = strawberry.field(description="The thumbprint of the audit key that signed it.")
    signature: str = strawberry.field(
        description="The whole signed head as a compact JWS (EdDSA); check it with "
        "`saathi audit verify --head`."
    )

    @classmethod
    def of(cls, anchored: AnchoredHead, key_id: str) -> Self:
        assert anchored.seq is not None
        assert anchored.head is not None
        return cls(
            sequence=anchored.seq,
            head_hash=anchored.head,
            signed_at=anchored.at,
            key_id=key_id,
            signature=anchored.token,
        )


async def _signed_head(
    root: DataAccessConnection, info: strawberry.Info[Context]
) -> SignedLogHead | None:
    deps = info.context.deps
    anchored = await access_log.signed_head(deps, root.participant_id)
    return None if anchored is None else SignedLogHead.of(anchored, deps.audit.key.kid)


@strawberry.type
class DataAccessConnection:
    """The participant's data-access log, newest first."""

    page_info: PageInfo
    edges: list[DataAccessEdge]
    signed_head: SignedLogHead | None = strawberry.field(
        resolver=_signed_head,
        description="The newest head of the whole log, signed outside the database; null while "
        "the log is empty.",
    )
    participant_id: strawberry.Private[str]


@strawberry.type
class Consent:
    """Categories of a participant's records that a centre may read, for a purpose, for a time."""

    id: strawberry.ID
    status: ConsentStatus
    categories: list[DataCategory]
    purpose: ConsentPurpose
    valid_from: datetime
    valid_until: datetime
    revoked_at: datetime | None
    grantee: Centre
    receipt: str = strawberry.field(description="The consent artefact: a compact JWS (EdDSA).")

    @classmethod
    def of(cls, record: ConsentRecord, now: datetime) -> Self:
        return cls(
            id=strawberry.ID(record.id),
            status=consent_status(record, now),
            categories=list(record.categories),
            purpose=record.purpose,
            valid_from=record.valid_from,
            valid_until=record.valid_until,
            revoked_at=record.revoked_at,
            grantee=Centre(id=strawberry.ID(record.grantee_centre_id)),
            receipt=record.receipt,
        )


@strawberry.type
class ConsentRequest:
    """A centre's request for a consent, waiting for the participant's answer."""

    id: strawberry.ID
    status: ConsentRequestStatus
    categories: list[DataCategory]
    purpose: ConsentPurpose
    requested_until: datetime
    reason: str
    requester: Centre

    @classmethod
    def of(cls, view: ConsentRequestView) -> Self:
        record = view.record
        return cls(
            id=strawberry.ID(record.id),
            status=view.status,
            categories=list(record.categories),
            purpose=record.purpose,
            requested_until=record.requested_until,
            reason=view.reason,
            requester=Centre(id=strawberry.ID(record.requester_centre_id)),
        )


async def _consents(root: Participant, info: strawberry.Info[Context]) -> list[Consent]:
    records = await info.context.loaders.consents.load(root.record.id)
    now = info.context.deps.clock()
    return [Consent.of(record, now) for record in records]


async def _consent_requests(
    root: Participant,
    info: strawberry.Info[Context],
    status: ConsentRequestStatus | None = strawberry.UNSET,
) -> list[ConsentRequest]:
    records = await info.context.loaders.consent_requests.load(root.record.id)
    deps = info.context.deps
    wanted = status or None  # UNSET (no argument) and null both mean every status
    views = requests_for(root.record, records, deps.keys, deps.clock(), wanted)
    return [ConsentRequest.of(view) for view in views]


async def _data_access_log(
    root: Participant,
    first: int | None = access_log.DEFAULT_PAGE,
    after: str | None = None,
) -> DataAccessConnection:
    page = await access_log.log_page(root.record.id, first, after)
    return DataAccessConnection(
        page_info=PageInfo.of(page),
        edges=[
            DataAccessEdge(cursor=access_log.cursor_of(entry), node=DataAccess.of(entry))
            for entry in page.edges
        ],
        participant_id=root.record.id,
    )


def _display_name(root: Participant, info: strawberry.Info[Context]) -> str:
    record = root.record
    name = open_field(
        info.context.deps.keys, record.id, DISPLAY_NAME_FIELD, record.display_name_sealed
    )
    return UNREADABLE_NAME if name is None else name


def _home_city(root: Participant, info: strawberry.Info[Context]) -> str | None:
    record = root.record
    return open_field(info.context.deps.keys, record.id, HOME_CITY_FIELD, record.home_city_sealed)


@strawberry.federation.type(keys=["id"])
class Participant:
    """A person using the network. Every field but ``id`` is readable only by themselves, but
    ``displayName``, which staff of a centre they booked at (or consented PROFILE to) may read."""

    id: strawberry.ID
    display_name: str = strawberry.field(
        resolver=_display_name, permission_classes=[IsSelfOrStaffWhoMaySee]
    )
    home_city: str | None = strawberry.field(resolver=_home_city, permission_classes=[IsSelf])
    preferred_language: str | None = strawberry.field(permission_classes=[IsSelf])
    consents: list[Consent] = strawberry.field(resolver=_consents, permission_classes=[IsSelf])
    consent_requests: list[ConsentRequest] = strawberry.field(
        resolver=_consent_requests, permission_classes=[IsSelf]
    )
    data_access_log: DataAccessConnection = strawberry.field(
        resolver=_data_access_log,
        permission_classes=[IsSelf],
        description="Who read my records, when, under which consent; newest first.",
    )
    record: strawberry.Private[ParticipantRecord]

    @classmethod
    def of(cls, record: ParticipantRecord) -> Self:
        return cls(
            id=strawberry.ID(record.id),
            preferred_language=record.preferred_language,
            record=record,
        )

    @classmethod
    async def resolve_reference(
        cls, info: strawberry.Info[Context], id: strawberry.ID
    ) -> Participant | None:
        record = await info.context.loaders.participant.load(str(id))
        return None if record is None else cls.of(record)
