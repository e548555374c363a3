"""The directory's GraphQL layer: types, queries, loaders, the request context and the schema."""
