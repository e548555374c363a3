"""The service toolkit: what every subgraph is built from, so that no service writes its own.

- ``payload``: the errors-as-payload core (a raised ``SaathiError`` becomes ``error``);
- ``permissions``: who may resolve a field (participant, staff of a centre, service caller);
- ``view``: request ids and the response body of ``/graphql``;
- ``app``: the health route, the ``/graphql`` route and the lifespan every service shares;
- ``clock``: the ``Clock`` in each service's context;
- ``connections``: opaque cursors, ``first`` limits, ``pageInfo`` and ``totalCount``;
- ``outbox``: drain a transactional outbox, with retry and backoff in one place;
- ``internal``: the typed internal API between services (contracts, client, server);
- ``strawberry`` and ``graphene``: the same pieces as each GraphQL library wants them.

``docs/service-toolkit.md`` shows how a service is put together with it.
"""
