"""The consent subgraph: identity, sign-in, tokens, consents and consent requests."""
