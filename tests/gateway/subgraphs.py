"""Small real subgraphs for gateway tests (strawberry, Federation v2.5, in memory).

- directory: Centre, PeerGroup (keys "id" and "slug"), the Listing interface, a PageInfo value
  type (@shareable) and a connection for list-path flattens.
- sessions: Session, Booking; extends PeerGroup (nextSession, upcomingSessions, seatsLeft
  @requires(size), title @external provided by featuredGroup), Participant.bookings, a union,
  a field that always errors, a `Date` argument only the subgraph can check, and mutations.
- consent: Participant, Centre referenced with resolvable: false, a field refused with a code,
  login mutations.
- ratings: extends PeerGroup by its "slug" key only.
"""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Annotated, Any

import strawberry
from graphql import GraphQLError
from starlette.applications import Starlette
from starlette.routing import Route
from strawberry.asgi import GraphQL
from strawberry.federation.schema_directives import Key

from gateway import SubgraphSpec

CALLS: Counter[str] = Counter()  # resolve_reference calls, "graph.Type"

CENTRES = {"c1": ("Asha Centre", "Pune"), "c2": ("Bandhan House", "Delhi")}
GROUPS = {
    "g1": ("morning-circle", "Morning Circle", 12, "c1"),
    "g2": ("evening-circle", "Evening Circle", 8, "c1"),
    "g3": ("family-support", "Family Support", 10, "c2"),
}
SESSIONS = {
    "s1": ("2026-01-05T09:00", "g1"),
    "s2": ("2026-01-06T18:00", "g2"),
    "s3": ("2026-01-12T09:00", "g1"),
}
BOOKED = {"g1": 5, "g2": 8, "g3": 0}


# --- directory -------------------------------------------------------------------------------


@strawberry.interface
class Listing:
    id: strawberry.ID
    title: str


@strawberry.federation.type(keys=["id"])
class Centre(Listing):
    city: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Centre:
        CALLS["directory.Centre"] += 1
        return make_centre(id)


def make_centre(centre_id: str) -> Centre:
    title, city = CENTRES[centre_id]
    return Centre(id=strawberry.ID(centre_id), title=title, city=city)


@strawberry.federation.type(keys=["id", "slug"])
class PeerGroup(Listing):
    # shareable: sessions resolves it too where featuredGroup @provides it
    title: str = strawberry.federation.field(shareable=True)
    slug: str
    size: int
    centre_id: strawberry.Private[str]

    @strawberry.field
    def centre(self) -> Centre:
        return make_centre(self.centre_id)

    @classmethod
    def resolve_reference(cls, **data: Any) -> PeerGroup | None:
        CALLS["directory.PeerGroup"] += 1
        group_id = data.get("id") or next(
            (k for k, v in GROUPS.items() if v[0] == data.get("slug")), None
        )
        return make_group(group_id) if group_id in GROUPS else None


def make_group(group_id: str) -> PeerGroup:
    slug, title, size, centre_id = GROUPS[group_id]
    return PeerGroup(
        id=strawberry.ID(group_id), title=title, slug=slug, size=size, centre_id=centre_id
    )


@strawberry.federation.type(shareable=True)
class PageInfo:
    has_next_page: bool


@strawberry.type
class GroupEdge:
    node: PeerGroup


@strawberry.type
class GroupConnection:
    edges: list[GroupEdge]
    page_info: PageInfo


@strawberry.type
class DirectoryQuery:
    @strawberry.field
    def centres(self) -> list[Centre]:
        return [make_centre(c) for c in CENTRES]

    @strawberry.field
    def group(self, id: strawberry.ID) -> PeerGroup | None:
        return make_group(id) if id in GROUPS else None

    @strawberry.field
    def groups(self) -> list[PeerGroup]:
        return [make_group(g) for g in GROUPS]

    @strawberry.field
    def nearby_groups(self, first: int = 10) -> GroupConnection:
        edges = [GroupEdge(node=make_group(g)) for g in list(GROUPS)[:first]]
        return GroupConnection(edges=edges, page_info=PageInfo(has_next_page=first < len(GROUPS)))

    @strawberry.field
    def search(self, text: str) -> list[Listing]:
        found: list[Listing] = [make_centre(c) for c in CENTRES if text in CENTRES[c][0]]
        found += [make_group(g) for g in GROUPS if text in GROUPS[g][1]]
        return found


directory_schema = strawberry.federation.Schema(
    query=DirectoryQuery, types=[Centre, PeerGroup], federation_version="2.5"
)


# --- sessions --------------------------------------------------------------------------------


@strawberry.federation.type(keys=["id"], name="PeerGroup")
class SessionsGroup:
    id: strawberry.ID
    size: int = strawberry.federation.field(external=True)
    title: str = strawberry.federation.field(external=True)

    @strawberry.federation.field(requires=["size"])
    def seats_left(self) -> int:
        return self.size - BOOKED[self.id]

    @strawberry.field
    def next_session(self) -> Session | None:
        return next((make_session(s) for s, v in SESSIONS.items() if v[1] == self.id), None)

    @strawberry.field
    def upcoming_sessions(self) -> list[Session]:
        return [make_session(s) for s, v in SESSIONS.items() if v[1] == self.id]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, size: int = 0) -> SessionsGroup:
        CALLS["sessions.PeerGroup"] += 1
        return cls(id=id, size=size, title="")


@strawberry.federation.type(keys=["id"])
class Session:
    id: strawberry.ID
    starts_at: str
    group_id: strawberry.Private[str]

    @strawberry.field
    def group(self) -> SessionsGroup:
        return SessionsGroup(id=strawberry.ID(self.group_id), size=0, title="")

    @strawberry.field
    def flaky(self) -> str | None:
        raise ValueError("flaky is broken")

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Session:
        CALLS["sessions.Session"] += 1
        return make_session(id)


def make_session(session_id: str) -> Session:
    starts_at, group_id = SESSIONS[session_id]
    return Session(id=strawberry.ID(session_id), starts_at=starts_at, group_id=group_id)


@strawberry.type
class Booking:
    id: strawberry.ID
    session: Session


@strawberry.federation.type(keys=["id"], name="Participant")
class SessionsParticipant:
    id: strawberry.ID

    @strawberry.field
    def bookings(self) -> list[Booking]:
        return [Booking(id=strawberry.ID(f"b-{self.id}"), session=make_session("s1"))]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> SessionsParticipant:
        CALLS["sessions.Participant"] += 1
        return cls(id=id)


Activity = Annotated[Session | Booking, strawberry.union("Activity")]


@strawberry.federation.type(shareable=True, name="PageInfo")
class SessionsPageInfo:
    has_next_page: bool


@strawberry.type
class SessionsQuery:
    @strawberry.field
    def sessions(self) -> list[Session]:
        return [make_session(s) for s in SESSIONS]

    @strawberry.federation.field(provides=["title"])
    def featured_group(self) -> SessionsGroup:
        return SessionsGroup(id=strawberry.ID("g1"), size=0, title="Morning Circle")

    @strawberry.field
    def activity(self) -> list[Activity]:
        return [make_session("s1"), Booking(id=strawberry.ID("b1"), session=make_session("s2"))]

    @strawberry.field
    def sessions_on(self, day: datetime.date) -> list[Session]:
        return [make_session(s) for s, v in SESSIONS.items() if v[0][:10] == day.isoformat()]

    @strawberry.field
    def session_page(self) -> SessionsPageInfo:
        return SessionsPageInfo(has_next_page=False)


@strawberry.type
class SessionsMutation:
    @strawberry.mutation
    def book_session(self, session_id: strawberry.ID) -> Booking:
        LOG.append(f"book {session_id}")
        return Booking(id=strawberry.ID(f"b-{session_id}"), session=make_session(session_id))

    @strawberry.mutation
    def cancel_booking(self, booking_id: strawberry.ID) -> bool:
        LOG.append(f"cancel {booking_id}")
        return True


LOG: list[str] = []  # mutation calls in the order subgraphs received them

sessions_schema = strawberry.federation.Schema(
    query=SessionsQuery,
    mutation=SessionsMutation,
    types=[SessionsGroup, SessionsParticipant],
    federation_version="2.5",
)


# --- consent ---------------------------------------------------------------------------------


@strawberry.federation.type(keys=[Key(fields="id", resolvable=False)], name="Centre")
class CentreReference:
    id: strawberry.ID


@strawberry.federation.type(keys=["id"])
class Participant:
    id: strawberry.ID
    display_name: str

    @strawberry.field
    def home_centre(self) -> CentreReference:
        return CentreReference(id=strawberry.ID("c1"))

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Participant:
        CALLS["consent.Participant"] += 1
        return cls(id=id, display_name=f"Participant {id}")


@strawberry.type
class ConsentQuery:
    @strawberry.field
    def me(self, info: strawberry.Info) -> Participant | None:
        authorization = info.context["request"].headers.get("authorization")
        if authorization != "Bearer good":
            return None
        return Participant(id=strawberry.ID("p1"), display_name="Meera")

    @strawberry.field
    def staff_only(self) -> str | None:
        raise GraphQLError("Staff only.", extensions={"code": "FORBIDDEN"})

    @strawberry.field
    def echo_headers(self, info: strawberry.Info) -> list[str]:
        headers = info.context["request"].headers
        return [f"{k}={headers.get(k)}" for k in ("authorization", "x-request-id")]


@strawberry.type
class ConsentMutation:
    @strawberry.mutation
    def request_login_code(self, email: str) -> bool:
        LOG.append(f"code {email}")
        return True


consent_schema = strawberry.federation.Schema(
    query=ConsentQuery, mutation=ConsentMutation, federation_version="2.5"
)


# --- ratings ---------------------------------------------------------------------------------


@strawberry.federation.type(keys=["slug"], name="PeerGroup")
class RatedGroup:
    slug: str

    @strawberry.field
    def rating(self) -> float | None:
        return 4.5 if self.slug == "morning-circle" else 3.0

    @classmethod
    def resolve_reference(cls, slug: str) -> RatedGroup:
        CALLS["ratings.PeerGroup"] += 1
        return cls(slug=slug)


@strawberry.type
class RatingsQuery:
    @strawberry.field
    def top_rated_slug(self) -> str:
        return "morning-circle"


ratings_schema = strawberry.federation.Schema(
    query=RatingsQuery, types=[RatedGroup], federation_version="2.5"
)


# --- serving ---------------------------------------------------------------------------------

SCHEMAS: dict[str, strawberry.federation.Schema] = {
    "consent": consent_schema,
    "directory": directory_schema,
    "ratings": ratings_schema,
    "sessions": sessions_schema,
}


def asgi_app(schema: strawberry.federation.Schema) -> Starlette:
    """A Starlette app serving the schema at /graphql, as the real services do."""
    return Starlette(routes=[Route("/graphql", GraphQL(schema), methods=["GET", "POST"])])


def sdl(name: str) -> str:
    result = SCHEMAS[name].execute_sync("{ _service { sdl } }")
    assert result.data is not None
    return str(result.data["_service"]["sdl"])


def specs(*names: str) -> list[SubgraphSpec]:
    """SubgraphSpecs for the named test subgraphs (all of them by default)."""
    return [
        SubgraphSpec(name, f"http://{name}.test/graphql", sdl(name))
        for name in (names or tuple(SCHEMAS))
    ]
