"""The sessions subgraph: types, loaders, permissions, mutations and the schema."""
