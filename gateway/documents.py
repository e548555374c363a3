"""Caches in front of the pure stages: parsed+validated documents and prepared operations.

Documents are keyed by the SHA-256 of the query text; prepared operations (plan + shaper) by
(supergraph hash, document hash, operation name), outside the pure planner.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    validate,
)

from gateway.composition.supergraph import Supergraph
from gateway.errors import GatewayError
from gateway.executor.shaper import Shaper
from gateway.limits import DocumentLimits, measure_document, parse_document
from gateway.operation import Operation, operations
from gateway.planner import build
from gateway.planner.plan import QueryPlan
from gateway.tracing import stage

K = TypeVar("K")
V = TypeVar("V")


class LRU(Generic[K, V]):
    """A small least-recently-used mapping."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self.hits = 0  # read by the metrics (gateway.metrics) at scrape time
        self.misses = 0

    def get(self, key: K) -> V | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
            self.hits += 1
        else:
            self.misses += 1
        return value

    def counts(self) -> tuple[int, int]:
        """(hits, misses) of `get` so far."""
        return self.hits, self.misses

    def put(self, key: K, value: V) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


def _error(error: GraphQLError, code: str) -> dict[str, Any]:
    formatted: dict[str, Any] = {"message": error.message}
    if error.locations:
        formatted["locations"] = [{"line": at.line, "column": at.column} for at in error.locations]
    formatted["extensions"] = {"code": code}
    return formatted


@dataclass(frozen=True)
class ParsedDocument:
    """A parsed, measured and validated document with each of its operations normalised, or
    what stopped it: a refusal (a limit exceeded, kept so a repeated bomb costs one lookup) or
    validation errors."""

    hash: str
    document: DocumentNode | None
    errors: tuple[dict[str, Any], ...]
    refusal: GatewayError | None = None
    operations: Mapping[str | None, Operation] = field(default_factory=dict)


@dataclass(frozen=True)
class PreparedOperation:
    """Everything needed to run one operation of a document: its model, plan and shaper."""

    operation: Operation
    plan: QueryPlan
    shaper: Shaper

    @property
    def kind(self) -> str:
        return self.operation.kind


class OperationCache:
    """Parses, validates and plans operations once, then serves them from LRU caches."""

    def __init__(
        self,
        supergraph: Supergraph,
        schema: GraphQLSchema,
        document_size: int,
        plan_size: int,
        limits: DocumentLimits | None = None,
    ) -> None:
        self.supergraph = supergraph
        self.schema = schema
        self.limits = limits or DocumentLimits()
        self.documents: LRU[str, ParsedDocument] = LRU(document_size)
        self.prepared: LRU[tuple[str, str, str | None], PreparedOperation] = LRU(plan_size)
        # (document hash, sizes in variables) already measured within the limits
        self.measured: LRU[tuple[str, tuple[tuple[str, int], ...]], bool] = LRU(document_size)

    def document(self, query: str) -> ParsedDocument:
        """The parsed document of `query`, from the cache or made (and cached) now."""
        return self.cached_document(query) or self.store_document(self.load_document(query))

    def cached_document(self, query: str) -> ParsedDocument | None:
        return self.documents.get(_digest(query))

    def store_document(self, parsed: ParsedDocument) -> ParsedDocument:
        self.documents.put(parsed.hash, parsed)
        return parsed

    def load_document(self, query: str) -> ParsedDocument:
        """Parse, measure and validate; touches no cache, so it may run in a worker thread."""
        digest = _digest(query)
        try:
            with stage("parse"):
                document = parse_document(query, self.limits)
                # Linear-time limits first: validation and planning can be exponential in a
                # document that passes them.
                measure_document(document, self.limits, self.schema)
        except GraphQLError as error:
            return ParsedDocument(digest, None, (_error(error, "GRAPHQL_PARSE_FAILED"),))
        except GatewayError as refusal:
            return ParsedDocument(digest, None, (), refusal)
        with stage("validate"):
            errors = validate(self.schema, document)
        if errors:
            return ParsedDocument(
                digest, None, tuple(_error(e, "GRAPHQL_VALIDATION_FAILED") for e in errors)
            )
        return ParsedDocument(digest, document, (), operations=operations(document))

    def measure_sizes(self, parsed: ParsedDocument, variables: Mapping[str, Any]) -> None:
        """Measure the document again with the sizes its variables give (`first: $first`),
        raising QueryTooComplex past a limit; each set of sizes is measured once per document.

        Only integers and list lengths can be sizes, so they alone make the key: NearbyGroups
        from a thousand places is measured once for each `first` it is sent with.
        """
        assert parsed.document is not None
        sizes = tuple(
            sorted(
                (name, len(value) if isinstance(value, list) else value)
                for name, value in variables.items()
                if isinstance(value, list)
                or (isinstance(value, int) and not isinstance(value, bool))
            )
        )
        key = (parsed.hash, sizes)
        if self.measured.get(key) is None:
            measure_document(parsed.document, self.limits, self.schema, variables)
            self.measured.put(key, True)

    def prepare(self, parsed: ParsedDocument, operation: Operation) -> PreparedOperation:
        """The prepared operation, from the cache or made (and cached) now."""
        cached = self.cached_prepared(parsed, operation)
        if cached is not None:
            return cached
        return self.store_prepared(parsed, self.build_prepared(operation))

    def _key(self, parsed: ParsedDocument, operation: Operation) -> tuple[str, str, str | None]:
        return (self.supergraph.hash, parsed.hash, operation.name)

    def cached_prepared(
        self, parsed: ParsedDocument, operation: Operation
    ) -> PreparedOperation | None:
        return self.prepared.get(self._key(parsed, operation))

    def store_prepared(
        self, parsed: ParsedDocument, prepared: PreparedOperation
    ) -> PreparedOperation:
        self.prepared.put(self._key(parsed, prepared.operation), prepared)
        return prepared

    def build_prepared(self, operation: Operation) -> PreparedOperation:
        """Plan the operation; touches no cache, so it may run in a worker thread."""
        with stage("plan"):
            plan = build.plan_operation(self.supergraph, operation)
        shaper = Shaper(self.schema, operation.definition, dict(operation.fragments))
        return PreparedOperation(operation, plan, shaper)


def _digest(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


def select_operation(parsed: ParsedDocument, operation_name: str | None) -> Operation | str:
    """The operation to run, or an error message."""
    if operation_name is None:
        if len(parsed.operations) == 1:
            return next(iter(parsed.operations.values()))
        return "Must provide operation name if query contains multiple operations."
    found = parsed.operations.get(operation_name)
    return found if found is not None else f'Unknown operation named "{operation_name}".'
