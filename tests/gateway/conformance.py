"""More real subgraphs for the differential test and planner tests of federation corner cases.

They compose together with the subgraphs of `tests.gateway.subgraphs`:

- venues: Room with a composite, nested key ("number centre { id }"), Centre.rooms.
- access: extends Room: `capacity` @override(from: "venues"), `stepFree` @requires(floor),
  `directions` @requires with a nested field set ("centre { city } floor"), a shareable `name`,
  a field that errors for one room, and a root list holding a room venues does not know
  (its `_entities` answer is null).
- library: the entity interface Resource (Article, Video) and a union across graphs
  (Highlight = Article | Centre, Centre only referenced here).
- feedback: Resource as an @interfaceObject with `helpfulCount`, and a root returning it.
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.federation.schema_directives import Key

from gateway import SubgraphSpec
from tests.gateway import subgraphs

ROOMS = {
    ("c1", 1): (0, 20, "Garden Room"),
    ("c1", 2): (1, 8, "Quiet Room"),
    ("c2", 1): (2, 12, "Hall"),
}
UNKNOWN_ROOM = ("c2", 9)  # known to access only
RESOURCES = {
    "r1": ("article", "Coping with grief", "Text about grief"),
    "r2": ("video", "Breathing together", 12),
    "r3": ("article", "First meeting", "What to expect"),
}
HELPFUL = {"r1": 7, "r2": 3, "r3": 0}


# --- venues ----------------------------------------------------------------------------------


@strawberry.federation.type(keys=["id"], name="Centre")
class VenuesCentre:
    id: strawberry.ID

    @strawberry.field
    def rooms(self) -> list[Room]:
        return [make_room(c, n) for c, n in ROOMS if c == self.id]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> VenuesCentre:
        return cls(id=id)


@strawberry.federation.type(keys=["number centre { id }"])
class Room:
    number: int
    centre: VenuesCentre
    floor: int
    capacity: int
    name: str = strawberry.federation.field(shareable=True)

    @classmethod
    def resolve_reference(cls, number: int, centre: dict[str, Any]) -> Room | None:
        subgraphs.CALLS["venues.Room"] += 1
        return make_room(centre["id"], number) if (centre["id"], number) in ROOMS else None


def make_room(centre_id: str, number: int) -> Room:
    floor, capacity, name = ROOMS[(centre_id, number)]
    centre = VenuesCentre(id=strawberry.ID(centre_id))
    return Room(number=number, centre=centre, floor=floor, capacity=capacity, name=name)


@strawberry.type
class VenuesQuery:
    @strawberry.field
    def rooms(self) -> list[Room]:
        return [make_room(c, n) for c, n in ROOMS]

    @strawberry.field
    def room(self, centre_id: strawberry.ID, number: int) -> Room | None:
        return make_room(centre_id, number) if (centre_id, number) in ROOMS else None


venues_schema = strawberry.federation.Schema(
    query=VenuesQuery, types=[Room, VenuesCentre], federation_version="2.5"
)


# --- access ----------------------------------------------------------------------------------


@strawberry.federation.type(keys=[Key(fields="id", resolvable=False)], name="Centre")
class AccessCentre:
    id: strawberry.ID
    city: str = strawberry.federation.field(external=True)


@strawberry.federation.type(keys=["number centre { id }"], name="Room")
class AccessRoom:
    number: int
    centre: AccessCentre
    floor: int = strawberry.federation.field(external=True)
    name: str = strawberry.federation.field(shareable=True)

    @strawberry.federation.field(override="venues")
    def capacity(self) -> int:
        return ROOMS[(self.centre.id, self.number)][1] if self._known else 4

    @strawberry.federation.field(requires=["floor"])
    def step_free(self) -> bool:
        return self.floor == 0

    @strawberry.federation.field(requires=["centre { city } floor"])
    def directions(self) -> str:
        return f"{self.centre.city}, floor {self.floor}"

    @strawberry.field
    def inspection(self) -> str | None:
        if self.number == 2:
            raise ValueError("inspection records are unavailable")
        return "passed"

    @property
    def _known(self) -> bool:
        return (self.centre.id, self.number) in ROOMS

    @classmethod
    def resolve_reference(cls, number: int, centre: dict[str, Any], **data: Any) -> AccessRoom:
        subgraphs.CALLS["access.Room"] += 1
        known = ROOMS.get((centre["id"], number))
        return cls(
            number=number,
            centre=AccessCentre(id=centre["id"], city=centre.get("city", "")),
            floor=data.get("floor", 0),
            name=known[2] if known else "Annex",
        )


@strawberry.type
class AccessQuery:
    @strawberry.field
    def accessible_rooms(self) -> list[AccessRoom | None]:
        listed = [*ROOMS, UNKNOWN_ROOM]
        return [
            AccessRoom(
                number=n,
                centre=AccessCentre(id=strawberry.ID(c), city=""),
                floor=0,
                name=ROOMS[(c, n)][2] if (c, n) in ROOMS else "Annex",
            )
            for c, n in listed
        ]


access_schema = strawberry.federation.Schema(
    query=AccessQuery, types=[AccessRoom], federation_version="2.5"
)


# --- library ---------------------------------------------------------------------------------


@strawberry.federation.interface(keys=["id"])
class Resource:
    id: strawberry.ID
    title: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Resource | None:
        subgraphs.CALLS["library.Resource"] += 1
        return make_resource(id) if id in RESOURCES else None


@strawberry.federation.type(keys=["id"])
class Article(Resource):
    body: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Resource | None:
        return make_resource(id) if id in RESOURCES else None


@strawberry.federation.type(keys=["id"])
class Video(Resource):
    minutes: int

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Resource | None:
        return make_resource(id) if id in RESOURCES else None


def make_resource(resource_id: str) -> Resource:
    kind, title, extra = RESOURCES[resource_id]
    if kind == "article":
        return Article(id=strawberry.ID(resource_id), title=title, body=str(extra))
    return Video(id=strawberry.ID(resource_id), title=title, minutes=int(extra))


@strawberry.federation.type(keys=[Key(fields="id", resolvable=False)], name="Centre")
class LibraryCentre:
    id: strawberry.ID


Highlight = Annotated[Article | LibraryCentre, strawberry.union("Highlight")]


@strawberry.type
class LibraryQuery:
    @strawberry.field
    def resources(self) -> list[Resource]:
        return [make_resource(r) for r in RESOURCES]

    @strawberry.field
    def resource(self, id: strawberry.ID) -> Resource | None:
        return make_resource(id) if id in RESOURCES else None

    @strawberry.field
    def highlights(self) -> list[Highlight]:
        article = make_resource("r1")
        assert isinstance(article, Article)
        return [article, LibraryCentre(id=strawberry.ID("c2"))]


library_schema = strawberry.federation.Schema(
    query=LibraryQuery, types=[Article, Video, LibraryCentre], federation_version="2.5"
)


# --- feedback --------------------------------------------------------------------------------


@strawberry.federation.interface_object(keys=["id"], name="Resource")
class ResourceFeedback:
    id: strawberry.ID

    @strawberry.field
    def helpful_count(self) -> int:
        return HELPFUL.get(self.id, 0)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> ResourceFeedback:
        subgraphs.CALLS["feedback.Resource"] += 1
        return cls(id=id)


@strawberry.type
class FeedbackQuery:
    @strawberry.field
    def popular_resources(self) -> list[ResourceFeedback]:
        ranked = sorted(HELPFUL, key=lambda r: -HELPFUL[r])
        return [ResourceFeedback(id=strawberry.ID(r)) for r in ranked]


feedback_schema = strawberry.federation.Schema(
    query=FeedbackQuery, types=[ResourceFeedback], federation_version="2.5"
)


SCHEMAS: dict[str, strawberry.federation.Schema] = {
    **subgraphs.SCHEMAS,
    "access": access_schema,
    "feedback": feedback_schema,
    "library": library_schema,
    "venues": venues_schema,
}


def sdl(name: str) -> str:
    result = SCHEMAS[name].execute_sync("{ _service { sdl } }")
    assert result.data is not None
    return str(result.data["_service"]["sdl"])


def specs(urls: dict[str, str] | None = None) -> list[SubgraphSpec]:
    """SubgraphSpecs for every test subgraph, the conformance ones included."""
    return [
        SubgraphSpec(name, (urls or {}).get(name, f"http://{name}.test/graphql"), sdl(name))
        for name in sorted(SCHEMAS)
    ]
