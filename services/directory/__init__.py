"""The directory subgraph: centres, peer groups, peer supporters, crisis lines, nearby search."""
