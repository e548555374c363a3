"""The consent subgraph's GraphQL layer: schema, types, loaders, permissions, mutations."""
