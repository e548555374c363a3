"""Small subgraphs for the federation shapes a gateway must plan (not Saathi's domain).

catalog, extras and stock compose into one supergraph holding, each with its own types:

- shared roots and value types: `Query.info` in catalog and extras; `Info.extra` only in extras;
  `Info.name` is `String!` in catalog and `String` in extras (field types differ per graph);
- hop back to the parent: `Child.y` only in extras, where `Parent` (an entity) also has `child`,
  and `Child` has no key; `Child.z` only in catalog (so `child { z y }` takes two routes);
- @provides / @external / @shareable: catalog's `Review.author` provides `User.name`,
  `Book.curator` does too where the interface field `Media.curator` does not, and
  `Review.subject: Media` provides `... on Book { pages }` through the abstract type;
- several keys: `Product @key(id) @key(sku)` in catalog, extras knows Product by `sku` only and
  stock by `id` only;
- `resolvable: false`: stock references `Parent` by id only;
- @override of an implementing type's field: `Film.title` moved from catalog to extras, while
  `Media.title` stays an interface field;
- @requires with arguments and a chain back through the graphs: extras'
  `Product.shippingCost(currency:)` requires catalog's `price weight`; stock's
  `Product.delivery` requires extras' `stock`, which extras reaches by `sku` from catalog;
  @requires with an inline fragment on a union: stock's `Shelf.label` requires
  `kind { ... on Fridge { degrees } ... on Rack { levels } }`;
- unions and interfaces differing per graph: catalog's `Result = Book | Film`, extras'
  `Result = Book`; `User` implements `Named` in extras only;
- a type conflict only inside one graph: `Book.year: Int` and `Film.year: Int!` in catalog
  (`Int` in the supergraph, as extras declares `Film.year`); and one level down, where only
  merging the sub-selections of `details` (a union `Details`, narrower in extras) finds it:
  `BookDetails.rating: Int` and `FilmDetails.rating: Int!` in catalog (`Int` in extras);
- @inaccessible: `Product.code`, the `Tier.SECRET` value (one product has it, and
  `productsOfTier(tier:)` takes a `Tier` as input), the argument `products(hidden:)`, the type
  `Ledger` (behind the inaccessible `Product.ledger`); extras' `Product.label` requires the
  inaccessible `code`, which the planner still fetches;
- `ID` in one graph, `ID!` in another: the value type `Tag` has `code: ID` in catalog (behind
  `Product.tag`) and `code: ID!` in extras (behind `Product.stamp` and `Query.marks`), so a
  query selects it through both (both graphs have every field of `Tag`: it has no key); in
  extras' union `Mark = Tag | Seal`, `Seal.code` is `ID`, so `code` under both members
  conflicts there alone (both are `ID` in the supergraph).
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

import strawberry
from strawberry.federation.schema_directives import Key

from gateway import SubgraphSpec

PRODUCTS = {  # id: (sku, price, weight, stock, tier)
    "p1": ("sku-1", 10, 2, 5, "GOLD"),
    "p2": ("sku-2", 25, 7, 0, "SECRET"),
    "p3": ("sku-3", 4, 1, 12, "GOLD"),
}
BY_SKU = {v[0]: k for k, v in PRODUCTS.items()}
MEDIA = {"b1": ("book", "Dune", 412), "f1": ("film", "Alien", 117)}
USERS = {"u1": ("Asha", "asha@example.org"), "u2": ("Ravi", "ravi@example.org")}


# --- catalog ---------------------------------------------------------------------------------


@strawberry.interface(name="Named")
class CatalogNamed:
    name: str | None


@strawberry.federation.type(shareable=True)
class Info:
    name: str


@strawberry.federation.type(shareable=True, name="Child")
class CatalogChild:
    x: int
    z: str = "z-from-catalog"


@strawberry.federation.type(keys=["id"], name="Parent")
class CatalogParent:
    id: strawberry.ID
    child: CatalogChild = strawberry.federation.field(shareable=True)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> CatalogParent:
        return cls(id=id, child=CatalogChild(x=len(id)))


@strawberry.federation.type(keys=["id"], name="User")
class CatalogUser:
    id: strawberry.ID
    name: str = strawberry.federation.field(external=True)


@strawberry.type
class Review(CatalogNamed):
    id: strawberry.ID
    body: str
    author: CatalogUser = strawberry.federation.field(provides=["name"])
    subject: Media = strawberry.federation.field(provides=["... on Book { pages }"])


@strawberry.federation.enum
class Tier(Enum):
    GOLD = "GOLD"
    SECRET = strawberry.federation.enum_value("SECRET", inaccessible=True)


@strawberry.federation.type(inaccessible=True)
class Ledger:
    entries: int = 3


@strawberry.federation.type(shareable=True, name="Tag")
class CatalogTag:
    code: strawberry.ID | None
    label: str


@strawberry.federation.type(keys=["id", "sku"], name="Product")
class CatalogProduct:
    id: strawberry.ID
    sku: str
    price: int = strawberry.federation.field(shareable=True)
    weight: int
    code: str = strawberry.federation.field(inaccessible=True)
    tier: Tier | None
    ledger: Ledger = strawberry.federation.field(inaccessible=True, default_factory=Ledger)

    @strawberry.field
    def tag(self) -> CatalogTag:
        return CatalogTag(code=strawberry.ID(f"t-{self.id}"), label=f"tag of {self.id}")

    @classmethod
    def resolve_reference(
        cls, id: strawberry.ID | None = None, sku: str | None = None
    ) -> CatalogProduct:
        return make_product(id or BY_SKU[str(sku)])


def make_product(product_id: str) -> CatalogProduct:
    sku, price, weight, _, tier = PRODUCTS[product_id]
    return CatalogProduct(
        id=strawberry.ID(product_id),
        sku=sku,
        price=price,
        weight=weight,
        code=f"C-{product_id}",
        tier=Tier(tier),
    )


def curator() -> CatalogUser:
    return CatalogUser(id=strawberry.ID("u2"), name="Ravi")


@strawberry.federation.interface(keys=["id"])
class Media:
    id: strawberry.ID
    title: str
    curator: CatalogUser = strawberry.field(default_factory=lambda: curator())


@strawberry.type
class BookDetails:
    rating: int | None = 4


@strawberry.federation.type(shareable=True, name="FilmDetails")
class CatalogFilmDetails:
    rating: int = 5


CatalogDetails = Annotated[BookDetails | CatalogFilmDetails, strawberry.union("Details")]


@strawberry.federation.type(keys=["id"])
class Book(Media):
    curator: CatalogUser = strawberry.federation.field(
        provides=["name"], default_factory=lambda: curator()
    )
    year: int | None = 1965
    pages: int | None = strawberry.federation.field(external=True, default=None)
    details: CatalogDetails = strawberry.field(default_factory=BookDetails)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Book:
        return Book(id=id, title=MEDIA[id][1])


@strawberry.federation.type(keys=["id"], name="Film")
class CatalogFilm(Media):
    title: str = strawberry.federation.field(shareable=True)
    year: int = strawberry.federation.field(shareable=True, default=1979)
    details: CatalogDetails = strawberry.federation.field(
        shareable=True, default_factory=CatalogFilmDetails
    )

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> CatalogFilm:
        return CatalogFilm(id=id, title="(old title)")


CatalogResult = Annotated[Book | CatalogFilm, strawberry.union("Result")]


def make_media(media_id: str) -> Media:
    kind, title, _ = MEDIA[media_id]
    if kind == "book":
        return Book(id=strawberry.ID(media_id), title=title)
    return CatalogFilm(id=strawberry.ID(media_id), title="(old title)")


@strawberry.federation.type(shareable=True)
class Fridge:
    degrees: int


@strawberry.federation.type(shareable=True)
class Rack:
    levels: int


Kind = Annotated[Fridge | Rack, strawberry.union("Kind")]
SHELVES: dict[str, Fridge | Rack] = {"s1": Fridge(degrees=4), "s2": Rack(levels=5)}


@strawberry.federation.type(keys=["id"])
class Shelf:
    id: strawberry.ID
    kind: Kind | None

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Shelf:
        return cls(id=id, kind=SHELVES[id])


def make_reviews() -> list[Review]:
    return [
        Review(
            name="first review",
            id=strawberry.ID("r1"),
            body="Great",
            author=CatalogUser(id=strawberry.ID("u1"), name="Asha"),
            subject=Book(id=strawberry.ID("b1"), title="Dune", pages=412),
        ),
        Review(
            name="second review",
            id=strawberry.ID("r2"),
            body="Fine",
            author=CatalogUser(id=strawberry.ID("u2"), name="Ravi"),
            subject=make_media("f1"),
        ),
    ]


@strawberry.type
class CatalogQuery:
    @strawberry.federation.field(shareable=True)
    def info(self) -> Info:
        return Info(name="catalog")

    @strawberry.field
    def catalog_named(self) -> list[CatalogNamed]:
        return list(make_reviews()[:1])

    @strawberry.field
    def parent(self) -> CatalogParent:
        return CatalogParent.resolve_reference(strawberry.ID("pa"))

    @strawberry.field
    def reviews(self) -> list[Review]:
        return make_reviews()

    @strawberry.field
    def products(
        self, hidden: Annotated[bool, strawberry.federation.argument(inaccessible=True)] = False
    ) -> list[CatalogProduct]:
        return [make_product(p) for p in PRODUCTS]

    @strawberry.field
    def products_of_tier(self, tier: Tier) -> list[CatalogProduct]:
        return [make_product(p) for p, row in PRODUCTS.items() if row[4] == tier.value]

    @strawberry.field
    def media(self) -> list[Media]:
        return [make_media(m) for m in MEDIA]

    @strawberry.field
    def shelves(self) -> list[Shelf]:
        return [Shelf.resolve_reference(strawberry.ID(s)) for s in SHELVES]

    @strawberry.field
    def search(self) -> list[CatalogResult]:
        return [make_media(m) for m in MEDIA]  # type: ignore[misc]


catalog_schema = strawberry.federation.Schema(
    query=CatalogQuery,
    types=[Book, CatalogFilm, Shelf],
    federation_version="2.5",
)


# --- extras ----------------------------------------------------------------------------------


@strawberry.interface(name="Named")
class ExtrasNamed:
    name: str | None


@strawberry.federation.type(shareable=True, name="Info")
class ExtrasInfo(ExtrasNamed):
    name: str | None
    extra: str


@strawberry.federation.type(shareable=True, name="Child")
class ExtrasChild:
    x: int
    y: str


@strawberry.federation.type(keys=["id"], name="Parent")
class ExtrasParent:
    id: strawberry.ID

    @strawberry.federation.field(shareable=True)
    def child(self) -> ExtrasChild:
        return ExtrasChild(x=len(self.id), y=f"y-of-{self.id}")

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> ExtrasParent:
        return cls(id=id)


@strawberry.federation.type(keys=["id"], name="User")
class ExtrasUser(ExtrasNamed):
    id: strawberry.ID
    name: str = strawberry.federation.field(shareable=True)
    email: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> ExtrasUser:
        name, email = USERS[id]
        return cls(id=id, name=name, email=email)


@strawberry.federation.type(shareable=True, name="Tag")
class ExtrasTag:
    code: strawberry.ID
    label: str


@strawberry.type(name="Seal")
class Seal:
    code: strawberry.ID | None


Mark = Annotated[ExtrasTag | Seal, strawberry.union("Mark")]


@strawberry.federation.type(keys=["sku"], name="Product")
class ExtrasProduct:
    sku: str
    price: int = strawberry.federation.field(external=True)
    weight: int = strawberry.federation.field(external=True)
    code: str = strawberry.federation.field(external=True, default="")

    @strawberry.federation.field(requires=["code"])
    def label(self) -> str:
        return f"label {self.code}"

    @strawberry.field
    def stock(self) -> int:
        return PRODUCTS[BY_SKU[self.sku]][3]

    @strawberry.field
    def stamp(self) -> ExtrasTag:
        return ExtrasTag(code=strawberry.ID(f"s-{self.sku}"), label=f"stamped {self.sku}")

    @strawberry.federation.field(requires=["price weight"])
    def shipping_cost(self, currency: str = "INR") -> str:
        return f"{self.price + self.weight} {currency}"

    @classmethod
    def resolve_reference(
        cls, sku: str, price: int | None = None, weight: int | None = None, code: str = ""
    ) -> ExtrasProduct:
        return cls(sku=sku, price=price or 0, weight=weight or 0, code=code)


@strawberry.federation.type(keys=["id"], name="Book")
class ExtrasBook:
    id: strawberry.ID

    @strawberry.federation.field(shareable=True)
    def pages(self) -> int | None:
        return int(MEDIA[self.id][2])

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> ExtrasBook:
        return cls(id=id)


@strawberry.federation.type(shareable=True, name="FilmDetails")
class ExtrasFilmDetails:
    rating: int | None = 5


ExtrasDetails = Annotated[ExtrasFilmDetails, strawberry.union("Details")]


@strawberry.federation.type(keys=["id"], name="Film")
class ExtrasFilm:
    id: strawberry.ID

    @strawberry.federation.field(override="catalog", shareable=True)
    def title(self) -> str:
        return str(MEDIA[self.id][1])

    @strawberry.federation.field(shareable=True)
    def year(self) -> int | None:
        return 1979

    @strawberry.federation.field(shareable=True)
    def details(self) -> ExtrasDetails:
        return ExtrasFilmDetails()

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> ExtrasFilm:
        return cls(id=id)


ExtrasResult = Annotated[ExtrasBook, strawberry.union("Result")]


@strawberry.type
class ExtrasQuery:
    @strawberry.federation.field(shareable=True)
    def info(self) -> ExtrasInfo:
        return ExtrasInfo(name="extras", extra="only here")

    @strawberry.field
    def named(self) -> list[ExtrasNamed]:
        return [ExtrasInfo(name="extras", extra="only here"), ExtrasUser.resolve_reference("u1")]

    @strawberry.field
    def picks(self) -> list[ExtrasResult]:
        return [ExtrasBook(id=strawberry.ID("b1"))]

    @strawberry.field
    def marks(self) -> list[Mark]:
        return [
            ExtrasTag(code=strawberry.ID("t-1"), label="a tag"),
            Seal(code=None),
            Seal(code=strawberry.ID("s-1")),
        ]


extras_schema = strawberry.federation.Schema(
    query=ExtrasQuery,
    types=[ExtrasParent, ExtrasUser, ExtrasProduct, ExtrasFilm, ExtrasBook],
    federation_version="2.5",
)


# --- stock -----------------------------------------------------------------------------------


@strawberry.federation.type(keys=[Key(fields="id", resolvable=False)], name="Parent")
class StockParent:
    id: strawberry.ID


@strawberry.federation.type(keys=["id"], name="Product")
class StockProduct:
    id: strawberry.ID
    stock: int = strawberry.federation.field(external=True)

    @strawberry.federation.field(requires=["stock"])
    def delivery(self) -> str:
        return "tomorrow" if self.stock > 0 else "out of stock"

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, stock: int | None = None) -> StockProduct:
        return cls(id=id, stock=stock or 0)


@strawberry.federation.type(name="Fridge")
class StockFridge:
    degrees: int = strawberry.federation.field(external=True)


@strawberry.federation.type(name="Rack")
class StockRack:
    levels: int = strawberry.federation.field(external=True)


StockKind = Annotated[StockFridge | StockRack, strawberry.union("Kind")]


@strawberry.federation.type(keys=["id"], name="Shelf")
class StockShelf:
    id: strawberry.ID
    kind: StockKind | None = strawberry.federation.field(external=True)
    required: strawberry.Private[dict[str, Any] | None] = None

    @strawberry.federation.field(
        requires=["kind { ... on Fridge { degrees } ... on Rack { levels } }"]
    )
    def label(self) -> str:
        kind = self.required or {}
        if "degrees" in kind:
            return f"cold, {kind['degrees']} degrees"
        return f"{kind.get('levels')} levels" if "levels" in kind else "unknown"

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, kind: dict[str, Any] | None = None) -> StockShelf:
        return cls(id=id, kind=None, required=kind)


@strawberry.type
class StockQuery:
    @strawberry.field
    def lonely_parent(self) -> StockParent:
        return StockParent(id=strawberry.ID("lp"))


stock_schema = strawberry.federation.Schema(
    query=StockQuery, types=[StockProduct, StockShelf], federation_version="2.5"
)


SCHEMAS: dict[str, strawberry.federation.Schema] = {
    "catalog": catalog_schema,
    "extras": extras_schema,
    "stock": stock_schema,
}


def sdl(name: str) -> str:
    result = SCHEMAS[name].execute_sync("{ _service { sdl } }")
    assert result.data is not None
    return str(result.data["_service"]["sdl"])


def specs(urls: dict[str, str] | None = None) -> list[SubgraphSpec]:
    return [
        SubgraphSpec(name, (urls or {}).get(name, f"http://{name}.test/graphql"), sdl(name))
        for name in sorted(SCHEMAS)
    ]
