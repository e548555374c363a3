"""One ``/graphql`` in every subgraph: GET and POST, JSON only, request ids, masked errors, and
mutation errors as payload, in both GraphQL flavours."""

# mypy: disallow-subclassing-any=False

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import graphene
import httpx
import pytest
import strawberry
from graphene_federation import build_schema
from graphql import GraphQLResolveInfo
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.websockets import WebSocket

from saathi.auth import Viewer
from saathi.errors import NotFound
from saathi.service.app import standard_routes
from saathi.service.graphene import GrapheneGraphQL, acts_for, errors_as_payload
from saathi.service.graphene import MutationError as GrapheneMutationError
from saathi.service.payload import Failure
from saathi.service.strawberry import IsParticipant, MutationError, ServiceGraphQL, mutation
from saathi.service.view import request_id_of
from saathi.tokens import Role
from tests.saathi.service.conftest import ViewerFor


def test_a_safe_request_id_is_kept_and_any_other_replaced() -> None:
    assert request_id_of({"x-request-id": "req_abc:1"}) == "req_abc:1"
    for unsafe in ("a\nforged log line", "x" * 101, "", "<script>"):
        replaced = request_id_of({"x-request-id": unsafe})
        assert replaced.startswith("req_")
        assert replaced != unsafe


@dataclass
class Context:
    viewer: Viewer
    request_id: str


# --- strawberry ---------------------------------------------------------------------------------


@strawberry.type
class Done:
    ok: bool = False
    error: MutationError | None = None


async def finish(info: strawberry.Info[Context], what: str) -> Done:
    if what == "missing":
        raise NotFound("Nothing to finish.")
    if what == "crash":
        raise RuntimeError("a secret detail")
    return Done(ok=True)


@strawberry.type
class Query:
    @strawberry.field
    def hello(self) -> str:
        return "hello"

    @strawberry.field
    def crash(self) -> str:
        raise RuntimeError("a secret detail")


@strawberry.type
class Mutation:
    finish = mutation(finish, Done, IsParticipant())


class View(ServiceGraphQL[Context]):
    def __init__(self, viewer_for: ViewerFor) -> None:
        super().__init__(strawberry.federation.Schema(query=Query, mutation=Mutation))
        self.viewer_for = viewer_for

    async def context_for(self, request: Request | WebSocket, request_id: str) -> Context:
        subject = request.headers.get("x-subject")
        return Context(self.viewer_for(subject), request_id)


FINISH = "mutation($what: String!) { finish(what: $what) { ok error { code message } } }"


@pytest.fixture
async def strawberry_client(viewer_for: ViewerFor) -> Any:
    app = Starlette(routes=standard_routes(View(viewer_for)))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sub") as client:
        yield client


async def test_strawberry_answers_get_and_post(strawberry_client: httpx.AsyncClient) -> None:
    got = await strawberry_client.get("/graphql", params={"query": "{ hello }"})
    posted = await strawberry_client.post("/graphql", json={"query": "{ hello }"})

    assert got.json() == posted.json() == {"data": {"hello": "hello"}}
    assert (await strawberry_client.get("/health")).json() == {"status": "ok"}


async def test_strawberry_refuses_a_form_post_and_a_get_mutation(
    strawberry_client: httpx.AsyncClient,
) -> None:
    form = await strawberry_client.post("/graphql", content=b"query={hello}")
    put = await strawberry_client.put("/graphql", json={"query": "{ hello }"})
    get_mutation = await strawberry_client.get(
        "/graphql", params={"query": 'mutation { finish(what: "x") { ok } }'}
    )

    assert form.status_code == 415
    assert put.status_code == 405
    assert get_mutation.status_code == 405


async def test_strawberry_mutation_errors_are_the_payload(
    strawberry_client: httpx.AsyncClient,
) -> None:
    anonymous = await strawberry_client.post(
        "/graphql", json={"query": FINISH, "variables": {"what": "x"}}
    )
    missing = await strawberry_client.post(
        "/graphql",
        json={"query": FINISH, "variables": {"what": "missing"}},
        headers={"x-subject": "par_1"},
    )
    done = await strawberry_client.post(
        "/graphql",
        json={"query": FINISH, "variables": {"what": "x"}},
        headers={"x-subject": "par_1"},
    )

    assert anonymous.json()["data"]["finish"]["error"]["code"] == "UNAUTHENTICATED"
    assert missing.json() == {
        "data": {
            "finish": {"ok": False, "error": {"code": "NOT_FOUND", "message": "Nothing to finish."}}
        }
    }
    assert done.json() == {"data": {"finish": {"ok": True, "error": None}}}


async def test_strawberry_masks_an_unexpected_error_with_the_request_id(
    strawberry_client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        answer = await strawberry_client.post(
            "/graphql", json={"query": "{ crash }"}, headers={"x-request-id": "req_t1"}
        )

    error = answer.json()["errors"][0]
    assert error["message"] == "Internal server error"
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": "req_t1"}
    assert "a secret detail" not in answer.text
    assert "req_t1" in caplog.text


# --- graphene -----------------------------------------------------------------------------------


class Closed(graphene.ObjectType):
    ok = graphene.Boolean(required=True)
    error = graphene.Field(GrapheneMutationError)


class CloseGroup(graphene.Mutation):
    class Arguments:
        what = graphene.String(required=True)

    Output = Closed

    @staticmethod
    @errors_as_payload(lambda error: Closed(ok=False, error=Failure.of(error)))
    @acts_for(Role.CENTRE_ADMIN)
    async def mutate(root: Any, info: GraphQLResolveInfo, what: str) -> Closed:
        if what == "missing":
            raise NotFound("No such group.")
        return Closed(ok=True)


class GQuery(graphene.ObjectType):
    hello = graphene.String()

    @staticmethod
    def resolve_hello(root: Any, info: GraphQLResolveInfo) -> str:
        return "hello"


class GMutation(graphene.ObjectType):
    close_group = CloseGroup.Field()


CLOSE = "mutation($what: String!) { closeGroup(what: $what) { ok error { code message } } }"


@pytest.fixture
async def graphene_client(viewer_for: ViewerFor) -> Any:
    schema = graphene.Schema(query=GQuery, mutation=GMutation, types=[GrapheneMutationError])

    def context_for(request: Request, request_id: str) -> Context:
        subject = request.headers.get("x-subject")
        if subject is None:
            return Context(viewer_for(None), request_id)
        return Context(viewer_for(subject, Role.CENTRE_ADMIN, "ctr_a"), request_id)

    endpoint = GrapheneGraphQL(schema.graphql_schema, context_for)
    app = Starlette(routes=standard_routes(endpoint.handle))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sub") as client:
        yield client


async def test_graphene_answers_get_and_post_and_refuses_a_get_mutation(
    graphene_client: httpx.AsyncClient,
) -> None:
    got = await graphene_client.get("/graphql", params={"query": "{ hello }"})
    posted = await graphene_client.post("/graphql", json={"query": "{ hello }"})
    get_mutation = await graphene_client.get(
        "/graphql", params={"query": CLOSE, "variables": '{"what": "x"}'}
    )
    form = await graphene_client.post("/graphql", content=b"query={hello}")

    assert got.json() == posted.json() == {"data": {"hello": "hello"}}
    assert got.headers["x-request-id"].startswith("req_")
    assert get_mutation.status_code == 405
    assert get_mutation.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert form.status_code == 415


async def test_graphene_mutation_errors_are_the_payload(
    graphene_client: httpx.AsyncClient,
) -> None:
    anonymous = await graphene_client.post(
        "/graphql", json={"query": CLOSE, "variables": {"what": "x"}}
    )
    missing = await graphene_client.post(
        "/graphql",
        json={"query": CLOSE, "variables": {"what": "missing"}},
        headers={"x-subject": "stf_1"},
    )

    assert anonymous.json()["data"]["closeGroup"]["error"]["code"] == "UNAUTHENTICATED"
    assert missing.json() == {
        "data": {
            "closeGroup": {
                "ok": False,
                "error": {"code": "NOT_FOUND", "message": "No such group."},
            }
        }
    }


def test_both_flavours_print_the_same_mutation_error_type() -> None:
    graphene_sdl = str(build_schema(query=GQuery, types=[GrapheneMutationError]))
    strawberry_sdl = strawberry.federation.Schema(query=Query, types=[MutationError]).as_str()

    def block(sdl: str) -> str:
        start = sdl.index("type MutationError")
        return sdl[start : sdl.index("}", start) + 1]

    assert block(graphene_sdl) == block(strawberry_sdl)
