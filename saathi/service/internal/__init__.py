"""The internal API between services: one contracts module, one client, one server adapter.

``contracts`` holds every endpoint (path, who may call it, request and response models);
``client.call(peers, ENDPOINT, request)`` sends one and reads the typed answer; ``server.route``
serves one behind the service-token guard. docs/internal-api.md lists the endpoints.
"""
