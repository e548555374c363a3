"""The demo network: what it holds (``description``) and the writers that put each service's part
of it into that service's database (``directory``, ``sessions``, ``consent``).

The writers use the services' internals because the composition root sits above them; no service
imports the demo.
"""
