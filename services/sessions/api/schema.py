"""The sessions subgraph's Federation v2 schema and its SDL."""

from __future__ import annotations

from collections.abc import Iterator

import strawberry
from graphql import GraphQLError
from strawberry.extensions import ParserCache, SchemaExtension, ValidationCache
from strawberry.types import ExecutionContext
from strawberry.types.graphql import OperationType

from services.sessions.api import concerns, reflections, reports, residents, sharing
from services.sessions.api.mutations import (
    attendance_record,
    availability_sync,
    booking_book,
    booking_cancel,
    feedback_submit,
    session_cancel,
)
from services.sessions.api.types import Booking, Centre, Participant, PeerGroup, Session


@strawberry.type
class Query:
    shared_record = sharing.field
    programme_report = reports.field
    concerns = concerns.queue_field


@strawberry.type
class Mutation:
    book_session = booking_book.field
    cancel_booking = booking_cancel.field
    submit_feedback = feedback_submit.field
    record_attendance = attendance_record.field
    cancel_session = session_cancel.field
    sync_availability = availability_sync.field
    report_concern = concerns.report_field
    acknowledge_concern = concerns.acknowledge_field
    resolve_concern = concerns.resolve_field
    submit_facilitator_reflection = reflections.field
    admit_resident = residents.admit_field
    discharge_resident = residents.discharge_field


class SeatsAfterMutations(SchemaExtension):
    """After a mutation, the directory is told of changed seats (in the background: the
    triggers queued the groups in the mutation's own transaction; ``domain.seats``)."""

    def on_operation(self) -> Iterator[None]:
        yield
        execution = self.execution_context
        if execution.operation_type is OperationType.MUTATION:
            pusher = getattr(execution.context, "seats", None)
            if pusher is not None:
                pusher.kick()


class SessionsSchema(strawberry.federation.Schema):
    """Errors are logged by ``saathi.graphql_errors.format_error`` (unexpected ones only)."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        return None


schema = SessionsSchema(
    query=Query,
    mutation=Mutation,
    types=[Session, Booking, PeerGroup, Participant, Centre],
    federation_version="2.5",
    # The gateway sends the same few documents again and again (``_entities`` for a page of
    # groups): parsing and validating each anew cost more than answering it.
    extensions=[
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
        SeatsAfterMutations,
    ],
)


def sdl() -> str:
    """The SDL this subgraph answers to ``{ _service { sdl } }``."""
    return schema.as_str()
