"""The composition root: the one place that knows every part of a Saathi network.

It assembles the gateway, the three services and the kernel into a running network
(``assembly``), fronts them with the edge (``edge``, ``revocation``), offers the command line
(``cli``) and writes the demo network (``demo``). Nothing imports it: services and the kernel stay
ignorant of how they are put together (see docs/architecture.md).
"""
